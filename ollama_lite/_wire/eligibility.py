"""Which requests take the fast path, decided once per client (pure apart from reading the
proxy settings of the environment, as httpx does).

The fast path is plain HTTP/1.1 straight to the Ollama host. Everything else stays on httpx
exactly as before: `https://` (TLS), a proxy that applies to the host, HTTP/2, `mounts`, a
caller's `transport=` (so `httpx.MockTransport` and respx keep working), and any httpx
setting the fast path does not implement.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .._compat.httpx_proxies import connects_directly

__all__ = ["DISABLE_ENV", "SUPPORTED_SETTINGS", "why_not_fast"]

#: Set to `0` to send every request through httpx (for comparisons and bug reports).
DISABLE_ENV = "OLLAMA_LITE_FAST_PATH"

#: httpx settings the fast path honours: TLS ones do not apply to `http://`, `limits` and
#: `trust_env` keep their meaning, `http1=True` is what it speaks.
SUPPORTED_SETTINGS = frozenset({"verify", "cert", "trust_env", "http1", "http2", "limits"})


def why_not_fast(
    base_url: str, httpx_kwargs: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> str | None:
    """None when requests to `base_url` may take the fast path, else the reason they may not."""
    environ = os.environ if env is None else env
    if environ.get(DISABLE_ENV, "").strip().lower() in ("0", "false", "no", "off"):
        return f"{DISABLE_ENV} is off"
    if not base_url.lower().startswith("http://"):
        return "the host is not plain http://"
    unsupported = sorted(set(httpx_kwargs) - SUPPORTED_SETTINGS)
    if unsupported:
        return f"httpx settings {', '.join(unsupported)} need httpx"
    if httpx_kwargs.get("http2") or httpx_kwargs.get("http1", True) is False:
        return "HTTP/2 was asked for"
    if httpx_kwargs.get("trust_env", True) and not connects_directly(base_url):
        return "a proxy applies to the host"
    return None
