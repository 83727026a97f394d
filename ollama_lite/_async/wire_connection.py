"""One HTTP/1.1 connection of the fast path: send a request, read the head, then the body."""

from __future__ import annotations

import time

import httpx

from .._backends.anyio_network import AsyncSocket
from .._wire.chunked import ChunkedDecoder
from .._wire.request import Origin
from .._wire.response import (
    MAX_HEAD_BYTES,
    ResponseHead,
    find_head_end,
    framing,
    keeps_alive,
    parse_head,
)

__all__ = ["AsyncBody", "AsyncConnection"]

#: A body sent in the same write as the head when it is at most this long.
COALESCE_BYTES = 64 * 1024


class AsyncConnection:
    """A TCP connection to `origin` carrying one request at a time. A response followed by
    bytes nobody asked for leaves its connection unfit for reuse (see `AsyncBody`)."""

    __slots__ = ("_socket", "idle_since", "origin")

    def __init__(self, socket: AsyncSocket, origin: Origin) -> None:
        self._socket = socket
        self.origin = origin
        self.idle_since = time.monotonic()

    async def send(self, head: bytes, body: bytes, timeout: float | None) -> None:
        """Send a request head and its (already encoded) body."""
        if len(body) <= COALESCE_BYTES:
            await self._socket.send_all(head + body, timeout)
        else:
            await self._socket.send_all(head, timeout)
            await self._socket.send_all(body, timeout)

    async def send_part(self, data: bytes, timeout: float | None) -> None:
        """Send a piece of a streamed request body."""
        await self._socket.send_all(data, timeout)

    async def receive_head(self, method: str, read_timeout: float | None) -> AsyncBody:
        """Read the response head (skipping 1xx interim responses); return the body reader."""
        buffer = b""
        searched = 0
        while True:
            end, searched = find_head_end(buffer, searched)
            if end == -1:
                if len(buffer) > MAX_HEAD_BYTES:
                    raise httpx.RemoteProtocolError(f"response head exceeds {MAX_HEAD_BYTES} bytes")
                data = await self._socket.receive(read_timeout)
                if not data:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response."
                        if not buffer
                        else "Server disconnected in the middle of the response head."
                    )
                buffer += data
                continue
            head = parse_head(buffer[:end])
            buffer = buffer[end:]
            searched = 0
            if head.status_code >= 200 or head.status_code == 101:
                break
        if head.status_code == 101:
            raise httpx.RemoteProtocolError("unexpected 101 Switching Protocols")
        kind, length = framing(head, method)
        return AsyncBody(self, self._socket, head, kind, length, buffer, read_timeout)

    def is_reusable(self, now: float, expiry: float) -> bool:
        """Whether this idle connection may carry another request."""
        return now - self.idle_since < expiry and not self._socket.is_dead()

    async def aclose(self) -> None:
        """Close the socket at once."""
        await self._socket.aclose()


class AsyncBody:
    """Reads one response body, in the pieces the network delivers.

    `next()` returns payload bytes, then b"" once the body is complete (`done`). `reusable`
    says whether the connection may carry another request afterwards.
    """

    __slots__ = (
        "_chunked",
        "_kind",
        "_pending",
        "_read_timeout",
        "_remaining",
        "_socket",
        "connection",
        "done",
        "head",
        "reusable",
    )

    def __init__(
        self,
        connection: AsyncConnection,
        socket: AsyncSocket,
        head: ResponseHead,
        kind: str,
        length: int,
        pending: bytes,
        read_timeout: float | None,
    ) -> None:
        self.connection = connection
        self._socket = socket
        self.head = head
        self._kind = kind
        self._remaining = length
        self._pending = pending
        self._read_timeout = read_timeout
        self._chunked = ChunkedDecoder() if kind == "chunked" else None
        self.done = False
        self.reusable = keeps_alive(head) and kind != "close"
        if kind == "none" or (kind == "length" and not length):
            self._finish(pending)

    def _finish(self, extra: bytes) -> None:
        self.done = True
        if extra:
            self.reusable = False

    async def _receive(self) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        return await self._socket.receive(self._read_timeout)

    async def next(self) -> bytes:
        """The next piece of the body; b"" when it is complete."""
        if self.done:
            return b""
        chunked = self._chunked
        if chunked is not None:
            while True:
                data = await self._receive()
                if not data:
                    raise httpx.RemoteProtocolError(
                        "peer closed connection without sending complete message body "
                        "(incomplete chunked read)"
                    )
                payload = chunked.feed(data)
                if chunked.done:
                    self._finish(chunked.trailing)
                if payload or self.done:
                    return payload
        data = await self._receive()
        if self._kind == "close":
            if not data:
                self.done = True
            return data
        if not data:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body "
                f"(received fewer bytes than Content-Length, {self._remaining} missing)"
            )
        remaining = self._remaining - len(data)
        if remaining > 0:
            self._remaining = remaining
            return data
        self._remaining = 0
        self._finish(data[len(data) + remaining :] if remaining else b"")
        return data[: len(data) + remaining] if remaining else data
