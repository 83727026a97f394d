"""HTTP-level faults against the fake Ollama (and redirects against a raw server): the
documented typed error, retries per policy, no connection left behind, the next request works.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import msgspec
import pytest

import ollama_lite
from ollama_lite import (
    AsyncClient,
    Client,
    InvalidResponseError,
    ModelNotFoundError,
    ResponseError,
    ServerBusyError,
    StreamError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)
from ollama_lite.testing import FakeOllama, Fault

from ._rawserver import Behaviour, RawServer, Request, http, no_client_sockets

MSGS = [{"role": "user", "content": "hi"}]
MODEL = "llama3.2"
# Long replies (the fake's per-request header), so a stream is still running when abandoned.
LONG = {"x-fake-reply-tokens": "400"}


@pytest.fixture
def client(fake: FakeOllama) -> Iterator[Client]:
    with Client(fake.url, max_retries=0, headers=LONG) as c:
        yield c
    assert no_client_sockets(fake.port)


def works(client: Client) -> None:
    """The client still answers normally."""
    assert client.chat(MODEL, MSGS).done


def chat_requests(fake: FakeOllama) -> int:
    return sum(1 for r in fake.requests if r.path == "/api/chat")


# --- error statuses -----------------------------------------------------------------------


def test_500_with_html_body(fake: FakeOllama, client: Client, sync_sleeps: list[float]) -> None:
    fake.inject(Fault.html_error(500), path="/api/chat")
    with pytest.raises(ResponseError) as info:
        client.chat(MODEL, MSGS)
    assert type(info.value) is ResponseError and info.value.status_code == 500
    assert "Internal Server Error" in info.value.error
    assert chat_requests(fake) == 1 and sync_sleeps == []  # 500 is not retried
    works(client)
    # The error body was read and the connection went back to the pool: one connection.
    assert fake.total_connections == 1 and fake.open_connections <= 1


def test_404_model_not_found(fake: FakeOllama, client: Client) -> None:
    with pytest.raises(ModelNotFoundError) as info:
        client.chat("no-such-model", MSGS)
    assert info.value.status_code == 404 and "no-such-model" in info.value.error
    with pytest.raises(ModelNotFoundError):
        client.chat("no-such-model", MSGS, stream=True)  # streams connect when called
    works(client)
    assert fake.total_connections == 1


def test_400_with_ollama_error_json(fake: FakeOllama, client: Client) -> None:
    fake.inject(Fault.status(400, '{"error":"invalid options: num_ctx must be > 0"}'))
    with pytest.raises(ResponseError) as info:
        client.chat(MODEL, MSGS)
    assert type(info.value) is ResponseError
    assert (info.value.status_code, info.value.error) == (
        400,
        "invalid options: num_ctx must be > 0",
    )
    works(client)


def test_503_without_retry_after_is_retried_with_backoff_then_busy(
    fake: FakeOllama, sync_sleeps: list[float]
) -> None:
    fake.inject(Fault.busy(), path="/api/chat", times=None)
    with Client(fake.url, max_retries=2) as client:
        with pytest.raises(ServerBusyError) as info:
            client.chat(MODEL, MSGS)
        assert info.value.status_code == 503 and info.value.retry_after is None
        assert "server busy" in info.value.error
        assert chat_requests(fake) == 3  # the first try and two retries
        # Capped exponential back-off with full jitter: [b/2, b] with b = 0.5 s, then 1 s.
        assert len(sync_sleeps) == 2
        assert 0.25 <= sync_sleeps[0] <= 0.5 and 0.5 <= sync_sleeps[1] <= 1.0
        fake.clear_faults()
        works(client)
        assert fake.total_connections == 1  # every attempt reused the connection


def test_503_with_retry_after_is_honoured_then_succeeds(
    fake: FakeOllama, sync_sleeps: list[float]
) -> None:
    fake.inject(Fault.busy(retry_after=2), path="/api/chat", times=2)
    with Client(fake.url, max_retries=2) as client:
        assert client.chat(MODEL, MSGS).done
    assert sync_sleeps == [2.0, 2.0] and chat_requests(fake) == 3


def test_503_busy_on_a_stream_is_retried_before_it_starts(
    fake: FakeOllama, sync_sleeps: list[float]
) -> None:
    fake.inject(Fault.busy(retry_after=1), path="/api/chat")
    with Client(fake.url, max_retries=1) as client:
        parts = list(client.chat(MODEL, MSGS, stream=True))
    assert parts[-1].done and sync_sleeps == [1.0] and chat_requests(fake) == 2


def test_503_with_a_retry_after_beyond_the_cap_is_not_waited_for(
    fake: FakeOllama, sync_sleeps: list[float]
) -> None:
    fake.inject(Fault.busy(retry_after=120), path="/api/chat", times=None)
    with Client(fake.url, max_retries=2) as client, pytest.raises(ServerBusyError) as info:
        client.chat(MODEL, MSGS)
    assert info.value.retry_after == 120.0
    assert chat_requests(fake) == 1 and sync_sleeps == []


@pytest.mark.anyio
async def test_async_503_retried_then_busy(fake: FakeOllama, async_sleeps: list[float]) -> None:
    fake.inject(Fault.busy(retry_after=1), path="/api/chat", times=None)
    async with AsyncClient(fake.url, max_retries=3) as client:
        with pytest.raises(ServerBusyError) as info:
            await client.chat(MODEL, MSGS, stream=True)
        assert info.value.retry_after == 1.0
        assert async_sleeps == [1.0, 1.0, 1.0] and chat_requests(fake) == 4
        fake.clear_faults()
        assert (await client.chat(MODEL, MSGS)).done
    assert no_client_sockets(fake.port)


@pytest.mark.anyio
async def test_async_error_statuses(fake: FakeOllama) -> None:
    async with AsyncClient(fake.url, max_retries=0) as client:
        fake.inject(Fault.html_error(500))
        with pytest.raises(ResponseError) as info:
            await client.list()
        assert info.value.status_code == 500 and "<html>" in info.value.error
        with pytest.raises(ModelNotFoundError):
            await client.generate("no-such-model", "hi", stream=True)
        fake.inject(Fault.status(400, '{"error":"bad"}'))
        with pytest.raises(ResponseError, match="bad"):
            await client.embed("nomic-embed-text", "x")
        assert (await client.chat(MODEL, MSGS)).done
    assert no_client_sockets(fake.port)


def test_delay_longer_than_the_read_timeout(fake: FakeOllama) -> None:
    fake.inject(Fault.delay(5), path="/api/chat")
    with Client(fake.url, max_retries=2, timeout=0.3) as client:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            client.chat(MODEL, MSGS)
        assert time.monotonic() - started < 3
        assert chat_requests(fake) == 1  # a read timeout is never retried
        assert fake.wait_for_connections(0)  # the timed-out connection was closed
        works(client)


# --- redirects ----------------------------------------------------------------------------

CHAT_JSON = msgspec.json.encode(
    {"model": "m", "message": {"role": "assistant", "content": "ok"}, "done": True}
)


def redirecting(hops: dict[str, tuple[int, str]]) -> Behaviour:
    """A server that redirects each path in `hops` and answers anything else with a chat."""

    def route(request: Request) -> tuple[int, list[tuple[str, str]], bytes]:
        if request.path in hops:
            status, location = hops[request.path]
            return status, [("Location", location)], b""
        return 200, [], CHAT_JSON

    return http(route)


@pytest.mark.parametrize("stream", [False, True])
def test_307_and_308_on_the_same_host_are_followed(raw: RawServer, stream: bool) -> None:
    raw.default = redirecting(
        {"/api/chat": (307, "/v2/api/chat"), "/v2/api/chat": (308, "/v3/api/chat")}
    )
    with Client(raw.url, max_retries=0, api_key="k") as client:
        if stream:
            parts = list(client.chat(MODEL, MSGS, stream=True))
            assert [p.message.content for p in parts] == ["ok"]
        else:
            assert client.chat(MODEL, MSGS).message.content == "ok"
    assert [r.path for r in raw.requests] == ["/api/chat", "/v2/api/chat", "/v3/api/chat"]
    # 307/308 keep the method and the body; same origin keeps the credentials.
    assert {r.method for r in raw.requests} == {"POST"}
    assert len({r.body for r in raw.requests}) == 1 and raw.requests[0].body
    assert all(r.headers.get("authorization") == "Bearer k" for r in raw.requests)
    assert no_client_sockets(raw.port)


def test_a_redirect_loop_ends_with_a_typed_error(raw: RawServer) -> None:
    raw.default = redirecting({"/api/tags": (307, "/api/tags")})
    with Client(raw.url, max_retries=0) as client:
        with pytest.raises(TransportError):
            client.list()
        hops = len(raw.requests)
        assert 2 <= hops <= 21  # bounded (httpx follows at most 20)
        raw.default = redirecting({})
        assert client.chat(MODEL, MSGS).done
    assert no_client_sockets(raw.port)


def test_redirects_are_not_followed_when_turned_off(raw: RawServer) -> None:
    raw.default = redirecting({"/api/chat": (307, "/elsewhere")})
    client = Client(raw.url, max_retries=0, follow_redirects=False)
    with client, pytest.raises(ollama_lite.OllamaError):
        client.chat(MODEL, MSGS)
    assert [r.path for r in raw.requests] == ["/api/chat"]


# --- faults inside a 200 stream -----------------------------------------------------------


def test_malformed_line_mid_stream(fake: FakeOllama, client: Client) -> None:
    fake.inject(Fault.malformed_line(after=2), path="/api/chat")
    fake.inject(Fault.slow_tokens(0.005), path="/api/chat")
    parts: list[str] = []
    stream = client.chat(MODEL, MSGS, stream=True)
    with pytest.raises(InvalidResponseError, match="not valid JSON"):
        for part in stream:
            parts.append(part.message.content)
    assert len(parts) == 2  # what came before the bad line was delivered
    # The server was still sending: the client hung up on it (the stream is still referenced).
    assert fake.wait_for_cancelled_streams(1) and fake.wait_for_connections(0)
    works(client)


def test_error_line_mid_stream(fake: FakeOllama, client: Client) -> None:
    fake.inject(Fault.error_line(after=3, message="CUDA error: out of memory"), path="/api/chat")
    parts: list[str] = []
    with pytest.raises(StreamError) as info:
        for part in client.chat(MODEL, MSGS, stream=True):
            parts.append(part.message.content)
    assert len(parts) == 3
    assert (info.value.status_code, info.value.error) == (200, "CUDA error: out of memory")
    assert fake.open_connections <= 1  # ended normally: at most back in the pool
    works(client)


def test_disconnect_mid_stream_is_interrupted_not_replayed(
    fake: FakeOllama, sync_sleeps: list[float]
) -> None:
    fake.inject(Fault.disconnect(after=4), path="/api/chat")
    parts: list[str] = []
    with Client(fake.url, max_retries=3, headers=LONG) as client:
        with pytest.raises(StreamInterrupted):
            for part in client.chat(MODEL, MSGS, stream=True):
                parts.append(part.message.content)
        assert len(parts) == 4 and chat_requests(fake) == 1 and sync_sleeps == []
        works(client)


def test_unary_body_that_does_not_match_its_type(fake: FakeOllama, client: Client) -> None:
    body = b'{"model": 5, "message": {"role": "assistant"}, "done": true}'
    fake.inject(Fault.status(200, body), path="/api/chat")
    with pytest.raises(InvalidResponseError) as info:
        client.chat(MODEL, MSGS)
    assert "$.model" in str(info.value)  # msgspec's JSON path is kept
    fake.inject(Fault.status(200, b'{"version": ["1"]}'), path="/api/version")
    with pytest.raises(InvalidResponseError, match=r"\$\.version"):
        client.version()
    fake.inject(Fault.status(200, b"<html>not json</html>"), path="/api/tags")
    with pytest.raises(InvalidResponseError, match="not valid JSON"):
        client.list()
    works(client)


def test_stream_line_that_does_not_match_its_type(fake: FakeOllama, client: Client) -> None:
    good = b'{"model":"m","message":{"role":"assistant","content":"a"},"done":false}\n'
    bad = b'{"model":"m","message":{"role":7},"done":false}\n'
    fake.inject(
        Fault.status(200, good + bad + good, content_type="application/x-ndjson"),
        path="/api/chat",
    )
    parts: list[str] = []
    with pytest.raises(InvalidResponseError, match=r"\$\.message\.role"):
        for part in client.chat(MODEL, MSGS, stream=True):
            parts.append(part.message.content)
    assert parts == ["a"]  # nothing is decoded after the bad line
    works(client)


def test_endless_stream_abandoned_by_the_caller(fake: FakeOllama, client: Client) -> None:
    fake.inject(Fault.endless(0.002), path="/api/chat")
    with client.chat(MODEL, MSGS, stream=True) as stream:
        for count, _ in enumerate(stream):
            if count == 50:
                break
    assert fake.wait_for_cancelled_streams(1) and fake.wait_for_connections(0)
    works(client)


@pytest.mark.anyio
async def test_async_stream_faults(fake: FakeOllama) -> None:
    async with AsyncClient(fake.url, max_retries=0, headers=LONG) as client:
        fake.inject(Fault.malformed_line(after=1), path="/api/generate")
        fake.inject(Fault.slow_tokens(0.005), path="/api/generate")
        stream = await client.generate(MODEL, "hi", stream=True)
        with pytest.raises(InvalidResponseError):
            async for _ in stream:
                pass
        assert fake.wait_for_cancelled_streams(1) and fake.wait_for_connections(0)

        fake.inject(Fault.error_line(after=2, message="boom"), path="/api/chat")
        with pytest.raises(StreamError, match="boom"):
            async for _ in await client.chat(MODEL, MSGS, stream=True):
                pass

        fake.inject(Fault.disconnect(after=2), path="/api/chat")
        with pytest.raises(StreamInterrupted):
            async for _ in await client.chat(MODEL, MSGS, stream=True):
                pass

        fake.inject(Fault.endless(0.002), path="/api/chat")
        count = 0
        async with await client.chat(MODEL, MSGS, stream=True) as endless:
            async for _ in endless:
                count += 1
                if count == 30:
                    break
        assert fake.wait_for_cancelled_streams(2) and fake.wait_for_connections(0)
        assert (await client.chat(MODEL, MSGS)).done
    assert no_client_sockets(fake.port)
