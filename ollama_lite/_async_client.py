"""`AsyncClient`: moves the protocol's requests through httpx and waits, nothing more.

This file is the source of `_sync_client.py`, which `scripts/unasync.py` generates from it;
a test fails when the two are out of step. Edit this one.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, TypeVar, overload

import httpx

from . import _protocol as protocol
from ._async_io import (
    PoolCloser,
    build,
    current_loop,
    file_chunks,
    is_closed_loop,
    sha256_file,
    sleep,
)
from ._config import DEFAULT_TIMEOUT, RetryPolicy, auth_headers, resolve_host
from ._errors import RequestError, ResponseError
from ._inputs import has_file_images
from ._ndjson import DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_RESPONSE_BYTES, NDJSONDecoder
from ._pool import default_transport
from ._protocol import (
    Call,
    FormatArg,
    ImagesArg,
    KeepAliveArg,
    MessagesArg,
    OptionsArg,
    ThinkArg,
    ToolsArg,
)
from ._streaming import AsyncStream
from .types import (
    ChatResponse,
    EmbeddingsResponse,
    EmbedResponse,
    GenerateResponse,
    ListResponse,
    ProcessResponse,
    ProgressResponse,
    ShowResponse,
    StatusResponse,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)

__all__ = ["AsyncClient"]

T = TypeVar("T")
logger = logging.getLogger("ollama_lite")
_NDJSON_ACCEPT = {"Accept": "application/x-ndjson"}
# httpx.Client settings that belong to its default transport; forwarded to ours.
_TRANSPORT_SETTINGS = ("verify", "cert", "trust_env", "http1", "http2", "limits")


def _brings_own_transport(httpx_kwargs: Mapping[str, Any]) -> bool:
    """True when httpx must build the transports: the caller's, or proxied ones."""
    if any(key in httpx_kwargs for key in ("transport", "mounts", "proxy")):
        return True
    return bool(httpx_kwargs.get("trust_env", True) and urllib.request.getproxies())


