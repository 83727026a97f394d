"""Fixtures of the fast-path tests: the raw-socket server of the reliability suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ollama_lite.testing import FakeOllama

from ..reliability._rawserver import RawServer


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    """A fake Ollama on 127.0.0.1 for the module."""
    with FakeOllama() as server:
        yield server


@pytest.fixture
def raw() -> Iterator[RawServer]:
    """A raw-socket server whose connections follow `raw.script(...)`."""
    server = RawServer()
    try:
        yield server
    finally:
        server.close()
