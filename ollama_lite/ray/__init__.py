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
embedding model in one slot per server, so 2 per host keeps a server fed; add actors only
when one actor's CPU (JSON decoding) is the bottleneck.

Ray runs tasks at least once: a retried task embeds its rows again. Carry an id column
(`id_column`) and dedupe on it, or write idempotently (one file per input file or block).
Ray Data has no resume: to continue a job, filter out the ids already written, e.g.
``ds.filter(lambda row: row["id"] not in done_ids)`` (or a join against the output), then
run the same pipeline.

The same classes work in other engines, one instance per task:
Spark: ``df.mapInPandas(lambda frames: map(OllamaEmbedder(hosts, model), frames), schema)``;
Dask: ``ddf.map_partitions(OllamaEmbedder(hosts, model), meta=...)``.
"""

from __future__ import annotations

from ._embedder import OllamaEmbedder
from ._generator import OllamaGenerator

__all__ = ["OllamaEmbedder", "OllamaGenerator"]
