"""Request building: a model's settings plus per-call arguments -> client keyword arguments.

The sync and async paths of every class call the same builder (`chat_args`,
`generate_args`, `embed_args`), so they cannot drift. Builders read settings through small
protocols, not the model classes, so this module does not depend on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from langchain_core.messages import BaseMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from typing_extensions import NotRequired

from ollama_lite import Message, Options
from ollama_lite.types.params import OPTION_NAMES as CORE_OPTION_NAMES
from ollama_lite.types.params import ChatParams, EmbedParams, GenerateParams

from ._messages import convert_messages
from ._options import EMBEDDING_FIELDS, SAMPLING_FIELDS, field_options
from ._response_format import resolve_format

__all__ = [
    "OPTION_NAMES",
    "ChatArgs",
    "ChatSettings",
    "EmbedArgs",
    "EmbedSettings",
    "GenerateArgs",
    "GenerateSettings",
    "chat_args",
    "embed_args",
    "generate_args",
]

#: Every option name the server knows; per-call keyword arguments with these names go there.
OPTION_NAMES = frozenset(CORE_OPTION_NAMES)
_IGNORED = frozenset(
    {
        "stream",
        "strict",
        "tool_choice",
        "parallel_tool_calls",
        "ls_structured_output_format",
        "structured_output_format",
    }
)


class _Settings(Protocol):
    """What every builder reads from a model (plus the option fields, by name)."""

    @property
    def model(self) -> str: ...
    @property
    def keep_alive(self) -> int | str | None: ...


class _GenerationSettings(_Settings, Protocol):
    @property
    def stop(self) -> list[str] | None: ...


class ChatSettings(_GenerationSettings, Protocol):
    """The settings `chat_args` reads (`ChatOllama` has them)."""

    @property
    def reasoning(self) -> bool | str | None: ...
    @property
    def format(self) -> str | dict[str, Any] | None: ...
    @property
    def logprobs(self) -> bool | None: ...
    @property
    def top_logprobs(self) -> int | None: ...


class GenerateSettings(_GenerationSettings, Protocol):
    """The settings `generate_args` reads (`OllamaLLM` has them)."""

    @property
    def reasoning(self) -> bool | None: ...
    @property
    def format(self) -> str: ...


class EmbedSettings(_Settings, Protocol):
    """The settings `embed_args` reads (`OllamaEmbeddings` has them)."""

    @property
    def truncate(self) -> bool | None: ...
    @property
    def dimensions(self) -> int | None: ...


class ChatArgs(ChatParams):
    """Keyword arguments for `chat()` (without `stream`): the core's `ChatParams`, plus the
    model and the converted messages."""

    model: str
    messages: list[Message | dict[str, Any]]


class GenerateArgs(GenerateParams):
    """Keyword arguments for `generate()` (without `stream`): the core's `GenerateParams`,
    plus the model, the prompt and the suffix."""

    model: str
    prompt: str
    suffix: NotRequired[str | None]


class EmbedArgs(EmbedParams):
    """Keyword arguments for `embed()` (without `input`): the core's `EmbedParams` plus the
    model."""

    model: str


def _set_option(options: dict[str, Any], name: str, value: Any) -> None:
    if value is None:
        options.pop(name, None)
    else:
        options[name] = value


def _merge_call_options(options: dict[str, Any], extra: Any) -> None:
    """Per-call `options={...}` go over the configured ones (None removes one)."""
    if isinstance(extra, Options):
        extra = {k: v for k, v in extra.model_dump(exclude_none=True).items()}
    if not isinstance(extra, Mapping):
        raise TypeError(f"options must be a dict, not {type(extra).__name__}")
    for name, value in extra.items():
        _set_option(options, name, value)


def _unexpected(owner: str, names: list[str]) -> TypeError:
    return TypeError(
        f"{owner} got unexpected keyword argument(s) {', '.join(map(repr, names))}. Per-call "
        "arguments are Ollama options (temperature=..., num_ctx=..., or options={...}) "
        "and request fields (model, format, keep_alive, ...)."
    )


def _configured_options(settings: _GenerationSettings, stop: list[str] | None) -> dict[str, Any]:
    """The model's option fields that are set; a per-call `stop` replaces the configured
    one, and an empty stop list is no stop list."""
    options = field_options(settings, SAMPLING_FIELDS)
    options.pop("stop", None)
    chosen = stop if stop is not None else settings.stop
    if chosen:
        options["stop"] = list(chosen)
    return options


def _tools(tools: Any) -> list[dict[str, Any]] | None:
    """Per-call `tools`: OpenAI-style tool dicts are kept as they are, others converted."""
    if tools is None:
        return None
    out: list[dict[str, Any]] = []
    for tool in tools:
        if isinstance(tool, dict) and isinstance(tool.get("function"), dict):
            out.append(tool)
        else:
            out.append(convert_to_openai_tool(tool))
    return out


def chat_args(
    settings: ChatSettings,
    messages: Sequence[BaseMessage],
    stop: list[str] | None,
    kwargs: dict[str, Any],
) -> tuple[ChatArgs, bool | str | None]:
    """The chat request for `messages` with the model's settings and per-call `kwargs`.

    Returns the arguments for `chat()` and the effective `reasoning` setting.
    """
    options = _configured_options(settings, stop)
    fields: dict[str, Any] = {
        "model": settings.model,
        "think": settings.reasoning,
        "format": settings.format,
        "keep_alive": settings.keep_alive,
        "logprobs": settings.logprobs,
        "top_logprobs": settings.top_logprobs,
        "tools": None,
    }
    response_format: Any = None
    call_options: Any = None
    unknown: list[str] = []
    for key, value in kwargs.items():
        if key in OPTION_NAMES:
            _set_option(options, key, value)
        elif key == "max_tokens":
            _set_option(options, "num_predict", value)
        elif key == "reasoning":
            fields["think"] = value
        elif key == "response_format":
            response_format = value
        elif key == "tools":
            fields["tools"] = _tools(value)
        elif key == "options":
            call_options = value
        elif key in fields:
            fields[key] = value
        elif key not in _IGNORED:
            unknown.append(key)
    if unknown:
        raise _unexpected("ChatOllama", unknown)
    if call_options is not None:
        _merge_call_options(options, call_options)
    args: ChatArgs = {
        "model": fields["model"],
        "messages": convert_messages(messages),
        "tools": fields["tools"],
        "think": fields["think"],
        "format": resolve_format(fields["format"], response_format),
        "options": options,
        "keep_alive": fields["keep_alive"],
        "logprobs": fields["logprobs"],
        "top_logprobs": fields["top_logprobs"],
    }
    return args, fields["think"]


#: Per-call arguments `OllamaLLM` passes on as request fields (options and `think` aside).
_GENERATE_FIELDS = frozenset(GenerateParams.__annotations__) - {"options", "think"} | {
    "model",
    "suffix",
}


def generate_args(
    settings: GenerateSettings, stop: list[str] | None, kwargs: dict[str, Any]
) -> tuple[GenerateArgs, bool | None]:
    """The generate request (with an empty prompt) and the effective `reasoning` setting."""
    options = _configured_options(settings, stop)
    args: GenerateArgs = {
        "model": settings.model,
        "prompt": "",
        "think": settings.reasoning,
        "format": settings.format,
        "options": options,
        "keep_alive": settings.keep_alive,
    }
    call_options: Any = None
    unknown: list[str] = []
    for key, value in kwargs.items():
        if key in OPTION_NAMES:
            _set_option(options, key, value)
        elif key == "max_tokens":
            _set_option(options, "num_predict", value)
        elif key == "reasoning" or key == "think":
            args["think"] = value
        elif key == "options":
            call_options = value
        elif key in _GENERATE_FIELDS:
            args[key] = value  # type: ignore[literal-required]
        elif key not in _IGNORED:
            unknown.append(key)
    if unknown:
        raise _unexpected("OllamaLLM", unknown)
    if call_options is not None:
        _merge_call_options(options, call_options)
    think = args["think"]
    return args, think if isinstance(think, bool) or think is None else bool(think)


def embed_args(settings: EmbedSettings) -> EmbedArgs:
    """The embed request settings (the same for every batch, sync or async)."""
    options = field_options(settings, EMBEDDING_FIELDS)
    return {
        "model": settings.model,
        "truncate": settings.truncate,
        "options": options or None,
        "keep_alive": settings.keep_alive,
        "dimensions": settings.dimensions,
    }
