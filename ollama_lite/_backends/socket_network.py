"""The sync network backend: blocking TCP sockets, no event loop and no worker threads.

The twin of `anyio_network` (same names, same httpx exception types). A socket's timeout
is set only when it changes, so a read costs one `recv` system call.

In a job of an embed_many run (a worker thread, see `_sync_workers`), leaving the run cuts
what the job is blocked in, as cancellation does on the async side: a `send_all` or
`receive` (the socket is shut down; `Abandoned` is raised), a wait for a free connection,
and a connection not yet made is never used (it is closed as soon as it is made).
"""

from __future__ import annotations

import math
import socket
import threading
import time
import weakref

import httpx

from .._sync_workers import Abandoned, Signal, cut_socket, interruptible, raise_if_stopped
from .._wire.request import Origin
from ._readiness import readable_now

__all__ = ["Slots", "Socket", "connect"]

RECEIVE_SIZE = 65536
_UNSET = -1.0


def connect(origin: Origin, timeout: float | None) -> Socket:
    """A new TCP connection to `origin`, with TCP_NODELAY."""
    raise_if_stopped()
    try:
        sock = socket.create_connection((origin.host, origin.port), timeout=timeout)
    except TimeoutError as exc:
        raise httpx.ConnectTimeout(
            f"no connection to {origin.authority} within {timeout} s"
        ) from exc
    except OSError as exc:
        raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
    try:
        raise_if_stopped()  # the run was left while connecting: nothing goes out on it
    except Abandoned:
        sock.close()
        raise
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return Socket(sock, timeout)


class Socket:
    """One connected TCP socket."""

    __slots__ = ("__weakref__", "_sock", "_timeout")

    def __init__(self, sock: socket.socket, timeout: float | None) -> None:
        self._sock = sock
        self._timeout: float | None = timeout
        # One dropped unclosed (its client was never closed) closes quietly when collected.
        # A finalizer, not `__del__`: among garbage collected together the socket's own
        # finalizer (which warns) may run first.
        weakref.finalize(self, sock.close)

    def _wait_at_most(self, timeout: float | None) -> None:
        if timeout != self._timeout:
            self._sock.settimeout(timeout)
            self._timeout = timeout

    def send_all(self, data: bytes, timeout: float | None) -> None:
        """Send all of `data`; `timeout` bounds each wait for the peer to take some."""
        self._wait_at_most(timeout)
        try:
            interruptible(self._sock.sendall, self._cut, data)
        except TimeoutError as exc:
            raise httpx.WriteTimeout(f"the server took no data for {timeout} s") from exc
        except OSError as exc:
            raise httpx.WriteError(f"sending failed: {exc!r}") from exc

    def receive(self, timeout: float | None) -> bytes:
        """The next bytes from the peer (b"" once it closed); waits at most `timeout`."""
        self._wait_at_most(timeout)
        try:
            return interruptible(self._sock.recv, self._cut, RECEIVE_SIZE)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(f"no data from the server for {timeout} s") from exc
        except OSError as exc:
            raise httpx.ReadError(f"receiving failed: {exc!r}") from exc

    def _cut(self) -> None:
        """End a `recv` or `sendall` blocked on this socket in another thread."""
        cut_socket(self._sock)

    def close(self) -> None:
        """Close at once."""
        self._sock.close()

    def is_dead(self) -> bool:
        """True when an idle connection cannot carry a request: the peer closed it, reset it
        or sent something unasked (an idle socket should have nothing to read)."""
        return readable_now(self._sock.fileno())


class Slots:
    """At most `limit` holders at once; `acquire` waits up to `timeout` for a free slot
    (in a job of an embed_many run, only until the run is left)."""

    __slots__ = ("_free", "_freed", "_lock", "_waiting")

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiting = 0
        self._lock = threading.Lock()
        self._freed = Signal()

    def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (`httpx.PoolTimeout` after that)."""
        with self._lock:
            if self._free > 0:
                self._free -= 1
                return
        deadline = math.inf if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self._free > 0:
                    self._free -= 1
                    return
                token = self._freed.arm()
                self._waiting += 1
            try:
                raise_if_stopped()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise httpx.PoolTimeout(f"no connection free within {timeout} s")
                self._freed.wait(token, None if left == math.inf else left)
            finally:
                with self._lock:
                    self._waiting -= 1

    def release(self) -> None:
        """Give a slot back."""
        with self._lock:
            self._free += 1
            waiting = self._waiting
        if waiting:
            self._freed.notify()
