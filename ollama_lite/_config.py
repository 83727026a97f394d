"""Where to connect and how: host parsing, credentials from the environment, timeouts, retries.

Everything here is pure: no sockets, no clients. `resolve_host` follows the Ollama server's
own rules for `OLLAMA_HOST` (envconfig.Host), so a value that works for `ollama serve` works
here too.
"""

from __future__ import annotations

import base64
import ipaddress
import math
import os
import random
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

import httpx

from ._errors import RequestError

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_TIMEOUT",
    "HostConfig",
    "RetryPolicy",
    "auth_headers",
    "not_the_server_root",
    "resolve_host",
]

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_PORT = 11434

#: Connect within 10 s; wait up to 10 minutes between bytes of a response. For a stream the
#: read timeout is the longest silence allowed between two chunks, which includes the time a
#: model takes to load before its first token. Pass `timeout=None` to wait forever.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)

_BIND_ADDRESSES = {"0.0.0.0": "127.0.0.1", "::": "::1"}


@dataclass(frozen=True, slots=True)
class HostConfig:
    """A parsed host: the base URL to send requests to, and Basic credentials taken from it."""

    base_url: str
    authorization: str | None = None

    def __repr__(self) -> str:
        # The credentials never show up in a repr.
        auth = ", authorization=<redacted>" if self.authorization else ""
        return f"HostConfig(base_url={self.base_url!r}{auth})"


def _strip(value: str) -> str:
    return value.strip().strip("\"'").strip()


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """Split `host:port` like Go's net.SplitHostPort; None when there is no port."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1 or not hostport[end + 1 :].startswith(":"):
            return None
        return hostport[1:end], hostport[end + 2 :]
    if hostport.count(":") != 1:
        return None
    host, _, port = hostport.partition(":")
    return host, port


def _format_host(host: str) -> str:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed


def _without_credentials(value: str) -> str:
    """`value` with any `user:password@` replaced, for messages."""
    return re.sub(r"(?<=://)[^/@]*@", "<credentials>@", value)


def resolve_host(host: str | None = None, env: Mapping[str, str] | None = None) -> HostConfig:
    """Parse `host` (or `OLLAMA_HOST`, else the default) the way the Ollama server does.

    - surrounding whitespace and quotes are removed;
    - no scheme: `http` and port 11434, except bare `ollama.com`, which is `https` on 443;
    - `http://` defaults to port 80 and `https://` to 443; an explicit port is kept;
    - a path after the host is kept as a prefix (`https://example.com/ollama`);
    - bare or bracketed IPv6 works (`::1`, `[::1]:8080`);
    - bind addresses (`0.0.0.0`, `::`) become loopback addresses to connect to;
    - `user:password@` becomes a Basic `Authorization` header and is removed from the URL.
    """
    if host is None:
        host = (os.environ if env is None else env).get("OLLAMA_HOST", "")
    if not isinstance(host, str):
        raise RequestError(f"host must be a string, not {type(host).__name__}")
    value = _strip(host)
    if not value:
        return HostConfig(DEFAULT_HOST)

    scheme, sep, rest = value.partition("://")
    default_port = str(DEFAULT_PORT)
    if not sep:
        scheme, rest = "http", value
        if value.lower() == "ollama.com":
            scheme, rest = "https", "ollama.com:443"
    else:
        scheme = scheme.lower()
        if scheme == "http":
            default_port = "80"
        elif scheme == "https":
            default_port = "443"
        else:
            shown = _without_credentials(value)
            raise RequestError(f"host {shown!r} has scheme {scheme!r}; use http:// or https://")

    hostport, _, path = rest.partition("/")
    authorization = None
    if "@" in hostport:
        userinfo, _, hostport = hostport.rpartition("@")
        user, _, password = userinfo.partition(":")
        token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
        authorization = f"Basic {token}"

    split = _split_host_port(hostport)
    if split is None:
        hostname, port = hostport.strip("[]"), default_port
    else:
        hostname, port = split
    hostname = _BIND_ADDRESSES.get(hostname, hostname) or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) <= 65535:
        warnings.warn(
            f"invalid port {port!r} in host {hostname!r}; using {default_port}",
            stacklevel=2,
        )
        port = default_port

    base = f"{scheme}://{_format_host(hostname)}:{int(port)}"
    path = path.strip("/")
    if path:
        base = f"{base}/{path}"
    return HostConfig(base, authorization)


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


RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Only failures that happen before any byte of a response reached the caller are retried:
    connection failures, and the statuses 429, 502, 503 and 504. The wait is the server's
    `Retry-After` when it gives one (up to `max_retry_after` seconds; a longer one is not
    waited for), else exponential backoff from `backoff` seconds, capped at `max_backoff`,
    with full jitter.
    """

    max_retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise RequestError("max_retries must be an int")
        if self.max_retries < 0:
            raise RequestError("max_retries must be >= 0")

    def backoff_delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based), with full jitter."""
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


_API_SUFFIXES = ("/v1", "/api", "/api/generate", "/api/chat", "/v1/chat/completions")


def not_the_server_root(base_url: str, path: str) -> str | None:
    """For a 404 from `base_url + path`: a hint when the host names an API path, else None.

    `http://host:11434/v1` (from OpenAI-compatible set-ups) or `.../api/` make every request
    go to `/v1/api/chat` or `/api/api/chat`, which Ollama does not know.
    """
    trimmed = base_url.rstrip("/")
    for suffix in _API_SUFFIXES:
        if trimmed.lower().endswith(suffix):
            root = trimmed[: -len(suffix)]
            return (
                f"404 from {base_url.rstrip('/')}{path}: the host should be the server's root "
                f"({root or base_url}), not an API path ending in {suffix!r}"
            )
    return None
