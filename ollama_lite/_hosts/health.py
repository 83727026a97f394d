"""The health of one host: cooldowns after failures, probes before traffic, missing models.

Pure state: the caller passes the clock (`now`, seconds on a monotonic clock) in every call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .._constants import DEFAULT_COOLDOWN, DEFAULT_MAX_COOLDOWN

__all__ = ["HealthState", "HostHealth"]

HealthState = Literal["healthy", "cooling", "probe_due", "probing"]


@dataclass(slots=True)
class HostHealth:
    """Whether a host may get traffic now.

    A failure starts a cooldown of `cooldown` seconds doubled per consecutive failure, capped
    at `max_cooldown`, unless the server said how long (`Retry-After`, also capped), which
    wins. When the
    cooldown is over the host is `probe_due`: one caller probes it (`start_probe`) before any
    traffic goes there again. A success resets everything.
    """

    cooldown: float = DEFAULT_COOLDOWN
    max_cooldown: float = DEFAULT_MAX_COOLDOWN
    consecutive_failures: int = 0
    cooling_until: float = 0.0
    probing: bool = False
    # Models this host answered 404 for, each with the time the mark lapses.
    missing_models: dict[str, float] = field(default_factory=dict)

    def state(self, now: float) -> HealthState:
        """`healthy`, `cooling` (resting until `cooling_until`), `probe_due` or `probing`."""
        if self.consecutive_failures == 0:
            return "healthy"
        if self.probing:
            return "probing"
        if now < self.cooling_until:
            return "cooling"
        return "probe_due"

    def cooldown_for(self, failures: int) -> float:
        """Seconds of rest after `failures` consecutive failures (1-based), before capping."""
        return min(self.max_cooldown, self.cooldown * 2.0 ** (failures - 1))

    def record_failure(self, now: float, retry_after: float | None = None) -> float:
        """A request or probe failed in a way that says the host is unwell; return the rest."""
        self.consecutive_failures += 1
        self.probing = False
        rest = (
            min(retry_after, self.max_cooldown)
            if retry_after is not None
            else self.cooldown_for(self.consecutive_failures)
        )
        self.cooling_until = now + max(0.0, rest)
        return rest

    def record_success(self) -> None:
        """The host answered: it is healthy again."""
        self.consecutive_failures = 0
        self.cooling_until = 0.0
        self.probing = False

    def start_probe(self) -> None:
        """A caller is about to probe this host; nobody else is routed here meanwhile."""
        self.probing = True

    def lacks(self, model: str) -> bool:
        """True when this host answered 404 for `model`."""
        return bool(model) and model in self.missing_models

    def mark_missing(self, model: str, now: float) -> None:
        """The host answered 404 model-not-found for `model`: route that model elsewhere for
        `max_cooldown` seconds (someone may pull it there meanwhile), then ask again."""
        if model:
            self.missing_models[model] = now + self.max_cooldown

    def mark_present(self, model: str) -> None:
        """The host has `model` now (e.g. a pull through the pool): route it here again."""
        self.missing_models.pop(model, None)

    def forget_lapsed(self, now: float) -> None:
        """Drop the missing-model marks whose time is over."""
        for model in [m for m, until in self.missing_models.items() if now >= until]:
            del self.missing_models[model]
