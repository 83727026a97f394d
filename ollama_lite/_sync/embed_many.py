# Generated from ollama_lite/_async/embed_many.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`EmbedBatches`: embed_many's engine, a window of batches in flight over one client
or a pool, handed out as they complete (in input order unless asked otherwise).

The input is read lazily, one batch ahead of what is sent; at most `concurrency` batches
are in flight and at most twice that many are held (in flight, or done and waiting for an
earlier one), so memory is bounded by the window, never by the corpus. Batch numbering is
`BatchPlanner`'s (a pure function of the input and the limits), which makes `skip=` resume
exactly. A batch that cannot be embedded raises; nothing is dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Container, Iterable, Sized
from collections.abc import Set as AbstractSet
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .. import _protocol as protocol
from .._sync_workers import END, EmbedManyInput, Items, Workers
from .._constants import DEFAULT_EMBED_BATCH_SIZE, DEFAULT_EMBED_MAX_BATCH_CHARS
from .._errors import (
    BatchEmbedError,
    BatchInputError,
    InvalidResponseError,
    RequestError,
    ResponseError,
)
from .._hosts import BatchPlanner, PlannedBatch, ReorderBuffer
from .._hosts.results import EmbedBatch, EmbedProgress, ProgressTracker
from .._inputs import positive_int
from .._matrix import EmbedMatrix, check_dtype
from ..types import EmbedResponse
from ..types.params import EmbedManyParams

if TYPE_CHECKING:
    from .client import Client

__all__ = ["EmbedBatches", "EmbedManyInput", "embed_batches"]

V = TypeVar("V")

#: Sends one batch of texts; returns (vectors, host that answered).
EmbedFunction = Callable[[list[str]], Any]


def is_too_long(error: ResponseError) -> bool:
    """True for the server's refusal of a text longer than the model's context."""
    return error.status_code == 400 and "input length exceeds" in error.error.lower()


