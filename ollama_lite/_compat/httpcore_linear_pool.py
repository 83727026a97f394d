"""httpx transports whose httpcore pool assigns queued requests in one linear pass.

httpcore 1.0.x's ``_assign_requests_to_connections`` (run on every enqueue and every release)
offers one idle connection to every queued request of a pass (the losers hit
``ConnectionNotAvailable`` and rerun the whole pass), probes every connection's socket on every
pass (``has_expired()``: ``getpeername`` + ``poll``), and closes an idle connection whenever
the pool holds more than ``max_keepalive_connections`` connections in total, idle or not
(encode/httpcore#1035). Under 64-way concurrency that halves throughput.

``default_transport`` builds the stock ``httpx`` transport and, on httpcore 1.0.x with the
private attributes the pass relies on, swaps its freshly built pool for a subclass that
overrides only ``_assign_requests_to_connections`` with `assign_requests`: same limits
(``max_keepalive_connections`` counting idle connections), same HTTP/2 multiplexing, same
contract (returns the connections to close), but one walk over the connections, each idle
HTTP/1.1 connection given to one queued request, no probe of connections held by a request,
and a stop when nothing more can be assigned. Idle connections are probed when handed out, and
all of them at most every `SWEEP_INTERVAL` (or ``keepalive_expiry``) seconds instead of on every
pass. Any other httpcore gets the stock transport unchanged.

httpx imports httpcore lazily (~0.1 s), so this module does too: the check and the subclasses
are made once, on the first call, when building the transport imports httpcore anyway.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload

import httpx

from .httpcore_interruptible import cut_when_left

if TYPE_CHECKING:
    import httpcore

__all__ = ["assign_requests", "default_transport", "linear_pool_classes", "supported"]


class _Connection(Protocol):
    """The part of httpcore's (Async)ConnectionInterface the pass uses."""

    def can_handle_request(self, origin: httpcore.Origin) -> bool: ...
    def is_available(self) -> bool: ...
    def has_expired(self) -> bool: ...
    def is_idle(self) -> bool: ...
    def is_closed(self) -> bool: ...
    def info(self) -> str: ...


_C = TypeVar("_C", bound=_Connection)


class _PoolRequest(Protocol[_C]):
    """httpcore's (Async)PoolRequest: ``connection is None`` means queued (``is_queued()``)."""

    @property
    def request(self) -> httpcore.Request: ...
    @property
    def connection(self) -> _C | None: ...
    def assign_to_connection(self, connection: _C) -> None: ...


class _Pool(Protocol[_C]):
    """The private state of httpcore 1.0.x's (Async)ConnectionPool that the pass reads."""

    _connections: list[_C]

    @property
    def _requests(self) -> Sequence[_PoolRequest[_C]]: ...
    @property
    def _max_connections(self) -> int: ...
    @property
    def _max_keepalive_connections(self) -> int: ...
    @property
    def _http2(self) -> bool: ...
    def create_connection(self, origin: httpcore.Origin) -> _C: ...


def _multiplexed(connection: _Connection) -> bool:
    """Whether an available connection may take several requests: HTTP/2, or HTTP/2 possible
    and not negotiated yet (``info()`` says ``CONNECTING``). Used only when ``http2`` is on."""
    return ", HTTP/1.1," not in connection.info()


