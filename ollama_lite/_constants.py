"""Every default of the SDK in one place: where to connect, how long to wait, what to retry,
how much to accept. Other modules import these names; none repeats a number.
"""

from __future__ import annotations

import httpx

__all__ = [
    "BLOB_CHUNK_BYTES",
    "DEFAULT_BACKOFF",
    "DEFAULT_HOST",
    "DEFAULT_MAX_BACKOFF",
    "DEFAULT_MAX_LINE_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "HOSTED_BASE_URL",
    "RETRY_STATUSES",
]

#: The port `ollama serve` listens on, and the host a client talks to when nothing is set.
DEFAULT_PORT = 11434
DEFAULT_HOST = f"http://127.0.0.1:{DEFAULT_PORT}"

#: Ollama's hosted API (web search and fetch), which needs an API key.
HOSTED_BASE_URL = "https://ollama.com"

#: Connect within 10 s; wait up to 10 minutes between bytes of a response. For a stream the
#: read timeout is the longest silence allowed between two chunks, which includes the time a
#: model takes to load before its first token. Pass `timeout=None` to wait forever.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)

#: Retries after a connection failure or a retryable status (never once a response started).
DEFAULT_MAX_RETRIES = 2
#: First back-off wait in seconds, doubled per attempt up to `DEFAULT_MAX_BACKOFF`.
DEFAULT_BACKOFF = 0.5
DEFAULT_MAX_BACKOFF = 8.0
#: A server's `Retry-After` longer than this (seconds) is not waited for.
DEFAULT_MAX_RETRY_AFTER = 60.0
#: Statuses that say "try again later".
RETRY_STATUSES = frozenset({429, 502, 503, 504})

#: Longest NDJSON line (and error body) accepted: 32 MiB. The final chunk of a generate
#: stream carries the whole `context` array, so lines can be large, but not unbounded.
DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024

#: Largest non-streamed body accepted: 1 GiB. An /api/embed reply for a large batch is
#: legitimately big (10,000 x 768 floats is about 150 MB), so this bound is generous.
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024 * 1024

#: Files are hashed and uploaded in pieces of this size, so memory stays constant.
BLOB_CHUNK_BYTES = 1024 * 1024
