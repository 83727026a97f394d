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
from .._hosts.batching import BatchPlanner
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
        hosts = hosts_from(args.hosts)
        check_hosts(hosts, args.model)
        done = store.open(_settings(spec, args), resume=args.resume)
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
    progress = Progress(texts, unit="texts", enabled=not args.no_progress)
    progress.done = already = sum(_batch_sizes(spec, args, done))
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
) -> Any:
    from .. import AsyncHostPool

    async with AsyncHostPool(hosts, max_in_flight_per_host=args.max_in_flight_per_host) as pool:
        async for batch in pool.embed_many(
            args.model,
            read_corpus(spec),
            batch_size=args.batch_size,
            max_batch_chars=args.max_batch_chars,
            skip=done,
            ordered=False,
            dtype="float32",
            truncate=args.truncate,
        ):
            await anyio.to_thread.run_sync(store.write, batch.index, batch.ids, batch.embeddings)
            progress.advance(len(batch.ids), _shares(pool.stats()))
        return pool.stats()


def _shares(stats: Any) -> str:
    """Each host's share of the texts embedded so far, e.g. `h1 51% h2 49%`."""
    total = sum(host.texts for host in stats.hosts) or 1
    return " ".join(f"{_short(host.host)} {100 * host.texts / total:.0f}%" for host in stats.hosts)


def _short(url: str) -> str:
    return url.split("://", 1)[-1]


def _summary(rows: int, embedded: int, batches: int, seconds: float, stats: Any, out: Path) -> None:
    rate = embedded / seconds if seconds > 0 else 0.0
    retries = sum(host.failed for host in stats.hosts)
    print(f"wrote {rows:,} vectors to {out}", file=sys.stderr)
    print(
        f"embedded {embedded:,} texts in {batches:,} batches in {seconds:,.1f} s "
        f"({rate:,.0f} texts/s); {retries:,} failed attempts retried",
        file=sys.stderr,
    )
    for host in stats.hosts:
        failures = ", ".join(f"{kind} {count}" for kind, count in sorted(host.failures.items()))
        print(
            f"  {_short(host.host)}: {host.texts:,} texts in {host.done:,} requests"
            + (f"; retried after: {failures}" if failures else ""),
            file=sys.stderr,
        )
