"""What both adapters share: a host pool on a private event loop, and the batch formats."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from .._extras import require

if TYPE_CHECKING:
    from .. import AsyncHostPool

__all__ = ["PoolRunner", "column_values", "with_column"]

T = TypeVar("T")


class PoolRunner:
    """An `AsyncHostPool` living on a private event-loop thread, driven from sync code.

    Ray (and Spark, Dask) call a batch function from ordinary sync code; the pool needs an
    event loop to keep several requests in flight, so it gets one of its own, started on
    first use and kept for the worker's lifetime. A runner pickles as its settings only
    (a Dask or Spark task gets a fresh pool where it runs).
    """

    def __init__(self, hosts: Sequence[str] | str | None, pool_options: dict[str, Any]) -> None:
        self._hosts = hosts
        self._options = dict(pool_options)
        self._lock = threading.Lock()
        self._stack: contextlib.ExitStack | None = None
        self._portal: BlockingPortal | None = None
        self._pool: AsyncHostPool | None = None

    @property
    def pool(self) -> AsyncHostPool:
        """The pool (started on first use)."""
        self._start()
        assert self._pool is not None
        return self._pool

    def call(self, function: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run `function(*args)` on the pool's loop and wait for its result."""
        portal = self._start()
        return portal.call(function, *args)

    def _start(self) -> BlockingPortal:
        with self._lock:
            if self._portal is None:
                stack = contextlib.ExitStack()
                portal = stack.enter_context(start_blocking_portal())
                try:
                    self._pool = portal.call(self._open)
                except BaseException:
                    stack.close()
                    raise
                self._stack, self._portal = stack, portal
            return self._portal

    async def _open(self) -> AsyncHostPool:
        from .. import AsyncHostPool

        return AsyncHostPool(self._hosts, **self._options)

    def close(self) -> None:
        """Close the pool's connections and stop its loop (a later call starts them again)."""
        with self._lock:
            stack, portal, pool = self._stack, self._portal, self._pool
            self._stack = self._portal = self._pool = None
        if stack is None or portal is None or pool is None:
            return
        try:
            portal.call(pool.aclose)
        finally:
            stack.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"hosts": self._hosts, "options": self._options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["hosts"], state["options"])  # type: ignore[misc]

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

    `vectors=True` takes an `(n, dim)` matrix and stores it as a fixed-size list column in
    pyarrow (of the matrix's float type), one array per row in pandas, the matrix itself in
    a dict of numpy arrays.
    """
    if hasattr(batch, "column_names"):  # pyarrow.Table
        pa = require("pyarrow", "ray", "Ray batches")
        if vectors:
            array = pa.FixedSizeListArray.from_arrays(
                pa.array(values.reshape(-1)), int(values.shape[1])
            )
        else:
            array = pa.array(values, type=pa.string())
        if name in batch.column_names:
            return batch.set_column(batch.column_names.index(name), name, array)
        return batch.append_column(name, array)
    if hasattr(batch, "columns"):  # pandas.DataFrame
        batch = batch.copy()
        batch[name] = list(values) if vectors else values
        return batch
    np = require("numpy", "ray", "Ray batches")
    out = dict(batch)
    out[name] = values if vectors else np.asarray(values, dtype=object)
    return out
