"""The sync network backend: blocking TCP sockets, no event loop and no worker threads.

The twin of `anyio_network` (same names, same httpx exception types). A socket's timeout
is set only when it changes, so a read costs one `recv` system call.
"""

from __future__ import annotations

import socket
import threading
import weakref

import httpx

from .._wire.request import Origin
from ._readiness import readable_now

__all__ = ["Slots", "Socket", "connect"]

RECEIVE_SIZE = 65536
_UNSET = -1.0


def connect(origin: Origin, timeout: float | None) -> Socket:
    """A new TCP connection to `origin`, with TCP_NODELAY."""
    try:
        sock = socket.create_connection((origin.host, origin.port), timeout=timeout)
    except TimeoutError as exc:
        raise httpx.ConnectTimeout(
            f"no connection to {origin.authority} within {timeout} s"
        ) from exc
    except OSError as exc:
        raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
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
            self._sock.sendall(data)
        except TimeoutError as exc:
            raise httpx.WriteTimeout(f"the server took no data for {timeout} s") from exc
        except OSError as exc:
            raise httpx.WriteError(f"sending failed: {exc!r}") from exc

    def receive(self, timeout: float | None) -> bytes:
        """The next bytes from the peer (b"" once it closed); waits at most `timeout`."""
        self._wait_at_most(timeout)
        try:
            return self._sock.recv(RECEIVE_SIZE)
        except TimeoutError as exc:
            raise httpx.ReadTimeout(f"no data from the server for {timeout} s") from exc
        except OSError as exc:
            raise httpx.ReadError(f"receiving failed: {exc!r}") from exc

    def close(self) -> None:
        """Close at once."""
        self._sock.close()

    def is_dead(self) -> bool:
        """True when an idle connection cannot carry a request: the peer closed it, reset it
        or sent something unasked (an idle socket should have nothing to read)."""
        return readable_now(self._sock.fileno())


class Slots:
    """At most `limit` holders at once; `acquire` waits up to `timeout` for a free slot."""

    __slots__ = ("_semaphore",)

    def __init__(self, limit: int) -> None:
        self._semaphore = threading.Semaphore(limit)

    def acquire(self, timeout: float | None) -> None:
        """Take a slot, waiting at most `timeout` seconds (`httpx.PoolTimeout` after that)."""
        if not self._semaphore.acquire(timeout=timeout):
            raise httpx.PoolTimeout(f"no connection free within {timeout} s")

    def release(self) -> None:
        """Give a slot back."""
        self._semaphore.release()
