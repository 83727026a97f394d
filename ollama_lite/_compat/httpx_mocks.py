"""Whether a test double (respx, pytest-httpx, ...) has patched httpx's or httpcore's
transports, read from the patched methods' modules.

Such mocks intercept requests inside httpx, which the fast path never enters, so while one
is active every request goes through httpx: the caller's test suite keeps seeing them. The
check looks at three methods' `__module__`, which a mock replaces with its own function.
"""

from __future__ import annotations

import sys

import httpx

__all__ = ["transports_are_patched"]


def _foreign(method: object, package: str) -> bool:
    return not str(getattr(method, "__module__", "")).startswith(package)


#: Where patches come from; without any of them loaded nothing can be patched (fast exit).
_PATCHERS = ("respx", "pytest_httpx", "unittest.mock")


def transports_are_patched(is_async: bool) -> bool:
    """True while httpx's client, its transport or httpcore's pool has been patched."""
    modules = sys.modules
    if not any(name in modules for name in _PATCHERS):
        return False
    if is_async:
        if _foreign(httpx.AsyncClient._transport_for_url, "httpx."):
            return True
        if _foreign(httpx.AsyncHTTPTransport.handle_async_request, "httpx."):
            return True
    else:
        if _foreign(httpx.Client._transport_for_url, "httpx."):
            return True
        if _foreign(httpx.HTTPTransport.handle_request, "httpx."):
            return True
    httpcore = sys.modules.get("httpcore")
    if httpcore is None:
        return False  # not imported yet, so not patched either
    if is_async:
        return _foreign(httpcore.AsyncConnectionPool.handle_async_request, "httpcore.")
    return _foreign(httpcore.ConnectionPool.handle_request, "httpcore.")
