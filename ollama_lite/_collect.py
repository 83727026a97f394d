"""Merging a stream's parts into one final response (`Stream.collect()`).

Chat and generate parts are joined as a client would: the text and the thinking are
concatenated, tool calls and logprobs appended in order, and everything else (done reason,
durations, counts, context) taken from the last part, which carries the metrics. For any
other stream (pull, push, create progress) the result is the last part.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

from .types import ChatResponse, GenerateResponse, Logprob, Message, ToolCall

__all__ = ["Collector"]

T = TypeVar("T")


class Collector(Generic[T]):
    """Takes parts one by one (`add`); `result()` is the merged response."""

    __slots__ = ("_last", "_logprobs", "_text", "_thinking", "_tool_calls")

    def __init__(self) -> None:
        self._last: T | None = None
        self._text: list[str] = []
        self._thinking: list[str] = []
        self._tool_calls: list[ToolCall] = []
        self._logprobs: list[Logprob] = []

    def add(self, part: T) -> None:
        """Take one part of the stream."""
        self._last = part
        value: Any = part
        self._add(value)

    def _add(self, part: Any) -> None:
        if isinstance(part, ChatResponse):
            self._take(part.message.content, part.message.thinking, part.message.tool_calls)
        elif isinstance(part, GenerateResponse):
            self._take(part.response, part.thinking, part.tool_calls)
        else:
            return
        if part.logprobs:
            self._logprobs.extend(part.logprobs)

    def _take(self, text: str | None, thinking: str | None, calls: list[ToolCall] | None) -> None:
        if text:
            self._text.append(text)
        if thinking:
            self._thinking.append(thinking)
        if calls:
            self._tool_calls.extend(calls)

    def result(self) -> T:
        """The merged response; raises `ValueError` when no part was added."""
        last: Any = self._last
        if last is None:
            raise ValueError("the stream ended before its first part")
        joined = {
            "thinking": "".join(self._thinking) or None,
            "tool_calls": self._tool_calls or None,
        }
        logprobs = self._logprobs or None
        if isinstance(last, ChatResponse):
            message: Message = msgspec.structs.replace(
                last.message, content="".join(self._text), **joined
            )
            merged: Any = msgspec.structs.replace(last, message=message, logprobs=logprobs)
        elif isinstance(last, GenerateResponse):
            merged = msgspec.structs.replace(
                last, response="".join(self._text), logprobs=logprobs, **joined
            )
        else:
            merged = last
        result: T = merged
        return result
