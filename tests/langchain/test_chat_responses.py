"""ChatOllama: replies (recorded NDJSON streams and whole answers) -> LangChain messages."""

from __future__ import annotations

import logging
from functools import reduce
from operator import add
from typing import Any

import httpx
import pytest
import respx
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessageChunk

from ollama_lite import ModelNotFoundError, ResponseError, StreamError
from ollama_lite.langchain import ChatOllama
from ollama_lite.langchain._tool_calls import parse_arguments
from ollama_lite.testing import FakeOllama

from ._util import chat_reply, recorded, recorded_whole


class _Tokens(BaseCallbackHandler):
    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        pass


TEXT = "chat_llama_text.ndjson"
TOOLS = "chat_qwen3_thinking_tool.ndjson"
LOGPROBS = "chat_llama_logprobs.ndjson"


def _stream(router: respx.MockRouter, name: str, **kwargs: Any) -> list[AIMessageChunk]:
    router.post("/api/chat").mock(return_value=recorded(name))
    return list(ChatOllama(model="m", **kwargs).stream("hi"))


def test_text_stream_chunks_and_final_metadata(ollama: respx.MockRouter) -> None:
    chunks = _stream(ollama, TEXT)
    assert [c.content for c in chunks] == ["The", " sky", " is", " blue.", "", ""]
    assert all(c.usage_metadata is None for c in chunks[:4])
    assert chunks[4].usage_metadata == {"input_tokens": 14, "output_tokens": 4, "total_tokens": 18}
    assert chunks[4].response_metadata == {
        "model": "llama3.2",
        "created_at": "2026-05-01T10:00:00.180Z",
        "done": True,
        "done_reason": "stop",
        "total_duration": 411875125,
        "load_duration": 1898166,
        "prompt_eval_count": 14,
        "prompt_eval_duration": 297320000,
        "eval_count": 4,
        "eval_duration": 111099000,
        "logprobs": None,
        "model_name": "llama3.2",
        "model_provider": "ollama",
    }
    assert chunks[-1].chunk_position == "last"
    assert len({c.id for c in chunks}) == 1


def test_invoke_equals_the_aggregated_stream(ollama: respx.MockRouter) -> None:
    for name in (TEXT, TOOLS, LOGPROBS):
        kwargs: dict[str, Any] = {"reasoning": True, "logprobs": True}
        streamed = reduce(add, _stream(ollama, name, **kwargs))
        ollama.post("/api/chat").mock(return_value=recorded_whole(name))
        whole = ChatOllama(model="m", **kwargs).invoke("hi")
        assert whole.content == streamed.content
        assert whole.additional_kwargs == streamed.additional_kwargs
        assert whole.usage_metadata == streamed.usage_metadata
        assert [(c["name"], c["args"], c["id"]) for c in whole.tool_calls] == [
            (c["name"], c["args"], c["id"]) for c in streamed.tool_calls
        ]
        assert whole.response_metadata == streamed.response_metadata


def test_reasoning_and_tool_calls_from_a_recorded_stream(ollama: respx.MockRouter) -> None:
    chunks = _stream(ollama, TOOLS, reasoning=True)
    full = reduce(add, chunks)
    assert full.additional_kwargs == {"reasoning_content": "The user needs the get_weather tool."}
    assert full.content == ""
    assert full.tool_calls == [
        {
            "name": "get_weather",
            "args": {"city": "Paris", "days": 2},
            "id": "call_j0vy3u97",
            "type": "tool_call",
        }
    ]
    (with_call,) = [c for c in chunks if c.tool_calls]
    assert with_call.tool_call_chunks == [
        {
            "name": "get_weather",
            "args": '{"city": "Paris", "days": 2}',
            "id": "call_j0vy3u97",
            "index": None,
            "type": "tool_call_chunk",
        }
    ]
    assert full.usage_metadata == {"input_tokens": 7, "output_tokens": 30, "total_tokens": 37}
    assert full.response_metadata["model_name"] == "qwen3"
    blocks = full.content_blocks
    assert [b["type"] for b in blocks] == ["reasoning", "tool_call"]