def assign_requests(pool: _Pool[_C], *, sweep: bool = True) -> list[_C]:
    """A linear ``_assign_requests_to_connections`` for an httpcore 1.0.x pool.

    Call with the pool's lock held, as httpcore does; returns the connections the caller must
    close. Drops closed connections, closes expired ones and the oldest idle ones beyond
    ``max_keepalive_connections`` (counting idle connections only), then hands the queued
    requests, oldest first, to an available connection to their origin, else to a new one
    (within ``max_connections``), else to a new one replacing an idle connection to another
    origin. A connection held by a request is not probed, counted as idle or closed; an idle
    HTTP/1.1 connection goes to one request, an HTTP/2 one to every queued request it can take.

    ``sweep``: probe (``has_expired()``) every idle connection no request holds, as httpcore
    does on every pass; otherwise probe only the ones about to be handed out.
    """
    closing: list[_C] = []
    queued: list[_PoolRequest[_C]] = []
    held: set[_C] = set()  # assigned to a request: started, or about to start
    for pool_request in pool._requests:
        holder = pool_request.connection
        if holder is None:  # is_queued()
            queued.append(pool_request)
        else:
            held.add(holder)

    connections = pool._connections
    kept: list[_C] = []
    idle: list[_C] = []  # idle and held by no request, oldest first
    for connection in connections:
        if connection.is_closed():
            continue  # nothing to close, just forget it
        if connection not in held and connection.is_idle():
            if sweep and connection.has_expired():  # keep-alive expiry, or server closed it
                closing.append(connection)
                continue
            idle.append(connection)
        kept.append(connection)
    surplus = len(idle) - pool._max_keepalive_connections
    if surplus > 0:
        evicted = set(idle[:surplus])
        closing.extend(idle[:surplus])
        idle = idle[surplus:]
        kept = [connection for connection in kept if connection not in evicted]
    connections[:] = kept
    if not queued:
        return closing

    http2 = pool._http2
    # HTTP/1.1 only: the idle connections; with HTTP/2, held ones may take more requests too.
    candidates = list(kept if http2 else idle)
    unprobed = set() if sweep else set(idle)
    spoken_for: set[_C] = set()  # idle connections handed out or closed in this pass
    next_idle = 0  # idle[next_idle:] may be closed to make room for another origin
    for pool_request in queued:
        origin = pool_request.request.url.origin
        index = 0
        while index < len(candidates):
            connection = candidates[index]
            if not connection.can_handle_request(origin):
                index += 1
                continue
            if not connection.is_available() or (
                connection in held and not _multiplexed(connection)
            ):
                del candidates[index]
                continue
            if connection in unprobed:
                unprobed.discard(connection)
                if connection.has_expired():
                    del candidates[index]
                    connections.remove(connection)
                    closing.append(connection)
                    spoken_for.add(connection)
                    continue
            if not (http2 and _multiplexed(connection)):
                del candidates[index]
            spoken_for.add(connection)
            pool_request.assign_to_connection(connection)
            break
        else:
            if len(connections) >= pool._max_connections:
                while next_idle < len(idle) and idle[next_idle] in spoken_for:
                    next_idle += 1
                if next_idle == len(idle):  # full, and no idle connection to replace
                    if not candidates:
                        break  # nothing more can be assigned in this pass
                    continue  # a request to another origin may still find a connection
                victim = idle[next_idle]
                next_idle += 1
                connections.remove(victim)
                if victim in candidates:
                    candidates.remove(victim)
                closing.append(victim)
            connection = pool.create_connection(origin)
            connections.append(connection)
            pool_request.assign_to_connection(connection)
            if http2:  # it may turn out HTTP/2: later requests may share it, as in httpcore
                candidates.append(connection)
    return closing


SWEEP_INTERVAL = 1.0
"""Seconds between full probes of the idle connections (each pass in between probes only the
connections it hands out), at most ``keepalive_expiry``. A pass after a quiet spell sweeps."""


class _Sweeps:
    """When a pass should probe every idle connection: not more often than the interval."""

    _keepalive_expiry: float | None
    _swept_at: float = float("-inf")

    def _sweep_due(self) -> bool:
        now = time.monotonic()
        interval = SWEEP_INTERVAL
        if self._keepalive_expiry is not None:
            interval = min(interval, self._keepalive_expiry)
        if now - self._swept_at < interval:
            return False
        self._swept_at = now
        return True


_INIT_ATTRIBUTES = frozenset(
    {
        "_connections",
        "_requests",
        "_max_connections",
        "_max_keepalive_connections",
        "_keepalive_expiry",
        "_http2",
    }
)
_CONNECTION_METHODS = (
    "can_handle_request",
    "is_available",
    "has_expired",
    "is_idle",
    "is_closed",
    "info",
)


