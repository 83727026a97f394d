"""Fixtures for the LangChain adapter tests: respx on the default host, NDJSON replies,
a fake Ollama server, and async tests on asyncio and trio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

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
