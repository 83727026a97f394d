"""`OllamaGenerator`: a `map_batches` class that adds a generated-text column to each batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import anyio

from .._hosts import PoolStats
from ._runner import PoolRunner, column_values, with_column

__all__ = ["OllamaGenerator"]


class OllamaGenerator:
    """Generates one reply per row of `prompt_column` into `output_column`, across `hosts`.

    Non-streamed `generate` calls, one per row, as many at once as the pool allows
    (hosts x `max_in_flight_per_host`); replies come back in row order. `system`, `options`,
    `format`, `think` and `keep_alive` are passed to every call. `retry_generation=True` lets
    the pool retry a request whose connection broke after it was sent (the first server may
    already have spent the time; replies differ unless `options` fixes a `seed`).
    """

    def __init__(
        self,
        hosts: Sequence[str] | str | None = None,
        model: str = "llama3.2",
        *,
        prompt_column: str = "prompt",
        output_column: str = "response",
        system: str | None = None,
        options: Mapping[str, Any] | None = None,
        format: Any = None,
        think: bool | str | None = None,
        keep_alive: float | str | None = None,
        max_in_flight_per_host: int = 2,
        retry_generation: bool = False,
        **pool_options: Any,
    ) -> None:
        self.model = model
        self.prompt_column = prompt_column
        self.output_column = output_column
        self._arguments: dict[str, Any] = {
            key: value
            for key, value in (
                ("system", system),
                ("options", dict(options) if options else None),
                ("format", format),
                ("think", think),
                ("keep_alive", keep_alive),
            )
            if value is not None
        }
        pool_options["max_in_flight_per_host"] = max_in_flight_per_host
        pool_options["retry_nonstreamed_generation"] = retry_generation
        self._runner = PoolRunner(hosts, pool_options)

    def __call__(self, batch: Any) -> Any:
        """The batch with `output_column` holding each row's reply, in row order."""
        prompts = column_values(batch, self.prompt_column)
        replies = self._runner.call(self._generate_all, prompts)
        return with_column(batch, self.output_column, replies)

    async def _generate_all(self, prompts: list[Any]) -> list[str]:
        replies: list[str] = [""] * len(prompts)
        pool = self._runner.pool

        async def one(row: int, prompt: Any) -> None:
            reply = await pool.generate(self.model, str(prompt), **self._arguments)
            replies[row] = reply.response or ""

        async with anyio.create_task_group() as group:
            for row, prompt in enumerate(prompts):
                group.start_soon(one, row, prompt)
        return replies

    def stats(self) -> PoolStats:
        """The pool's per-host statistics (requests, failures, cooldowns)."""
        return self._runner.pool.stats()

    def close(self) -> None:
        """Close the pool's connections (Ray does this when the actor ends)."""
        self._runner.close()
