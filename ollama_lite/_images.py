"""Images for requests: bytes, files and base64 text, all sent as standard base64 strings.

A plain string is only ever treated as base64 (never opened as a file), so text that came
from an end user cannot make the SDK read local files. To send a file, pass a `Path`: the
client reads it (`_files.read_image_files`) before building the request, and the builders
here only encode what was read, so this module does no I/O.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ._errors import RequestError
from .types import Message

__all__ = ["Image", "ImageFiles", "encode_image", "encode_images", "file_images"]

_DATA_URL = re.compile(r"^data:[^,]*;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(rb"\s+")


class Image:
    """An image for a request, from bytes, a `pathlib.Path` or base64 text.

    Kept for code written for the official package (`Image(value=...)`); passing the bytes,
    path or string directly works the same.
    """

    __slots__ = ("value",)

    def __init__(self, value: str | bytes | bytearray | memoryview | os.PathLike[str]) -> None:
        self.value = value

    def __repr__(self) -> str:
        kind = type(self.value).__name__
        return f"Image(<{kind}>)"


class ImageFiles:
    """Image files the client read for one request: the bytes, or the `OSError` of a failed
    read, per path object (by identity: the same object the request holds)."""

    __slots__ = ("_contents",)

    def __init__(self) -> None:
        self._contents: dict[int, tuple[object, bytes | OSError]] = {}

    def add(self, path: os.PathLike[str], contents: bytes | OSError) -> None:
        """Record what reading `path` gave."""
        self._contents[id(path)] = (path, contents)

    def get(self, path: os.PathLike[str]) -> bytes | OSError | None:
        """What reading `path` gave, or None when it was not read."""
        entry = self._contents.get(id(path))
        return entry[1] if entry is not None and entry[0] is path else None

    def __len__(self) -> int:
        return len(self._contents)


NO_FILES = ImageFiles()


def _path_of(image: object) -> os.PathLike[str] | None:
    if isinstance(image, Image):
        image = image.value
    return image if isinstance(image, os.PathLike) else None


def _paths_in(images: object) -> Iterator[os.PathLike[str]]:
    if isinstance(images, Sequence) and not isinstance(images, (str, bytes, bytearray)):
        for image in images:
            path = _path_of(image)
            if path is not None:
                yield path


def file_images(messages: object = None, images: object = None) -> list[os.PathLike[str]]:
    """The image files a request refers to (in `images`, or in the messages' `images`), for
    the client to read before it builds the request."""
    paths = list(_paths_in(images))
    if isinstance(messages, Sequence) and not isinstance(messages, (str, bytes)):
        for message in messages:
            found = message.get("images") if isinstance(message, Mapping) else None
            if isinstance(message, Message):
                found = message.images
            paths.extend(_paths_in(found))
    return paths


def _from_text(text: str, where: str) -> str:
    text = _DATA_URL.sub("", text, count=1)
    raw = text.encode("ascii", "replace")
    if _WHITESPACE.search(raw):
        raw = _WHITESPACE.sub(b"", raw)
        text = raw.decode("ascii")
    try:
        base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise RequestError(
            f"{where} is not valid base64: {shown!r}. Pass bytes or a pathlib.Path to send "
            "an image file; strings are never opened as files."
        ) from None
    if not raw:
        raise RequestError(f"{where} is empty")
    return text


def encode_image(image: Any, where: str = "image", files: ImageFiles = NO_FILES) -> str:
    """The base64 string for one image input; a `Path` must be among the `files` read."""
    if isinstance(image, Image):
        image = image.value
    if isinstance(image, (bytes, bytearray, memoryview)):
        return base64.b64encode(image).decode("ascii")
    if isinstance(image, os.PathLike):
        data = files.get(image)
        if isinstance(data, OSError):
            shown = str(Path(image))
            raise RequestError(f"{where}: cannot read {shown!r}: {data.strerror}") from None
        if data is None:
            raise RequestError(
                f"{where}: the image file {str(Path(image))!r} was not read; the client reads "
                "image files before building a request (pass bytes to build one directly)"
            )
        return base64.b64encode(data).decode("ascii")
    if isinstance(image, str):
        return _from_text(image, where)
    raise RequestError(
        f"{where} must be bytes, a pathlib.Path or a base64 string, not {type(image).__name__}"
    )


def encode_images(images: Iterable[Any], where: str, files: ImageFiles = NO_FILES) -> list[str]:
    """Base64 strings for a list of image inputs; `where` names the list in errors."""
    if isinstance(images, (str, bytes, bytearray, memoryview, os.PathLike, Image)):
        raise RequestError(f"{where} must be a list of images, not a single image")
    return [encode_image(image, f"{where}[{i}]", files) for i, image in enumerate(images)]
