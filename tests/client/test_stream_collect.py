"""`stream.collect()` merges a stream into one response; a closed stream refuses iteration.

The fake server is deterministic, so the same request streamed and read by hand gives the
parts `collect()` must merge.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import ollama_lite
from ollama_lite import AsyncClient, ChatResponse, Client, GenerateResponse, StreamClosedError
from ollama_lite.testing import FakeOllama

ASK = [{"role": "user", "content": "What is the weather in Paris today?"}]


def get_weather(city: str) -> str:
    """Get the weather.

    Args:
        city: The city.
    """
    return "sunny"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama(reply_tokens=12) as server:
        yield server


def by_hand_chat(parts: list[ChatResponse]) -> dict[str, Any]:
    return {
        "content": "".join(p.message.content or "" for p in parts),
        "thinking": "".join(p.message.thinking or "" for p in parts) or None,
        "tool_calls": [c for p in parts for c in (p.message.tool_calls or [])] or None,
        "final": parts[-1],
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "qwen3", "think": True},
        {"model": "llama3.2", "tools": [get_weather]},
        {"model": "llama3.2", "logprobs": True, "top_logprobs": 2},
    ],
    ids=["thinking", "tools", "logprobs"],
)
def test_chat_collect_joins_text_thinking_tool_calls_and_keeps_final_metrics(
    fake: FakeOllama, kwargs: dict[str, Any]
) -> None:
    with Client(fake.url) as client:
        parts = list(client.chat(messages=ASK, stream=True, **kwargs))
        expected = by_hand_chat(parts)
        reply = client.chat(messages=ASK, stream=True, **kwargs).collect()
    assert len(parts) >= 2
    assert isinstance(reply, ChatResponse) and reply.done
    assert reply.message.role == "assistant"
    assert reply.message.content == expected["content"]
    assert reply.message.thinking == expected["thinking"]
    assert reply.message.tool_calls == expected["tool_calls"]
    final = expected["final"]
    assert (reply.eval_count, reply.done_reason) == (final.eval_count, final.done_reason)
    assert reply.prompt_eval_count == final.prompt_eval_count
    if "think" in kwargs:
        assert reply.message.thinking
    if "tools" in kwargs:
        assert reply.message.tool_calls and reply.message.tool_calls[0].function.name == (
            "get_weather"
        )
    if "logprobs" in kwargs:
        assert reply.logprobs is not None
        assert len(reply.logprobs) == sum(len(p.logprobs or []) for p in parts) > 1


def test_generate_collect(fake: FakeOllama) -> None:
    with Client(fake.url) as client:
        parts = list(client.generate("qwen3", "Why?", stream=True, think=True))
        reply = client.generate("qwen3", "Why?", stream=True, think=True).collect()
    assert isinstance(reply, GenerateResponse) and reply.done
    assert reply.response == "".join(p.response for p in parts) != ""
    assert reply.thinking == "".join(p.thinking or "" for p in parts) != ""
    assert reply.context == parts[-1].context and reply.eval_count == parts[-1].eval_count


def test_other_streams_collect_to_their_last_part(fake: FakeOllama) -> None:
    with Client(fake.url) as client:
        final = client.pull("mistral", stream=True).collect()
    assert final.status == "success"


def test_a_stream_iterated_after_its_with_block_raises(fake: FakeOllama) -> None:
    with Client(fake.url) as client:
        with client.chat("llama3.2", ASK, stream=True) as stream:
            pass
        with pytest.raises(StreamClosedError, match="inside the `with` block"):
            list(stream)
        with pytest.raises(StreamClosedError):
            stream.collect()
        read = client.chat("llama3.2", ASK, stream=True)
        assert len(list(read)) > 1
        with pytest.raises(StreamClosedError, match="read to its end"):
            for _ in read:
                pass
        partly = client.chat("llama3.2", ASK, stream=True)
        next(partly)
        with pytest.raises(StreamClosedError, match="instead of iterating"):
            partly.collect()
        partly.close()
    assert isinstance(StreamClosedError("x"), (ollama_lite.OllamaError, RuntimeError))


@pytest.mark.anyio
async def test_async_collect_and_closed_streams(fake: FakeOllama) -> None:
    async with AsyncClient(fake.url) as client:
        parts = [p async for p in await client.chat("qwen3", ASK, stream=True)]
        reply = await (await client.chat("qwen3", ASK, stream=True)).collect()
        assert reply.message.content == "".join(p.message.content or "" for p in parts)
        assert reply.message.thinking == "".join(p.message.thinking or "" for p in parts)
        generated = await (await client.generate("llama3.2", "hi", stream=True)).collect()
        assert generated.response and generated.done
        async with await client.chat("llama3.2", ASK, stream=True) as stream:
            pass
        with pytest.raises(StreamClosedError):
            async for _ in stream:
                pass
        with pytest.raises(StreamClosedError):
            await stream.collect()
