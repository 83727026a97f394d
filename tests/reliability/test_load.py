"""Load against the in-process fake Ollama: no errors, descriptors back to the baseline,
bounded memory.

The full scale (10,000 sequential requests, 1,000 concurrent streams per event loop) is
marked `load` and runs with `pytest -m load tests/reliability` (nox: `nox -s load`); the
normal run does the same checks at a smaller scale. Durations are printed (`-s` shows them).

Memory is measured with `sys.getallocatedblocks()` (live Python allocations) after a
warm-up at the same scale and a garbage collection; the fake server shares the process, so
its per-connection record is cleared (`reset()`) on both sides of the measurement. RSS is
printed too.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Iterator

import anyio
import httpx
import pytest

from ollama_lite import AsyncClient, Client
from ollama_lite.testing import FakeOllama

from ._rawserver import client_sockets, open_fds

MODEL = "llama3.2"
MSGS = [{"role": "user", "content": "hi"}]

SEQUENTIAL = [pytest.param(2_000, id="2k"), pytest.param(10_000, id="10k", marks=pytest.mark.load)]
CONCURRENT = [pytest.param(250, id="250"), pytest.param(1_000, id="1k", marks=pytest.mark.load)]
# Bounds on live allocations left behind, per request: a leaked response, stream or
# connection is dozens of blocks, so even one leaked object per request would exceed them.
BLOCKS_PER_REQUEST = 0.5
BLOCKS_PER_STREAM = 5


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOllama]:
    with FakeOllama(record_requests=False) as fake:
        yield fake


@pytest.fixture(autouse=True)
def quick_thread_switches() -> Iterator[None]:
    """The server is a thread of this process: hand the GIL over quickly, so each request
    does not wait out the default 5 ms switch interval (only speeds the run up)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(previous)


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def settle(server: FakeOllama) -> tuple[int, int]:
    """Quiesce: no connection open, the server's per-connection record cleared, garbage
    collected. Returns (open descriptors, live allocated blocks)."""
    assert server.wait_for_connections(0, timeout=15)
    server.reset()
    gc.collect()
    return stable_fds(), sys.getallocatedblocks()


def stable_fds() -> int:
    """Open descriptors, once their number stops changing: a client socket the garbage
    collector just closed may still have its other end open in a fake server that another
    test of this process started, for a moment."""
    count = open_fds()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = open_fds()
        if now == count:
            break
        count = now
    return count


async def settle_async(server: FakeOllama) -> tuple[int, int]:
    """`settle`, letting the event loop run the close callbacks of finished connections."""
    await anyio.to_thread.run_sync(server.wait_for_connections, 0, 15)
    for _ in range(3):
        await anyio.sleep(0.02)
    return settle(server)


def report(name: str, **figures: object) -> None:
    print(f"\n[load] {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


@pytest.mark.parametrize("count", SEQUENTIAL)
def test_sequential_requests(server: FakeOllama, count: int) -> None:
    with Client(server.url, max_retries=0) as warm:
        for _ in range(300):
            warm.version()
    fds_before, blocks_before = settle(server)
    rss_before = rss()
    errors = 0
    started = time.perf_counter()
    with Client(server.url, max_retries=0) as client:
        for i in range(count):
            try:
                if i % 10 == 0:
                    assert client.chat(MODEL, MSGS).done
                else:
                    assert client.version().version
            except Exception:
                errors += 1
        assert server.total_connections == 1  # one kept-alive connection did it all
    elapsed = time.perf_counter() - started
    fds_after, blocks_after = settle(server)
    growth = blocks_after - blocks_before
    report(
        f"{count} sequential requests",
        seconds=round(elapsed, 2),
        per_request_ms=round(elapsed / count * 1000, 3),
        fds=f"{fds_before}->{fds_after}",
        blocks_growth=growth,
        rss_growth_kib=(rss() - rss_before) // 1024,
    )
    assert errors == 0
    # No descriptor left open by the run (one an earlier test left to the GC may close
    # during it, so fewer is fine).
    assert fds_after <= fds_before
    assert client_sockets(server.port) == 0
    assert growth < count * BLOCKS_PER_REQUEST, f"{growth} blocks left after {count} requests"


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"needs {needed} file descriptors; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


async def concurrent_streams(server: FakeOllama, count: int) -> tuple[int, int]:
    """`count` chat streams open at the same time on one AsyncClient: each reads its first
    part, waits until all have, then reads the rest. Returns (errors, peak open conns)."""
    # httpcore's pool bookkeeping is quadratic in idle kept-alive connections; with a
    # thousand at once, not keeping them alive keeps the run short (same SDK code path).
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=0)
    errors = 0
    started = 0
    peak = 0
    everyone = anyio.Event()

    async def one(n: int) -> None:
        nonlocal errors, started, peak
        try:
            messages = [{"role": "user", "content": f"q{n}"}]
            async with await client.chat(MODEL, messages, stream=True) as stream:
                parts = [await stream.__anext__()]
                started += 1
                if started == count:
                    peak = server.open_connections
                    everyone.set()
                await everyone.wait()
                parts += [part async for part in stream]
            assert parts[-1].done and f"q{n}" in "".join(p.message.content for p in parts)
        except Exception:
            errors += 1
            started += 1
            if started == count:
                everyone.set()

    client = AsyncClient(server.url, max_retries=0, limits=limits)
    async with client, anyio.create_task_group() as group:
        for n in range(count):
            group.start_soon(one, n)
    return errors, peak


@pytest.mark.anyio
@pytest.mark.parametrize("count", CONCURRENT)
async def test_concurrent_streams(server: FakeOllama, count: int, anyio_backend: str) -> None:
    raise_fd_limit(2 * count + 256)  # both ends of every connection live in this process
    await concurrent_streams(server, count)  # warm-up: pools, caches and tables sized
    fds_before, blocks_before = await settle_async(server)
    rss_before = rss()
    started = time.perf_counter()
    errors, peak = await concurrent_streams(server, count)
    elapsed = time.perf_counter() - started
    fds_after, blocks_after = await settle_async(server)
    growth = blocks_after - blocks_before
    report(
        f"{count} concurrent streams ({anyio_backend})",
        seconds=round(elapsed, 2),
        peak_open_connections=peak,
        fds=f"{fds_before}->{fds_after}",
        blocks_growth=growth,
        rss_growth_kib=(rss() - rss_before) // 1024,
    )
    assert errors == 0
    assert peak == count  # they really were all open at once
    # No descriptor left open by the run (one an earlier test left to the GC may close
    # during it, so fewer is fine).
    assert fds_after <= fds_before
    assert client_sockets(server.port) == 0
    assert growth < count * BLOCKS_PER_STREAM, f"{growth} blocks left after {count} streams"
