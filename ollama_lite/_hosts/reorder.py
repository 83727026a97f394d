"""embed_many's reorder buffer: hand results out in submission order, holding only a few."""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

__all__ = ["ReorderBuffer"]

T = TypeVar("T")


class ReorderBuffer(Generic[T]):
    """Results come back in any order; `ready()` releases them in the order they were expected.

    With `ordered=False` every completed result is ready at once (completion order). Memory
    is bounded by what the caller keeps in flight: the buffer never holds more results than
    were `expect`ed and not yet released.
    """

    def __init__(self, *, ordered: bool = True) -> None:
        self.ordered = ordered
        self._expected: deque[int] = deque()
        self._done: dict[int, T] = {}

    def expect(self, index: int) -> None:
        """Batch `index` was sent; in ordered mode it is released after those sent before it."""
        if self.ordered:
            self._expected.append(index)

    def complete(self, index: int, result: T) -> None:
        """Batch `index` finished with `result`."""
        self._done[index] = result

    def ready(self) -> list[tuple[int, T]]:
        """The results that may be handed out now, in order."""
        if not self.ordered:
            out = list(self._done.items())
            self._done.clear()
            return out
        out = []
        while self._expected and self._expected[0] in self._done:
            index = self._expected.popleft()
            out.append((index, self._done.pop(index)))
        return out

    def __len__(self) -> int:
        return len(self._done)
