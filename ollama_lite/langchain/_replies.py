"""Reply conversion: Ollama responses -> LangChain results and stream chunks.

The chunk builders are on the streaming hot path, so they do as little as possible per
chunk; text-only chunks come from `_compat.pydantic_chunks`.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar, cast

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import (
    ChatGeneration,
    ChatGenerationChunk,
    ChatResult,
    Generation,
    GenerationChunk,
)

from ollama_lite import ChatResponse, GenerateResponse

from ._compat.pydantic_chunks import text_chat_chunk, text_generation_chunk
from ._logprobs import convert_logprobs
from ._tool_calls import tool_calls

__all__ = [
    "NO_DATA",
    "aggregate",
    "chat_chunk",
    "chat_result",
    "chat_result_from_chunks",
    "generation_chunk",
    "generation_from_chunks",
    "llm_generation",
]

log = logging.getLogger("ollama_lite.langchain")

#: The error langchain-ollama raises when a stream ends without a single part.
NO_DATA = "No data received from Ollama stream."
_FINAL_KEYS = (
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
_IMAGE_KEYS = ("image", "completed", "total")

Chunk = TypeVar("Chunk", ChatGenerationChunk, GenerationChunk)


def aggregate(chunks: list[Chunk]) -> Chunk:
    """The streamed chunks added up; ValueError (langchain-ollama's) when there are none."""
    if not chunks:
        raise ValueError(NO_DATA)
    final = chunks[0]
    for chunk in chunks[1:]:
        final += chunk
    return final


def _usage(resp: ChatResponse | GenerateResponse) -> UsageMetadata | None:
    """Token counts; a count the server left out (a cached prompt) is 0."""
    input_tokens, output_tokens = resp.prompt_eval_count, resp.eval_count
    if input_tokens is None and output_tokens is None:
        return None
    input_tokens = input_tokens or 0
    output_tokens = output_tokens or 0
    # A cast, not `UsageMetadata(...)`: langchain-core >= 1.8 spells the optional keys with
    # `typing.NotRequired`, which mypy cannot see when checking for Python 3.10.
    usage = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }
    return cast("UsageMetadata", usage)


def _final_info(resp: ChatResponse | GenerateResponse) -> dict[str, Any]:
    info = {key: getattr(resp, key) for key in _FINAL_KEYS}
    if resp.remote_model is not None:
        info["remote_model"] = resp.remote_model
        info["remote_host"] = resp.remote_host
    return info


def _chat_info(resp: ChatResponse) -> dict[str, Any]:
    info = _final_info(resp)
    info["logprobs"] = convert_logprobs(resp.logprobs)
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


def chat_result(resp: ChatResponse, reasoning: bool | str | None) -> ChatResult:
    """A whole (non-streamed) chat reply as a `ChatResult`."""
    if _is_empty_load(resp):
        raise ValueError(
            f"{NO_DATA} (The server only loaded the model: done_reason='load'. This happens "
            "when the request has no messages.)"
        )
    message = resp.message
    additional_kwargs: dict[str, Any] = {}
    if reasoning and message.thinking:
        additional_kwargs["reasoning_content"] = message.thinking
    ai = AIMessage(
        content=message.content or "",
        additional_kwargs=additional_kwargs,
        tool_calls=tool_calls(message.tool_calls) if message.tool_calls else [],
        usage_metadata=_usage(resp),
    )
    return ChatResult(generations=[ChatGeneration(message=ai, generation_info=_chat_info(resp))])


def chat_chunk(part: ChatResponse, reasoning: bool | str | None) -> ChatGenerationChunk | None:
    """One streamed part as a chunk (None for an empty `load` part, which is skipped)."""
    message = part.message
    content = message.content or ""
    thinking = message.thinking if reasoning else None
    if not part.done and not thinking and not message.tool_calls and part.logprobs is None:
        return text_chat_chunk(content)  # the common case
    if part.done:
        if _is_empty_load(part):
            return None
        info: dict[str, Any] | None = _chat_info(part)
        usage = _usage(part)
    else:
        info = None if part.logprobs is None else {"logprobs": convert_logprobs(part.logprobs)}
        usage = None
    chunk = AIMessageChunk(
        content=content,
        additional_kwargs={"reasoning_content": thinking} if thinking else {},
        tool_calls=tool_calls(message.tool_calls) if message.tool_calls else [],
        usage_metadata=usage,
    )
    return ChatGenerationChunk(message=chunk, generation_info=info)


def chat_result_from_chunks(chunks: list[ChatGenerationChunk]) -> ChatResult:
    """Aggregate streamed chunks into the result `invoke` returns."""
    final = aggregate(chunks)
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
    """The final response's fields, as langchain-ollama's `dict(response)` has them."""
    info = _final_info(resp)
    info["response"] = ""  # the text is the generation's; streamed final parts carry none
    info["thinking"] = thinking
    info["context"] = resp.context
    info["logprobs"] = convert_logprobs(resp.logprobs)
    for key in _IMAGE_KEYS:
        info[key] = getattr(resp, key)
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
        return text_generation_chunk(part.response)
    info: dict[str, Any] = {"reasoning_content": thinking} if thinking else {}
    if part.done:
        info.update(_generate_info(part, part.thinking))
        info["finish_reason"] = part.done_reason
    return GenerationChunk(text=part.response, generation_info=info)


def generation_from_chunks(chunks: list[GenerationChunk], thinking: str) -> Generation:
    """Aggregate a streamed completion; `thinking` is all its parts' thinking."""
    final = aggregate(chunks)
    info = dict(final.generation_info or {})
    info["thinking"] = thinking or None
    return Generation(text=final.text, generation_info=info)
