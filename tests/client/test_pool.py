"""The linear connection pool (`ollama_lite._compat.httpcore_linear_pool`) against real
loopback servers, and its assignment pass against httpcore's on the same pool states."""

from __future__ import annotations

import threading
import types
from collections.abc import Iterator
from contextlib import AsyncExitStack
from typing import Any

import anyio
import anyio.to_thread
import httpcore
import httpx
import pytest

from ollama_lite._compat import httpcore_linear_pool as _pool
from ollama_lite._compat.httpcore_linear_pool import assign_requests, default_transport
from ollama_lite.testing import FakeOllama

AsyncPoolRequest = httpcore._async.connection_pool.AsyncPoolRequest
PoolRequest = httpcore._sync.connection_pool.PoolRequest


@pytest.fixture
def server() -> Iterator[FakeOllama]:
    with FakeOllama(record_requests=False) as fake:
        yield fake


def chat(i: int, *, stream: bool = False) -> dict[str, Any]:
    return {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": f"hi {i}"}],
        "stream": stream,
    }


def check(response: httpx.Response, i: int) -> None:
    assert response.status_code == 200, response.text
    assert response.json()["message"]["content"] == f"You said: hi {i}"


def async_client(
    url: str, *, stock: bool = False, timeout: Any = 10.0, **kwargs: Any
) -> httpx.AsyncClient:
    transport = (
        httpx.AsyncHTTPTransport(**kwargs) if stock else default_transport(is_async=True, **kwargs)
    )
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=timeout)


async def burst(client: httpx.AsyncClient, tasks: int, per_task: int = 1, **headers: str) -> None:
    """`tasks` concurrent workers, each sending `per_task` chats in turn; checks every reply."""

    async def worker(w: int) -> None:
        for k in range(per_task):
            i = w * 1000 + k
            check(await client.post("/api/chat", json=chat(i), headers=headers), i)

    async with anyio.create_task_group() as group:
        for w in range(tasks):
            group.start_soon(worker, w)


def pool_of(client: httpx.AsyncClient | httpx.Client) -> Any:
    return client._transport._pool  # type: ignore[union-attr]


class Counter:
    """Counts the calls of a method (patched on its class) and still runs it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> None:
        self.calls = 0
        original = getattr(cls, name)

        def counting(this: Any, *args: Any) -> Any:
            self.calls += 1
            return original(this, *args)

        monkeypatch.setattr(cls, name, counting)


# --- wiring ----------------------------------------------------------------------------------


def test_linear_pool_replaces_the_stock_pool() -> None:
    assert _pool.supported()
    for is_async, stock in ((True, httpcore.AsyncConnectionPool), (False, httpcore.ConnectionPool)):
        transport = default_transport(
            is_async=is_async, limits=httpx.Limits(max_connections=7, max_keepalive_connections=3)
        )
        pool = transport._pool
        assert type(pool) is not stock and isinstance(pool, stock)
        assert (
            type(pool)._assign_requests_to_connections is not stock._assign_requests_to_connections
        )
        assert (pool._max_connections, pool._max_keepalive_connections) == (7, 3)
    proxied = default_transport(is_async=True, proxy="http://127.0.0.1:9")._pool
    assert isinstance(proxied, httpcore.AsyncHTTPProxy)
    assert type(proxied) is not httpcore.AsyncHTTPProxy


def test_falls_back_to_the_stock_pool_on_another_httpcore(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _pool._check(httpcore)
    try:
        monkeypatch.setattr(httpcore, "__version__", "1.1.0")
        _pool.linear_pool_classes.cache_clear()
        assert not _pool.supported()
        assert type(default_transport(is_async=True)._pool) is httpcore.AsyncConnectionPool
        assert type(default_transport(is_async=False)._pool) is httpcore.ConnectionPool
    finally:
        monkeypatch.undo()
        _pool.linear_pool_classes.cache_clear()
    assert _pool.supported()
    # A 1.0.x whose pool lacks a private attribute the pass relies on is refused too.
    renamed = types.SimpleNamespace(**vars(httpcore))
    renamed.AsyncConnectionPool = type("AsyncConnectionPool", (), {"__init__": lambda self: None})
    assert not _pool._check(renamed)
    assert not _pool._check(types.SimpleNamespace(__version__="1.0.9"))


# --- real servers: async -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_64_concurrent_requests_all_answered(server: FakeOllama) -> None:
    async with async_client(server.url) as client:
        await burst(client, 64, 3)
        assert len(pool_of(client).connections) <= 64
    assert server.total_connections <= 64


@pytest.mark.anyio
async def test_probes_and_retries_stay_constant_per_request(
    server: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stock pool probes every connection on every pass (>50 per request here) and hands
    one idle connection to every waiting request; the linear one probes ~1 per request."""
    probes = Counter(monkeypatch, httpcore.AsyncHTTPConnection, "has_expired")
    retries = Counter(monkeypatch, AsyncPoolRequest, "clear_connection")
    requests = 64 * 3
    seen = {}
    for stock in (False, True):
        async with async_client(server.url, stock=stock) as client:
            await burst(client, 64)  # warm: the connections exist
            probes.calls = retries.calls = 0
            await burst(client, 64, 3)
            seen[stock] = (probes.calls / requests, retries.calls)
    assert seen[False][0] <= 4, seen
    assert seen[False][1] == 0, seen
    assert seen[True][0] > 4, seen  # the bound would catch the stock pool


