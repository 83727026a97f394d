"""`AsyncClient`: one method per Ollama endpoint.

Each method reads what the request needs from disk (image files, a blob's size), has the
protocol build a `Call`, and hands it to the session (`session.py`), which sends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, overload

import httpx
from typing_extensions import Unpack

from .. import _protocol as protocol
from .._async_backend import read_image_files
from .._constants import (
    DEFAULT_MAX_LINE_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
)
from .._images import file_images
from ..types import (
    ChatResponse,
    EmbeddingsResponse,
    EmbedResponse,
    GenerateResponse,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)
from ..types.params import (
    ChatParams,
    GenerateParams,
    KeepAliveArg,
    MessagesArg,
    OptionsArg,
)
from .models import AsyncModelEndpoints
from .session import AsyncSession
from .streams import AsyncStream

__all__ = ["AsyncClient"]


class AsyncClient(AsyncModelEndpoints):
    """An asynchronous client for an Ollama server (runs on asyncio and trio).

    ```
    async with AsyncClient() as client:
        reply = await client.chat("llama3.2", [{"role": "user", "content": "Hi"}])
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
    `httpx.AsyncClient` (`transport`, `verify`, `limits`, `proxy`, ...).
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
        self._session = AsyncSession(
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host!r})"

    async def close(self) -> None:
        """Close the client's connections. The client cannot be used afterwards."""
        await self._session.aclose()

    aclose = close  # async alias: `close` works on both clients

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- generation --------------------------------------------------------------------------

    @overload
    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: Literal[False] = False,
        **params: Unpack[ChatParams],
    ) -> ChatResponse: ...

    @overload
    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: Literal[True],
        **params: Unpack[ChatParams],
    ) -> AsyncStream[ChatResponse]: ...

    @overload
    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: bool = False,
        **params: Unpack[ChatParams],
    ) -> ChatResponse | AsyncStream[ChatResponse]: ...

    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: bool = False,
        **params: Unpack[ChatParams],
    ) -> ChatResponse | AsyncStream[ChatResponse]:
        """Send a conversation; get the assistant's reply, or a stream of its parts.

        `messages` are dicts or `Message`s (images as bytes, `Path` or base64 text);
        `tools` are dicts, `Tool`s or plain Python functions; `format` is "json", a JSON
        schema or a type (parse the reply back with `ollama_lite.parse`); `think` is a bool
        or "low"/"medium"/"high"/"max"; `keep_alive` is seconds or a duration like "5m".
        The keywords are those of `ollama_lite.types.ChatParams`.
        """
        files = await read_image_files(file_images(messages))
        call = protocol.chat(model, messages, stream=stream, image_files=files, **params)
        return await self._session.run(call)

    @overload
    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: Literal[False] = False,
        **params: Unpack[GenerateParams],
    ) -> GenerateResponse: ...

    @overload
    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: Literal[True],
        **params: Unpack[GenerateParams],
    ) -> AsyncStream[GenerateResponse]: ...

    @overload
    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: bool = False,
        **params: Unpack[GenerateParams],
    ) -> GenerateResponse | AsyncStream[GenerateResponse]: ...

    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: bool = False,
        **params: Unpack[GenerateParams],
    ) -> GenerateResponse | AsyncStream[GenerateResponse]:
        """Complete a prompt; get the completion, or a stream of its parts.

        With no prompt, the server only loads the model (`done_reason="load"`). The
        keywords are those of `ollama_lite.types.GenerateParams`.
        """
        files = await read_image_files(file_images(images=params.get("images")))
        call = protocol.generate(model, prompt, suffix, stream=stream, image_files=files, **params)
        return await self._session.run(call)

    # --- embeddings --------------------------------------------------------------------------

    async def embed(
        self,
        model: str = "",
        input: str | Sequence[str] = "",
        truncate: bool | None = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        dimensions: int | None = None,
    ) -> EmbedResponse:
        """Embed one text or a list of texts: one L2-normalised vector each, in order.

        The parameters after `input` are those of `ollama_lite.types.EmbedParams`.
        """
        call = protocol.embed(
            model,
            input,
            truncate=truncate,
            options=options,
            keep_alive=keep_alive,
            dimensions=dimensions,
        )
        return await self._session.unary(call)

    async def embeddings(
        self,
        model: str = "",
        prompt: str | None = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
    ) -> EmbeddingsResponse:
        """Embed one text with the legacy endpoint (unnormalised). Prefer `embed`."""
        call = protocol.embeddings(model, prompt, options=options, keep_alive=keep_alive)
        return await self._session.unary(call)

    async def version(self) -> VersionResponse:
        """The server's version."""
        return await self._session.unary(protocol.version())

    # --- ollama.com --------------------------------------------------------------------------

    async def web_search(self, query: str, max_results: int = 3) -> WebSearchResponse:
        """Search the web with Ollama's hosted API (needs `OLLAMA_API_KEY`)."""
        return await self._session.unary(protocol.web_search(query, max_results))

    async def web_fetch(self, url: str) -> WebFetchResponse:
        """Fetch a web page with Ollama's hosted API (needs `OLLAMA_API_KEY`)."""
        return await self._session.unary(protocol.web_fetch(url))
