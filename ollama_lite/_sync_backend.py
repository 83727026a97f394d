"""What the generated `ollama_lite._sync` package needs, written by hand (the twin of
`_async_backend`): blocking waits and file reads, and the client's single set of transports.
"""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from . import _files
from ._images import NO_FILES, ImageFiles

if TYPE_CHECKING:
    from ._sync.wire_transports import Transports

__all__ = [
    "SingleHttpClient",
    "blob_size",
    "close_response",
    "file_chunks",
    "read_image_files",
    "sha256_file",
    "sleep",
]

sleep = time.sleep


def blob_size(path: str | os.PathLike[str]) -> int:
    """The size of a file to upload."""
    return _files.blob_size(path)


sha256_file = _files.sha256_file
file_chunks = _files.file_chunks


def read_image_files(paths: Iterable[os.PathLike[str]]) -> ImageFiles:
    """The image files a request refers to, read here."""
    paths = list(paths)
    return _files.read_image_files(paths) if paths else NO_FILES


def close_response(response: httpx.Response) -> None:
    """Close a response."""
    response.close()


class SingleHttpClient:
    """The transports of a `Client` (the fast path's pool, the httpx client built on first
    use), made now, closed by `close()`, or when the client is collected unclosed."""

    def __init__(self, make: Callable[[], Transports]) -> None:
        self.first = make()
        # The transports hold no reference back to the client, so it can be collected.
        self._closer = weakref.finalize(self, self.first.close)

    def get(self) -> Transports:
        """The transports."""
        return self.first

    def close(self) -> None:
        """Close the transports (once)."""
        self._closer()
