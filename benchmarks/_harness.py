"""Interleaved repetition, statistics, targets and the results table.

Every workload hands `interleave` a list of `Variant`s (one per client, plus floors). Each
round runs one sample of every variant, starting from a different variant each round, so
drift in the machine (frequency, other load) spreads over all variants alike. A row reports
the median of its samples and their min-max; ratios and targets compare medians measured
in the same run.
"""

from __future__ import annotations

import asyncio
import gc
import math
import statistics
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeVar

__all__ = [
    "LANGCHAIN",
    "OLLAMA",
    "OURS",
    "Better",
    "CpuMeter",
    "LoopRunner",
    "Row",
    "Target",
    "Variant",
    "interleave",
    "markdown_table",
    "skipped",
    "speedup",
    "text_table",
]

OURS = "ollama_lite"
OLLAMA = "ollama"
LANGCHAIN = "langchain-ollama"

Better = Literal["lower", "higher"]
T = TypeVar("T")


class LoopRunner:
    """One asyncio event loop reused for many `run()` calls (asyncio.Runner is 3.11+)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._loop.run_until_complete(coro)

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    def __enter__(self) -> LoopRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class CpuMeter:
    """CPU seconds used by another process, read from /proc/<pid>/stat (Linux only)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            import os

            self._tick = float(os.sysconf("SC_CLK_TCK"))
        except (ValueError, OSError, AttributeError):
            self._tick = 100.0

    def cpu_seconds(self) -> float | None:
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            return None
        # The command name may hold spaces; the fields after it are fixed.
        fields = stat[stat.rindex(b")") + 2 :].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / self._tick


@dataclass
class Variant:
    """One thing to measure: `sample()` does one sample's work and returns its value."""

    name: str
    sample: Callable[[], float]
    close: Callable[[], None] | None = None
    meter: CpuMeter | None = None


@dataclass
class Measured:
    samples: list[float] = field(default_factory=list)
    server_seconds: float = 0.0
    client_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def server_cpu(self) -> list[float]:
        """The server's CPU share over all samples together (one value), or nothing.

        Summed rather than per sample: /proc counts CPU in clock ticks (10 ms), too coarse
        for one short sample.
        """
        return [self.server_seconds / self.wall_seconds] if self.wall_seconds > 0 else []

    @property
    def client_cpu(self) -> list[float]:
        """This process's CPU share over the same samples (one value), or nothing."""
        return [self.client_seconds / self.wall_seconds] if self.wall_seconds > 0 else []


def interleave(variants: Sequence[Variant], rounds: int, warmup: int = 1) -> dict[str, Measured]:
    """Run `rounds` rounds over the variants (rotating the start); return samples by name."""
    results = {variant.name: Measured() for variant in variants}
    try:
        for _ in range(warmup):
            for variant in variants:
                variant.sample()
        count = len(variants)
        for index in range(rounds):
            start = index % count if count else 0
            for variant in [*variants[start:], *variants[:start]]:
                gc.collect()
                measured = results[variant.name]
                before = variant.meter.cpu_seconds() if variant.meter else None
                wall, own = time.perf_counter(), time.process_time()
                measured.samples.append(variant.sample())
                wall, own = time.perf_counter() - wall, time.process_time() - own
                after = variant.meter.cpu_seconds() if variant.meter else None
                if before is not None and after is not None:
                    measured.server_seconds += after - before
                    measured.client_seconds += own
                    measured.wall_seconds += wall
    finally:
        for variant in variants:
            if variant.close is not None:
                variant.close()
    return results


@dataclass(frozen=True)
class Target:
    """What a row must achieve. `vs` + `speedup`: at least that many times better than the
    `vs` row of the same group; `predicate`: an absolute check of the row."""

    label: str
    vs: str | None = None
    speedup: float | None = None
    predicate: Callable[[Row], bool] | None = None
    #: The row's client CPU per unit may be at most `cpu_factor` times the `cpu_vs` row's.
    cpu_vs: str | None = None
    cpu_factor: float | None = None


