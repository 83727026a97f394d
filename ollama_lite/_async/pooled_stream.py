"""`AsyncPooledStream`: a stream from one host of a pool, holding that host's slot until the
stream ends (or is left), then telling the pool how it ended."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any, TypeVar

from .._hosts.calls import tag_host
from .streams import AsyncStream

__all__ = ["AsyncPooledStream"]

T = TypeVar("T")


class AsyncPooledStream(AsyncStream[T]):
    """A stream from one host of a pool: the host's slot is held until the stream ends.

    `host` is the host that answered; every part's `host` says it too.
    """

    __slots__ = ("host",)

    def __init__(
        self, inner: AsyncStream[T], host: str, finish: Callable[[BaseException | None, bool], None]
    ) -> None:
        self._response = inner.response
        self._parts = _relay(inner, host, finish)
        self.host = host


async def _relay(
    inner: AsyncStream[T], host: str, finish: Callable[[BaseException | None, bool], None]
) -> AsyncGenerator[Any, None]:
    """The host's parts, tagged; `finish(error, abandoned)` when over: `abandoned` when the
    stream was left before its end (closed early, cancelled), which counts for nothing."""
    error: BaseException | None = None
    completed = False
    try:
        # Started at once (like the host's own stream), so a stream dropped unread is still
        # finalised and frees its slot.
        yield None
        async for part in inner:
            tag_host(part, host)
            yield part
        completed = True
    except BaseException as exc:
        error = exc
        raise
    finally:
        try:
            await inner.aclose()
        finally:
            failed = isinstance(error, Exception)
            finish(error if failed else None, not completed and not failed)
