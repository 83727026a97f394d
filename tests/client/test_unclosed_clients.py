"""Clients that are never closed: their connections close without a ResourceWarning, when
their event loop ends (asyncio.run, trio.run), or when the client is collected first (inside
the loop that still runs, or at once for the sync client); on both HTTP paths."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest
import trio

import ollama_lite
from ollama_lite.testing import FakeOllama

EMBED_MODEL = "nomic-embed-text"
#: Requests at once, so the pool holds this many connections afterwards.
AT_ONCE = 4


@pytest.fixture
def server() -> Iterator[FakeOllama]:
    """A server of this test's own: its connection count is this test's alone."""
    with FakeOllama() as fake:
        yield fake


@pytest.fixture(params=["wire", "httpx"])
def path(request: pytest.FixtureRequest) -> str:
    """The fast path, or httpx (a caller's transport sends everything through httpx)."""
    return str(request.param)


def _async_client(server: FakeOllama, path: str) -> ollama_lite.AsyncClient:
    if path == "wire":
        return ollama_lite.AsyncClient(server.url)
    return ollama_lite.AsyncClient(server.url, transport=httpx.AsyncHTTPTransport())


def _sync_client(server: FakeOllama, path: str) -> ollama_lite.Client:
    if path == "wire":
        return ollama_lite.Client(server.url)
    return ollama_lite.Client(server.url, transport=httpx.HTTPTransport())


async def _fill_pool(client: ollama_lite.AsyncClient) -> None:
    async with anyio.create_task_group() as group:
        for _ in range(AT_ONCE):
            group.start_soon(client.embed, EMBED_MODEL, "text")


def _resource_warnings(action: Callable[[], Any]) -> list[str]:
    """The ResourceWarnings `action` (then a garbage collection) gives rise to. Garbage left
    by earlier tests is collected first, outside the record."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_the_end_of_a_run_closes_every_pooled_connection(
    server: FakeOllama, path: str, backend: str
) -> None:
    client = _async_client(server, path)

    kept: list[object] = []

    async def fill_and_keep() -> None:
        await _fill_pool(client)
        http = await client._session.transports.get()
        kept.append(http)
        if http.wire is not None:  # its idle connections too, which a close walks over
            kept.extend(c for pool in http.wire._pools.values() for c in pool._idle)

    def run_twice() -> None:
        for _ in range(2):
            anyio.run(fill_and_keep, backend=backend)
            # Closed by the run's end itself, not by the garbage collector: the transports
            # are still referenced (`kept`).
            assert server.wait_for_connections(0, timeout=5), server.open_connections
            assert client._session.transports.by_loop == {}

    assert _resource_warnings(run_twice) == []
    assert server.total_connections == 2 * AT_ONCE


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_client_dropped_while_its_loop_runs_is_closed_in_that_loop(
    server: FakeOllama, path: str, backend: str
) -> None:
    async def main() -> None:
        client = _async_client(server, path)
        await _fill_pool(client)
        assert server.open_connections == AT_ONCE
        del client
        gc.collect()
        # The loop keeps running (this thread waits in a worker): the pool closes in it.
        assert await anyio.to_thread.run_sync(server.wait_for_connections, 0, 5.0)

    assert _resource_warnings(lambda: anyio.run(main, backend=backend)) == []


def test_cancelled_requests_leave_no_connection_open_under_trio(server: FakeOllama) -> None:
    # One request fails, the others are cancelled mid-flight; the run then ends.
    client = ollama_lite.AsyncClient(server.url)

    async def main() -> None:
        with pytest.RaisesGroup(ollama_lite.ResponseError):
            async with anyio.create_task_group() as group:
                for _ in range(AT_ONCE - 1):
                    group.start_soon(client.embed, EMBED_MODEL, "text")
                group.start_soon(client.embed, "no-such-model", "text")

    assert _resource_warnings(lambda: trio.run(main)) == []
    assert server.wait_for_connections(0, timeout=5)


def test_a_sync_client_dropped_unclosed_closes_quietly(server: FakeOllama, path: str) -> None:
    def use_and_drop() -> None:
        client = _sync_client(server, path)
        client.embed(EMBED_MODEL, "text")
        assert server.open_connections == 1
        # A reference cycle through the client: only the garbage collector frees it.
        client.__dict__["cycle"] = client

    assert _resource_warnings(use_and_drop) == []
    assert server.wait_for_connections(0, timeout=5)


def test_an_asyncio_loop_that_keeps_running_after_a_drop_closes_the_pool() -> None:
    # A loop run step by step (run_until_complete), not asyncio.run: the pool of a client
    # collected between two steps is closed by the next step.
    with FakeOllama() as server:
        loop = asyncio.new_event_loop()
        try:
            client = ollama_lite.AsyncClient(server.url)
            loop.run_until_complete(_fill_pool(client))
            assert server.open_connections == AT_ONCE

            def drop() -> None:
                nonlocal client
                del client

            assert _resource_warnings(drop) == []
            loop.run_until_complete(asyncio.sleep(0.05))
            assert server.wait_for_connections(0, timeout=5)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
