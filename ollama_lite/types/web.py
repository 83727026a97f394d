"""Ollama's hosted web search and fetch (https://ollama.com, with an API key)."""

from __future__ import annotations

from ._base import SubscriptableStruct

__all__ = [
    "WebFetchRequest",
    "WebFetchResponse",
    "WebSearchRequest",
    "WebSearchResponse",
    "WebSearchResult",
]


class WebSearchRequest(SubscriptableStruct):
    """Body of POST /api/web_search."""

    query: str
    max_results: int | None = None


class WebSearchResult(SubscriptableStruct, gc=False):
    """One search hit."""

    title: str | None = None
    url: str | None = None
    content: str | None = None


class WebSearchResponse(SubscriptableStruct, gc=False):
    """Search hits, best first."""

    results: list[WebSearchResult] = []
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None


class WebFetchRequest(SubscriptableStruct):
    """Body of POST /api/web_fetch."""

    url: str


class WebFetchResponse(SubscriptableStruct, gc=False):
    """A fetched page: title, text content and the links on it."""

    title: str | None = None
    content: str | None = None
    links: list[str] | None = None
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None
