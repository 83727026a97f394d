"""`AsyncStream`: an iterator over a streamed response that owns its HTTP connection.

A stream closes its response when it is exhausted, when an error is raised (an error line
from the server, a broken connection, or an exception such as KeyboardInterrupt while
waiting for data, or a cancellation), when it leaves a `with` block, on `close()`, and
when it is dropped: the parts come from a generator that holds the response but not the
stream, and the stream starts it at once, so a dropped stream's generator is finalised,
which closes the response.

Ollama stops generating when the connection closes, so closing frees the server as well.
Iterating a stream again once it is closed or read raises `StreamClosedError` (its parts
were read once, from the connection); `collect()` keeps a whole reply as one response.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from .._async_backend import close_response
from .._collect import Collector
from .._compat.httpx_raw_stream import raw_chunks
from .._errors import StreamClosedError
from .._ndjson import NDJSONDecoder
from .._protocol import transport_error

__all__ = ["AsyncStream"]

T = TypeVar("T")


async def _parts(
    response: httpx.Response, decoder: NDJSONDecoder[T], url: str
) -> AsyncGenerator[Any, None]:
    chunks: AsyncIterator[bytes] | None = raw_chunks(response)
    if chunks is None:
        chunks = response.aiter_bytes()
    try:
        # Started once by AsyncStream.start(), so the generator is finalised (closing the
        # response) even if the stream is dropped unread.
        yield None
        async for chunk in chunks:
            for part in decoder.feed(chunk):
                yield part
            if decoder.pending is not None:
                raise decoder.pending
        for part in decoder.flush():
            yield part
        if decoder.pending is not None:
            raise decoder.pending
    except httpx.HTTPError as exc:
        raise transport_error(exc, url, started=True) from exc
    finally:
        await close_response(response)


def _finished(parts: Any) -> bool:
    """True once the parts generator ended or was closed (its frame is gone)."""
    return parts.ag_frame is None


def _running(parts: Any) -> bool:
    """True while a reader is inside the parts generator (another task or thread)."""
    return bool(parts.ag_running)


class AsyncStream(Generic[T]):
    """The parts of a streamed reply, in order. Iterate it with `async for`; close it early
    with `async with` or `aclose()`.

    ```
    async with await client.chat(model, messages, stream=True) as stream:
        async for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_iterated", "_parts", "_response")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._parts: AsyncGenerator[T, None] = _parts(response, decoder, url)
        self._iterated = False

    async def start(self) -> None:
        """Run the parts generator to its first step (reads nothing)."""
        await self._parts.__anext__()

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers); its body belongs to the stream."""
        return self._response

    def __aiter__(self) -> AsyncIterator[T]:
        if _finished(self._parts):
            raise StreamClosedError(
                "this stream is closed: it was read to its end, or its `with` block ended, or "
                "close() was called. Iterate it inside the `with` block, or keep the whole "
                "reply with collect()"
            )
        self._iterated = True
        return self._parts

    def __anext__(self) -> Awaitable[T]:
        self._iterated = True
        return self._parts.__anext__()

    async def collect(self) -> T:
        """Read the whole stream and return it as one response, then close it.

        For chat and generate: the joined text (`message.content` / `response`) and
        thinking, every tool call and logprob in order, and the final part's metrics and
        done reason. For other streams (pull, push, create), the last part. Call it
        instead of iterating, not after.
        """
        if self._iterated or _finished(self._parts):
            raise StreamClosedError(
                "collect() reads the whole stream: call it instead of iterating, before any "
                "part was read and while the stream is open"
            )
        self._iterated = True
        collector: Collector[T] = Collector()
        async with self:
            async for part in self._parts:
                collector.add(part)
        return collector.result()

    async def aclose(self) -> None:
        """Close the HTTP response (and with it the server's generation).

        Safe while another task or thread iterates the stream (a "stop" button): the
        response is closed first, so the reader's read fails with `StreamInterrupted`.
        """
        try:
            await close_response(self._response)
        finally:
            if not _running(self._parts):  # else the reader is inside it: it ends there
                await self._parts.aclose()

    close = aclose  # async alias: `close` works on both streams

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
