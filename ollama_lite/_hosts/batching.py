"""embed_many's batches: cut the input into numbered batches, check every text on the way.

Batch boundaries depend only on the input and the two limits (`batch_size` texts,
`max_batch_chars` characters), never on timing or hosts, so a rerun over the same input
numbers its batches the same way and `skip=` (the indices already stored) resumes exactly.
The planner is push-based (`add` one item, `finish` at the end) so sync and async inputs
share it, and it holds one batch at a time.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from .._constants import DEFAULT_EMBED_BATCH_SIZE, DEFAULT_EMBED_MAX_BATCH_CHARS
from .._errors import BatchInputError
from .._inputs import positive_int

__all__ = ["DEFAULT_BATCH_SIZE", "DEFAULT_MAX_BATCH_CHARS", "BatchPlanner", "PlannedBatch"]

DEFAULT_BATCH_SIZE = DEFAULT_EMBED_BATCH_SIZE
DEFAULT_MAX_BATCH_CHARS = DEFAULT_EMBED_MAX_BATCH_CHARS


@dataclass(frozen=True, slots=True)
class PlannedBatch:
    """Texts bound for one request. `ids` are the caller's ids, or input positions."""

    index: int
    ids: list[Any]
    texts: list[str]
    first_position: int

    @property
    def chars(self) -> int:
        """Characters in all the texts."""
        return sum(len(text) for text in self.texts)


def check_limits(batch_size: object, max_batch_chars: object) -> None:
    """Refuse batch settings that are not positive ints."""
    positive_int(batch_size, "batch_size")
    positive_int(max_batch_chars, "max_batch_chars")


class BatchPlanner:
    """Turns a stream of texts (or `(id, text)` pairs) into `PlannedBatch`es.

    All items must be of one kind: plain strings (ids are their positions, from 0) or
    pairs. Empty texts and non-strings are refused with an error naming the position and
    the batch it would have joined.
    """

    def __init__(
        self,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_batch_chars: int = DEFAULT_MAX_BATCH_CHARS,
    ) -> None:
        check_limits(batch_size, max_batch_chars)
        self.batch_size = batch_size
        self.max_batch_chars = max_batch_chars
        self._paired: bool | None = None
        self._position = 0
        self._index = 0
        self._ids: list[Any] = []
        self._texts: list[str] = []
        self._chars = 0
        self._first = 0

    @property
    def positions(self) -> int:
        """Items read so far."""
        return self._position

    def add(self, item: object) -> PlannedBatch | None:
        """Read one item; return the batch it closed, if adding it closed one."""
        position = self._position
        paired = not isinstance(item, str)
        if self._paired is None:
            self._paired = paired
        elif paired != self._paired:
            expected = "(id, text) pairs" if self._paired else "strings"
            raise self._error(
                position, f"is {_describe(item)}, but the input began with {expected}"
            )
        if paired:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise self._error(
                    position, f"is {_describe(item)}; expected a string or an (id, text) pair"
                )
            key, text = item
            if not isinstance(key, Hashable):
                raise self._error(position, f"has an unhashable id ({type(key).__name__})")
        else:
            key, text = position, item
        if not isinstance(text, str):
            raise self._error(position, f"has text of type {type(text).__name__}, not str")
        if not text:
            raise self._error(position, "is an empty string; Ollama cannot embed it")
        closed = None
        if self._texts and (
            len(self._texts) >= self.batch_size or self._chars + len(text) > self.max_batch_chars
        ):
            closed = self._close()
        if not self._texts:
            self._first = position
        self._ids.append(key)
        self._texts.append(text)
        self._chars += len(text)
        self._position += 1
        return closed

    def finish(self) -> PlannedBatch | None:
        """The last, partly filled batch, if any."""
        return self._close() if self._texts else None

    def _close(self) -> PlannedBatch:
        batch = PlannedBatch(self._index, self._ids, self._texts, self._first)
        self._index += 1
        self._ids, self._texts, self._chars = [], [], 0
        return batch

    def _error(self, position: int, problem: str) -> BatchInputError:
        # The batch this item would join: the open one, unless it is full.
        index = self._index
        offset = position - self._first if self._texts else 0
        if self._texts and (len(self._texts) >= self.batch_size):
            index, offset = index + 1, 0
        return BatchInputError(
            f"embed_many: the text at position {position} (batch {index}, item {offset}) {problem}",
            batch_index=index,
            position=position,
        )


def _describe(item: object) -> str:
    if isinstance(item, str):
        return "a string"
    if isinstance(item, (tuple, list)):
        return f"a {type(item).__name__} of {len(item)}"
    return f"a {type(item).__name__}"
