# Generated from ollama_lite/_async/client.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`Client`: one method per Ollama endpoint.

Each method reads what the request needs from disk (image files, a blob's size), has the
protocol build a `Call`, and hands it to the session (`session.py`), which sends it. The
endpoints live in base classes by theme (`generation.py`, `models.py`, `catalog.py`); the
keyword parameters come from `ollama_lite/types/params.py`, written into each method's
signature by `scripts/gen_signatures.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, overload

import httpx
from typing_extensions import Unpack

from .. import _protocol as protocol
from .._constants import (
    DEFAULT_EMBED_CONCURRENCY,
    DEFAULT_MAX_LINE_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
)
from .._matrix import EmbedMatrix, FloatMatrix, check_dtype, matrix_call
from .._request_options import call_arguments
from ..types import (
    EmbeddingsResponse,
    EmbedResponse,
    SystemOneContent,
    SystemOneQuestion,
    SystemOneResponse,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)
from ..types.params import (
    NOT_GIVEN,
    EmbeddingsParams,
    EmbedManyParams,
    EmbedParams,
    KeepAliveArg,
    NotGiven,
    OptionsArg,
)
from .catalog import CatalogEndpoints
from .embed_many import EmbedBatches, EmbedManyInput, embed_batches
from .generation import GenerationEndpoints
from .models import ModelEndpoints
from .session import Session

__all__ = ["Client"]


class Client(GenerationEndpoints, ModelEndpoints, CatalogEndpoints):
    """A synchronous client for an Ollama server.

    ```
    with Client() as client:
        reply = client.chat("llama3.2", [{"role": "user", "content": "Hi"}])
        print(reply.message.content)
    ```

    `host` defaults to `OLLAMA_HOST`, else `http://127.0.0.1:11434`, parsed as the server
    parses it; `user:password@` in it becomes Basic auth. `api_key` (else `OLLAMA_API_KEY`)
    is sent as a Bearer token unless `headers` has an Authorization. `timeout` is an
    `httpx.Timeout` or seconds; by default connecting may take 10 s and a response may stay
    silent for 600 s (for a stream: between two chunks, model loading included); `None`
    waits forever. `max_retries` retries connection failures and 429/502/503/504 answers
    (never after a response has started). `max_line_bytes` bounds a streamed line and an
    error body, `max_response_bytes` a non-streamed body. Other keywords go to
    `httpx.Client` (`transport`, `verify`, `limits`, `proxy`, ...).
    """

    def __init__(
        self,
        host: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        api_key: str | None = None,
        follow_redirects: bool = True,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        **httpx_kwargs: Any,
    ) -> None:
        self._session = Session(
            host,
            owner=type(self).__name__,
            headers=headers,
            timeout=timeout,
            max_retries=max_retries,
            api_key=api_key,
            follow_redirects=follow_redirects,
            max_line_bytes=max_line_bytes,
            max_response_bytes=max_response_bytes,
            httpx_kwargs=httpx_kwargs,
        )

    @property
    def host(self) -> str:
        """The base URL requests go to (without credentials)."""
        return self._session.host.base_url

    @property
    def http_path(self) -> str:
        """`"wire"` when requests to the host take ollama_lite's own HTTP/1.1 connection
        pool (plain `http://`, no proxy for the host), `"httpx"` when they go through httpx
        (`why_not_wire` says why); for debugging and benchmarks."""
        return self._session.http_path

    @property
    def why_not_wire(self) -> str | None:
        """Why requests to the host go through httpx (None when they do not)."""
        return self._session.why_not_fast

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host!r})"

    def with_options(
        self,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> Client:
        """A copy of this client whose calls use these `timeout`, `max_retries` and
        `headers` (added to the client's), sharing its connection pool.

        `client.with_options(timeout=5).chat(...)`; options given to a call still win.
        Closing the copy closes nothing; closing this client closes the shared connections.
        """
        _, options = call_arguments(locals())
        twin = copy.copy(self)
        twin._session = self._session.with_options(options)
        return twin

    def close(self) -> None:
        """Close the client's connections. The client cannot be used afterwards."""
        self._session.close()

    # (the async twin also has an alias here)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- embeddings --------------------------------------------------------------------------

    def embed(
        self,
        model: str = "",
        input: str | Sequence[str] = "",
        # BEGIN params generated from EmbedParams by scripts/gen_signatures.py
        truncate: bool | None = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        dimensions: int | None = None,
        # END generated params
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> EmbedResponse:
        """Embed one text or a list of texts: one L2-normalised vector each, in order.

        The parameters after `input` are those of `ollama_lite.types.EmbedParams` (also
        taken by position, as the official package does).
        """
        params, request = call_arguments(locals(), EmbedParams)
        return self._session.unary(protocol.embed(model, input, **params), options=request)

    def embed_matrix(
        self,
        model: str = "",
        input: str | Sequence[str] = "",
        truncate: bool | None = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        dimensions: int | None = None,
    ) -> EmbedMatrix:
        """`embed`, with the vectors as one `(n, dim)` numpy float32 matrix (`.embeddings`).

        Each value is exactly `float32(float(text))`. Needs the extra `numpy`; the extra
        `fast` (pysimdjson) decodes the body without building a Python float per value.
        """
        check_dtype("float32")
        call = protocol.embed(
            model,
            input,
            truncate=truncate,
            options=options,
            keep_alive=keep_alive,
            dimensions=dimensions,
        )
        return self._session.unary(matrix_call(call))

    @overload
    def embed_many(
        self,
        model: str,
        texts: EmbedManyInput,
        *,
        dtype: None = None,
        **settings: Unpack[EmbedManyParams],
    ) -> EmbedBatches[list[list[float]]]: ...

    @overload
    def embed_many(
        self,
        model: str,
        texts: EmbedManyInput,
        *,
        dtype: Literal["float32"],
        **settings: Unpack[EmbedManyParams],
    ) -> EmbedBatches[FloatMatrix]: ...

    def embed_many(
        self,
        model: str,
        texts: EmbedManyInput,
        *,
        dtype: Literal["float32"] | None = None,
        **settings: Unpack[EmbedManyParams],
    ) -> EmbedBatches[Any]:
        """Embed a corpus in batches, several in flight; hand out each batch when done.

        ```
        with client.embed_many("nomic-embed-text", texts) as batches:
            for batch in batches:
                store(batch.index, batch.ids, batch.embeddings)
        ```

        `texts` is any iterable (or async iterable) of strings or `(id, text)` pairs, read
        lazily; a batch's `ids` are yours, or the texts' positions. Batches come in input
        order (`ordered=False`: as they finish), each text in exactly one; a batch that
        cannot be embedded raises. Batch numbering depends only on the input and the batch
        limits, so `skip=` the indices you stored resumes a crashed run exactly. Keywords:
        `ollama_lite.types.EmbedManyParams`; `dtype="float32"` gives numpy matrices (as
        `embed_matrix` does).
        """
        return embed_batches(self, model, texts, dtype, settings)

    def _embed_concurrency(self) -> int:
        """Batches embed_many keeps in flight by default."""
        return DEFAULT_EMBED_CONCURRENCY

    def embeddings(
        self,
        model: str = "",
        prompt: str | None = None,
        # BEGIN params generated from EmbeddingsParams by scripts/gen_signatures.py
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        # END generated params
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> EmbeddingsResponse:
        """Embed one text with the legacy endpoint (unnormalised). Prefer `embed`."""
        params, request = call_arguments(locals(), EmbeddingsParams)
        call = protocol.embeddings(model, prompt, **params)
        return self._session.unary(call, options=request)

    def systemone(
        self,
        model: str,
        state: SystemOneContent,
        questions: Mapping[str, SystemOneQuestion | Mapping[str, Any]],
        keep_alive: KeepAliveArg = None,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> SystemOneResponse:
        """Score choice, noul (yes/no) and score questions about `state` with a System One
        model; one JSON answer per question (no streaming)."""
        _, options = call_arguments(locals())
        call = protocol.systemone(model, state, questions, keep_alive)
        return self._session.unary(call, options=options)

    def version(
        self,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> VersionResponse:
        """The server's version."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.version(), options=options)

    # --- ollama.com --------------------------------------------------------------------------

    def web_search(
        self,
        query: str,
        max_results: int = 3,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> WebSearchResponse:
        """Search the web with Ollama's hosted API (needs `OLLAMA_API_KEY`)."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.web_search(query, max_results), options=options)

    def web_fetch(
        self,
        url: str,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> WebFetchResponse:
        """Fetch a web page with Ollama's hosted API (needs `OLLAMA_API_KEY`)."""
        _, options = call_arguments(locals())
        return self._session.unary(protocol.web_fetch(url), options=options)
