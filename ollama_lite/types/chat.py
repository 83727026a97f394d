"""Chat and generate: requests, stream chunks and final responses (one type for both)."""

from __future__ import annotations

from typing import Any

import msgspec

from ._base import SubscriptableStruct
from .common import Logprob, Message, OptionsValue, ToolCall

__all__ = ["ChatRequest", "ChatResponse", "GenerateRequest", "GenerateResponse"]

Think = bool | str
KeepAlive = float | str
Format = str | dict[str, Any]


class _Metrics(SubscriptableStruct, gc=False):
    """Fields every chat/generate response shares (in the official package's order); metrics
    come on the final object only."""

    model: str = ""
    created_at: str | None = None
    done: bool = False
    done_reason: str | None = None
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None
    prompt_eval_duration: int | None = None
    eval_count: int | None = None
    eval_duration: int | None = None


class ChatResponse(_Metrics, gc=False):
    """A chat reply, or one chunk of a streamed reply (`done=True` on the last one)."""

    message: Message = msgspec.field(default_factory=lambda: Message(role="assistant", content=""))
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None
    logprobs: list[Logprob] | None = None
    remote_model: str | None = None
    remote_host: str | None = None


class GenerateResponse(_Metrics, gc=False):
    """A completion, or one chunk of a streamed completion (`done=True` on the last one)."""

    response: str = ""
    thinking: str | None = None
    context: list[int] | None = None
    logprobs: list[Logprob] | None = None
    tool_calls: list[ToolCall] | None = None
    # Image generation (removed from current servers); passed through for older ones.
    image: str | None = None
    completed: int | None = None
    total: int | None = None
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None
    remote_model: str | None = None
    remote_host: str | None = None


class ChatRequest(SubscriptableStruct):
    """Body of POST /api/chat."""

    model: str
    messages: list[Message]
    stream: bool
    tools: list[dict[str, Any]] | None = None
    think: Think | None = None
    format: Format | None = None
    options: OptionsValue | None = None
    keep_alive: KeepAlive | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None


class GenerateRequest(SubscriptableStruct):
    """Body of POST /api/generate."""

    model: str
    stream: bool
    prompt: str | None = None
    suffix: str | None = None
    system: str | None = None
    template: str | None = None
    context: list[int] | None = None
    raw: bool | None = None
    think: Think | None = None
    format: Format | None = None
    images: list[str] | None = None
    options: OptionsValue | None = None
    keep_alive: KeepAlive | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    width: int | None = None
    height: int | None = None
    steps: int | None = None
