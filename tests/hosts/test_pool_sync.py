"""HostPool (the generated sync twin): the same rules, from threads."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from ollama_lite import AllHostsFailedError, HostPool
from ollama_lite._sync_workers import LEAVE_GRACE
from ollama_lite.testing import FakeOllama

from ._pooltools import MODEL, Hosts, embed_body, healthy, refused

A, B = "http://a:1", "http://b:2"


class First(random.Random):
    def choice(self, seq):  # type: ignore[no-untyped-def, override]
        return seq[0]


def test_failover_stats_and_host_on_responses() -> None:
    hosts = Hosts(a=refused)
    with HostPool([A, B], transport=hosts.transport, rng=First(), cooldown=20) as pool:
        replies = [pool.embed("m", ["x"]) for _ in range(3)]
        stats = pool.stats()
    assert [reply.host for reply in replies] == [B, B, B]
    assert hosts.count("a") == 1 and stats[A].failures == {"connect": 1}
    assert stats[B].done == 3 and stats.in_flight == 0 and stats.waiting == 0


def test_every_host_failing() -> None:
    hosts = Hosts(a=refused, b=refused)
    pool = HostPool([A, B], transport=hosts.transport, cooldown=0.01, max_attempts=2)
    with pool, pytest.raises(AllHostsFailedError) as info:
        pool.list()
    assert set(info.value.failures) == {A, B}


def test_threads_respect_the_cap_per_host() -> None:
    lock = threading.Lock()
    running = peak = 0

    def slow(request: httpx.Request) -> httpx.Response:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return healthy(request)

    transport = httpx.MockTransport(slow)
    with HostPool([A, B], transport=transport, max_in_flight_per_host=2) as pool:
        with ThreadPoolExecutor(8) as threads:
            replies = list(threads.map(lambda i: pool.embed("m", [str(i)]), range(16)))
        stats = pool.stats()
    assert peak <= 4  # 2 hosts x 2
    assert (
        sorted(stats[h].done for h in (A, B)) == [8, 8] or sum(stats[h].done for h in (A, B)) == 16
    )
    assert {reply.host for reply in replies} == {A, B}


def test_a_sync_stream_from_a_real_server_holds_its_slot() -> None:
    with FakeOllama() as server, HostPool([server.url]) as pool:
        with pool.chat("llama3.2", [{"role": "user", "content": "one two"}], stream=True) as s:
            assert pool.stats().in_flight == 1
            parts = list(s)
        assert pool.stats().in_flight == 0
        assert pool.embed(MODEL, "x").host == server.url
    assert "".join(p.message.content for p in parts).strip()
    assert {p.host for p in parts} == {server.url}


@pytest.mark.parametrize("how", ["break", "exception"])
def test_leaving_a_sync_run_does_not_wait_for_queued_work(how: str) -> None:
    # A caller's transport cannot be cut (only the client's own connections can): the request
    # it runs keeps going, and leaving waits for it at most LEAVE_GRACE, never for the batches
    # queued behind it.
    sent: list[str] = []
    release = threading.Event()

    def held_after_the_first(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if b'"t0"' not in request.content:
            release.wait(30)
        return httpx.Response(200, content=embed_body(request))

    transport = httpx.MockTransport(held_after_the_first)
    texts = [f"t{i}" for i in range(40)]
    with HostPool(["http://a:1"], transport=transport, max_in_flight_per_host=1) as pool:
        run = pool.embed_many("m", texts, batch_size=1, concurrency=4)
        started = time.monotonic()
        try:
            with run as batches:
                for batch in batches:
                    assert batch.ids == [0]
                    started = time.monotonic()
                    if how == "break":
                        break
                    raise RuntimeError("the caller failed")
        except RuntimeError:
            assert how == "exception"
        left_after = time.monotonic() - started
        # Three batches were waiting for the one slot and one was running: none is waited for.
        assert LEAVE_GRACE <= left_after < LEAVE_GRACE + 1.0, left_after
        release.set()  # the request in flight ends in the background; nothing else is sent
        deadline = time.monotonic() + 10
        while pool.stats().in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(sent) == 2
        assert pool.stats().in_flight == 0 and pool.stats().waiting == 0
