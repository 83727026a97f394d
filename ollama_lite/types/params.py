"""The keyword parameters of each endpoint, written once.

The request builders (`ollama_lite._protocol`) take these as `**params: Unpack[...]`; the
methods of `Client` and `AsyncClient` list them as explicit parameters (so `help()`, IDE
signature help and completion show each one), written between marker comments by
`scripts/gen_signatures.py` from the classes here. A new parameter is one key here, its
field in the request Struct and one line in the builder, then running the script. User code
can use them to type its own wrappers.

`OPTION_NAMES` lists the model options (`Options` fields), for code that picks options out
of other settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypedDict

import httpx
import msgspec

from .common import Message, Options, Tool

if TYPE_CHECKING:
    from .._hosts.results import EmbedProgress
    from .._images import Image

__all__ = [
    "OPTION_NAMES",
    "ChatCallParams",
    "ChatParams",
    "EmbedManyParams",
    "CreateParams",
    "EmbedParams",
    "EmbeddingsParams",
    "FormatArg",
    "GenerateCallParams",
    "GenerateParams",
    "ImageArg",
    "ImagesArg",
    "KeepAliveArg",
    "MessagesArg",
    "NOT_GIVEN",
    "NotGiven",
    "OptionsArg",
    "RequestOptions",
    "ThinkArg",
    "ToolsArg",
]

#: Every model option name, in the order `Options` declares them.
OPTION_NAMES: tuple[str, ...] = tuple(field.name for field in msgspec.structs.fields(Options))

# What callers may pass for the common arguments.
MessagesArg: TypeAlias = "Sequence[Mapping[str, Any] | Message] | None"
ToolsArg: TypeAlias = "Sequence[Mapping[str, Any] | Tool | Any] | None"
FormatArg: TypeAlias = "str | Mapping[str, Any] | type[Any] | None"
OptionsArg: TypeAlias = "Mapping[str, Any] | Options | None"
ThinkArg: TypeAlias = "bool | str | None"
KeepAliveArg: TypeAlias = "float | str | Any | None"
ImageArg: TypeAlias = "str | bytes | bytearray | memoryview | os.PathLike[str] | Image"
ImagesArg: TypeAlias = "Sequence[ImageArg] | None"


class NotGiven:
    """The type of `NOT_GIVEN`, the default of the per-call options (`RequestOptions`): the
    client's own setting applies (`timeout=None` means "wait forever", so None cannot)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


#: A per-call option left out: the client's setting applies.
NOT_GIVEN: Final = NotGiven()


class ChatParams(TypedDict, total=False):
    """Keyword parameters of `chat` besides `model`, `messages` and `stream`.

    `tools` are dicts, `Tool`s or plain Python functions; `think` is a bool or a level
    string ("low", "medium", "high", "xhigh", "max"; any string is sent, newer servers may
    know more); `format` is "json", a JSON schema or a type; `options` a dict, `Options` or
    `RawOptions`; `keep_alive` seconds or a duration like "5m"; `top_logprobs` 0-20.
    """

    tools: ToolsArg
    think: ThinkArg
    logprobs: bool | None
    top_logprobs: int | None
    format: FormatArg
    options: OptionsArg
    keep_alive: KeepAliveArg


class GenerateParams(TypedDict, total=False):
    """Keyword parameters of `generate` besides `model`, `prompt`, `suffix` and `stream`.

    `images` are bytes, `Path`s or base64 text; `width`, `height` and `steps` are for image
    generation models; the others mean what they mean for `chat`.
    """

    system: str | None
    template: str | None
    context: Sequence[int] | None
    think: ThinkArg
    logprobs: bool | None
    top_logprobs: int | None
    raw: bool | None
    format: FormatArg
    images: ImagesArg
    options: OptionsArg
    keep_alive: KeepAliveArg
    width: int | None
    height: int | None
    steps: int | None


class CreateParams(TypedDict, total=False):
    """Parameters of `create` besides `model` and `stream`, in the order the client takes
    them by position (as the official package does).

    `from_` names an existing model, `files` and `adapters` map file names to uploaded blob
    digests (`sha256:<hex>`), `parameters` are model options, `messages` a conversation
    to start from; `create` needs `from_` or `files`.
    """

    quantize: str | None
    from_: str | None
    files: Mapping[str, str] | None
    adapters: Mapping[str, str] | None
    template: str | None
    license: str | Sequence[str] | None
    system: str | None
    parameters: OptionsArg
    messages: MessagesArg


class EmbedParams(TypedDict, total=False):
    """Parameters of `embed` besides `model` and `input` (the client also takes them by
    position, as the official package does)."""

    truncate: bool | None
    options: OptionsArg
    keep_alive: KeepAliveArg
    dimensions: int | None


class EmbedManyParams(TypedDict, total=False):
    """Keyword parameters of `embed_many` besides `model`, `texts` and `dtype`.

    At most `batch_size` texts and `max_batch_chars` characters go in one request; `skip`
    holds the batch indices already stored (a rerun over the same input embeds only the
    others); `ordered=False` hands batches out as they finish; `concurrency` is the number of
    batches in flight (default: 2 for a client, hosts x `max_in_flight_per_host` for a
    pool); `on_progress` is called with an `EmbedProgress` after each batch; `progress=True`
    shows a tqdm bar (extra `progress`). `truncate`, `options`, `keep_alive` and
    `dimensions` are `embed`'s.
    """

    batch_size: int
    max_batch_chars: int
    skip: Container[int]
    ordered: bool
    concurrency: int | None
    on_progress: Callable[[EmbedProgress], object] | None
    progress: bool
    truncate: bool | None
    options: OptionsArg
    keep_alive: KeepAliveArg
    dimensions: int | None


class EmbeddingsParams(TypedDict, total=False):
    """Parameters of the legacy `embeddings` besides `model` and `prompt`."""

    options: OptionsArg
    keep_alive: KeepAliveArg


class RequestOptions(TypedDict, total=False):
    """Per-call settings every endpoint method takes (and `client.with_options()`); a key
    left out (or `NOT_GIVEN`) keeps the client's setting.

    `timeout`: seconds, an `httpx.Timeout`, or None to wait forever (else the client's);
    `max_retries`: retries of this call (else the client's); `headers`: added to the
    client's headers for this call (a same-named header replaces the client's).
    """

    timeout: float | httpx.Timeout | None
    max_retries: int
    headers: Mapping[str, str]


class ChatCallParams(ChatParams, RequestOptions, total=False):
    """What `chat` takes as keywords: `ChatParams` and `RequestOptions`."""


class GenerateCallParams(GenerateParams, RequestOptions, total=False):
    """What `generate` takes as keywords: `GenerateParams` and `RequestOptions`."""
