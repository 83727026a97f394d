"""What both adapters share: an event loop of their own, the host pool on it, batch formats."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from .._extras import require

__all__ = ["PoolRunner", "column_values", "with_column"]

T = TypeVar("T")


class PoolRunner:
    """An `AsyncHostPool` living on a private event loop thread, driven from sync code.

    Ray calls a `map_batches` class from ordinary (sync) code; the pool needs an event loop
    to keep several requests in flight, so it gets one of its own for the actor's lifetime.
    """

    def __init__(self, hosts: Sequence[str] | str | None, **pool_options: Any) -> None:
        from .. import AsyncHostPool

        self._stack = contextlib.ExitStack()
        self._portal: BlockingPortal = self._stack.enter_context(start_blocking_portal())
        self.pool = self._portal.call(self._open, AsyncHostPool, hosts, pool_options)

    @staticmethod
    async def _open(factory: Any, hosts: Any, options: dict[str, Any]) -> Any:
        if isinstance(hosts, str):
            hosts = [host for host in hosts.split(",") if host.strip()]
        return factory(hosts, **options)

    def call(self, function: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run `function(*args)` on the pool's loop and wait for its result."""
        return self._portal.call(function, *args)

    def close(self) -> None:
        """Close the pool's connections and stop its loop."""
        if self._stack is None:
            return
        stack, self._stack = self._stack, None
        try:
            self._portal.call(self.pool.aclose)
        finally:
            stack.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def column_values(batch: Any, name: str) -> list[Any]:
    """The values of column `name` of a pyarrow Table, pandas DataFrame or dict of arrays."""
    if hasattr(batch, "column_names"):  # pyarrow.Table
        if name not in batch.column_names:
            raise KeyError(f"the batch has no column {name!r} (columns: {batch.column_names})")
        return list(batch.column(name).to_pylist())
    columns = list(batch.columns) if hasattr(batch, "columns") else list(batch)
    if name not in columns:
        raise KeyError(f"the batch has no column {name!r} (columns: {columns})")
    values = batch[name]
    return list(values.tolist() if hasattr(values, "tolist") else values)


def with_column(batch: Any, name: str, values: Any, *, vectors: bool = False) -> Any:
    """The batch with column `name` set to `values`, in the batch's own format.

    `vectors=True` takes an `(n, dim)` float32 matrix and stores it as a fixed-size list of
    float32 in pyarrow (one float32 array per row in pandas and numpy batches).
    """
    if hasattr(batch, "column_names"):  # pyarrow.Table
        pa = require("pyarrow", "ray")
        if vectors:
            dim = int(values.shape[1]) if values.ndim == 2 else 0
            array = pa.FixedSizeListArray.from_arrays(
                pa.array(values.reshape(-1), type=pa.float32()), dim
            )
        else:
            array = pa.array(values)
        if name in batch.column_names:
            return batch.set_column(batch.column_names.index(name), name, array)
        return batch.append_column(name, array)
    if vectors:
        values = list(values)
    if hasattr(batch, "columns"):  # pandas.DataFrame
        batch = batch.copy()
        batch[name] = values
        return batch
    np = require("numpy", "ray")
    out = dict(batch)
    out[name] = np.stack(values) if vectors and values else np.asarray(values, dtype=object)
    return out
