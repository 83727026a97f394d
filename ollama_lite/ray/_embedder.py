"""`OllamaEmbedder`: a `map_batches` class that adds an embedding column to each batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._extras import require
from ._runner import PoolRunner, column_values, with_column

__all__ = ["OllamaEmbedder"]


class OllamaEmbedder:
    """Embeds a text column into a float32 vector column, across all `hosts`.

    For `Dataset.map_batches` (batch formats ``pyarrow``, ``pandas`` and ``numpy``): each
    Ray batch is cut into requests of `request_batch_size` texts, sent through one
    `AsyncHostPool` (at most `max_in_flight_per_host` per server, failover on errors), and
    the vectors come back in row order as `output_column`: a fixed-size list of float32 in
    pyarrow, one float32 array per row otherwise (`float32=False` gives float64). The
    `id_column`, when given, must exist; it is passed through untouched so that
    at-least-once task retries can be deduplicated downstream.
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
        **pool_options: Any,
    ) -> None:
        require("numpy", "ray")
        self.model = model
        self.text_column = text_column
        self.output_column = output_column
        self.id_column = id_column
        self.request_batch_size = request_batch_size
        self.float32 = float32
        self._embed_options: dict[str, Any] = {
            key: value
            for key, value in (("truncate", truncate), ("keep_alive", keep_alive))
            if value is not None
        }
        if options:
            self._embed_options["options"] = dict(options)
        self._runner = PoolRunner(
            hosts, max_in_flight_per_host=max_in_flight_per_host, **pool_options
        )

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
        np = require("numpy", "ray")
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        parts = []
        async for result in self._runner.pool.embed_many(
            self.model,
            texts,
            batch_size=self.request_batch_size,
            ordered=True,
            dtype="float32",
            **self._embed_options,
        ):
            parts.append(result.embeddings)
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def stats(self) -> Any:
        """The pool's per-host statistics (requests, failures, cooldowns)."""
        return self._runner.pool.stats()

    def close(self) -> None:
        """Close the pool's connections (Ray does this when the actor ends)."""
        self._runner.close()
