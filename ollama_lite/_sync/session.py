# Generated from ollama_lite/_async/session.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`Session`: sends a `Call` through httpx and returns its result or its stream.

It owns what every request shares: the headers (defaults, auth), the transport (httpx's,
or ours with the linear connection pool), the httpx clients, the retry loop, and the bounded
reads of bodies. The endpoint methods in `client.py` only build `Call`s and hand them here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from .. import _protocol as protocol
from .._sync_backend import SingleHttpClient, sleep
from .._compat.httpcore_linear_pool import default_transport
from .._config import (
    TRANSPORT_SETTINGS,
    RetryPolicy,
    brings_own_transport,
    client_headers,
    resolve_host,
    sends_bearer,
)
from .._errors import RequestError
from .._ndjson import NDJSONDecoder
from .._protocol import Call
from .streams import Stream

__all__ = ["Session"]

T = TypeVar("T")
logger = logging.getLogger("ollama_lite")


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
        if not brings_own_transport(httpx_kwargs):
            self._transport_options = {
                key: httpx_kwargs[key] for key in TRANSPORT_SETTINGS if key in httpx_kwargs
            }
        self.http_clients = SingleHttpClient(self._new_http_client)
        self._closed = False

    def _new_http_client(self) -> httpx.Client:
        options = self._http_options
        if self._transport_options is not None:
            transport = default_transport(is_async=False, **self._transport_options)
            options = {**options, "transport": transport}
        return httpx.Client(**options)

    def close(self) -> None:
        """Close the httpx clients; the session cannot send afterwards."""
        self._closed = True
        self.http_clients.close()

    def _http(self) -> httpx.Client:
        if self._closed:
            raise RequestError(f"this {self._owner} is closed; create a new one")
        return self.http_clients.get()

    def send(
        self, call: Call[Any], content: Callable[[], Any] | None = None
    ) -> httpx.Response:
        """Send `call`, retrying per policy; return a response with status < 300, unread.

        `content` makes a fresh body per attempt (a file upload) instead of `call.body`.
        """
        if call.bearer_only and not self._bearer:
            raise RequestError(
                f"{call.path} is an ollama.com API: set OLLAMA_API_KEY or pass api_key=..."
            )
        url = call.url()
        where = call.base_url or self.host.base_url
        http = self._http()
        attempt = 0
        while True:
            request = http.build_request(
                call.method,
                url,
                content=content() if content is not None else call.body,
                headers=call.headers,
            )
            started = time.perf_counter()
            try:
                response = http.send(request, stream=True)
            except httpx.HTTPError as exc:
                attempt += 1
                delay = (
                    self._retry.delay_for_connect_error(attempt)
                    if protocol.is_connect_failure(exc)
                    else None
                )
                if delay is None:
                    raise protocol.transport_error(exc, where) from exc
                logger.debug("%s %s failed (%s); retry in %.2f s", call.method, url, exc, delay)
                sleep(delay)
                continue
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s -> %d (%.1f ms)",
                    call.method,
                    request.url.copy_with(username=None, password=None, query=None),
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                )
            if response.status_code < 300:
                return response
            try:
                body = self._read_error_body(response)
            finally:
                response.close()
            attempt += 1
            delay = self._retry.delay_for_status(attempt, response.status_code, response.headers)
            if delay is None:
                raise protocol.error_for_status(response.status_code, response.headers, body)
            logger.debug(
                "%s %s -> %d; retry in %.2f s", call.method, url, response.status_code, delay
            )
            sleep(delay)

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

    def unary(self, call: Call[T], content: Callable[[], Any] | None = None) -> T:
        """The decoded result of a non-streamed call."""
        response = self.send(call, content)
        try:
            body = self._read_body(response)
        except httpx.HTTPError as exc:
            where = call.base_url or self.host.base_url
            raise protocol.transport_error(exc, where, started=True) from exc
        finally:
            response.close()
        return protocol.decode_body(call, body)

    def stream(self, call: Call[T]) -> Stream[T]:
        """The stream of a streamed call's parts (the response is open until it ends)."""
        response = self.send(call)
        decoder = NDJSONDecoder(
            call.result, max_line_bytes=self._max_line_bytes, status_code=response.status_code
        )
        stream = Stream(response, decoder, call.base_url or self.host.base_url)
        stream.start()
        return stream

    def run(self, call: Call[T]) -> T | Stream[T]:
        """`stream` or `unary`, as the call says."""
        if call.stream:
            return self.stream(call)
        return self.unary(call)
