"""Ray Data adapters (extra ``ray``): embed or generate a dataset across several Ollama servers.

```
import ray
from ollama_lite.ray import OllamaEmbedder

ds = ray.data.read_parquet("corpus/")
ds = ds.map_batches(
    OllamaEmbedder,
    fn_constructor_kwargs={"hosts": HOSTS, "model": "nomic-embed-text", "id_column": "id"},
    batch_size=512,                              # rows per Ray batch, split into requests
    compute=ray.data.ActorPoolStrategy(size=2),  # actors are cheap: the servers do the work
    batch_format="pyarrow",
)
ds.write_parquet("embedded/")
```

Every actor holds an `AsyncHostPool` over *all* the hosts (least-busy routing, cooldowns,
failover), so a server that dies mid-job costs retries, not the job. Do not pin one host per
actor: a pinned actor whose server dies fails the whole dataset.

Sizing: requests in flight = actors x hosts x `max_in_flight_per_host`. Ollama runs an
embedding model in one slot per server, so 2 per host keeps a server fed; one or two actors
per driver node are enough (the work happens on the Ollama servers, outside Ray); add actors
only when one actor's CPU (JSON decoding) is the limit. Ray's `batch_size` (rows per call)
is cut into requests of `request_batch_size` texts.

At least once: Ray retries a failed task or restarts an actor and runs its rows again, so a
row can be embedded (and written) twice. Carry an id column (`id_column`, passed through
untouched) and dedupe on it when reading, or write idempotently.

Resume: Ray Data has none. To continue a stopped job, drop the ids already written and run
the same pipeline into the same folder::

    done = set(pq.read_table("embedded/", columns=["id"]).column("id").to_pylist())
    ds = ray.data.read_parquet("corpus/").filter(lambda row: row["id"] not in done)

Other engines: an instance pickles as its settings and starts its own pool where it is
first called, so Spark and Dask can take one per task::

    # Spark: schema "id string, text string, embedding array<float>"
    df.mapInPandas(lambda frames: map(OllamaEmbedder(HOSTS, "nomic-embed-text"), frames), schema)
    # Dask: meta is an empty frame with the output columns
    ddf.map_partitions(OllamaEmbedder(HOSTS, "nomic-embed-text"), meta=meta)

`OllamaGenerator` has the same shape for batch generation: one non-streamed `generate` per
row of `prompt_column`, replies in `output_column` in row order.
"""

from __future__ import annotations

from ._embedder import OllamaEmbedder
from ._generator import OllamaGenerator

__all__ = ["OllamaEmbedder", "OllamaGenerator"]
