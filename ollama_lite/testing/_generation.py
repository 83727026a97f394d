"""Deterministic "inference": replies, thinking traces, tool calls, structured output, logprobs."""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._models import FakeModel
from ._schema import example_for_schema
from ._wire import encode

_TOKEN_RE = re.compile(r"\s*\S+|\s+")
_JSON_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^{}\[\],:"\s]+|\s+')
_FILLER = (" lorem", " ipsum", " dolor", " sit", " amet", " consectetur", " adipiscing", " elit")
_ALTERNATIVES = (
    " the",
    " a",
    ",",
    ".",
    " and",
    " of",
    " to",
    " in",
    " is",
    " it",
    " that",
    " for",
    " on",
    " with",
    " as",
    " was",
    " at",
    " by",
    " an",
    " be",
)
_VOCAB = 128_256


@functools.lru_cache(maxsize=8192)
def tokenize(text: str) -> tuple[str, ...]:
    """Split text into word tokens that concatenate back to the text exactly."""
    return tuple(_TOKEN_RE.findall(text))


def token_ids(tokens: Sequence[str]) -> list[int]:
    """Stable fake token ids (used for ``context``)."""
    return [zlib.crc32(t.encode()) % _VOCAB for t in tokens]


_ECHO_WORDS = 48


def default_reply(text: str) -> str:
    """The built-in models' answer: an echo of the last user text (first 48 words)."""
    words = text.split()
    if not words:
        return "Hello! How can I help you today?"
    echo = " ".join(words[:_ECHO_WORDS]) + (" ..." if len(words) > _ECHO_WORDS else "")
    return f"You said: {echo}"


def default_thinking(text: str, level: str) -> str:
    """A short reasoning trace; higher levels think longer."""
    text = " ".join(text.split())
    if len(text) > 80:
        text = text[:77] + "..."
    trace = f'The user wrote "{text}". I should answer briefly and clearly.'
    if level in ("medium", "high", "max"):
        trace += " Let me make sure the answer addresses exactly that."
    if level in ("high", "max"):
        trace += " I will double-check the wording before replying."
    return trace


@dataclass(slots=True)
class Prompt:
    """What the fake model reacts to."""

    text: str
    prompt_tokens: int
    tools: list[Any] = field(default_factory=list)
    tool_result: tuple[str, str] | None = None


@dataclass(slots=True)
class Completion:
    """A planned response: thinking tokens, content tokens and tool calls."""

    thinking: tuple[str, ...]
    content: tuple[str, ...]
    tool_calls: list[dict[str, Any]]
    done_reason: str
    prompt_tokens: int
    tool_tokens: int = 0

    @property
    def eval_count(self) -> int:
        return len(self.thinking) + len(self.content) + self.tool_tokens


def complete(
    spec: FakeModel,
    prompt: Prompt,
    *,
    think: str | None,
    fmt: Any,
    options: dict[str, Any],
    reply_tokens: int | None,
) -> Completion:
    """Plan the whole response for a chat or generate request.

    ``think`` is the resolved level (``None`` = no thinking). ``reply_tokens`` forces plain
    text replies to exactly that many tokens (benchmarks).
    """
    thinking: tuple[str, ...] = ()
    tool_calls: list[dict[str, Any]] = []
    tool_tokens = 0
    content: tuple[str, ...] = ()
    calling = bool(prompt.tools) and prompt.tool_result is None and "tools" in spec.capabilities
    if think is not None:
        thinking = tokenize(_thinking_text(spec, prompt, think, calling))
    if calling:
        call = _tool_call(prompt.tools, prompt.text)
        tool_calls.append(call)
        tool_tokens = len(_JSON_TOKEN_RE.findall(encode(call["function"]).decode()))
    elif fmt is not None and fmt != "":
        document = (
            {"answer": _reply_text(spec, prompt)} if fmt == "json" else (example_for_schema(fmt))
        )
        content = tuple(_JSON_TOKEN_RE.findall(encode(document).decode()))
    else:
        content = tokenize(_reply_text(spec, prompt))
        if reply_tokens is not None:
            content = _exactly(content, reply_tokens)
    done_reason = "stop"
    stops = options.get("stop")
    if stops and content and not tool_calls and fmt in (None, ""):
        content = _cut_at_stop(content, [s for s in stops if isinstance(s, str) and s])
    limit = options.get("num_predict")
    if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0:
        limit = int(limit)
        if len(thinking) + len(content) + tool_tokens > limit:
            done_reason = "length"
            thinking = thinking[:limit]
            content = content[: max(limit - len(thinking), 0)]
            if tool_calls and len(thinking) + tool_tokens > limit:
                tool_calls, tool_tokens = [], 0
    return Completion(thinking, content, tool_calls, done_reason, prompt.prompt_tokens, tool_tokens)


