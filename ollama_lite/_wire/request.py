"""What the fast path sends: origins, request heads, redirect targets and timeouts (pure).

Header names and values are checked once, when a client is built (`header_block`), so a
request head is a single string format per request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from .._errors import RequestError

__all__ = [
    "REDIRECT_STATUSES",
    "LeavesPlainHTTP",
    "Origin",
    "Timeouts",
    "header_block",
    "redirect_method",
    "redirect_target",
    "request_head",
    "split_url",
]

_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f]*")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class LeavesPlainHTTP(Exception):
    """A redirect points away from plain HTTP (to `https://`): only httpx can follow it."""

    def __init__(self, url: str) -> None:
        super().__init__(f"redirected to {url}, which the plain-HTTP path cannot reach")
        self.url = url


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a plain-HTTP connection goes: host (no brackets) and port."""

    host: str
    port: int

    @property
    def authority(self) -> str:
        """The `Host` header for this origin (the port only when it is not 80)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 80 else f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds allowed for each phase (None: no limit), with httpx's meaning: `connect` to
    open a connection, `read` for each wait for response bytes (the longest silence),
    `write` for each send, `pool` to wait for a free connection."""

    connect: float | None
    read: float | None
    write: float | None
    pool: float | None

    @classmethod
    def of(cls, value: float | httpx.Timeout | None) -> Timeouts:
        """Timeouts from what `Client(timeout=...)` accepts."""
        timeout = value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
        return cls(timeout.connect, timeout.read, timeout.write, timeout.pool)


def split_url(url: str) -> tuple[Origin, str] | None:
    """The origin and the path (with query) of an `http://` URL; None for any other scheme."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or not parts.hostname:
        return None
    try:
        port = parts.port or 80
    except ValueError:
        return None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Origin(parts.hostname, port), path


def header_block(headers: Mapping[str, str]) -> str:
    """`Name: value\\r\\n` lines for `headers`; a name or value that could split the head
    (a control character, a newline) is refused before anything is sent."""
    lines = []
    for name, value in headers.items():
        if not isinstance(name, str) or _TOKEN.fullmatch(name) is None:
            raise RequestError(f"invalid header name {name!r}")
        if not isinstance(value, str) or _VALUE.fullmatch(value) is None:
            raise RequestError(f"invalid value for header {name!r} (control characters)")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise RequestError(f"header {name!r} must be latin-1 text") from None
        lines.append(f"{name}: {value.strip()}\r\n")
    return "".join(lines)


def request_head(method: str, target: str, authority: str, headers: str, length: int) -> bytes:
    """The head of a request with a body of `length` bytes (or none, for a GET without one)."""
    if length or method not in ("GET", "HEAD"):
        return (
            f"{method} {target} HTTP/1.1\r\nHost: {authority}\r\n{headers}"
            f"Content-Length: {length}\r\n\r\n"
        ).encode("latin-1")
    return f"{method} {target} HTTP/1.1\r\nHost: {authority}\r\n{headers}\r\n".encode("latin-1")


def redirect_target(origin: Origin, path: str, location: str | None) -> str:
    """The absolute URL a redirect from `path` on `origin` points to."""
    if not location:
        raise httpx.RemoteProtocolError("redirect without a Location header")
    return urljoin(f"http://{origin.authority}{path}", location.strip())


def redirect_method(status_code: int, method: str) -> str:
    """The method of the request a redirect asks for (as browsers and httpx do)."""
    if status_code == 303 and method != "HEAD":
        return "GET"
    if status_code in (301, 302) and method == "POST":
        return "GET"
    return method