class EmbedBatches(Generic[V]):
    """The batches of one embed_many run. Use it as a context manager, then iterate:

    ```
    with client.embed_many("nomic-embed-text", texts) as batches:
        for batch in batches:
            store(batch.index, batch.ids, batch.embeddings)
    ```

    Leaving the block early (`break`, an exception, a generator around it closed or
    collected) stops the run: the requests in flight are cut and their connections closed
    (on asyncio/trio by cancellation; with threads the leaving thread cuts them and waits
    for the worker threads to end), and no batch is sent or retried after that. Once a
    batch has failed the run is over: every later step raises again, naming the batch to
    resume from with `skip=`. `progress()` reports how far the run is.
    """

    def __init__(
        self,
        embed: EmbedFunction,
        texts: object,
        *,
        planner: BatchPlanner,
        skip: Container[int],
        ordered: bool,
        concurrency: int,
        on_progress: Callable[[EmbedProgress], object] | None,
        progress: bool,
    ) -> None:
        positive_int(concurrency, "concurrency")
        if on_progress is not None and not callable(on_progress):
            raise RequestError("on_progress must be callable")
        self._embed = embed
        self._items = Items(texts)
        self._planner = planner
        self._skip = skip
        self._buffer: ReorderBuffer[EmbedBatch[V]] = ReorderBuffer(ordered=ordered)
        self._ready: deque[EmbedBatch[V]] = deque()
        self._concurrency = concurrency
        self._held_limit = 2 * concurrency
        self._held = 0  # sent and not yet handed out
        self._input_done = False
        self._input_error: BatchInputError | None = None
        self._tracker = ProgressTracker(
            len(texts) if isinstance(texts, Sized) else None, on_progress, progress
        )
        self._workers: Workers | None = None
        self._failure: BaseException | None = None  # what ended the run, once one failed
        self._stored: set[int] = set()  # indices handed out, for the resume hint

    def __enter__(self) -> EmbedBatches[V]:
        if self._workers is not None:
            raise RequestError("this embed_many run is already open")
        workers = Workers(self._concurrency)
        workers.__enter__()
        self._workers = workers
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tracker.close()
        if self._workers is not None:
            self._workers.__exit__(exc_type, exc, tb)

    def __iter__(self) -> EmbedBatches[V]:
        if self._workers is None:
            raise RequestError(
                "embed_many runs batches in the background: use it as a context manager, "
                "`with client.embed_many(...) as batches: for batch in batches`"
            )
        return self

    def __next__(self) -> EmbedBatch[V]:
        workers = self._workers
        if workers is None:
            raise RequestError("use embed_many in a `with` block (see its docstring)")
        if self._failure is not None:
            raise self._run_over()
        try:
            batch = self._next_batch(workers)
        except StopIteration:
            raise
        except Exception as exc:
            self._failure = exc
            raise
        self._stored.add(batch.index)
        return batch

    def _next_batch(self, workers: Workers) -> EmbedBatch[V]:
        # Keep the window full on every step, even when finished batches are waiting.
        self._fill(workers)
        while not self._ready:
            if workers.running == 0:
                if self._input_error is not None:
                    raise self._input_error
                raise StopIteration
            batch: EmbedBatch[V] = workers.next_done()
            self._tracker.finished(len(batch.ids), batch.host)
            self._buffer.complete(batch.index, batch)
            self._ready.extend(done for _, done in self._buffer.ready())
            self._fill(workers)
        self._held -= 1
        return self._ready.popleft()

    def _run_over(self) -> RequestError:
        """The error of every step after a failure: the run is over, nothing is lost."""
        failure = self._failure
        index = getattr(failure, "batch_index", None)
        where = f" at batch {index}" if index is not None else ""
        error = RequestError(
            f"embed_many: the run failed{where}; rerun with skip={_skip_hint(self._stored)} "
            f"(the batches already handed out) to resume "
            f"(the failure: {type(failure).__name__}: {failure})"
        )
        error.__cause__ = failure
        return error

    def progress(self) -> EmbedProgress:
        """How far the run is now."""
        return self._tracker.snapshot()

    def _fill(self, workers: Workers) -> None:
        """Send batches until the window is full or the input ends."""
        while (
            not self._input_done
            and workers.running < self._concurrency
            and self._held < self._held_limit
        ):
            try:
                planned = self._next_planned()
            except BatchInputError as exc:
                # Raised once the batches before the bad text are handed out.
                self._input_error, self._input_done = exc, True
                return
            if planned is None:
                self._input_done = True
                return
            self._buffer.expect(planned.index)
            self._held += 1
            workers.start(self._run, planned)

    def _next_planned(self) -> PlannedBatch | None:
        """The next batch to send (skipping those in `skip`), or None at the end."""
        while True:
            item = self._items.next()
            if item is END:
                planned = self._planner.finish()
                if planned is None or planned.index not in self._skip:
                    return planned
                self._tracker.skipped(len(planned.texts))
                return None
            planned = self._planner.add(item)
            if planned is None:
                continue
            if planned.index not in self._skip:
                return planned
            self._tracker.skipped(len(planned.texts))

    def _run(self, planned: PlannedBatch) -> EmbedBatch[V]:
        try:
            vectors, host = self._embed(planned.texts)
        except ResponseError as exc:
            raise self._explain(planned, exc) from exc
        except Exception as exc:
            raise _name_the_batch(exc, planned) from None
        if len(vectors) != len(planned.texts):
            raise _name_the_batch(
                InvalidResponseError(
                    f"embed_many: batch {planned.index}: the server sent {len(vectors)} "
                    f"vectors for {len(planned.texts)} texts"
                ),
                planned,
            )
        return EmbedBatch(planned.index, planned.ids, vectors, host)

    def _explain(self, planned: PlannedBatch, error: ResponseError) -> BatchEmbedError:
        """The error for a refused batch, naming the offending text when there is one."""
        last = planned.first_position + len(planned.texts) - 1
        where = f"batch {planned.index} (positions {planned.first_position}-{last})"
        if not is_too_long(error):
            return BatchEmbedError(
                f"embed_many: {where} failed: {error.error}",
                error.status_code,
                batch_index=planned.index,
                position=None,
            )
        offset = self._find_too_long(planned.texts)
        position = planned.first_position + offset
        return BatchEmbedError(
            f"embed_many: {where}: the text at position {position} (item {offset}, "
            f"{len(planned.texts[offset])} characters) is longer than the model's context; "
            f"shorten it or pass truncate=True (server: {error.error})",
            error.status_code,
            batch_index=planned.index,
            position=position,
        )

    def _find_too_long(self, texts: list[str]) -> int:
        """The offset of the first text the server refuses as too long (by halving)."""
        low, high = 0, len(texts)
        while high - low > 1:
            middle = (low + high) // 2
            try:
                self._embed(texts[low:middle])
            except ResponseError as exc:
                if not is_too_long(exc):
                    raise
                high = middle
            else:
                low = middle
        return low


