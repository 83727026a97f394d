"""Streams: iterators over a streamed response that own its HTTP connection.

A stream closes its response when it is exhausted, when an error is raised (an error line
from the server, a broken connection, or an exception such as cancellation or
KeyboardInterrupt while waiting for data), when it leaves a `with` block, and on `close()`.
Ollama stops generating when the connection closes, so closing frees the server too. A sync
stream that is dropped without being closed is closed when it is garbage-collected; an
async one cannot be, so use `async with` or iterate it to the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import anyio
import httpx

from ._ndjson import NDJSONDecoder
from ._protocol import transport_error

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")


class Stream(Generic[T]):
    """The parts of a streamed reply, in order. Iterate it; use `with` to close it early.

    ```
    with client.chat(model, messages, stream=True) as stream:
        for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_chunks", "_closed", "_decoder", "_index", "_items", "_response", "_url")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._decoder = decoder
        self._url = url
        self._chunks: Iterator[bytes] = response.iter_bytes()
        self._items: list[T] = []
        self._index = 0
        self._closed = False

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers); its body belongs to the stream."""
        return self._response

    def __iter__(self) -> Stream[T]:
        return self

    def __next__(self) -> T:
        while True:
            if self._index < len(self._items):
                item = self._items[self._index]
                self._index += 1
                return item
            if self._decoder.pending is not None:
                self.close()
                error, self._decoder.pending = self._decoder.pending, None
                raise error
            if self._closed:
                raise StopIteration
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._items, self._index = self._decoder.flush(), 0
                self.close()
                continue
            except httpx.HTTPError as exc:
                self.close()
                raise transport_error(exc, self._url, started=True) from exc
            except BaseException:
                self.close()
                raise
            self._items, self._index = self._decoder.feed(chunk), 0

    def close(self) -> None:
        """Close the HTTP response (and with it the server's generation)."""
        if not self._closed:
            self._closed = True
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
        if not getattr(self, "_closed", True):
            self.close()


class AsyncStream(Generic[T]):
    """The parts of a streamed reply, in order. `async for` it; use `async with` to close early.

    ```
    async with await client.chat(model, messages, stream=True) as stream:
        async for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_chunks", "_closed", "_decoder", "_index", "_items", "_response", "_url")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._decoder = decoder
        self._url = url
        self._chunks: AsyncIterator[bytes] = response.aiter_bytes()
        self._items: list[T] = []
        self._index = 0
        self._closed = False

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers); its body belongs to the stream."""
        return self._response

    def __aiter__(self) -> AsyncStream[T]:
        return self

    async def __anext__(self) -> T:
        while True:
            if self._index < len(self._items):
                item = self._items[self._index]
                self._index += 1
                return item
            if self._decoder.pending is not None:
                await self.aclose()
                error, self._decoder.pending = self._decoder.pending, None
                raise error
            if self._closed:
                raise StopAsyncIteration
            try:
                chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                self._items, self._index = self._decoder.flush(), 0
                await self.aclose()
                continue
            except httpx.HTTPError as exc:
                await self.aclose()
                raise transport_error(exc, self._url, started=True) from exc
            except BaseException:
                await self.aclose()
                raise
            self._items, self._index = self._decoder.feed(chunk), 0

    async def aclose(self) -> None:
        """Close the HTTP response (and with it the server's generation)."""
        if not self._closed:
            self._closed = True
            # Shielded, so a cancelled task still releases its connection.
            with anyio.CancelScope(shield=True):
                await self._response.aclose()

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
