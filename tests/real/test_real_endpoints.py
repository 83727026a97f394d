"""Every endpoint end to end against a real Ollama, with Client and with AsyncClient (asyncio
and trio), using the tiny deterministic models."""

from __future__ import annotations

import math
import uuid
from pathlib import Path

import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client

from ._real import CHAT, EMBED, HI, REPLY, THINKER, THINKING

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def test_version_list_show_ps(real_client: Client) -> None:
    assert real_client.version().version.startswith("0.")
    names = {m.model for m in real_client.list().models}
    assert {f"{CHAT}:latest", f"{EMBED}:latest"} <= names
    show = real_client.show(THINKER)
    assert set(show.capabilities or []) == {"completion", "tools", "insert", "thinking"}
    assert show.details is not None and show.details.family == "llama"
    real_client.chat(CHAT, HI)
    assert any(m.model.startswith(CHAT) for m in real_client.ps().models)


def test_chat_and_generate_sync(real_client: Client) -> None:
    reply = real_client.chat(CHAT, HI)
    assert (reply.message.content, reply.done_reason) == (REPLY, "stop")
    parts = [p.message.content for p in real_client.chat(CHAT, HI, stream=True)]
    assert "".join(parts) == REPLY and parts[:2] == ["Hello", " world!"]
    assert real_client.generate(CHAT, "Say hello").response == REPLY
    streamed = "".join(p.response for p in real_client.generate(CHAT, "hi", stream=True))
    assert streamed == REPLY
    assert real_client.generate(CHAT, "def f(", suffix="return 1").response == REPLY


def test_tools_format_and_thinking_sync(real_client: Client) -> None:
    called = real_client.chat(CHAT, HI, tools=[WEATHER_TOOL])
    calls = called.message.tool_calls or []
    assert [(c.function.name, c.function.arguments) for c in calls] == [
        ("get_weather", {"city": "Tokyo"})
    ]
    after = [*HI, called.message, {"role": "tool", "content": "sunny", "tool_name": "get_weather"}]
    assert real_client.chat(CHAT, after, tools=[WEATHER_TOOL]).message.content == REPLY
    assert real_client.chat(CHAT, HI, format="json").message.content == "{}"
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "n": {"type": "integer"}},
        "required": ["name", "n"],
    }
    assert real_client.chat(CHAT, HI, format=schema).message.content == '{"name":"","n":0}'
    thought = real_client.chat(THINKER, HI, think=True)
    assert (thought.message.thinking, thought.message.content) == (THINKING, REPLY)
    assert real_client.chat(THINKER, HI).message.thinking is None
    with pytest.raises(ollama_lite.ResponseError, match="does not support thinking") as info:
        real_client.chat(CHAT, HI, think=True)
    assert info.value.status_code == 400


def test_embed_sync(real_client: Client) -> None:
    result = real_client.embed(EMBED, ["Hello", "hello", "other text"])
    first, second, third = result.embeddings
    assert len(first) == 64 and math.isclose(math.fsum(x * x for x in first), 1.0, rel_tol=1e-4)
    assert first == second and first != third
    legacy = real_client.embeddings(EMBED, "hello")
    assert len(legacy.embedding) == 64
    with pytest.raises(ollama_lite.ResponseError, match="exceeds maximum context length"):
        real_client.embed(EMBED, "ab " * 400, truncate=False)
    assert len(real_client.embed(EMBED, "ab " * 400).embeddings[0]) == 64


def test_blob_create_copy_delete_sync(real_client: Client, tmp_path: Path) -> None:
    tiny = pytest.importorskip("ollama_lite.testing.tiny_models")
    path = tiny.write_chat_model(tmp_path / "m.gguf", reply="Goodbye now")
    digest = real_client.create_blob(path)
    assert real_client.blob_exists(digest)
    assert not real_client.blob_exists("sha256:" + "0" * 64)
    name, copy = f"t-{uuid.uuid4().hex[:8]}", f"c-{uuid.uuid4().hex[:8]}"
    template = tiny.chat_template(thinking=False)
    done = real_client.create(name, files={"model.gguf": digest}, template=template)
    assert done.status == "success"
    try:
        assert real_client.chat(name, HI).message.content == "Goodbye now"
        real_client.copy(name, copy)
        assert real_client.generate(copy, "x").response == "Goodbye now"
        derived = list(
            real_client.create(f"{name}-sys", from_=name, system="Be brief", stream=True)
        )
        assert derived[-1].status == "success"
        assert real_client.show(f"{name}-sys").system == "Be brief"
    finally:
        for model in (name, copy, f"{name}-sys"):
            real_client.delete(model)
    with pytest.raises(ollama_lite.ModelNotFoundError):
        real_client.delete(name)


def test_unknown_model_is_typed(real_client: Client) -> None:
    with pytest.raises(ollama_lite.ModelNotFoundError, match="try pulling it first"):
        real_client.chat("no-such-model", HI)
    with pytest.raises(ollama_lite.ModelNotFoundError):
        list(real_client.chat("no-such-model", HI, stream=True))
    with pytest.raises(ollama_lite.ModelNotFoundError):
        real_client.embed("no-such-model", "x")


@pytest.mark.anyio
async def test_every_inference_endpoint_async(real_host: str) -> None:
    async with AsyncClient(real_host, max_retries=0) as client:
        assert (await client.version()).version
        assert (await client.chat(CHAT, HI)).message.content == REPLY
        parts = [p.message.content async for p in await client.chat(CHAT, HI, stream=True)]
        assert "".join(parts) == REPLY
        assert (await client.generate(CHAT, "hi")).response == REPLY
        gen = [p.response async for p in await client.generate(CHAT, "hi", stream=True)]
        assert "".join(gen) == REPLY
        thought = await client.chat(THINKER, HI, think=True, stream=True)
        thinking = "".join([p.message.thinking or "" async for p in thought])
        assert thinking == THINKING
        called = await client.chat(CHAT, HI, tools=[WEATHER_TOOL])
        assert called.message.tool_calls and called.message.tool_calls[0].function.name
        vectors = (await client.embed(EMBED, ["a", "b"])).embeddings
        assert len(vectors) == 2 and len(vectors[0]) == 64
        assert len((await client.embeddings(EMBED, "a")).embedding) == 64
        with pytest.raises(ollama_lite.ModelNotFoundError):
            await client.generate("no-such-model", "x")


@pytest.mark.anyio
async def test_every_management_endpoint_async(real_host: str, tmp_path: Path) -> None:
    async with AsyncClient(real_host, max_retries=0) as client:
        assert any(m.model == f"{CHAT}:latest" for m in (await client.list()).models)
        assert (await client.show(EMBED)).capabilities == ["embedding"]
        await client.chat(CHAT, HI)
        assert (await client.ps()).models
        name = f"a-{uuid.uuid4().hex[:8]}"
        assert (await client.create(name, from_=CHAT, system="hi")).status == "success"
        try:
            await client.copy(name, f"{name}-copy")
            assert (await client.show(f"{name}-copy")).system == "hi"
        finally:
            await client.delete(name)
            await client.delete(f"{name}-copy")
        assert not await client.blob_exists("sha256:" + "1" * 64)
        blob = tmp_path / "blob.bin"
        blob.write_bytes(uuid.uuid4().bytes)
        assert await client.blob_exists(await client.create_blob(blob))
        with pytest.raises(ollama_lite.ResponseError, match="connection refused"):
            await client.pull("tinyllama")
        with pytest.raises(ollama_lite.StreamError, match="connection refused"):
            async for _ in await client.push(CHAT, stream=True):
                pass
