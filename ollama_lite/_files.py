"""Blocking file reads the clients need: blob sizes and hashes, image files for requests.

Both I/O backends use these; the async one runs them in worker threads. The protocol never
touches a file: the clients read image files here first and hand the bytes to the builders.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator

from ._constants import BLOB_CHUNK_BYTES
from ._errors import RequestError
from ._images import ImageFiles

__all__ = ["blob_size", "file_chunks", "read_image_files", "sha256_file"]


def sha256_file(path: str | os.PathLike[str]) -> str:
    """`sha256:<hex>` of a file, read in constant memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(BLOB_CHUNK_BYTES):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def file_chunks(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """The file's bytes, one piece at a time."""
    with open(path, "rb") as file:
        while chunk := file.read(BLOB_CHUNK_BYTES):
            yield chunk


def blob_size(path: str | os.PathLike[str]) -> int:
    """The size of a file to upload; a clear error when it is missing."""
    try:
        return os.stat(path).st_size
    except OSError as exc:
        raise RequestError(f"cannot read blob file {os.fspath(path)!r}: {exc.strerror}") from None


def read_image_files(paths: Iterable[os.PathLike[str]]) -> ImageFiles:
    """The contents of image files, keyed by the path object; a failed read keeps its
    `OSError`, so the request builder reports it where the image appears."""
    files = ImageFiles()
    for path in paths:
        if files.get(path) is not None:
            continue  # the same path object twice: read once
        try:
            with open(path, "rb") as file:
                files.add(path, file.read())
        except OSError as exc:
            files.add(path, exc)
    return files
