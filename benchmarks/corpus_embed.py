"""A corpus from the shell and from Ray, against a plain loop and one-process embed_many.

    python benchmarks/corpus_embed.py              # the full run (a few minutes, Ray included)
    python benchmarks/corpus_embed.py --no-ray     # only the command vs the loop
    python benchmarks/corpus_embed.py --smoke      # tiny, no Ray (for the test suite)

Four fake servers run in their own processes with Ollama's capacity for an embedding model
(one slot; 10 ms per request plus 2 ms per text of simulated GPU time that costs no CPU),
so one server embeds at most 64 / 0.138 s = 464 texts/s in 64-text batches. Each variant
runs as its own process tree, sampled every 0.2 s for CPU seconds (user + system, summed
over every process of the tree: Ray's raylet, GCS and workers included) and peak RSS (the
tree's sum); ids are checked to come back exactly once.

1. The command: `ollama-lite embed corpus.jsonl --hosts <4 servers> --out v.parquet`
   vs a plain loop of `Client.embed` over 64-text batches on one host (what users write
   first), writing the same parquet file.
2. Ray Data with `OllamaEmbedder` (2 actors, each a pool over the 4 servers; `ray.init`
   timed apart) vs `AsyncHostPool.embed_many` in one process, both writing parquet.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
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


def corpus_rows(count: int) -> list[dict[str, str]]:
    return [
        {"id": f"doc-{i}", "text": f"passage {i}: the quick brown fox jumps over dog {i % 97}"}
        for i in range(count)
    ]


# -- the measured programs (each runs in a child process) ----------------------------------


def child_loop(urls: list[str], source: Path, out: Path) -> dict[str, Any]:
    """A plain loop over one host: one request at a time, then one parquet file."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ollama_lite import Client

    job = time.perf_counter()
    rows = [json.loads(line) for line in source.open(encoding="utf-8")]
    ids, vectors = [], []
    with Client(urls[0]) as client:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            reply = client.embed(MODEL, [row["text"] for row in chunk])
            ids.extend(row["id"] for row in chunk)
            vectors.append(np.asarray(reply.embeddings, dtype=np.float32))
    matrix = np.concatenate(vectors)
    column = pa.FixedSizeListArray.from_arrays(pa.array(matrix.reshape(-1)), matrix.shape[1])
    pq.write_table(pa.table({"id": ids, "vector": column}), out)
    return {"job_seconds": time.perf_counter() - job}


def child_embed_many(urls: list[str], source: Path, out: Path) -> dict[str, Any]:
    """`AsyncHostPool.embed_many` over every host in one process, then one parquet file."""
    import anyio
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ollama_lite import AsyncHostPool

    job = time.perf_counter()
    pairs = [(r["id"], r["text"]) for r in map(json.loads, source.open(encoding="utf-8"))]

    async def run() -> tuple[list[str], Any]:
        ids: list[str] = []
        parts = []
        pool = AsyncHostPool(urls)
        batches = pool.embed_many(MODEL, pairs, batch_size=BATCH, dtype="float32")
        async with pool, batches:
            async for batch in batches:
                ids.extend(batch.ids)
                parts.append(batch.embeddings)
        return ids, np.concatenate(parts)

    ids, matrix = anyio.run(run)
    column = pa.FixedSizeListArray.from_arrays(pa.array(matrix.reshape(-1)), matrix.shape[1])
    pq.write_table(pa.table({"id": ids, "vector": column}), out)
    return {"job_seconds": time.perf_counter() - job}


def child_ray(urls: list[str], source: Path, out: Path) -> dict[str, Any]:
    """Ray Data: 2 actors with `OllamaEmbedder` (a pool over every host each), to parquet."""
    import ray

    from ollama_lite.ray import OllamaEmbedder

    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    init = time.perf_counter() - started
    job = time.perf_counter()
    ray.data.read_json(str(source)).map_batches(
        OllamaEmbedder,
        fn_constructor_kwargs={
            "hosts": urls,
            "model": MODEL,
            "id_column": "id",
            "request_batch_size": BATCH,
        },
        batch_size=512,
        compute=ray.data.ActorPoolStrategy(size=2),
        num_cpus=0.5,
        batch_format="pyarrow",
    ).write_parquet(str(out))
    return {"ray_init_seconds": init, "job_seconds": time.perf_counter() - job}


