"""Fixtures of the client tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ollama_lite.testing import FakeOllama


@pytest.fixture(scope="session")
def fake_ollama_server() -> Iterator[FakeOllama]:
    """A server of this directory's own (``fake_ollama`` resets it before each test): its
    tests count the connections open to it, which other directories' clients must not hold."""
    with FakeOllama() as server:
        yield server
