"""The exception tree. Everything ollama_lite raises on purpose derives from `OllamaError`.

```
OllamaError
├── RequestError            bad input, raised before anything is sent (also a ValueError)
│   └── BatchInputError     embed_many: a bad text (batch_index, position)
├── StreamClosedError       a stream iterated after its `with` block or after it was read
├── TransportError          the request or response did not make it across
│   ├── ConnectError        nothing answers at the host (also a builtin ConnectionError)
│   ├── TimeoutError        connect, read, write or pool timeout (also a builtin TimeoutError)
│   └── StreamInterrupted   the connection broke after the response had started
├── ResponseError           the server answered with an error (status_code, error)
│   ├── ModelNotFoundError  404: the model is not on the server; pull it
│   ├── ServerBusyError     503: the server's queue is full; retried per policy first
│   ├── AuthenticationError 401/403 (signin_url when the server gives one)
│   ├── StreamError         an {"error": ...} line inside a 200 stream
│   └── BatchEmbedError     embed_many: the server refused a batch (batch_index, position)
├── AllHostsFailedError     a pool's every host failed the call (failures: host -> error)
└── InvalidResponseError    the body is not the JSON its type promises (keeps msgspec's path)
```

`ResponseError` and `RequestError` keep the names, attributes and `str()` of the official
`ollama` package, so `except ollama.ResponseError as e: if e.status_code == 404: ...` works.
"""

from __future__ import annotations

import builtins

import msgspec

__all__ = [
    "AllHostsFailedError",
    "AuthenticationError",
    "BatchEmbedError",
    "BatchInputError",
    "ConnectError",
    "InvalidResponseError",
    "ModelNotFoundError",
    "OllamaError",
    "RequestError",
    "ResponseError",
    "ServerBusyError",
    "StreamClosedError",
    "StreamError",
    "StreamInterrupted",
    "TimeoutError",
    "TransportError",
]


class OllamaError(Exception):
    """Root of every error ollama_lite raises."""


class RequestError(OllamaError, ValueError):
    """The call's arguments are wrong; nothing was sent.

    `error` holds the message, as in the official package.
    """

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error: str = error


class StreamClosedError(OllamaError, RuntimeError):
    """A stream was iterated (or collected) after it was closed or read to its end.

    Its parts are read from the connection once: iterate inside the `with` block, or keep
    the whole reply with `stream.collect()`.
    """


class TransportError(OllamaError):
    """The request or the response did not make it across the network."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url: str = url


class ConnectError(TransportError, builtins.ConnectionError):
    """No server answered at the host. The message names the URL and how to start Ollama."""


class TimeoutError(TransportError, builtins.TimeoutError):
    """A connect, read, write or pool timeout expired (see `Client(timeout=...)`)."""


class StreamInterrupted(TransportError):
    """The connection broke after the response had started; what was received was delivered."""


class ResponseError(OllamaError):
    """The server answered with an error status, or sent an error inside a stream.

    `status_code` is the HTTP status; `error` is the server's `error` text (or the raw body
    when it was not JSON).
    """

    def __init__(self, error: str, status_code: int = -1) -> None:
        try:
            # The official package accepts a raw JSON body here; keep that behaviour.
            decoded: object = msgspec.json.decode(error)
            if isinstance(decoded, dict):
                message: object = decoded.get("error")
                if isinstance(message, str):
                    error = message
        except Exception:
            pass
        super().__init__(error)
        self.error: str = error
        self.status_code: int = status_code

    def __str__(self) -> str:
        return f"{self.error} (status code: {self.status_code})"

    #: Seconds the server asked to wait (`Retry-After` on a 429, 502, 503 or 504), if given.
    retry_after: float | None = None


class ModelNotFoundError(ResponseError):
    """404: the model is not on the server. Pull it first (`client.pull(model)`).

    `str()` is the official package's (`model 'x' not found (status code: 404)`), so code
    that matches on it keeps working; `hint` says what to do.
    """

    hint = "pull it first with `ollama pull <model>` or client.pull(model)"


class ServerBusyError(ResponseError):
    """503: the server has too many requests queued. `retry_after` is in seconds, if given."""

    retry_after: float | None = None


class AuthenticationError(ResponseError):
    """401 or 403. `signin_url` is where to sign this machine in, when the server says."""

    signin_url: str | None = None


class StreamError(ResponseError):
    """The server sent an `{"error": ...}` line inside a stream (the HTTP status was 200)."""


class InvalidResponseError(OllamaError):
    """The server's body does not match the expected type, or is not valid JSON/NDJSON.

    The message keeps msgspec's JSON path (e.g. `$.message.tool_calls[0]`).
    """


class BatchInputError(RequestError):
    """embed_many: a text is empty, not a string, or of another kind than the texts before it.

    `batch_index` is the batch it belongs to and `position` its place in the input (from 0);
    the batch was not sent.
    """

    def __init__(self, error: str, *, batch_index: int, position: int) -> None:
        super().__init__(error)
        self.batch_index = batch_index
        self.position = position


class BatchEmbedError(ResponseError):
    """embed_many: the server refused a batch, e.g. a text longer than the model's context
    with `truncate=False`. `batch_index` names the batch; `position` the input position of
    the offending text (None when the server's answer does not depend on one text)."""

    def __init__(
        self, error: str, status_code: int, *, batch_index: int, position: int | None
    ) -> None:
        super().__init__(error, status_code)
        self.batch_index = batch_index
        self.position = position


class AllHostsFailedError(OllamaError):
    """Every host of a pool failed the call as many times as the pool allows.

    `failures` maps each host (base URL, no credentials) to its last failure; the message
    lists them. The last failure is also the `__cause__`.
    """

    def __init__(self, what: str, failures: dict[str, BaseException]) -> None:
        lines = "; ".join(f"{host}: {type(exc).__name__}: {exc}" for host, exc in failures.items())
        super().__init__(f"{what} failed on every host ({lines})")
        self.failures = failures