@pytest.mark.anyio
async def test_keepalive_limit_counts_idle_connections(server: FakeOllama) -> None:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    async with async_client(server.url, limits=limits) as client:
        await burst(client, 64)
        first = server.total_connections
        connections = pool_of(client).connections
        assert len(connections) == min(20, first)
        assert all(c.is_idle() for c in connections)
        assert await anyio.to_thread.run_sync(server.wait_for_connections, 20)
        await burst(client, 64)
        assert server.total_connections - first <= 64 - min(20, first)
        assert len(pool_of(client).connections) <= 20


@pytest.mark.anyio
async def test_max_connections_is_honoured(server: FakeOllama) -> None:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    peak = {"server": 0, "pool": 0}
    done = anyio.Event()

    async def sample(pool: Any) -> None:
        while not done.is_set():
            peak["server"] = max(peak["server"], server.open_connections)
            peak["pool"] = max(peak["pool"], len(pool._connections))
            await anyio.sleep(0.002)

    async with async_client(server.url, limits=limits) as client, anyio.create_task_group() as tg:
        tg.start_soon(sample, pool_of(client))
        await burst(client, 32, 2, **{"x-fake-fault": "delay;seconds=0.01"})
        done.set()
    assert 1 <= peak["server"] <= 4 and 1 <= peak["pool"] <= 4, peak
    assert server.total_connections <= 4


@pytest.mark.anyio
async def test_expired_connections_are_dropped(server: FakeOllama) -> None:
    limits = httpx.Limits(keepalive_expiry=0.2)
    async with async_client(server.url, limits=limits) as client:
        await burst(client, 8)
        first = server.total_connections
        assert 1 <= len(pool_of(client).connections) <= first
        await anyio.sleep(0.35)
        check(await client.post("/api/chat", json=chat(1)), 1)
        assert len(pool_of(client).connections) == 1
        assert server.total_connections == first + 1
        assert await anyio.to_thread.run_sync(server.wait_for_connections, 1)


@pytest.mark.anyio
async def test_server_closed_idle_connection_is_not_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No full sweeps after the first pass: only the probe at hand-out can catch them.
    monkeypatch.setattr(_pool, "SWEEP_INTERVAL", 1e9)
    limits = httpx.Limits(keepalive_expiry=None)
    async with (
        FakeOllama(keep_alive_timeout=1, record_requests=False) as server,
        async_client(server.url, limits=limits) as client,
    ):
        await burst(client, 8)
        first = server.total_connections
        assert 1 <= len(pool_of(client).connections) <= first
        assert await anyio.to_thread.run_sync(server.wait_for_connections, 0, 5.0)
        await burst(client, 8)  # would fail with RemoteProtocolError on a dead connection
        assert server.total_connections > first
        assert not any(c.is_closed() for c in pool_of(client).connections)


@pytest.mark.anyio
async def test_pool_timeout_when_exhausted(server: FakeOllama) -> None:
    timeout = httpx.Timeout(10.0, pool=0.1)
    limits = httpx.Limits(max_connections=1)
    async with async_client(server.url, limits=limits, timeout=timeout) as client:
        async with client.stream("POST", "/api/chat", json=chat(1, stream=True)) as held:
            with pytest.raises(httpx.PoolTimeout):
                await client.post("/api/chat", json=chat(2))
            await held.aread()
        assert pool_of(client)._requests == []
        check(await client.post("/api/chat", json=chat(3)), 3)
    assert server.total_connections == 1


