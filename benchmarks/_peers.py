"""The packages compared against: installed with pip when missing (benchmark-only)."""

from __future__ import annotations

import importlib
import subprocess
import sys

from ._context import available

__all__ = ["PEERS", "ensure_peers", "missing_peers"]

#: import name -> pip requirement
PEERS = {"ollama": "ollama", "langchain_ollama": "langchain-ollama", "aiohttp": "aiohttp"}


def missing_peers() -> list[str]:
    """Requirements of the peers that cannot be imported here."""
    return [requirement for module, requirement in PEERS.items() if not available(module)]


def ensure_peers(install: bool) -> list[str]:
    """Install the missing peers with pip when `install`; return those still missing."""
    missing = missing_peers()
    if missing and install:
        print(f"installing benchmark-only peers: {' '.join(missing)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=False)
        importlib.invalidate_caches()
        missing = missing_peers()
    return missing
