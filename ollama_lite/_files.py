"""Blocking file reads the clients need: blob sizes and hashes, image files for requests.

Both I/O backends use these; the async one runs them in worker threads. The protocol never
touches a file: the clients read image files here first and hand the bytes to the builders.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ._constants import BLOB_CHUNK_BYTES
from ._errors import RequestError
from ._images import Image, ImageFiles
from .types import Message

__all__ = [
    "blob_size",
    "file_chunks",
    "read_image_files",
    "refuse_file_name_images",
    "sha256_file",
]

# Longer strings cannot be file names (PATH_MAX), and are surely base64: not looked up.
_PATH_MAX = 4096


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


def _names_a_file(text: str) -> bool:
    if len(text) > _PATH_MAX or "\x00" in text or text.startswith("data:"):
        return False
    try:
        return os.path.exists(text)
    except (OSError, ValueError):
        return False


def _refuse_in(images: object, where: str) -> None:
    if not isinstance(images, Sequence) or isinstance(images, (str, bytes, bytearray)):
        return  # the request builder reports a list that is not one
    for i, image in enumerate(images):
        text = image.value if isinstance(image, Image) else image
        if isinstance(text, str) and _names_a_file(text):
            shown = text if len(text) <= 80 else text[:77] + "..."
            raise RequestError(
                f"{where}[{i}] is a string naming the file {shown!r}: strings are never opened "
                f"as files. To send the file, pass pathlib.Path({shown!r}) (or its bytes)"
            )


def refuse_file_name_images(messages: object = None, images: object = None) -> None:
    """Refuse a string image that names an existing file, whatever its characters (a file
    name can be valid base64): the caller meant the file, which strings never open."""
    _refuse_in(images, "images")
    if isinstance(messages, Sequence) and not isinstance(messages, (str, bytes)):
        for i, message in enumerate(messages):
            found = message.get("images") if isinstance(message, Mapping) else None
            if isinstance(message, Message):
                found = message.images
            _refuse_in(found, f"messages[{i}].images")
