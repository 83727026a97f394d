# Generated from ollama_lite/_async/session.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`Session`: sends a `Call` and returns its result or its stream.

It owns what every request shares: the headers (defaults, auth), the transports, the retry
loop, and the bounded reads of bodies. The endpoint methods in `client.py` only build
`Call`s and hand them here.

Two paths lead to the server. Plain `http://` to a host that no proxy applies to, without
an httpx setting only httpx has, takes the fast path (`wire_client.py`: our own HTTP/1.1
pool, handed the `Call` directly). Everything else (TLS, proxies, HTTP/2, `mounts`, a
caller's `transport=`, the hosted ollama.com endpoints, a redirect off plain HTTP) goes
through httpx as before. Both raise httpx's exception types, mapped here the same way.
"""

from __future__ import annotations

import copy
import functools
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from .. import _protocol as protocol
from .._sync_backend import SingleTransports, close_response, sleep
from .._compat.httpcore_linear_pool import default_transport
from .._compat.httpx_mocks import transports_are_patched
from .._config import (
    TRANSPORT_SETTINGS,
    RetryPolicy,
    client_headers,
    linear_pool_scope,
    not_the_server_root,
    resolve_host,
    sends_bearer,
)
from .._errors import RequestError, ResponseError
from .._ndjson import NDJSONDecoder
from .._protocol import Call
from .._request_options import CallSettings
from .._wire.eligibility import why_not_fast
from .._wire.request import LeavesPlainHTTP, Timeouts
from .streams import Stream

if TYPE_CHECKING:
    from .wire_client import WireClient
    from .wire_transports import Transports

__all__ = ["Session"]

T = TypeVar("T")
logger = logging.getLogger("ollama_lite")


class _Shared:
    """State a session shares with its `with_options` copies."""

    __slots__ = ("closed",)

    def __init__(self) -> None:
        self.closed = False


class Session:
    """Sends `Call`s for one client (named `owner` in errors); see `Client` for what the
    settings mean."""

    def __init__(
        self,
        host: str | None,
        *,
        owner: str,
        headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        api_key: str | None,
        follow_redirects: bool,
        max_line_bytes: int,
        max_response_bytes: int,
        httpx_kwargs: dict[str, Any],
    ) -> None:
        self.host = resolve_host(host)
        self._owner = owner
        self._retry = RetryPolicy(max_retries=max_retries)
        self._max_line_bytes = max_line_bytes
        self._max_response_bytes = max_response_bytes
        request_headers = client_headers(self.host, headers, api_key)
        self._bearer = sends_bearer(request_headers)
        self._http_options: dict[str, Any] = {
            "base_url": self.host.base_url,
            "headers": request_headers,
            "timeout": timeout,
            "follow_redirects": follow_redirects,
            **httpx_kwargs,
        }
        # Unless the caller brings a transport or a proxy is in effect, use a transport whose
        # connection pool stays linear under concurrency (see _compat/httpcore_linear_pool).
        self._transport_options: dict[str, Any] | None = None
        self._linear_pool_scope = linear_pool_scope(self.host.base_url, httpx_kwargs)
        if self._linear_pool_scope is not None:
            self._transport_options = {
                key: httpx_kwargs[key] for key in TRANSPORT_SETTINGS if key in httpx_kwargs
            }
        #: Why requests to the host go through httpx (None: they take the fast path).
        self.why_not_fast = why_not_fast(self.host.base_url, httpx_kwargs)
        self._wire_options: dict[str, Any] | None = None
        if self.why_not_fast is None:
            self._wire_options = {
                "headers": request_headers,
                "timeout": timeout,
                "follow_redirects": follow_redirects,
                "limits": httpx_kwargs.get("limits"),
            }
        #: The transports requests go out on; `get()` gives the set to send on now (the async
        #: side keeps one set per event loop).
        self.transports = SingleTransports(self._new_transports)
        self._shared = _Shared()
        self._settings = CallSettings()
        self._owns_connections = True

    def with_options(self, options: Mapping[str, Any]) -> Session:
        """A copy whose calls use `options` (`RequestOptions`), sharing these connections."""
        twin = copy.copy(self)
        twin._settings = self._settings.merged(options)
        twin._owns_connections = False
        return twin

    @property
    def http_path(self) -> str:
        """`"wire"` when requests to the host take the fast path, else `"httpx"`."""
        return "httpx" if self._wire_options is None else "wire"

    def _new_transports(self) -> Transports:
        # Imported here, when a client is made: `import ollama_lite` stays free of anyio.
        from .wire_client import WireClient
        from .wire_transports import Transports

        wire = None
        if self._wire_options is not None:
            wire = WireClient(self.host.base_url, **self._wire_options)
        # A factory holding the options, not this session: the transports may be closed
        # after the client is collected (the async ones in their loop), so they must not
        # keep it alive.
        make_http = functools.partial(
            _new_http_client,
            self._http_options,
            self._transport_options if self._wire_options is None else None,
            self._linear_pool_scope,
            self.host.base_url,
        )
        # Without the fast path, httpx carries every request: build it now, as before, not
        # inside the first request's deadline (loading CA certificates takes ~0.14 s).
        http = None if wire is not None else make_http()
        return Transports(wire, make_http, http)

    def close(self) -> None:
        """Close the transports; the session cannot send afterwards. A `with_options`
        copy closes nothing: the connections are the original's."""
        if not self._owns_connections:
            return
        self._shared.closed = True
        self.transports.close()

    def _open_transports(self) -> Transports:
        """The transports to send on now; a closed session refuses."""
        if self._shared.closed:
            raise RequestError(f"this {self._owner} is closed; create a new one")
        return self.transports.get()

    def send(
        self,
        call: Call[Any],
        content: Callable[[], Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Send `call`, retrying per policy; return a response with status < 300, unread.

        `content` makes a fresh body per attempt (a file upload) instead of `call.body`;
        `options` are the call's `RequestOptions`.
        """
        settings = self._settings.merged(options)
        retry = settings.retry or self._retry
        headers = {**call.headers, **settings.headers} if settings.headers else call.headers
        if call.bearer_only and not self._bearer:
            raise RequestError(
                f"{call.path} is an ollama.com API: set OLLAMA_API_KEY or pass api_key=..."
            )
        url = call.url()
        where = call.base_url or self.host.base_url
        transports = self._open_transports()
        wire = transports.wire
        if call.base_url is not None or transports_are_patched(is_async=False):
            wire = None  # elsewhere than the host, or a test double waits inside httpx
        timeouts = (
            None if settings.timeout is httpx.USE_CLIENT_DEFAULT else Timeouts.of(settings.timeout)
        )
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                if wire is not None:
                    response = self._send_wire(wire, call, content, headers, timeouts)
                else:
                    http = transports.http
                    request = http.build_request(
                        call.method,
                        url,
                        content=content() if content is not None else call.body,
                        headers=headers,
                        timeout=settings.timeout,
                    )
                    response = http.send(request, stream=True)
            except LeavesPlainHTTP:
                wire = None  # redirected to another origin: httpx makes the call (and follows)
                continue
            except httpx.HTTPError as exc:
                attempt += 1
                delay = (
                    retry.delay_for_connect_error(attempt)
                    if protocol.is_connect_failure(exc)
                    else None
                )
                if delay is None:
                    raise protocol.transport_error(exc, where) from exc
                _log_retry(call, retry, attempt, delay, f"connection failed ({exc})")
                sleep(delay)
                continue
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s -> %d (%.1f ms) via %s",
                    call.method,
                    httpx.URL(str(response.url)).copy_with(
                        username=None, password=None, query=None
                    ),
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                    "httpx" if wire is None else "wire",
                )
            if response.status_code < 300:
                return response
            try:
                body = self._read_error_body(response)
            finally:
                close_response(response)
            attempt += 1
            delay = retry.delay_for_status(attempt, response.status_code, response.headers)
            if delay is None:
                raise self._error(call, response, body)
            reason = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
            if "retry-after" in response.headers:
                reason += f", Retry-After: {response.headers['retry-after']}"
            _log_retry(call, retry, attempt, delay, reason)
            sleep(delay)

    def _send_wire(
        self,
        wire: WireClient,
        call: Call[Any],
        content: Callable[[], Any] | None,
        headers: Mapping[str, str],
        timeouts: Timeouts | None,
    ) -> httpx.Response:
        """Send `call` on the fast path. Its response offers what the session and the streams
        use of an `httpx.Response` (status, headers, body reads, close), typed as one."""
        if content is not None:
            response = wire.request(
                call.method, call.path, headers=headers, content=content(), timeouts=timeouts
            )
        else:
            response = wire.request(
                call.method, call.path, body=call.body or b"", headers=headers, timeouts=timeouts
            )
        return cast(httpx.Response, response)

    def _error(self, call: Call[Any], response: httpx.Response, body: bytes) -> ResponseError:
        """The exception for an error answer; a 404 from a host that names an API path
        (`.../v1`, `.../api`) says the host should be the server's root."""
        error = protocol.error_for_status(response.status_code, response.headers, body)
        if response.status_code == 404 and type(error) is ResponseError and not call.base_url:
            hint = not_the_server_root(self.host.base_url, call.path)
            if hint is not None:
                return ResponseError(f"{error.error}: {hint}", 404)
        return error

    def _read_error_body(self, response: httpx.Response) -> bytes:
        """At most `max_line_bytes` of an error body (a huge one is cut, not buffered)."""
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= self._max_line_bytes:
                    del body[self._max_line_bytes :]
                    break
        except httpx.HTTPError:
            pass  # what arrived before the failure still explains the error
        return bytes(body)

    def _read_body(self, response: httpx.Response) -> bytes:
        """The whole body of a non-streamed reply, refusing one over `max_response_bytes`."""
        limit = self._max_response_bytes
        declared = protocol.declared_length(response.headers)
        if declared is not None:
            if declared > limit:
                raise protocol.too_large(declared, limit)
            return response.read()  # the framing guarantees the declared length
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise protocol.too_large(size, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def unary(
        self,
        call: Call[T],
        content: Callable[[], Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> T:
        """The decoded result of a non-streamed call."""
        response = self.send(call, content, options)
        try:
            body = self._read_body(response)
        except httpx.HTTPError as exc:
            where = call.base_url or self.host.base_url
            raise protocol.transport_error(exc, where, started=True) from exc
        finally:
            close_response(response)
        return protocol.decode_body(call, body)

    def stream(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> Stream[T]:
        """The stream of a streamed call's parts (the response is open until it ends)."""
        response = self.send(call, options=options)
        decoder = NDJSONDecoder(
            call.result, max_line_bytes=self._max_line_bytes, status_code=response.status_code
        )
        stream = Stream(response, decoder, call.base_url or self.host.base_url)
        stream.start()
        return stream

    def run(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> T | Stream[T]:
        """`stream` or `unary`, as the call says."""
        if call.stream:
            return self.stream(call, options)
        return self.unary(call, options=options)


def _log_retry(call: Call[Any], retry: RetryPolicy, attempt: int, delay: float, why: str) -> None:
    """Retries are logged at INFO, so a slow call is explained without DEBUG logging."""
    logger.info(
        "retrying %s %s in %.2f s (retry %d of %d): %s",
        call.method,
        call.path,
        delay,
        attempt,
        retry.max_retries,
        why,
    )


def _new_http_client(
    options: dict[str, Any],
    transport_options: dict[str, Any] | None,
    linear_pool_scope: str | None,
    base_url: str,
) -> httpx.Client:
    """An httpx client with the session's options (and the linear-pool transport, if any)."""
    if transport_options is not None:
        transport = default_transport(is_async=False, **transport_options)
        if linear_pool_scope == "host":
            # Proxies are set, but not for the host: httpx keeps them for other URLs.
            origin = "/".join(base_url.split("/", 3)[:3])  # scheme://host:port
            options = {**options, "mounts": {origin: transport}}
        else:
            options = {**options, "transport": transport}
    return httpx.Client(**options)
