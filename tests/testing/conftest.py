"""Fixtures for the fake Ollama server tests: one httpx client of the plugin's server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ollama_lite.testing import FakeOllama


@pytest.fixture(scope="session")
def shared_client(fake_ollama_server: FakeOllama) -> Iterator[httpx.Client]:
    # One client for the session: building an httpx.Client costs ~50 ms (SSL context).
    with httpx.Client(base_url=fake_ollama_server.url, timeout=10) as c:
        yield c


@pytest.fixture
def client(fake: FakeOllama, shared_client: httpx.Client) -> httpx.Client:
    """A client of the shared server (its keep-alive connection may already be open)."""
    return shared_client