def _reply_text(spec: FakeModel, prompt: Prompt) -> str:
    if prompt.tool_result is not None:
        name, result = prompt.tool_result
        return f"The {name} tool returned: {' '.join(result.split())}"
    if isinstance(spec.reply, str):
        return spec.reply
    if callable(spec.reply):
        return spec.reply(prompt.text)
    return default_reply(prompt.text)


def _thinking_text(spec: FakeModel, prompt: Prompt, level: str, calling: bool) -> str:
    if isinstance(spec.thinking, str):
        return spec.thinking
    if callable(spec.thinking):
        return spec.thinking(prompt.text)
    if calling:
        name = _tool_name(prompt.tools[0])
        return f"The user needs the {name} tool. I will call it with suitable arguments."
    if prompt.tool_result is not None:
        return f"The {prompt.tool_result[0]} tool answered. I will summarise the result."
    return default_thinking(prompt.text, level)


def _exactly(tokens: tuple[str, ...], count: int) -> tuple[str, ...]:
    if len(tokens) >= count:
        return tokens[:count]
    extra = count - len(tokens)
    cycles = _FILLER * (extra // len(_FILLER) + 1)
    return tokens + cycles[:extra]


def _cut_at_stop(tokens: tuple[str, ...], stops: list[str]) -> tuple[str, ...]:
    text = "".join(tokens)
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    if cut < 0:
        return tokens
    kept: list[str] = []
    used = 0
    for token in tokens:
        if used + len(token) <= cut:
            kept.append(token)
            used += len(token)
        else:
            if cut > used:
                kept.append(token[: cut - used])
            break
    return tuple(kept)


def _tool_name(tool: Any) -> str:
    function = tool.get("function") if isinstance(tool, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    return name if isinstance(name, str) and name else "tool"


def _tool_call(tools: list[Any], text: str) -> dict[str, Any]:
    tool = tools[0]
    function = tool.get("function") if isinstance(tool, dict) else None
    parameters = function.get("parameters") if isinstance(function, dict) else None
    arguments = example_for_schema(parameters) if isinstance(parameters, dict) else {}
    if not isinstance(arguments, dict):
        arguments = {}
    name = _tool_name(tool)
    digest = int.from_bytes(hashlib.sha256(f"{name}\x00{text}".encode()).digest()[:8], "big")
    call_id = ""
    for _ in range(8):
        digest, rem = divmod(digest, 36)
        call_id += "0123456789abcdefghijklmnopqrstuvwxyz"[rem]
    return {"id": f"call_{call_id}", "function": {"index": 0, "name": name, "arguments": arguments}}


def logprobs(tokens: Sequence[str], top: int) -> list[dict[str, Any]]:
    """Deterministic Logprob objects (``token``, ``logprob``, ``bytes``, ``top_logprobs``)."""
    result = []
    for token in tokens:
        raw = token.encode()
        value = -(zlib.crc32(raw) % 2000) / 10000.0
        entry: dict[str, Any] = {"token": token, "logprob": value, "bytes": list(raw)}
        if top > 0:
            alternatives = [{"token": token, "logprob": value, "bytes": list(raw)}]
            for i, alt in enumerate(a for a in _ALTERNATIVES if a != token):
                if len(alternatives) >= top:
                    break
                alternatives.append(
                    {
                        "token": alt,
                        "logprob": round(value - 1.5 * (i + 1), 4),
                        "bytes": list(alt.encode()),
                    }
                )
            entry["top_logprobs"] = alternatives
        result.append(entry)
    return result


def count_tokens(text: str) -> int:
    """Whitespace token count (the fake tokenizer used for context limits and metrics)."""
    return len(text.split())
