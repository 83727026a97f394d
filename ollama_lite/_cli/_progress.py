"""A progress display for the terminal: tqdm when installed, else one rewritten line."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

__all__ = ["Progress"]


class Progress:
    """Counts work done out of a total, with a rate, an ETA and a free-form note.

    `initial` units were done before (a resumed run): they count toward the total, not the
    rate. With `enabled=False` nothing is drawn (the counts are still kept).
    """

    def __init__(
        self,
        total: int | None,
        *,
        unit: str,
        enabled: bool = True,
        stream: TextIO | None = None,
        initial: int = 0,
    ) -> None:
        self.total = total
        self.done = self._initial = initial
        self.unit = unit
        self.note = ""
        self._stream = stream or sys.stderr
        self._enabled = enabled
        self._started = time.monotonic()
        self._drawn = 0.0
        self._bar: Any = None
        if enabled:
            try:
                from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]
            except ImportError:
                self._bar = None
            else:
                self._bar = tqdm(
                    total=total,
                    initial=initial,
                    unit=unit,
                    unit_scale=True,
                    file=self._stream,
                    dynamic_ncols=True,
                )

    @property
    def elapsed(self) -> float:
        """Seconds since the display started."""
        return time.monotonic() - self._started

    def advance(self, count: int, note: str | None = None) -> None:
        """Add `count` units; `note` replaces the text shown after the counts."""
        self.done += count
        if note is not None:
            self.note = note
        if not self._enabled:
            return
        if self._bar is not None:
            self._bar.update(count)
            if note is not None:
                self._bar.set_postfix_str(note, refresh=False)
            return
        now = time.monotonic()
        if now - self._drawn >= 0.2 or (self.total is not None and self.done >= self.total):
            self._drawn = now
            self._stream.write("\r" + self.line())
            self._stream.flush()

    def log(self, message: str) -> None:
        """Print a line of its own above the bar (or on its own without one)."""
        if self._bar is not None:
            self._bar.write(message, file=self._stream)
            return
        if self._enabled and self._drawn:
            self._stream.write("\r\033[K")
        print(message, file=self._stream, flush=True)

    def set_total(self, total: int | None) -> None:
        """Change the total (a pull learns a layer's size as it goes)."""
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def line(self) -> str:
        """The progress as one line of text: counts, rate, ETA and the note."""
        rate = (self.done - self._initial) / self.elapsed if self.elapsed > 0 else 0.0
        if self.total:
            percent = 100 * self.done / self.total
            left = (self.total - self.done) / rate if rate > 0 else float("inf")
            eta = f"ETA {left:,.0f} s" if left != float("inf") else "ETA ?"
            counts = f"{self.done:,}/{self.total:,} {self.unit} ({percent:.0f}%)"
        else:
            counts, eta = f"{self.done:,} {self.unit}", ""
        parts = [counts, f"{rate:,.1f} {self.unit}/s", eta, self.note]
        return "  ".join(part for part in parts if part)

    def close(self) -> None:
        """Finish the display (a newline after the plain line)."""
        if not self._enabled:
            return
        if self._bar is not None:
            self._bar.close()
        else:
            self._stream.write("\r" + self.line() + "\n")
            self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
