"""What a host's failure means for a pool: retry elsewhere or raise, rest the host or not;
and the error of a call no host could serve.

A pool's hosts are clients with `max_retries=0`, so every failure reaches the pool as one
of ollama_lite's exceptions; `classify` reads it (and the httpx error it was raised from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import httpx

from .._constants import RETRY_STATUSES
from .._errors import (
    AllHostsFailedError,
    ConnectError,
    ModelNotFoundError,
    OllamaError,
    ResponseError,
    StreamError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)

__all__ = ["CallKind", "Failure", "all_failed", "classify", "no_host_has"]

#: How a call may be repeated: `any` calls are retried only when the server surely did no
#: work; `idempotent` ones (embed) also when the connection broke after sending; `generation`
#: ones (non-streamed chat/generate) too, but only with the pool's opt-in.
CallKind = Literal["any", "idempotent", "generation"]


@dataclass(frozen=True, slots=True)
class Failure:
    """A host's failure, read for the pool.

    `kind` names it in stats and logs; `retry` says whether another attempt (on any host)
    may be made; `unwell` whether the host rests (cooldown); `retry_after` is the server's
    own wait, when it gave one; `missing_model` marks a 404 for the requested model.
    """

    kind: str
    retry: bool
    unwell: bool
    retry_after: float | None = None
    missing_model: bool = False


def _cause(exc: BaseException) -> BaseException | None:
    return exc.__cause__ or exc.__context__


def _not_sent(exc: BaseException) -> str | None:
    """The kind of a failure that happened before the request reached a server, else None."""
    cause = _cause(exc)
    if isinstance(exc, TimeoutError):
        if isinstance(cause, httpx.ConnectTimeout):
            return "connect_timeout"
        if isinstance(cause, httpx.PoolTimeout):
            return "pool_timeout"
        return None
    if isinstance(exc, ConnectError) and not isinstance(exc, StreamInterrupted):
        # A TLS failure is a ConnectError too, but it fails the same way every time.
        if "TLS handshake" in str(exc):
            return None
        return "connect"
    return None


def classify(
    exc: BaseException, call: CallKind, *, retry_generation: bool = False
) -> Failure | None:
    """How the pool treats `exc` from one host, or None when it is not a host failure at all
    (bad input, cancellation, a response the caller must see)."""
    if not isinstance(exc, OllamaError):
        return None
    if isinstance(exc, ModelNotFoundError):
        return Failure("model_missing", retry=True, unwell=False, missing_model=True)
    if isinstance(exc, StreamError):
        return None
    if isinstance(exc, ResponseError):
        if exc.status_code in RETRY_STATUSES:
            return Failure(f"http_{exc.status_code}", True, True, retry_after=exc.retry_after)
        return None
    if not isinstance(exc, TransportError):
        return None
    kind = _not_sent(exc)
    if kind is not None:
        return Failure(kind, retry=True, unwell=kind != "pool_timeout")
    if isinstance(exc, ConnectError) and "TLS handshake" in str(exc):
        return None
    # The request was sent; the server may have done the work. Repeat only what is safe.
    repeatable = call == "idempotent" or (call == "generation" and retry_generation)
    kind = "timeout" if isinstance(exc, TimeoutError) else "dropped"
    return Failure(kind, retry=repeatable, unwell=True)


def all_failed(what: str, failures: dict[str, BaseException]) -> AllHostsFailedError:
    """The error of a call no host could serve, caused by the last failure seen."""
    error = AllHostsFailedError(what, failures)
    if failures:
        error.__cause__ = list(failures.values())[-1]
    return error


def no_host_has(failures: dict[str, BaseException], model: str) -> BaseException:
    """The error to raise when no host has the model: the last 404 seen."""
    if failures:
        return list(failures.values())[-1]
    return ModelNotFoundError(f"model {model!r} not found on any host of this pool", 404)
