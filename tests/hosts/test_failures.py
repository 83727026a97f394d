"""How a pool reads each failure of a host: retry elsewhere or raise, rest the host or not."""

from __future__ import annotations

import httpx
import pytest

from ollama_lite import _protocol as protocol
from ollama_lite._errors import RequestError, ResponseError, StreamError
from ollama_lite._hosts import classify

URL = "http://127.0.0.1:9"


def raised(exc: Exception, *, started: bool = False) -> BaseException:
    """The ollama_lite error a client raises for an httpx failure, with its cause."""
    try:
        raise protocol.transport_error(exc, URL, started=started) from exc
    except Exception as error:
        return error


def status(code: int, body: bytes = b'{"error":"x"}', headers: dict[str, str] | None = None):
    return protocol.error_for_status(code, headers or {}, body)


@pytest.mark.parametrize("call", ["any", "idempotent", "generation"])
def test_failures_before_the_server_worked_are_retried_for_every_call(call: str) -> None:
    for exc, kind in [
        (raised(httpx.ConnectError("refused")), "connect"),
        (raised(httpx.ConnectTimeout("slow")), "connect_timeout"),
        (status(429), "http_429"),
        (status(502), "http_502"),
        (status(503), "http_503"),
        (status(504), "http_504"),
    ]:
        failure = classify(exc, call)  # type: ignore[arg-type]
        assert failure is not None and failure.kind == kind
        assert failure.retry and failure.unwell


def test_retry_after_of_a_busy_server_is_kept() -> None:
    failure = classify(status(503, headers={"retry-after": "7"}), "any")
    assert failure is not None and failure.retry_after == 7.0


@pytest.mark.parametrize(
    "exc,kind",
    [
        (httpx.ReadError("reset"), "dropped"),
        (httpx.RemoteProtocolError("closed"), "dropped"),
        (httpx.ReadTimeout("slow"), "timeout"),
    ],
)
def test_a_connection_lost_after_sending_is_retried_only_when_safe(
    exc: Exception, kind: str
) -> None:
    for started in (False, True):
        error = raised(exc, started=started)
        assert classify(error, "idempotent") == classify(error, "idempotent")
        embed = classify(error, "idempotent")
        assert embed is not None and embed.kind == kind and embed.retry and embed.unwell
        other = classify(error, "any")
        assert other is not None and not other.retry and other.unwell
        generation = classify(error, "generation")
        assert generation is not None and not generation.retry
        opted_in = classify(error, "generation", retry_generation=True)
        assert opted_in is not None and opted_in.retry


def test_model_not_found_marks_the_host_and_tries_others() -> None:
    failure = classify(status(404, b'{"error":"model \\"m\\" not found, try pulling it"}'), "any")
    assert failure is not None
    assert failure.missing_model and failure.retry and not failure.unwell


@pytest.mark.parametrize("code", [400, 401, 403, 404, 500])
def test_other_answers_are_the_callers(code: int) -> None:
    assert classify(status(code, b'{"error":"bad"}'), "idempotent") is None


def test_not_host_failures() -> None:
    tls = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert classify(raised(tls), "idempotent") is None
    assert classify(RequestError("bad"), "idempotent") is None
    assert classify(StreamError("boom", 200), "idempotent") is None
    assert classify(ValueError("x"), "idempotent") is None
    assert classify(ResponseError("teapot", 418), "idempotent") is None
