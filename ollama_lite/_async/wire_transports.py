"""The connections of one client in one event loop: the fast path's and, made only when a
request needs it, an httpx client.

A client whose host takes the fast path never builds its httpx client unless a request must
go elsewhere (the hosted ollama.com endpoints, or a redirect to https://), so creating the
client loads no CA certificates (httpx loads them, about 0.14 s, for every client it builds).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from .wire_client import AsyncWireClient

__all__ = ["AsyncTransports"]


class AsyncTransports:
    """The fast path (`wire`, None when the host does not take it) and httpx (`http`, built
    on first use unless given)."""

    __slots__ = ("_http", "_make_http", "wire")

    def __init__(
        self,
        wire: AsyncWireClient | None,
        make_http: Callable[[], httpx.AsyncClient],
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.wire = wire
        self._make_http = make_http
        self._http = http

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client, built on first use."""
        if self._http is None:
            self._http = self._make_http()
        return self._http

    async def aclose(self) -> None:
        """Close both (what was built of them)."""
        try:
            if self.wire is not None:
                await self.wire.aclose()
        finally:
            if self._http is not None:
                await self._http.aclose()
