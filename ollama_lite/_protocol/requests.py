"""What to send for each endpoint: pure builders that check the caller's arguments and
return a `Call`. No I/O: image files and blob sizes come from the client, already read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec
from typing_extensions import Unpack

from .. import _inputs as inputs
from .._constants import HOSTED_BASE_URL
from .._errors import RequestError
from .._images import NO_FILES, ImageFiles, encode_images
from ..types import (
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
    ProcessResponse,
    ProgressResponse,
    PullRequest,
    PushRequest,
    ShowRequest,
    ShowResponse,
    StatusResponse,
    VersionResponse,
    WebFetchRequest,
    WebFetchResponse,
    WebSearchRequest,
    WebSearchResponse,
)
from ..types.params import (
    ChatParams,
    EmbeddingsParams,
    EmbedParams,
    GenerateParams,
    MessagesArg,
    OptionsArg,
)
from .call import NDJSON_ACCEPT, NO_HEADERS, Call

__all__ = [
    "blob_head",
    "blob_upload",
    "chat",
    "copy",
    "create",
    "delete",
    "embed",
    "embeddings",
    "generate",
    "list_models",
    "ps",
    "pull",
    "push",
    "show",
    "version",
    "web_fetch",
    "web_search",
]

T = TypeVar("T")
_encode = msgspec.json.Encoder().encode
_SUCCESS = StatusResponse(status="success")


def _only(params: Mapping[str, object], allowed: frozenset[str], endpoint: str) -> None:
    """Refuse keywords the endpoint does not take, as Python does for a named parameter."""
    unknown = params.keys() - allowed
    if unknown:
        raise TypeError(f"{endpoint}() got an unexpected keyword argument {min(unknown)!r}")


_CHAT_KEYS = ChatParams.__optional_keys__
_GENERATE_KEYS = GenerateParams.__optional_keys__
_EMBED_KEYS = EmbedParams.__optional_keys__
_EMBEDDINGS_KEYS = EmbeddingsParams.__optional_keys__


def _post(path: str, result: type[T], request: msgspec.Struct, stream: bool = False) -> Call[T]:
    headers = NDJSON_ACCEPT if stream else NO_HEADERS
    return Call("POST", path, result, _encode(request), stream, headers=headers)


def chat(
    model: str = "",
    messages: MessagesArg = None,
    *,
    stream: bool = False,
    image_files: ImageFiles = NO_FILES,
    **params: Unpack[ChatParams],
) -> Call[ChatResponse]:
    """POST /api/chat. Image files in `messages` must be in `image_files` (read already)."""
    _only(params, _CHAT_KEYS, "chat")
    request = ChatRequest(
        model=inputs.model_arg(model),
        messages=inputs.messages_arg(messages, image_files),
        stream=inputs.stream_arg(stream),
        tools=inputs.tools_arg(params.get("tools")),
        think=inputs.think_arg(params.get("think")),
        format=inputs.format_arg(params.get("format")),
        options=inputs.options_arg(params.get("options")),
        keep_alive=inputs.keep_alive_arg(params.get("keep_alive")),
        logprobs=inputs.bool_arg(params.get("logprobs"), "logprobs"),
        top_logprobs=inputs.top_logprobs_arg(params.get("top_logprobs")),
    )
    return _post("/api/chat", ChatResponse, request, stream)


def generate(
    model: str = "",
    prompt: str | None = None,
    suffix: str | None = None,
    *,
    stream: bool = False,
    image_files: ImageFiles = NO_FILES,
    **params: Unpack[GenerateParams],
) -> Call[GenerateResponse]:
    """POST /api/generate. Image files in `images` must be in `image_files` (read already)."""
    _only(params, _GENERATE_KEYS, "generate")
    images = params.get("images")
    request = GenerateRequest(
        model=inputs.model_arg(model),
        stream=inputs.stream_arg(stream),
        prompt=inputs.optional_str(prompt, "prompt"),
        suffix=inputs.optional_str(suffix, "suffix"),
        system=inputs.optional_str(params.get("system"), "system"),
        template=inputs.optional_str(params.get("template"), "template"),
        context=inputs.ints_arg(params.get("context"), "context"),
        raw=inputs.bool_arg(params.get("raw"), "raw"),
        think=inputs.think_arg(params.get("think")),
        format=inputs.format_arg(params.get("format")),
        images=encode_images(images, "images", image_files) if images is not None else None,
        options=inputs.options_arg(params.get("options")),
        keep_alive=inputs.keep_alive_arg(params.get("keep_alive")),
        logprobs=inputs.bool_arg(params.get("logprobs"), "logprobs"),
        top_logprobs=inputs.top_logprobs_arg(params.get("top_logprobs")),
        width=inputs.int_arg(params.get("width"), "width", 1),
        height=inputs.int_arg(params.get("height"), "height", 1),
        steps=inputs.int_arg(params.get("steps"), "steps", 1),
    )
    return _post("/api/generate", GenerateResponse, request, stream)


def embed(
    model: str = "", input: str | Sequence[str] = "", **params: Unpack[EmbedParams]
) -> Call[EmbedResponse]:
    """POST /api/embed."""
    _only(params, _EMBED_KEYS, "embed")
    request = EmbedRequest(
        model=inputs.model_arg(model),
        input=inputs.embed_input(input),
        truncate=inputs.bool_arg(params.get("truncate"), "truncate"),
        dimensions=inputs.int_arg(params.get("dimensions"), "dimensions", 1),
        options=inputs.options_arg(params.get("options")),
        keep_alive=inputs.keep_alive_arg(params.get("keep_alive")),
    )
    return _post("/api/embed", EmbedResponse, request)


def embeddings(
    model: str = "", prompt: str | None = None, **params: Unpack[EmbeddingsParams]
) -> Call[EmbeddingsResponse]:
    """POST /api/embeddings (legacy; prefer embed)."""
    _only(params, _EMBEDDINGS_KEYS, "embeddings")
    request = EmbeddingsRequest(
        model=inputs.model_arg(model),
        prompt=inputs.optional_str(prompt, "prompt"),
        options=inputs.options_arg(params.get("options")),
        keep_alive=inputs.keep_alive_arg(params.get("keep_alive")),
    )
    return _post("/api/embeddings", EmbeddingsResponse, request)


def pull(model: str, *, insecure: bool = False, stream: bool = False) -> Call[ProgressResponse]:
    """POST /api/pull."""
    request = PullRequest(
        model=inputs.model_arg(model),
        stream=inputs.stream_arg(stream),
        insecure=inputs.bool_arg(insecure, "insecure"),
    )
    return _post("/api/pull", ProgressResponse, request, stream)


def push(model: str, *, insecure: bool = False, stream: bool = False) -> Call[ProgressResponse]:
    """POST /api/push."""
    request = PushRequest(
        model=inputs.model_arg(model),
        stream=inputs.stream_arg(stream),
        insecure=inputs.bool_arg(insecure, "insecure"),
    )
    return _post("/api/push", ProgressResponse, request, stream)


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
    image_files: ImageFiles = NO_FILES,
) -> Call[ProgressResponse]:
    """POST /api/create."""
    if from_ is None and not files:
        raise RequestError("create needs from_ (an existing model) or files (uploaded blobs)")
    request = CreateRequest(
        model=inputs.model_arg(model),
        stream=inputs.stream_arg(stream),
        from_=inputs.model_arg(from_, "from_") if from_ is not None else None,
        files=inputs.digests_arg(files, "files"),
        adapters=inputs.digests_arg(adapters, "adapters"),
        template=inputs.optional_str(template, "template"),
        license=inputs.license_arg(license),
        system=inputs.optional_str(system, "system"),
        parameters=inputs.options_arg(parameters, "parameters"),
        messages=inputs.messages_arg(messages, image_files) if messages is not None else None,
        quantize=inputs.optional_str(quantize, "quantize"),
    )
    return _post("/api/create", ProgressResponse, request, stream)


def list_models() -> Call[ListResponse]:
    """GET /api/tags."""
    return Call("GET", "/api/tags", ListResponse)


def show(model: str, *, verbose: bool | None = None) -> Call[ShowResponse]:
    """POST /api/show."""
    request = ShowRequest(
        model=inputs.model_arg(model), verbose=inputs.bool_arg(verbose, "verbose")
    )
    return _post("/api/show", ShowResponse, request)


def ps() -> Call[ProcessResponse]:
    """GET /api/ps."""
    return Call("GET", "/api/ps", ProcessResponse)


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
    return Call("HEAD", f"/api/blobs/{inputs.digest_arg(digest)}", StatusResponse, empty=_SUCCESS)


def blob_upload(digest: str, size: int) -> Call[StatusResponse]:
    """POST /api/blobs/:digest of `size` bytes; the client streams the file as the body."""
    path = f"/api/blobs/{inputs.digest_arg(digest)}"
    headers = {"Content-Length": str(size)}
    return Call("POST", path, StatusResponse, empty=_SUCCESS, headers=headers)


def web_search(query: str, max_results: int = 3) -> Call[WebSearchResponse]:
    """POST https://ollama.com/api/web_search (needs an API key)."""
    request = WebSearchRequest(
        query=inputs.nonempty_str(query, "query"),
        max_results=inputs.positive_int(max_results, "max_results"),
    )
    return _hosted("/api/web_search", WebSearchResponse, request)


def web_fetch(url: str) -> Call[WebFetchResponse]:
    """POST https://ollama.com/api/web_fetch (needs an API key)."""
    request = WebFetchRequest(url=inputs.nonempty_str(url, "url"))
    return _hosted("/api/web_fetch", WebFetchResponse, request)


def _hosted(path: str, result: type[T], request: Any) -> Call[T]:
    body = _encode(request)
    return Call("POST", path, result, body, base_url=HOSTED_BASE_URL, bearer_only=True)
