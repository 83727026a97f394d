"""`Call`: everything one request needs, built by the pure builders, sent by the clients."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Generic, TypeVar

__all__ = ["NDJSON_ACCEPT", "NO_HEADERS", "Call"]

T = TypeVar("T")

#: The Accept header of a streamed call (the client's default asks for JSON).
NDJSON_ACCEPT: Mapping[str, str] = MappingProxyType({"Accept": "application/x-ndjson"})
NO_HEADERS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One request to make and the type its answer decodes to.

    - `method`, `path` and `body` (JSON bytes; None for no body, or a blob the client
      streams from a file);
    - `headers` this request adds to the client's: `Accept: application/x-ndjson` for a
      streamed call, `Content-Length` for a blob upload;
    - `base_url` replaces the client's host for Ollama's hosted endpoints (None: the host);
    - `bearer_only`: the endpoint needs an API key (a Bearer token), not host credentials;
    - `result` is the type the answer decodes to, `stream` whether it comes as NDJSON parts,
      and `empty` the result when the server answers with an empty body (copy, delete, blobs).
    """

    method: str
    path: str
    result: type[T]
    body: bytes | None = None
    stream: bool = False
    empty: T | None = None
    base_url: str | None = None
    bearer_only: bool = False
    headers: Mapping[str, str] = field(default_factory=lambda: NO_HEADERS)

    def url(self) -> str:
        """The URL to request: the path alone (joined to the client's host) or an absolute
        URL on `base_url`."""
        return self.base_url + self.path if self.base_url else self.path
