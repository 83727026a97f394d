"""A small in-memory vector store: embed documents in batches, retrieve by cosine similarity.

`/api/embed` returns L2-normalised vectors, so the cosine of two of them is their dot product.
Against the bundled fake server the vectors are deterministic and texts that share words get
closer vectors, so retrieval works for the right reason there too (a real embedding model
also matches meaning without shared words).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from _connect import EMBED_MODEL, ollama_host

import ollama_lite


@dataclass
class VectorStore:
    """Texts and their unit vectors; `search` ranks them against a query."""

    client: ollama_lite.Client
    model: str
    batch_size: int = 64
    texts: list[str] = field(default_factory=list)
    vectors: list[list[float]] = field(default_factory=list)

    def add(self, texts: Sequence[str]) -> None:
        """Embed `texts` (in batches of `batch_size`) and store them."""
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            embedded = self.client.embed(self.model, batch).embeddings
            self.texts.extend(batch)
            self.vectors.extend(_unit(vector) for vector in embedded)

    def search(self, query: str, k: int = 3) -> list[tuple[float, str]]:
        """The `k` stored texts most similar to `query`, best first, with their cosine."""
        (target,) = self.client.embed(self.model, query).embeddings
        target = _unit(target)
        scored = [
            (sum(a * b for a, b in zip(target, vector, strict=True)), text)
            for text, vector in zip(self.texts, self.vectors, strict=True)
        ]
        return sorted(scored, key=lambda pair: -pair[0])[:k]


def _unit(vector: list[float]) -> list[float]:
    """The vector scaled to length 1 (a no-op for /api/embed's, kept for other sources)."""
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


DOCUMENTS = [
    "Llamas are members of the camelid family.",
    "Alpacas and llamas are domesticated in the Andes.",
    "The stock market closed higher on Friday.",
    "Central banks raised interest rates again.",
    "Python is a popular programming language.",
    "Rust guarantees memory safety without a garbage collector.",
    "The Andes are the longest continental mountain range.",
    "Camels can go for weeks without drinking water.",
]

with ollama_host() as host, ollama_lite.Client(host) as client:
    store = VectorStore(client, EMBED_MODEL, batch_size=3)
    store.add(DOCUMENTS)
    print(f"stored {len(store.texts)} documents as {len(store.vectors[0])}-d vectors")
    queries = [
        "Where are llamas and alpacas domesticated?",
        "Which programming language is popular?",
        DOCUMENTS[5],  # a stored text is its own best match
    ]
    for query in queries:
        print(f"query: {query}")
        for score, text in store.search(query, k=3):
            print(f"  {score:+.3f}  {text}")
