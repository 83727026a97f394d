"""`AsyncPoolRouter`: a pool's routing and health bookkeeping, with the waiting filled in.

The rules are the pure ones of `ollama_lite._hosts` (`Scheduler`). This keeps the scheduler
under a lock (a pool's callers run in several tasks, or threads), wakes waiting callers when
a slot frees or a host comes back, and remembers each host's last failure for the error of
a pool that is down. `AsyncPoolSession` sends: it asks for a host (`acquire`) and reports
how each request ended (`release`, `failed`, `withdraw`).
"""

from __future__ import annotations

import random
import threading
from typing import Literal

from .._async_workers import Signal, monotonic, raise_if_stopped
from .._errors import AllHostsFailedError, OllamaError, RequestError
from .._hosts import Failure, PoolStats, Scheduler, Ticket, classify
from .._hosts.failures import all_failed, no_host_has

__all__ = ["AsyncPoolRouter", "RetryVerdict"]

#: After a retryable failure: try another host, or give up because no host has the model
#: (`unservable`) or every host that has it failed this call `max_attempts` times.
RetryVerdict = Literal["retry", "unservable", "exhausted"]


class AsyncPoolRouter:
    """Hands the hosts `names` (by index) to tickets; see `AsyncHostPool` for the settings."""

    def __init__(
        self,
        names: list[str],
        *,
        max_in_flight_per_host: int,
        max_attempts: int,
        cooldown: float,
        max_cooldown: float,
        rng: random.Random | None,
    ) -> None:
        self.names = names
        self._scheduler = Scheduler(
            names,
            max_in_flight=max_in_flight_per_host,
            cooldown=cooldown,
            max_cooldown=max_cooldown,
            max_attempts=max_attempts,
            rng=rng,
        )
        self._max_attempts = max_attempts
        self._lock = threading.Lock()
        self._signal = Signal()
        # Each host's last failure, whichever call saw it (for the error of a pool that is down).
        self._last_failures: dict[str, BaseException] = {}

    def stats(self) -> PoolStats:
        """A snapshot of every host's counters and health."""
        with self._lock:
            return self._scheduler.snapshot(monotonic())

    async def acquire(self, ticket: Ticket, failures: dict[str, BaseException], what: str) -> int:
        """Wait for a slot on a host that may take the ticket; return the host's index.

        Raises instead of waiting when waiting cannot help: no host has the model, this call
        failed `max_attempts` times on every host that has it (other calls may have marked
        the rest as lacking it), or every such host failed that many times in a row
        (whichever calls saw it) and none is being probed: the pool is down.
        """
        with self._lock:
            self._scheduler.submit(ticket, front=bool(ticket.attempts))
        try:
            while True:
                raise_if_stopped()
                with self._lock:
                    served = self._scheduler.dispatch(monotonic())
                    if any(other is not ticket for other in served):
                        self._signal.notify()
                    if ticket.host is not None:
                        return ticket.host
                    if self._scheduler.unservable(ticket):
                        self._scheduler.withdraw(ticket)
                        raise no_host_has(failures, ticket.model)
                    given_up = self._gave_up(ticket, failures, what)
                    if given_up is not None:
                        self._scheduler.withdraw(ticket)
                        raise given_up
                    timeout = self._scheduler.next_change(monotonic())
                    token = self._signal.arm()
                await self._signal.wait(token, timeout)
        except BaseException:
            self.withdraw(ticket)
            raise

    def _gave_up(
        self, ticket: Ticket, failures: dict[str, BaseException], what: str
    ) -> AllHostsFailedError | None:
        """The error for a waiting ticket that waiting cannot help, else None (lock held)."""
        if ticket.attempts and self._scheduler.exhausted(ticket, self._max_attempts):
            return all_failed(what, failures)
        if self._scheduler.down(ticket, self._max_attempts):
            known = {**self._last_failures, **failures}
            return all_failed(what, {name: known[name] for name in self.names if name in known})
        return None

    def release(self, ticket: Ticket, error: BaseException | None, abandoned: bool = False) -> None:
        """The ticket's request is over: count it and free its slot (an `abandoned` one, e.g.
        a stream left unread or cancelled, is neither a success nor a failure)."""
        with self._lock:
            if ticket.host is None:
                return
            if abandoned:
                self._scheduler.withdraw(ticket)
            elif error is None:
                self._scheduler.succeeded(ticket)
            else:
                self._settle_failure(ticket, error, classify(error, "any"))
            ticket.host = None
            self._signal.notify()

    def failed(self, ticket: Ticket, error: BaseException, failure: Failure | None) -> None:
        """An attempt on the ticket's host raised `error` (read as `failure`): free its slot."""
        with self._lock:
            self._settle_failure(ticket, error, failure)
            self._signal.notify()

    def _settle_failure(
        self, ticket: Ticket, error: BaseException, failure: Failure | None
    ) -> None:
        """Free the ticket's slot after `error` (the lock is held)."""
        if failure is not None:
            self._scheduler.failed(
                ticket,
                failure.kind,
                monotonic(),
                unwell=failure.unwell,
                retry_after=failure.retry_after,
                missing_model=failure.missing_model,
            )
        elif isinstance(error, OllamaError) and not isinstance(error, RequestError):
            self._scheduler.answered(ticket)  # the server answered; the error is the caller's
        else:
            self._scheduler.withdraw(ticket)

    def after_failure(self, ticket: Ticket, host: str, error: BaseException) -> RetryVerdict:
        """Remember that `host` failed with `error` (retryable), and say whether the ticket
        may try another host."""
        with self._lock:
            self._last_failures[host] = error
            if self._scheduler.unservable(ticket):
                return "unservable"
            if self._scheduler.exhausted(ticket, self._max_attempts):
                return "exhausted"
        return "retry"

    def withdraw(self, ticket: Ticket) -> None:
        """The ticket leaves (cancelled, or an error the pool does not count): free whatever
        it holds and wake the others."""
        with self._lock:
            self._scheduler.withdraw(ticket)
            self._signal.notify()

    def probe_passed(self, ticket: Ticket) -> None:
        """The rested host the ticket probed answered: it takes traffic again."""
        with self._lock:
            self._scheduler.probe_passed(ticket)
            self._signal.notify()  # wake those waiting for it