CHILDREN = {"loop": child_loop, "embed_many": child_embed_many, "ray": child_ray}


# -- measuring a process tree ----------------------------------------------------------------


class TreeSampler:
    """Samples a process and its descendants from /proc (Linux): peak summed RSS, CPU seconds
    per process (the largest value seen for each, summed at the end)."""

    def __init__(self, pid: int) -> None:
        self._root = pid
        self._tick = float(os.sysconf("SC_CLK_TCK"))
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._cpu: dict[int, float] = {}
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.2)

    @staticmethod
    def _stat(pid: str) -> list[bytes] | None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            return None
        return stat[stat.rindex(b")") + 2 :].split()  # fields from `state` on

    def sample(self) -> None:
        parents: dict[int, int] = {}
        stats: dict[int, list[bytes]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (fields := self._stat(entry)) is not None:
                parents[int(entry)] = int(fields[1])
                stats[int(entry)] = fields
        tree, frontier = {self._root}, [self._root]
        children: dict[int, list[int]] = {}
        for pid, parent in parents.items():
            children.setdefault(parent, []).append(pid)
        while frontier:
            for child in children.get(frontier.pop(), []):
                if child not in tree:
                    tree.add(child)
                    frontier.append(child)
        rss = 0
        for pid in tree & stats.keys():
            fields = stats[pid]
            cpu = (int(fields[11]) + int(fields[12])) / self._tick
            self._cpu[pid] = max(self._cpu.get(pid, 0.0), cpu)
            rss += int(fields[21]) * self._page
        self.peak_rss = max(self.peak_rss, rss)

    def stop(self) -> float:
        """Stop sampling; the CPU seconds seen."""
        self._stop.set()
        self._thread.join()
        return sum(self._cpu.values())


def measure(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    sampler = TreeSampler(process.pid)
    stdout, stderr = process.communicate(timeout=1800)
    wall = time.perf_counter() - started
    cpu = sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"{command} failed with exit code {process.returncode}:\n{stderr}")
    extra = json.loads(stdout.strip().splitlines()[-1]) if stdout.strip() else {}
    summary = re.search(r"texts in [\d,]+ batches in ([\d,.]+) s", stderr)
    if summary:  # the command's own figure: reading, embedding and writing the parts
        extra["job_seconds"] = float(summary.group(1).replace(",", ""))
    return {"seconds": wall, "cpu_seconds": cpu, "peak_rss_mib": sampler.peak_rss / 2**20, **extra}


def check_output(out: Path, expected: int) -> None:
    import pyarrow.parquet as pq

    ids = pq.read_table(out, columns=["id"]).column("id").to_pylist()
    if len(ids) != expected or len(set(ids)) != expected:
        raise SystemExit(f"{out}: {len(set(ids))} distinct ids of {len(ids)}, expected {expected}")


def run(count: int, per_text: str, dims: str, with_ray: bool) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        work = Path(folder)
        source = work / "corpus.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in corpus_rows(count)))
        servers = [
            stack.enter_context(fake_server(*CAPACITY, per_text, "--embedding-dim", dims))
            for _ in range(4)
        ]
        urls = [server.url for server in servers]
        me = [sys.executable, __file__]

        def variant(name: str, command: list[str], out: Path) -> None:
            before = sum(server.meter.cpu_seconds() or 0.0 for server in servers)
            row = {"variant": name, "texts": count, **measure(command, env)}
            row["server_cpu_seconds"] = (
                sum(server.meter.cpu_seconds() or 0.0 for server in servers) - before
            )
            check_output(out, count)
            row["texts_per_s"] = count / row.get("job_seconds", row["seconds"])
            results.append(row)
            print(json.dumps(row), file=sys.stderr)

        hosts = ",".join(urls)
        # Warm-up: every server loads its model; imports are cached.
        warm = work / "warm.jsonl"
        warm.write_text("".join(json.dumps(r) + "\n" for r in corpus_rows(4 * BATCH)))
        variant_args = [*me, "--child", "embed_many", "--urls", hosts, "--source", str(warm)]
        subprocess.run([*variant_args, "--out", str(work / "warm.parquet")], env=env, check=True)

        out = work / "loop.parquet"
        variant("plain loop, 1 host", [*me, "--child", "loop", "--urls", hosts,
                "--source", str(source), "--out", str(out)], out)  # fmt: skip
        out = work / "cli.parquet"
        cli = [sys.executable, "-m", "ollama_lite", "embed", str(source), "-m", MODEL,
               "--hosts", hosts, "--id-field", "id", "-o", str(out), "--no-progress"]  # fmt: skip
        variant("ollama-lite embed, 4 hosts", cli, out)
        out = work / "embed_many.parquet"
        variant("embed_many, 4 hosts, 1 process", [*me, "--child", "embed_many", "--urls", hosts,
                "--source", str(source), "--out", str(out)], out)  # fmt: skip
        if with_ray:
            out = work / "ray_out"
            variant("Ray Data + OllamaEmbedder, 2 actors, 4 hosts", [*me, "--child", "ray",
                    "--urls", hosts, "--source", str(source), "--out", str(out)], out)  # fmt: skip
    return results


def report(rows: list[dict[str, Any]], count: int, dims: str) -> None:
    print(
        f"{count:,} texts of {dims}-d over capacity-limited fake servers (464 texts/s each at "
        f"most); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'variant':<46} {'work s':>6} {'texts/s':>8} {'wall s':>6} {'CPU s':>6} {'peak RSS':>9}"
    )
    for row in rows:
        note = f" (ray.init {row['ray_init_seconds']:.0f} s)" if "ray_init_seconds" in row else ""
        print(
            f"{row['variant']:<46} {row.get('job_seconds', row['seconds']):>6.1f} "
            f"{row['texts_per_s']:>8.0f} {row['seconds']:>6.1f} {row['cpu_seconds']:>6.1f} "
            f"{row['peak_rss_mib']:>6.0f} MiB{note}"
        )
    print(
        "work s: the job itself (texts/s is over it); wall s: the whole process tree's life, "
        "start-up included; CPU s: every process of the tree"
    )
    by_name = {row["variant"].split(",")[0]: row for row in rows}
    loop, cli = by_name["plain loop"], by_name["ollama-lite embed"]
    print(f"command vs plain loop: {cli['texts_per_s'] / loop['texts_per_s']:.2f}x texts/s")
    if "Ray Data + OllamaEmbedder" in by_name:
        ray_row, many = by_name["Ray Data + OllamaEmbedder"], by_name["embed_many"]
        print(
            f"Ray vs embed_many: {ray_row['texts_per_s'] / many['texts_per_s']:.2f}x texts/s, "
            f"{ray_row['cpu_seconds'] / many['cpu_seconds']:.1f}x CPU, "
            f"{ray_row['peak_rss_mib'] / many['peak_rss_mib']:.1f}x RSS"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/corpus_embed.py")
    parser.add_argument("--texts", type=int, default=9600)
    parser.add_argument("--dims", default="64", help="vector size of the fake model")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray row")
    parser.add_argument("--smoke", action="store_true", help="tiny, no Ray (tests)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.urls.split(","), args.source, args.out)))
        return 0
    count, per_text, dims, with_ray = args.texts, "0.002", args.dims, not args.no_ray
    if args.smoke:
        count, per_text, dims, with_ray = 320, "0.0005", "8", False
    rows = run(count, per_text, dims, with_ray)
    report(rows, count, dims)
    if args.json:
        args.json.write_text(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
