"""A drop-in for the deprecated `langchain_community.embeddings.OllamaEmbeddings`.

```
# before: from langchain_community.embeddings import OllamaEmbeddings
from ollama_lite.langchain.community import OllamaEmbeddings

emb = OllamaEmbeddings(model="nomic-embed-text")
vectors = emb.embed_documents(["first text", "second text"])
```

Same constructor, same defaults, same requests (the legacy `/api/embeddings`, one text per
request, `embed_instruction`/`query_instruction` prefixed, the same options and headers), so
the same raw (not normalised) vectors; but up to `max_concurrency` requests in flight, sync
and async, results in input order. For the current `/api/embed` behaviour (batched,
normalised, no prefixes) use `ollama_lite.langchain.OllamaEmbeddings` instead.
"""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import ConfigDict, Field, PrivateAttr, model_validator
from typing_extensions import Self

from ollama_lite import AsyncClient, Client, OllamaError, RequestError, ResponseError

from ._client import DEFAULT_TIMEOUT, _Clients, check_base_url
from ._concurrency import map_bounded
from ._options import EMBEDDING_FIELDS, EmbeddingOptions, field_options

__all__ = ["OllamaEmbeddings"]

_PROGRESS_EXTRA = (
    'show_progress=True needs tqdm: pip install "ollama-lite[progress]" (or pip install tqdm)'
)


class OllamaEmbeddings(EmbeddingOptions, Embeddings):
    """`langchain_community.embeddings.OllamaEmbeddings` on ollama_lite: same constructor,
    same requests and vectors, several requests in flight.

    Errors are ValueErrors with the community class's messages ("Error raised by inference
    API HTTP code: ...", "Error raised by inference endpoint: ..."), caused by ollama_lite's
    typed exception.
    """

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    base_url: str = "http://localhost:11434"
    """Base url the model is hosted under (`OLLAMA_HOST` is not read, as before)."""

    model: str = "llama2"
    """Model name to use."""

    embed_instruction: str = "passage: "
    """Instruction used to embed documents (prefixed to each text)."""

    query_instruction: str = "query: "
    """Instruction used to embed the query (prefixed to it)."""

    show_progress: bool = False
    """Show a tqdm progress bar (needs the `progress` extra)."""

    headers: dict[str, str] | None = None
    """Additional headers for every request (e.g. Authorization, Referer)."""

    model_kwargs: dict[str, Any] | None = None
    """Accepted for compatibility; like the community class, never sent (a warning says so)."""

    max_concurrency: int = Field(default=4, ge=1)
    """Requests in flight at once (this class's one addition to the constructor)."""

    _clients: _Clients = PrivateAttr(default_factory=_Clients)

    @model_validator(mode="after")
    def _check_settings(self) -> Self:
        check_base_url(self.base_url)
        if self.show_progress:
            _tqdm()
        if self.model_kwargs:
            warnings.warn(
                "model_kwargs are not sent to the server (nor were they by "
                "langchain_community's OllamaEmbeddings); set options as fields instead, "
                "e.g. OllamaEmbeddings(num_ctx=4096).",
                UserWarning,
                stacklevel=2,
            )
        return self

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._clients = _Clients()
        return copied

    @property
    def _default_params(self) -> dict[str, Any]:
        """The model and every option (unset ones as None), as the community class has them."""
        return {
            "model": self.model,
            "options": {name: getattr(self, name) for name in EMBEDDING_FIELDS},
        }

    @property
    def _identifying_params(self) -> Mapping[str, Any]:
        return {"model": self.model, **self._default_params}

    # --- clients -----------------------------------------------------------------------------

    def _client_options(self) -> dict[str, Any]:
        # No retries and no OLLAMA_API_KEY (api_key=""): the same requests as before.
        return {
            "headers": self.headers,
            "timeout": DEFAULT_TIMEOUT,
            "max_retries": 0,
            "api_key": "",
        }

    def _sync_client(self) -> Client:
        return self._clients.get_sync(lambda: Client(self.base_url, **self._client_options()))

    def _async_client(self) -> AsyncClient:
        return self._clients.get_async(lambda: AsyncClient(self.base_url, **self._client_options()))

    def close(self) -> None:
        """Close the sync client's connections (a later call opens new ones)."""
        self._clients.close_sync()

    async def aclose(self) -> None:
        """Close the async client of the current event loop, and the sync client."""
        await self._clients.close_async()
        self._clients.close_sync()

    # --- embedding ---------------------------------------------------------------------------

    def _options(self) -> dict[str, Any]:
        return field_options(self, EMBEDDING_FIELDS)

    @contextmanager
    def _progress(self, total: int) -> Iterator[Callable[[], None] | None]:
        if not self.show_progress:
            yield None
            return
        with _tqdm()(total=total, desc="OllamaEmbeddings") as bar:
            yield lambda: bar.update(1)

    def _embed(self, prompts: list[str]) -> list[list[float]]:
        if not prompts:
            return []
        client, options = self._sync_client(), self._options()

        def one(prompt: str) -> list[float]:
            with _community_errors():
                return client.embeddings(model=self.model, prompt=prompt, options=options).embedding

        if len(prompts) == 1 and not self.show_progress:
            return [one(prompts[0])]  # a query: no thread needed
        workers = min(self.max_concurrency, len(prompts))
        with self._progress(len(prompts)) as done, ThreadPoolExecutor(workers) as pool:
            futures: list[Future[list[float]]] = [pool.submit(one, p) for p in prompts]
            try:
                for future in as_completed(futures):
                    future.result()
                    if done is not None:
                        done()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return [future.result() for future in futures]

    async def _aembed(self, prompts: list[str]) -> list[list[float]]:
        if not prompts:
            return []
        client, options = self._async_client(), self._options()

        async def one(prompt: str) -> list[float]:
            with _community_errors():
                response = await client.embeddings(model=self.model, prompt=prompt, options=options)
            return response.embedding

        with self._progress(len(prompts)) as done:
            return await map_bounded(one, prompts, self.max_concurrency, done)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents (each prefixed with `embed_instruction`): one vector each, in order."""
        return self._embed([f"{self.embed_instruction}{text}" for text in texts])

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (prefixed with `query_instruction`)."""
        return self._embed([f"{self.query_instruction}{text}"])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents on the event loop: one vector each, in order."""
        return await self._aembed([f"{self.embed_instruction}{text}" for text in texts])

    async def aembed_query(self, text: str) -> list[float]:
        """Embed a query on the event loop."""
        return (await self._aembed([f"{self.query_instruction}{text}"]))[0]


def _tqdm() -> Any:
    """tqdm's progress bar class (an optional dependency: the `progress` extra)."""
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError as exc:
        raise ImportError(_PROGRESS_EXTRA) from exc


@contextmanager
def _community_errors() -> Iterator[None]:
    """ollama_lite's errors as the community class's ValueErrors (cause kept)."""
    try:
        yield
    except RequestError:
        raise  # bad input, found before sending: already a ValueError
    except ResponseError as exc:
        body = json.dumps({"error": exc.error}, separators=(",", ":"))
        raise ValueError(
            f"Error raised by inference API HTTP code: {exc.status_code}, {body}"
        ) from exc
    except OllamaError as exc:
        raise ValueError(f"Error raised by inference endpoint: {exc}") from exc
