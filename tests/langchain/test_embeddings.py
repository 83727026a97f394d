"""OllamaEmbeddings: /api/embed bodies, batching, concurrency and validation."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest
import respx
from pydantic import ValidationError

import ollama_lite
from ollama_lite import RequestError
from ollama_lite.langchain import OllamaEmbeddings
from ollama_lite.testing import FakeOllama

from ._util import body


def _vectors(request: httpx.Request) -> httpx.Response:
    """One vector per input, [index of the text's first char code, length]."""
    texts = json.loads(request.content)["input"]
    return httpx.Response(
        200, json={"model": "e", "embeddings": [[float(ord(t[0])), float(len(t))] for t in texts]}
    )


@pytest.fixture
def embed(ollama: respx.MockRouter) -> respx.Route:
    return ollama.post("/api/embed").mock(side_effect=_vectors)


def test_documents_and_query(embed: respx.Route) -> None:
    emb = OllamaEmbeddings(model="nomic-embed-text")
    assert emb.embed_documents(["a", "bb"]) == [[97.0, 1.0], [98.0, 2.0]]
    assert body(embed) == {"model": "nomic-embed-text", "input": ["a", "bb"]}
    assert emb.embed_query("ccc") == [99.0, 3.0]
    assert body(embed) == {"model": "nomic-embed-text", "input": ["ccc"]}
    assert emb.embed_documents([]) == []
    assert embed.call_count == 2


def test_every_field_on_the_wire(embed: respx.Route) -> None:
    OllamaEmbeddings(
        model="m",
        dimensions=256,
        truncate=False,
        keep_alive="10m",
        num_ctx=100,
        temperature=0.0,
        stop=["x"],
        mirostat=1,
        top_k=3,
        top_p=0.5,
    ).embed_query("a")
    assert body(embed) == {
        "model": "m",
        "input": ["a"],
        "truncate": False,
        "dimensions": 256,
        "keep_alive": "10m",
        "options": {
            "num_ctx": 100,
            "top_k": 3,
            "top_p": 0.5,
            "temperature": 0.0,
            "stop": ["x"],
            "mirostat": 1,
        },
    }


def test_large_inputs_are_batched_in_order(embed: respx.Route) -> None:
    texts = [chr(65 + i) * (i + 1) for i in range(7)]
    vectors = OllamaEmbeddings(model="m", batch_size=3).embed_documents(texts)
    assert vectors == [[65.0 + i, i + 1.0] for i in range(7)]
    assert [len(body(embed, i)["input"]) for i in range(3)] == [3, 3, 1]


@pytest.mark.anyio
async def test_async_batches_run_concurrently_with_a_limit(ollama: respx.MockRouter) -> None:
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.02)
        in_flight -= 1
        return _vectors(request)

    route = ollama.post("/api/embed").mock(side_effect=slow)
    emb = OllamaEmbeddings(model="m", batch_size=2, max_concurrency=3, keep_alive=5, num_ctx=8)
    texts = [chr(65 + i) for i in range(11)]
    vectors = await emb.aembed_documents(texts)
    assert vectors == [[65.0 + i, 1.0] for i in range(11)]
    assert route.call_count == 6
    assert peak == 3
    sync_emb_body = {"model": "m", "keep_alive": 5, "options": {"num_ctx": 8}}
    for call in route.calls:
        sent = json.loads(call.request.content)
        assert {k: v for k, v in sent.items() if k != "input"} == sync_emb_body
    assert await emb.aembed_query("Z") == [90.0, 1.0]
    assert await emb.aembed_documents([]) == []


@pytest.mark.anyio
async def test_async_sends_the_same_options_as_sync(embed: respx.Route) -> None:
    emb = OllamaEmbeddings(model="m", dimensions=8, truncate=True, keep_alive="1h", top_k=2)
    emb.embed_documents(["a"])
    sync_body = body(embed)
    await emb.aembed_documents(["a"])
    assert body(embed) == sync_body


def test_validation() -> None:
    with pytest.raises(ValidationError, match="`dimensions` must be a positive integer"):
        OllamaEmbeddings(model="m", dimensions=0)
    with pytest.raises(ValidationError, match="extra"):
        OllamaEmbeddings(model="m", not_a_field=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        OllamaEmbeddings(model="m", batch_size=0)


def test_bad_keep_alive_fails_before_sending(embed: respx.Route) -> None:
    with pytest.raises(RequestError, match="keep_alive"):
        OllamaEmbeddings(model="m", keep_alive="five minutes").embed_query("a")
    assert not embed.called


@pytest.mark.anyio
async def test_concurrent_embedding_failure_is_the_error_itself(fake: FakeOllama) -> None:
    embeddings = OllamaEmbeddings(model="no-such-model", base_url=fake.url, batch_size=1)
    with pytest.raises(ollama_lite.ResponseError):
        await embeddings.aembed_documents(["a", "b", "c"])
