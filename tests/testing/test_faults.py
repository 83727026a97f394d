"""Fault injection, through the Python API and through the x-fake-fault header."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from ollama_lite.testing import FakeOllama, Fault

from ._fakeutil import ndjson

HI = [{"role": "user", "content": "hello there"}]
CHAT = {"model": "llama3.2", "messages": HI}
BUSY = {"error": "server busy, please try again.  maximum pending requests exceeded"}


def stream_lines(client: httpx.Client, headers: dict[str, str] | None = None) -> list[bytes]:
    """Read a chat stream line by line, tolerating an abrupt end (returns what arrived)."""
    lines: list[bytes] = []
    with client.stream("POST", "/api/chat", json=CHAT, headers=headers) as r:
        assert r.status_code == 200
        buffer = b""
        try:
            for data in r.iter_raw():
                buffer += data
                *complete, buffer = buffer.split(b"\n")
                lines.extend(complete)
        except httpx.RemoteProtocolError:
            lines.append(b"<aborted>")
    return lines


def test_delay_before_first_byte(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.delay(0.5))
    start = time.perf_counter()
    assert client.get("/api/version").status_code == 200
    assert time.perf_counter() - start >= 0.5
    assert fake.faults == []  # times=1: used up
    start = time.perf_counter()
    client.get("/api/version")
    assert time.perf_counter() - start < 0.5  # not delayed (however loaded the machine)


def test_slow_tokens(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.slow_tokens(0.02))
    start = time.perf_counter()
    chunks = ndjson(client.post("/api/chat", json=CHAT).content)
    assert time.perf_counter() - start >= 0.02 * (len(chunks) - 1)
    fake.token_delay = 0.01  # server-wide setting works the same way
    start = time.perf_counter()
    client.post("/api/chat", json={**CHAT, "stream": False})
    assert time.perf_counter() - start >= 0.01 * (len(chunks) - 1)


@pytest.mark.parametrize("via_header", [False, True])
def test_disconnect_mid_stream(fake: FakeOllama, client: httpx.Client, via_header: bool) -> None:
    headers = {"x-fake-fault": "disconnect;after=2"} if via_header else None
    if not via_header:
        fake.inject(Fault.disconnect(after=2))
    lines = stream_lines(client, headers)
    assert lines[-1] == b"<aborted>" and len(lines) == 3
    assert all(json.loads(line)["done"] is False for line in lines[:2])
    assert client.get("/api/version").status_code == 200  # the client recovers


def test_disconnect_before_a_unary_response(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.disconnect())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/chat", json={**CHAT, "stream": False})


def test_busy_503_with_retry_after(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.busy(retry_after=2), model="llama3.2", times=2)
    r = client.post("/api/chat", json=CHAT)
    assert (r.status_code, r.json(), r.headers["retry-after"]) == (503, BUSY, "2")
    other = client.post("/api/chat", json={**CHAT, "model": "qwen3", "stream": False})
    assert other.status_code == 200  # another model is unaffected
    assert client.post("/api/chat", json=CHAT).status_code == 503
    assert client.post("/api/chat", json=CHAT).status_code == 200
    r = client.get("/api/tags", headers={"x-fake-fault": "busy"})
    assert r.status_code == 503 and "retry-after" not in r.headers


def test_html_error_is_not_json(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.html_error(502, b"<html>Bad Gateway</html>"), path="/api/chat")
    assert client.get("/api/tags").status_code == 200  # other paths are unaffected
    r = client.post("/api/chat", json=CHAT)
    assert (r.status_code, r.text, r.headers["content-type"]) == (
        502,
        "<html>Bad Gateway</html>",
        "text/html",
    )
    r = client.get("/api/tags", headers={"x-fake-fault": "html_error"})
    assert r.status_code == 500 and r.text.startswith("<html>")


def test_malformed_line(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.malformed_line(after=3))
    lines = stream_lines(client)
    assert [json.loads(x)["done"] for x in lines[:3]] == [False] * 3
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[3])
    assert json.loads(lines[-1])["done"] is True  # the stream then carries on
    fake.inject(Fault.malformed_line())
    r = client.post("/api/chat", json={**CHAT, "stream": False})
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_error_line_mid_stream(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.error_line(after=2, message="boom"))
    r = client.post("/api/chat", json=CHAT)
    assert r.status_code == 200
    lines = ndjson(r.content)
    assert len(lines) == 3 and lines[-1] == {"error": "boom"}
    fake.inject(Fault.error_line())
    r = client.post("/api/chat", json={**CHAT, "stream": False})
    assert (r.status_code, r.json()) == (
        500,
        {"error": "an error was encountered while running the model"},
    )
    r = client.post(
        "/api/pull",
        json={"model": "x"},
        headers={"x-fake-fault": "error_line;after=1;message=disk%20full"},
    )
    assert ndjson(r.content) == [{"status": "pulling manifest"}, {"error": "disk full"}]


def test_endless_stream_until_the_client_leaves(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.endless(0.005))
    received = 0
    with client.stream("POST", "/api/chat", json=CHAT) as r:
        for line in r.iter_lines():
            assert json.loads(line)["done"] is False
            received += 1
            if received == 40:  # far beyond the natural reply
                break
    assert fake.wait_for_cancelled_streams(1)
    assert fake.cancelled_streams == 1 and fake.cancelled_requests == 1


def test_endless_unary_never_answers(fake: FakeOllama) -> None:
    fake.inject(Fault.endless())
    with httpx.Client(base_url=fake.url, timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.post("/api/chat", json={**CHAT, "stream": False})
    assert fake.wait_for_cancelled_requests(1, timeout=10)
    assert fake.cancelled_requests == 1 and fake.cancelled_streams == 0
    assert not fake.wait_for_cancelled_requests(2, timeout=0.05)


def test_any_status_and_body(fake: FakeOllama, client: httpx.Client) -> None:
    fake.inject(Fault.status(418, '{"error":"teapot"}'), times=None)
    for _ in range(3):
        r = client.get("/api/version")
        assert (r.status_code, r.json()) == (418, {"error": "teapot"})
    assert len(fake.faults) == 1 and fake.faults[0].remaining is None
    fake.clear_faults()
    assert client.get("/api/version").status_code == 200
    r = client.get(
        "/",
        headers={"x-fake-fault": "status;status=401;body=%7B%22error%22%3A%22unauthorized%22%7D"},
    )
    assert (r.status_code, r.json()) == (401, {"error": "unauthorized"})


def test_faults_combine(client: httpx.Client) -> None:
    start = time.perf_counter()
    lines = stream_lines(client, {"x-fake-fault": "delay;seconds=0.2, disconnect;after=1"})
    assert time.perf_counter() - start >= 0.2
    assert len(lines) == 2 and lines[-1] == b"<aborted>"


def test_bad_fault_header(client: httpx.Client) -> None:
    r = client.get("/api/version", headers={"x-fake-fault": "meteor"})
    assert r.status_code == 400 and "invalid x-fake-fault header" in r.json()["error"]


def test_inject_validates_model_names(fake: FakeOllama) -> None:
    with pytest.raises(ValueError):
        fake.inject(Fault.busy(), model="bad name!")
