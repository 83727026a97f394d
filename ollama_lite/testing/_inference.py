"""Text routes: ``/api/generate`` and ``/api/chat`` (validation, load/unload, streaming)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ._asgi import Exchange
from ._generation import Completion, Prompt, complete, count_tokens, logprobs, token_ids, tokenize
from ._names import parse_name
from ._state import ModelEntry, Settings, State
from ._validate import Fields, check_format, check_messages, check_options, fail
from ._wire import encode, go_quote, now_rfc3339, now_rfc3339_bytes

_FILLER = (" lorem", " ipsum", " dolor", " sit", " amet")
_METRIC_KEYS = (
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
)
_PROMPT_NS_PER_TOKEN = 250_000  # synthetic speeds: 4000 prompt tokens/s, 80 output tokens/s
_EVAL_NS_PER_TOKEN = 12_500_000
_EMPTY_MESSAGE = {"role": "assistant", "content": ""}


@functools.lru_cache(maxsize=65536)
def enc(token: str) -> bytes:
    """A JSON string, cached: streamed tokens repeat a lot."""
    return encode(token)


def metrics(
    completion: Completion | None, load_ns: int, started_ns: int, prompt_tokens: int
) -> dict[str, int]:
    """Synthetic but coherent metrics; zero values are omitted, like the server's omitempty."""
    eval_count = completion.eval_count if completion is not None else 0
    prompt_ns = prompt_tokens * _PROMPT_NS_PER_TOKEN
    elapsed = time.perf_counter_ns() - started_ns
    eval_ns = max(eval_count * _EVAL_NS_PER_TOKEN, elapsed) if eval_count else 0
    values = {
        "total_duration": load_ns + prompt_ns + eval_ns + 100_000,
        "load_duration": load_ns,
        "prompt_eval_count": prompt_tokens,
        "prompt_eval_duration": prompt_ns,
        "eval_count": eval_count,
        "eval_duration": eval_ns,
    }
    return {k: values[k] for k in _METRIC_KEYS if values[k]}


@dataclass(frozen=True)
class _Shape:
    """Where the text of a chunk goes: ``response`` (generate) or ``message`` (chat)."""

    content: bytes
    thinking: bytes
    close: bytes


_GENERATE = _Shape(b'","response":', b'","response":"","thinking":', b"")
_CHAT = _Shape(
    b'","message":{"role":"assistant","content":',
    b'","message":{"role":"assistant","content":"","thinking":',
    b"}",
)


class _Chunks:
    """Hand-assembled NDJSON chunks: only the timestamp and the token change per line."""

    __slots__ = ("prefix", "shape", "top")

    def __init__(self, shape: _Shape, model: str, top: int | None) -> None:
        self.shape = shape
        self.prefix = b'{"model":' + enc(model) + b',"created_at":"'
        self.top = top

    def line(self, token: str, thinking: bool = False) -> bytes:
        shape = self.shape
        extra = b""
        if self.top is not None and not thinking:
            extra = b',"logprobs":' + encode(logprobs((token,), self.top))
        opener = shape.thinking if thinking else shape.content
        parts = (self.prefix, now_rfc3339_bytes(), opener, enc(token), shape.close, extra)
        return b"".join(parts) + b',"done":false}\n'


