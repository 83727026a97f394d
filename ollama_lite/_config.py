"""How to connect: headers and credentials, the transport choice, the retry policy.

Everything here is pure: no sockets, no clients. The host-URL grammar is in `_host_url`.
"""

from __future__ import annotations

import math
import os
import random
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._constants import (
    DEFAULT_BACKOFF,
    DEFAULT_MAX_BACKOFF,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    RETRY_STATUSES,
)
from ._errors import RequestError
from ._host_url import HostConfig, parse_host, resolve_host
from ._version import __version__

__all__ = [
    "parse_host",
    "resolve_host",
    "HostConfig",
    "TRANSPORT_SETTINGS",
    "brings_own_transport",
    "client_headers",
    "sends_bearer",
    "user_agent",
    "RetryPolicy",
    "auth_headers",
]


def auth_headers(
    host: HostConfig,
    headers: Mapping[str, str] | None,
    api_key: str | None,
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers every request carries: the caller's, plus an Authorization if none is given.

    An explicit `Authorization` header wins, then credentials in the host URL, then `api_key`,
    then `OLLAMA_API_KEY` as a Bearer token.
    """
    merged = dict(headers or {})
    if any(key.lower() == "authorization" for key in merged):
        return merged
    if host.authorization:
        merged["Authorization"] = host.authorization
        return merged
    key = (
        api_key
        if api_key is not None
        else (os.environ if env is None else env).get("OLLAMA_API_KEY")
    )
    if key:
        merged["Authorization"] = f"Bearer {key}"
    return merged


def user_agent() -> str:
    """The User-Agent sent by default (the caller's own header wins)."""
    import platform

    return (
        f"ollama-lite/{__version__} ({platform.machine()} {platform.system().lower()}) "
        f"Python/{platform.python_version()}"
    )


def client_headers(
    host: HostConfig, headers: Mapping[str, str] | None, api_key: str | None
) -> dict[str, str]:
    """Every request's headers: JSON defaults and the User-Agent, then `auth_headers`; the
    caller's headers win over the defaults, whatever their case."""
    merged = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "User-Agent": user_agent(),
    }
    for name, value in auth_headers(host, headers, api_key).items():
        for default in [key for key in merged if key.lower() == name.lower()]:
            del merged[default]
        merged[name] = value
    return merged


def sends_bearer(headers: Mapping[str, str]) -> bool:
    """True when the Authorization header is a Bearer token (an API key)."""
    authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    return authorization.startswith("Bearer ")


#: httpx client settings that belong to its default transport; forwarded to ours.
TRANSPORT_SETTINGS = ("verify", "cert", "trust_env", "http1", "http2", "limits")


def brings_own_transport(httpx_kwargs: Mapping[str, Any]) -> bool:
    """True when httpx must build the transports: the caller's, or proxied ones (httpx
    reads proxy variables only when it builds the transport itself)."""
    if any(key in httpx_kwargs for key in ("transport", "mounts", "proxy")):
        return True
    return bool(httpx_kwargs.get("trust_env", True) and urllib.request.getproxies())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Only failures that happen before any byte of a response reached the caller are retried:
    connection failures, and the statuses 429, 502, 503 and 504. The wait is the server's
    `Retry-After` when it gives one (up to `max_retry_after` seconds; a longer one is not
    waited for), else exponential backoff from `backoff` seconds, capped at `max_backoff`,
    with "equal jitter": a random wait between half the ceiling and the ceiling.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_backoff: float = DEFAULT_MAX_BACKOFF
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise RequestError("max_retries must be an int")
        if self.max_retries < 0:
            raise RequestError("max_retries must be >= 0")

    def backoff_delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based), with equal jitter."""
        ceiling = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)

    def delay_for_status(
        self, attempt: int, status_code: int, headers: Mapping[str, str]
    ) -> float | None:
        """Seconds to wait before retrying a response with this status, or None to give up."""
        if attempt > self.max_retries or status_code not in RETRY_STATUSES:
            return None
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is None:
            return self.backoff_delay(attempt)
        if retry_after > self.max_retry_after:
            return None
        return retry_after

    def delay_for_connect_error(self, attempt: int) -> float | None:
        """Seconds to wait before retrying after a connection failure, or None to give up."""
        if attempt > self.max_retries:
            return None
        return self.backoff_delay(attempt)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)
