"""`AsyncSender`: what the endpoint methods need of a session.

`AsyncSession` sends to one host; `AsyncPoolSession` routes over several. The endpoint
methods are written once against this interface, so a pool has every method of a client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from .._host_url import HostConfig
from .._protocol import Call
from .streams import AsyncStream

__all__ = ["AsyncSender"]

T = TypeVar("T")


class AsyncSender(Protocol):
    """Sends `Call`s: the result of a unary call, or the stream of a streamed one."""

    @property
    def host(self) -> HostConfig:
        """The host calls go to (for a pool: its first host)."""
        ...

    @property
    def http_path(self) -> str:
        """Which HTTP path calls take: `"wire"`, `"httpx"` (or `"mixed"` for a pool)."""
        ...

    @property
    def why_not_fast(self) -> str | None:
        """Why calls go through httpx rather than the wire path (None when they do not)."""
        ...

    def with_options(self, options: Mapping[str, Any]) -> AsyncSender:
        """A copy whose calls use `options` (`RequestOptions`), sharing the connections."""
        ...

    async def unary(
        self,
        call: Call[T],
        content: Callable[[], Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> T:
        """The decoded result of a non-streamed call (`content` makes a fresh upload body;
        `options` are the call's `RequestOptions`)."""
        ...

    async def stream(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> AsyncStream[T]:
        """The stream of a streamed call's parts."""
        ...

    async def run(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> T | AsyncStream[T]:
        """`stream` or `unary`, as the call says."""
        ...

    async def aclose(self) -> None:
        """Release the connections; nothing is sent afterwards."""
        ...
