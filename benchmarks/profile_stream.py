"""Where does ollama_lite spend its time per streamed chunk? (workload a, sync and async)

    python benchmarks/profile_stream.py [--lines 2000] [--streams 20]

Prints CPU time per chunk for ollama_lite, the official client and the floor (interleaved,
process time, so other load on the machine matters less), then a cProfile of ollama_lite's
sync and async streams with each function's own time per chunk, and the number of Python
function calls per chunk (deterministic, whatever the machine).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from benchmarks._fixtures import MODEL, chat_stream_lines, mock_transport  # noqa: E402
from benchmarks._floors import decode_ndjson, decode_ndjson_async  # noqa: E402
from benchmarks._harness import LoopRunner  # noqa: E402

HOST = "http://127.0.0.1:11434"
MESSAGES = [{"role": "user", "content": "Why is the sky blue?"}]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--streams", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import ollama_lite

    lines = chat_stream_lines(args.lines - 1)
    transport = mock_transport(lambda: iter(lines))
    chunks = args.streams * len(lines)
    ours = ollama_lite.Client(HOST, transport=transport)
    floor = httpx.Client(base_url=HOST, transport=transport)
    runner = LoopRunner()
    ours_async = runner.run(_make_async(transport))
    floor_async = runner.run(_make_async_floor(transport))

    def run_ours() -> None:
        for _ in range(args.streams):
            for _part in ours.chat(MODEL, MESSAGES, stream=True):
                pass

    def run_floor() -> None:
        for _ in range(args.streams):
            with floor.stream("POST", "/api/chat", content=b"{}") as response:
                decode_ndjson(response.iter_bytes())

    async def ours_async_once() -> None:
        for _ in range(args.streams):
            async for _part in await ours_async.chat(MODEL, MESSAGES, stream=True):
                pass

    async def floor_async_once() -> None:
        for _ in range(args.streams):
            async with floor_async.stream("POST", "/api/chat", content=b"{}") as response:
                await decode_ndjson_async(response.aiter_bytes())

    variants: dict[str, Callable[[], None]] = {
        "ollama_lite sync": run_ours,
        "floor sync": run_floor,
        "ollama_lite async": lambda: runner.run(ours_async_once()),
        "floor async": lambda: runner.run(floor_async_once()),
    }
    try:
        import ollama

        theirs = ollama.Client(HOST, transport=transport)

        def run_theirs() -> None:
            for _ in range(args.streams):
                for _part in theirs.chat(MODEL, MESSAGES, stream=True):
                    pass

        variants["ollama sync"] = run_theirs
    except ImportError:
        pass

    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for fn in variants.values():
        fn()
    for _ in range(args.rounds):
        for name, fn in variants.items():
            started = time.process_time()
            fn()
            cpu[name].append((time.process_time() - started) / chunks * 1e6)
    print(f"CPU time per chunk ({args.lines}-line stream x {args.streams}, median of "
          f"{args.rounds}):")  # fmt: skip
    for name, values in cpu.items():
        print(f"  {name:<20} {statistics.median(values):6.2f} us  "
              f"(min {min(values):.2f})")  # fmt: skip
    gap = statistics.median(cpu["ollama_lite sync"]) - statistics.median(cpu["floor sync"])
    gap_async = statistics.median(cpu["ollama_lite async"]) - statistics.median(cpu["floor async"])
    print(f"  overhead over the floor: sync {gap:+.2f} us/chunk, async {gap_async:+.2f} us/chunk")

    for title, fn in (
        ("ollama_lite sync", run_ours),
        ("floor sync", run_floor),
        ("ollama_lite async", variants["ollama_lite async"]),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        fn()
        profiler.disable()
        report(profiler, title, chunks)
    runner.close()
    return 0


async def _make_async(transport: httpx.MockTransport) -> Any:
    import ollama_lite

    return ollama_lite.AsyncClient(HOST, transport=transport)


async def _make_async_floor(transport: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=HOST, transport=transport)


def report(profiler: cProfile.Profile, title: str, chunks: int) -> None:
    stats = pstats.Stats(profiler)
    total_calls = sum(v[1] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"\n=== {title}: {total_calls / chunks:.1f} Python-level calls per chunk; "
          "top own time per chunk (profiled, so inflated) ===")  # fmt: skip
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in rows[:16]:
        where = f"{Path(filename).parent.name}/{Path(filename).name}:{line}({func})"
        print(f"  {tt / chunks * 1e6:6.2f} us own  {ct / chunks * 1e6:6.2f} us cum  "
              f"{nc / chunks:5.2f} calls/chunk  {where}")  # fmt: skip
    buffer = io.StringIO()
    del buffer


if __name__ == "__main__":
    sys.exit(main())
