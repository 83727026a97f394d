"""`AsyncStream`: an iterator over a streamed response that owns its HTTP connection.

A stream closes its response when it is exhausted, when an error is raised (an error line
from the server, a broken connection, or an exception such as cancellation or
KeyboardInterrupt while waiting for data), when it leaves a `with` block, on `close()`, and
when it is dropped: the parts come from a generator that holds the response but not the
stream, and the stream starts it at once, so a dropped stream's generator is finalised,
which closes the response.

Ollama stops generating when the connection closes, so closing frees the server as well.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from .._async_backend import close_response
from .._compat.httpx_raw_stream import raw_chunks
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


class AsyncStream(Generic[T]):
    """The parts of a streamed reply, in order. Iterate it with `async for`; close it early
    with `async with` or `aclose()`.

    ```
    async with await client.chat(model, messages, stream=True) as stream:
        async for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_parts", "_response")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._parts: AsyncGenerator[T, None] = _parts(response, decoder, url)

    async def start(self) -> None:
        """Run the parts generator to its first step (reads nothing)."""
        await self._parts.__anext__()

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers); its body belongs to the stream."""
        return self._response

    def __aiter__(self) -> AsyncIterator[T]:
        return self._parts

    def __anext__(self) -> Awaitable[T]:
        return self._parts.__anext__()

    async def aclose(self) -> None:
        """Close the HTTP response (and with it the server's generation)."""
        await self._parts.aclose()
        await close_response(self._response)

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
