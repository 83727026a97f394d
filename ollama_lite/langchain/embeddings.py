"""`OllamaEmbeddings`: LangChain embeddings on `ollama_lite`, a drop-in for langchain-ollama's."""

from __future__ import annotations

import functools

import anyio
from langchain_core.embeddings import Embeddings
from pydantic import ConfigDict, Field, field_validator

from ._client import ClientSettings
from ._concurrency import run_concurrently
from ._options import EmbeddingOptions
from ._request import embed_args

__all__ = ["OllamaEmbeddings"]


class OllamaEmbeddings(ClientSettings, EmbeddingOptions, Embeddings):
    """Ollama embeddings (`/api/embed`): langchain-ollama's `OllamaEmbeddings` on ollama_lite.

    ```
    from ollama_lite.langchain import OllamaEmbeddings

    emb = OllamaEmbeddings(model="nomic-embed-text")
    vectors = emb.embed_documents(["first text", "second text"])
    ```

    Large inputs are sent `batch_size` texts per request; the async methods keep up to
    `max_concurrency` requests in flight. Vectors come back in input order.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, protected_namespaces=())

    model: str
    """Name of the Ollama embedding model, e.g. `nomic-embed-text`."""

    dimensions: int | None = None
    """Truncate the vectors to this many dimensions (models that support it)."""

    truncate: bool | None = None
    """Cut inputs longer than the context (server default: True); False makes them errors."""

    keep_alive: int | str | None = None
    """How long the model stays loaded after a request: seconds or a duration like "10m"."""

    batch_size: int = Field(default=512, ge=1)
    """Texts per request."""

    max_concurrency: int = Field(default=4, ge=1)
    """Requests in flight at once on the async path."""

    @field_validator("dimensions")
    @classmethod
    def _validate_dimensions(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError("`dimensions` must be a positive integer.")
        return value

    def _batches(self, texts: list[str]) -> list[list[str]]:
        size = self.batch_size
        return [texts[i : i + size] for i in range(0, len(texts), size)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts: one vector each, in order."""
        if not texts:
            return []
        args = embed_args(self)
        client = self._sync_client()
        vectors: list[list[float]] = []
        for batch in self._batches(list(texts)):
            vectors.extend(client.embed(input=batch, **args).embeddings)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one text."""
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts: one vector each, in order; batches run concurrently."""
        if not texts:
            return []
        args = embed_args(self)
        client = self._async_client()
        batches = self._batches(list(texts))
        if len(batches) == 1:
            return (await client.embed(input=batches[0], **args)).embeddings
        results: list[list[list[float]]] = [[] for _ in batches]
        limiter = anyio.CapacityLimiter(self.max_concurrency)

        async def one(index: int, batch: list[str]) -> None:
            async with limiter:
                results[index] = (await client.embed(input=batch, **args)).embeddings

        await run_concurrently(
            [functools.partial(one, index, batch) for index, batch in enumerate(batches)]
        )
        return [vector for result in results for vector in result]

    async def aembed_query(self, text: str) -> list[float]:
        """Embed one text."""
        return (await self.aembed_documents([text]))[0]
