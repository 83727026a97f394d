"""Run every benchmark side by side and write benchmarks/RESULTS.md.

    python benchmarks/run.py            # full run (a few minutes), writes benchmarks/RESULTS.md
    python benchmarks/run.py --smoke    # tiny sizes, seconds; writes only with --output
    python benchmarks/run.py --only a,c # some workloads

Installs the official `ollama` package and `langchain-ollama` with pip when they are missing
(benchmark-only; `--no-install` skips their rows instead). Workloads:

a. stream decode (MockTransport)      b. embed decode (MockTransport)
c. loopback against the fake Ollama   d. import time
e. the LangChain layer                f. memory (peak RSS)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._context import FULL, SMOKE, Context  # noqa: E402
from benchmarks._harness import Row, text_table  # noqa: E402
from benchmarks._machine import load_average, machine, versions  # noqa: E402
from benchmarks._peers import ensure_peers  # noqa: E402
from benchmarks._report import json_rows, markdown_report, summary  # noqa: E402
from benchmarks._server import fake_server, server_available  # noqa: E402

DEFAULT_OUTPUT = ROOT / "benchmarks" / "RESULTS.md"

#: letter -> (module, needs the fake server)
WORKLOADS = {
    "a": ("stream_decode", False),
    "b": ("embed_decode", False),
    "c": ("loopback", True),
    "d": ("imports", False),
    "e": ("langchain_layer", True),
    "f": ("memory", False),
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="ollama_lite vs ollama vs langchain-ollama, side by side.",
    )
    parser.add_argument("--smoke", "--quick", action="store_true", help="tiny sizes (tests)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per workload")
    parser.add_argument("--only", default="", help="workload letters, e.g. a,b,c")
    parser.add_argument(
        "--no-install", action="store_true", help="do not pip install missing peers"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"markdown results file (default: {DEFAULT_OUTPUT.relative_to(ROOT)}; "
        "with --smoke: none)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    return parser.parse_args(argv)


@contextlib.contextmanager
def maybe_server(ctx: Context, needed: bool) -> Iterator[None]:
    """Run the fake server for the workloads that need it, when it can be started."""
    why = server_available() if needed else "not needed"
    if why is not None:
        if needed:
            ctx.notes.append(f"loopback workloads skipped: {why}")
        yield
        return
    with fake_server("--embedding-dim", str(ctx.sizes.embed_dims)) as server:
        ctx.server_url, ctx.server_pid = server.url, server.pid
        try:
            yield
        finally:
            ctx.server_url = ctx.server_pid = None


def run_workloads(ctx: Context, letters: Sequence[str], log: Callable[[str], None]) -> list[Row]:
    rows: list[Row] = []
    needs_server = any(WORKLOADS[letter][1] for letter in letters) or "f" in letters
    with maybe_server(ctx, needs_server):
        for letter in letters:
            module_name, needs = WORKLOADS[letter]
            if needs and ctx.server_url is None:
                continue
            module = importlib.import_module(f"benchmarks.workloads.{module_name}")
            started = time.perf_counter()
            log(f"[{letter}] {module_name} ...")
            found = module.run(ctx)
            log(f"[{letter}] {module_name}: {len(found)} rows in "
                f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            rows += found
    return rows


def http_path_note() -> str:
    """Which HTTP path ollama_lite's clients take in this run (the fake server is plain
    http:// on 127.0.0.1): its own connection pool (`wire`) or httpx, and why."""
    import ollama_lite

    client = ollama_lite.Client("http://127.0.0.1:11434")
    try:
        why = f" ({client.why_not_wire})" if client.why_not_wire else ""
        return f"ollama_lite HTTP path: {client.http_path}{why}"
    finally:
        client.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    if args.rounds:
        sizes = dataclasses.replace(
            sizes, rounds=args.rounds, decode_rounds=args.rounds, import_rounds=args.rounds
        )
    letters = [x.strip() for x in args.only.split(",") if x.strip()] or list(WORKLOADS)
    unknown = [x for x in letters if x not in WORKLOADS]
    if unknown:
        raise SystemExit(f"unknown workloads {unknown}; choose from {','.join(WORKLOADS)}")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    ctx = Context(sizes, smoke=args.smoke)
    missing = ensure_peers(install=not args.no_install)
    if missing:
        ctx.notes.append(f"not installed, rows skipped: {', '.join(missing)}")
    ctx.notes.append(http_path_note())
    load_start = load_average()
    started = time.perf_counter()
    rows = run_workloads(ctx, letters, log)
    elapsed = time.perf_counter() - started
    print(text_table(rows))
    passed, missed, absent = summary(rows)
    print(f"\ntargets: {passed} pass, {missed} missed, {absent} not measured "
          f"({elapsed:.0f} s)")  # fmt: skip
    for note in ctx.notes:
        print(f"note: {note}")

    output = args.output if args.output or args.smoke else DEFAULT_OUTPUT
    if output is not None:
        command = "python benchmarks/run.py" + (" " + " ".join(argv) if argv else "")
        if argv is None and len(sys.argv) > 1:
            command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
        output.write_text(
            markdown_report(
                rows,
                command=command,
                machine=machine(),
                versions=versions(),
                rounds=(
                    f"{sizes.rounds} rounds ({sizes.decode_rounds} for a and b, "
                    f"{sizes.import_rounds} for d)"
                ),
                load=(load_start, load_average()),
                elapsed=elapsed,
                notes=ctx.notes,
            )
        )
        print(f"wrote {output}")
    if args.json is not None:
        json_rows(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
