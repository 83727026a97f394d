"""Why do httpx-based async clients collapse at 64 concurrent requests? Measure the options.

    python benchmarks/profile_concurrency.py              # option table
    python benchmarks/profile_concurrency.py --profile    # + cProfile of the default pool

Runs N concurrent non-streamed chats (N tasks, each sending requests one after another)
against the fake Ollama in its own process, with each client and pool setting, interleaved,
and counts the TCP connections httpcore opens (`AsyncConnectionPool.create_connection`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpcore  # noqa: E402
import httpx  # noqa: E402

from benchmarks._floors import chat_decoder  # noqa: E402
from benchmarks._harness import CpuMeter, LoopRunner  # noqa: E402
from benchmarks._server import fake_server  # noqa: E402

MODEL = "llama3.2"
MESSAGES = [{"role": "user", "content": "Why is the sky blue?"}]
BODY = (
    b'{"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],'
    b'"stream":false}'
)

created = 0
_original_create = httpcore.AsyncConnectionPool.create_connection


def _counting_create(self: httpcore.AsyncConnectionPool, origin: Any) -> Any:
    global created
    created += 1
    return _original_create(self, origin)


httpcore.AsyncConnectionPool.create_connection = _counting_create  # type: ignore[method-assign]

retries = 0
_PoolRequest = httpcore._async.connection_pool.AsyncPoolRequest
_original_clear = _PoolRequest.clear_connection


def _counting_clear(self: Any) -> None:
    """Called once each time a request lost its connection (`ConnectionNotAvailable`)."""
    global retries
    retries += 1
    _original_clear(self)


_PoolRequest.clear_connection = _counting_clear  # type: ignore[method-assign]


class LinearPool(httpcore.AsyncConnectionPool):
    """EXPERIMENT ONLY: httpcore 1.0.x's pool with an O(connections + requests) assignment.

    What httpcore 1.0.9 does on every enqueue and every release (connection_pool.py,
    `_assign_requests_to_connections`): for each connection, `has_expired()` (a `poll()` on
    each idle socket) and, for each idle one, `len([c.is_idle() for c in connections])`,
    a full pass that counts all connections instead of the idle ones. So a pass is
    O(idle x total), and as soon as the pool holds more than `max_keepalive_connections`
    (default 20) connections every connection that becomes idle is closed. This pass counts
    idle connections once, keeps `max_keepalive_connections` of them, and hands each idle
    HTTP/1.1 connection to one queued request only (the port of encode/httpcore#1035).
    """

    def _assign_requests_to_connections(self) -> list[Any]:
        closing: list[Any] = []
        reserved = {r.connection for r in self._requests if r.connection is not None}
        kept: list[Any] = []
        for connection in self._connections:
            if connection.is_closed():
                continue
            if connection not in reserved and connection.has_expired():
                closing.append(connection)
                continue
            kept.append(connection)
        idle = [c for c in kept if c.is_idle() and c not in reserved]
        surplus = len(idle) - self._max_keepalive_connections
        if surplus > 0:
            dropped = set(idle[:surplus])
            closing.extend(dropped)
            kept = [c for c in kept if c not in dropped]
            idle = idle[surplus:]
        self._connections = kept
        available = [c for c in kept if c.is_available() and c not in reserved]
        for pool_request in self._requests:
            if not pool_request.is_queued():
                continue
            origin = pool_request.request.url.origin
            found = next((c for c in available if c.can_handle_request(origin)), None)
            if found is not None:
                available.remove(found)
                pool_request.assign_to_connection(found)
            elif len(self._connections) < self._max_connections:
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
            elif idle:
                victim = idle.pop(0)
                if victim in available:
                    available.remove(victim)
                self._connections.remove(victim)
                closing.append(victim)
                connection = self.create_connection(origin)
                self._connections.append(connection)
                pool_request.assign_to_connection(connection)
            else:
                break
        return closing


def linear_transport(pool: httpx.Limits) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(limits=pool)
    transport._pool.__class__ = LinearPool
    return transport


Factory = Callable[
    [str], Coroutine[Any, Any, tuple[Callable[[], Awaitable[Any]], Callable[[], Any]]]
]


def limits(connections: int | None, keepalive: int | None) -> httpx.Limits:
    return httpx.Limits(max_connections=connections, max_keepalive_connections=keepalive)


def httpx_factory(pool: httpx.Limits | None) -> Factory:
    async def make(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Any]]:
        kwargs: dict[str, Any] = {"limits": pool} if pool else {}
        client = httpx.AsyncClient(base_url=url, **kwargs)

        async def call() -> None:
            response = await client.post("/api/chat", content=BODY)
            chat_decoder.decode(response.content)

        return call, client.aclose

    return make


def httpx2_factory(pool: Any | None) -> Factory:
    async def make(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Any]]:
        import httpx2

        kwargs: dict[str, Any] = {"limits": pool} if pool else {}
        client = httpx2.AsyncClient(base_url=url, **kwargs)

        async def call() -> None:
            response = await client.post("/api/chat", content=BODY)
            chat_decoder.decode(response.content)

        return call, client.aclose

    return make


def linear_factory(pool: httpx.Limits, ours: bool = False) -> Factory:
    async def make(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Any]]:
        if ours:
            import ollama_lite

            lite = ollama_lite.AsyncClient(url, transport=linear_transport(pool))
            return (lambda: lite.chat(MODEL, MESSAGES)), lite.close
        client = httpx.AsyncClient(base_url=url, transport=linear_transport(pool))

        async def call() -> None:
            response = await client.post("/api/chat", content=BODY)
            chat_decoder.decode(response.content)

        return call, client.aclose

    return make


def ours_factory(pool: httpx.Limits | None) -> Factory:
    async def make(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Any]]:
        import ollama_lite

        kwargs: dict[str, Any] = {"limits": pool} if pool else {}
        client = ollama_lite.AsyncClient(url, **kwargs)
        return (lambda: client.chat(MODEL, MESSAGES)), client.close

    return make


def ollama_factory(pool: httpx.Limits | None) -> Factory:
    async def make(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Any]]:
        import ollama

        kwargs: dict[str, Any] = {"limits": pool} if pool else {}
        client = ollama.AsyncClient(url, **kwargs)
        return (lambda: client.chat(MODEL, MESSAGES)), client.close

    return make


async def burst(call: Callable[[], Awaitable[Any]], tasks: int, per_task: int) -> float:
    async def worker() -> None:
        for _ in range(per_task):
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    return tasks * per_task / (time.perf_counter() - started)


def measure(
    url: str,
    meter: CpuMeter,
    options: dict[str, Factory],
    tasks: int,
    per_task: int,
    rounds: int,
) -> None:
    global created
    with LoopRunner() as runner:
        made = {name: runner.run(factory(url)) for name, factory in options.items()}
        rates: dict[str, list[float]] = {name: [] for name in made}
        conns: dict[str, list[int]] = {name: [] for name in made}
        cpu: dict[str, list[float]] = {name: [] for name in made}
        own: dict[str, list[float]] = {name: [] for name in made}
        for call, _ in made.values():  # warm-up
            runner.run(burst(call, tasks, 1))
        names = list(made)
        for index in range(rounds):
            start = index % len(names)
            for name in names[start:] + names[:start]:
                call = made[name][0]
                created = 0
                before, wall = meter.cpu_seconds() or 0.0, time.perf_counter()
                mine = time.process_time()
                rates[name].append(runner.run(burst(call, tasks, per_task)))
                wall = time.perf_counter() - wall
                own[name].append((time.process_time() - mine) / (tasks * per_task) * 1e6)
                cpu[name].append(((meter.cpu_seconds() or 0.0) - before) / wall)
                conns[name].append(created)
        for _, close in made.values():
            runner.run(close())
    total = tasks * per_task
    print(f"\n{tasks} concurrent tasks x {per_task} requests, {rounds} interleaved rounds")
    print(
        f"{'option':<58} {'req/s median':>12} {'min-max':>15} {'new conns/req':>13} "
        f"{'srv CPU':>8} {'client CPU us/req':>17}"
    )
    for name in names:
        rate = rates[name]
        print(
            f"{name:<58} {statistics.median(rate):>12,.0f} "
            f"{min(rate):>7,.0f}-{max(rate):<7,.0f} "
            f"{statistics.median(conns[name]) / total:>13.2f} "
            f"{statistics.median(cpu[name]) * 100:>7.0f}% "
            f"{statistics.median(own[name]):>17,.0f}"
        )


def profile(url: str, factory: Factory, tasks: int, per_task: int, title: str) -> None:
    global created, retries
    with LoopRunner() as runner:
        call, close = runner.run(factory(url))
        runner.run(burst(call, tasks, 1))
        created = retries = 0
        profiler = cProfile.Profile()
        profiler.enable()
        runner.run(burst(call, tasks, per_task))
        profiler.disable()
        lost, opened = retries, created
        runner.run(close())
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    requests = tasks * per_task
    raw = stats.stats  # type: ignore[attr-defined]

    def calls_and_cum(name: str, filename: str = "") -> tuple[int, float]:
        found = [v for (f, _, n), v in raw.items() if n == name and f.endswith(filename)]
        return (sum(v[1] for v in found), sum(v[3] for v in found)) if found else (0, 0.0)

    passes, assign = calls_and_cum("_assign_requests_to_connections")
    expired, expiry = calls_and_cum("has_expired", "http11.py")
    idle, _ = calls_and_cum("is_idle", "connection.py")
    print(f"\n=== cProfile, {title}: {requests} requests, {total:.2f} s profiled ===")
    print(f"_assign_requests_to_connections: {passes / requests:.1f} passes/request, "
          f"{assign:.2f} s cumulative ({assign / total:.0%} of the run)")  # fmt: skip
    print(f"ConnectionNotAvailable retries: {lost / requests:.1f}/request; new connections: "
          f"{opened / requests:.2f}/request; "
          f"has_expired: {expired / requests:.0f}/request ({expiry / total:.0%}); "
          f"is_idle: {idle / requests:,.0f}/request")  # fmt: skip
    stats.strip_dirs().sort_stats("tottime").print_stats(12)
    print("\n".join(out.getvalue().splitlines()[6:]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--per-task", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--scaling", action="store_true", help="default pool at 8..128 tasks")
    parser.add_argument("--scaling-only", action="store_true")
    parser.add_argument("--quick", action="store_true", help="only the main options")
    args = parser.parse_args()
    n = args.tasks
    options: dict[str, Factory] = {
        "ollama.AsyncClient (default: 100 conns, 20 keep-alive)": ollama_factory(None),
        "ollama_lite.AsyncClient (default)": ours_factory(None),
        "httpx.AsyncClient (default)": httpx_factory(None),
        f"httpx keep-alive {n} (conns 100)": httpx_factory(limits(100, n)),
        "httpx keep-alive unlimited (conns 100)": httpx_factory(limits(100, None)),
        "httpx conns 32 / keep-alive 32": httpx_factory(limits(32, 32)),
        "httpx conns 16 / keep-alive 16": httpx_factory(limits(16, 16)),
        "httpx conns 8 / keep-alive 8": httpx_factory(limits(8, 8)),
        "httpx conns 4 / keep-alive 4": httpx_factory(limits(4, 4)),
        "ollama_lite conns 100 / keep-alive 100": ours_factory(limits(100, 100)),
        "ollama_lite conns 16 / keep-alive 16": ours_factory(limits(16, 16)),
        "ollama conns 100 / keep-alive 100": ollama_factory(limits(100, 100)),
        "httpx + linear pool (experiment), conns 100 / keep-alive 20": linear_factory(
            limits(100, 20)
        ),
        "httpx + linear pool (experiment), conns 100 / keep-alive 100": linear_factory(
            limits(100, 100)
        ),
        "ollama_lite + linear pool (experiment), 100 / 100": linear_factory(
            limits(100, 100), ours=True
        ),
    }
    try:
        import httpx2

        options["httpx2.AsyncClient (default: 100 / 20)"] = httpx2_factory(None)
        options["httpx2 conns 100 / keep-alive 100"] = httpx2_factory(
            httpx2.Limits(max_connections=100, max_keepalive_connections=100)
        )
    except ImportError:
        pass
    if args.quick:
        keep = (
            "ollama.",
            "ollama_lite.",
            "httpx.",
            "httpx keep-alive unlimited",
            "httpx conns 8",
            "httpx + linear",
            "httpx2",
        )
        options = {k: v for k, v in options.items() if k.startswith(keep)}
    with fake_server() as server:
        meter = CpuMeter(server.pid)
        if not args.scaling_only:
            measure(server.url, meter, options, n, args.per_task, args.rounds)
        if args.scaling or args.scaling_only:
            for tasks in (8, 16, 32, 64, 128):
                measure(
                    server.url,
                    meter,
                    {
                        "httpx default (keep-alive 20)": httpx_factory(None),
                        "httpx keep-alive = conns = 100": httpx_factory(limits(100, 100)),
                        "httpx + linear pool, 100 / 100": linear_factory(limits(100, 100)),
                        "httpx conns 8 / keep-alive 8": httpx_factory(limits(8, 8)),
                    },
                    tasks,
                    max(1, 384 // tasks),
                    3,
                )
        if args.profile:
            profile(server.url, ollama_factory(None), n, args.per_task, "ollama default")
            profile(server.url, ours_factory(None), n, args.per_task, "ollama_lite default")
            profile(
                server.url,
                ours_factory(limits(100, 100)),
                n,
                args.per_task,
                "ollama_lite, keep-alive 100",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
