# Generated from ollama_lite/_async/sender.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`Sender`: what the endpoint methods need of a session.

`Session` sends to one host; `PoolSession` routes over several. The endpoint
methods are written once against this interface, so a pool has every method of a client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from .._host_url import HostConfig
from .._protocol import Call
from .streams import Stream

__all__ = ["Sender"]

T = TypeVar("T")


class Sender(Protocol):
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

    def with_options(self, options: Mapping[str, Any]) -> Sender:
        """A copy whose calls use `options` (`RequestOptions`), sharing the connections."""
        ...

    def unary(
        self,
        call: Call[T],
        content: Callable[[], Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> T:
        """The decoded result of a non-streamed call (`content` makes a fresh upload body;
        `options` are the call's `RequestOptions`)."""
        ...

    def stream(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> Stream[T]:
        """The stream of a streamed call's parts."""
        ...

    def run(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> T | Stream[T]:
        """`stream` or `unary`, as the call says."""
        ...

    def close(self) -> None:
        """Release the connections; nothing is sent afterwards."""
        ...
