"""Images for requests: bytes, files and base64 text, all sent as standard base64 strings.

A plain string is only ever treated as base64 (never opened as a file), so text that came
from an end user cannot make the SDK read local files. To send a file, pass a `Path`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeAlias

from ._errors import RequestError

__all__ = ["Image", "ImageInput", "encode_image", "is_file_image"]

_DATA_URL = re.compile(r"^data:[^,]*;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(rb"\s+")


class Image:
    """An image for a request, from bytes, a `pathlib.Path` or base64 text.

    Kept for code written for the official package (`Image(value=...)`); passing the bytes,
    path or string directly works the same.
    """

    __slots__ = ("value",)

    def __init__(self, value: str | bytes | bytearray | memoryview | os.PathLike[str]) -> None:
        self.value: str | bytes | bytearray | memoryview | os.PathLike[str] = value

    def __repr__(self) -> str:
        kind = type(self.value).__name__
        return f"Image(<{kind}>)"


ImageInput: TypeAlias = "str | bytes | bytearray | memoryview | os.PathLike[str] | Image"


def is_file_image(image: object) -> bool:
    """True when encoding this image reads a file (so async callers do it in a thread)."""
    if isinstance(image, Image):
        image = image.value
    return isinstance(image, os.PathLike)


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


def encode_image(image: Any, where: str = "image") -> str:
    """The base64 string for one image input."""
    if isinstance(image, Image):
        image = image.value
    if isinstance(image, (bytes, bytearray, memoryview)):
        return base64.b64encode(image).decode("ascii")
    if isinstance(image, os.PathLike):
        path = Path(image)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RequestError(f"{where}: cannot read {str(path)!r}: {exc.strerror}") from None
        return base64.b64encode(data).decode("ascii")
    if isinstance(image, str):
        return _from_text(image, where)
    raise RequestError(
        f"{where} must be bytes, a pathlib.Path or a base64 string, not {type(image).__name__}"
    )


def encode_images(images: Iterable[Any], where: str) -> list[str]:
    """Base64 strings for a list of image inputs; `where` names the list in errors."""
    if isinstance(images, (str, bytes, bytearray, memoryview, os.PathLike, Image)):
        raise RequestError(f"{where} must be a list of images, not a single image")
    return [encode_image(image, f"{where}[{i}]") for i, image in enumerate(images)]
