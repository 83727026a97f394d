# Generated from ollama_lite/_async/wire_client.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""The fast path: plain HTTP/1.1 to an Ollama host, without httpx's request machinery.

`WireClient.request()` sends one request (following redirects) and returns an
`Response`: the part of `httpx.Response` the session uses (`status_code`, `headers`,
`read`, `iter_bytes`, `close`, and `stream`, the raw body pieces). Failures are httpx's
exception types, so the session maps both paths' errors with the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from .._wire.request import (
    REDIRECT_STATUSES,
    LeavesPlainHTTP,
    Origin,
    Timeouts,
    header_block,
    redirect_method,
    redirect_target,
    request_head,
    split_url,
)
from .._wire.response import Headers
from .wire_connection import Body
from .wire_pool import ConnectionPool

__all__ = ["Response", "WireClient"]

MAX_REDIRECTS = 20
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
_UNLIMITED = 1 << 30
_OWN_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})


class Response:
    """A response whose body is read from its connection on demand.

    The connection goes back to the pool when the body has been read to its end, and is
    closed when the response is closed earlier or reading fails (so a cancelled read, or a
    stream dropped half-way, closes the socket and the server stops generating).
    """

    __slots__ = ("_body", "_pool", "headers", "http_version", "reason_phrase", "status_code", "url")

    def __init__(self, body: Body, pool: ConnectionPool | None, url: str) -> None:
        self._body = body
        self._pool = pool
        head = body.head
        self.status_code = head.status_code
        self.reason_phrase = head.reason_phrase
        self.http_version = head.http_version
        self.headers: Headers = head.headers
        self.url = url

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>"

    @property
    def is_closed(self) -> bool:
        """True once the connection went back to the pool or was closed."""
        return self._pool is None

    @property
    def stream(self) -> Response:
        """The body's pieces as the network delivers them (iterate once)."""
        return self

    def iter_bytes(self) -> Response:
        """The body's pieces as the network delivers them (iterate once)."""
        return self

    def __iter__(self) -> Response:
        return self

    def __next__(self) -> bytes:
        try:
            data = self._body.next()
        except BaseException:
            self._release(reusable=False)
            raise
        if data:
            return data
        self._release(reusable=self._body.reusable)
        raise StopIteration

    def read(self) -> bytes:
        """The rest of the body (the caller bounds its size beforehand)."""
        return b"".join([piece for piece in self])

    def close(self) -> None:
        """Give the connection back: to the pool if the body was read to its end, else closed."""
        self._release(reusable=self._body.done and self._body.reusable)

    def _release(self, reusable: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.release(self._body.connection, reusable)


class WireClient:
    """Plain-HTTP/1.1 requests to one base URL, with a connection pool per origin.

    `headers` go with every request (never beyond the base URL's origin: a redirect away
    from it is left to httpx). `timeout` and `limits` have httpx's meaning and defaults.
    """

    __slots__ = (
        "_blocks",
        "_follow_redirects",
        "_headers",
        "_limits",
        "_origin",
        "_pools",
        "_prefix",
        "timeouts",
    )

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str],
        timeout: float | httpx.Timeout | None,
        follow_redirects: bool = True,
        limits: httpx.Limits | None = None,
    ) -> None:
        split = split_url(base_url)
        if split is None:
            raise ValueError(f"the fast path speaks plain http://, not {base_url!r}")
        self._origin, prefix = split
        self._prefix = prefix.rstrip("/")
        self._headers = dict(headers)
        header_block(self._headers)  # refuse bad headers now, before anything is sent
        self._blocks: dict[tuple[Any, ...], str] = {}
        self.timeouts = Timeouts.of(timeout)
        self._follow_redirects = follow_redirects
        self._limits = limits or DEFAULT_LIMITS
        self._pools: dict[Origin, ConnectionPool] = {}

    def _pool(self, origin: Origin) -> ConnectionPool:
        pool = self._pools.get(origin)
        if pool is None:
            limits = self._limits
            pool = self._pools[origin] = ConnectionPool(
                origin,
                max_connections=limits.max_connections or _UNLIMITED,
                max_keepalive=(
                    _UNLIMITED
                    if limits.max_keepalive_connections is None
                    else limits.max_keepalive_connections
                ),
                keepalive_expiry=(
                    float("inf") if limits.keepalive_expiry is None else limits.keepalive_expiry
                ),
            )
        return pool

    def _block(self, extra: Mapping[str, str] | None) -> str:
        """The header lines for a request: the client's, overridden by `extra` (any case)."""
        key = tuple(extra.items()) if extra else ()
        block = self._blocks.get(key)
        if block is None:
            merged = dict(self._headers)
            for name, value in (extra or {}).items():
                for same in [k for k in merged if k.lower() == name.lower()]:
                    del merged[same]
                merged[name] = value
            # Host and Content-Length are written with each request head.
            merged = {k: v for k, v in merged.items() if k.lower() not in _OWN_HEADERS}
            block = self._blocks[key] = header_block(merged)
        return block

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        content: Iterable[bytes] | None = None,
        length: int = 0,
        timeouts: Timeouts | None = None,
    ) -> Response:
        """Send a request for `path` (below the base URL) and read the response head.

        `content` streams a body of `length` bytes (else the `Content-Length` in `headers`)
        instead of sending `body`; `timeouts` replace the client's for this request. Redirects are
        followed (unless turned off) on the same origin; `LeavesPlainHTTP` is raised for a
        redirect elsewhere (another host or port, an https:// URL), which httpx follows.
        """
        origin, target = self._origin, self._prefix + path
        if content is not None and not length and headers:
            declared = next((v for k, v in headers.items() if k.lower() == "content-length"), "")
            length = int(declared) if declared.isdigit() else 0
        for _ in range(MAX_REDIRECTS + 1):
            block = self._block(headers)
            response = self._send(
                origin, method, target, block, body, content, length, timeouts or self.timeouts
            )
            status = response.status_code
            if not self._follow_redirects or status not in REDIRECT_STATUSES or content:
                return response
            response.close()
            url = redirect_target(origin, target, response.headers.get("location"))
            split = split_url(url)
            if split is None or split[0] != origin:
                # Another origin: its proxy settings and whether credentials go along are
                # httpx's to decide (it drops Authorization), so httpx makes the call.
                raise LeavesPlainHTTP(url)
            target = split[1]
            if redirect_method(status, method) != method:
                method, body = "GET", b""
        raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.")

    def _send(
        self,
        origin: Origin,
        method: str,
        target: str,
        block: str,
        body: bytes,
        content: Iterable[bytes] | None,
        length: int,
        timeouts: Timeouts,
    ) -> Response:
        pool = self._pool(origin)
        connection = pool.acquire(timeouts.connect, timeouts.pool)
        try:
            head = request_head(
                method, target, origin.authority, block, length if content else len(body)
            )
            if content is None:
                connection.send(head, body, timeouts.write)
            else:
                connection.send(head, b"", timeouts.write)
                for part in content:
                    connection.send_part(part, timeouts.write)
            reader = connection.receive_head(method, timeouts.read)
        except BaseException:
            pool.release(connection, reusable=False)
            raise
        return Response(reader, pool, f"http://{origin.authority}{target}")

    def close(self) -> None:
        """Close every idle connection; the client cannot be used afterwards."""
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()
