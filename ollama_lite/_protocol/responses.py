"""What a status, a transport failure or a body means: the typed result or the exception.

Pure functions shared by both clients, so they behave the same.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import TypeVar, cast

import httpx
import msgspec

from .._config import parse_retry_after
from .._constants import RETRY_STATUSES
from .._errors import (
    AuthenticationError,
    ConnectError,
    InvalidResponseError,
    ModelNotFoundError,
    OllamaError,
    ResponseError,
    ServerBusyError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)
from .._matrix import EmbedMatrix, decode_embed_matrix
from .._ndjson import decode_error, decoder_for
from .call import Call

__all__ = [
    "declared_length",
    "decode_body",
    "error_for_status",
    "is_connect_failure",
    "too_large",
    "transport_error",
]

T = TypeVar("T")


def decode_body(call: Call[T], body: bytes) -> T:
    """The typed result of a successful unary call."""
    if not body.strip() and call.empty is not None:
        return call.empty
    if call.result is EmbedMatrix:
        # float32 matrices are decoded straight into numpy, without Python floats.
        return cast(T, decode_embed_matrix(body))
    try:
        return decoder_for(call.result).decode(body)
    except msgspec.MsgspecError as exc:
        raise decode_error(exc, call.result, body) from None


def _error_text(body: bytes, reason: str) -> tuple[str, str | None]:
    """The server's `error` text (and `signin_url`), or the raw body when it is not JSON."""
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError:
        data = None
    if isinstance(data, dict) and "error" in data:
        error = data["error"]
        signin = data.get("signin_url")
        return (
            error if isinstance(error, str) else msgspec.json.encode(error).decode(),
            signin if isinstance(signin, str) else None,
        )
    text = body.decode("utf-8", "replace").strip()
    if len(text) > 2000:
        text = text[:2000] + "..."
    return text or reason, None


def error_for_status(status_code: int, headers: Mapping[str, str], body: bytes) -> ResponseError:
    """The exception for an error status (>= 400, or a redirect not followed) and body."""
    reason = httpx.codes.get_reason_phrase(status_code) or "error"
    if 300 <= status_code < 400:
        location = headers.get("location", "")
        return ResponseError(
            f"{status_code} {reason}: redirected to {location!r}, not followed "
            "(follow_redirects=False)",
            status_code,
        )
    message, signin_url = _error_text(body, reason)
    if status_code == 404 and "model" in message.lower() and "not found" in message.lower():
        return ModelNotFoundError(message, status_code)
    if status_code in (401, 403):
        auth = AuthenticationError(message, status_code)
        auth.signin_url = signin_url
        return auth
    error = (ServerBusyError if status_code == 503 else ResponseError)(message, status_code)
    if status_code in RETRY_STATUSES:
        error.retry_after = parse_retry_after(headers.get("retry-after"))
    return error


def transport_error(exc: Exception, url: str, *, started: bool = False) -> OllamaError:
    """The ollama_lite exception for an httpx transport failure at `url`."""
    if isinstance(exc, httpx.TimeoutException):
        kind = type(exc).__name__.replace("Timeout", " timeout").strip().lower()
        return TimeoutError(
            f"{kind} talking to Ollama at {url}; raise Client(timeout=...) for slow models",
            url=url,
        )
    if isinstance(exc, httpx.ConnectError) and not started and _is_tls_failure(exc):
        return ConnectError(
            f"TLS handshake with {url} failed: {exc}. Trust the server's certificate with "
            "verify=<path to CA bundle or ssl.SSLContext>, or verify=False to skip the check",
            url=url,
        )
    if isinstance(exc, httpx.ConnectError) and not started:
        return ConnectError(
            f"Failed to connect to Ollama at {url}. Please check that Ollama is downloaded, "
            "running and accessible (start it with `ollama serve`). https://ollama.com/download",
            url=url,
        )
    if started:
        return StreamInterrupted(
            f"the connection to Ollama at {url} broke during the response: {exc}", url=url
        )
    return TransportError(f"request to Ollama at {url} failed: {exc}", url=url)


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def is_connect_failure(exc: Exception) -> bool:
    """True for failures where the server surely did not see the request (safe to retry).

    A failed TLS handshake is not retried: it fails the same way every time.
    """
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)) and not _is_tls_failure(exc)


def declared_length(headers: Mapping[str, str]) -> int | None:
    """The body size a response declares, when it is also the size the caller will read."""
    length = headers.get("content-length")
    if length is None or not length.isdigit() or headers.get("content-encoding"):
        return None
    return int(length)


def too_large(size: int, limit: int) -> InvalidResponseError:
    """The error for a non-streamed body larger than `max_response_bytes`."""
    return InvalidResponseError(
        f"the response body ({size} bytes or more) exceeds max_response_bytes={limit}; "
        "raise the limit with Client(max_response_bytes=...) if this is expected"
    )