@dataclass
class Row:
    """One line of the table: a variant of a workload and its samples."""

    group: str
    variant: str
    unit: str
    better: Better
    samples: list[float] = field(default_factory=list)
    target: Target | None = None
    server_cpu: list[float] = field(default_factory=list)
    note: str = ""
    client_cpu: list[float] = field(default_factory=list)
    extra: dict[str, float] = field(default_factory=dict)
    #: This process's CPU microseconds per unit of work (request, chunk), when known.
    cpu_per_unit: float | None = None

    @property
    def ok(self) -> bool:
        return bool(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @classmethod
    def from_measured(
        cls,
        group: str,
        unit: str,
        better: Better,
        measured: dict[str, Measured],
        targets: dict[str, Target] | None = None,
        convert: Callable[[float], float] | None = None,
        notes: dict[str, str] | None = None,
        units: int | None = None,
    ) -> list[Row]:
        """Rows for every measured variant, in the order they were given. `units`: the units
        of work in one sample, to report the client's CPU per unit."""
        rows = []
        for name, result in measured.items():
            per_unit = (
                result.client_seconds * 1e6 / (units * len(result.samples))
                if units and result.samples and result.wall_seconds > 0
                else None
            )
            samples = [convert(v) for v in result.samples] if convert else list(result.samples)
            rows.append(
                cls(
                    group,
                    name,
                    unit,
                    better,
                    samples,
                    (targets or {}).get(name),
                    list(result.server_cpu),
                    (notes or {}).get(name, ""),
                    list(result.client_cpu),
                    cpu_per_unit=per_unit,
                )
            )
        return rows


def skipped(group: str, variant: str, unit: str, better: Better, why: str) -> Row:
    """A row that could not be measured in this run (shown as skipped, with the reason)."""
    return Row(group, variant, unit, better, note=f"skipped: {why}")


def speedup(row: Row, base: Row) -> float | None:
    """How many times better `row` is than `base` (> 1: row is faster / smaller)."""
    if not (row.ok and base.ok) or row.median <= 0 or base.median <= 0:
        return None
    if row.better == "lower":
        return base.median / row.median
    return row.median / base.median


def verdict(row: Row, group: Iterable[Row]) -> str:
    """pass / MISS / n/a for a row's target."""
    target = row.target
    if target is None:
        return ""
    if not row.ok:
        return "n/a"
    passed = True
    if target.vs is not None and target.speedup is not None:
        base = next((r for r in group if r.variant == target.vs), None)
        ratio = speedup(row, base) if base is not None else None
        if ratio is None:
            return "n/a"
        passed = ratio >= target.speedup
    if target.predicate is not None:
        passed = passed and target.predicate(row)
    if target.cpu_vs is not None and target.cpu_factor is not None:
        peer = next((r for r in group if r.variant == target.cpu_vs), None)
        if peer is None or peer.cpu_per_unit is None or row.cpu_per_unit is None:
            return "n/a"
        passed = passed and row.cpu_per_unit <= target.cpu_factor * peer.cpu_per_unit
    return "pass" if passed else "MISS"


def fmt(value: float) -> str:
    """Three significant digits, thousands separated; no exponent for table values."""
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


HEADERS = (
    "Workload",
    "Variant",
    "Median",
    "Min-max",
    "vs ollama",
    "vs langchain-ollama",
    "Target",
    "Result",
    "Server CPU",
    "Client CPU",
    "Client CPU/unit",
    "Note",
)


def table_cells(rows: Sequence[Row]) -> list[list[str]]:
    """The table as text cells (one list per row), in HEADERS order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    cells: list[list[str]] = []
    for group, members in groups.items():
        bases = {r.variant: r for r in members}
        for row in members:
            if not row.ok:
                cells.append(
                    [group, row.variant, "skipped", "", "", "", _label(row), "n/a", "", "", "",
                     row.note]
                )  # fmt: skip
                continue
            ratios = []
            for base_name in (OLLAMA, LANGCHAIN):
                base = bases.get(base_name)
                ratio = speedup(row, base) if base is not None and base is not row else None
                ratios.append(f"{ratio:.2f}x" if ratio is not None else "")
            cpu = f"{max(row.server_cpu) * 100:.0f}%" if row.server_cpu else ""
            own = f"{max(row.client_cpu) * 100:.0f}%" if row.client_cpu else ""
            cells.append(
                [
                    group,
                    row.variant,
                    f"{fmt(row.median)} {row.unit}",
                    f"{fmt(row.low)}-{fmt(row.high)}",
                    *ratios,
                    _label(row),
                    verdict(row, members),
                    cpu,
                    own,
                    f"{fmt(row.cpu_per_unit)} us" if row.cpu_per_unit is not None else "",
                    row.note,
                ]
            )
    return cells


def _label(row: Row) -> str:
    return row.target.label if row.target is not None else ""


def markdown_table(rows: Sequence[Row]) -> str:
    """A GitHub markdown table of the rows."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    previous = None
    for cells in table_cells(rows):
        shown = list(cells)
        if shown[0] == previous:
            shown[0] = ""
        else:
            previous = shown[0]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in shown) + " |")
    return "\n".join(lines)


def text_table(rows: Sequence[Row]) -> str:
    """A plain-text, column-aligned table for the terminal (without the Note column)."""
    body = [c[:-1] for c in table_cells(rows)]
    header = list(HEADERS[:-1])
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    previous = None
    for cells in body:
        shown = list(cells)
        if shown[0] == previous:
            shown[0] = ""
        else:
            previous = shown[0]
        out.append("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
    return "\n".join(out)