def test_thinking_is_dropped_unless_reasoning_is_on(ollama: respx.MockRouter) -> None:
    assert reduce(add, _stream(ollama, TOOLS)).additional_kwargs == {}
    assert reduce(add, _stream(ollama, TOOLS, reasoning=False)).additional_kwargs == {}
    ollama.post("/api/chat").mock(return_value=recorded(TOOLS))
    full = reduce(add, ChatOllama(model="m").stream("hi", reasoning="medium"))
    assert full.additional_kwargs["reasoning_content"].startswith("The user")


def test_logprobs_are_concatenated(ollama: respx.MockRouter) -> None:
    full = reduce(add, _stream(ollama, LOGPROBS, logprobs=True))
    logprobs = full.response_metadata["logprobs"]
    assert [item["token"] for item in logprobs] == ["Hi", "!"]
    assert [item.token for item in logprobs] == ["Hi", "!"]
    # langchain-ollama's shape: Logprob models with token/logprob/top_logprobs, no bytes.
    assert logprobs[0].model_dump() == {
        "token": "Hi",
        "logprob": -0.1,
        "top_logprobs": [{"token": "Hi", "logprob": -0.1}, {"token": "Hello", "logprob": -2.5}],
    }
    assert logprobs[0].top_logprobs[1].get("bytes") is None
    assert "top_logprobs" in logprobs[0] and "bytes" not in logprobs[0]
    ollama.post("/api/chat").mock(return_value=recorded_whole(LOGPROBS))
    whole = ChatOllama(model="m", logprobs=True).invoke("hi")
    assert whole.response_metadata["logprobs"] == full.response_metadata["logprobs"]


def test_tool_calls_without_ids_get_stable_uuids(ollama: respx.MockRouter) -> None:
    call = {"function": {"name": "f", "arguments": {"x": 1}}}
    ollama.post("/api/chat").mock(
        return_value=httpx.Response(200, json=chat_reply("", message={"tool_calls": [call]}))
    )
    (tool_call,) = ChatOllama(model="m").invoke("hi").tool_calls
    assert len(tool_call["id"] or "") == 36
    route = ollama.post("/api/chat")
    from ._util import chat_stream

    route.mock(return_value=chat_stream("", message={"tool_calls": [call]}))
    chunks = list(ChatOllama(model="m").stream("hi"))
    full = reduce(add, chunks)
    (chunk,) = [c for c in chunks if c.tool_calls]
    assert chunk.tool_calls[0]["id"] == chunk.tool_call_chunks[0]["id"] == full.tool_calls[0]["id"]


def test_malformed_tool_arguments_are_repaired(ollama: respx.MockRouter) -> None:
    arguments = {
        "functionName": "f",
        "items": '["a", "b"]',
        "config": "{'depth': 2}",
        "id": "12345678901234567890",
        "text": "{not json",
        "n": 3,
    }
    call = {"function": {"name": "f", "arguments": arguments}}
    ollama.post("/api/chat").mock(
        return_value=httpx.Response(200, json=chat_reply("", message={"tool_calls": [call]}))
    )
    (tool_call,) = ChatOllama(model="m").invoke("hi").tool_calls
    assert tool_call["args"] == {
        "items": ["a", "b"],
        "config": {"depth": 2},
        "id": "12345678901234567890",
        "text": "{not json",
        "n": 3,
    }


def test_string_arguments_are_parsed_or_rejected() -> None:
    assert parse_arguments("f", '{"a": 1}') == {"a": 1}
    assert parse_arguments("f", "{'a': 1}") == {"a": 1}
    with pytest.raises(OutputParserException, match="are not valid JSON"):
        parse_arguments("f", "{broken")
    with pytest.raises(OutputParserException, match="not a string or a dictionary"):
        parse_arguments("f", 42)


