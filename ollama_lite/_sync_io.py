"""Blocking I/O helpers for `Client` (their twins for `AsyncClient` are in `_async_io`)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

__all__ = [
    "BLOB_CHUNK",
    "PoolCloser",
    "build",
    "current_loop",
    "is_closed_loop",
    "file_chunks",
    "sha256_file",
    "sleep",
]

P = ParamSpec("P")
R = TypeVar("R")

#: Files are hashed and uploaded in pieces of this size, so memory stays constant.
BLOB_CHUNK = 1024 * 1024

sleep = time.sleep


def sha256_file(path: str | os.PathLike[str]) -> str:
    """`sha256:<hex>` of a file, read in constant memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(BLOB_CHUNK):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def file_chunks(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """The file's bytes, one piece at a time."""
    with open(path, "rb") as file:
        while chunk := file.read(BLOB_CHUNK):
            yield chunk


def build(reads_files: bool, builder: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Build a request (reading image files, if any, right here)."""
    return builder(*args, **kwargs)


def current_loop() -> object:
    """Sync clients have no event loop to follow: always the same answer."""
    return None


class PoolCloser:
    """Sync pools are closed by `Client.close()`; nothing to do at a loop's end."""

    __slots__ = ()

    def __init__(self, http: Any, on_close: Callable[[], None]) -> None:
        pass

    def start(self) -> None:
        """Nothing to park."""

    def retire(self) -> None:
        """Nothing to stand down."""


def is_closed_loop(loop: object) -> bool:
    """Sync clients have no event loops to forget."""
    return False
