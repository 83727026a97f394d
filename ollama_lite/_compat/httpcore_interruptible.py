"""Blocking httpcore I/O that leaving an embed_many run cuts: the httpx path's share of what
`_backends/socket_network` does on the fast path.

`cut_when_left(transport)` wraps the network backend of a sync `httpx.HTTPTransport` that
ollama_lite built: each read and write of its connections is `interruptible` (see
`_sync_workers`). In a job of a run that is left, the connection's socket is shut down, the
call raises `Abandoned` and httpcore closes the connection (it never goes back to the pool);
a connection being made is closed before anything is sent on it. Outside such a job nothing
changes but one context-variable lookup per read or write. A transport the caller brings is
never touched.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpx

from .._sync_workers import Abandoned, cut_socket, interruptible, raise_if_stopped, sleep

if TYPE_CHECKING:
    import ssl

__all__ = ["cut_when_left"]


def cut_when_left(transport: httpx.HTTPTransport) -> None:
    """Make `transport`'s connections cut by leaving an embed_many run (see the module).

    Works on httpcore's pool (`_network_backend`, httpcore 1.x); a pool without one is left
    as it is (its requests then end in the background, bounded by the client's timeouts).
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _Backend):
        pool._network_backend = _Backend(backend)  # type: ignore[union-attr]


class _Backend:
    """httpcore's `NetworkBackend` interface, over the one it wraps."""

    __slots__ = ("_backend",)

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        raise_if_stopped()
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream.made(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _Stream:
        raise_if_stopped()
        return _Stream.made(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        sleep(seconds)


class _Stream:
    """httpcore's `NetworkStream` interface: reads and writes cut when the run is left."""

    __slots__ = ("_stream",)

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    @classmethod
    def made(cls, stream: Any) -> _Stream:
        """`stream`, just made, wrapped; closed instead when the run was left meanwhile."""
        try:
            raise_if_stopped()
        except Abandoned:
            stream.close()
            raise
        return cls(stream)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = interruptible(self._stream.read, self._cut, max_bytes, timeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        interruptible(self._stream.write, self._cut, buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _Stream:
        raise_if_stopped()
        return _Stream.made(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)

    def _cut(self) -> None:
        """End a read or write blocked in another thread (which then closes the stream)."""
        sock = self._stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            cut_socket(sock)
