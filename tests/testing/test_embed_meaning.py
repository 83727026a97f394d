"""The fake's embeddings carry meaning: shared words bring vectors closer, deterministically."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import httpx
import pytest

import ollama_lite
from ollama_lite.testing import FakeModel, FakeOllama
from ollama_lite.testing._embeddings import EmbeddingCache

DOCUMENTS = [
    "Llamas are domesticated South American camelids, kept by Andean farmers for wool.",
    "Quarterly revenue grew by twelve percent, driven by strong cloud sales.",
    "The cat sat on the mat and purred at the fire.",
    "Python is a programming language that lets you work quickly.",
    "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris.",
    "Bake the bread at two hundred degrees for forty minutes.",
]
QUERY = "What do llamas eat?"


def cosine(a: list[float], b: list[float]) -> float:
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(math.fsum(x * x for x in a) * math.fsum(y * y for y in b))


def vectors(client: ollama_lite.Client, texts: list[str], model: str) -> list[list[float]]:
    return [list(v) for v in client.embed(model, texts).embeddings]


@pytest.fixture
def lite(fake: FakeOllama) -> Iterator[ollama_lite.Client]:
    with ollama_lite.Client(fake.url) as client:
        yield client


@pytest.mark.parametrize("model", ["nomic-embed-text", "all-minilm", "llama3.2"])
def test_the_query_about_llamas_retrieves_the_llama_document(
    lite: ollama_lite.Client, model: str
) -> None:
    query, *docs = vectors(lite, [QUERY, *DOCUMENTS], model)
    scores = [cosine(query, doc) for doc in docs]
    best = max(range(len(docs)), key=scores.__getitem__)
    assert best == 0, scores
    assert scores[0] > max(scores[1:]) + 0.05, scores


def test_texts_sharing_words_are_closer(lite: ollama_lite.Client) -> None:
    base, shared, stems, other = vectors(
        lite,
        [
            "llamas graze in the high Andes",
            "a llama farm in the Andes",
            "the llama grazing",
            "quarterly revenue report",
        ],
        "nomic-embed-text",
    )
    assert cosine(base, shared) > cosine(base, other) + 0.1
    assert cosine(base, stems) > cosine(base, other) + 0.1
    assert abs(cosine(base, other)) < 0.2


def test_one_word_forms_and_neighbours(lite: ollama_lite.Client) -> None:
    llama, llamas, domestic, domesticated, beta = vectors(
        lite, ["llama", "Llamas!", "domestic", "domesticated", "beta"], "nomic-embed-text"
    )
    assert cosine(llama, llamas) > 0.999  # one stem: plural, case and punctuation ignored
    assert cosine(domestic, domesticated) > 0.3  # shared character trigrams
    assert abs(cosine(llama, beta)) < 0.2


def test_a_bag_of_words_ignores_order_and_case(lite: ollama_lite.Client) -> None:
    a, b, c = vectors(
        lite, ["dog bites man", "Man bites dog.", "man bites dog twice"], "nomic-embed-text"
    )
    assert a == b and a != c


def test_vectors_stay_unit_length_and_deterministic_across_servers(
    lite: ollama_lite.Client,
) -> None:
    texts = [QUERY, "", " ", "!!!", "x" * 5000, "the a an", "日本語のテキスト"]
    texts.remove("")  # an empty string is refused by the client before sending
    first = vectors(lite, texts, "nomic-embed-text")
    assert all(abs(math.sqrt(math.fsum(x * x for x in v)) - 1) < 1e-6 for v in first)
    with FakeOllama() as other, ollama_lite.Client(other.url) as client:
        assert vectors(client, texts, "nomic-embed-text") == first
    assert vectors(lite, texts, "all-minilm")[0][:10] != first[0][:10]  # one space per model


def test_legacy_embeddings_point_the_same_way_unnormalised(lite: ollama_lite.Client) -> None:
    legacy = list(lite.embeddings("nomic-embed-text", QUERY).embedding)
    current = vectors(lite, [QUERY], "nomic-embed-text")[0]
    norm = math.sqrt(math.fsum(x * x for x in legacy))
    assert abs(norm - 1) > 1
    assert max(abs(x / norm - y) for x, y in zip(legacy, current, strict=True)) < 1e-5


def test_a_large_batch_stays_fast() -> None:
    # 256 x 1024 measured at ~10 ms here; the bound is generous for a loaded machine.
    cache = EmbeddingCache()
    texts = [f"document {i} about topic {i % 17} and llamas number {i * 7}" for i in range(256)]
    started = time.perf_counter()
    rendered = [cache.get("bench-embed", text, 1024) for text in texts]
    assert time.perf_counter() - started < 2.0
    assert len(rendered) == 256 and len(set(rendered)) == 256
    bench = FakeModel("bench-embed", capabilities=("embedding",), embedding_dim=1024)
    with FakeOllama(models=[bench]) as server, httpx.Client(base_url=server.url) as client:
        body = client.post("/api/embed", json={"model": "bench-embed", "input": texts}).json()
    decoded = [",".join(f"{x:.8f}" for x in v) for v in body["embeddings"][:2]]
    expected = [r.decode().replace(" ", "") for r in rendered[:2]]
    assert decoded == expected