class AsyncClient:
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
        max_retries: int = 2,
        api_key: str | None = None,
        follow_redirects: bool = True,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        **httpx_kwargs: Any,
    ) -> None:
        self._host = resolve_host(host)
        self._retry = RetryPolicy(max_retries=max_retries)
        self._max_line_bytes = max_line_bytes
        self._max_response_bytes = max_response_bytes
        request_headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": protocol.user_agent(),
        }
        for name, value in auth_headers(self._host, headers, api_key).items():
            # The caller's headers win over the defaults, whatever their case.
            for default in [key for key in request_headers if key.lower() == name.lower()]:
                del request_headers[default]
            request_headers[name] = value
        self._bearer = next(
            (v for k, v in request_headers.items() if k.lower() == "authorization"), ""
        ).startswith("Bearer ")
        self._http_options: dict[str, Any] = {
            "base_url": self._host.base_url,
            "headers": request_headers,
            "timeout": timeout,
            "follow_redirects": follow_redirects,
            **httpx_kwargs,
        }
        # Unless the caller brings a transport or a proxy is in effect (httpx reads proxy
        # variables only when it builds the transport itself), use a transport whose
        # connection pool stays linear under concurrency (see _pool.py).
        self._transport_options: dict[str, Any] | None = None
        if not _brings_own_transport(httpx_kwargs):
            self._transport_options = {
                key: httpx_kwargs[key] for key in _TRANSPORT_SETTINGS if key in httpx_kwargs
            }
        # One pool per event loop (connections belong to the loop that opened them); the
        # first is made now and taken by the first loop that sends a request.
        self._http = self._new_pool()
        self._spare: httpx.AsyncClient | None = self._http
        self._pools: dict[object, tuple[httpx.AsyncClient, PoolCloser]] = {}
        self._lock = threading.Lock()
        self._closed = False

    @property
    def host(self) -> str:
        """The base URL requests go to (without credentials)."""
        return self._host.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self._host.base_url!r})"

    # --- lifetime ----------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection pool. The client cannot be used afterwards.

        Pools that other event loops (still running, in other threads) opened are closed
        when those loops end.
        """
        self._closed = True
        with self._lock:
            spare, self._spare = self._spare, None
            entry = self._pools.pop(current_loop(), None)
        if entry is not None:
            http, closer = entry
            closer.retire()
            await http.aclose()
        if spare is not None:
            await spare.aclose()

    aclose = close  # async-only

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- transport ---------------------------------------------------------------------------

    def _new_pool(self) -> httpx.AsyncClient:
        options = self._http_options
        if self._transport_options is not None:
            transport = default_transport(is_async=True, **self._transport_options)
            options = {**options, "transport": transport}
        return httpx.AsyncClient(**options)

    async def _pool(self) -> httpx.AsyncClient:
        """The httpx client of the running event loop.

        Pooled connections belong to the loop that opened them, so each loop gets its own
        pool, closed inside that loop when the loop ends. A client used again under a new
        loop (a second `asyncio.run()`, trio after asyncio, another thread's loop) works.
        """
        if self._closed:
            raise RequestError(f"this {type(self).__name__} is closed; create a new one")
        loop = current_loop()
        entry = self._pools.get(loop)
        if entry is not None:
            return entry[0]
        with self._lock:
            for stale in [key for key in self._pools if is_closed_loop(key)]:
                self._pools.pop(stale)[1].retire()
            http, self._spare = self._spare or self._new_pool(), None
            closer = PoolCloser(http, on_close=lambda: self._forget(loop, http))
            self._pools[loop] = (http, closer)
        await closer.start()
        return http

    def _forget(self, loop: object, http: httpx.AsyncClient) -> None:
        """Drop a finished loop's pool (its closer has closed it)."""
        with self._lock:
            entry = self._pools.get(loop)
            if entry is not None and entry[0] is http:
                del self._pools[loop]

    async def _send(
        self,
        call: Call[Any],
        content: Callable[[], Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send `call`, retrying per policy; return a response with status < 400, unread."""
        if call.bearer_only and not self._bearer:
            raise RequestError(
                f"{call.path} is an ollama.com API: set OLLAMA_API_KEY or pass api_key=..."
            )
        url = (call.url + call.path) if call.url else call.path
        where = call.url or self._host.base_url
        http = await self._pool()
        attempt = 0
        while True:
            request = http.build_request(
                call.method,
                url,
                content=content() if content is not None else call.body,
                headers=_NDJSON_ACCEPT if call.stream else headers,
            )
            started = time.perf_counter()
            try:
                response = await http.send(request, stream=True)
            except httpx.HTTPError as exc:
                attempt += 1
                delay = (
                    self._retry.delay_for_connect_error(attempt)
                    if protocol.is_connect_failure(exc)
                    else None
                )
                if delay is None:
                    raise protocol.transport_error(exc, where) from exc
                logger.debug("%s %s failed (%s); retry in %.2f s", call.method, url, exc, delay)
                await sleep(delay)
                continue
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s -> %d (%.1f ms)",
                    call.method,
                    request.url.copy_with(username=None, password=None, query=None),
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                )
            if response.status_code < 300:
                return response
            try:
                body = await self._read_error_body(response)
            finally:
                await response.aclose()
            attempt += 1
            delay = self._retry.delay_for_status(attempt, response.status_code, response.headers)
            if delay is None:
                raise protocol.error_for_status(response.status_code, response.headers, body)
            logger.debug(
                "%s %s -> %d; retry in %.2f s", call.method, url, response.status_code, delay
            )
            await sleep(delay)

    async def _read_error_body(self, response: httpx.Response) -> bytes:
        """At most `max_line_bytes` of an error body (a huge one is cut, not buffered)."""
        body = bytearray()
        try:
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) >= self._max_line_bytes:
                    del body[self._max_line_bytes :]
                    break
        except httpx.HTTPError:
            pass  # what arrived before the failure still explains the error
        return bytes(body)

    async def _read_body(self, response: httpx.Response) -> bytes:
        """The whole body of a non-streamed reply, refusing one over `max_response_bytes`."""
        limit = self._max_response_bytes
        declared = protocol.declared_length(response.headers)
        if declared is not None:
            if declared > limit:
                raise protocol.too_large(declared, limit)
            return await response.aread()  # the framing guarantees the declared length
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise protocol.too_large(size, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _unary(
        self,
        call: Call[T],
        content: Callable[[], Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> T:
        response = await self._send(call, content, headers)
        try:
            body = await self._read_body(response)
        except httpx.HTTPError as exc:
            raise protocol.transport_error(exc, self._host.base_url, started=True) from exc
        finally:
            await response.aclose()
        return protocol.decode_body(call, body)

    async def _stream(self, call: Call[T]) -> AsyncStream[T]:
        response = await self._send(call)
        decoder = NDJSONDecoder(
            call.result, max_line_bytes=self._max_line_bytes, status_code=response.status_code
        )
        stream = AsyncStream(response, decoder, self._host.base_url)
        await stream.start()
        return stream

    async def _run(self, call: Call[T]) -> T | AsyncStream[T]:
        if call.stream:
            return await self._stream(call)
        return await self._unary(call)

    # --- generation --------------------------------------------------------------------------

    @overload
    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        tools: ToolsArg = None,
        stream: Literal[False] = False,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
    ) -> ChatResponse: ...

    @overload
    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        tools: ToolsArg = None,
        stream: Literal[True],
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
    ) -> AsyncStream[ChatResponse]: ...

    @overload
    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        tools: ToolsArg = None,
        stream: bool = False,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
    ) -> ChatResponse | AsyncStream[ChatResponse]: ...

    async def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        tools: ToolsArg = None,
        stream: bool = False,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
    ) -> ChatResponse | AsyncStream[ChatResponse]:
        """Send a conversation; get the assistant's reply, or a stream of its parts.

        `messages` are dicts or `Message`s (images as bytes, `Path` or base64 text);
        `tools` are dicts, `Tool`s or plain Python functions; `format` is "json", a JSON
        schema or a type (parse the reply back with `ollama_lite.parse`); `think` is a bool
        or "low"/"medium"/"high"/"max"; `keep_alive` is seconds or a duration like "5m".
        """
        call = await build(
            has_file_images(messages),
            protocol.chat,
            model,
            messages,
            tools=tools,
            stream=stream,
            think=think,
            logprobs=logprobs,
            top_logprobs=top_logprobs,
            format=format,
            options=options,
            keep_alive=keep_alive,
        )
        return await self._run(call)

    @overload
    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        stream: Literal[False] = False,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
    ) -> GenerateResponse: ...

    @overload
    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        stream: Literal[True],
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
    ) -> AsyncStream[GenerateResponse]: ...

    @overload
    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        stream: bool = False,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
    ) -> GenerateResponse | AsyncStream[GenerateResponse]: ...

    async def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        stream: bool = False,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
    ) -> GenerateResponse | AsyncStream[GenerateResponse]:
        """Complete a prompt; get the completion, or a stream of its parts.

        With no prompt, the server only loads the model (`done_reason="load"`).
        """
        call = await build(
            has_file_images(images=images),
            protocol.generate,
            model,
            prompt,
            suffix,
            system=system,
            template=template,
            context=context,
            stream=stream,
            think=think,
            logprobs=logprobs,
            top_logprobs=top_logprobs,
            raw=raw,
            format=format,
            images=images,
            options=options,
            keep_alive=keep_alive,
            width=width,
            height=height,
            steps=steps,
        )
        return await self._run(call)

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
        """Embed one text or a list of texts: one L2-normalised vector each, in order."""
        return await self._unary(
            protocol.embed(model, input, truncate, options, keep_alive, dimensions)
        )

    async def embeddings(
        self,
        model: str = "",
        prompt: str | None = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
    ) -> EmbeddingsResponse:
        """Embed one text with the legacy endpoint (unnormalised). Prefer `embed`."""
        return await self._unary(protocol.embeddings(model, prompt, options, keep_alive))

    # --- models ------------------------------------------------------------------------------

    @overload
    async def pull(
        self, model: str, *, insecure: bool = False, stream: Literal[False] = False
    ) -> ProgressResponse: ...

    @overload
    async def pull(
        self, model: str, *, insecure: bool = False, stream: Literal[True]
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def pull(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def pull(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Download a model; with `stream=True`, progress per layer (keyed by `digest`)."""
        return await self._run(protocol.pull(model, insecure=insecure, stream=stream))

    @overload
    async def push(
        self, model: str, *, insecure: bool = False, stream: Literal[False] = False
    ) -> ProgressResponse: ...

    @overload
    async def push(
        self, model: str, *, insecure: bool = False, stream: Literal[True]
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def push(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def push(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Upload a model (`namespace/model:tag`) to a registry."""
        return await self._run(protocol.push(model, insecure=insecure, stream=stream))

    @overload
    async def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: Literal[False] = False,
    ) -> ProgressResponse: ...

    @overload
    async def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: Literal[True],
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: bool = False,
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: bool = False,
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Create a model from an existing one (`from_`) or from uploaded blobs (`files`)."""
        call = await build(
            has_file_images(messages),
            protocol.create,
            model,
            quantize,
            from_,
            files,
            adapters,
            template,
            license,
            system,
            parameters,
            messages,
            stream=stream,
        )
        return await self._run(call)

    async def create_blob(self, path: str | os.PathLike[str]) -> str:
        """Upload a file as a blob unless the server has it; return `sha256:<hex>`.

        The file is hashed and sent in 1 MiB pieces, so memory stays constant whatever its
        size; the async client hashes and reads in worker threads.
        """
        size = protocol.blob_size(path)
        digest = await sha256_file(path)
        if await self.blob_exists(digest):
            return digest
        # A fresh reader per attempt, so a retried upload sends the whole file again.
        await self._unary(
            protocol.blob_upload(digest),
            content=lambda: file_chunks(path),
            headers={"Content-Length": str(size)},
        )
        return digest

    async def blob_exists(self, digest: str) -> bool:
        """True when the server already has the blob `sha256:<hex>`."""
        try:
            await self._unary(protocol.blob_head(digest))
        except ResponseError as exc:
            if exc.status_code == 404:
                return False
            raise
        return True

    async def list(self) -> ListResponse:
        """Models stored on the server."""
        return await self._unary(protocol.list_models())

    async def show(self, model: str, *, verbose: bool | None = None) -> ShowResponse:
        """Details of a model: parameters, template, capabilities, model_info, ..."""
        return await self._unary(protocol.show(model, verbose=verbose))

    async def ps(self) -> ProcessResponse:
        """Models loaded in memory now."""
        return await self._unary(protocol.ps())

    async def copy(self, source: str, destination: str) -> StatusResponse:
        """Copy a model under a new name."""
        return await self._unary(protocol.copy(source, destination))

    async def delete(self, model: str) -> StatusResponse:
        """Delete a model from the server."""
        return await self._unary(protocol.delete(model))

    async def version(self) -> VersionResponse:
        """The server's version."""
        return await self._unary(protocol.version())

    # --- ollama.com --------------------------------------------------------------------------

    async def web_search(self, query: str, max_results: int = 3) -> WebSearchResponse:
        """Search the web with Ollama's hosted API (needs `OLLAMA_API_KEY`)."""
        return await self._unary(protocol.web_search(query, max_results))

    async def web_fetch(self, url: str) -> WebFetchResponse:
        """Fetch a web page with Ollama's hosted API (needs `OLLAMA_API_KEY`)."""
        return await self._unary(protocol.web_fetch(url))
