"""The default client behind the module-level functions, created on first use.

`ollama_lite.chat(...)` and friends call a `Client()` built the first time one of them runs
(so `OLLAMA_HOST` and `OLLAMA_API_KEY` are read then, not at import).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ._sync.client import Client

__all__ = ["default_client", "forward"]

_lock = threading.Lock()
_client: Client | None = None


def default_client() -> Client:
    """The shared client of the module-level functions (created on first call)."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = Client()
    return _client


def forward(name: str) -> Callable[..., Any]:
    """A module-level function that calls `name` on the default client."""
    method = getattr(Client, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(default_client(), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = method.__doc__
    call.__wrapped__ = method  # type: ignore[attr-defined]
    return call
