"""Fixtures for the host pool and embed_many tests: fake Ollama servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ollama_lite.testing import FakeOllama

from ._pooltools import DIM


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """``@pytest.mark.anyio`` tests run on asyncio and on trio."""
    return str(request.param)


@pytest.fixture(scope="module")
def shared_servers() -> Iterator[list[FakeOllama]]:
    """Four fake servers for the module (tests must not kill them)."""
    servers = [FakeOllama(embedding_dim=DIM, record_requests=False).start() for _ in range(4)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def servers() -> Iterator[list[FakeOllama]]:
    """Four fake servers of this test's own (it may kill one), each with Ollama's capacity
    for an embedding model: one slot, a few milliseconds per batch."""
    started = [
        FakeOllama(
            embedding_dim=DIM,
            num_parallel=1,
            request_seconds=0.002,
            embed_seconds_per_text=0.0002,
        ).start()
        for _ in range(4)
    ]
    yield started
    for server in started:
        server.stop()
