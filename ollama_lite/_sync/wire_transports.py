# Generated from ollama_lite/_async/wire_transports.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""The connections of one client in one event loop: the fast path's and, made only when a
request needs it, an httpx client.

A client whose host takes the fast path never builds its httpx client unless a request must
go elsewhere (the hosted ollama.com endpoints, or a redirect to https://), so creating the
client loads no CA certificates (httpx loads them, about 0.14 s, for every client it builds).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from .wire_client import WireClient

__all__ = ["Transports"]


class Transports:
    """The fast path (`wire`, None when the host does not take it) and httpx (`http`, built
    on first use unless given)."""

    __slots__ = ("_http", "_make_http", "wire")

    def __init__(
        self,
        wire: WireClient | None,
        make_http: Callable[[], httpx.Client],
        http: httpx.Client | None = None,
    ) -> None:
        self.wire = wire
        self._make_http = make_http
        self._http = http

    @property
    def http(self) -> httpx.Client:
        """The httpx client, built on first use."""
        if self._http is None:
            self._http = self._make_http()
        return self._http

    def close(self) -> None:
        """Close both (what was built of them)."""
        try:
            if self.wire is not None:
                self.wire.close()
        finally:
            if self._http is not None:
                self._http.close()
