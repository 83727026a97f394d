# Generated from ollama_lite/_async/streams.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`Stream`: an iterator over a streamed response that owns its HTTP connection.

A stream closes its response when it is exhausted, when an error is raised (an error line
from the server, a broken connection, or an exception such as cancellation or
KeyboardInterrupt while waiting for data), when it leaves a `with` block, on `close()`, and
when it is dropped: the parts come from a generator that holds the response but not the
stream, and the stream starts it at once, so a dropped stream's generator is finalised,
which closes the response.

Ollama stops generating when the connection closes, so closing frees the server as well.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from .._sync_backend import close_response
from .._compat.httpx_raw_stream import raw_chunks
from .._ndjson import NDJSONDecoder
from .._protocol import transport_error

__all__ = ["Stream"]

T = TypeVar("T")


def _parts(
    response: httpx.Response, decoder: NDJSONDecoder[T], url: str
) -> Generator[Any, None, None]:
    chunks: Iterator[bytes] | None = raw_chunks(response)
    if chunks is None:
        chunks = response.iter_bytes()
    try:
        # Started once by Stream.start(), so the generator is finalised (closing the
        # response) even if the stream is dropped unread.
        yield None
        for chunk in chunks:
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
        close_response(response)


class Stream(Generic[T]):
    """The parts of a streamed reply, in order. Iterate it with `for`; close it early
    with `with` or `close()`.

    ```
    with client.chat(model, messages, stream=True) as stream:
        for part in stream:
            print(part.message.content, end="")
    ```
    """

    __slots__ = ("_parts", "_response")

    def __init__(self, response: httpx.Response, decoder: NDJSONDecoder[T], url: str) -> None:
        self._response = response
        self._parts: Generator[T, None, None] = _parts(response, decoder, url)

    def start(self) -> None:
        """Run the parts generator to its first step (reads nothing)."""
        self._parts.__next__()

    @property
    def response(self) -> httpx.Response:
        """The HTTP response (status and headers); its body belongs to the stream."""
        return self._response

    def __iter__(self) -> Iterator[T]:
        return self._parts

    def __next__(self) -> T:
        return self._parts.__next__()

    def close(self) -> None:
        """Close the HTTP response (and with it the server's generation)."""
        self._parts.close()
        close_response(self._response)

    # (the async twin also has an alias here)

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
