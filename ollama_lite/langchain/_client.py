"""Connection settings shared by the three classes, and the clients they create on first use.

A model holds one `ollama_lite.Client`, created on the first sync call, and one
`ollama_lite.AsyncClient`, created on the first async call; it keeps a connection pool per
event loop (asyncio loop or trio run) and closes each inside its loop when that loop ends, so
one model works across `asyncio.run()` calls and under trio. Copies and pickles of a model
start without clients. A model that is never closed leaves no socket to the garbage
collector: its sync connections close when it is collected, and the pool of an event loop
that still runs closes in that loop.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, ClassVar

import httpx
from langchain_core.utils import secret_from_env
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, model_validator
from typing_extensions import Self

from ollama_lite import AsyncClient, Client, RequestError, ResponseError, parse_host

__all__ = ["DEFAULT_TIMEOUT", "ClientSettings", "check_base_url"]

#: Connect within 10 s, then wait as long as the model takes: a non-streamed reply sends
#: nothing until generation ends, so any read limit would cap the generation time.
DEFAULT_TIMEOUT = httpx.Timeout(None, connect=10.0)


def check_base_url(url: str) -> str:
    """Validate `base_url` with the core's strict host grammar (`ollama_lite.parse_host`) and
    return it without query or fragment; raise ValueError naming the problem.

    Accepts what the Ollama server accepts for `OLLAMA_HOST`: `http(s)://host[:port][/prefix]`,
    `host:port`, a bare host (port 11434), IPv6 in brackets, and `user:password@` (sent as
    Basic auth). Anything else is an error instead of a silent fallback to localhost.
    """
    try:
        parse_host(url, strict=True)
    except RequestError as exc:
        raise ValueError(f"invalid base_url: {exc}") from None
    return url.strip().split("#", 1)[0].split("?", 1)[0]


class _Clients:
    """The clients of one model, created on first use. Copies and unpickled copies start
    empty. One `AsyncClient` serves every event loop: it keeps a connection pool per loop
    and closes each inside its loop when that loop ends (or when the model is collected
    while the loop runs on)."""

    __slots__ = ("__weakref__", "_closer", "_lock", "async_", "sync")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sync: Client | None = None
        self.async_: AsyncClient | None = None
        self._closer: weakref.finalize[Any, Any] | None = None

    def __copy__(self) -> _Clients:
        return _Clients()

    def __deepcopy__(self, memo: dict[int, Any]) -> _Clients:
        return _Clients()

    def __reduce__(self) -> tuple[type[_Clients], tuple[()]]:
        return (_Clients, ())

    def get_sync(self, factory: Callable[[], Client]) -> Client:
        client = self.sync
        if client is None:
            with self._lock:
                client = self.sync
                if client is None:
                    client = self.sync = factory()
                    # Close its connections when the model goes away (or at exit).
                    self._closer = weakref.finalize(self, client.close)
        return client

    def get_async(self, factory: Callable[[], AsyncClient]) -> AsyncClient:
        client = self.async_
        if client is None:
            with self._lock:
                client = self.async_
                if client is None:
                    client = self.async_ = factory()
        return client

    def close_sync(self) -> None:
        with self._lock:
            closer, self.sync, self._closer = self._closer, None, None
        if closer is not None:
            closer()

    async def close_async(self) -> None:
        with self._lock:
            client, self.async_ = self.async_, None
        if client is not None:
            await client.close()


class ClientSettings(BaseModel):
    """Where the Ollama server is and how to talk to it (fields shared by all classes)."""

    model_config: ClassVar[ConfigDict] = ConfigDict(arbitrary_types_allowed=True)

    base_url: str | None = None
    """The Ollama server, e.g. `http://localhost:11434` (default: `OLLAMA_HOST`, else that).

    A path prefix is kept (`https://host/ollama`), `user:password@` is sent as Basic auth,
    and an invalid URL raises ValueError.
    """

    client_kwargs: dict[str, Any] | None = Field(default_factory=dict)
    """Keyword arguments for both clients (`headers`, `verify`, `proxy`, `transport`, ...)."""

    async_client_kwargs: dict[str, Any] | None = Field(default_factory=dict)
    """Merged over `client_kwargs` for the async client (headers are merged too)."""

    sync_client_kwargs: dict[str, Any] | None = Field(default_factory=dict)
    """Merged over `client_kwargs` for the sync client (headers are merged too)."""

    timeout: float | httpx.Timeout | None = None
    """Seconds (or an `httpx.Timeout`) for connecting and for each read.

    When not given: connect within 10 s, then wait as long as the model takes. `None`
    given explicitly: no limit at all.
    """

    max_retries: int = 2
    """Retries of connection failures and 429/502/503/504 answers (never mid-response)."""

    api_key: SecretStr | None = Field(
        default_factory=secret_from_env("OLLAMA_API_KEY", default=None)
    )
    """Sent as a Bearer token (Ollama cloud, authenticating proxies). Env: `OLLAMA_API_KEY`."""

    validate_model_on_init: bool = False
    """Check at construction that the server has the model (GET /api/tags)."""

    _clients: _Clients = PrivateAttr(default_factory=_Clients)

    @model_validator(mode="after")
    def _check_connection_settings(self) -> Self:
        if self.base_url is not None and self.base_url.strip():
            check_base_url(self.base_url)
        if self.validate_model_on_init:
            _validate_model(self._sync_client(), getattr(self, "model", ""))
        return self

    def __copy__(self) -> Self:
        # A copy (also `model_copy(update=...)`, which may change base_url) gets its own
        # clients; deep copies and pickles do through `_Clients` itself.
        copied = super().__copy__()
        copied._clients = _Clients()
        return copied

    # --- clients -----------------------------------------------------------------------------

    def _host(self) -> str | None:
        if self.base_url is None or not self.base_url.strip():
            return None
        return check_base_url(self.base_url)

    def _client_options(self, specific: dict[str, Any] | None) -> dict[str, Any]:
        """Keyword arguments for a client: our fields, then client_kwargs, then `specific`."""
        options: dict[str, Any] = {
            "timeout": self.timeout if "timeout" in self.model_fields_set else DEFAULT_TIMEOUT,
            "max_retries": self.max_retries,
        }
        if self.api_key is not None:
            options["api_key"] = self.api_key.get_secret_value()
        shared = self.client_kwargs or {}
        specific = specific or {}
        headers = {**(shared.get("headers") or {}), **(specific.get("headers") or {})}
        options.update(shared)
        options.update(specific)
        if headers:
            options["headers"] = headers
        return options

    def _sync_client(self) -> Client:
        return self._clients.get_sync(
            lambda: Client(self._host(), **self._client_options(self.sync_client_kwargs))
        )

    def _async_client(self) -> AsyncClient:
        return self._clients.get_async(
            lambda: AsyncClient(self._host(), **self._client_options(self.async_client_kwargs))
        )

    def close(self) -> None:
        """Close the sync client's connections (a later call opens new ones)."""
        self._clients.close_sync()

    async def aclose(self) -> None:
        """Close the current event loop's async client, and the sync client."""
        await self._clients.close_async()
        self._clients.close_sync()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _validate_model(client: Client, model: str) -> None:
    """Raise ValueError unless the server lists `model` (as `name` or `name:tag`)."""
    try:
        names = [m.model for m in client.list().models]
    except ResponseError as exc:
        raise ValueError(
            "Received an error from the Ollama API. Please check your Ollama server logs."
        ) from exc
    if not any(model == name or name.startswith(f"{model}:") for name in names):
        raise ValueError(
            f"Model `{model}` not found in Ollama. Please pull the model (using "
            f"`ollama pull {model}`) or specify a valid model name. "
            f"Available local models: {', '.join(names)}"
        )
