"""Status codes, transport failures and bodies map to the documented exception types."""

from __future__ import annotations

import builtins
import socket

import httpx
import pytest

import ollama_lite
from ollama_lite import (
    AuthenticationError,
    ConnectError,
    InvalidResponseError,
    ModelNotFoundError,
    OllamaError,
    ResponseError,
    ServerBusyError,
    StreamError,
    StreamInterrupted,
    TimeoutError,
)

from ..client._streams import Recorder, TrackedBody, chat_line

MSGS = [{"role": "user", "content": "hi"}]


def client_for(*responses: object, **kwargs: object) -> tuple[ollama_lite.Client, Recorder]:
    recorder = Recorder(*responses)  # type: ignore[arg-type]
    return ollama_lite.Client(transport=recorder.transport(), **kwargs), recorder  # type: ignore[arg-type]


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr("ollama_lite._sync.session.sleep", slept.append)
    return slept


def test_tree_has_one_root_and_keeps_official_names() -> None:
    for exc in (
        ConnectError,
        TimeoutError,
        StreamInterrupted,
        ResponseError,
        StreamError,
        ModelNotFoundError,
        ServerBusyError,
        AuthenticationError,
        InvalidResponseError,
        ollama_lite.RequestError,
    ):
        assert issubclass(exc, OllamaError)
    assert issubclass(ConnectError, builtins.ConnectionError)
    assert issubclass(TimeoutError, builtins.TimeoutError)
    assert issubclass(ollama_lite.RequestError, ValueError)
    error = ResponseError('{"error": "boom"}', 418)
    assert (error.error, error.status_code, str(error)) == ("boom", 418, "boom (status code: 418)")


def test_400_with_ollama_error_json() -> None:
    client, _ = client_for(lambda r: httpx.Response(400, json={"error": "invalid think value"}))
    with pytest.raises(ResponseError) as info:
        client.chat("m", MSGS, think=True)
    assert info.value.status_code == 400 and info.value.error == "invalid think value"
    assert type(info.value) is ResponseError


def test_500_with_html_body_keeps_the_text() -> None:
    html = "<html><body>Internal Server Error</body></html>"
    client, _ = client_for(lambda r: httpx.Response(500, text=html))
    with pytest.raises(ResponseError) as info:
        client.list()
    assert info.value.status_code == 500 and info.value.error == html


def test_empty_error_body_uses_the_reason_phrase() -> None:
    client, _ = client_for(lambda r: httpx.Response(500))
    with pytest.raises(ResponseError, match="Internal Server Error"):
        client.ps()


def test_404_model_not_found_hints_at_pull_but_a_404_page_does_not() -> None:
    client, _ = client_for(lambda r: httpx.Response(404, json={"error": "model 'nope' not found"}))
    with pytest.raises(ModelNotFoundError) as info:
        client.chat("nope", MSGS)
    assert info.value.status_code == 404 and "pull" in info.value.hint
    # The official package's str(), so code matching on it keeps working.
    assert str(info.value) == "model 'nope' not found (status code: 404)"
    client, _ = client_for(lambda r: httpx.Response(404, text="404 page not found"))
    with pytest.raises(ResponseError) as other:
        client.version()
    assert type(other.value) is ResponseError


def test_401_carries_signin_url() -> None:
    body = {"error": "unauthorized", "signin_url": "https://ollama.com/connect?x"}
    client, _ = client_for(lambda r: httpx.Response(401, json=body))
    with pytest.raises(AuthenticationError) as info:
        client.chat("gpt-oss:120b-cloud", MSGS)
    assert info.value.signin_url == "https://ollama.com/connect?x"


def test_503_is_retried_then_raised_as_server_busy(no_sleep: list[float]) -> None:
    busy = {"error": "server busy, please try again.  maximum pending requests exceeded"}
    client, recorder = client_for(lambda r: httpx.Response(503, json=busy), max_retries=2)
    with pytest.raises(ServerBusyError) as info:
        client.chat("m", MSGS)
    assert len(recorder.requests) == 3 and len(no_sleep) == 2
    assert info.value.status_code == 503 and "server busy" in info.value.error


def test_retry_after_is_honoured_then_success(no_sleep: list[float]) -> None:
    client, recorder = client_for(
        lambda r: httpx.Response(503, headers={"Retry-After": "1.5"}, json={"error": "busy"}),
        lambda r: httpx.Response(429, headers={"Retry-After": "0"}, json={"error": "slow down"}),
        lambda r: httpx.Response(200, content=chat_line("ok", True)),
    )
    assert client.chat("m", MSGS).message.content == "ok"
    assert no_sleep == [1.5, 0.0] and len(recorder.requests) == 3
    # Each retry sends the same body again.
    assert recorder.requests[0].content == recorder.requests[2].content


def test_retries_can_be_turned_off(no_sleep: list[float]) -> None:
    client, recorder = client_for(lambda r: httpx.Response(502, text="bad gateway"), max_retries=0)
    with pytest.raises(ResponseError):
        client.list()
    assert len(recorder.requests) == 1 and no_sleep == []


