"""The LangChain facades against the real server: invoke, stream, tools, structured output,
embeddings, sync and async."""

from __future__ import annotations

import pytest

from ._real import CHAT, EMBED, REPLY, THINKER, THINKING

pytest.importorskip("langchain_core")

from langchain_core.messages import AIMessage

from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM


def test_chat_model_invoke_stream_tools_and_structure(real_host: str) -> None:
    llm = ChatOllama(model=CHAT, base_url=real_host)
    reply = llm.invoke("hi")
    assert isinstance(reply, AIMessage) and reply.content == REPLY
    assert reply.response_metadata["done_reason"] == "stop"
    assert [c.content for c in llm.stream("hi") if c.content] == ["Hello", " world!"]

    def get_weather(city: str) -> str:
        """Weather in a city."""
        return city

    called = llm.bind_tools([get_weather]).invoke("weather?")
    assert [(c["name"], c["args"]) for c in called.tool_calls] == [
        ("get_weather", {"city": "Tokyo"})
    ]
    schema = {
        "title": "City",
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    }
    assert llm.with_structured_output(schema, method="json_schema").invoke("x") == {"name": ""}


def test_chat_model_reasoning(real_host: str) -> None:
    llm = ChatOllama(model=THINKER, base_url=real_host, reasoning=True)
    reply = llm.invoke("hi")
    assert reply.content == REPLY
    assert reply.additional_kwargs["reasoning_content"] == THINKING


def test_llm_invoke_and_stream(real_host: str) -> None:
    llm = OllamaLLM(model=CHAT, base_url=real_host)
    assert llm.invoke("hi") == REPLY
    assert "".join(llm.stream("hi")) == REPLY


def test_embeddings_sync(real_host: str) -> None:
    embeddings = OllamaEmbeddings(model=EMBED, base_url=real_host)
    documents = embeddings.embed_documents(["one", "two", "one"])
    assert len(documents) == 3 and documents[0] == documents[2] != documents[1]
    assert embeddings.embed_query("one") == documents[0]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # LangChain's async runs on asyncio
async def test_async_facades(real_host: str) -> None:
    llm = ChatOllama(model=CHAT, base_url=real_host)
    assert (await llm.ainvoke("hi")).content == REPLY
    chunks = [c.content async for c in llm.astream("hi")]
    assert "".join(str(c) for c in chunks) == REPLY
    assert await OllamaLLM(model=CHAT, base_url=real_host).ainvoke("hi") == REPLY
    vectors = await OllamaEmbeddings(model=EMBED, base_url=real_host).aembed_documents(["a"])
    assert len(vectors[0]) == 64
