"""Wire helpers shared by the fake server: JSON codec, Go-style timestamps and quoting."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec

_ENCODER = msgspec.json.Encoder()
encode = _ENCODER.encode

JSON_UTF8 = b"application/json; charset=utf-8"
NDJSON = b"application/x-ndjson"
TEXT_PLAIN = b"text/plain"
TEXT_UTF8 = b"text/plain; charset=utf-8"

# One cached (second, "YYYY-MM-DDTHH:MM:SS") pair; a tuple swap is atomic, so threads may share it.
_second_cache: tuple[int, str] = (-1, "")


def rfc3339_from_ns(ns: int) -> str:
    """Format a UNIX time in nanoseconds like Go's RFC3339Nano (UTC, trailing zeros trimmed)."""
    global _second_cache
    sec, frac = divmod(ns, 1_000_000_000)
    cached_sec, prefix = _second_cache
    if cached_sec != sec:
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
        _second_cache = (sec, prefix)
    if frac == 0:
        return prefix + "Z"
    return f"{prefix}.{frac:09d}".rstrip("0") + "Z"


def now_rfc3339() -> str:
    """The current time as an RFC3339 string with nanoseconds, like Ollama's ``created_at``."""
    return rfc3339_from_ns(time.time_ns())


def now_rfc3339_bytes() -> bytes:
    """:func:`now_rfc3339` as ASCII bytes, for hand-assembled NDJSON chunks."""
    return rfc3339_from_ns(time.time_ns()).encode()


def future_rfc3339(seconds: float) -> str:
    """A timestamp ``seconds`` from now; infinity maps to Go's "forever" (~292 years ahead)."""
    if seconds == float("inf") or seconds > 9_000_000_000:
        when = datetime.now(timezone.utc) + timedelta(days=365 * 292)
        return when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    return rfc3339_from_ns(time.time_ns() + int(seconds * 1_000_000_000))


def go_quote(text: str) -> str:
    """Quote like Go's ``%q`` (close enough: JSON string escaping)."""
    return encode(text).decode()


def json_type_name(value: Any) -> str:
    """The JSON type name Go's decoder uses in "cannot unmarshal X" messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