def test_usage_with_a_cached_prompt(ollama: respx.MockRouter) -> None:
    reply = chat_reply()
    del reply["prompt_eval_count"]
    ollama.post("/api/chat").mock(return_value=httpx.Response(200, json=reply))
    usage = ChatOllama(model="m").invoke("hi").usage_metadata
    assert usage == {"input_tokens": 0, "output_tokens": 4, "total_tokens": 4}


def test_empty_load_parts_are_skipped(
    ollama: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    llm = ChatOllama(model="m")
    ollama.post("/api/chat").mock(return_value=recorded("chat_load.ndjson"))
    with caplog.at_level(logging.WARNING, logger="ollama_lite.langchain"):
        assert list(llm._stream([])) == []
    assert "done_reason='load'" in caplog.text
    with pytest.raises(ValueError, match="No generation chunks"):  # langchain-core's check
        list(llm.stream("hi"))
    with pytest.raises(ValueError, match="No generations found"):  # langchain-core's check
        llm.invoke("hi", stream=True)
    with pytest.raises(ValueError, match="No data received from Ollama stream"):
        llm.invoke("hi", config={"callbacks": [_Tokens()]})
    ollama.post("/api/chat").mock(
        return_value=httpx.Response(200, json=chat_reply("", done_reason="load"))
    )
    with pytest.raises(ValueError, match="No data received"):
        ChatOllama(model="m").invoke("hi")
    ollama.post("/api/chat").mock(
        return_value=httpx.Response(200, json=chat_reply("kept", done_reason="load"))
    )
    assert ChatOllama(model="m").invoke("hi").content == "kept"


def test_v1_output_version(ollama: respx.MockRouter) -> None:
    ollama.post("/api/chat").mock(return_value=recorded_whole(TOOLS))
    reply = ChatOllama(model="m", reasoning=True, output_version="v1").invoke("hi")
    assert [b["type"] for b in reply.content] == ["reasoning", "tool_call"]  # type: ignore[index]


def test_errors_from_the_server(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/chat")
    route.mock(return_value=httpx.Response(404, json={"error": "model 'nope' not found"}))
    llm = ChatOllama(model="nope", max_retries=0)
    with pytest.raises(ModelNotFoundError) as info:
        llm.invoke("hi")
    assert info.value.status_code == 404 and "not found" in str(info.value)
    with pytest.raises(ModelNotFoundError):
        list(llm.stream("hi"))
    route.mock(return_value=httpx.Response(500, json={"error": "boom"}))
    with pytest.raises(ResponseError, match=r"boom \(status code: 500\)"):
        llm.invoke("hi")


def test_error_in_the_middle_of_a_stream(ollama: respx.MockRouter) -> None:
    ollama.post("/api/chat").mock(return_value=recorded("chat_error_midstream.ndjson"))
    received: list[str] = []
    with pytest.raises(StreamError, match="unexpected EOF"):
        for chunk in ChatOllama(model="m").stream("hi"):
            received.append(chunk.text)
    assert received == ["Partial", " answer"]


@pytest.mark.anyio
async def test_async_stream_reads_the_same_chunks(ollama: respx.MockRouter) -> None:
    ollama.post("/api/chat").mock(return_value=recorded(TOOLS))
    llm = ChatOllama(model="m", reasoning=True)
    sync_chunks = [c.message for c in llm._stream([])]
    async_chunks = [c.message async for c in llm._astream([])]
    assert [(c.content, c.additional_kwargs, c.usage_metadata) for c in async_chunks] == [
        (c.content, c.additional_kwargs, c.usage_metadata) for c in sync_chunks
    ]


def test_logprobs_read_by_key_and_by_attribute(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url, logprobs=True)
    logprobs = llm.invoke("hi").response_metadata["logprobs"]
    assert logprobs and logprobs[0].token == logprobs[0]["token"]
    assert isinstance(logprobs[0].logprob, float)
    with pytest.raises(AttributeError):
        _ = logprobs[0].no_such_field
