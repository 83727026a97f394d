"""Test helpers: response bodies that record whether the client closed them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence

import anyio
import httpx
import msgspec


def chat_line(content: str, done: bool = False, **extra: object) -> bytes:
    """One NDJSON line of a chat stream."""
    body = {"model": "m", "message": {"role": "assistant", "content": content}, "done": done}
    return msgspec.json.encode({**body, **extra}) + b"\n"


class TrackedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body made of `chunks`, that can then fail or hang, and records `closed`."""

    def __init__(
        self,
        chunks: Sequence[bytes],
        *,
        then: Exception | None = None,
        hang: bool = False,
    ) -> None:
        self.chunks = list(chunks)
        self.then = then
        self.hang = hang
        self.closed = False
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.chunks:
            self.sent += 1
            yield piece
        if self.then is not None:
            raise self.then

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.chunks:
            self.sent += 1
            yield piece
        if self.then is not None:
            raise self.then
        if self.hang:
            await anyio.sleep_forever()

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


class Recorder:
    """A MockTransport handler that answers from a list of factories and counts calls."""

    def __init__(self, *responses: Callable[[httpx.Request], httpx.Response]) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self.responses)) - 1
        return self.responses[index](request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)
