"""`AsyncPoolSession`: sends each `Call` to one of several hosts, and is the only retry loop.

It has the interface of `AsyncSession` (`unary`, `stream`, `run`, `aclose`), so the endpoint
methods of `AsyncClient` work unchanged on a pool. Each host is an ordinary `AsyncClient`
built with `max_retries=0`; the routing, cooldown and retry rules are the pure ones in
`ollama_lite._hosts`, driven here with the clock and the waiting filled in.
"""

from __future__ import annotations

import copy
import logging
import random
import threading
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any, TypeVar

import msgspec

from .. import _protocol as protocol
from .._async_workers import Signal, monotonic, raise_if_stopped
from .._config import HostConfig
from .._errors import (
    AllHostsFailedError,
    ModelNotFoundError,
    OllamaError,
    RequestError,
)
from .._hosts import CallKind, Failure, PoolStats, Scheduler, Ticket, classify
from .._protocol import Call
from .client import AsyncClient
from .streams import AsyncStream

__all__ = ["AsyncPoolSession", "AsyncPooledStream"]

T = TypeVar("T")
logger = logging.getLogger("ollama_lite")

# Calls that only read: as safe to repeat as an embedding.
_READ_ONLY_PATHS = frozenset({"/api/embed", "/api/embeddings", "/api/show"})
_GENERATION_PATHS = frozenset({"/api/chat", "/api/generate"})
# Calls that put their model on the host that runs them.
_MODEL_MAKING_PATHS = frozenset({"/api/pull", "/api/create"})


class _ModelField(msgspec.Struct):
    model: str = ""


_model_decoder = msgspec.json.Decoder(_ModelField)


def call_model(call: Call[Any]) -> str:
    """The model a call names (routing remembers which hosts lack it), or ""."""
    if not call.body or call.method != "POST":
        return ""
    try:
        return _model_decoder.decode(call.body).model
    except msgspec.DecodeError:
        return ""


def call_ticket(call: Call[Any]) -> Ticket:
    """A place in line for `call`: routed by its model, unless it makes that model."""
    model = call_model(call)
    if call.path in _MODEL_MAKING_PATHS:
        return Ticket("", provides=model)
    return Ticket(model)


def call_kind(call: Call[Any]) -> CallKind:
    """How safe the call is to repeat after it reached a server (see `_hosts.failures`)."""
    if call.stream:
        return "any"
    if call.method in ("GET", "HEAD") or call.path in _READ_ONLY_PATHS:
        return "idempotent"
    if call.path in _GENERATION_PATHS:
        return "generation"
    return "any"