@pytest.mark.anyio
async def test_open_streams_hold_their_connections(server: FakeOllama) -> None:
    limits = httpx.Limits(max_connections=4)
    async with async_client(server.url, limits=limits) as client, AsyncExitStack() as stack:
        pool = pool_of(client)
        streams = [
            await stack.enter_async_context(
                client.stream("POST", "/api/chat", json=chat(i, stream=True))
            )
            for i in range(4)
        ]
        assert len(pool.connections) == 4
        assert not any(c.is_idle() for c in pool.connections)
        answered = anyio.Event()

        async def fifth() -> None:
            check(await client.post("/api/chat", json=chat(5)), 5)
            answered.set()

        async with anyio.create_task_group() as group:
            group.start_soon(fifth)
            for _ in range(1000):  # until it waits in the pool
                if sum(r.is_queued() for r in pool._requests) == 1:
                    break
                await anyio.sleep(0.005)
            await anyio.sleep(0.05)
            assert not answered.is_set()
            lines = [line async for line in streams[2].aiter_lines()]
            assert '"done":true' in lines[-1]
            await streams[2].aclose()  # its connection goes to the queued request
        assert answered.is_set()
        assert server.total_connections == 4
        for response in streams[:2] + streams[3:]:
            await response.aread()


# --- real servers: sync ------------------------------------------------------------------------


def test_sync_client_from_16_threads(server: FakeOllama, monkeypatch: pytest.MonkeyPatch) -> None:
    probes = Counter(monkeypatch, httpcore.HTTPConnection, "has_expired")
    retries = Counter(monkeypatch, PoolRequest, "clear_connection")
    errors: list[BaseException] = []
    transport = default_transport(is_async=False)
    assert type(transport._pool) is not httpcore.ConnectionPool
    with httpx.Client(base_url=server.url, transport=transport, timeout=10.0) as client:

        def worker(w: int) -> None:
            try:
                for k in range(8):
                    i = w * 100 + k
                    check(client.post("/api/chat", json=chat(i)), i)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors[0]
        assert len(pool_of(client).connections) <= 16
    assert server.total_connections <= 16
    assert retries.calls == 0
    assert probes.calls <= 4 * 16 * 8


# --- the pass itself, on made-up pool states -------------------------------------------------


class FakeConnection:
    """An (Async)ConnectionInterface in a given state; HTTP/2 ones take many requests."""

    def __init__(
        self, origin: str = "http://a", state: str = "idle", *, http2: bool = False
    ) -> None:
        self.origin = httpcore.URL(origin).origin
        self.state = state  # new (connecting), idle, active, closed
        self.http2 = http2
        self.expired = False
        self.probes = 0
        self.looks = 0

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        self.looks += 1
        return origin == self.origin

    def is_available(self) -> bool:
        self.looks += 1
        if self.state == "new":
            return self.http2  # HTTP/2 possible, as httpcore says before negotiating
        return self.state in ("idle", "active") if self.http2 else self.state == "idle"

    def has_expired(self) -> bool:
        self.probes += 1
        return self.expired

    def is_idle(self) -> bool:
        return self.state == "idle"

    def is_closed(self) -> bool:
        return self.state == "closed"

    def info(self) -> str:
        if self.state == "new":
            return "CONNECTING"
        version = "HTTP/2" if self.http2 else "HTTP/1.1"
        return f"'{self.origin}', {version}, {self.state.upper()}, Request Count: 1"


def make_pool(
    connections: list[FakeConnection],
    queued: int | list[str],
    *,
    held: dict[int, str] | None = None,
    max_connections: int = 10,
    max_keepalive: int | None = None,
    http2: bool = False,
) -> Any:
    """A real ConnectionPool (sync: its events need no loop) holding fake connections,
    `queued` waiting requests and requests holding `connections[i]` for each `i` in `held`."""
    pool: Any = httpcore.ConnectionPool(
        max_connections=max_connections, max_keepalive_connections=max_keepalive, http2=http2
    )
    pool._connections = list(connections)
    pool.create_connection = lambda origin: FakeConnection(str(origin), "new", http2=http2)
    urls = [f"http://a/{i}" for i in range(queued)] if isinstance(queued, int) else queued
    for index, url in (held or {}).items():
        pool_request = PoolRequest(httpcore.Request("GET", url))
        pool_request.assign_to_connection(connections[index])
        pool._requests.append(pool_request)
    pool._requests.extend(PoolRequest(httpcore.Request("GET", url)) for url in urls)
    return pool


def assigned(pool: Any) -> list[Any]:
    return [r.connection for r in pool._requests]


def test_an_idle_http11_connection_goes_to_one_request() -> None:
    idle = [FakeConnection() for _ in range(3)]
    pool = make_pool(idle, 5)
    assert assign_requests(pool) == []
    given = assigned(pool)
    assert given[:3] == idle
    assert len(set(map(id, given))) == 5 and all(c.state == "new" for c in given[3:])
    assert len(pool._connections) == 5
    # httpcore offers the first idle connection to all five: four will lose it and retry.
    stock = make_pool(idle, 5)
    httpcore.ConnectionPool._assign_requests_to_connections(stock)
    assert assigned(stock) == [idle[0]] * 5


