"""`AsyncPoolSession`: sends each `Call` to one of several hosts, and is the only retry loop.

It has the interface of `AsyncSession` (`unary`, `stream`, `run`, `aclose`), so the endpoint
methods of `AsyncClient` work unchanged on a pool. Each host is an ordinary `AsyncClient`
built with `max_retries=0`. Which host gets a call, who waits, and which hosts rest is
`pool_routing.AsyncPoolRouter`'s bookkeeping; what a call means for routing (its model, how
safe it is to repeat) is read by `ollama_lite._hosts.calls`.
"""

from __future__ import annotations

import copy
import logging
import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .. import _protocol as protocol
from .._config import HostConfig
from .._errors import RequestError
from .._hosts import PoolStats, Ticket, classify
from .._hosts.calls import call_kind, call_ticket, tag_host
from .._hosts.failures import all_failed
from .._protocol import Call
from .client import AsyncClient
from .pool_routing import AsyncPoolRouter
from .pooled_stream import AsyncPooledStream
from .streams import AsyncStream

__all__ = ["AsyncPoolSession"]

T = TypeVar("T")
logger = logging.getLogger("ollama_lite")


class AsyncPoolSession:
    """Routes calls over `clients` (one per host); see `AsyncHostPool` for the settings."""

    def __init__(
        self,
        clients: list[AsyncClient],
        *,
        max_in_flight_per_host: int,
        max_attempts: int,
        retry_nonstreamed_generation: bool,
        cooldown: float,
        max_cooldown: float,
        probe: bool,
        rng: random.Random | None,
    ) -> None:
        self.clients = clients
        self.names = [client.host for client in clients]
        # The first host's parsed form, for code that asks a session for "its" host.
        self.host: HostConfig = clients[0]._session.host
        self._router = AsyncPoolRouter(
            self.names,
            max_in_flight_per_host=max_in_flight_per_host,
            max_attempts=max_attempts,
            cooldown=cooldown,
            max_cooldown=max_cooldown,
            rng=rng,
        )
        self._retry_generation = retry_nonstreamed_generation
        self._probe = probe
        self._options: dict[str, Any] = {}

    # --- the Session interface ---------------------------------------------------------------

    @property
    def http_path(self) -> str:
        """`"wire"` or `"httpx"` when every host takes that path, else `"mixed"`."""
        paths = {client.http_path for client in self.clients}
        return paths.pop() if len(paths) == 1 else "mixed"

    @property
    def why_not_fast(self) -> str | None:
        """Why some host's requests go through httpx, naming the host (None if none do)."""
        for client in self.clients:
            reason = client.why_not_wire
            if reason is not None:
                return f"{client.host}: {reason}"
        return None

    async def aclose(self) -> None:
        """Close every host's client."""
        for client in self.clients:
            await client.aclose()

    def with_options(self, options: Mapping[str, Any]) -> AsyncPoolSession:
        """A copy whose calls use `options` (`RequestOptions`), sharing the hosts' connections
        and the routing state. `max_retries` is refused: the pool retries across hosts
        (`max_attempts`), each host once."""
        twin = copy.copy(self)
        twin._options = {**self._options, **_pool_options(options)}
        return twin

    async def unary(
        self,
        call: Call[T],
        content: Callable[[], Any] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> T:
        """The decoded result of a non-streamed call, from the first host that answers it."""
        merged = self._merged(options)
        ticket = call_ticket(call)
        result: T = await self._attempts(
            call, ticket, lambda client: client._session.unary(call, content, merged)
        )
        assert ticket.host is not None
        name = self.names[ticket.host]
        self._router.release(ticket, None)
        if result is call.empty:
            result = copy.copy(result)  # a shared constant: tag a copy
        return tag_host(result, name)  # type: ignore[no-any-return]

    async def stream(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> AsyncStream[T]:
        """A stream from the first host that starts one; it stays on that host."""
        merged = self._merged(options)
        ticket = call_ticket(call)
        inner: AsyncStream[T] = await self._attempts(
            call, ticket, lambda client: client._session.stream(call, merged)
        )
        assert ticket.host is not None
        name = self.names[ticket.host]
        router = self._router
        pooled = AsyncPooledStream(
            inner, name, lambda error, abandoned: router.release(ticket, error, abandoned)
        )
        await pooled.start()
        return pooled

    async def run(
        self, call: Call[T], options: Mapping[str, Any] | None = None
    ) -> T | AsyncStream[T]:
        """`stream` or `unary`, as the call says."""
        if call.stream:
            return await self.stream(call, options)
        return await self.unary(call, options=options)

    def _merged(self, options: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """The options a host's session gets: this copy's, then the call's."""
        if not options:
            return self._options or None
        return {**self._options, **_pool_options(options)}

    def stats(self) -> PoolStats:
        """A snapshot of every host's counters and health."""
        return self._router.stats()

    # --- sending -----------------------------------------------------------------------------

    async def _attempts(
        self,
        call: Call[Any],
        ticket: Ticket,
        send: Callable[[AsyncClient], Any],
    ) -> Any:
        """Send until a host succeeds; the ticket still holds that host when this returns."""
        kind = call_kind(call)
        what = f"{call.method} {call.path}"
        failures: dict[str, BaseException] = {}
        router = self._router
        while True:
            index = await router.acquire(ticket, failures, what)
            client = self.clients[index]
            try:
                if ticket.probe:
                    await self._run_probe(ticket, client)
                return await send(client)
            except Exception as exc:
                # A failed probe (GET /api/version) never did the call's work: try elsewhere.
                probing = ticket.probe
                failure = classify(
                    exc, "idempotent" if probing else kind, retry_generation=self._retry_generation
                )
                router.failed(ticket, exc, failure)
                if failure is None or not failure.retry:
                    raise
                failures[self.names[index]] = exc
                verdict = router.after_failure(ticket, self.names[index], exc)
                if verdict == "unservable":
                    raise
                if verdict == "exhausted":
                    raise all_failed(what, failures) from exc
                logger.debug(
                    "%s %s %s on %s (%s); trying another host",
                    call.method,
                    call.path,
                    "probe failed" if probing else "failed",
                    self.names[index],
                    failure.kind,
                )
            except BaseException:
                router.withdraw(ticket)
                raise

    async def _run_probe(self, ticket: Ticket, client: AsyncClient) -> None:
        """Ask a rested host for its version before it gets traffic again."""
        if self._probe:
            try:
                await client._session.unary(protocol.version())
            except Exception as exc:
                if classify(exc, "any") is not None:
                    raise
                # Any answer at all (even an error status) shows the host is back.
        self._router.probe_passed(ticket)


def _pool_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Per-call options for a pool: `max_retries` is refused (hosts never retry)."""
    if "max_retries" in options:
        raise RequestError(
            "a host pool retries on other hosts: set max_attempts on the pool, "
            "not max_retries per call"
        )
    return dict(options)
