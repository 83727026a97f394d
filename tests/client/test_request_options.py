"""Per-call `timeout`, `max_retries` and `headers` on every endpoint, and `with_options` copies.

Against the fake Ollama on 127.0.0.1: faults make the server slow or busy, and the recorded
requests show what was sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client, RequestError
from ollama_lite.testing import FakeOllama, Fault

MSGS = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOllama]:
    with FakeOllama() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeOllama) -> Iterator[FakeOllama]:
    server.clear_faults()
    server.clear_requests()
    yield server
    server.clear_faults()


def chat_count(fake: FakeOllama) -> int:
    return sum(1 for request in fake.requests if request.path == "/api/chat")


# --------------------------------------------------------------------------- per call


def test_a_per_call_timeout_overrides_the_clients(fake: FakeOllama) -> None:
    fake.inject(Fault.delay(1.5), path="/api/chat")
    with Client(fake.url, timeout=30, max_retries=0) as client:
        started = time.perf_counter()
        with pytest.raises(ollama_lite.TimeoutError):
            client.chat("llama3.2", MSGS, timeout=0.3)
        assert time.perf_counter() - started < 1.4
        fake.inject(Fault.delay(0.3), path="/api/chat")
        assert client.chat("llama3.2", MSGS).message.content  # the client's 30 s again


def test_per_call_max_retries(fake: FakeOllama) -> None:
    fake.inject(Fault.busy(retry_after=0), path="/api/chat", times=3)
    with Client(fake.url, max_retries=0) as client:
        reply = client.chat("llama3.2", MSGS, max_retries=3)
    assert reply.done and chat_count(fake) == 4
    fake.clear_requests()
    fake.inject(Fault.busy(retry_after=0), path="/api/chat", times=1)
    with Client(fake.url, max_retries=5) as client, pytest.raises(ollama_lite.ServerBusyError):
        client.chat("llama3.2", MSGS, max_retries=0)
    assert chat_count(fake) == 1


def test_per_call_headers_are_added_and_win(fake: FakeOllama) -> None:
    with Client(fake.url, headers={"X-App": "demo", "X-Team": "a"}) as client:
        client.embed("nomic-embed-text", "x", headers={"X-Team": "b", "X-Trace": "t1"})
        sent = fake.last_request
        assert sent is not None
        assert (sent.headers["x-app"], sent.headers["x-team"]) == ("demo", "b")
        assert sent.headers["x-trace"] == "t1"
        client.version()
        assert fake.last_request is not None and "x-trace" not in fake.last_request.headers


def test_every_endpoint_takes_the_request_options(fake: FakeOllama, tmp_path: Any) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"weights")
    options: dict[str, Any] = {"headers": {"X-Call": "1"}, "timeout": 10, "max_retries": 0}
    with Client(fake.url) as client:
        calls = [
            lambda: client.chat("llama3.2", MSGS, **options),
            lambda: client.generate("llama3.2", "hi", **options),
            lambda: client.embed("nomic-embed-text", "x", **options),
            lambda: client.embeddings("nomic-embed-text", "x", **options),
            lambda: client.pull("mistral", **options),
            lambda: client.show("llama3.2", **options),
            lambda: client.list(**options),
            lambda: client.ps(**options),
            lambda: client.copy("llama3.2", "copied", **options),
            lambda: client.delete("copied", **options),
            lambda: client.create("made", from_="llama3.2", **options),
            lambda: client.create_blob(blob, **options),
            lambda: client.blob_exists("sha256:" + "0" * 64, **options),
            lambda: client.version(**options),
            lambda: client.systemone(
                "llama3.2", "s", {"q": {"type": "noul", "instructions": "?"}}, **options
            ),
        ]
        for call in calls:
            fake.clear_requests()
            call()
            assert fake.requests and all(r.headers.get("x-call") == "1" for r in fake.requests)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"timeout": "5"}, "timeout must be seconds"),
        ({"timeout": -1}, "timeout must be >= 0"),
        ({"max_retries": -1}, "max_retries must be >= 0"),
        ({"max_retries": 1.5}, "max_retries must be an int"),
        ({"headers": {"X": 1}}, "headers must map strings"),
        ({"headers": ["X"]}, "headers must be a dict"),
    ],
)
def test_bad_request_options_are_refused_before_sending(
    fake: FakeOllama, options: dict[str, Any], fragment: str
) -> None:
    with Client(fake.url) as client:
        with pytest.raises(RequestError, match=fragment):
            client.chat("llama3.2", MSGS, **options)
        with pytest.raises(RequestError, match=fragment):
            client.with_options(**options)
    assert fake.requests == []


# --------------------------------------------------------------------------- with_options


def test_with_options_shares_the_pool_and_layers_the_settings(fake: FakeOllama) -> None:
    with Client(fake.url, headers={"X-App": "demo"}) as client:
        client.version()
        connections = fake.total_connections
        quick = client.with_options(timeout=0.3, headers={"X-Copy": "yes"})
        assert isinstance(quick, Client) and quick.host == client.host
        quick.version()
        assert fake.total_connections == connections  # it reused the original's connection
        sent = fake.last_request
        assert sent is not None and sent.headers["x-copy"] == "yes"
        assert sent.headers["x-app"] == "demo"
        fake.inject(Fault.delay(1.0), path="/api/chat")
        with pytest.raises(ollama_lite.TimeoutError):
            quick.chat("llama3.2", MSGS, max_retries=0)
        fake.inject(Fault.delay(0.5), path="/api/chat")
        assert quick.chat("llama3.2", MSGS, timeout=5).done  # the call's option wins
        client.version()
        assert fake.last_request is not None and "x-copy" not in fake.last_request.headers
        quick.close()  # closes nothing: the connections are the original's
        client.version()
    with pytest.raises(RequestError, match="closed"):
        quick.version()


@pytest.mark.anyio
async def test_async_per_call_options_and_with_options(fake: FakeOllama) -> None:
    async with AsyncClient(fake.url, max_retries=0) as client:
        fake.inject(Fault.delay(1.0), path="/api/chat")
        with pytest.raises(ollama_lite.TimeoutError):
            await client.chat("llama3.2", MSGS, timeout=0.3)
        fake.inject(Fault.busy(retry_after=0), path="/api/generate", times=2)
        patient = client.with_options(max_retries=2, headers={"X-Copy": "1"})
        reply = await patient.generate("llama3.2", "hi")
        assert reply.done and fake.last_request is not None
        assert fake.last_request.headers["x-copy"] == "1"
        stream = await patient.chat("llama3.2", MSGS, stream=True, headers={"X-S": "2"})
        assert (await stream.collect()).message.content
        assert fake.last_request is not None and fake.last_request.headers["x-s"] == "2"
        await patient.aclose()
        assert (await client.version()).version


# --------------------------------------------------------------------------- logging


def test_retries_are_logged_at_info_with_reason_and_delay(
    fake: FakeOllama, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject(Fault.busy(retry_after=0), path="/api/chat", times=1)
    with caplog.at_level(logging.INFO, logger="ollama_lite"), Client(fake.url) as client:
        client.chat("llama3.2", MSGS)
    (record,) = [r for r in caplog.records if r.message.startswith("retrying")]
    assert record.levelno == logging.INFO
    assert record.message == (
        "retrying POST /api/chat in 0.00 s (retry 1 of 2): "
        "HTTP 503 Service Unavailable, Retry-After: 0"
    )


def test_connection_retries_are_logged_too(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.INFO, logger="ollama_lite"),
        Client("http://127.0.0.1:9", max_retries=1) as client,
        pytest.raises(ollama_lite.ConnectError),
    ):
        client.version()
    (record,) = [r for r in caplog.records if r.message.startswith("retrying")]
    assert record.message.startswith("retrying GET /api/version in ")
    assert "(retry 1 of 1): connection failed" in record.message
