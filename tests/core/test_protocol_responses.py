"""The answer side of `ollama_lite._protocol`, tested directly: statuses, bodies and
transport failures mapped to results and exceptions, with no HTTP."""

from __future__ import annotations

import httpx
import pytest

from ollama_lite import (
    AuthenticationError,
    ConnectError,
    InvalidResponseError,
    ModelNotFoundError,
    ResponseError,
    ServerBusyError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
    VersionResponse,
)
from ollama_lite import _protocol as protocol

URL = "http://127.0.0.1:11434"


def test_decode_body_gives_the_typed_result() -> None:
    assert protocol.decode_body(protocol.version(), b'{"version":"0.12.6"}') == VersionResponse(
        version="0.12.6"
    )


def test_decode_body_refuses_what_the_type_does_not_allow() -> None:
    with pytest.raises(InvalidResponseError, match="version"):
        protocol.decode_body(protocol.version(), b'{"version": 12}')
    with pytest.raises(InvalidResponseError):
        protocol.decode_body(protocol.version(), b"")  # no empty default for version


@pytest.mark.parametrize(
    ("status", "headers", "body", "kind", "text"),
    [
        (
            404,
            {},
            b'{"error":"model \\"x\\" not found, try pulling it first"}',
            ModelNotFoundError,
            "not found",
        ),
        (404, {}, b'{"error":"no such blob"}', ResponseError, "no such blob"),
        (400, {}, b"plain text trouble", ResponseError, "plain text trouble"),
        (500, {}, b"", ResponseError, "Internal Server Error"),
        (
            401,
            {},
            b'{"error":"unauthorized","signin_url":"https://ollama.com/connect"}',
            AuthenticationError,
            "unauthorized",
        ),
        (503, {"retry-after": "7"}, b'{"error":"busy"}', ServerBusyError, "busy"),
        (307, {"location": "http://elsewhere"}, b"", ResponseError, "not followed"),
    ],
)
def test_error_for_status(
    status: int, headers: dict[str, str], body: bytes, kind: type, text: str
) -> None:
    error = protocol.error_for_status(status, headers, body)
    assert type(error) is kind
    assert error.status_code == status
    assert text in str(error)


def test_error_for_status_keeps_retry_after_and_signin_url() -> None:
    busy = protocol.error_for_status(503, {"retry-after": "7"}, b"{}")
    assert isinstance(busy, ServerBusyError) and busy.retry_after == 7.0
    auth = protocol.error_for_status(403, {}, b'{"error":"no","signin_url":"https://x/y"}')
    assert isinstance(auth, AuthenticationError) and auth.signin_url == "https://x/y"


def test_transport_errors_name_the_host() -> None:
    request = httpx.Request("GET", URL)
    refused = protocol.transport_error(httpx.ConnectError("refused", request=request), URL)
    assert isinstance(refused, ConnectError) and "ollama serve" in str(refused)
    slow = protocol.transport_error(httpx.ReadTimeout("slow", request=request), URL)
    assert isinstance(slow, TimeoutError) and slow.url == URL
    cut = protocol.transport_error(httpx.ReadError("reset", request=request), URL, started=True)
    assert isinstance(cut, StreamInterrupted) and URL in str(cut)
    other = protocol.transport_error(httpx.WriteError("broken", request=request), URL)
    assert type(other) is TransportError


def test_only_failures_before_the_server_saw_the_request_are_retryable() -> None:
    request = httpx.Request("GET", URL)
    assert protocol.is_connect_failure(httpx.ConnectError("refused", request=request))
    assert protocol.is_connect_failure(httpx.ConnectTimeout("slow", request=request))
    assert not protocol.is_connect_failure(httpx.ReadError("reset", request=request))
    tls = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]", request=request)
    assert not protocol.is_connect_failure(tls)


def test_declared_length_and_too_large() -> None:
    assert protocol.declared_length({"content-length": "12"}) == 12
    assert protocol.declared_length({"content-length": "12", "content-encoding": "gzip"}) is None
    assert protocol.declared_length({}) is None
    assert "max_response_bytes=10" in str(protocol.too_large(11, 10))