class Inference:
    """Handlers for the model-running text routes."""

    def __init__(self, state: State, settings: Settings) -> None:
        self.state = state
        self.settings = settings

    # -- shared ----------------------------------------------------------------------------
    @staticmethod
    def _think_level(model: str, entry: ModelEntry, think: bool | str | None) -> str | None:
        if "thinking" in entry.capabilities:
            if think is None or think is True:
                return "medium"
            return None if think is False else str(think)
        if think is not None and think is not False:
            fail(400, f"{go_quote(model)} does not support thinking")
        return None

    def _reply_tokens(self, ex: Exchange) -> int | None:
        override = ex.headers.get("x-fake-reply-tokens")
        if override is None:
            return self.settings.reply_tokens
        try:
            return max(int(override), 0)
        except ValueError:
            fail(400, "x-fake-reply-tokens must be an integer")

    def load(self, entry: ModelEntry, keep_alive: float | None, options: dict[str, Any]) -> int:
        """Mark ``entry`` loaded (for ``/api/ps``); returns a load duration in ns."""
        num_ctx = options.get("num_ctx")
        context = int(num_ctx) if isinstance(num_ctx, (int, float)) and num_ctx > 0 else 4096
        return self.state.mark_loaded(entry, keep_alive, min(context, entry.spec.context_length))

    async def _respond(
        self,
        ex: Exchange,
        chunks: _Chunks,
        completion: Completion,
        stream: bool,
        whole: Callable[[], dict[str, Any]],
        final: Callable[[], dict[str, Any]],
        extra: Callable[[], Iterator[bytes]] | None = None,
    ) -> None:
        """Answer with one object (``whole``) or a stream of tokens closed by ``final``."""
        delay = self.settings.token_delay
        if not stream:
            body = whole()
            if chunks.top is not None:
                body["logprobs"] = logprobs(completion.content, chunks.top)
            await ex.unary(encode(body), completion.eval_count, delay)
            return

        def lines() -> Iterator[bytes]:
            for token in completion.thinking:
                yield chunks.line(token, thinking=True)
            for token in completion.content:
                yield chunks.line(token)
            if extra is not None:
                yield from extra()

        await ex.stream(
            lines(),
            lambda: encode(final()) + b"\n",
            lambda n: chunks.line(_FILLER[n % len(_FILLER)]),
            delay,
        )

    # -- /api/generate ---------------------------------------------------------------------
    async def generate(self, ex: Exchange) -> None:
        started = time.perf_counter_ns()
        req = Fields(ex.json_object("GenerateRequest"), "GenerateRequest")
        model, prompt, suffix = req.string("model"), req.string("prompt"), req.string("suffix")
        system, template = req.string("system"), req.string("template")
        context = req.array("context", "[]int") or []
        stream, raw = req.stream(), bool(req.boolean("raw"))
        keep_alive, think = req.keep_alive(), req.think()
        top_logprobs = req.top_logprobs()  # validated even when logprobs is off
        top = top_logprobs if req.boolean("logprobs") else None
        req.images()
        options, fmt = req.options(), req.data.get("format")
        entry = self.state.get(model)
        if entry is None:
            fail(404, f"model '{model}' not found")
        if not prompt and keep_alive == 0:
            self.state.unload(entry)
            await ex.respond_json(
                _generate_object(model, "", {"done": True, "done_reason": "unload"})
            )
            return
        if raw and (template or system or context):
            fail(400, "raw mode does not support template, system, or context")
        if suffix and "insert" not in entry.capabilities:
            fail(400, f"{go_quote(model)} does not support insert")
        level = self._think_level(model, entry, think)
        if "completion" not in entry.capabilities:
            fail(400, f"{go_quote(model)} does not support generate")
        check_options(options)
        load_ns = self.load(entry, keep_alive, options)
        if not prompt:  # one object, no newline, even when streaming
            await ex.respond_json(
                _generate_object(model, "", {"done": True, "done_reason": "load"})
            )
            return
        check_format(fmt)
        text = f"{system}\n{prompt}" if system else prompt
        prompt_tokens = count_tokens(text) + (0 if raw else 4)
        completion = complete(
            entry.spec,
            Prompt(prompt, prompt_tokens),
            think=level,
            fmt=fmt,
            options=options,
            reply_tokens=self._reply_tokens(ex),
        )

        def final_fields() -> dict[str, Any]:
            fields: dict[str, Any] = {"done": True, "done_reason": completion.done_reason}
            if not raw:
                kept = [int(c) for c in context if isinstance(c, int)]
                fields["context"] = kept + token_ids(tokenize(prompt) + completion.content)
            fields.update(metrics(completion, load_ns, started, prompt_tokens))
            return fields

        def whole() -> dict[str, Any]:
            tail: dict[str, Any] = {}
            if completion.thinking:
                tail["thinking"] = "".join(completion.thinking)
            tail.update(final_fields())
            return _generate_object(model, "".join(completion.content), tail)

        chunks = _Chunks(_GENERATE, model, top)
        if not await self.state.scheduler.admit(ex, entry.display, True):
            return
        await self._respond(
            ex,
            chunks,
            completion,
            stream,
            whole,
            lambda: _generate_object(model, "", final_fields()),
        )

    # -- /api/chat -------------------------------------------------------------------------
    async def chat(self, ex: Exchange) -> None:
        started = time.perf_counter_ns()
        req = Fields(ex.json_object("ChatRequest"), "ChatRequest")
        model = req.string("model")
        messages = req.array("messages", "[]api.Message") or []
        check_messages(messages)
        tools = req.array("tools", "api.Tools") or []
        if not all(isinstance(tool, dict) for tool in tools):
            fail(
                400,
                "json: cannot unmarshal into Go struct field ChatRequest.tools of type api.Tool",
            )
        stream, keep_alive, think = req.stream(), req.keep_alive(), req.think()
        top_logprobs = req.top_logprobs()  # validated even when logprobs is off
        top = top_logprobs if req.boolean("logprobs") else None
        options, fmt = req.options(), req.data.get("format")
        if parse_name(model) is None:
            fail(400, "model is required")
        entry = self.state.get(model)
        if entry is None:
            fail(404, f"model '{model}' not found")
        if not messages and keep_alive == 0:
            self.state.unload(entry)
            unload = {"done_reason": "unload", "done": True}
            await ex.respond_json(_chat_object(model, dict(_EMPTY_MESSAGE), unload))
            return
        level = self._think_level(model, entry, think)
        if "completion" not in entry.capabilities:
            fail(400, f"{go_quote(model)} does not support chat")
        if tools and "tools" not in entry.capabilities:
            fail(400, f"{go_quote(model)} does not support tools")
        check_options(options)
        load_ns = self.load(entry, keep_alive, options)
        if not messages:  # one object, no newline, even when streaming
            load = {"done_reason": "load", "done": True}
            await ex.respond_json(_chat_object(model, dict(_EMPTY_MESSAGE), load))
            return
        check_format(fmt)
        prompt = _chat_prompt(messages, tools)
        completion = complete(
            entry.spec,
            prompt,
            think=level,
            fmt=fmt,
            options=options,
            reply_tokens=self._reply_tokens(ex),
        )

        def final_fields() -> dict[str, Any]:
            fields: dict[str, Any] = {"done_reason": completion.done_reason, "done": True}
            fields.update(metrics(completion, load_ns, started, prompt.prompt_tokens))
            return fields

        def whole() -> dict[str, Any]:
            message: dict[str, Any] = {"role": "assistant", "content": "".join(completion.content)}
            if completion.thinking:
                message["thinking"] = "".join(completion.thinking)
            if completion.tool_calls:
                message["tool_calls"] = completion.tool_calls
            return _chat_object(model, message, final_fields())

        def tool_calls() -> Iterator[bytes]:
            if completion.tool_calls:  # calls arrive whole, in their own chunk
                message = {**_EMPTY_MESSAGE, "tool_calls": completion.tool_calls}
                yield encode(_chat_object(model, message, {"done": False})) + b"\n"

        chunks = _Chunks(_CHAT, model, top)
        if not await self.state.scheduler.admit(ex, entry.display, True):
            return
        await self._respond(
            ex,
            chunks,
            completion,
            stream,
            whole,
            lambda: _chat_object(model, dict(_EMPTY_MESSAGE), final_fields()),
            tool_calls,
        )


