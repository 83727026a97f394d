"""End to end: every endpoint through a real HTTP connection to the fake Ollama on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import anyio
import msgspec
import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client

testing = pytest.importorskip("ollama_lite.testing")
FakeOllama, Fault = testing.FakeOllama, testing.Fault

HI = [{"role": "user", "content": "Say hello to the tests"}]


@pytest.fixture
def client(fake: object) -> Iterator[Client]:
    with Client(fake.url, max_retries=0) as c:  # type: ignore[attr-defined]
        yield c


def test_version_list_show_ps(client: Client) -> None:
    assert client.version().version
    names = {m.model for m in client.list().models}
    assert {"llama3.2:latest", "nomic-embed-text:latest"} <= names
    show = client.show("llama3.2")
    assert "tools" in (show.capabilities or [])
    assert show["model_info"] is show.modelinfo and show.details is not None
    client.chat("llama3.2", HI)
    assert any(m.model.startswith("llama3.2") for m in client.ps().models)


def test_chat_unary_and_stream_agree(client: Client) -> None:
    whole = client.chat("llama3.2", HI, options={"seed": 1})
    assert whole.done and whole.done_reason == "stop" and whole.message.content
    assert whole.eval_count and whole.total_duration
    parts = list(client.chat("llama3.2", HI, stream=True, options={"seed": 1}))
    assert len(parts) > 2 and parts[-1].done and not any(p.done for p in parts[:-1])
    assert "".join(p.message.content or "" for p in parts) == whole.message.content


def test_generate_stream_with_context_and_load(client: Client) -> None:
    parts = list(client.generate("llama3.2", "Write a haiku", stream=True))
    assert parts[-1].done and parts[-1].context
    assert "".join(p.response for p in parts).strip()
    loaded = client.generate("llama3.2")
    assert loaded.done_reason == "load"
    unloaded = client.generate("llama3.2", keep_alive=0)
    assert unloaded.done_reason == "unload"


def test_num_predict_cuts_with_length(client: Client) -> None:
    reply = client.chat("llama3.2", HI, options={"num_predict": 2})
    assert reply.done_reason == "length" and reply.eval_count == 2


def test_thinking(client: Client) -> None:
    reply = client.chat("qwen3", HI, think=True)
    assert reply.message.thinking and reply.message.content
    assert client.chat("qwen3", HI, think=False).message.thinking is None
    with pytest.raises(ollama_lite.ResponseError, match="does not support thinking"):
        client.chat("llama3.2", HI, think="high")


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> str:
    """Current weather.

    Args:
        city: City name.
        unit: Temperature unit.
    """
    return f"{city}: 20 {unit}"


def test_tool_call_round_trip(client: Client) -> None:
    messages: list[object] = [{"role": "user", "content": "Weather in Oslo?"}]
    reply = client.chat("llama3.2", messages, tools=[get_weather])  # type: ignore[arg-type]
    calls = reply.message.tool_calls or []
    assert len(calls) == 1 and calls[0].function.name == "get_weather"
    assert calls[0].id and calls[0].function.index == 0
    arguments = calls[0].function.arguments
    assert isinstance(arguments["city"], str) and arguments.get("unit", "celsius") in (
        "celsius",
        "fahrenheit",
    )
    messages += [
        reply.message,
        {
            "role": "tool",
            "content": get_weather(**arguments),
            "tool_name": "get_weather",
            "tool_call_id": calls[0].id,
        },
    ]
    final = client.chat("llama3.2", messages, tools=[get_weather])  # type: ignore[arg-type]
    assert final.message.content and not final.message.tool_calls


@dataclass
class City:
    name: str
    population: int
    tags: list[str]


class Planet(msgspec.Struct):
    name: str
    moons: int


def test_structured_output_into_types(client: Client) -> None:
    city = ollama_lite.parse(City, client.chat("llama3.2", HI, format=City))
    assert isinstance(city, City) and isinstance(city.population, int)
    planet = ollama_lite.parse(Planet, client.generate("llama3.2", "Mars", format=Planet))
    assert isinstance(planet, Planet) and isinstance(planet.moons, int)
    assert isinstance(
        msgspec.json.decode(client.chat("llama3.2", HI, format="json").message.content or ""), dict
    )


def test_embed_and_legacy_embeddings(client: Client) -> None:
    result = client.embed("nomic-embed-text", ["a", "b", "a"])
    assert len(result.embeddings) == 3 and len(result.embeddings[0]) == 768
    assert result.embeddings[0] == result.embeddings[2]
    assert math.isclose(sum(x * x for x in result.embeddings[1]), 1.0, rel_tol=1e-6)
    short = client.embed("nomic-embed-text", "a", dimensions=64)
    assert len(short.embeddings[0]) == 64
    assert len(client.embeddings("nomic-embed-text", "a").embedding) == 768
    with pytest.raises(ollama_lite.ResponseError, match="does not support"):
        client.chat("nomic-embed-text", HI)


def test_model_management_lifecycle(client: Client, tmp_path: Path) -> None:
    progress = list(client.pull("all-minilm", stream=True))
    assert progress[-1].status == "success"
    assert any(p.digest and p.total for p in progress)
    assert client.create("my-assistant", from_="llama3.2", system="Be brief.").status == "success"
    assert client.copy("my-assistant", "me/my-assistant").status == "success"
    names = {m.model for m in client.list().models}
    assert {"my-assistant:latest", "me/my-assistant:latest"} <= names
    assert client.push("me/my-assistant").status == "success"
    assert client.delete("me/my-assistant").status == "success"
    with pytest.raises(ollama_lite.ModelNotFoundError):
        client.show("me/my-assistant")
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF" + bytes(range(256)) * 64)
    digest = client.create_blob(gguf)
    assert digest == "sha256:" + hashlib.sha256(gguf.read_bytes()).hexdigest()
    assert client.blob_exists(digest)
    created = list(client.create("from-blob", files={"model.gguf": digest}, stream=True))
    assert created[-1].status == "success"
    assert "from-blob:latest" in {m.model for m in client.list().models}


def test_unknown_model_is_model_not_found(client: Client) -> None:
    with pytest.raises(ollama_lite.ModelNotFoundError) as info:
        client.chat("no-such-model", HI)
    assert info.value.status_code == 404


def test_abandoned_stream_frees_the_server(fake: object, client: Client) -> None:
    fake.inject(Fault.endless(0.01))  # type: ignore[attr-defined]
    with client.chat("llama3.2", HI, stream=True) as stream:
        for i, _ in enumerate(stream):
            if i == 3:
                break
    assert fake.wait_for_cancelled_streams(1)  # type: ignore[attr-defined]
    # The next request on the same client works.
    assert client.chat("llama3.2", HI).done


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (lambda: Fault.disconnect(after=2), ollama_lite.StreamInterrupted),
        (lambda: Fault.error_line(after=2), ollama_lite.StreamError),
        (lambda: Fault.malformed_line(after=2), ollama_lite.InvalidResponseError),
    ],
)
def test_stream_faults_are_typed_and_leave_no_connection(
    fake: object, fault: object, error: type[Exception]
) -> None:
    with Client(fake.url, max_retries=0) as client:  # type: ignore[attr-defined]
        fake.inject(fault())  # type: ignore[attr-defined,operator]
        received = []
        with pytest.raises(error):
            for part in client.chat("llama3.2", HI, stream=True):
                received.append(part)
        assert len(received) == 2
        assert client.chat("llama3.2", HI).done
    assert fake.wait_for_connections(0)  # type: ignore[attr-defined]


def test_busy_server_is_retried(fake: object) -> None:
    fake.inject(Fault.busy(retry_after=0), times=2)  # type: ignore[attr-defined]
    with Client(fake.url, max_retries=2) as client:  # type: ignore[attr-defined]
        assert client.chat("llama3.2", HI).done
    assert len([r for r in fake.requests if r.path == "/api/chat"]) == 3  # type: ignore[attr-defined]


def test_read_timeout_on_a_silent_server(fake: object) -> None:
    fake.inject(Fault.delay(2.0))  # type: ignore[attr-defined]
    client = Client(fake.url, timeout=0.3, max_retries=0)  # type: ignore[attr-defined]
    with client, pytest.raises(ollama_lite.TimeoutError):
        client.chat("llama3.2", HI)


def test_module_functions_and_env_host(fake: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import ollama_lite._default as default

    monkeypatch.setattr(default, "_client", None)
    monkeypatch.setenv("OLLAMA_HOST", fake.url)  # type: ignore[attr-defined]
    try:
        assert ollama_lite.chat("llama3.2", HI)["message"]["content"]
        assert "llama3.2:latest" in {m["model"] for m in ollama_lite.list()["models"]}
    finally:
        if default._client is not None:
            default._client.close()
        monkeypatch.setattr(default, "_client", None)


@pytest.mark.anyio
async def test_async_endpoints(fake: object) -> None:
    async with AsyncClient(fake.url) as client:  # type: ignore[attr-defined]
        reply = await client.chat("llama3.2", HI)
        parts = [p async for p in await client.chat("llama3.2", HI, stream=True)]
        assert "".join(p.message.content or "" for p in parts) == reply.message.content
        assert (await client.embed("all-minilm", ["x"])).embeddings[0]
        assert (await client.list()).models
        async with await client.pull("all-minilm", stream=True) as progress:
            statuses = [p.status async for p in progress]
        assert statuses[-1] == "success"


@pytest.mark.anyio
async def test_async_concurrent_requests_share_one_client(fake: object) -> None:
    results: list[str] = []
    async with AsyncClient(fake.url) as client:  # type: ignore[attr-defined]

        async def one(i: int) -> None:
            reply = await client.chat("llama3.2", [{"role": "user", "content": f"n{i}"}])
            results.append(reply.message.content or "")

        async with anyio.create_task_group() as group:
            for i in range(32):
                group.start_soon(one, i)
    assert len(results) == 32 and all(results)


@pytest.mark.anyio
async def test_async_cancellation_mid_stream_reaches_the_server(fake: object) -> None:
    fake.inject(Fault.endless(0.01))  # type: ignore[attr-defined]
    async with AsyncClient(fake.url) as client:  # type: ignore[attr-defined]
        with anyio.move_on_after(0.3):
            async for _ in await client.chat("llama3.2", HI, stream=True):
                pass
        ok = await anyio.to_thread.run_sync(fake.wait_for_cancelled_streams, 1)  # type: ignore[attr-defined]
        assert ok
        assert (await client.chat("llama3.2", HI)).done


def test_one_async_client_across_event_loops(fake: object) -> None:
    client = AsyncClient(fake.url)  # type: ignore[attr-defined]

    async def ask() -> str:
        return (await client.chat("llama3.2", HI)).message.content or ""

    first = asyncio.run(ask())
    assert asyncio.run(ask()) == first
    assert anyio.run(ask, backend="trio") == first
    assert asyncio.run(ask()) == first
