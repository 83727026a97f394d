"""f. Memory, each measurement in a fresh interpreter (`_memory_child.py`), a few at once.

- streaming 100,000 chat chunks: peak RSS, and RSS at 10,000 and at 100,000 chunks; the
  stream must stay flat (target: at most 1 MiB more at 100k than at 10k);
- embedding 10,000 documents in one call against the fake server: peak RSS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._context import Context
from .._harness import OLLAMA, OURS, Row, Target

__all__ = ["run"]

ROOT = Path(__file__).resolve().parents[2]
FLOOR = "floor"
FLAT_MIB = 1.0


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.workloads._memory_child", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def _growth(row: Row) -> float:
    return row.extra["growth"]


def _variants(ctx: Context) -> list[tuple[str, str]]:
    names = [(OURS, OURS)]
    if ctx.has_ollama:
        names.append((OLLAMA, OLLAMA))
    names.append(("floor: httpx + msgspec", FLOOR))
    return names


def stream_rows(ctx: Context, pool: ThreadPoolExecutor) -> list[Row]:
    sizes = ctx.sizes
    group = f"f. peak RSS, streaming {sizes.mem_chunks:,} chunks (MockTransport)"
    flat = Target(
        f"flat: +<= {FLAT_MIB:g} MiB from {sizes.mem_checkpoint:,} to {sizes.mem_chunks:,}",
        predicate=lambda row: _growth(row) <= FLAT_MIB,
    )
    args = (str(sizes.mem_chunks), str(sizes.mem_checkpoint))
    futures = {name: pool.submit(_child, "stream", v, *args) for name, v in _variants(ctx)}
    rows = []
    for name, future in futures.items():
        result = future.result()
        growth = result["end"] - result["checkpoint"]
        rows.append(
            Row(
                group,
                name,
                "MiB",
                "lower",
                [result["peak"]],
                flat if name == OURS else None,
                note=(
                    f"RSS {result['checkpoint']:.1f} MiB at {sizes.mem_checkpoint:,}, "
                    f"{result['end']:.1f} MiB at {sizes.mem_chunks:,} ({growth:+.2f})"
                ),
                extra={"growth": growth},
            )
        )
    return rows


def embed_rows(ctx: Context, pool: ThreadPoolExecutor) -> list[Row]:
    assert ctx.server_url is not None
    sizes = ctx.sizes
    group = f"f. peak RSS, embedding {sizes.mem_documents:,} docs x {sizes.mem_dims} (loopback)"
    args = (ctx.server_url, str(sizes.mem_documents), str(sizes.mem_dims))
    futures = {name: pool.submit(_child, "embed", v, *args) for name, v in _variants(ctx)}
    rows = []
    for name, future in futures.items():
        result = future.result()
        rows.append(
            Row(
                group,
                name,
                "MiB",
                "lower",
                [result["peak"]],
                note=f"{result['peak'] - result['before']:.0f} MiB above the RSS before the call",
            )
        )
    return rows


def run(ctx: Context) -> list[Row]:
    # Memory does not depend on speed, so the children run side by side.
    with ThreadPoolExecutor(max_workers=3) as pool:
        rows = stream_rows(ctx, pool)
        if ctx.server_url is not None:
            rows += embed_rows(ctx, pool)
    return rows