def _generate_object(model: str, response: str, tail: dict[str, Any]) -> dict[str, Any]:
    obj: dict[str, Any] = {"model": model, "created_at": now_rfc3339(), "response": response}
    obj.update(tail)
    return obj


def _chat_object(model: str, message: dict[str, Any], tail: dict[str, Any]) -> dict[str, Any]:
    obj: dict[str, Any] = {"model": model, "created_at": now_rfc3339(), "message": message}
    obj.update(tail)
    return obj


def _chat_prompt(messages: list[Any], tools: list[Any]) -> Prompt:
    """Find what the fake model answers: the last user text, or the last tool result."""
    last = messages[-1]
    for message in reversed(messages):
        if str(message.get("role") or "").lower() == "user":
            user_text = message.get("content") or ""
            break
    else:
        user_text = last.get("content") or ""
    tool_result = None
    if str(last.get("role") or "").lower() == "tool":
        tool_result = (_tool_name_for(messages, last), last.get("content") or "")
    tokens = sum(count_tokens(m.get("content") or "") + 4 for m in messages)
    return Prompt(user_text, tokens, tools, tool_result)


def _tool_name_for(messages: list[Any], result: dict[str, Any]) -> str:
    name = result.get("tool_name")
    if isinstance(name, str) and name:
        return name
    wanted = result.get("tool_call_id")
    for message in reversed(messages):
        for call in message.get("tool_calls") or ():
            function = call.get("function") or {}
            if wanted is None or call.get("id") == wanted:
                found = function.get("name")
                if isinstance(found, str) and found:
                    return found
    return "tool"
