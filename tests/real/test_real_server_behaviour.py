"""What only a real server shows: it notices a cancelled stream, refuses work when its queue is
full, and cannot pull or push without a network."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client

from ..reliability._rawserver import client_sockets
from ._real import CHAT, HI, REPLY

ENDLESS = "tiny-endless"


def _ensure_endless(client: Client) -> None:
    tiny = pytest.importorskip("ollama_lite.testing.tiny_models")
    names = {m.model for m in client.list().models}
    if f"{ENDLESS}:latest" not in names:
        tiny.register_chat_model(client, ENDLESS, endless=True)


# Ollama 0.9.3's chat handler can stop reading its generation goroutine's channel when the
# client leaves while that goroutine is blocked sending the next token to it: the generation
# then never ends and holds the only slot (fixed upstream later: "don't wedge chat and generate").
# It happens in some runs, not others. What the client owes (closing the stream's connection at
# once) is asserted every time; that the server then frees its slot is checked, and a wedged
# server (no slot within 10 s) is reported as that known server bug.
WEDGED = "Ollama 0.9.3 wedged its generation after the client left (a server race)"
FOLLOW_UP_TIMEOUT = 10.0


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


def _assert_slot_freed(ask: Callable[[], object]) -> None:
    started = time.perf_counter()
    try:
        ask()
    except ollama_lite.TimeoutError:
        pytest.xfail(WEDGED)
    assert time.perf_counter() - started < FOLLOW_UP_TIMEOUT


def test_server_stops_generating_when_a_stream_is_cancelled(busy_host: str) -> None:
    # The busy server runs one request at a time (OLLAMA_NUM_PARALLEL=1) and the endless model
    # never stops on its own: if the server missed the disconnect, the next request would wait
    # behind a generation that never ends.
    with Client(busy_host, max_retries=0, timeout=20.0) as setup:
        _ensure_endless(setup)
    with Client(busy_host, max_retries=0, timeout=20.0) as client:
        with client.chat(ENDLESS, HI, stream=True) as stream:
            words = [part.message.content for _, part in zip(range(20), stream, strict=False)]
        assert "".join(words).startswith(REPLY + " tick tock")
        assert client_sockets(_port(busy_host)) == 0  # the stream's connection is closed
        reply: list[str | None] = []
        _assert_slot_freed(
            lambda: reply.append(
                client.chat(
                    ENDLESS, HI, options={"num_predict": 3}, timeout=FOLLOW_UP_TIMEOUT
                ).done_reason
            )
        )
        assert reply == ["length"]


@pytest.mark.anyio
async def test_async_stream_cancelled_by_a_timeout_frees_the_server(busy_host: str) -> None:
    with Client(busy_host, max_retries=0) as sync_client:
        _ensure_endless(sync_client)
        # Loaded before the clock (on another client, so the stream's is the only connection).
        _assert_slot_freed(
            lambda: sync_client.chat(
                ENDLESS, HI, options={"num_predict": 1}, timeout=FOLLOW_UP_TIMEOUT
            )
        )
    async with AsyncClient(busy_host, max_retries=0, timeout=20.0) as client:
        seen = 0
        with anyio.move_on_after(0.5) as scope:  # cancels the iteration, not a close() call
            async for _ in await client.chat(ENDLESS, HI, stream=True):
                seen += 1
        assert scope.cancelled_caught and seen > 0
        assert client_sockets(_port(busy_host)) == 0  # the stream's connection is closed
        started = time.perf_counter()
        try:
            reply = await client.chat(
                ENDLESS, HI, options={"num_predict": 2}, timeout=FOLLOW_UP_TIMEOUT
            )
        except ollama_lite.TimeoutError:
            pytest.xfail(WEDGED)
        assert time.perf_counter() - started < FOLLOW_UP_TIMEOUT
        assert reply.done_reason == "length"


@pytest.mark.anyio
async def test_full_queue_gives_server_busy_error(busy_host: str) -> None:
    # OLLAMA_MAX_QUEUE=1: requests arriving together overflow the scheduler's queue. Which ones
    # do is a race, so send bursts until one is refused (one burst is enough in practice).
    refused: list[ollama_lite.ServerBusyError] = []

    async def one(client: AsyncClient) -> None:
        try:
            await client.chat(CHAT, HI)
        except ollama_lite.ServerBusyError as exc:
            refused.append(exc)

    async with AsyncClient(busy_host, max_retries=0) as client:
        for _ in range(5):
            async with anyio.create_task_group() as tg:
                for _ in range(16):
                    tg.start_soon(one, client)
            if refused:
                break
    assert refused, "16 simultaneous requests never overflowed a queue of 1"
    error = refused[0]
    assert error.status_code == 503 and error.retry_after is None
    assert "server busy, please try again.  maximum pending requests exceeded" in str(error)


def test_pull_and_push_fail_offline_with_typed_errors(real_client: Client) -> None:
    with pytest.raises(ollama_lite.ResponseError, match="pull model manifest") as info:
        real_client.pull("tinyllama")
    assert info.value.status_code == 500
    with pytest.raises(ollama_lite.StreamError, match="connection refused"):
        list(real_client.pull("tinyllama", stream=True))
    with pytest.raises(ollama_lite.ResponseError, match="connection refused") as pushed:
        real_client.push(CHAT)
    assert pushed.value.status_code == 500
    with pytest.raises(ollama_lite.StreamError):
        list(real_client.push(CHAT, stream=True))
