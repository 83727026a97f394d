"""The httpx client a client sends with, reached the way its session reaches it
(`session.transports.get()`), for tests that inspect httpx's settings (transport, pool,
TLS context, proxy mounts)."""

from __future__ import annotations

import asyncio
from typing import Any

import ollama_lite


def httpx_client_of(client: ollama_lite.Client | ollama_lite.AsyncClient) -> Any:
    """The client's httpx client. An `AsyncClient`'s transports belong to an event loop:
    they are taken in a short `asyncio.run()`, which closes them as it ends (their settings
    stay readable)."""
    if isinstance(client, ollama_lite.AsyncClient):
        session = client._session

        async def current() -> Any:
            return (await session.transports.get()).http

        return asyncio.run(current())
    return client._session.transports.get().http
