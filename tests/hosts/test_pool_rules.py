"""AsyncHostPool's routing, health and retry rules, with exact faults (MockTransport)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import anyio
import httpx
import pytest

from ollama_lite import (
    AllHostsFailedError,
    AsyncHostPool,
    ModelNotFoundError,
    RequestError,
    ResponseError,
    TransportError,
)

from ._pooltools import Hosts, dropped, fail_first, healthy, refused, status

pytestmark = pytest.mark.anyio
A, B = "http://a:1", "http://b:2"
MSG = [{"role": "user", "content": "hi"}]


class First(random.Random):
    """Breaks every tie towards the first host given, so tests know who is tried first."""

    def choice(self, seq):  # type: ignore[no-untyped-def, override]
        return seq[0]


def pool(hosts: Hosts, names: list[str] | None = None, **options: object) -> AsyncHostPool:
    options.setdefault("rng", First())
    return AsyncHostPool(names or [A, B], transport=hosts.transport, **options)  # type: ignore[arg-type]


async def test_connect_failure_fails_over_and_the_host_rests() -> None:
    hosts = Hosts(a=refused)
    async with pool(hosts, cooldown=20) as p:
        replies = [await p.embed("m", ["x"]) for _ in range(5)]
        stats = p.stats()
    assert {reply.host for reply in replies} == {B}
    assert hosts.count("a") == 1  # tried once, then resting
    assert stats[B].done == 5 and stats[B].in_flight == 0
    assert stats[A].failures == {"connect": 1} and stats[A].done == 0
    assert stats[A].state == "cooling" and 19 < stats[A].cooling_for <= 20


@pytest.mark.parametrize("code", [429, 502, 503, 504])
async def test_busy_statuses_fail_over(code: int) -> None:
    hosts = Hosts(a=status(code, b'{"error":"busy"}'))
    async with pool(hosts, cooldown=20) as p:
        for _ in range(4):
            assert (await p.embed("m", ["x"])).host == B
        assert p.stats()[A].failures == {f"http_{code}": 1}
    assert hosts.count("a") == 1


async def test_retry_after_sets_the_rest() -> None:
    hosts = Hosts(a=status(503, b'{"error":"busy"}', **{"Retry-After": "7"}))
    async with pool(hosts) as p:
        for _ in range(6):
            await p.embed("m", ["x"])
        rested = p.stats()[A]
    assert hosts.count("a") == 1
    assert 6 < rested.cooling_for <= 7


async def test_a_rested_host_is_probed_before_traffic_and_success_resets() -> None:
    hosts = Hosts(a=fail_first(1, refused), b=refused)
    async with pool(hosts, cooldown=0.05, max_attempts=10) as p:
        reply = await p.embed("m", ["x"])
        assert reply.host == A
        stats = p.stats()
    # a: failed once, rested, was probed (GET /api/version), then served the embed.
    assert hosts.log["a"][0] == "POST /api/embed"
    assert "GET /api/version" in hosts.log["a"]
    assert hosts.log["a"].index("GET /api/version") < len(hosts.log["a"]) - 1
    assert hosts.log["a"][-1] == "POST /api/embed"
    assert stats[A].state == "healthy"


async def test_a_failed_probe_doubles_the_rest() -> None:
    hosts = Hosts(a=refused, b=refused)
    async with pool(hosts, cooldown=0.05, max_attempts=2) as p:
        with pytest.raises(AllHostsFailedError):
            await p.embed("m", ["x"])
        stats = p.stats()
    for name, host in (("a", A), ("b", B)):
        # one request, then one probe, both refused: two failures, the second rest doubled
        assert hosts.log[name] == ["POST /api/embed", "GET /api/version"]
        assert stats[host].failures == {"connect": 2}
        assert 0.05 < stats[host].cooling_for <= 0.1


async def test_model_not_found_goes_elsewhere_and_is_remembered() -> None:
    missing = status(404, b'{"error":"model \\"m\\" not found, try pulling it first"}')
    hosts = Hosts(a=missing)
    async with pool(hosts) as p:
        for _ in range(4):
            assert (await p.embed("m", ["x"])).host == B
        assert hosts.count("a") == 1
        assert p.stats()[A].missing_models == ("m",)
        assert p.stats()[A].state == "healthy"
        hosts.behave["b"] = missing
        with pytest.raises(ModelNotFoundError):
            await p.embed("m", ["x"])
        assert hosts.count("a") == 1  # known to lack the model: not asked again


async def test_other_client_errors_are_raised_at_once() -> None:
    bad = status(400, b'{"error":"invalid input"}')
    hosts = Hosts(a=bad, b=bad)
    async with pool(hosts) as p:
        with pytest.raises(ResponseError) as info:
            await p.embed("m", ["x"])
    assert info.value.status_code == 400
    assert hosts.count("a") + hosts.count("b") == 1


async def test_a_connection_dropped_after_sending() -> None:
    hosts = Hosts(a=dropped)
    async with pool(hosts, cooldown=0) as p:
        # embed is deterministic: retried on another host.
        for _ in range(3):
            assert (await p.embed("m", ["x"])).host == B
    hosts = Hosts(a=dropped, b=dropped)
    async with pool(hosts, names=[A]) as p:
        with pytest.raises(TransportError):
            await p.chat("m", MSG)
        assert hosts.count("a") == 1  # a non-streamed chat is not repeated by default
    hosts = Hosts(a=fail_first(1, dropped))
    async with pool(hosts, names=[A], retry_nonstreamed_generation=True, cooldown=0) as p:
        reply = await p.chat("m", MSG)
        assert reply.message.content == "hi" and reply.host == A


async def test_every_host_failing_raises_one_error_naming_each() -> None:
    hosts = Hosts(a=refused, b=status(503, b'{"error":"server busy"}'))
    names = ["http://user:secret@a:1", "http://b:2"]
    async with pool(hosts, names=names, cooldown=0.01, max_attempts=2) as p:
        with pytest.raises(AllHostsFailedError) as info:
            await p.embed("m", ["x"])
    error = info.value
    assert set(error.failures) == {A, B}
    text = str(error)
    assert A in text and B in text and "server busy" in text and "ConnectError" in text
    assert "secret" not in text and "user" not in text


async def test_per_host_cap_and_first_come_first_served() -> None:
    entered: list[str] = []
    release: dict[str, anyio.Event] = {}

    async def held(request: httpx.Request) -> httpx.Response:
        name = request.content.decode().split('"input":["')[1].split('"')[0]
        release[name] = anyio.Event()
        entered.append(name)
        await release[name].wait()
        return healthy(request)

    async def until(condition: Callable[[], bool]) -> None:
        for _ in range(5000):  # polls the pool's own counters; bounded by fail_after too
            if condition():
                return
            await anyio.sleep(0.001)
        raise AssertionError("condition never held")

    p = AsyncHostPool([A], transport=httpx.MockTransport(held), max_in_flight_per_host=2)
    with anyio.fail_after(10):
        async with p, anyio.create_task_group() as group:
            for index in range(8):
                group.start_soon(p.embed, "m", [f"t{index}"])
                # the next caller arrives only once this one is running or waiting
                await until(lambda i=index: p.stats().in_flight + p.stats().waiting == i + 1)
            assert len(entered) == 2 and p.stats().waiting == 6
            for index in range(8):
                release[f"t{index}"].set()
                await until(lambda i=index: len(entered) == min(8, i + 3))
                assert p.stats().in_flight <= 2
    assert entered == [f"t{i}" for i in range(8)]


async def test_a_stream_stays_on_its_host_and_holds_its_slot() -> None:
    lines = b"".join(
        b'{"model":"m","message":{"role":"assistant","content":"%d"},"done":false}\n' % i
        for i in range(3)
    )
    lines += b'{"model":"m","message":{"role":"assistant","content":""},"done":true}\n'

    def streaming(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=lines)

    hosts = Hosts(a=streaming, b=refused)
    async with pool(hosts, cooldown=20) as p:
        async with await p.chat("m", MSG, stream=True) as stream:
            assert stream.host == A  # type: ignore[attr-defined]
            assert p.stats()[A].in_flight == 1
            parts = [part async for part in stream]
        assert p.stats()[A].in_flight == 0 and p.stats()[A].done == 1
        async with await p.chat("m", MSG, stream=True) as stream:
            async for _ in stream:
                break  # left early: the slot is freed all the same
        assert p.stats()[A].in_flight == 0
    assert [part.message.content for part in parts] == ["0", "1", "2", ""]
    assert {part.host for part in parts} == {A}


async def test_failover_is_logged_at_debug_without_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hosts = Hosts(a=refused)
    caplog.set_level(logging.DEBUG, logger="ollama_lite")
    names = ["http://user:secret@a:1", B]
    async with pool(hosts, names=names, cooldown=20) as p:
        for _ in range(3):
            await p.embed("m", ["x"])
    assert any("trying another host" in r.getMessage() for r in caplog.records)
    assert all("secret" not in r.getMessage() for r in caplog.records)


async def test_pool_settings_are_checked() -> None:
    with pytest.raises(RequestError, match="max_attempts instead"):
        AsyncHostPool([A], max_retries=2)
    with pytest.raises(RequestError, match="max_in_flight_per_host"):
        AsyncHostPool([A], max_in_flight_per_host=0)
    with pytest.raises(RequestError, match="max_attempts"):
        AsyncHostPool([A], max_attempts=0)
    with pytest.raises(RequestError, match="cooldown"):
        AsyncHostPool([A], cooldown=-1)
    p = AsyncHostPool("http://a:1, http://b:2")
    assert p.hosts == [A, B] and p.host == f"{A},{B}"
    assert repr(p) == f"AsyncHostPool(hosts={[A, B]!r})"
    assert [c.host for c in p.clients] == [A, B]
    await p.aclose()


async def test_hosts_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOSTS", "a:1,b:2")
    async with AsyncHostPool() as p:
        assert p.hosts == [A, B]
    monkeypatch.delenv("OLLAMA_HOSTS")
    monkeypatch.setenv("OLLAMA_HOST", "a:1")
    async with AsyncHostPool() as p:
        assert p.hosts == [A]


@pytest.mark.parametrize("code", [429, 502, 503, 504])
async def test_retry_after_is_read_on_every_busy_status_and_capped(code: int) -> None:
    hosts = Hosts(a=status(code, b'{"error":"busy"}', **{"Retry-After": "7"}))
    async with pool(hosts) as p:
        await p.embed("m", ["x"])
        assert 6 < p.stats()[A].cooling_for <= 7
    hosts = Hosts(a=status(code, b'{"error":"busy"}', **{"Retry-After": "86400"}))
    async with pool(hosts, max_cooldown=5) as p:
        await p.embed("m", ["x"])
        assert 4 < p.stats()[A].cooling_for <= 5


async def test_a_missing_model_mark_lapses_and_a_pull_clears_it() -> None:
    missing = status(404, b'{"error":"model \\"m\\" not found, try pulling it first"}')
    hosts = Hosts(a=missing)
    async with pool(hosts, max_cooldown=0.2) as p:
        assert (await p.embed("m", ["x"])).host == B
        assert p.stats()[A].missing_models == ("m",)
        await anyio.sleep(0.25)
        assert p.stats()[A].missing_models == ()
        assert (await p.embed("m", ["x"])).host == B
        assert hosts.count("a", "/api/embed") == 2  # asked again once the mark lapsed

    pulled: list[str] = []

    def pulls_then_serves(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/pull":
            pulled.append("m")
            return httpx.Response(200, json={"status": "success"})
        return healthy(request) if pulled else missing(request)

    hosts = Hosts(a=pulls_then_serves)
    async with pool(hosts) as p:
        assert (await p.embed("m", ["x"])).host == B
        await p.pull("m")  # goes to a (the tie breaks to it), though a lacks "m"
        assert pulled == ["m"] and p.stats()[A].missing_models == ()
        assert (await p.embed("m", ["x"])).host == A