def _check(core: Any) -> bool:
    """httpcore 1.0.x, with the private attributes `assign_requests` and the swap rely on."""
    try:
        if not str(core.__version__).startswith("1.0."):
            return False
        for pool_cls, pool_request_cls, interface, handle in (
            (
                core.AsyncConnectionPool,
                core._async.connection_pool.AsyncPoolRequest,
                core.AsyncConnectionInterface,
                "handle_async_request",
            ),
            (
                core.ConnectionPool,
                core._sync.connection_pool.PoolRequest,
                core.ConnectionInterface,
                "handle_request",
            ),
        ):
            if not set(pool_cls.__init__.__code__.co_names) >= _INIT_ATTRIBUTES:
                return False
            if "_assign_requests_to_connections" not in getattr(pool_cls, handle).__code__.co_names:
                return False
            if not {"request", "connection"} <= set(pool_request_cls.__init__.__code__.co_names):
                return False
            if not all(
                callable(getattr(pool_request_cls, name, None))
                for name in ("assign_to_connection", "is_queued")
            ):
                return False
            if not all(callable(getattr(interface, name, None)) for name in _CONNECTION_METHODS):
                return False
    except (AttributeError, ImportError):
        return False
    return True


def supported() -> bool:
    """Whether the installed httpcore gets the linear pool (checked once, then cached)."""
    return linear_pool_classes() is not None


@functools.lru_cache(maxsize=1)
def linear_pool_classes() -> dict[type[Any], type[Any]] | None:
    """Stock httpcore pool class -> its linear subclass; None when httpcore isn't supported."""
    import httpcore

    if not _check(httpcore):
        return None

    class AsyncLinearConnectionPool(_Sweeps, httpcore.AsyncConnectionPool):
        """httpcore's AsyncConnectionPool with the linear `assign_requests` pass."""

        def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
            return assign_requests(self, sweep=self._sweep_due())

    class LinearConnectionPool(_Sweeps, httpcore.ConnectionPool):
        """httpcore's ConnectionPool with the linear `assign_requests` pass."""

        def _assign_requests_to_connections(self) -> list[httpcore.ConnectionInterface]:
            return assign_requests(self, sweep=self._sweep_due())

    class AsyncLinearHTTPProxy(AsyncLinearConnectionPool, httpcore.AsyncHTTPProxy):
        pass

    class AsyncLinearSOCKSProxy(AsyncLinearConnectionPool, httpcore.AsyncSOCKSProxy):
        pass

    class LinearHTTPProxy(LinearConnectionPool, httpcore.HTTPProxy):
        pass

    class LinearSOCKSProxy(LinearConnectionPool, httpcore.SOCKSProxy):
        pass

    return {
        httpcore.AsyncConnectionPool: AsyncLinearConnectionPool,
        httpcore.ConnectionPool: LinearConnectionPool,
        httpcore.AsyncHTTPProxy: AsyncLinearHTTPProxy,
        httpcore.AsyncSOCKSProxy: AsyncLinearSOCKSProxy,
        httpcore.HTTPProxy: LinearHTTPProxy,
        httpcore.SOCKSProxy: LinearSOCKSProxy,
    }


@overload
def default_transport(
    *, is_async: Literal[True], **transport_kwargs: Any
) -> httpx.AsyncHTTPTransport: ...
@overload
def default_transport(
    *, is_async: Literal[False], **transport_kwargs: Any
) -> httpx.HTTPTransport: ...
@overload
def default_transport(
    *, is_async: bool, **transport_kwargs: Any
) -> httpx.AsyncHTTPTransport | httpx.HTTPTransport: ...
def default_transport(
    *, is_async: bool, **transport_kwargs: Any
) -> httpx.AsyncHTTPTransport | httpx.HTTPTransport:
    """``httpx.(Async)HTTPTransport(**transport_kwargs)`` with the linear pool when supported.

    Takes what the transport takes (``verify``, ``cert``, ``trust_env``, ``http1``,
    ``http2``, ``limits``, ``proxy``, ``uds``, ``local_address``, ``retries``,
    ``socket_options``); an unsupported httpcore gets the stock transport. The sync one's
    connections are also cut by leaving an embed_many run (`httpcore_interruptible`).
    """
    transport: httpx.AsyncHTTPTransport | httpx.HTTPTransport = (
        httpx.AsyncHTTPTransport(**transport_kwargs)
        if is_async
        else httpx.HTTPTransport(**transport_kwargs)
    )
    classes = linear_pool_classes()
    pool = getattr(transport, "_pool", None)
    if classes is not None and pool is not None:
        linear = classes.get(type(pool))
        if linear is not None and all(hasattr(pool, name) for name in _INIT_ATTRIBUTES):
            pool.__class__ = linear  # a fresh pool: same layout, one overridden method
    if isinstance(transport, httpx.HTTPTransport):
        cut_when_left(transport)
    return transport
