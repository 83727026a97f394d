"""What the generated `ollama_lite._sync` package needs, written by hand (the twin of
`_async_backend`): blocking waits and file reads, and the client's single set of transports.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from . import _files
from ._images import NO_FILES, ImageFiles
from ._sync_workers import sleep

if TYPE_CHECKING:
    from ._sync.wire_transports import Transports

__all__ = [
    "SingleTransports",
    "blob_size",
    "close_response",
    "file_chunks",
    "read_image_files",
    "sha256_file",
    "sleep",
]

# `sleep` (a retry's pause) is `time.sleep`, except in a job of an embed_many run that is
# left meanwhile: then it ends at once (see `_sync_workers`).


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


class SingleTransports:
    """The transports of a `Client` (the fast path's pool, the httpx client built on first
    use), made now, closed by `close()`, or when the client is collected unclosed."""

    def __init__(self, make: Callable[[], Transports]) -> None:
        self._transports = make()
        # The transports hold no reference back to the client, so it can be collected.
        self._closer = weakref.finalize(self, self._transports.close)

    def get(self) -> Transports:
        """The transports."""
        return self._transports

    def close(self) -> None:
        """Close the transports (once)."""
        self._closer()
