"""Fixtures for the LangChain adapter tests: respx on the default host, NDJSON replies,
and a fake Ollama server of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from ollama_lite.testing import FakeOllama

from ._util import HOST


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see no OLLAMA_HOST or OLLAMA_API_KEY from the machine they run on."""
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)


@pytest.fixture
def ollama() -> Iterator[respx.MockRouter]:
    """respx on the default host; every request must match a route."""
    with respx.mock(base_url=HOST, assert_all_called=False) as router:
        yield router


@pytest.fixture(scope="session")
def fake_ollama_server() -> Iterator[FakeOllama]:
    """A server of this directory's own (``fake_ollama`` resets it before each test): its
    tests count the connections open to it, which other directories' clients must not hold."""
    with FakeOllama() as server:
        yield server
