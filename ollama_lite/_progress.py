"""The progress display of `pull(model, progress=True)` (and push and create).

Servers report each layer by digest, interleaving layers that download in parallel, so the
display sums them: one line "pulling 3 layers  45%  1.2 GB / 2.7 GB" that is redrawn in
place on a terminal and printed at every 10% elsewhere (logs, CI). Statuses without a layer
("pulling manifest", "verifying sha256 digest", "success") get a line each.
"""

from __future__ import annotations

import sys
from typing import TextIO

from .types import ProgressResponse

__all__ = ["PullProgress"]


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


class PullProgress:
    """Call it with each progress part; it writes a readable display to `file`.

    `file` defaults to `sys.stderr`; on a terminal the layer line is redrawn in place.
    """

    def __init__(self, file: TextIO | None = None) -> None:
        self._file = file if file is not None else sys.stderr
        isatty = getattr(self._file, "isatty", None)
        self._live = bool(isatty is not None and isatty())
        self._layers: dict[str, tuple[int, int]] = {}
        self._status: str | None = None
        self._shown_tenth = -1
        self._open_line = False

    def __call__(self, part: ProgressResponse) -> None:
        if part.digest and part.total:
            self._layer(part.digest, part.status or "pulling", part.completed or 0, part.total)
        elif part.status and part.status != self._status:
            self._end_line()
            self._status = part.status
            self._file.write(part.status + "\n")
            self._file.flush()

    def _layer(self, digest: str, status: str, completed: int, total: int) -> None:
        verb = status.split()[0] if status.split() else "pulling"
        if self._status != verb:
            self._end_line()
            self._status, self._layers, self._shown_tenth = verb, {}, -1
        self._layers[digest] = (min(completed, total), total)
        done = sum(c for c, _ in self._layers.values())
        size = sum(t for _, t in self._layers.values())
        percent = 100 * done // size if size else 100
        count = len(self._layers)
        text = (
            f"{verb} {count} layer{'s' if count != 1 else ''}  {percent:3d}%  "
            f"{_size(done)} / {_size(size)}"
        )
        if self._live:
            self._file.write("\r" + text + "\x1b[K")
            self._open_line = True
        elif percent // 10 > self._shown_tenth:
            self._shown_tenth = percent // 10
            self._file.write(text + "\n")
        self._file.flush()

    def _end_line(self) -> None:
        if self._open_line:
            self._file.write("\n")
            self._open_line = False

    def close(self) -> None:
        """End a line left open on a terminal."""
        self._end_line()
        self._file.flush()
