"""LangChain <-> Ollama: the ONE place requests are built and replies are read.

The sync and async paths of every class call the same builder (`chat_args`,
`generate_args`, `embed_args`) and the same readers, so they cannot drift. The readers are
on the streaming hot path, so they do as little as possible per chunk.
"""

from __future__ import annotations

import ast
import json
import logging
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict
from uuid import uuid4

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    is_data_content_block,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.tool import ToolCall as LCToolCall
from langchain_core.outputs import (
    ChatGeneration,
    ChatGenerationChunk,
    ChatResult,
    Generation,
    GenerationChunk,
)
from langchain_core.utils.function_calling import convert_to_openai_tool

from ollama_lite import ChatResponse, GenerateResponse, Logprob, Message, Options, ToolCall

from ..types.params import OPTION_NAMES
from ._common import SAMPLING_FIELDS, field_options

if TYPE_CHECKING:
    from .chat_models import ChatOllama
    from .embeddings import OllamaEmbeddings
    from .llms import OllamaLLM

__all__ = [
    "OPTION_NAMES",
    "ChatArgs",
    "EmbedArgs",
    "GenerateArgs",
    "chat_args",
    "chat_chunk",
    "chat_result",
    "chat_result_from_chunks",
    "convert_messages",
    "embed_args",
    "generate_args",
    "generation_chunk",
    "llm_generation",
    "parse_arguments",
]

log = logging.getLogger("ollama_lite.langchain")

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
_CHAT_INFO_KEYS = (
    "model",
    "created_at",
    "done",
    "done_reason",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
)
_NO_DATA = "No data received from Ollama stream."


# --- requests --------------------------------------------------------------------------------


class ChatArgs(TypedDict):
    """Keyword arguments for `Client.chat` / `AsyncClient.chat` (without `stream`)."""

    model: str
    messages: list[Message | dict[str, Any]]
    tools: list[dict[str, Any]] | None
    think: bool | str | None
    format: str | dict[str, Any] | type[Any] | None
    options: dict[str, Any] | None
    keep_alive: float | str | None
    logprobs: bool | None
    top_logprobs: int | None


class GenerateArgs(TypedDict):
    """Keyword arguments for `Client.generate` / `AsyncClient.generate` (without `stream`)."""

    model: str
    prompt: str
    suffix: str | None
    system: str | None
    template: str | None
    context: list[int] | None
    raw: bool | None
    images: list[Any] | None
    think: bool | str | None
    format: str | dict[str, Any] | type[Any] | None
    options: dict[str, Any] | None
    keep_alive: float | str | None
    logprobs: bool | None
    top_logprobs: int | None


class EmbedArgs(TypedDict):
    """Keyword arguments for `Client.embed` / `AsyncClient.embed` (without `input`)."""

    model: str
    truncate: bool | None
    options: dict[str, Any] | None
    keep_alive: float | str | None
    dimensions: int | None


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


def _stop(configured: list[str] | None, per_call: list[str] | None) -> list[str] | None:
    stop = per_call if per_call is not None else configured
    return list(stop) if stop else None


