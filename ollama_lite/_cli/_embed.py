"""`ollama-lite embed`: a corpus file through `embed_many` into parquet or `.npy`.

The run: read the whole input once to check it (line numbers in errors) and count its
batches; check the hosts and the model before any work; embed the batches not yet on disk
(`--resume`) across every host, each batch written as a whole part; assemble the parts;
print a summary. Ctrl-C stops with every finished part kept.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio

from .._errors import OllamaError
from .._extras import MissingExtraError, require
from .._hosts import BatchPlanner, PoolStats
from .._hosts.results import EmbedProgress
from ._corpus import CorpusError, CorpusSpec, read_corpus
from ._hosts import hosts_from
from ._parts import PartsError, PartStore
from ._preflight import PreflightError, check_hosts
from ._progress import Progress

__all__ = ["run_embed"]


def run_embed(args: argparse.Namespace) -> int:
    """Run the embed command; returns the exit code."""
    spec = CorpusSpec(Path(args.input), args.text_field, args.id_field, args.fmt)
    store: PartStore | None = None
    try:
        require("numpy", "cli")
        store = PartStore(Path(args.out))
        if store.out.suffix == ".parquet":
            require("pyarrow", "cli")
        texts, batches = _count(spec, args.batch_size, args.max_batch_chars)
        settings = _settings(spec, args)
        store.check(settings, resume=args.resume)
        hosts = hosts_from(args.hosts)
        check_hosts(hosts, args.model)
        done = store.open(settings, resume=args.resume)
    except (CorpusError, PartsError, MissingExtraError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PreflightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    started = time.monotonic()
    todo = batches - len(done)
    print(
        f"embedding {texts:,} texts in {batches:,} batches with {args.model} on "
        f"{len(hosts)} host(s)" + (f"; {len(done):,} batches already on disk" if done else ""),
        file=sys.stderr,
    )
    already = sum(_batch_sizes(spec, args, done))
    progress = Progress(texts, unit="texts", enabled=not args.no_progress, initial=already)
    try:
        stats = anyio.run(_embed_all, spec, args, store, done, hosts, progress)
    except KeyboardInterrupt:
        progress.close()
        kept = len(store.written())
        print(
            f"interrupted: {kept:,} of {batches:,} batches are on disk in {store.folder}; "
            "run the same command with --resume to finish",
            file=sys.stderr,
        )
        return 130
    except OllamaError as exc:
        progress.close()
        print(f"error: {exc}\n(finished batches are kept: rerun with --resume)", file=sys.stderr)
        return 1
    progress.close()
    rows = store.assemble(batches)
    _summary(rows, progress.done - already, todo, time.monotonic() - started, stats, store.out)
    return 0


def _count(spec: CorpusSpec, batch_size: int, max_chars: int) -> tuple[int, int]:
    """Check every text of the input; returns (texts, batches)."""
    planner = BatchPlanner(batch_size, max_chars)
    batches = 0
    for pair in read_corpus(spec):
        if planner.add(pair) is not None:
            batches += 1
    if planner.finish() is not None:
        batches += 1
    if planner.positions == 0:
        raise CorpusError(f"{spec.path}: no texts to embed")
    return planner.positions, batches


def _batch_sizes(spec: CorpusSpec, args: argparse.Namespace, indices: set[int]) -> Iterator[int]:
    """How many texts each of the given batches holds (to start the progress bar)."""
    if not indices:
        return
    planner = BatchPlanner(args.batch_size, args.max_batch_chars)
    for pair in read_corpus(spec):
        closed = planner.add(pair)
        if closed is not None and closed.index in indices:
            yield len(closed.texts)
    last = planner.finish()
    if last is not None and last.index in indices:
        yield len(last.texts)


def _settings(spec: CorpusSpec, args: argparse.Namespace) -> dict[str, Any]:
    """What must not change between a run and its --resume."""
    stat = spec.path.stat()
    return {
        "input": str(spec.path.resolve()),
        "input_bytes": stat.st_size,
        "input_mtime_ns": stat.st_mtime_ns,
        "format": spec.format,
        "text_field": spec.text_field,
        "id_field": spec.id_field,
        "model": args.model,
        "batch_size": args.batch_size,
        "max_batch_chars": args.max_batch_chars,
        "truncate": args.truncate,
    }


async def _embed_all(
    spec: CorpusSpec,
    args: argparse.Namespace,
    store: PartStore,
    done: set[int],
    hosts: list[str],
    progress: Progress,
) -> RunStats:
    from .. import AsyncHostPool

    per_host: dict[str, int] = {}

    def on_progress(report: EmbedProgress) -> None:
        per_host.update(report.per_host)

    pool = AsyncHostPool(hosts, max_in_flight_per_host=args.max_in_flight_per_host)
    async with pool:
        async with pool.embed_many(
            args.model,
            read_corpus(spec),
            batch_size=args.batch_size,
            max_batch_chars=args.max_batch_chars,
            skip=done,
            ordered=False,
            dtype="float32",
            truncate=args.truncate,
            on_progress=on_progress,
        ) as batches:
            async for batch in batches:
                await anyio.to_thread.run_sync(
                    store.write, batch.index, batch.ids, batch.embeddings
                )
                progress.advance(len(batch.ids), _shares(per_host))
        return RunStats(per_host, pool.stats())


class RunStats:
    """What the summary reports: texts per host (from embed_many) and the pool's counters."""

    def __init__(self, texts_per_host: dict[str, int], pool: PoolStats) -> None:
        self.texts_per_host = texts_per_host
        self.pool = pool

    @property
    def retries(self) -> int:
        """Failed attempts, every one of them retried on some host (the run finished)."""
        return sum(host.failed for host in self.pool.hosts)


def _shares(per_host: dict[str, int]) -> str:
    """Each host's share of the texts embedded so far, e.g. `h1 51% h2 49%`."""
    total = sum(per_host.values()) or 1
    return " ".join(f"{_short(host)} {100 * n / total:.0f}%" for host, n in per_host.items())


def _short(url: str) -> str:
    return url.split("://", 1)[-1]


def _summary(
    rows: int, embedded: int, batches: int, seconds: float, stats: RunStats, out: Path
) -> None:
    rate = embedded / seconds if seconds > 0 else 0.0
    print(f"wrote {rows:,} vectors to {out}", file=sys.stderr)
    print(
        f"embedded {embedded:,} texts in {batches:,} batches in {seconds:,.1f} s "
        f"({rate:,.0f} texts/s); {stats.retries:,} failed attempts retried",
        file=sys.stderr,
    )
    for host in stats.pool.hosts:
        failures = ", ".join(f"{kind} {count}" for kind, count in sorted(host.failures.items()))
        texts = stats.texts_per_host.get(host.host, 0)
        print(
            f"  {_short(host.host)}: {texts:,} texts in {host.done:,} requests"
            + (f"; failures: {failures}" if failures else ""),
            file=sys.stderr,
        )
