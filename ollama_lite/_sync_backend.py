"""What the generated `ollama_lite._sync` package needs, written by hand (the twin of
`_async_backend`): blocking waits and file reads, and the client's single httpx client.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

import httpx

from . import _files
from ._images import NO_FILES, ImageFiles

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
blob_size = _files.blob_size
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
    """The one httpx client of a `Client`, made now, closed by `close()`."""

    def __init__(self, make: Callable[[], httpx.Client]) -> None:
        self.first = make()

    def get(self) -> httpx.Client:
        """The httpx client."""
        return self.first

    def close(self) -> None:
        """Close the httpx client."""
        self.first.close()