def _resolve_format(fmt: Any, response_format: Any) -> Any:
    """`format` wins; else an OpenAI-style `response_format` is translated (with warnings)."""
    if fmt is not None:
        if response_format is not None:
            warnings.warn(
                "Both 'format' and 'response_format' were provided. "
                "'response_format' will be ignored in favor of 'format'.",
                UserWarning,
                stacklevel=4,
            )
        return fmt
    if response_format is None:
        return None
    if not isinstance(response_format, dict):
        warnings.warn(
            f"Ignored invalid 'response_format' type: {type(response_format)}. "
            "Expected a dictionary.",
            UserWarning,
            stacklevel=4,
        )
        return None
    kind = response_format.get("type")
    if kind == "json_object":
        return "json"
    if kind != "json_schema":
        warnings.warn(
            f"Ignored unrecognized 'response_format' type: {kind}. "
            "Expected 'json_object' or 'json_schema'.",
            UserWarning,
            stacklevel=4,
        )
        return None
    block = response_format.get("json_schema")
    if not isinstance(block, dict):
        warnings.warn(
            "response_format has type 'json_schema' but 'json_schema' "
            f"value is {type(block)}, expected a dict containing a 'schema' key. "
            "The format parameter will not be set.",
            UserWarning,
            stacklevel=4,
        )
        return None
    schema = block.get("schema")
    if schema is None:
        warnings.warn(
            "response_format has type 'json_schema' but no 'schema' key was found in "
            "'json_schema'. The format parameter will not be set.",
            UserWarning,
            stacklevel=4,
        )
    return schema


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
    llm: ChatOllama,
    messages: Sequence[BaseMessage],
    stop: list[str] | None,
    kwargs: dict[str, Any],
) -> tuple[ChatArgs, bool | str | None]:
    """The chat request for `messages` with the model's settings and per-call `kwargs`.

    Returns the arguments for `chat()` and the effective `reasoning` setting.
    """
    options = field_options(llm, SAMPLING_FIELDS)
    options.pop("stop", None)
    stop = _stop(llm.stop, stop)
    if stop is not None:
        options["stop"] = stop
    model, think, fmt, keep_alive = llm.model, llm.reasoning, llm.format, llm.keep_alive
    logprobs, top_logprobs = llm.logprobs, llm.top_logprobs
    tools: list[dict[str, Any]] | None = None
    response_format: Any = None
    call_options: Any = None
    unknown: list[str] = []
    for key, value in kwargs.items():
        if key in OPTION_NAMES:
            _set_option(options, key, value)
        elif key == "max_tokens":
            _set_option(options, "num_predict", value)
        elif key == "model":
            model = value
        elif key == "reasoning" or key == "think":
            think = value
        elif key == "format":
            fmt = value
        elif key == "response_format":
            response_format = value
        elif key == "keep_alive":
            keep_alive = value
        elif key == "logprobs":
            logprobs = value
        elif key == "top_logprobs":
            top_logprobs = value
        elif key == "tools":
            tools = _tools(value)
        elif key == "options":
            call_options = value
        elif key not in _IGNORED:
            unknown.append(key)
    if unknown:
        raise _unexpected("ChatOllama", unknown)
    if call_options is not None:
        _merge_call_options(options, call_options)
    args: ChatArgs = {
        "model": model,
        "messages": convert_messages(messages),
        "tools": tools,
        "think": think,
        "format": _resolve_format(fmt, response_format),
        "options": options,
        "keep_alive": keep_alive,
        "logprobs": logprobs,
        "top_logprobs": top_logprobs,
    }
    return args, think


_GENERATE_FIELDS = frozenset(
    {"model", "format", "keep_alive", "logprobs", "top_logprobs"}
    | {"suffix", "system", "template", "context", "raw", "images"}
)


