"""Functions and types for test_tools.py with postponed (string) annotations."""

from __future__ import annotations

import dataclasses
from typing import Literal


@dataclasses.dataclass
class Point:
    x: float
    y: float
    label: str | None = None


def move(point: Point, steps: list[int], direction: Literal["up", "down"] = "up") -> Point:
    """Move a point.

    Args:
        point: Where to start.
        steps: How far to go, per step.
        direction: Which way.
    """
    return point
