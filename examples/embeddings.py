"""Embeddings and cosine similarity: find the sentence closest to a query."""

from __future__ import annotations

import math

from _connect import EMBED_MODEL, ollama_host

import ollama_lite

DOCUMENTS = [
    "Llamas are members of the camelid family.",
    "The stock market closed higher on Friday.",
    "Alpacas and llamas are domesticated in the Andes.",
]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


with ollama_host() as host, ollama_lite.Client(host) as client:
    vectors = client.embed(EMBED_MODEL, DOCUMENTS).embeddings
    query = client.embed(EMBED_MODEL, "Which animals live in South America?").embeddings[0]
    ranked = sorted(zip(DOCUMENTS, vectors, strict=True), key=lambda d: -cosine(query, d[1]))
    for text, vector in ranked:
        print(f"{cosine(query, vector):+.3f}  {text}")
