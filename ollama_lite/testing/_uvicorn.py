"""The uvicorn server under :class:`FakeOllama`: quiet, and able to stop and resume listening."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from typing import TypeVar

try:
    import uvicorn
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "ollama_lite.testing needs uvicorn: pip install 'ollama-lite[testing]'", name="uvicorn"
    ) from exc

from ._asgi import AbortConnection
from ._stats import Counters

THREAD_PREFIX = "FakeOllama"
T = TypeVar("T")
log = logging.getLogger("ollama_lite.testing")


class _QuietUvicorn(logging.Filter):
    """Keep uvicorn quiet on our threads: no info chatter, no deliberate-abort tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not threading.current_thread().name.startswith(THREAD_PREFIX):
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (AbortConnection, asyncio.CancelledError)):
            return False
        return record.levelno >= logging.WARNING


def install_log_filter() -> None:
    log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietUvicorn) for f in log.filters):
        log.addFilter(_QuietUvicorn())


def quiet_config(app: object, keep_alive_timeout: float) -> uvicorn.Config:
    """uvicorn settings for the fake: no lifespan, no logging setup, no server header."""
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        lifespan="off",
        access_log=False,
        log_config=None,
        log_level=None,
        server_header=False,
        proxy_headers=False,
        ws="none",
        timeout_keep_alive=int(keep_alive_timeout),
        timeout_graceful_shutdown=1,
    )


class Server(uvicorn.Server):
    """uvicorn's server, woken by an event instead of polling, reporting when it listens."""

    def __init__(
        self,
        config: uvicorn.Config,
        started: threading.Event,
        host: str,
        port: int,
        counters: Counters,
    ) -> None:
        super().__init__(config)
        self.stop_event = asyncio.Event()
        self._started = started
        self._address = (host, port)
        self._counters = counters
        self._outages = 0  # bumped by every kill: a revive asked for before it is void
        self._revive_timer: asyncio.TimerHandle | None = None
        self._relisten_lock = asyncio.Lock()
        self._revivals: set[asyncio.Task[None]] = set()
        self.revive_error: RuntimeError | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._started.set()

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):  # on_tick refreshes the Date header
            counter += 10
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stop_event.wait(), timeout=1.0)

    def begin_shutdown(self) -> None:
        """Stop now: drop every connection (open streams included) and leave the main loop."""
        self.should_exit = True
        self.force_exit = True
        self._cancel_revive_timer()
        self.drop_connections()
        self.stop_event.set()

    # -- faults: the server dies, or comes back ----------------------------------------------
    @property
    def accepting(self) -> bool:
        """True while a listening socket accepts connections."""
        return any(server.is_serving() for server in getattr(self, "servers", ()))

    def close_listeners(self) -> None:
        """Close the listening sockets: new connections are refused, open ones carry on."""
        for server in getattr(self, "servers", ()):
            server.close()

    def drop_connections(self, spare: object = None) -> int:
        """Abort every open connection but the one whose transport is ``spare``; the count.

        ``spare`` is closed gracefully instead, once its current response is sent.
        """
        dropped = 0
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is None:
                continue
            if transport is spare:
                connection.shutdown()
            elif not transport.is_closing():
                transport.abort()
                dropped += 1
        return dropped

    def close_idle_connections(self) -> None:
        """Close idle keep-alive connections; busy ones close after their current response."""
        for connection in list(self.server_state.connections):
            connection.shutdown()

    async def relisten(self, outage: int | None = None) -> None:
        """Listen again on the same address after :meth:`kill` (else nothing).

        ``outage`` is the kill this revive answers (the latest by default): when a later
        kill came first, the server stays down. Serialised, so concurrent calls listen once.
        Raises RuntimeError (also kept in :attr:`revive_error`) when the address cannot be
        bound again, e.g. another process took the port.
        """
        if outage is None:
            outage = self._outages
            self._cancel_revive_timer()
        async with self._relisten_lock:
            if self.accepting or self.should_exit or outage != self._outages:
                return
            try:
                await self._listen()
            except Exception as exc:
                host, port = self._address
                error = RuntimeError(f"FakeOllama could not listen again on {host}:{port}: {exc}")
                self.revive_error = error
                raise error from exc
            if outage != self._outages or self.should_exit:
                self.close_listeners()  # killed or stopped while we were starting
            else:
                self.revive_error = None

    async def _listen(self) -> None:
        sock = bind(*self._address)
        try:
            await super().startup(sockets=[sock])  # lifespan off: only listens
        except BaseException:
            sock.close()
            raise

    def revive_soon(self, outage: int | None = None) -> None:
        """Start :meth:`relisten` in a task (on the loop, not waiting); failures are logged."""
        if outage is None:
            outage = self._outages
            self._cancel_revive_timer()
        task = asyncio.get_running_loop().create_task(self.relisten(outage))
        self._revivals.add(task)
        task.add_done_callback(self._revived)

    def _revived(self, task: asyncio.Task[None]) -> None:
        self._revivals.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:  # relisten kept it in revive_error
            log.warning("%s; the server stays down until revive()", error)

    def _cancel_revive_timer(self) -> None:
        if self._revive_timer is not None:
            self._revive_timer.cancel()
            self._revive_timer = None

    def kill(
        self, drop_connections: bool, revive_after: float | None, spare: object = None
    ) -> None:
        """Stop listening and drop (or gracefully close) connections; maybe come back later.

        Runs on the server's loop. ``spare`` is a transport closed gracefully instead of cut.
        A kill voids any revive pending from an earlier one (timer or task).
        """
        self._outages += 1
        self._cancel_revive_timer()
        self.close_listeners()
        if drop_connections:
            self.drop(spare)
        else:
            self.close_idle_connections()
        if revive_after is not None:
            loop = asyncio.get_running_loop()
            self._revive_timer = loop.call_later(revive_after, self.revive_soon, self._outages)

    def drop(self, spare: object = None) -> int:
        """:meth:`drop_connections`, counted in the server's statistics."""
        dropped = self.drop_connections(spare)
        self._counters.dropped_connections += dropped
        return dropped


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it keep-alive requests stall ~40 ms on Nagle + delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class LoopGone(RuntimeError):
    """The server's loop ended before it could run the action."""


def call_on_loop(
    loop: asyncio.AbstractEventLoop | None,
    thread: threading.Thread | None,
    action: Callable[[], T],
    *,
    or_here: bool = False,
) -> T:
    """Run ``action`` on ``loop`` and wait for its result; directly when already on ``thread``.

    Without a running loop (the server is stopped or stopping): ``action()`` right here with
    ``or_here``, else :class:`LoopGone`.
    """
    if threading.current_thread() is thread:
        return action()
    try:
        return _call_on_loop(loop, thread, action)
    except LoopGone:
        if or_here:
            return action()
        raise


def _call_on_loop(
    loop: asyncio.AbstractEventLoop | None, thread: threading.Thread | None, action: Callable[[], T]
) -> T:
    if loop is None or thread is None or not thread.is_alive():
        raise LoopGone("FakeOllama is not running")

    async def run() -> T:
        return action()

    try:
        future = asyncio.run_coroutine_threadsafe(run(), loop)
    except RuntimeError as exc:  # the loop is closed
        raise LoopGone("FakeOllama is not running") from exc
    for _ in range(200):  # 10 s, checking that the loop is still there to run it
        try:
            return future.result(0.05)
        except concurrent.futures.TimeoutError:
            if thread is None or not thread.is_alive():
                future.cancel()
                raise LoopGone("FakeOllama is not running") from None
    future.cancel()
    raise TimeoutError("the FakeOllama server loop did not answer within 10 s")
