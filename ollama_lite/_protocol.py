"""Sans-I/O protocol: what to send for each endpoint, and what a status or body means.

Each endpoint function checks the caller's arguments and returns a `Call`: method, path,
JSON body and the type of the answer. `Client` and `AsyncClient` only move the bytes. The
functions that map an HTTP status, a transport failure or a body to a result or an
exception live here too, so both clients behave the same.
"""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

import httpx
import msgspec

from . import _inputs as inputs
from ._config import parse_retry_after
from ._errors import (
    AuthenticationError,
    ConnectError,
    InvalidResponseError,
    ModelNotFoundError,
    OllamaError,
    RequestError,
    ResponseError,
    ServerBusyError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)
from ._images import ImageInput, encode_images
from ._ndjson import decode_error, decoder_for
from ._version import __version__
from .types import (
    ChatRequest,
    ChatResponse,
    CopyRequest,
    CreateRequest,
    DeleteRequest,
    EmbeddingsRequest,
    EmbeddingsResponse,
    EmbedRequest,
    EmbedResponse,
    GenerateRequest,
    GenerateResponse,
    ListResponse,
    Message,
    Options,
    ProcessResponse,
    ProgressResponse,
    PullRequest,
    PushRequest,
    ShowRequest,
    ShowResponse,
    StatusResponse,
    Tool,
    VersionResponse,
    WebFetchRequest,
    WebFetchResponse,
    WebSearchRequest,
    WebSearchResponse,
)

__all__ = ["Call", "error_for_status", "transport_error"]

T = TypeVar("T")

# What callers may pass; the clients' signatures use these names.
MessagesArg: TypeAlias = "Sequence[Mapping[str, Any] | Message] | None"
ToolsArg: TypeAlias = "Sequence[Mapping[str, Any] | Tool | Any] | None"
FormatArg: TypeAlias = "str | Mapping[str, Any] | type[Any] | None"
OptionsArg: TypeAlias = "Mapping[str, Any] | Options | None"
ThinkArg: TypeAlias = "bool | str | None"
KeepAliveArg: TypeAlias = "float | str | Any | None"
ImagesArg: TypeAlias = "Sequence[ImageInput] | None"

