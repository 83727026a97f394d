"""Which host a request goes to, and who waits: least in flight, a cap per host, FIFO.

Pure state. A caller makes a `Ticket`, `submit`s it, and calls `dispatch(now)` whenever
something changed (a ticket arrived, a request ended, a cooldown expired); `dispatch` hands
free slots to waiting tickets in arrival order. A ticket given a host that is `probe_due`
is told to probe it first (`ticket.probe`). The I/O layer waits between dispatches, at most
until `next_change(now)`.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from .._constants import DEFAULT_COOLDOWN, DEFAULT_MAX_COOLDOWN, DEFAULT_MAX_IN_FLIGHT_PER_HOST
from .health import HostHealth
from .stats import HostStats, PoolStats

__all__ = ["HostSlot", "Scheduler", "Ticket"]


class Ticket:
    """One caller's place in line. `host` is the index it was given, or None while waiting."""

    __slots__ = ("attempts", "host", "model", "probe", "provides")

    def __init__(self, model: str = "", provides: str = "") -> None:
        self.model = model
        # The model this call puts on its host (a pull, a create): it may go to a host that
        # lacks the model, and its success clears that host's missing-model mark.
        self.provides = provides
        self.host: int | None = None
        self.probe = False
        # Failures of this caller's request per host index (for max_attempts).
        self.attempts: dict[int, int] = {}

    def __repr__(self) -> str:
        return f"Ticket(model={self.model!r}, host={self.host}, probe={self.probe})"


@dataclass(slots=True)
class HostSlot:
    """A host's counters and health, kept by the scheduler."""

    name: str
    health: HostHealth
    in_flight: int = 0
    done: int = 0
    failures: dict[str, int] = field(default_factory=dict)


