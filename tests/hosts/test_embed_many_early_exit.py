"""Leaving an embed_many run early cuts the requests it has on the wire, on every side.

A slow fake server (`embed_seconds_per_text`) answers the first batch (one text) quickly and
every later one (many texts) only after `LATER_BATCH_SECONDS`. The caller leaves after the
first batch: by `break`, an exception, closing the generator it iterates in, or (threads) that
generator being collected. Then the run must return well before the server would have
answered, the server must see every other request abandoned (none served), no worker thread
may be left, nothing may be sent afterwards, the pool must count nothing in flight or failed,
and the client must work on. The sync client is checked on both HTTP paths (the fast path's
own sockets, and httpx's).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from ollama_lite import AsyncClient, AsyncHostPool, Client, HostPool
from ollama_lite._wire.eligibility import DISABLE_ENV
from ollama_lite.testing import Capacity, FakeOllama

from ._pooltools import DIM, MODEL

SECONDS_PER_TEXT = 0.2
LATER_BATCH_TEXTS = 50
LATER_BATCH_SECONDS = SECONDS_PER_TEXT * LATER_BATCH_TEXTS  # 10 s
#: Leaving must take a small part of what the server still needs for the batches in flight.
PROMPT = 1.5
HOW_SYNC = ["break", "exception", "generator_closed", "generator_collected"]
HOW_ASYNC = ["break", "exception", "generator_closed"]


def texts() -> list[str]:
    """One long text (a batch of its own: it fills `max_batch_chars`), then short ones."""
    return ["x" * 200] + [f"t{i:03d}" for i in range(4 * LATER_BATCH_TEXTS)]


RUN = {"batch_size": LATER_BATCH_TEXTS, "max_batch_chars": 200}


class CallerFailed(Exception):
    pass


@pytest.fixture
def slow_servers() -> Iterator[list[FakeOllama]]:
    started = [
        FakeOllama(embedding_dim=DIM, embed_seconds_per_text=SECONDS_PER_TEXT).start()
        for _ in range(3)
    ]
    yield started
    for server in started:
        server.stop()


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def sent(servers: list[FakeOllama]) -> int:
    return sum(server.stats().requests.get("/api/embed", 0) for server in servers)


def check_servers_saw_the_rest_abandoned(servers: list[FakeOllama], sent_at_exit: int) -> None:
    # Each server notices its client leaving at once; without the cut it would be busy
    # for LATER_BATCH_SECONDS more.
    idle = wait_until(lambda: all(s.stats().running == 0 for s in servers), PROMPT * 2)
    assert idle, [s.stats() for s in servers]
    served = sum(s.stats().served.get("/api/embed", 0) for s in servers)
    cancelled = sum(s.cancelled_requests for s in servers)
    assert served == 1, "only the first batch was answered"
    assert sent(servers) == sent_at_exit, "a request was sent after the run was left"
    assert cancelled == sent_at_exit - 1 >= 1, "every other request was seen abandoned"


def leave_sync(how: str, run: Any) -> float:
    """Iterate `run`, leave after the first batch as `how` says; seconds the leaving took."""
    if how in ("break", "exception"):
        try:
            with run as batches:
                for batch in batches:
                    assert batch.index == 0
                    left = time.monotonic()
                    if how == "break":
                        break
                    raise CallerFailed
        except CallerFailed:
            pass
        return time.monotonic() - left

    def generator() -> Iterator[Any]:
        with run as batches:
            yield from batches

    batches = generator()
    assert next(batches).index == 0
    left = time.monotonic()
    if how == "generator_closed":
        batches.close()
    else:
        del batches
        gc.collect()
    return time.monotonic() - left


@pytest.mark.parametrize("how", HOW_SYNC)
@pytest.mark.parametrize("path", ["wire", "httpx"])
def test_sync_client_cuts_requests_in_flight(
    how: str, path: str, slow_servers: list[FakeOllama], monkeypatch: pytest.MonkeyPatch
) -> None:
    if path == "httpx":
        monkeypatch.setenv(DISABLE_ENV, "0")
    server = slow_servers[0]
    with Client(server.url) as client:
        assert client.http_path == path
        before = set(threading.enumerate())
        run = client.embed_many(MODEL, texts(), concurrency=3, **RUN)
        took = leave_sync(how, run)
        assert took < PROMPT, f"leaving took {took:.2f} s"
        assert set(threading.enumerate()) <= before, "a worker thread is still running"
        check_servers_saw_the_rest_abandoned([server], sent([server]))
        server.capacity = Capacity()
        assert len(client.embed(MODEL, ["again"]).embeddings) == 1  # no cut connection reused


@pytest.mark.parametrize("how", HOW_SYNC)
def test_sync_pool_cuts_requests_in_flight(how: str, slow_servers: list[FakeOllama]) -> None:
    hosts = [server.url for server in slow_servers]
    with HostPool(hosts, max_in_flight_per_host=2) as pool:
        before = set(threading.enumerate())
        # 8 batches at once over 3 hosts x 2 slots: two of them wait in the pool's line.
        run = pool.embed_many(MODEL, texts(), concurrency=8, **RUN)
        took = leave_sync(how, run)
        assert took < PROMPT, f"leaving took {took:.2f} s"
        assert set(threading.enumerate()) <= before, "a worker thread is still running"
        stats = pool.stats()
        assert stats.in_flight == 0 and stats.waiting == 0
        assert all(not stats[host].failures for host in hosts), "leaving is no host failure"
        check_servers_saw_the_rest_abandoned(slow_servers, sent(slow_servers))
        for server in slow_servers:
            server.capacity = Capacity()
        assert [pool.embed(MODEL, ["again"]).host for _ in range(6)]
        assert pool.stats().done == 7


async def leave_async(how: str, run: Any) -> float:
    if how in ("break", "exception"):
        try:
            async with run as batches:
                async for batch in batches:
                    assert batch.index == 0
                    left = time.monotonic()
                    if how == "break":
                        break
                    raise CallerFailed
        except CallerFailed:
            pass
        return time.monotonic() - left

    async def generator() -> AsyncIterator[Any]:
        async with run as batches:
            async for batch in batches:
                yield batch

    batches = generator()
    assert (await batches.__anext__()).index == 0
    left = time.monotonic()
    await batches.aclose()
    return time.monotonic() - left


@pytest.mark.anyio
@pytest.mark.parametrize("how", HOW_ASYNC)
async def test_async_client_cuts_requests_in_flight(
    how: str, slow_servers: list[FakeOllama]
) -> None:
    server = slow_servers[0]
    async with AsyncClient(server.url) as client:
        took = await leave_async(how, client.embed_many(MODEL, texts(), concurrency=3, **RUN))
        assert took < PROMPT, f"leaving took {took:.2f} s"
        check_servers_saw_the_rest_abandoned([server], sent([server]))
        server.capacity = Capacity()
        assert len((await client.embed(MODEL, ["again"])).embeddings) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("how", HOW_ASYNC)
async def test_async_pool_cuts_requests_in_flight(how: str, slow_servers: list[FakeOllama]) -> None:
    hosts = [server.url for server in slow_servers]
    async with AsyncHostPool(hosts, max_in_flight_per_host=2) as pool:
        took = await leave_async(how, pool.embed_many(MODEL, texts(), concurrency=8, **RUN))
        assert took < PROMPT, f"leaving took {took:.2f} s"
        stats = pool.stats()
        assert stats.in_flight == 0 and stats.waiting == 0
        assert all(not stats[host].failures for host in hosts)
        check_servers_saw_the_rest_abandoned(slow_servers, sent(slow_servers))
        for server in slow_servers:
            server.capacity = Capacity()
        assert [(await pool.embed(MODEL, ["again"])).host for _ in range(6)]
        assert pool.stats().done == 7