WEB_URL = "https://ollama.com"
_encode = msgspec.json.Encoder().encode
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One request to make and the type its answer decodes to.

    `empty` is the result when the server answers with an empty body (copy, delete, blobs).
    `url` replaces the client's host for Ollama's hosted endpoints.
    """

    method: str
    path: str
    result: type[T]
    body: bytes | None = None
    stream: bool = False
    empty: T | None = None
    url: str | None = None
    bearer_only: bool = False


def user_agent() -> str:
    """The User-Agent sent by default (the caller's own header wins)."""
    import platform

    return (
        f"ollama-lite/{__version__} ({platform.machine()} {platform.system().lower()}) "
        f"Python/{platform.python_version()}"
    )


def stream_arg(stream: object) -> bool:
    if not isinstance(stream, bool):
        raise RequestError(f"stream must be True or False, not {stream!r}")
    return stream


def chat(
    model: str = "",
    messages: MessagesArg = None,
    *,
    tools: ToolsArg = None,
    stream: bool = False,
    think: ThinkArg = None,
    logprobs: bool | None = None,
    top_logprobs: int | None = None,
    format: FormatArg = None,
    options: OptionsArg = None,
    keep_alive: KeepAliveArg = None,
) -> Call[ChatResponse]:
    """POST /api/chat."""
    request = ChatRequest(
        model=inputs.model_arg(model),
        messages=inputs.messages_arg(messages),
        stream=stream_arg(stream),
        tools=inputs.tools_arg(tools),
        think=inputs.think_arg(think),
        format=inputs.format_arg(format),
        options=inputs.options_arg(options),
        keep_alive=inputs.keep_alive_arg(keep_alive),
        logprobs=inputs.bool_arg(logprobs, "logprobs"),
        top_logprobs=inputs.top_logprobs_arg(top_logprobs),
    )
    return Call("POST", "/api/chat", ChatResponse, _encode(request), stream)


def generate(
    model: str = "",
    prompt: str | None = None,
    suffix: str | None = None,
    *,
    system: str | None = None,
    template: str | None = None,
    context: Sequence[int] | None = None,
    stream: bool = False,
    think: ThinkArg = None,
    logprobs: bool | None = None,
    top_logprobs: int | None = None,
    raw: bool | None = None,
    format: FormatArg = None,
    images: ImagesArg = None,
    options: OptionsArg = None,
    keep_alive: KeepAliveArg = None,
    width: int | None = None,
    height: int | None = None,
    steps: int | None = None,
) -> Call[GenerateResponse]:
    """POST /api/generate."""
    request = GenerateRequest(
        model=inputs.model_arg(model),
        stream=stream_arg(stream),
        prompt=_optional_str(prompt, "prompt"),
        suffix=_optional_str(suffix, "suffix"),
        system=_optional_str(system, "system"),
        template=_optional_str(template, "template"),
        context=inputs.ints_arg(context, "context"),
        raw=inputs.bool_arg(raw, "raw"),
        think=inputs.think_arg(think),
        format=inputs.format_arg(format),
        images=encode_images(images, "images") if images is not None else None,
        options=inputs.options_arg(options),
        keep_alive=inputs.keep_alive_arg(keep_alive),
        logprobs=inputs.bool_arg(logprobs, "logprobs"),
        top_logprobs=inputs.top_logprobs_arg(top_logprobs),
        width=inputs.int_arg(width, "width", 1),
        height=inputs.int_arg(height, "height", 1),
        steps=inputs.int_arg(steps, "steps", 1),
    )
    return Call("POST", "/api/generate", GenerateResponse, _encode(request), stream)


def embed(
    model: str = "",
    input: str | Sequence[str] = "",
    truncate: bool | None = None,
    options: OptionsArg = None,
    keep_alive: KeepAliveArg = None,
    dimensions: int | None = None,
) -> Call[EmbedResponse]:
    """POST /api/embed."""
    request = EmbedRequest(
        model=inputs.model_arg(model),
        input=inputs.embed_input(input),
        truncate=inputs.bool_arg(truncate, "truncate"),
        dimensions=inputs.int_arg(dimensions, "dimensions", 1),
        options=inputs.options_arg(options),
        keep_alive=inputs.keep_alive_arg(keep_alive),
    )
    return Call("POST", "/api/embed", EmbedResponse, _encode(request))


def embeddings(
    model: str = "",
    prompt: str | None = None,
    options: OptionsArg = None,
    keep_alive: KeepAliveArg = None,
) -> Call[EmbeddingsResponse]:
    """POST /api/embeddings (legacy; prefer embed)."""
    request = EmbeddingsRequest(
        model=inputs.model_arg(model),
        prompt=_optional_str(prompt, "prompt"),
        options=inputs.options_arg(options),
        keep_alive=inputs.keep_alive_arg(keep_alive),
    )
    return Call("POST", "/api/embeddings", EmbeddingsResponse, _encode(request))


def pull(model: str, *, insecure: bool = False, stream: bool = False) -> Call[ProgressResponse]:
    """POST /api/pull."""
    request = PullRequest(
        model=inputs.model_arg(model),
        stream=stream_arg(stream),
        insecure=inputs.bool_arg(insecure, "insecure"),
    )
    return Call("POST", "/api/pull", ProgressResponse, _encode(request), stream)


def push(model: str, *, insecure: bool = False, stream: bool = False) -> Call[ProgressResponse]:
    """POST /api/push."""
    request = PushRequest(
        model=inputs.model_arg(model),
        stream=stream_arg(stream),
        insecure=inputs.bool_arg(insecure, "insecure"),
    )
    return Call("POST", "/api/push", ProgressResponse, _encode(request), stream)


def create(
    model: str,
    quantize: str | None = None,
    from_: str | None = None,
    files: Mapping[str, str] | None = None,
    adapters: Mapping[str, str] | None = None,
    template: str | None = None,
    license: str | Sequence[str] | None = None,
    system: str | None = None,
    parameters: OptionsArg = None,
    messages: MessagesArg = None,
    *,
    stream: bool = False,
) -> Call[ProgressResponse]:
    """POST /api/create."""
    if from_ is None and not files:
        raise RequestError("create needs from_ (an existing model) or files (uploaded blobs)")
    request = CreateRequest(
        model=inputs.model_arg(model),
        stream=stream_arg(stream),
        from_=inputs.model_arg(from_, "from_") if from_ is not None else None,
        files=_digests(files, "files"),
        adapters=_digests(adapters, "adapters"),
        template=_optional_str(template, "template"),
        license=inputs.license_arg(license),
        system=_optional_str(system, "system"),
        parameters=inputs.options_arg(parameters, "parameters"),
        messages=inputs.messages_arg(messages) if messages is not None else None,
        quantize=_optional_str(quantize, "quantize"),
    )
    return Call("POST", "/api/create", ProgressResponse, _encode(request), stream)


def list_models() -> Call[ListResponse]:
    """GET /api/tags."""
    return Call("GET", "/api/tags", ListResponse)


def show(model: str, *, verbose: bool | None = None) -> Call[ShowResponse]:
    """POST /api/show."""
    request = ShowRequest(
        model=inputs.model_arg(model), verbose=inputs.bool_arg(verbose, "verbose")
    )
    return Call("POST", "/api/show", ShowResponse, _encode(request))


def ps() -> Call[ProcessResponse]:
    """GET /api/ps."""
    return Call("GET", "/api/ps", ProcessResponse)


_SUCCESS = StatusResponse(status="success")


def copy(source: str, destination: str) -> Call[StatusResponse]:
    """POST /api/copy."""
    request = CopyRequest(
        source=inputs.model_arg(source, "source"),
        destination=inputs.model_arg(destination, "destination"),
    )
    return Call("POST", "/api/copy", StatusResponse, _encode(request), empty=_SUCCESS)


def delete(model: str) -> Call[StatusResponse]:
    """DELETE /api/delete (with a JSON body)."""
    request = DeleteRequest(model=inputs.model_arg(model))
    return Call("DELETE", "/api/delete", StatusResponse, _encode(request), empty=_SUCCESS)


def version() -> Call[VersionResponse]:
    """GET /api/version."""
    return Call("GET", "/api/version", VersionResponse)


def blob_head(digest: str) -> Call[StatusResponse]:
    """HEAD /api/blobs/:digest (200 when the server has it, 404 when not)."""
    return Call("HEAD", f"/api/blobs/{_digest(digest)}", StatusResponse, empty=_SUCCESS)


def blob_upload(digest: str) -> Call[StatusResponse]:
    """POST /api/blobs/:digest; the body is streamed by the client."""
    return Call("POST", f"/api/blobs/{_digest(digest)}", StatusResponse, empty=_SUCCESS)


def web_search(query: str, max_results: int = 3) -> Call[WebSearchResponse]:
    """POST https://ollama.com/api/web_search (needs an API key)."""
    if not isinstance(query, str) or not query.strip():
        raise RequestError("query must be a non-empty string")
    if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1:
        raise RequestError(f"max_results must be a positive int; got {max_results!r}")
    body = _encode(WebSearchRequest(query=query, max_results=max_results))
    return Call("POST", "/api/web_search", WebSearchResponse, body, url=WEB_URL, bearer_only=True)


def web_fetch(url: str) -> Call[WebFetchResponse]:
    """POST https://ollama.com/api/web_fetch (needs an API key)."""
    if not isinstance(url, str) or not url.strip():
        raise RequestError("url must be a non-empty string")
    body = _encode(WebFetchRequest(url=url))
    return Call("POST", "/api/web_fetch", WebFetchResponse, body, url=WEB_URL, bearer_only=True)


def _optional_str(value: object, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise RequestError(f"{name} must be a string, not {type(value).__name__}")


def _digest(digest: object) -> str:
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise RequestError(f"digest must look like 'sha256:<64 lowercase hex>'; got {digest!r}")
    return digest


def _digests(mapping: Mapping[str, str] | None, name: str) -> dict[str, str] | None:
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise RequestError(f"{name} must map file names to digests")
    for filename, digest in mapping.items():
        if not isinstance(filename, str) or filename.startswith("/") or ".." in filename.split("/"):
            raise RequestError(f"{name}: {filename!r} must be a relative path")
        _digest(digest)
    return dict(mapping)


# --- answers -------------------------------------------------------------------------------


def decode_body(call: Call[T], body: bytes) -> T:
    """The typed result of a successful unary call."""
    if not body.strip() and call.empty is not None:
        return call.empty
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
    if status_code == 503:
        busy = ServerBusyError(message, status_code)
        busy.retry_after = parse_retry_after(headers.get("retry-after"))
        return busy
    if status_code in (401, 403):
        auth = AuthenticationError(message, status_code)
        auth.signin_url = signin_url
        return auth
    return ResponseError(message, status_code)


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


def blob_size(path: str | os.PathLike[str]) -> int:
    """The size of a file to upload; a clear error when it is missing."""
    try:
        return os.stat(path).st_size
    except OSError as exc:
        raise RequestError(f"cannot read blob file {os.fspath(path)!r}: {exc.strerror}") from None