def test_http2_connections_are_shared_as_in_httpcore() -> None:
    h2 = FakeConnection(http2=True)
    for sweep in (True, False):
        pool = make_pool([h2], 5, http2=True, held={0: "http://a/x"})
        assert assign_requests(pool, sweep=sweep) == []
        assert assigned(pool) == [h2] * 6
    # Not negotiated yet, HTTP/2 possible: one new connection takes them all, as in httpcore.
    for assign in (assign_requests, httpcore.ConnectionPool._assign_requests_to_connections):
        pool = make_pool([], ["https://a/1", "https://a/2", "https://a/3"], http2=True)
        assign(pool)
        assert len(pool._connections) == 1 and assigned(pool) == pool._connections * 3
    # A held idle HTTP/1.1 connection (its request not started yet) is not shared.
    h1 = FakeConnection()
    pool = make_pool([h1], 1, http2=True, held={0: "http://a/x"})
    assign_requests(pool)
    assert assigned(pool)[1] is not h1 and len(pool._connections) == 2


def test_cleanup_probes_only_unheld_idle_connections() -> None:
    closed, expired, alive = FakeConnection(state="closed"), FakeConnection(), FakeConnection()
    held_expired, active = FakeConnection(), FakeConnection(state="active")
    expired.expired = held_expired.expired = True
    connections = [closed, expired, alive, held_expired, active]
    pool = make_pool(connections, 0, held={3: "http://a/x", 4: "http://a/y"})
    assert assign_requests(pool) == [expired]  # the closed one is only forgotten
    assert pool._connections == [alive, held_expired, active]
    assert [c.probes for c in connections] == [0, 1, 1, 0, 0]


def test_keepalive_limit_counts_idle_connections_only() -> None:
    def connections() -> list[FakeConnection]:
        return [FakeConnection(state="active") for _ in range(3)] + [
            FakeConnection() for _ in range(4)
        ]

    ours = connections()
    pool = make_pool(ours, 0, held={0: "http://a/0", 1: "http://a/1", 2: "http://a/2"},
                     max_keepalive=2)  # fmt: skip
    assert assign_requests(pool) == ours[3:5]  # the two oldest idle ones
    assert pool._connections == ours[:3] + ours[5:]
    # httpcore compares the number of all connections: every idle one goes (encode/httpcore#1035)
    theirs = connections()
    stock = make_pool(theirs, 0, held={0: "http://a/0", 1: "http://a/1", 2: "http://a/2"},
                      max_keepalive=2)  # fmt: skip
    assert httpcore.ConnectionPool._assign_requests_to_connections(stock) == theirs[3:]


def test_full_pool_replaces_an_idle_connection_to_another_origin() -> None:
    active, other = FakeConnection(state="active"), FakeConnection("http://b")
    pool = make_pool([active, other], 2, held={0: "http://a/x"}, max_connections=2)
    assert assign_requests(pool) == [other]
    new = assigned(pool)[1]
    assert new.state == "new" and pool._connections == [active, new]
    assert assigned(pool)[2] is None  # full, nothing idle: stays queued


def test_nothing_to_assign_stops_the_pass() -> None:
    active = FakeConnection(state="active")
    other = FakeConnection("http://b")
    pool = make_pool([active, other], 50, held={0: "http://a/x"}, max_connections=2)
    pool._requests.append(PoolRequest(httpcore.Request("GET", "http://b/")))
    assert assign_requests(pool) == [other]  # replaced for the first queued request
    assert sum(c is not None for c in assigned(pool)) == 2  # the holder and that one
    assert assigned(pool)[-1] is None
    assert active.looks + other.looks <= 2  # not 51 queued requests x every connection


def test_without_sweep_only_the_handed_out_connection_is_probed() -> None:
    dead, alive, spare = (FakeConnection() for _ in range(3))
    other = FakeConnection("http://b")
    dead.expired = other.expired = True
    pool = make_pool([dead, alive, spare, other], 1)
    assert assign_requests(pool, sweep=False) == [dead]
    assert assigned(pool) == [alive]
    assert [c.probes for c in (dead, alive, spare, other)] == [1, 1, 0, 0]
    assert pool._connections == [alive, spare, other]
    # A sweep (at most every SWEEP_INTERVAL, and on the first pass after a pause) probes all.
    assert assign_requests(pool, sweep=True) == [other]
    assert spare.probes == 1