def tag_host(result: Any, host: str) -> Any:
    """`result` saying which host answered it (every response type has a `host` field)."""
    if hasattr(result, "host"):
        result.host = host
    return result


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
        self._scheduler = Scheduler(
            self.names,
            max_in_flight=max_in_flight_per_host,
            cooldown=cooldown,
            max_cooldown=max_cooldown,
            max_attempts=max_attempts,
            rng=rng,
        )
        self._max_attempts = max_attempts
        self._retry_generation = retry_nonstreamed_generation
        self._probe = probe
        self._lock = threading.Lock()
        self._signal = Signal()
        self._options: dict[str, Any] = {}
        # Each host's last failure, whichever call saw it (for the error of a pool that is down).
        self._last_failures: dict[str, BaseException] = {}

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
        self._release(ticket, None)
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
        pooled = AsyncPooledStream(
            inner, name, lambda error, abandoned: self._release(ticket, error, abandoned)
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

    # --- routing -----------------------------------------------------------------------------

    def stats(self) -> PoolStats:
        """A snapshot of every host's counters and health."""
        with self._lock:
            return self._scheduler.snapshot(monotonic())

    async def _acquire(self, ticket: Ticket, failures: dict[str, BaseException], what: str) -> int:
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
                        raise _last(failures, ticket.model)
                    given_up = self._gave_up(ticket, failures, what)
                    if given_up is not None:
                        self._scheduler.withdraw(ticket)
                        raise given_up
                    timeout = self._scheduler.next_change(monotonic())
                    token = self._signal.arm()
                await self._signal.wait(token, timeout)
        except BaseException:
            with self._lock:
                self._scheduler.withdraw(ticket)
                self._signal.notify()
            raise

    def _gave_up(
        self, ticket: Ticket, failures: dict[str, BaseException], what: str
    ) -> AllHostsFailedError | None:
        """The error for a waiting ticket that waiting cannot help, else None (lock held)."""
        if ticket.attempts and self._scheduler.exhausted(ticket, self._max_attempts):
            return _all_failed(what, failures)
        if self._scheduler.down(ticket, self._max_attempts):
            known = {**self._last_failures, **failures}
            return _all_failed(what, {name: known[name] for name in self.names if name in known})
        return None

    def _release(
        self, ticket: Ticket, error: BaseException | None, abandoned: bool = False
    ) -> None:
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
        while True:
            index = await self._acquire(ticket, failures, what)
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
                with self._lock:
                    self._settle_failure(ticket, exc, failure)
                    self._signal.notify()
                if failure is None or not failure.retry:
                    raise
                failures[self.names[index]] = exc
                with self._lock:
                    self._last_failures[self.names[index]] = exc
                    if self._scheduler.unservable(ticket):
                        raise
                    exhausted = self._scheduler.exhausted(ticket, self._max_attempts)
                if exhausted:
                    raise _all_failed(what, failures) from exc
                logger.debug(
                    "%s %s %s on %s (%s); trying another host",
                    call.method,
                    call.path,
                    "probe failed" if probing else "failed",
                    self.names[index],
                    failure.kind,
                )
            except BaseException:
                with self._lock:
                    self._scheduler.withdraw(ticket)
                    self._signal.notify()
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
        with self._lock:
            self._scheduler.probe_passed(ticket)
            self._signal.notify()  # the host takes traffic again: wake those waiting


def _all_failed(what: str, failures: dict[str, BaseException]) -> AllHostsFailedError:
    """The error of a call no host could serve, caused by the last failure seen."""
    error = AllHostsFailedError(what, failures)
    if failures:
        error.__cause__ = list(failures.values())[-1]
    return error


def _last(failures: dict[str, BaseException], model: str) -> BaseException:
    """The error to raise when no host has the model: the last 404 seen."""
    if failures:
        return list(failures.values())[-1]
    return ModelNotFoundError(f"model {model!r} not found on any host of this pool", 404)


class AsyncPooledStream(AsyncStream[T]):
    """A stream from one host of a pool: the host's slot is held until the stream ends.

    `host` is the host that answered; every part's `host` says it too.
    """

    __slots__ = ("host",)

    def __init__(
        self, inner: AsyncStream[T], host: str, finish: Callable[[BaseException | None, bool], None]
    ) -> None:
        self._response = inner.response
        self._parts = _relay(inner, host, finish)
        self.host = host


async def _relay(
    inner: AsyncStream[T], host: str, finish: Callable[[BaseException | None, bool], None]
) -> AsyncGenerator[Any, None]:
    """The host's parts, tagged; `finish(error, abandoned)` when over: `abandoned` when the
    stream was left before its end (closed early, cancelled), which counts for nothing."""
    error: BaseException | None = None
    completed = False
    try:
        # Started at once (like the host's own stream), so a stream dropped unread is still
        # finalised and frees its slot.
        yield None
        async for part in inner:
            tag_host(part, host)
            yield part
        completed = True
    except BaseException as exc:
        error = exc
        raise
    finally:
        try:
            await inner.aclose()
        finally:
            failed = isinstance(error, Exception)
            finish(error if failed else None, not completed and not failed)


def _pool_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Per-call options for a pool: `max_retries` is refused (hosts never retry)."""
    if "max_retries" in options:
        raise RequestError(
            "a host pool retries on other hosts: set max_attempts on the pool, "
            "not max_retries per call"
        )
    return dict(options)
