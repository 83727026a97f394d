"""Shared fixtures: async tests run on both asyncio and trio through anyio's pytest plugin;
the fake Ollama server comes from ollama_lite's own pytest plugin (`fake_ollama`)."""

from __future__ import annotations

import pytest

from ollama_lite.testing import FakeOllama


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every `@pytest.mark.anyio` test runs once per event loop."""
    return str(request.param)


@pytest.fixture
def fake(fake_ollama: FakeOllama) -> FakeOllama:
    """The session's fake Ollama (``ollama_lite.testing.pytest_plugin``), reset before this
    test: nothing injected, added or recorded by another test is left."""
    return fake_ollama
