"""Regressions found in review: error types on concurrent async paths, logprob records,
zero-argument tool calls, and event-loop detection while trio is being imported."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

import ollama_lite
from ollama_lite._async_backend import current_loop
from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM
from ollama_lite.testing import FakeOllama


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # langchain-core's agenerate is asyncio
async def test_concurrent_llm_failure_is_the_error_itself_not_a_group(server: FakeOllama) -> None:
    llm = OllamaLLM(model="no-such-model", base_url=server.url)
    with pytest.raises(ollama_lite.ModelNotFoundError):
        await llm.agenerate(["a", "b", "c"])


@pytest.mark.anyio
async def test_concurrent_embedding_failure_is_the_error_itself(server: FakeOllama) -> None:
    embeddings = OllamaEmbeddings(model="no-such-model", base_url=server.url, batch_size=1)
    with pytest.raises(ollama_lite.ResponseError):
        await embeddings.aembed_documents(["a", "b", "c"])


def test_logprobs_read_by_key_and_by_attribute(server: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=server.url, logprobs=True)
    logprobs = llm.invoke("hi").response_metadata["logprobs"]
    assert logprobs and logprobs[0].token == logprobs[0]["token"]
    assert isinstance(logprobs[0].logprob, float)
    with pytest.raises(AttributeError):
        _ = logprobs[0].no_such_field


def test_a_tool_call_without_arguments_sends_an_empty_object(server: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=server.url)
    history = [
        HumanMessage("What time is it?"),
        AIMessage("", tool_calls=[{"name": "get_time", "args": {}, "id": "c1"}]),
        ToolMessage("12:00", tool_call_id="c1"),
    ]
    server.clear_requests()
    llm.invoke(history)
    sent = server.requests[-1].json["messages"][1]["tool_calls"][0]["function"]
    assert sent["name"] == "get_time" and sent["arguments"] == {}


def test_loop_detection_ignores_a_half_imported_trio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trio", types.ModuleType("trio"))  # no .lowlevel yet

    async def key() -> object:
        return current_loop()

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(key()) is loop
    finally:
        loop.close()
    assert current_loop() is None