def test_non_retryable_status_is_not_retried(no_sleep: list[float]) -> None:
    client, recorder = client_for(lambda r: httpx.Response(500, json={"error": "x"}))
    with pytest.raises(ResponseError):
        client.list()
    assert len(recorder.requests) == 1


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("stream", [False, True])
def test_connection_refused_names_the_url_on_every_path(stream: bool) -> None:
    port = refused_port()
    client = ollama_lite.Client(f"127.0.0.1:{port}", max_retries=0)
    with client, pytest.raises(ConnectError) as info:
        client.chat("m", MSGS, stream=stream)
    assert f"http://127.0.0.1:{port}" in str(info.value)
    assert "ollama serve" in str(info.value)
    assert isinstance(info.value, ConnectionError)


def test_connect_errors_are_retried(no_sleep: list[float]) -> None:
    calls = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    client = ollama_lite.Client(transport=httpx.MockTransport(refuse), max_retries=3)
    with pytest.raises(ConnectError):
        client.version()
    assert len(calls) == 4 and len(no_sleep) == 3


def test_read_timeout_is_a_typed_timeout_and_not_retried(no_sleep: list[float]) -> None:
    calls = []

    def slow(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    client = ollama_lite.Client(transport=httpx.MockTransport(slow))
    with pytest.raises(TimeoutError) as info:
        client.chat("m", MSGS)
    assert isinstance(info.value, builtins.TimeoutError) and "read timeout" in str(info.value)
    assert len(calls) == 1  # the server may be generating: never re-sent


def test_error_line_inside_a_stream_raises_after_earlier_parts() -> None:
    body = TrackedBody(
        [chat_line("a"), b'{"error":"an error was encountered while running the model"}\n']
    )
    client, _ = client_for(lambda r: httpx.Response(200, stream=body))
    parts = []
    with pytest.raises(StreamError) as info:
        for part in client.chat("m", MSGS, stream=True):
            parts.append(part.message.content)
    assert parts == ["a"]
    assert info.value.status_code == 200 and "while running the model" in info.value.error
    assert body.closed


def test_connection_broken_mid_stream_is_stream_interrupted_and_not_retried(
    no_sleep: list[float],
) -> None:
    body = TrackedBody([chat_line("a")], then=httpx.RemoteProtocolError("peer closed connection"))
    client, recorder = client_for(lambda r: httpx.Response(200, stream=body))
    parts = []
    with pytest.raises(StreamInterrupted):
        for part in client.chat("m", MSGS, stream=True):
            parts.append(part.message.content)
    assert parts == ["a"] and len(recorder.requests) == 1 and body.closed


def test_non_json_success_body_is_invalid_response() -> None:
    client, _ = client_for(lambda r: httpx.Response(200, text="<html>proxy login</html>"))
    with pytest.raises(InvalidResponseError, match="proxy login"):
        client.list()


def test_wrong_shape_keeps_the_json_path() -> None:
    client, _ = client_for(lambda r: httpx.Response(200, json={"models": [{"size": "big"}]}))
    with pytest.raises(InvalidResponseError, match=r"\$\.models\[0\]\.size"):
        client.list()


def test_huge_error_body_is_cut_at_max_line_bytes() -> None:
    client, _ = client_for(lambda r: httpx.Response(500, text="E" * 100_000), max_line_bytes=1000)
    with pytest.raises(ResponseError) as info:
        client.version()
    assert len(info.value.error) <= 1000


def test_redirect_not_followed_is_a_response_error_with_the_status() -> None:
    client, _ = client_for(
        lambda r: httpx.Response(307, headers={"Location": "/elsewhere/api/tags"}),
        follow_redirects=False,
    )
    with pytest.raises(ResponseError) as info:
        client.list()
    assert info.value.status_code == 307 and "/elsewhere/api/tags" in info.value.error


def test_tls_failure_says_so_and_is_not_retried(no_sleep: list[float]) -> None:
    import ssl

    calls = []

    def handshake_fails(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        cause = ssl.SSLCertVerificationError("certificate verify failed: self-signed certificate")
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]", request=request) from cause

    client = ollama_lite.Client(
        "https://127.0.0.1:8443", transport=httpx.MockTransport(handshake_fails), max_retries=3
    )
    with pytest.raises(ConnectError, match="TLS handshake") as info:
        client.version()
    assert "verify=" in str(info.value) and "ollama serve" not in str(info.value)
    assert len(calls) == 1 and no_sleep == []


def test_non_streamed_body_over_max_response_bytes_is_refused() -> None:
    client, _ = client_for(
        lambda r: httpx.Response(200, content=b"[" + b"0," * 5000 + b"0]"), max_response_bytes=1000
    )
    with pytest.raises(InvalidResponseError, match="max_response_bytes=1000"):
        client.embeddings("m", "x")
