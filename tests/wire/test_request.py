"""Request heads, origins, redirect targets and timeouts of the fast path (pure)."""

from __future__ import annotations

import httpx
import pytest

from ollama_lite import RequestError
from ollama_lite._wire.request import (
    Origin,
    Timeouts,
    header_block,
    redirect_method,
    redirect_target,
    request_head,
    split_url,
)


def test_split_url() -> None:
    assert split_url("http://127.0.0.1:11434") == (Origin("127.0.0.1", 11434), "/")
    assert split_url("http://[::1]:8080/ollama/api?x=1") == (Origin("::1", 8080), "/ollama/api?x=1")
    assert split_url("http://example.com/p") == (Origin("example.com", 80), "/p")
    assert split_url("https://example.com") is None
    assert split_url("http://example.com:99999") is None


def test_authority_omits_the_default_port_and_brackets_ipv6() -> None:
    assert Origin("example.com", 80).authority == "example.com"
    assert Origin("::1", 11434).authority == "[::1]:11434"


def test_request_head() -> None:
    block = header_block({"Accept": "application/json", "Authorization": "Bearer k"})
    head = request_head("POST", "/api/chat", "h:1", block, 7)
    assert head == (
        b"POST /api/chat HTTP/1.1\r\nHost: h:1\r\nAccept: application/json\r\n"
        b"Authorization: Bearer k\r\nContent-Length: 7\r\n\r\n"
    )
    assert (
        request_head("GET", "/api/tags", "h", "", 0) == b"GET /api/tags HTTP/1.1\r\nHost: h\r\n\r\n"
    )
    assert b"Content-Length: 0" in request_head("DELETE", "/api/delete", "h", "", 0)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Evil": "a\r\nInjected: yes"},
        {"X-Evil": "a\nb"},
        {"Bad Name": "x"},
        {"X": "snowman \u2603"},
        {"X": 1},
    ],
)
def test_header_injection_is_refused_before_sending(headers: dict[str, object]) -> None:
    with pytest.raises(RequestError):
        header_block(headers)  # type: ignore[arg-type]


def test_redirect_targets_and_methods() -> None:
    origin = Origin("127.0.0.1", 8000)
    assert redirect_target(origin, "/api/chat", "/api/v2") == "http://127.0.0.1:8000/api/v2"
    assert redirect_target(origin, "/a/b", "c") == "http://127.0.0.1:8000/a/c"
    assert redirect_target(origin, "/", "https://x.org/") == "https://x.org/"
    with pytest.raises(httpx.RemoteProtocolError):
        redirect_target(origin, "/", None)
    assert redirect_method(303, "POST") == "GET"
    assert redirect_method(302, "POST") == "GET"
    assert redirect_method(307, "POST") == "POST"
    assert redirect_method(308, "DELETE") == "DELETE"


def test_timeouts_have_httpx_meaning() -> None:
    assert Timeouts.of(httpx.Timeout(600.0, connect=10.0)) == Timeouts(10.0, 600.0, 600.0, 600.0)
    assert Timeouts.of(5) == Timeouts(5, 5, 5, 5)
    assert Timeouts.of(None) == Timeouts(None, None, None, None)