def _name_the_batch(error: Exception, planned: PlannedBatch) -> Exception:
    """`error`, still of its own type (`except AllHostsFailedError` works), naming the batch
    it failed: `batch_index` is set and the message starts with the batch and positions."""
    last = planned.first_position + len(planned.texts) - 1
    error.batch_index = planned.index  # type: ignore[attr-defined]
    where = f"embed_many: batch {planned.index} (positions {planned.first_position}-{last})"
    if where in str(error) or f"batch {planned.index}:" in str(error):
        return error
    if type(error).__str__ is BaseException.__str__ and len(error.args) == 1:
        error.args = (f"{where}: {error.args[0]}",)
    elif hasattr(error, "add_note"):  # Python 3.11+: shown under the traceback
        error.add_note(where)
    return error


def _skip_hint(indices: set[int]) -> str:
    """A Python set of `indices`, runs written as ranges: `{*range(0, 7), 9}`."""
    parts: list[str] = []
    ordered = sorted(indices)
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        first, last = ordered[start], ordered[end]
        parts.append(str(first) if end - start < 2 else f"*range({first}, {last + 1})")
        if 0 < end - start < 2:
            parts.append(str(last))
        start = end + 1
    return "{" + ", ".join(parts) + "}" if parts else "set()"


def embed_batches(
    client: Client,
    model: str,
    texts: object,
    dtype: Literal["float32"] | None,
    settings: EmbedManyParams,
) -> EmbedBatches[Any]:
    """The run of `client.embed_many(...)`: settings checked now, before anything is sent."""
    unknown = sorted(set(settings) - set(EmbedManyParams.__annotations__))
    if unknown:
        raise RequestError(f"embed_many() got unexpected keyword arguments: {unknown}")
    if not isinstance(model, str) or not model:
        raise RequestError("model is required: embed_many(model, texts)")
    check_dtype(dtype)
    truncate = settings.get("truncate")
    options = settings.get("options")
    keep_alive = settings.get("keep_alive")
    dimensions = settings.get("dimensions")
    # Build one request now, so bad options fail here rather than in the first batch.
    protocol.embed(
        model,
        ["check"],
        truncate=truncate,
        options=options,
        keep_alive=keep_alive,
        dimensions=dimensions,
    )
    skip = settings.get("skip", ())
    if not isinstance(skip, AbstractSet):
        if isinstance(skip, (str, bytes)) or not isinstance(skip, Iterable):
            raise RequestError("skip must be a collection of batch indices (a set, a list, ...)")
        skip = frozenset(skip)  # looked up once per batch: a set, whatever was given
    concurrency = settings.get("concurrency")
    planner = BatchPlanner(
        settings.get("batch_size", DEFAULT_EMBED_BATCH_SIZE),
        settings.get("max_batch_chars", DEFAULT_EMBED_MAX_BATCH_CHARS),
    )

    def embed(batch: list[str]) -> tuple[Any, str]:
        reply: EmbedResponse | EmbedMatrix
        if dtype is None:
            reply = client.embed(model, batch, truncate, options, keep_alive, dimensions)
        else:
            reply = client.embed_matrix(
                model, batch, truncate, options, keep_alive, dimensions
            )
        return reply.embeddings, reply.host or client.host

    return EmbedBatches(
        embed,
        texts,
        planner=planner,
        skip=skip,
        ordered=bool(settings.get("ordered", True)),
        concurrency=client._embed_concurrency() if concurrency is None else concurrency,
        on_progress=settings.get("on_progress"),
        progress=bool(settings.get("progress", False)),
    )