def generate_args(
    llm: OllamaLLM, stop: list[str] | None, kwargs: dict[str, Any]
) -> tuple[GenerateArgs, bool | None]:
    """The generate request (with an empty prompt) and the effective `reasoning` setting."""
    options = field_options(llm, SAMPLING_FIELDS)
    options.pop("stop", None)
    stop = _stop(llm.stop, stop)
    if stop is not None:
        options["stop"] = stop
    args: GenerateArgs = {
        "model": llm.model,
        "prompt": "",
        "suffix": None,
        "system": None,
        "template": None,
        "context": None,
        "raw": None,
        "images": None,
        "think": llm.reasoning,
        "format": llm.format,
        "options": options,
        "keep_alive": llm.keep_alive,
        "logprobs": None,
        "top_logprobs": None,
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


_EMBED_FIELDS = (
    "mirostat",
    "mirostat_eta",
    "mirostat_tau",
    "num_ctx",
    "num_gpu",
    "num_thread",
    "repeat_last_n",
    "repeat_penalty",
    "temperature",
    "stop",
    "tfs_z",
    "top_k",
    "top_p",
)


def embed_args(emb: OllamaEmbeddings) -> EmbedArgs:
    """The embed request settings (the same for every batch, sync or async)."""
    options = field_options(emb, _EMBED_FIELDS)
    return {
        "model": emb.model,
        "truncate": emb.truncate,
        "options": options or None,
        "keep_alive": emb.keep_alive,
        "dimensions": emb.dimensions,
    }


# --- messages --------------------------------------------------------------------------------


def _from_v1(content: list[Any]) -> list[Any]:
    """v1 content blocks of an AIMessage -> what Ollama takes back (text and images)."""
    out: list[Any] = []
    for block in content:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            out.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image":
            out.append(block)
        elif kind == "non_standard":
            out.append({"type": "text", "text": str(block.get("value", ""))})
    return out


def _image_from_url(url: str) -> str:
    if url.startswith(("http://", "https://")):
        raise ValueError(
            f"Ollama takes image data, not URLs ({url[:80]!r}): download the image and pass "
            "it as base64 or as a data URL (data:image/png;base64,...)."
        )
    head, comma, tail = url.partition(",")
    return tail if comma else head


def _image_from_block(block: dict[str, Any]) -> str:
    if block["type"] == "image":
        if block.get("source_type") == "base64":
            return str(block["data"])
        if block.get("base64"):
            return str(block["base64"])
        url = block.get("url")
        if isinstance(url, str) and url.startswith("data:"):
            return _image_from_url(url)
        raise ValueError("Image data only supported through in-line base64 format.")
    raise ValueError(f"Blocks of type {block['type']} not supported.")


def _content_and_images(content: list[Any]) -> tuple[str, list[str]]:
    """Text parts joined (each after a newline, as langchain-ollama does) and images."""
    text = ""
    images: list[str] = []
    for part in content:
        if isinstance(part, str):
            text += f"\n{part}"
            continue
        kind = part.get("type")
        if kind == "text":
            text += f"\n{part['text']}"
        elif kind == "tool_use":
            continue
        elif kind == "image_url":
            image_url = part.get("image_url")
            if isinstance(image_url, dict) and isinstance(image_url.get("url"), str):
                image_url = image_url["url"]
            if not isinstance(image_url, str):
                raise ValueError(
                    "Only string image_url or dict with string 'url' inside content parts "
                    "are supported."
                )
            images.append(_image_from_url(image_url))
        elif is_data_content_block(part):
            images.append(_image_from_block(part))
        else:
            raise ValueError(
                "Unsupported message content type. Must either have type 'text' or type "
                "'image_url' with a string 'image_url' field."
            )
    return text, images


def convert_messages(messages: Sequence[BaseMessage]) -> list[Message | dict[str, Any]]:
    """LangChain messages -> Ollama messages (the caller's list and messages are not changed).

    Tool calls keep their ids; a tool result carries `tool_call_id` and `tool_name` (its
    `name`, else the name of the call it answers). Messages with images are passed as
    dicts so the client validates the base64.
    """
    out: list[Message | dict[str, Any]] = []
    call_names: dict[str, str] = {}
    for message in messages:
        content: Any = message.content
        thinking: str | None = None
        tool_calls: list[ToolCall] | None = None
        tool_call_id: str | None = None
        tool_name: str | None = None
        if isinstance(message, HumanMessage):
            role = "user"
        elif isinstance(message, AIMessage):
            role = "assistant"
            if (
                isinstance(content, list)
                and message.response_metadata.get("output_version") == "v1"
            ):
                content = _from_v1(content)
            if message.tool_calls:
                tool_calls = []
                for call in message.tool_calls:
                    if call.get("id"):
                        call_names[str(call["id"])] = call["name"]
                    tool_calls.append(
                        ToolCall(
                            function=ToolCall.Function(name=call["name"], arguments=call["args"]),
                            id=call.get("id"),
                        )
                    )
            reasoning = message.additional_kwargs.get("reasoning_content")
            if isinstance(reasoning, str) and reasoning:
                thinking = reasoning
        elif isinstance(message, SystemMessage):
            role = "system"
        elif isinstance(message, ChatMessage):
            role = message.role
        elif isinstance(message, ToolMessage):
            role = "tool"
            tool_call_id = message.tool_call_id
            tool_name = message.name or call_names.get(tool_call_id)
        else:
            raise TypeError("Received unsupported message type for Ollama.")
        images: list[str] | None = None
        if not isinstance(content, str):
            content, images = _content_and_images(content)
        if images:
            data: dict[str, Any] = {"role": role, "content": content, "images": images}
            if thinking is not None:
                data["thinking"] = thinking
            if tool_call_id is not None:
                data["tool_call_id"] = tool_call_id
            if tool_name is not None:
                data["tool_name"] = tool_name
            if tool_calls:
                data["tool_calls"] = tool_calls
            out.append(data)
        else:
            out.append(
                Message(
                    role=role,
                    content=content,
                    thinking=thinking,
                    tool_calls=tool_calls,
                    tool_name=tool_name,
                    tool_call_id=tool_call_id,
                )
            )
    return out


# --- replies ---------------------------------------------------------------------------------


def _parse_json_string(text: str, name: str, raw: Any, *, skip: bool) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        try:
            return ast.literal_eval(text)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as exc:
            if skip:
                return text
            raise OutputParserException(
                f"Function {name} arguments:\n\n{raw}\n\nare not valid JSON or a Python "
                f"literal. Received error: {exc}"
            ) from exc


def parse_arguments(name: str, arguments: Any) -> dict[str, Any]:
    """Tool-call arguments as a dict, repairing what some models send.

    String values holding a JSON (or Python-literal) object or list are decoded, and a
    `functionName` key echoing the function's name is dropped (ollama/ollama#6155).
    """
    if isinstance(arguments, dict):
        parsed: dict[str, Any] = {}
        for key, value in arguments.items():
            if key == "functionName" and value == name:
                continue
            if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
                decoded = _parse_json_string(value, name, arguments, skip=True)
                parsed[key] = decoded if isinstance(decoded, (dict, list)) else value
            else:
                parsed[key] = value
        return parsed
    if isinstance(arguments, str):
        decoded = _parse_json_string(arguments, name, arguments, skip=False)
        return decoded if isinstance(decoded, dict) else {}
    raise OutputParserException(
        f"Function {name} arguments:\n\n{arguments}\n\nare not a string or a dictionary."
    )


def _tool_calls(calls: list[ToolCall]) -> list[LCToolCall]:
    return [
        LCToolCall(
            name=call.function.name,
            args=parse_arguments(call.function.name, call.function.arguments),
            id=call.id or str(uuid4()),
            type="tool_call",
        )
        for call in calls
    ]


def _usage(resp: ChatResponse | GenerateResponse) -> UsageMetadata | None:
    """Token counts; a count the server left out (a cached prompt) is 0."""
    input_tokens, output_tokens = resp.prompt_eval_count, resp.eval_count
    if input_tokens is None and output_tokens is None:
        return None
    input_tokens = input_tokens or 0
    output_tokens = output_tokens or 0
    return UsageMetadata(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )


class _Record(dict[str, Any]):
    """A dict that also reads by attribute (`lp.token`), like the ollama package's models."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _record(value: Any) -> Any:
    if isinstance(value, dict):
        return _Record({key: _record(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_record(item) for item in value]
    return value


def _logprobs(logprobs: list[Logprob] | None) -> list[dict[str, Any]] | None:
    return None if logprobs is None else [_record(item.model_dump()) for item in logprobs]


def _final_info(resp: ChatResponse | GenerateResponse) -> dict[str, Any]:
    info = {key: getattr(resp, key) for key in _CHAT_INFO_KEYS}
    if resp.remote_model is not None:
        info["remote_model"] = resp.remote_model
        info["remote_host"] = resp.remote_host
    return info


def _chat_info(resp: ChatResponse) -> dict[str, Any]:
    info = _final_info(resp)
    info["logprobs"] = _logprobs(resp.logprobs)
    info["model_name"] = resp.model
    info["model_provider"] = "ollama"
    return info


def _is_empty_load(resp: ChatResponse) -> bool:
    if resp.done_reason != "load":
        return False
    content = resp.message.content
    if content and content.strip():
        return False
    log.warning(
        "Ollama returned empty response with done_reason='load'. This typically indicates "
        "the model was loaded but no content was generated. Skipping this response."
    )
    return True


_new = object.__new__
_setattr = object.__setattr__


class _Clone:
    """Builds instances of a pydantic model shaped like a validated template, skipping
    validation (the hot path of streaming: about 4x cheaper than the constructor).

    `values` must hold a fresh object for every mutable field, so no two instances share
    a list or dict. `_fast_chunks_ok()` checks the clones equal validated instances before
    they are used; if a pydantic or langchain-core change breaks that, the constructors are.
    """

    __slots__ = ("_cls", "_extra", "_fields", "_values")

    def __init__(self, template: Any) -> None:
        self._cls = type(template)
        self._values = dict(template.__dict__)
        self._fields = frozenset(template.__pydantic_fields_set__)
        self._extra = template.__pydantic_extra__ is not None

    def __call__(self, **values: Any) -> Any:
        obj = _new(self._cls)
        data = self._values.copy()
        data.update(values)
        _setattr(obj, "__dict__", data)
        _setattr(obj, "__pydantic_fields_set__", set(self._fields))
        _setattr(obj, "__pydantic_extra__", {} if self._extra else None)
        _setattr(obj, "__pydantic_private__", None)
        return obj


_message_clone = _Clone(AIMessageChunk(content=""))
_chat_chunk_clone = _Clone(ChatGenerationChunk(message=AIMessageChunk(content="")))
_generation_clone = _Clone(GenerationChunk(text=""))


def _text_chat_chunk_fast(content: str) -> ChatGenerationChunk:
    message = _message_clone(
        content=content,
        additional_kwargs={},
        response_metadata={},
        tool_calls=[],
        invalid_tool_calls=[],
        tool_call_chunks=[],
    )
    chunk: ChatGenerationChunk = _chat_chunk_clone(message=message, text=content)
    return chunk


def _text_chat_chunk_slow(content: str) -> ChatGenerationChunk:
    return ChatGenerationChunk(message=AIMessageChunk(content=content))


def _text_generation_chunk_fast(text: str) -> GenerationChunk:
    chunk: GenerationChunk = _generation_clone(text=text)
    return chunk


def _text_generation_chunk_slow(text: str) -> GenerationChunk:
    return GenerationChunk(text=text)


def _same(a: Any, b: Any) -> bool:
    return bool(
        type(a) is type(b)
        and a == b
        and a.__pydantic_fields_set__ == b.__pydantic_fields_set__
        and a.model_dump() == b.model_dump()
    )


def _fast_chunks_ok() -> bool:
    """True when cloned chunks are indistinguishable from validated ones."""
    try:
        fast, slow = _text_chat_chunk_fast("x"), _text_chat_chunk_slow("x")
        return (
            _same(fast, slow)
            and _same(fast.message, slow.message)
            and _same(fast + slow, slow + slow)
            and _same(_text_generation_chunk_fast("x"), _text_generation_chunk_slow("x"))
        )
    except Exception:  # pragma: no cover - only if pydantic's internals change
        return False


if _fast_chunks_ok():
    _text_chat_chunk, _text_generation_chunk = _text_chat_chunk_fast, _text_generation_chunk_fast
else:  # pragma: no cover
    _text_chat_chunk, _text_generation_chunk = _text_chat_chunk_slow, _text_generation_chunk_slow


def chat_result(resp: ChatResponse, reasoning: bool | str | None) -> ChatResult:
    """A whole (non-streamed) chat reply as a `ChatResult`."""
    if _is_empty_load(resp):
        raise ValueError(
            f"{_NO_DATA} (The server only loaded the model: done_reason='load'. This happens "
            "when the request has no messages.)"
        )
    message = resp.message
    additional_kwargs: dict[str, Any] = {}
    if reasoning and message.thinking:
        additional_kwargs["reasoning_content"] = message.thinking
    ai = AIMessage(
        content=message.content or "",
        additional_kwargs=additional_kwargs,
        tool_calls=_tool_calls(message.tool_calls) if message.tool_calls else [],
        usage_metadata=_usage(resp),
    )
    return ChatResult(generations=[ChatGeneration(message=ai, generation_info=_chat_info(resp))])


def chat_chunk(part: ChatResponse, reasoning: bool | str | None) -> ChatGenerationChunk | None:
    """One streamed part as a chunk (None for an empty `load` part, which is skipped)."""
    message = part.message
    content = message.content or ""
    thinking = message.thinking if reasoning else None
    if not part.done and not thinking and not message.tool_calls and part.logprobs is None:
        return _text_chat_chunk(content)  # the common case
    if part.done:
        if _is_empty_load(part):
            return None
        info: dict[str, Any] | None = _chat_info(part)
        usage = _usage(part)
    else:
        info = None if part.logprobs is None else {"logprobs": _logprobs(part.logprobs)}
        usage = None
    chunk = AIMessageChunk(
        content=content,
        additional_kwargs={"reasoning_content": thinking} if thinking else {},
        tool_calls=_tool_calls(message.tool_calls) if message.tool_calls else [],
        usage_metadata=usage,
    )
    return ChatGenerationChunk(message=chunk, generation_info=info)


def chat_result_from_chunks(chunks: list[ChatGenerationChunk]) -> ChatResult:
    """Aggregate streamed chunks into the result `invoke` returns."""
    if not chunks:
        raise ValueError(_NO_DATA)
    final = chunks[0]
    for chunk in chunks[1:]:
        final += chunk
    message = final.message
    assert isinstance(message, AIMessageChunk)
    ai = AIMessage(
        content=final.text,
        additional_kwargs=message.additional_kwargs,
        tool_calls=message.tool_calls,
        usage_metadata=message.usage_metadata,
    )
    return ChatResult(
        generations=[ChatGeneration(message=ai, generation_info=final.generation_info)]
    )


def _generate_info(resp: GenerateResponse, thinking: str | None) -> dict[str, Any]:
    info = _final_info(resp)
    info["response"] = ""  # the text is the generation's; streamed final parts carry none
    info["thinking"] = thinking
    info["context"] = resp.context
    info["logprobs"] = _logprobs(resp.logprobs)
    return info


def llm_generation(resp: GenerateResponse, reasoning: bool | None) -> Generation:
    """A whole (non-streamed) completion as a `Generation`.

    `generation_info` holds the final response's fields; `thinking` has the model's
    reasoning whatever `reasoning` is, `reasoning_content` too when `reasoning` is on.
    """
    info = _generate_info(resp, resp.thinking)
    if reasoning and resp.thinking:
        info["reasoning_content"] = resp.thinking
    info["finish_reason"] = resp.done_reason
    return Generation(text=resp.response, generation_info=info)


def generation_chunk(part: GenerateResponse, reasoning: bool | None) -> GenerationChunk:
    """One streamed completion part as a chunk; the final one carries the metadata."""
    thinking = part.thinking if reasoning else None
    if not part.done and not thinking:
        return _text_generation_chunk(part.response)
    info: dict[str, Any] = {"reasoning_content": thinking} if thinking else {}
    if part.done:
        info.update(_generate_info(part, part.thinking))
        info["finish_reason"] = part.done_reason
    return GenerationChunk(text=part.response, generation_info=info)
