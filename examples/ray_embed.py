"""Embed a dataset with Ray Data across several Ollama servers, and resume a stopped job.

Needs the extra `ray` (pip install "ollama-lite[ray]"). Set OLLAMA_HOSTS to your servers
(else OLLAMA_HOST, else three bundled fake servers). Each Ray actor holds a pool over all
the servers, so one that dies costs retries, not the job. Ray runs tasks at least once and
has no resume of its own: the rows carry an id, a rerun filters out the ids already
written, and the reader dedupes on the id.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import ray
from _connect import EMBED_MODEL, ollama_hosts

from ollama_lite.ray import OllamaEmbedder

ROWS = [{"id": f"doc-{i}", "text": f"Passage {i}: llamas graze in the Andes."} for i in range(600)]


def written_ids(folder: Path) -> set[str]:
    """The ids already in the output (every file a finished Ray write task produced)."""
    files = sorted(folder.glob("*.parquet"))
    return {i for f in files for i in pq.read_table(f, columns=["id"]).column("id").to_pylist()}


def embed(rows: list[dict[str, str]], hosts: list[str] | None, folder: Path) -> int:
    """Embed the rows whose ids are not in `folder` yet; returns how many were left to do."""
    done = written_ids(folder)
    todo = [row for row in rows if row["id"] not in done]  # or Dataset.filter on a big input
    ray.data.from_items(todo).map_batches(
        OllamaEmbedder,
        fn_constructor_kwargs={
            "hosts": hosts or os.environ.get("OLLAMA_HOSTS") or os.environ.get("OLLAMA_HOST"),
            "model": EMBED_MODEL,
            "id_column": "id",  # what dedupe and resume key on
            "request_batch_size": 64,  # texts per request
            "max_in_flight_per_host": 2,  # total in flight = actors x hosts x 2
        },
        batch_size=256,  # rows per Ray batch, cut into requests
        compute=ray.data.ActorPoolStrategy(size=2),  # actors are cheap: the servers work
        num_cpus=0.5,
        batch_format="pyarrow",
    ).write_parquet(str(folder))
    return len(todo)


def main(hosts: list[str] | None) -> None:
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    folder = Path(tempfile.mkdtemp(prefix="ray-embeddings-"))
    first = embed(ROWS[:400], hosts, folder)  # a job that stopped part way
    print(f"First job: {first} rows embedded")
    rest = embed(ROWS, hosts, folder)  # the rerun: only the ids not written yet
    print(f"Rerun: {rest} rows left to embed")
    table = pq.read_table(folder)
    ids = table.column("id").to_pylist()
    print(f"{len(set(ids))} of {len(ROWS)} rows embedded, {len(ids) - len(set(ids))} twice")
    print(f"vector column: {table.schema.field('embedding').type}")


if __name__ == "__main__":
    with ollama_hosts(3) as fake_hosts:
        main(fake_hosts)
