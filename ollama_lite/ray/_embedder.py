"""`OllamaEmbedder`: a `map_batches` class that adds an embedding column to each batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._extras import require
from .._hosts import DEFAULT_MAX_BATCH_CHARS, PoolStats
from .._hosts.batching import check_limits
from ._runner import PoolRunner, column_values, with_column

__all__ = ["OllamaEmbedder"]


class OllamaEmbedder:
    """Embeds a text column into a float32 vector column, across all `hosts`.

    For `Dataset.map_batches` (batch formats ``pyarrow``, ``pandas`` and ``numpy``): each
    Ray batch is cut into requests of `request_batch_size` texts, sent through one
    `AsyncHostPool` per worker (at most `max_in_flight_per_host` per server, failover on
    errors; other keywords such as `max_attempts` or `timeout` go to the pool), and the
    vectors come back in row order as `output_column`: a fixed-size list of float32 in
    pyarrow, one float32 array per row in pandas, an `(n, dim)` matrix in numpy batches
    (`float32=False` gives float64). The `id_column`, when given, must exist; it is passed
    through untouched so that at-least-once task retries can be deduplicated downstream.
    `truncate`, `keep_alive`, `options` and `dimensions` are `embed`'s. An instance pickles
    as its settings, so Spark and Dask tasks can take one.
    """

    def __init__(
        self,
        hosts: Sequence[str] | str | None = None,
        model: str = "nomic-embed-text",
        *,
        text_column: str = "text",
        output_column: str = "embedding",
        id_column: str | None = None,
        request_batch_size: int = 64,
        max_in_flight_per_host: int = 2,
        float32: bool = True,
        truncate: bool | None = None,
        keep_alive: float | str | None = None,
        options: Mapping[str, Any] | None = None,
        dimensions: int | None = None,
        **pool_options: Any,
    ) -> None:
        require("numpy", "ray", "OllamaEmbedder")
        check_limits(request_batch_size, DEFAULT_MAX_BATCH_CHARS)
        self.model = model
        self.text_column = text_column
        self.output_column = output_column
        self.id_column = id_column
        self.request_batch_size = request_batch_size
        self.float32 = float32
        self._dim = dimensions or 0
        self._embed_options: dict[str, Any] = {
            key: value
            for key, value in (
                ("truncate", truncate),
                ("keep_alive", keep_alive),
                ("options", dict(options) if options else None),
                ("dimensions", dimensions),
            )
            if value is not None
        }
        pool_options["max_in_flight_per_host"] = max_in_flight_per_host
        self._runner = PoolRunner(hosts, pool_options)

    def __call__(self, batch: Any) -> Any:
        """The batch with `output_column` holding one vector per row, in row order."""
        texts = column_values(batch, self.text_column)
        if self.id_column is not None:
            column_values(batch, self.id_column)  # must exist: it is what dedupe keys on
        matrix = self._runner.call(self._embed, texts)
        if not self.float32:
            matrix = matrix.astype("float64")
        return with_column(batch, self.output_column, matrix, vectors=True)

    async def _embed(self, texts: list[Any]) -> Any:
        np = require("numpy", "ray", "OllamaEmbedder")
        parts = []
        async with self._runner.pool.embed_many(
            self.model,
            texts,
            batch_size=self.request_batch_size,
            ordered=True,
            dtype="float32",
            **self._embed_options,
        ) as batches:
            async for batch in batches:
                parts.append(batch.embeddings)
        if not parts:
            return np.zeros((0, self._dim), dtype=np.float32)
        matrix = np.concatenate(parts) if len(parts) > 1 else parts[0]
        self._dim = int(matrix.shape[1])
        return matrix

    def stats(self) -> PoolStats:
        """The pool's per-host statistics (requests, failures, cooldowns)."""
        return self._runner.pool.stats()

    def close(self) -> None:
        """Close the pool's connections (Ray does this when the actor ends)."""
        self._runner.close()
