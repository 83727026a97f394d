"""The async network backend: TCP connections on anyio streams (asyncio and trio).

Failures are raised as httpx's exception types, so the client maps them as it maps httpx's:
`ConnectError`/`ConnectTimeout` while connecting, `WriteError`/`WriteTimeout` while sending,
`ReadError`/`ReadTimeout` while receiving, `PoolTimeout` while waiting for a connection.
"""

from __future__ import annotations

import asyncio
import sys
import weakref
from collections import deque

import anyio
import anyio.abc
import httpx

from .._wire.request import Origin
from ._readiness import readable_now

__all__ = ["AsyncSlots", "AsyncSocket", "connect"]

RECEIVE_SIZE = 65536
#: A send at most this long goes out without a timeout scope: it fits in the socket's send
#: buffer (and under asyncio's write buffer limit), so it never waits for the peer.
SMALL_SEND = 16384


def _deadline(timeout: float | None) -> float:
    return anyio.current_time() + timeout if timeout is not None else float("inf")


async def connect(origin: Origin, timeout: float | None) -> AsyncSocket:
    """A new TCP connection to `origin` (TCP_NODELAY set, as anyio does by default)."""
    with anyio.CancelScope(deadline=_deadline(timeout)) as scope:
        try:
            stream = await anyio.connect_tcp(origin.host, origin.port)
        except OSError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
    if scope.cancelled_caught:
        raise httpx.ConnectTimeout(f"no connection to {origin.authority} within {timeout} s")
    return AsyncSocket(stream, _asyncio_loop())


def _asyncio_running() -> bool:
    """True inside an asyncio event loop (anyio's other backend is trio)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _asyncio_loop() -> asyncio.AbstractEventLoop | None:
    """The running asyncio loop when the silence timer can be used (Python 3.11+ for
    `Task.uncancel`), else None (trio, or an older Python: a cancel scope per read)."""
    if sys.version_info < (3, 11):  # pragma: no cover - depends on the Python version
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class AsyncSocket:
    """One connected TCP stream.

    On asyncio the read timeout is kept by one lazy timer per connection instead of a cancel
    scope per read (a scope arms and disarms a timer each time, a quarter of the CPU of a
    small request): each read notes when its wait began, and the timer, when it fires,
    cancels the reading task only if that wait has lasted the whole timeout; otherwise it
    re-arms for the moment it would. So a read costs two assignments, and the timer fires
    at most once per timeout period.
    """

    __slots__ = (
        "__weakref__",
        "_expired",
        "_loop",
        "_stream",
        "_timer",
        "_wait_began",
        "_wait_limit",
        "_waiter",
    )

    def __init__(
        self, stream: anyio.abc.SocketStream, loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        self._stream = stream
        self._loop = loop
        if loop is None and not _asyncio_running():
            # On trio nothing else owns the socket (an asyncio transport, which the loop
            # keeps, closes its own): one dropped unclosed, with its client, closes quietly
            # when collected. A finalizer, not `__del__`: among garbage collected together
            # the socket's own finalizer (which warns) may run first.
            raw = stream.extra(anyio.abc.SocketAttribute.raw_socket, None)
            if raw is not None:
                weakref.finalize(self, raw.close)
        self._timer: asyncio.TimerHandle | None = None
        self._waiter: asyncio.Task[object] | None = None
        self._wait_began = 0.0
        self._wait_limit = 0.0
        self._expired = False

    async def send_all(self, data: bytes, timeout: float | None) -> None:
        """Send all of `data`; `timeout` bounds the wait for the peer to take it."""
        if len(data) <= SMALL_SEND:
            try:
                return await self._stream.send(data)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
                raise httpx.WriteError(f"sending failed: {exc!r}") from exc
        with anyio.CancelScope(deadline=_deadline(timeout)) as scope:
            try:
                await self._stream.send(data)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
                raise httpx.WriteError(f"sending failed: {exc!r}") from exc
        if scope.cancelled_caught:
            raise httpx.WriteTimeout(f"the server took no data for {timeout} s")

    async def receive(self, timeout: float | None) -> bytes:
        """The next bytes from the peer (b"" once it closed); waits at most `timeout`."""
        if timeout is None:
            return await self._receive()
        loop = self._loop
        if loop is not None:
            return await self._receive_with_timer(loop, timeout)
        with anyio.CancelScope(deadline=anyio.current_time() + timeout):
            return await self._receive()
        # Only the deadline ends the scope without a return: the read timed out.
        raise httpx.ReadTimeout(f"no data from the server for {timeout} s")

    async def _receive_with_timer(self, loop: asyncio.AbstractEventLoop, timeout: float) -> bytes:
        task = asyncio.current_task()
        self._waiter, self._wait_began, self._wait_limit = task, loop.time(), timeout
        if self._timer is None:
            self._timer = loop.call_at(self._wait_began + timeout, self._check_silence)
        try:
            return await self._receive()
        except asyncio.CancelledError:
            if self._expired and task is not None:
                self._expired = False
                # Our cancellation, and nobody else's pending: it is a read timeout.
                if sys.version_info >= (3, 11) and task.uncancel() == 0:
                    raise httpx.ReadTimeout(f"no data from the server for {timeout} s") from None
            raise
        finally:
            self._waiter = None

    def _check_silence(self) -> None:
        self._timer = None
        waiter, loop = self._waiter, self._loop
        if waiter is None or loop is None:
            return  # not reading: the next read arms the timer again
        due = self._wait_began + self._wait_limit
        if loop.time() < due:
            self._timer = loop.call_at(due, self._check_silence)
            return
        self._expired = True
        waiter.cancel()

    async def _receive(self) -> bytes:
        try:
            return await self._stream.receive(RECEIVE_SIZE)
        except anyio.EndOfStream:
            return b""
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
            raise httpx.ReadError(f"receiving failed: {exc!r}") from exc

    async def aclose(self) -> None:
        """Close at once (no goodbye): works inside a cancelled scope too."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await anyio.aclose_forcefully(self._stream)

    def is_dead(self) -> bool:
        """True when an idle connection cannot carry a request: the peer closed it, reset it
        or sent something unasked (an idle socket should have nothing to read)."""
        raw = self._stream.extra(anyio.abc.SocketAttribute.raw_socket, None)
        return raw is None or readable_now(raw.fileno())


class AsyncSlots:
    """At most `limit` holders at once: `acquire` takes a slot at once when one is free (no
    yield to the event loop), else waits in line up to `timeout`; `release` hands the slot
    to the first in line."""

    __slots__ = ("_free", "_waiters")

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiters: deque[anyio.Event] = deque()

    async def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (`httpx.PoolTimeout` after that)."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        granted = anyio.Event()
        self._waiters.append(granted)
        try:
            with anyio.CancelScope(deadline=_deadline(timeout)):
                await granted.wait()
        except BaseException:
            self._give_up(granted)
            raise
        if not granted.is_set():
            self._give_up(granted)
            raise httpx.PoolTimeout(f"no connection free within {timeout} s")

    def _give_up(self, granted: anyio.Event) -> None:
        if granted.is_set():
            self.release()  # handed over just as we stopped waiting: pass it on
        else:
            self._waiters.remove(granted)

    def release(self) -> None:
        """Give a slot back (to the first waiter, if any)."""
        if self._waiters:
            self._waiters.popleft().set()
        else:
            self._free += 1
