"""embed_many over 1, 2 and 4 capacity-limited fake servers, and its memory over corpus size.

    python benchmarks/scale_out.py              # the full run (about a minute)
    python benchmarks/scale_out.py --smoke      # tiny, for the test suite

Scaling: each fake server runs in its own process with Ollama's capacity for an embedding
model (one slot; 10 ms per request plus 2 ms per text, simulated GPU time that costs no
CPU), so one server embeds at most 64 / 0.138 s = 464 texts/s with 64-text batches. The
same corpus goes through `AsyncHostPool.embed_many` over the first N servers; rows show
texts/s, the ratio to one server (targets: 2 servers >= 1.8x, 4 >= 3.2x) and the CPU time
per text of the client and of the servers. Every id is checked to come back exactly once.
Vectors are 64-d by default so the fake servers' real CPU (which competes with the client
on a small machine) stays well below the simulated GPU time; `--dims 384` is all-minilm's
size.

Memory: child processes embed 40,000 and 400,000 generated texts through `HostPool` over
four hosts answering from an in-process transport (no servers: only the client's memory
is measured) and report their peak RSS; the target is that it stays flat (within 10%).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._server import fake_server  # noqa: E402

MODEL = "all-minilm"
BATCH = 64
CAPACITY = ["--num-parallel", "1", "--request-seconds", "0.01", "--embed-seconds-per-text"]


def texts(count: int) -> list[str]:
    return [
        f"passage {i}: the quick brown fox jumps over the lazy dog {i % 97}" for i in range(count)
    ]


async def embed_all(urls: list[str], corpus: list[str]) -> tuple[float, float, dict[str, int]]:
    """Wall seconds and client CPU seconds for one run; texts per host."""
    from ollama_lite import AsyncHostPool

    seen: list[int] = []
    per_host: dict[str, int] = {}
    async with AsyncHostPool(urls) as pool:  # built outside the timing (an SSL context each)
        wall, cpu = time.perf_counter(), time.process_time()
        async with pool.embed_many(MODEL, corpus, batch_size=BATCH) as run:
            async for batch in run:
                seen.extend(batch.ids)
                per_host[batch.host] = per_host.get(batch.host, 0) + len(batch)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if sorted(seen) != list(range(len(corpus))):
        raise SystemExit("ids lost or duplicated")
    return wall, cpu, per_host


def scaling(count: int, per_text: str, dims: str) -> list[dict[str, Any]]:
    import anyio

    corpus = texts(count)
    rows: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(fake_server(*CAPACITY, per_text, "--embedding-dim", dims))
            for _ in range(4)
        ]
        urls = [server.url for server in servers]
        # Warm-up: imports, and every server's model loaded.
        anyio.run(embed_all, urls, corpus[: 8 * BATCH])
        for hosts in (1, 2, 4):
            before = sum(server.meter.cpu_seconds() or 0.0 for server in servers)
            wall, cpu, per_host = anyio.run(embed_all, urls[:hosts], corpus)
            served = sum(server.meter.cpu_seconds() or 0.0 for server in servers) - before
            rows.append(
                {
                    "hosts": hosts,
                    "texts": count,
                    "seconds": wall,
                    "texts_per_s": count / wall,
                    "client_cpu_us_per_text": cpu / count * 1e6,
                    "server_cpu_us_per_text": served / count * 1e6,
                    "per_host": sorted(per_host.values()),
                }
            )
    base = rows[0]["texts_per_s"]
    for row in rows:
        row["vs_1"] = row["texts_per_s"] / base
    return rows


def rss_child(count: int) -> None:
    """Embed `count` generated texts over four in-process hosts; print peak RSS (KiB)."""
    import httpx
    import msgspec

    from ollama_lite import HostPool

    vector = [0.01] * 384
    bodies: dict[int, bytes] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        sent = msgspec.json.decode(request.content)
        n = len(sent["input"])
        if n not in bodies:
            bodies[n] = msgspec.json.encode({"model": MODEL, "embeddings": [vector] * n})
        return httpx.Response(200, content=bodies[n])

    def generated() -> Any:
        for i in range(count):
            yield f"passage {i}: the quick brown fox jumps over the lazy dog"

    hosts = ["http://a:1", "http://b:2", "http://c:3", "http://d:4"]
    done = 0
    pool = HostPool(hosts, transport=httpx.MockTransport(answer))
    with pool, pool.embed_many(MODEL, generated(), batch_size=BATCH) as run:
        for batch in run:
            done += len(batch)
    assert done == count
    print(
        json.dumps(
            {"texts": count, "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        )
    )


def memory(sizes: list[int]) -> list[dict[str, Any]]:
    rows = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for count in sizes:
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(count)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=600,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/scale_out.py")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (tests)")
    parser.add_argument("--texts", type=int, default=6400, help="texts per scaling run")
    parser.add_argument("--dims", default="64", help="vector size of the fake model")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child is not None:
        rss_child(args.rss_child)
        return 0
    count, per_text, dims, sizes = args.texts, "0.002", args.dims, [40_000, 400_000]
    if args.smoke:
        count, per_text, dims, sizes = 256, "0.0005", "8", [2_000, 4_000]
    rows = scaling(count, per_text, dims)
    print(
        f"embed_many over capacity-limited fake servers ({count} texts of {dims}-d, "
        f"batches of {BATCH}; load average {os.getloadavg()[0]:.1f}):"
    )
    header = f"{'hosts':>5} {'seconds':>8} {'texts/s':>9} {'vs 1':>6}"
    print(f"{header} {'CPU/text: client':>17} {'servers':>8}")
    for row in rows:
        print(
            f"{row['hosts']:>5} {row['seconds']:>8.2f} {row['texts_per_s']:>9.0f} "
            f"{row['vs_1']:>5.2f}x {row['client_cpu_us_per_text']:>14.0f} us "
            f"{row['server_cpu_us_per_text']:>5.0f} us"
        )
    for hosts, target in ((2, 1.8), (4, 3.2)):
        ratio = rows[[1, 2, 4].index(hosts)]["vs_1"]
        verdict = "met" if ratio >= target else "MISSED"
        print(f"target {hosts} hosts >= {target}x: {ratio:.2f}x ({verdict})")
    rss = memory(sizes)
    print("peak RSS of embed_many (HostPool, 4 in-process hosts, 384-d):")
    for row in rss:
        mib = row["max_rss_kib"] / 1024
        print(f"  {row['texts']:>8,} texts: {mib:.1f} MiB ({row['seconds']:.1f} s)")
    growth = rss[-1]["max_rss_kib"] / rss[0]["max_rss_kib"] - 1
    print(
        f"growth {growth:+.1%} ({'flat' if abs(growth) <= 0.10 else 'NOT flat'}, target within 10%)"
    )
    if args.json:
        args.json.write_text(json.dumps({"scaling": rows, "memory": rss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
