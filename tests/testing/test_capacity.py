"""The capacity model: slots, the wait queue and its 503, simulated work time, statistics.

Timing assertions are lower bounds (a sleep is never shorter) or generous upper bounds;
concurrency is asserted through the server's own counts, not through wall-clock time. Where a
count needs requests to overlap, they hold their slots for long (`HOLD`) and the test waits
for the count, then cuts them: short work overlaps only if the client is quick enough.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest

import ollama_lite
from ollama_lite.testing import Capacity, FakeOllama

ROOT = Path(__file__).resolve().parents[2]
BUSY_TEXT = "server busy, please try again.  maximum pending requests exceeded"


def chat_body(text: str = "hi", stream: bool = False) -> dict[str, object]:
    return {"model": "llama3.2", "messages": [{"role": "user", "content": text}], "stream": stream}


def embed_body(texts: list[str], model: str = "nomic-embed-text") -> dict[str, object]:
    return {"model": model, "input": texts}


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


#: Work long enough that held requests overlap however slowly they are sent; they are cut.
HOLD = 30.0


def hold(server: FakeOllama, requests: list[tuple[str, dict[str, object]]]) -> None:
    """Send every (path, body) from a thread of its own and leave them running."""
    for path, body in requests:
        post_in_background(f"{server.url}{path}", body)


def cut_held(server: FakeOllama) -> None:
    """End every held request (their clients see the connection drop); slots come back."""
    server.drop_connections()
    wait_until(lambda: server.stats().running == server.stats().queued == 0)


def post_in_background(url: str, body: dict[str, object]) -> threading.Thread:
    """POST from a thread that ignores transport errors (the test may cut the connection)."""

    def post() -> None:
        with contextlib.suppress(httpx.TransportError):
            httpx.post(url, json=body, timeout=60)

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


async def post_all(url: str, bodies: list[tuple[str, dict[str, object]]]) -> list[int]:
    """POST every (path, body) at once; the status codes in order."""
    statuses = [0] * len(bodies)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:

        async def post(i: int, path: str, body: dict[str, object]) -> None:
            statuses[i] = (await client.post(path, json=body)).status_code

        async with anyio.create_task_group() as tg:
            for i, (path, body) in enumerate(bodies):
                tg.start_soon(post, i, path, body)
    return statuses


def test_defaults_are_unlimited_and_instant() -> None:
    with FakeOllama() as server:
        assert server.capacity == Capacity()
        statuses = anyio.run(post_all, server.url, [("/api/chat", chat_body())] * 5)
        assert statuses == [200] * 5
        stats = server.stats()
        assert stats.requests == {"/api/chat": 5} and stats.served == {"/api/chat": 5}
        assert stats.busy_responses == 0 and stats.max_queued == 0 and stats.running == 0


def test_without_a_limit_every_request_runs_at_once() -> None:
    with FakeOllama(request_seconds=HOLD) as server:
        hold(server, [("/api/chat", chat_body())] * 8)
        wait_until(lambda: server.stats().running == 8)  # with a limit, some would wait
        stats = server.stats()
        assert stats.max_running == 8 and stats.max_queued == 0
        cut_held(server)


def test_slots_cap_the_concurrency_of_a_chat_model() -> None:
    with FakeOllama(num_parallel=3, request_seconds=HOLD) as server:
        hold(server, [("/api/chat", chat_body())] * 9)
        wait_until(lambda: server.stats().running + server.stats().queued == 9)
        stats = server.stats()
        assert (stats.running, stats.queued) == (3, 6)
        assert stats.max_running == 3 and stats.max_running_by_model == {"llama3.2:latest": 3}
        cut_held(server)
        # The slots came back: short requests are all served, never more than 3 at once.
        server.capacity = Capacity(num_parallel=3)
        statuses = anyio.run(post_all, server.url, [("/api/chat", chat_body())] * 9)
        assert statuses == [200] * 9
        assert server.stats().max_running == 3 and server.stats().served == {"/api/chat": 9}


def test_an_embedding_model_runs_in_one_slot_like_ollama() -> None:
    # Ollama's scheduler loads models without the completion capability with parallel=1;
    # a chat model used for embeddings keeps its num_parallel slots.
    with FakeOllama(num_parallel=4, request_seconds=HOLD) as server:
        bodies = [("/api/embed", embed_body(["a", "b"]))] * 6
        bodies += [("/api/embed", embed_body(["c"], "llama3.2"))] * 6
        bodies += [("/api/embeddings", {"model": "all-minilm", "prompt": "d"})] * 3
        hold(server, bodies)
        wait_until(lambda: server.stats().running + server.stats().queued == 15)
        stats = server.stats()
        assert (stats.running, stats.queued) == (1 + 4 + 1, 5 + 2 + 2)
        assert stats.max_running_by_model == {
            "nomic-embed-text:latest": 1,
            "llama3.2:latest": 4,
            "all-minilm:latest": 1,
        }
        cut_held(server)
        server.capacity = Capacity(num_parallel=4)
        statuses = anyio.run(post_all, server.url, bodies)
        assert statuses == [200] * 15
        assert server.stats().served == {"/api/embed": 12, "/api/embeddings": 3}


def test_a_full_queue_answers_ollamas_503_without_retry_after() -> None:
    with (
        FakeOllama(num_parallel=1, max_queue=2, request_seconds=30) as server,
        ollama_lite.Client(server.url, max_retries=0) as client,
    ):
        for expected in (1, 2, 3):  # one running, then two waiting
            post_in_background(f"{server.url}/api/embed", embed_body(["x"]))
            wait_until(lambda n=expected: server.stats().running + server.stats().queued == n)
        started = time.perf_counter()
        r = httpx.post(f"{server.url}/api/embed", json=embed_body(["y"]), timeout=30)
        assert time.perf_counter() - started < 5  # at once, not after the queue drains
        assert r.status_code == 503
        assert r.content == b'{"error":"' + BUSY_TEXT.encode() + b'"}'
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        assert "retry-after" not in r.headers
        with pytest.raises(ollama_lite.ServerBusyError) as info:
            client.embed("nomic-embed-text", ["z"])
        assert info.value.status_code == 503 and info.value.retry_after is None
        assert info.value.error == BUSY_TEXT
        stats = server.stats()
        assert (stats.running, stats.queued, stats.max_queued) == (1, 2, 2)
        assert stats.busy_responses == 2
        assert server.drop_connections() >= 3  # the three held requests (+ idle keep-alive)
        wait_until(lambda: server.stats().running == server.stats().queued == 0)


def test_max_queue_zero_refuses_whenever_the_slots_are_busy() -> None:
    with FakeOllama(num_parallel=1, max_queue=0, request_seconds=HOLD) as server:
        hold(server, [("/api/chat", chat_body())])
        wait_until(lambda: server.stats().running == 1)
        statuses = anyio.run(post_all, server.url, [("/api/chat", chat_body())] * 3)
        stats = server.stats()
        assert statuses == [503] * 3
        assert stats.busy_responses == 3 and stats.max_queued == 0
        assert stats.requests == {"/api/chat": 4} and stats.served == {}
        cut_held(server)
        server.capacity = Capacity(num_parallel=1, max_queue=0)
        assert httpx.post(f"{server.url}/api/chat", json=chat_body()).status_code == 200


def test_waiting_requests_are_served_first_come_first_served() -> None:
    finished: list[tuple[tuple[str, str], int]] = []  # (when the server answered, which)
    with FakeOllama(num_parallel=1, request_seconds=0.3) as server:

        def admitted() -> int:  # served, running or waiting: past the door, in order
            stats = server.stats()
            return stats.served.get("/api/chat", 0) + stats.running + stats.queued

        def send(i: int) -> None:
            r = httpx.post(f"{server.url}/api/chat", json=chat_body(f"n{i}"), timeout=30)
            assert r.status_code == 200
            # The server's own clock (made once the work is done), not this thread's speed.
            whole, _, fraction = r.json()["created_at"].rstrip("Z").partition(".")
            finished.append(((whole, fraction.ljust(9, "0")), i))

        threads = [threading.Thread(target=send, args=(i,)) for i in range(5)]
        for i, thread in enumerate(threads):
            thread.start()
            wait_until(lambda n=i + 1: admitted() == n)
        for thread in threads:
            thread.join(30)
    assert [i for _, i in sorted(finished)] == [0, 1, 2, 3, 4]


def test_a_client_leaving_the_queue_frees_its_place() -> None:
    with FakeOllama(num_parallel=1, request_seconds=0.5) as server:
        holder = post_in_background(f"{server.url}/api/chat", chat_body())
        wait_until(lambda: server.stats().running == 1)
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{server.url}/api/chat", json=chat_body(), timeout=0.1)
        wait_until(lambda: server.stats().queued == 0)
        holder.join(30)
        r = httpx.post(f"{server.url}/api/chat", json=chat_body(), timeout=30)
        assert r.status_code == 200
        stats = server.stats()
        assert stats.served == {"/api/chat": 2} and stats.requests == {"/api/chat": 3}
        assert server.cancelled_requests == 1 and stats.running == 0


def test_embedding_time_is_per_request_plus_per_text() -> None:
    with (
        FakeOllama(num_parallel=1, request_seconds=0.05, embed_seconds_per_text=0.01) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        started = time.perf_counter()
        assert client.post("/api/embed", json=embed_body(["t"] * 30)).status_code == 200
        thirty = time.perf_counter() - started
        assert 0.35 <= thirty < 10
        # four one-text requests through one slot take at least four request times
        statuses = anyio.run(post_all, server.url, [("/api/embed", embed_body(["t"]))] * 4)
        assert statuses == [200] * 4
        assert server.stats().max_running == 1


@pytest.mark.parametrize("stream", [False, True])
def test_generation_time_per_token_holds_the_slot(stream: bool) -> None:
    # 1000 tokens at 0.03 s: the first request generates for 30 s, holding the one slot.
    with FakeOllama(num_parallel=1, reply_tokens=1000, token_delay=0.03) as server:
        generate = {"model": "llama3.2", "prompt": "hi", "stream": stream}
        hold(server, [("/api/chat", chat_body(stream=stream)), ("/api/generate", generate)])
        wait_until(lambda: server.stats().running + server.stats().queued == 2)
        stats = server.stats()
        assert (stats.running, stats.queued) == (1, 1)
        assert stats.max_running == 1 and stats.max_queued == 1
        cut_held(server)
        server.reply_tokens = 10
        started = time.perf_counter()
        statuses = anyio.run(post_all, server.url, [("/api/generate", generate)] * 2)
        assert statuses == [200, 200]
        assert time.perf_counter() - started >= 2 * 10 * 0.03 * 0.9  # one after the other


def test_capacity_changes_apply_to_new_requests() -> None:
    with FakeOllama() as server:
        server.capacity = Capacity(num_parallel=2, request_seconds=HOLD)
        hold(server, [("/api/chat", chat_body())] * 3)
        wait_until(lambda: server.stats().running + server.stats().queued == 3)
        assert server.stats().max_running == 2
        cut_held(server)
        server.reset_stats()
        assert server.stats().max_running == 0 and server.stats().requests == {}
        server.capacity = Capacity()
        assert server.capacity.slots_for(True) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_parallel": 0},
        {"max_queue": -1},
        {"request_seconds": -1.0},
        {"num_parallel": 1.5},
        {"embed_seconds_per_text": "1"},
    ],
)
def test_bad_capacity_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        Capacity(**kwargs)  # type: ignore[arg-type]


def test_control_routes_read_and_change_capacity(fake: FakeOllama, client: httpx.Client) -> None:
    try:
        r = client.post("/_fake/capacity", json={"num_parallel": 2, "max_queue": 5})
        assert r.json() == {
            "num_parallel": 2,
            "max_queue": 5,
            "request_seconds": 0.0,
            "embed_seconds_per_text": 0.0,
        }
        assert fake.capacity == Capacity(num_parallel=2, max_queue=5)
        assert client.get("/_fake/capacity").json()["num_parallel"] == 2
        r = client.post("/_fake/capacity", json={"slots": 2})
        assert r.status_code == 400 and "slots" in r.json()["error"]
        r = client.post("/_fake/capacity", json={"num_parallel": 0})
        assert r.status_code == 400 and "num_parallel" in r.json()["error"]
        client.post("/api/embed", json=embed_body(["a"]))
        stats = client.get("/_fake/stats").json()
        assert stats["served"]["/api/embed"] == 1
        assert stats["max_running_by_model"] == {"nomic-embed-text:latest": 1}
    finally:
        fake.capacity = Capacity()


def test_cli_refuses_a_bad_capacity() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ollama_lite.testing", "--port", "0", "--num-parallel", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},
    )
    assert result.returncode == 2
    assert "num_parallel must be at least 1, got 0" in result.stderr
