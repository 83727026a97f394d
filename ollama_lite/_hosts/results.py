"""What embed_many hands out: batches of vectors, and progress reports."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .._extras import require

__all__ = ["EmbedBatch", "EmbedProgress", "ProgressTracker"]

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class EmbedBatch(Generic[V]):
    """One embedded batch: `embeddings[i]` is the vector of the text whose id is `ids[i]`.

    `index` numbers the batch in the input (the same on every run over the same input, so
    store it and pass it in `skip=` to resume); `ids` are the caller's ids, or the texts'
    positions in the input; `embeddings` is a list of lists, or a float32 matrix with
    `dtype="float32"`; `host` is the server that embedded it.
    """

    index: int
    ids: list[Any]
    embeddings: V
    host: str

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        """(id, vector) pairs."""
        vectors: Any = self.embeddings
        return zip(self.ids, vectors, strict=True)


@dataclass(frozen=True, slots=True)
class EmbedProgress:
    """Where an embed_many run is: texts done (skipped ones included) out of `texts_total`
    (None when the input has no length), the rate of texts embedded per second, and texts
    embedded per host."""

    texts_done: int
    texts_total: int | None
    texts_skipped: int
    batches_done: int
    elapsed: float
    texts_per_second: float
    per_host: dict[str, int] = field(default_factory=dict)


class ProgressTracker:
    """Counts what embed_many finished and reports it to a callback and/or a tqdm bar."""

    def __init__(
        self,
        total: int | None,
        callback: Callable[[EmbedProgress], object] | None,
        bar: bool,
    ) -> None:
        self._total = total
        self._callback = callback
        self._started = time.monotonic()
        self._embedded = 0
        self._skipped = 0
        self._batches = 0
        self._per_host: dict[str, int] = {}
        self._bar: Any = _new_bar(total) if bar else None

    def skipped(self, texts: int) -> None:
        """A batch the caller already has was passed over."""
        self._skipped += texts
        if self._bar is not None:
            self._bar.update(texts)

    def finished(self, texts: int, host: str) -> None:
        """A batch of `texts` texts came back from `host`."""
        self._embedded += texts
        self._batches += 1
        self._per_host[host] = self._per_host.get(host, 0) + texts
        if self._bar is not None:
            self._bar.update(texts)
            self._bar.set_postfix(_short_hosts(self._per_host), refresh=False)
        if self._callback is not None:
            self._callback(self.snapshot())

    def snapshot(self) -> EmbedProgress:
        """The progress so far."""
        elapsed = time.monotonic() - self._started
        return EmbedProgress(
            texts_done=self._embedded + self._skipped,
            texts_total=self._total,
            texts_skipped=self._skipped,
            batches_done=self._batches,
            elapsed=elapsed,
            texts_per_second=self._embedded / elapsed if elapsed > 0 else 0.0,
            per_host=dict(self._per_host),
        )

    def close(self) -> None:
        """Close the bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _new_bar(total: int | None) -> Any:
    tqdm = require("tqdm.auto", "progress", "progress=True", "or pass on_progress=callback").tqdm
    return tqdm(total=total, unit="text", unit_scale=True, desc="embed_many")


def _short_hosts(per_host: dict[str, int]) -> dict[str, int]:
    """Host -> texts, with `http://` dropped to keep the bar short."""
    return {host.split("://", 1)[-1]: count for host, count in per_host.items()}
