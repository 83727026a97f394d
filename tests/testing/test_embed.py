"""/api/embed and the legacy /api/embeddings."""

from __future__ import annotations

import math

import httpx
import pytest

from ollama_lite.testing import FakeModel, FakeOllama


def embed(client: httpx.Client, **body: object) -> httpx.Response:
    body.setdefault("model", "nomic-embed-text")
    return client.post("/api/embed", json=body)


def norm(vector: list[float]) -> float:
    return math.sqrt(math.fsum(x * x for x in vector))


def test_vectors_are_normalised_deterministic_and_distinct(client: httpx.Client) -> None:
    r = embed(client, input=["alpha", "beta", "alpha"])
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    body = r.json()
    assert body["model"] == "nomic-embed-text"
    first, second, third = body["embeddings"]
    assert len(first) == 768 and first == third and first != second
    assert all(abs(norm(v) - 1) < 1e-6 for v in body["embeddings"])
    assert body["prompt_eval_count"] == 3 and body["total_duration"] > 0
    assert embed(client, input="alpha").json()["embeddings"] == [first]
    minilm = embed(client, model="all-minilm", input="alpha").json()["embeddings"][0]
    assert len(minilm) == 384


def test_dimensions_truncate_then_renormalise(client: httpx.Client) -> None:
    full = embed(client, input="gamma").json()["embeddings"][0]
    short = embed(client, input="gamma", dimensions=64).json()["embeddings"][0]
    assert len(short) == 64 and abs(norm(short) - 1) < 1e-6
    scale = norm(full[:64])
    assert all(abs(s - f / scale) < 1e-6 for s, f in zip(short, full[:64], strict=True))
    assert len(embed(client, input="gamma", dimensions=5000).json()["embeddings"][0]) == 768


def test_truncate(client: httpx.Client) -> None:
    long_text = " ".join(["word"] * 600)  # all-minilm has a 512-token context
    ok = embed(client, model="all-minilm", input=long_text).json()
    assert ok["prompt_eval_count"] == 512
    trimmed = embed(client, model="all-minilm", input=" ".join(["word"] * 512)).json()
    assert ok["embeddings"] == trimmed["embeddings"]
    r = embed(client, model="all-minilm", input=long_text, truncate=False)
    assert (r.status_code, r.json()) == (
        400,
        {"error": "the input length exceeds the context length"},
    )
    r = embed(client, input=" ".join(["w"] * 100), truncate=False, options={"num_ctx": 50})
    assert r.status_code == 400


@pytest.mark.parametrize("value", [["a", 1], [None], 5, {"a": "b"}])
def test_input_items_must_be_strings(client: httpx.Client, value: object) -> None:
    r = embed(client, input=value)
    assert (r.status_code, r.json()) == (400, {"error": "invalid input type"})


@pytest.mark.parametrize("value", ["", []])
def test_empty_input_loads_the_model(fake: FakeOllama, client: httpx.Client, value: object) -> None:
    assert embed(client, input=value).json() == {"model": "nomic-embed-text", "embeddings": []}
    assert "nomic-embed-text:latest" in fake.loaded_models


def test_chat_models_embed_too(client: httpx.Client) -> None:
    vector = embed(client, model="llama3.2", input="x").json()["embeddings"][0]
    assert len(vector) == 3072


def test_legacy_embeddings_are_single_unnormalised_vectors(client: httpx.Client) -> None:
    r = client.post("/api/embeddings", json={"model": "nomic-embed-text", "prompt": "alpha"})
    vector = r.json()["embedding"]
    assert set(r.json()) == {"embedding"} and len(vector) == 768
    assert abs(norm(vector) - 1) > 0.1
    again = client.post("/api/embeddings", json={"model": "nomic-embed-text", "prompt": "alpha"})
    assert again.json()["embedding"] == vector
    empty = client.post("/api/embeddings", json={"model": "nomic-embed-text"})
    assert empty.json() == {"embedding": []}


def test_configurable_dimensions() -> None:
    bench = FakeModel("bench-embed", capabilities=("embedding",), embedding_dim=1024)
    with (
        FakeOllama(embedding_dim=256, models=[bench]) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        sizes = {
            model: len(embed(client, model=model, input="x").json()["embeddings"][0])
            for model in ("nomic-embed-text", "all-minilm", "bench-embed")
        }
        assert sizes == {"nomic-embed-text": 256, "all-minilm": 256, "bench-embed": 1024}
        batch = embed(client, model="bench-embed", input=[f"doc {i}" for i in range(256)])
        vectors = batch.json()["embeddings"]
        assert len(vectors) == 256 and all(len(v) == 1024 for v in vectors)
        assert abs(norm(vectors[-1]) - 1) < 1e-6
