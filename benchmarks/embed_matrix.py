"""Bytes of an /api/embed answer to a float32 `(n, dim)` matrix: three ways, one run.

    python benchmarks/embed_matrix.py                # 256 x 1,024, 30 rounds
    python benchmarks/embed_matrix.py --smoke        # tiny, for the test suite

Compared on the same recorded body (floats printed as Go prints float32):
- ollama_lite `decode_embed_matrix` with pysimdjson (extra `fast`): numbers copied into a
  buffer of doubles in C, then cast to float32; no Python float is built;
- ollama_lite's fallback (msgspec lists + `np.asarray`), which is also what a user of the
  list API gets with `np.asarray(client.embed(...).embeddings, dtype=np.float32)`;
- the official `ollama` package: `EmbedResponse(**json.loads(body))` (what its client does
  with a response) + `np.array(..., dtype=np.float32)`.
Rounds are interleaved (each round times every variant once, starting from a different
one); figures are medians of CPU time per call and per value. Ratios come from this run.
Installs `ollama` with pip when missing (benchmark-only; `--no-install` skips its row).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._fixtures import embed_body  # noqa: E402
from benchmarks._peers import ensure_peers  # noqa: E402

FAST = "ollama_lite (pysimdjson)"
FALLBACK = "ollama_lite fallback = msgspec lists + np.asarray"
OFFICIAL = "ollama + np.array"
TARGETS = {OFFICIAL: 8.0, FALLBACK: 2.5}


def variants(body: bytes, install: bool) -> dict[str, Callable[[], object]]:
    import numpy as np

    from ollama_lite._matrix import decode_embed_matrix, has_fast_parser

    found: dict[str, Callable[[], object]] = {}
    if has_fast_parser():
        found[FAST] = lambda: decode_embed_matrix(body, parser="simdjson").embeddings
    found[FALLBACK] = lambda: decode_embed_matrix(body, parser="msgspec").embeddings
    if install:
        ensure_peers(True)
    try:
        import ollama
    except ImportError:
        return found

    def official() -> object:
        response = ollama.EmbedResponse(**json.loads(body))
        return np.array(response.embeddings, dtype=np.float32)

    found[OFFICIAL] = official
    return found


def measure(
    found: dict[str, Callable[[], object]], rounds: int, calls: int
) -> dict[str, list[float]]:
    names = list(found)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # warm-up: imports, parser allocation, caches
        found[name]()
    for round_ in range(rounds):
        for offset in range(len(names)):
            name = names[(round_ + offset) % len(names)]
            started = time.process_time()
            for _ in range(calls):
                found[name]()
            samples[name].append((time.process_time() - started) / calls)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/embed_matrix.py")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (tests)")
    parser.add_argument("--vectors", type=int, default=256)
    parser.add_argument("--dims", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    vectors, dims, rounds, calls = args.vectors, args.dims, args.rounds, 2
    if args.smoke:
        vectors, dims, rounds, calls = 8, 16, 3, 1
    body = embed_body(vectors, dims)
    found = variants(body, install=not args.no_install and not args.smoke)
    results = measure(found, rounds, calls)
    medians = {name: statistics.median(values) for name, values in results.items()}
    values = vectors * dims
    ours = medians.get(FAST, medians[FALLBACK])
    print(f"bytes -> float32 matrix, {vectors} x {dims} ({len(body):,} bytes), CPU time,")
    print(f"median of {rounds} interleaved rounds x {calls} calls")
    print(f"{'variant':<52} {'ms/call':>9} {'ns/value':>9} {'x ours':>8}")
    rows = []
    for name, seconds in medians.items():
        ratio = seconds / ours
        print(f"{name:<52} {seconds * 1e3:>9.2f} {seconds / values * 1e9:>9.2f} {ratio:>7.2f}x")
        rows.append({"variant": name, "ms_per_call": seconds * 1e3, "speedup": ratio})
    for name, target in TARGETS.items():
        if name in medians and FAST in medians:
            ratio = medians[name] / medians[FAST]
            verdict = "met" if ratio >= target else "MISSED"
            print(f"target >= {target}x vs {name}: {ratio:.2f}x ({verdict})")
    if args.json:
        args.json.write_text(json.dumps({"vectors": vectors, "dims": dims, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
