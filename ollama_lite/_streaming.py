"""Streams: iterators over a streamed response that own its HTTP connection.

A stream closes its response when it is exhausted, when an error is raised (an error line
from the server, a broken connection, or an exception such as cancellation or
KeyboardInterrupt while waiting for data), when it leaves a `with` block, on `close()`, and
when it is dropped: the parts come from a generator that holds the response but not the
stream, so breaking out of a `for` loop finalises the generator, which closes the response.
Async generators are finalised by the event loop (asyncio and trio both do), so an
abandoned async stream is closed soon after too; `async with` makes it immediate.

Ollama stops generating when the connection closes, so closing frees the server as well.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Generator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from ._ndjson import NDJSONDecoder
from ._protocol import transport_error

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")


def _raw(response: httpx.Response) -> Any:
    """The body's byte chunks with the fewest layers: the transport's own stream, unless a
    Content-Encoding needs httpx's decoders."""
    if response.headers.get("content-encoding"):
        return None
    return response.stream


def _parts(
    response: httpx.Response, decoder: NDJSONDecoder[T], url: str
) -> Generator[T, None, None]:
    chunks: Iterator[bytes] | None = _raw(response)
    if chunks is None:
        chunks = response.iter_bytes()
    try:
        for chunk in chunks:
            yield from decoder.feed(chunk)
            if decoder.pending is not None:
                raise decoder.pending
        yield from decoder.flush()
        if decoder.pending is not None:
            raise decoder.pending
    except httpx.HTTPError as exc:
        raise transport_error(exc, url, started=True) from exc
    finally:
        response.close()


async def _aparts(
    response: httpx.Response, decoder: NDJSONDecoder[T], url: str
) -> AsyncGenerator[Any, None]:
    chunks: AsyncIterator[bytes] | None = _raw(response)
    if chunks is None:
        chunks = response.aiter_bytes()
    try:
        # Started once by AsyncStream.start(), so the event loop knows this generator and
        # finalises it (closing the response) even if the stream is dropped unread.
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
        await _close_shielded(response)


async def _close_shielded(response: httpx.Response) -> None:
    # Shielded, so a cancelled task still releases its connection.
    import anyio

    with anyio.CancelScope(shield=True):
        await response.aclose()


class Stream(Generic[T]):
    """The parts of a streamed reply, in order. Iterate it; use `with` to close it early.

    ```
    with client.chat(model, messages, stream=True) as stream:
        for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_parts", "_response")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._parts = _parts(response, decoder, url)

    def start(self) -> None:
        """Nothing to prepare: a dropped sync stream is closed by `__del__`."""

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers); its body belongs to the stream."""
        return self._response

    def __iter__(self) -> Stream[T]:
        return self

    def __next__(self) -> T:
        return next(self._parts)

    def close(self) -> None:
        """Close the HTTP response (and with it the server's generation)."""
        self._parts.close()
        self._response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # Dropped unfinished (a `break` out of a loop, or never iterated): the loop held this
        # object, so nothing iterates the parts any more.
        response = getattr(self, "_response", None)
        if response is not None:
            response.close()


class AsyncStream(Generic[T]):
    """The parts of a streamed reply, in order. `async for` it; use `async with` to close early.

    ```
    async with await client.chat(model, messages, stream=True) as stream:
        async for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_parts", "_response")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._parts: AsyncGenerator[T, None] = _aparts(response, decoder, url)

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
        await _close_shielded(self._response)

    close = aclose

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
