"""Fixtures for the fake Ollama server tests: one server per session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ollama_lite.testing import FakeOllama


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """``@pytest.mark.anyio`` tests run on asyncio and on trio."""
    return str(request.param)


@pytest.fixture(scope="session")
def shared_server() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.fixture
def fake(shared_server: FakeOllama) -> Iterator[FakeOllama]:
    """The shared server, back in its initial state."""
    shared_server.reset()
    shared_server.token_delay = 0.0
    shared_server.reply_tokens = None
    yield shared_server
    shared_server.clear_faults()


@pytest.fixture(scope="session")
def shared_client(shared_server: FakeOllama) -> Iterator[httpx.Client]:
    # One client for the session: building an httpx.Client costs ~50 ms (SSL context).
    with httpx.Client(base_url=shared_server.url, timeout=10) as c:
        yield c


@pytest.fixture
def client(fake: FakeOllama, shared_client: httpx.Client) -> httpx.Client:
    """A client of the shared server (its keep-alive connection may already be open)."""
    return shared_client