class Scheduler:
    """Routes tickets to hosts: by fewest in flight among healthy hosts, ties at random.

    A retried ticket goes first to the hosts it failed on least, and never to one it failed
    on `max_attempts` times. Never more than `max_in_flight` tickets hold one host. Waiting
    tickets are served in the order they arrived (a ticket that no host can take right now,
    e.g. because every host with its model is full, does not hold back those behind it).
    """

    def __init__(
        self,
        names: list[str],
        *,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT_PER_HOST,
        cooldown: float = DEFAULT_COOLDOWN,
        max_cooldown: float = DEFAULT_MAX_COOLDOWN,
        max_attempts: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not names:
            raise ValueError("a scheduler needs at least one host")
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be >= 1")
        self.max_in_flight = max_in_flight
        # A ticket is not sent again to a host that failed it this many times.
        self.max_attempts = max_attempts
        self.hosts = [
            HostSlot(name, HostHealth(cooldown=cooldown, max_cooldown=max_cooldown))
            for name in names
        ]
        self.waiting: deque[Ticket] = deque()
        self._rng = rng or random.Random()

    # --- the line ----------------------------------------------------------------------------

    def submit(self, ticket: Ticket, *, front: bool = False) -> None:
        """Put a ticket in line (at the front for a caller whose probe just failed)."""
        ticket.host = None
        ticket.probe = False
        if front:
            self.waiting.appendleft(ticket)
        else:
            self.waiting.append(ticket)

    def withdraw(self, ticket: Ticket) -> None:
        """A caller gave up (cancelled): leave the line, or free the slot it held."""
        if ticket.host is None:
            if ticket in self.waiting:
                self.waiting.remove(ticket)
            return
        slot = self.hosts[ticket.host]
        slot.in_flight -= 1
        if ticket.probe:
            slot.health.probing = False
        ticket.host = None
        ticket.probe = False

    def dispatch(self, now: float) -> list[Ticket]:
        """Give free slots to waiting tickets, first come first served; return those served."""
        served: list[Ticket] = []
        for slot in self.hosts:
            slot.health.forget_lapsed(now)
        if not self.waiting:
            return served
        remaining: deque[Ticket] = deque()
        while self.waiting:
            ticket = self.waiting.popleft()
            index = self._pick(ticket, now)
            if index is None:
                remaining.append(ticket)
                continue
            slot = self.hosts[index]
            slot.in_flight += 1
            ticket.host = index
            if slot.health.state(now) == "probe_due":
                slot.health.start_probe()
                ticket.probe = True
            served.append(ticket)
        self.waiting = remaining
        return served

    def _pick(self, ticket: Ticket, now: float) -> int | None:
        # A retry prefers the hosts this ticket failed on least; then fewest in flight.
        best: list[int] = []
        best_key: tuple[int, int] | None = None
        for index, slot in enumerate(self.hosts):
            if slot.in_flight >= self.max_in_flight or slot.health.lacks(ticket.model):
                continue
            failed_here = ticket.attempts.get(index, 0)
            if self.max_attempts is not None and failed_here >= self.max_attempts:
                continue
            if slot.health.state(now) not in ("healthy", "probe_due"):
                continue
            key = (failed_here, slot.in_flight)
            if best_key is None or key < best_key:
                best_key, best = key, [index]
            elif key == best_key:
                best.append(index)
        if not best:
            return None
        return best[0] if len(best) == 1 else self._rng.choice(best)

    def next_change(self, now: float) -> float | None:
        """Seconds until a cooling host may be probed (a waiting caller wakes then), or None."""
        ends = [
            slot.health.cooling_until - now
            for slot in self.hosts
            if slot.health.state(now) == "cooling"
        ]
        return max(0.0, min(ends)) if ends else None

    def unservable(self, ticket: Ticket) -> bool:
        """True when every host lacks the ticket's model: waiting cannot help."""
        return all(slot.health.lacks(ticket.model) for slot in self.hosts)

    # --- outcomes ----------------------------------------------------------------------------

    def probe_passed(self, ticket: Ticket) -> None:
        """The probe answered: the host is healthy, and the ticket keeps its slot."""
        assert ticket.host is not None
        self.hosts[ticket.host].health.record_success()
        ticket.probe = False

    def succeeded(self, ticket: Ticket) -> None:
        """The ticket's request was answered: free the slot, count it, reset the host."""
        slot = self._release(ticket)
        slot.done += 1
        slot.health.record_success()
        if ticket.provides:
            slot.health.mark_present(ticket.provides)

    def failed(
        self,
        ticket: Ticket,
        kind: str,
        now: float,
        *,
        unwell: bool,
        retry_after: float | None = None,
        missing_model: bool = False,
    ) -> float:
        """The ticket's request (or probe) failed: free the slot, count the failure.

        `unwell` starts (or extends) the host's cooldown; `missing_model` marks the host as
        lacking the ticket's model. Returns the cooldown started (0 when none).
        """
        index = ticket.host
        was_probe = ticket.probe
        slot = self._release(ticket)
        assert index is not None
        slot.failures[kind] = slot.failures.get(kind, 0) + 1
        ticket.attempts[index] = ticket.attempts.get(index, 0) + 1
        if missing_model:
            slot.health.mark_missing(ticket.model, now)
        if unwell:
            return slot.health.record_failure(now, retry_after)
        if was_probe:  # only the probing call may end the probe
            slot.health.probing = False
        return 0.0

    def answered(self, ticket: Ticket) -> None:
        """The host answered with an error that is the caller's (a 4xx): it is alive."""
        slot = self._release(ticket)
        slot.done += 1
        slot.health.record_success()

    def exhausted(self, ticket: Ticket, max_attempts: int) -> bool:
        """True when every host that could take the ticket has failed it `max_attempts` times."""
        return all(
            ticket.attempts.get(index, 0) >= max_attempts
            for index, slot in enumerate(self.hosts)
            if not slot.health.lacks(ticket.model)
        )

    def down(self, ticket: Ticket, max_attempts: int) -> bool:
        """True when every host that may have the ticket's model failed `max_attempts` times
        in a row (whichever tickets saw it) and none is being probed: waiting will not help."""
        candidates = [slot for slot in self.hosts if not slot.health.lacks(ticket.model)]
        return bool(candidates) and all(
            slot.health.consecutive_failures >= max_attempts and not slot.health.probing
            for slot in candidates
        )

    def _release(self, ticket: Ticket) -> HostSlot:
        assert ticket.host is not None, "the ticket holds no host"
        slot = self.hosts[ticket.host]
        slot.in_flight -= 1
        ticket.probe = False
        return slot

    # --- reporting ---------------------------------------------------------------------------

    def snapshot(self, now: float) -> PoolStats:
        """Counters and health of every host, frozen."""
        for slot in self.hosts:
            slot.health.forget_lapsed(now)
        return PoolStats(
            tuple(
                HostStats(
                    host=slot.name,
                    in_flight=slot.in_flight,
                    done=slot.done,
                    failures=dict(slot.failures),
                    state=slot.health.state(now),
                    cooling_for=max(0.0, slot.health.cooling_until - now)
                    if slot.health.state(now) == "cooling"
                    else 0.0,
                    missing_models=tuple(sorted(slot.health.missing_models)),
                )
                for slot in self.hosts
            ),
            waiting=len(self.waiting),
        )
