"""Embed a corpus over several Ollama servers, store it in shards, and resume after a crash.

Set OLLAMA_HOSTS=http://gpu1:11434,http://gpu2:11434 to use your servers (else
OLLAMA_HOST, else three bundled fake servers). Each batch is written to its own file,
named by its batch index, through a temporary file and a rename; a rerun passes the
indices already on disk as `skip=` and embeds exactly the missing batches.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _connect import EMBED_MODEL, ollama_hosts

import ollama_lite

CORPUS = [(f"doc-{i}", f"Passage {i}: llamas and alpacas live in the Andes.") for i in range(600)]


def stored(folder: Path) -> set[int]:
    """Batch indices already written."""
    return {int(path.stem.split("-")[1]) for path in folder.glob("part-*.jsonl")}


def embed_into(pool: ollama_lite.HostPool, folder: Path, crash_after: int | None = None) -> None:
    with pool.embed_many(EMBED_MODEL, CORPUS, batch_size=32, skip=stored(folder)) as batches:
        for count, batch in enumerate(batches, start=1):
            rows = (json.dumps({"id": doc_id, "embedding": vector}) for doc_id, vector in batch)
            temporary = folder / f".part-{batch.index:06d}.tmp"
            temporary.write_text("\n".join(rows))
            temporary.rename(folder / f"part-{batch.index:06d}.jsonl")
            if count == crash_after:
                raise KeyboardInterrupt  # as if the process were stopped here


with ollama_hosts(3) as hosts, ollama_lite.HostPool(hosts) as pool:
    folder = Path(tempfile.mkdtemp(prefix="embeddings-"))
    try:
        embed_into(pool, folder, crash_after=5)
    except KeyboardInterrupt:
        print(f"Interrupted with {len(stored(folder))} batches on disk; resuming")
    embed_into(pool, folder)
    ids = [json.loads(line)["id"] for part in folder.glob("part-*.jsonl") for line in part.open()]
    print(f"{len(set(ids))} of {len(CORPUS)} texts embedded, {len(ids) - len(set(ids))} twice")
    for host in pool.stats().hosts:
        print(f"{host.host}: {host.done} requests, failures {host.failures or 'none'}")
