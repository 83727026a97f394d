"""Snapshots of a pool's hosts, as `HostPool.stats()` returns them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["HostStats", "PoolStats"]


@dataclass(frozen=True, slots=True)
class HostStats:
    """One host at the moment of the snapshot.

    `failures` counts failures by kind (`connect`, `connect_timeout`, `http_503`, `dropped`,
    `timeout`, `model_missing`, ...); `cooling_for` is the seconds left in its cooldown (0
    when none); `state` is `healthy`, `cooling`, `probe_due` or `probing`.
    """

    host: str
    in_flight: int
    done: int
    failures: dict[str, int] = field(default_factory=dict)
    state: str = "healthy"
    cooling_for: float = 0.0
    missing_models: tuple[str, ...] = ()

    @property
    def failed(self) -> int:
        """All failures of this host, whatever their kind."""
        return sum(self.failures.values())


@dataclass(frozen=True, slots=True)
class PoolStats:
    """Every host of a pool, in the order they were given, plus waiting callers."""

    hosts: tuple[HostStats, ...]
    waiting: int = 0

    @property
    def in_flight(self) -> int:
        """Requests running on all hosts."""
        return sum(host.in_flight for host in self.hosts)

    @property
    def done(self) -> int:
        """Requests answered by all hosts."""
        return sum(host.done for host in self.hosts)

    def __getitem__(self, host: str) -> HostStats:
        """The snapshot of one host, by its base URL."""
        for entry in self.hosts:
            if entry.host == host:
                return entry
        raise KeyError(host)
