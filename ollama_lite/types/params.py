"""The keyword parameters of each endpoint, written once.

`Client`, `AsyncClient` and the request builders take these as `**params: Unpack[...]`, so a
new parameter is one key here (plus its field in the request Struct and one line in the
builder); type checkers and IDEs list the keys in the methods' signatures. The LangChain
adapter and user code can use them to type their own wrappers.

`OPTION_NAMES` lists the model options (`Options` fields), for code that picks options out
of other settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

import msgspec

from .common import Message, Options, Tool

if TYPE_CHECKING:
    from .._images import Image

__all__ = [
    "OPTION_NAMES",
    "ChatParams",
    "EmbedParams",
    "EmbeddingsParams",
    "FormatArg",
    "GenerateParams",
    "ImageArg",
    "ImagesArg",
    "KeepAliveArg",
    "MessagesArg",
    "OptionsArg",
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


class ChatParams(TypedDict, total=False):
    """Keyword parameters of `chat` besides `model`, `messages` and `stream`.

    `tools` are dicts, `Tool`s or plain Python functions; `think` is a bool or
    "low"/"medium"/"high"/"max"; `format` is "json", a JSON schema or a type; `options` a
    dict or `Options`; `keep_alive` seconds or a duration like "5m"; `top_logprobs` 0-20.
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


class EmbedParams(TypedDict, total=False):
    """Parameters of `embed` besides `model` and `input` (the client also takes them by
    position, as the official package does)."""

    truncate: bool | None
    options: OptionsArg
    keep_alive: KeepAliveArg
    dimensions: int | None


class EmbeddingsParams(TypedDict, total=False):
    """Parameters of the legacy `embeddings` besides `model` and `prompt`."""

    options: OptionsArg
    keep_alive: KeepAliveArg
