"""Per-call settings (`timeout`, `max_retries`, `headers`) and `with_options` copies.

Every endpoint method takes them as keywords (`RequestOptions`; `NOT_GIVEN` by default), and
`client.with_options()` makes a copy of a client whose calls all use them, sharing the
original's connections. A per-call value wins over the copy's, which wins over the client's
own. Checked before anything is sent.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from ._config import RetryPolicy
from ._errors import RequestError
from .types.params import NOT_GIVEN, RequestOptions

__all__ = ["REQUEST_OPTION_NAMES", "CallSettings", "call_arguments"]

REQUEST_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


def _timeout(value: object) -> float | httpx.Timeout | None:
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isnan(value) or value < 0:
            raise RequestError(f"timeout must be >= 0 seconds; got {value!r}")
        return float(value)
    raise RequestError(
        f"timeout must be seconds, an httpx.Timeout or None, not {type(value).__name__}"
    )


def _headers(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise RequestError(f"headers must be a dict of strings, not {type(value).__name__}")
    for name, item in value.items():
        if not isinstance(name, str) or not isinstance(item, str):
            raise RequestError(f"headers must map strings to strings; got {name!r}: {item!r}")
    return dict(value)


@dataclass(frozen=True, slots=True)
class CallSettings:
    """What a call overrides: a timeout (`httpx.USE_CLIENT_DEFAULT`: the client's), a retry
    policy (None: the client's) and headers added to the client's."""

    timeout: Any = httpx.USE_CLIENT_DEFAULT
    retry: RetryPolicy | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def merged(self, options: Mapping[str, Any] | None) -> CallSettings:
        """These settings with `options` (`RequestOptions` keys) applied over them."""
        if not options:
            return self
        unknown = sorted(set(options) - REQUEST_OPTION_NAMES)
        if unknown:
            raise RequestError(f"unknown request option(s): {', '.join(unknown)}")
        changes: dict[str, Any] = {}
        if "timeout" in options:
            changes["timeout"] = _timeout(options["timeout"])
        if "max_retries" in options:
            base = self.retry or RetryPolicy()
            changes["retry"] = dataclasses.replace(base, max_retries=options["max_retries"])
        if "headers" in options:
            changes["headers"] = {**self.headers, **_headers(options["headers"])}
        return dataclasses.replace(self, **changes)


def call_arguments(
    values: Mapping[str, Any], params: Any = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(endpoint parameters, request options) from a client method's `locals()`.

    `params` is the endpoint's TypedDict (`ChatParams`, ...), whose keys the method lists as
    parameters (written by `scripts/gen_signatures.py`); those left at None are left out,
    and so are request options left at `NOT_GIVEN`.
    """
    keys = params.__annotations__ if params is not None else ()
    chosen = {key: values[key] for key in keys if values[key] is not None}
    options = {key: values[key] for key in REQUEST_OPTION_NAMES if values[key] is not NOT_GIVEN}
    return chosen, options
