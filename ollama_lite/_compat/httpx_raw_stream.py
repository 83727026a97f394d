"""The byte chunks of an httpx response with the fewest layers (relies on httpx internals).

`httpx.Response.iter_bytes()` runs every chunk through a decoder chain and a chunker, even
when the body has no Content-Encoding. `Response.stream` (an attribute httpx documents only
for transports) yields the transport's chunks as they arrive; this module is the one place
that reads it, so an httpx upgrade that changes it breaks here and nowhere else.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["raw_chunks"]


def raw_chunks(response: httpx.Response) -> Any:
    """The transport's own byte stream of `response`, or None when a Content-Encoding needs
    httpx's decoders (then use `iter_bytes`/`aiter_bytes`)."""
    if response.headers.get("content-encoding"):
        return None
    return response.stream
