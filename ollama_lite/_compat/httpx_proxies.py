"""Whether httpx would reach a URL without a proxy, asked with httpx's own (private) rules.

The fast path must never bypass a proxy the user configured, and must not be switched off by
a `NO_PROXY` that exempts the Ollama host (urllib's `getproxies()` reports `{"no": ...}` even
when no proxy is set at all). So the decision reuses what httpx does when it builds its
transports: `httpx._utils.get_environment_proxies()` turns the proxy variables into URL
patterns, and the best-matching pattern (httpx's sort order) says proxy or direct. If a
future httpx moves these, the check falls back to "direct only when no HTTP proxy is set".
"""

from __future__ import annotations

import urllib.request

import httpx

__all__ = ["connects_directly"]


def connects_directly(url: str) -> bool:
    """True when httpx (with `trust_env=True`) would connect to `url` without a proxy."""
    try:
        from httpx._utils import URLPattern, get_environment_proxies
    except ImportError:  # pragma: no cover - depends on the httpx version
        proxies = urllib.request.getproxies()
        return not (proxies.get("http") or proxies.get("all"))
    target = httpx.URL(url)
    patterns = sorted(
        ((URLPattern(key), proxy) for key, proxy in get_environment_proxies().items()),
        key=lambda item: item[0],
    )
    for pattern, proxy in patterns:
        if pattern.matches(target):
            return proxy is None
    return True
