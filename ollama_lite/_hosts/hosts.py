"""Where a pool's servers are: a list of host strings, else `OLLAMA_HOSTS`, else `OLLAMA_HOST`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .._errors import RequestError
from .._host_url import resolve_host

__all__ = ["pool_hosts"]


def pool_hosts(
    hosts: Sequence[str] | str | None = None, env: Mapping[str, str] | None = None
) -> list[str]:
    """The host strings of a pool, each as given (credentials stay for the host's client).

    `hosts` may be a list, or one comma-separated string. Without it: `OLLAMA_HOSTS`
    (comma-separated), else `OLLAMA_HOST`, else the default host. Every entry is parsed like
    `OLLAMA_HOST`; two entries for the same base URL are refused.
    """
    environ = os.environ if env is None else env
    if hosts is None:
        listed = environ.get("OLLAMA_HOSTS", "").strip()
        hosts = listed if listed else [environ.get("OLLAMA_HOST", "")]
    if isinstance(hosts, str):
        hosts = [part.strip() for part in hosts.split(",") if part.strip()]
        if not hosts:
            raise RequestError("hosts is empty: give at least one host")
    if not isinstance(hosts, Sequence) or not hosts:
        raise RequestError("hosts must be a non-empty list of host strings")
    seen: dict[str, int] = {}
    for position, host in enumerate(hosts):
        if not isinstance(host, str):
            raise RequestError(f"hosts[{position}] must be a string, not {type(host).__name__}")
        base = resolve_host(host, environ).base_url
        if base in seen:
            raise RequestError(
                f"hosts[{position}] and hosts[{seen[base]}] are the same server ({base})"
            )
        seen[base] = position
    return list(hosts)
