"""When a pool stops waiting: a call whose attempts are used up, a pool whose every host is
down; and who gets woken (after a probe) and what counts (an abandoned stream)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import anyio
import httpx
import pytest

from ollama_lite import AllHostsFailedError, AsyncHostPool, HostPool, OllamaError
from ollama_lite._hosts import Scheduler, Ticket
from ollama_lite.testing import FakeOllama

from ._pooltools import DIM, MODEL, Hosts, embed_body, healthy, kill, refused

pytestmark = pytest.mark.anyio
A, B = "http://a:1", "http://b:2"
MISSING = b'{"error":"model \\"m\\" not found, try pulling it first"}'


class First(random.Random):
    """Breaks every tie towards the first host given."""

    def choice(self, seq):  # type: ignore[no-untyped-def, override]
        return seq[0]


async def until(condition: Callable[[], bool]) -> None:
    """Poll the pool's own counters (bounded here and by the test's fail_after)."""
    for _ in range(2500):
        if condition():
            return
        await anyio.sleep(0.002)
    raise AssertionError("condition never held")


async def test_a_waiter_whose_attempts_are_used_gives_up() -> None:
    # Y holds b (1 slot) until released, then b says it lacks the model. X meanwhile fails
    # on a (its one attempt there) and waits for b: once b is known to lack the model,
    # waiting cannot help X (it used its attempts on the only host left).
    release = anyio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "b":
            await release.wait()
            return httpx.Response(404, content=MISSING)
        return httpx.Response(503, content=b'{"error":"server busy"}')

    transport = httpx.MockTransport(answer)
    pool = AsyncHostPool(
        [B, A], transport=transport, rng=First(), max_in_flight_per_host=1, max_attempts=1
    )
    outcomes: dict[str, BaseException] = {}

    async def call(name: str) -> None:
        try:
            await pool.embed("m", ["x"])
        except OllamaError as exc:
            outcomes[name] = exc

    with anyio.fail_after(5):
        async with pool, anyio.create_task_group() as group:
            group.start_soon(call, "Y")
            await until(lambda: pool.stats()[B].in_flight == 1)
            group.start_soon(call, "X")
            await until(lambda: pool.stats()[A].failed == 1 and pool.stats().waiting == 1)
            release.set()
    assert isinstance(outcomes["X"], AllHostsFailedError)
    assert set(outcomes) == {"X", "Y"}


async def test_a_dead_pool_fails_every_waiting_call_promptly() -> None:
    servers = [FakeOllama(embedding_dim=DIM).start() for _ in range(2)]
    try:
        for server in servers:
            kill(server)
        texts = [f"text {i}" for i in range(400)]
        async with AsyncHostPool([s.url for s in servers]) as pool:  # default cooldowns
            started = time.monotonic()
            with anyio.fail_after(20), pytest.raises(AllHostsFailedError) as info:
                async with pool.embed_many(MODEL, texts, batch_size=10) as run:
                    async for _ in run:
                        pass
            elapsed = time.monotonic() - started
            assert pool.stats().waiting == 0 and pool.stats().in_flight == 0
        # Like one call: each host failed max_attempts (3) times in a row, through two
        # cooldowns (1 s, 2 s), and then every waiting call gave up at once.
        assert elapsed < 6, elapsed
        assert set(info.value.failures) == {s.url for s in servers}
    finally:
        for server in servers:
            server.stop()


async def test_a_pool_that_was_down_recovers() -> None:
    servers = [FakeOllama(embedding_dim=DIM).start() for _ in range(2)]
    try:
        async with AsyncHostPool([s.url for s in servers], cooldown=0.02) as pool:
            for server in servers:
                kill(server)
            with anyio.fail_after(10), pytest.raises(AllHostsFailedError):
                async with pool.embed_many(MODEL, ["a"] * 50, batch_size=5) as run:
                    async for _ in run:
                        pass
            for server in servers:
                server.revive()
            await anyio.sleep(0.4)  # the longest cooldown so far (0.02 doubled, 3-4 times)
            with anyio.fail_after(10):
                reply = await pool.embed(MODEL, ["back"])
            assert reply.host in {s.url for s in servers}
    finally:
        for server in servers:
            server.stop()


def test_sync_dead_pool_fails_promptly() -> None:
    hosts = Hosts(a=refused, b=refused)
    started = time.monotonic()
    pool = HostPool([A, B], transport=hosts.transport, cooldown=0.2)
    with pool, pytest.raises(AllHostsFailedError), pool.embed_many("m", ["t"] * 200) as run:
        for _ in run:
            pass
    assert time.monotonic() - started < 3


async def test_waiters_are_woken_when_a_probe_passes() -> None:
    failures_left = [1]
    inside: list[str] = []
    both_in = anyio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/version":
            return healthy(request)
        if failures_left[0]:
            failures_left[0] -= 1
            raise httpx.ConnectError("refused", request=request)
        inside.append(request.content.decode())
        if len(inside) == 2:
            both_in.set()
        await both_in.wait()  # X's request ends only once Z's is running too
        return httpx.Response(200, content=embed_body(request))

    pool = AsyncHostPool([A], transport=httpx.MockTransport(answer), cooldown=0.05)
    with anyio.fail_after(5):
        async with pool, anyio.create_task_group() as group:
            group.start_soon(pool.embed, "m", ["X"])
            await until(lambda: pool.stats()[A].failed == 1)
            group.start_soon(pool.embed, "m", ["Z"])
    assert len(inside) == 2 and pool.stats()[A].done == 2


async def test_an_abandoned_stream_is_no_success() -> None:
    lines = b"".join(
        b'{"model":"m","message":{"role":"assistant","content":"%d"},"done":false}\n' % i
        for i in range(3)
    )
    lines += b'{"model":"m","message":{"role":"assistant","content":""},"done":true}\n'
    hosts = Hosts(a=lambda request: httpx.Response(200, content=lines))
    msg = [{"role": "user", "content": "hi"}]
    async with AsyncHostPool([A], transport=hosts.transport) as pool:
        async with await pool.chat("m", msg, stream=True) as stream:
            async for _ in stream:
                break
        assert pool.stats()[A].in_flight == 0 and pool.stats()[A].done == 0
        async with await pool.chat("m", msg, stream=True) as stream:
            assert len([part async for part in stream]) == 4
        assert pool.stats()[A].in_flight == 0 and pool.stats()[A].done == 1


def test_only_the_probing_call_ends_a_probe() -> None:
    s = Scheduler(["h"], max_in_flight=3, cooldown=1.0)
    early, sick = Ticket("m"), Ticket("m")
    for ticket in (early, sick):
        s.submit(ticket)
    s.dispatch(0.0)
    s.failed(sick, "connect", 0.0, unwell=True)  # the host rests until t=1
    prober = Ticket("m")
    s.submit(prober)
    assert s.dispatch(2.0) == [prober] and prober.probe
    # A call sent before the host fell ill learns it lacks the model: the probe goes on.
    s.failed(early, "model_missing", 2.0, unwell=False, missing_model=True)
    assert s.hosts[0].health.state(2.0) == "probing"
    late = Ticket("other")
    s.submit(late)
    assert s.dispatch(2.0) == []  # nobody else is routed there while the probe runs
