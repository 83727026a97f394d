"""The servers a command talks to: `--hosts`, else `OLLAMA_HOSTS`, else `OLLAMA_HOST`."""

from __future__ import annotations

import os

__all__ = ["hosts_from"]


def hosts_from(flag: str | None) -> list[str]:
    """The host strings named by the flag or the environment, in order, without blanks."""
    raw = flag or os.environ.get("OLLAMA_HOSTS") or os.environ.get("OLLAMA_HOST") or ""
    hosts = [host.strip() for host in raw.split(",") if host.strip()]
    return hosts or ["http://127.0.0.1:11434"]
