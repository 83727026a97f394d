"""Parse an HTTP/1.1 response head and decide how its body is framed.

`find_head_end` locates the blank line that ends a head (remembering how far it searched, so
a head arriving byte by byte is still scanned once); `parse_head` turns the head into a
`ResponseHead`; `framing` says whether the body has a length, is chunked, runs until the
connection closes, or is absent. Malformed input raises `httpx.RemoteProtocolError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import httpx

__all__ = [
    "MAX_HEAD_BYTES",
    "Framing",
    "Headers",
    "ResponseHead",
    "find_head_end",
    "framing",
    "parse_head",
]

#: Largest response head accepted (status line and all headers): 64 KiB.
MAX_HEAD_BYTES = 64 * 1024

_STATUS_LINE = re.compile(rb"HTTP/(1\.[01]) ([1-9][0-9]{2})(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?")
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_FIELD_VALUE = re.compile(rb"[^\x00-\x08\x0a-\x1f\x7f]*")

Framing = Literal["length", "chunked", "close", "none"]


class Headers(dict[str, str]):
    """Response headers: lower-cased names, looked up without regard to case.

    A repeated header keeps its values joined by `, ` (RFC 9110 5.3).
    """

    __slots__ = ()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The header's value, or `default`."""
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key.lower() if isinstance(key, str) else key)


@dataclass(slots=True)
class ResponseHead:
    """The status line and headers of a response."""

    status_code: int
    reason_phrase: str
    http_version: str
    headers: Headers


def _error(message: str) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(message)


def find_head_end(buffer: bytes | bytearray, searched: int) -> tuple[int, int]:
    """Where the head in `buffer` ends (index just past its blank line, or -1) and how far
    the search got, to pass back as `searched` once more bytes arrived.

    A blank line is `\\r\\n\\r\\n`, or `\\n\\n` from a careless server.
    """
    start = max(0, searched - 3)
    end = buffer.find(b"\r\n\r\n", start)
    if end != -1:
        return end + 4, end
    end = buffer.find(b"\n\n", start)
    if end != -1:
        return end + 2, end
    return -1, len(buffer)


def parse_head(head: bytes) -> ResponseHead:
    """The `ResponseHead` of `head` (status line to the blank line, inclusive)."""
    lines = head.rstrip(b"\r\n").split(b"\n")
    status = _STATUS_LINE.fullmatch(lines[0].rstrip(b"\r"))
    if status is None:
        raise _error(f"malformed status line {lines[0][:100]!r}")
    headers = Headers()
    for raw in lines[1:]:
        line = raw[:-1] if raw.endswith(b"\r") else raw
        name, colon, value = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            raise _error(f"malformed header line {line[:100]!r}")
        value = value.strip(b" \t")
        if _FIELD_VALUE.fullmatch(value) is None:
            raise _error(f"invalid characters in header {name.decode()!r}")
        key = name.decode("ascii").lower()
        text = value.decode("latin-1")
        previous = headers.get(key)
        headers[key] = text if previous is None else f"{previous}, {text}"
    reason = (status.group(3) or b"").decode("latin-1")
    return ResponseHead(int(status.group(2)), reason, "HTTP/" + status.group(1).decode(), headers)


def framing(head: ResponseHead, method: str) -> tuple[Framing, int]:
    """How the body of this response to `method` is delimited, and its length if known.

    Duplicated or invalid `Content-Length` values and any transfer coding other than
    `chunked` are refused: they are how responses get misread.
    """
    code = head.status_code
    if method == "HEAD" or code in (204, 304) or code < 200:
        return "none", 0
    encoding = head.headers.get("transfer-encoding")
    if encoding is not None:
        if encoding.strip().lower() != "chunked":
            raise _error(f"unsupported Transfer-Encoding {encoding!r}")
        return "chunked", 0
    length = head.headers.get("content-length")
    if length is None:
        return "close", 0
    values = {value.strip() for value in length.split(",")}
    if len(values) != 1:
        raise _error(f"conflicting Content-Length {length!r}")
    value = values.pop()
    if not value.isdigit() or not value.isascii() or len(value) > 18:
        raise _error(f"invalid Content-Length {length!r}")
    return "length", int(value)


def keeps_alive(head: ResponseHead) -> bool:
    """Whether the connection may carry another request after this response."""
    connection = head.headers.get("connection")
    if head.http_version == "HTTP/1.0":
        return connection is not None and "keep-alive" in connection.lower()
    return connection is None or "close" not in connection.lower()
