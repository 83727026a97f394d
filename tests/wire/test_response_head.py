"""Response heads: status line and headers parsed strictly, the end found at any split, and
the body's framing decided the way that cannot be misread."""

from __future__ import annotations

import httpx
import pytest

from ollama_lite._wire.response import (
    ResponseHead,
    find_head_end,
    framing,
    keeps_alive,
    parse_head,
)

HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Many: a\r\n"
    b"x-many: b\r\nContent-Length: 12\r\n\r\n"
)


def test_status_headers_and_case_insensitive_lookup() -> None:
    head = parse_head(HEAD)
    assert (head.status_code, head.reason_phrase, head.http_version) == (200, "OK", "HTTP/1.1")
    assert head.headers["content-type"] == "application/json"
    assert head.headers.get("Content-Type") == "application/json"
    assert "CONTENT-LENGTH" in head.headers
    assert head.headers.get("x-many") == "a, b"
    assert head.headers.get("missing") is None


def test_the_end_of_a_head_is_found_at_every_split() -> None:
    data = HEAD + b"body"
    for cut in range(len(data) + 1):
        end, searched = find_head_end(data[:cut], 0)
        if end == -1:
            end, _ = find_head_end(data, searched)
        assert end == len(HEAD), cut


def test_a_bare_newline_head_is_accepted() -> None:
    data = b"HTTP/1.1 204 No Content\nX: y\n\n"
    end, _ = find_head_end(data, 0)
    assert end == len(data)
    assert parse_head(data[:end]).headers["x"] == "y"


def test_an_empty_reason_is_accepted() -> None:
    assert parse_head(b"HTTP/1.1 503\r\n\r\n").status_code == 503


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/2 200 OK\r\n\r\n",
        b"HTTP/1.1 20 OK\r\n\r\n",
        b"HTTP/1.1 099 Odd\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n",
    ],
)
def test_malformed_heads_are_protocol_errors(head: bytes) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        parse_head(head)


def head_with(*lines: str, status: int = 200) -> ResponseHead:
    return parse_head(("\r\n".join([f"HTTP/1.1 {status} X", *lines]) + "\r\n\r\n").encode())


@pytest.mark.parametrize(
    ("lines", "status", "method", "expected"),
    [
        (["Content-Length: 5"], 200, "POST", ("length", 5)),
        (["Content-Length: 5", "Content-Length: 5"], 200, "POST", ("length", 5)),
        (["Transfer-Encoding: chunked"], 200, "POST", ("chunked", 0)),
        (["Transfer-Encoding: Chunked ", "Content-Length: 5"], 200, "POST", ("chunked", 0)),
        ([], 200, "GET", ("close", 0)),
        (["Content-Length: 5"], 204, "GET", ("none", 0)),
        (["Content-Length: 5"], 304, "GET", ("none", 0)),
        (["Content-Length: 5"], 200, "HEAD", ("none", 0)),
    ],
)
def test_framing(lines: list[str], status: int, method: str, expected: tuple[str, int]) -> None:
    assert framing(head_with(*lines, status=status), method) == expected


@pytest.mark.parametrize(
    "lines",
    [
        ["Content-Length: 5", "Content-Length: 6"],
        ["Content-Length: -1"],
        ["Content-Length: 0x10"],
        ["Content-Length: 1e3"],
        ["Content-Length: " + "9" * 30],
        ["Transfer-Encoding: gzip, chunked"],
        ["Transfer-Encoding: identity"],
    ],
)
def test_ambiguous_framing_is_refused(lines: list[str]) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        framing(head_with(*lines), "POST")


def test_keep_alive() -> None:
    assert keeps_alive(head_with())
    assert not keeps_alive(head_with("Connection: close"))
    assert not keeps_alive(parse_head(b"HTTP/1.0 200 OK\r\n\r\n"))
    assert keeps_alive(parse_head(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n"))
