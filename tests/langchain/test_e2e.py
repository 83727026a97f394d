"""End to end: each class against the fake Ollama server on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

from functools import reduce
from operator import add

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM
from ollama_lite.testing import FakeOllama


@tool
def get_weather(city: str, days: int = 1) -> str:
    """Get the weather forecast for a city."""
    return f"sunny in {city} for {days} day(s)"


class Weather(BaseModel):
    """A weather report."""

    city: str
    temperature: float
    sunny: bool


def test_chat_invoke_and_stream(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url, temperature=0)
    messages = [SystemMessage("Be brief."), HumanMessage("hello")]
    reply = llm.invoke(messages)
    assert reply.content == "You said: hello"
    assert reply.response_metadata["model_name"] == "llama3.2"
    assert reply.response_metadata["done_reason"] == "stop"
    assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] > 0
    assert fake.last_request is not None and fake.last_request.json["stream"] is False
    chunks = list(llm.stream(messages))
    assert len(chunks) > 2
    full = reduce(add, chunks)
    assert full.content == reply.content
    assert full.usage_metadata == reply.usage_metadata
    assert llm.batch(["a", "b"]) and [m.content for m in llm.batch(["a", "b"])] == [
        "You said: a",
        "You said: b",
    ]


def test_chat_reasoning(fake: FakeOllama) -> None:
    llm = ChatOllama(model="qwen3", base_url=fake.url, reasoning=True)
    reply = llm.invoke("hello")
    assert reply.content == "You said: hello"
    assert reply.additional_kwargs["reasoning_content"]
    streamed = reduce(add, llm.stream("hello"))
    assert streamed.additional_kwargs == reply.additional_kwargs
    assert (
        "reasoning_content"
        not in ChatOllama(model="qwen3", base_url=fake.url).invoke("hello").additional_kwargs
    )


def test_chat_tool_loop(fake: FakeOllama) -> None:
    llm = ChatOllama(model="qwen3", base_url=fake.url, reasoning=True).bind_tools([get_weather])
    messages: list = [HumanMessage("What's the weather in Paris?")]
    ai = llm.invoke(messages)
    assert isinstance(ai, AIMessage)
    (call,) = ai.tool_calls
    assert call["name"] == "get_weather" and isinstance(call["args"]["city"], str)
    messages += [ai, ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"])]
    final = llm.invoke(messages)
    assert final.tool_calls == []
    assert "sunny in" in str(final.content)
    sent = fake.last_request.json if fake.last_request else {}
    assert sent["messages"][2]["tool_name"] == "get_weather"
    assert sent["messages"][1]["tool_calls"][0]["id"] == call["id"]
    streamed = reduce(add, llm.stream(messages[:1]))
    assert [c["name"] for c in streamed.tool_calls] == ["get_weather"]


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_chat_structured_output(fake: FakeOllama, method: str) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    result = llm.with_structured_output(Weather, method=method).invoke("weather?")  # type: ignore[arg-type]
    assert isinstance(result, Weather)
    raw = llm.with_structured_output(Weather, method=method, include_raw=True).invoke("weather?")  # type: ignore[arg-type]
    assert isinstance(raw["parsed"], Weather) and raw["parsing_error"] is None


def test_chat_json_mode(fake: FakeOllama) -> None:
    result = (
        ChatOllama(model="llama3.2", base_url=fake.url)
        .with_structured_output(None, method="json_mode")
        .invoke("answer in JSON")
    )
    assert isinstance(result, dict)


def test_llm_invoke_stream_batch(fake: FakeOllama) -> None:
    llm = OllamaLLM(model="qwen3", base_url=fake.url, reasoning=True)
    assert llm.invoke("hi") == "You said: hi"
    assert "".join(llm.stream("hi")) == "You said: hi"
    assert llm.batch(["a", "b"]) == ["You said: a", "You said: b"]
    info = llm.generate(["hi"]).generations[0][0].generation_info or {}
    assert info["reasoning_content"] and info["thinking"] == info["reasoning_content"]


def test_embeddings(fake: FakeOllama) -> None:
    emb = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url, batch_size=4)
    texts = [f"text {i}" for i in range(10)]
    vectors = emb.embed_documents(texts)
    assert len(vectors) == 10 and {len(v) for v in vectors} == {768}
    assert emb.embed_query("text 3") == vectors[3]
    single = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url)
    assert single.embed_documents(texts) == vectors  # batching does not change results


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_langchain_async_api(fake: FakeOllama, anyio_backend: str) -> None:
    # langchain-core's ainvoke/astream/abatch are asyncio-only (asyncio.gather inside).
    llm = ChatOllama(model="qwen3", base_url=fake.url, reasoning=True)
    reply = await llm.ainvoke("hi")
    assert reply.content == "You said: hi" and reply.additional_kwargs["reasoning_content"]
    streamed = reduce(add, [c async for c in llm.astream("hi")])
    assert streamed.content == reply.content
    assert [m.content for m in await llm.abatch(["a", "b"])] == ["You said: a", "You said: b"]
    tools = llm.bind_tools([get_weather])
    assert (await tools.ainvoke("weather in Rome?")).tool_calls[0]["name"] == "get_weather"
    weather = await llm.with_structured_output(Weather).ainvoke("weather?")
    assert isinstance(weather, Weather)
    text = OllamaLLM(model="llama3.2", base_url=fake.url)
    assert await text.abatch(["a", "b", "c"]) == ["You said: a", "You said: b", "You said: c"]
    assert "".join([c async for c in text.astream("hi")]) == "You said: hi"


@pytest.mark.asyncio
async def test_async_api_under_pytest_asyncio(fake: FakeOllama) -> None:
    # How LangChain projects usually test: pytest-asyncio, a new event loop per test. The
    # clients' per-loop connections must work there and close with each loop.
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    assert (await llm.ainvoke("hi")).content == "You said: hi"
    assert "".join([str(c.content) async for c in llm.astream("hi")]) == "You said: hi"
    embeddings = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url)
    assert len(await embeddings.aembed_query("hi")) == 768


@pytest.mark.anyio
async def test_async_model_methods_on_asyncio_and_trio(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url).bind_tools([get_weather])
    chat = ChatOllama(model="llama3.2", base_url=fake.url)
    result = await chat._agenerate([HumanMessage("hi")], tools=llm.kwargs["tools"])  # type: ignore[attr-defined]
    assert result.generations[0].message.tool_calls[0]["name"] == "get_weather"
    text = "".join([c.text async for c in chat._astream([HumanMessage("hi")])])
    assert text == "You said: hi"
    emb = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url, batch_size=3)
    vectors = await emb.aembed_documents([f"t{i}" for i in range(8)])
    assert vectors == emb.embed_documents([f"t{i}" for i in range(8)])
    await chat.aclose()
    await emb.aclose()
