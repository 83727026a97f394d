"""pytest fixtures for testing code that talks to Ollama, against the fake server.

Installed with ollama-lite as a pytest plugin (entry point ``ollama_lite.testing.pytest_plugin``,
which pytest loads by itself; with plugin autoloading disabled, pass
``-p ollama_lite.testing.pytest_plugin``). The fixtures need the ``testing`` extra::

    from ollama_lite.testing import Fault

    def test_my_app_retries(fake_ollama, fake_ollama_client):
        fake_ollama.inject(Fault.busy(retry_after=0), model="llama3.2")
        reply = fake_ollama_client.chat("llama3.2", [{"role": "user", "content": "hi"}])
        assert reply.message.content == "You said: hi"
        assert fake_ollama.last_request.json["model"] == "llama3.2"

One server serves the whole session; ``fake_ollama`` resets it before every test (models,
blobs, recorded requests, faults, counters, ``token_delay``, ``reply_tokens``), so nothing a
test injects or records reaches the next one. To start it with other settings (models,
embedding size, ...), override ``fake_ollama_options`` in a ``conftest.py``::

    @pytest.fixture(scope="session")
    def fake_ollama_options():
        return {"embedding_dim": 64}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the fixtures import lazily: loading the plugin must stay cheap
    from ollama_lite import AsyncClient, Client

    from ._server import FakeOllama

__all__ = [
    "fake_ollama",
    "fake_ollama_async_client",
    "fake_ollama_client",
    "fake_ollama_options",
    "fake_ollama_server",
    "fake_ollama_url",
]


@pytest.fixture(scope="session")
def fake_ollama_options() -> dict[str, Any]:
    """Keyword arguments for the session's ``FakeOllama`` (none: the defaults)."""
    return {}


@pytest.fixture(scope="session")
def fake_ollama_server(fake_ollama_options: dict[str, Any]) -> Iterator[FakeOllama]:
    """The session's fake Ollama, started on first use; tests want ``fake_ollama`` instead."""
    from ._server import FakeOllama

    with FakeOllama(**fake_ollama_options) as server:
        yield server


@pytest.fixture
def fake_ollama(fake_ollama_server: FakeOllama) -> Iterator[FakeOllama]:
    """The session's fake Ollama, reset to its initial state before this test."""
    fake_ollama_server.reset()
    yield fake_ollama_server
    # Faults left unused must not fire for a connection that outlives the test.
    fake_ollama_server.clear_faults()


@pytest.fixture
def fake_ollama_url(fake_ollama: FakeOllama) -> str:
    """The base URL of the (reset) fake Ollama, e.g. ``http://127.0.0.1:54321``."""
    return fake_ollama.url


@pytest.fixture
def fake_ollama_client(fake_ollama: FakeOllama) -> Iterator[Client]:
    """An ``ollama_lite.Client`` of the fake Ollama, closed after the test."""
    from ollama_lite import Client

    with Client(fake_ollama.url) as client:
        yield client


@pytest.fixture
def fake_ollama_async_client(fake_ollama: FakeOllama) -> Iterator[AsyncClient]:
    """An ``ollama_lite.AsyncClient`` of the fake Ollama, for tests on asyncio or trio.

    Its connections belong to the event loop of the test and close when that loop ends; what
    is left is closed after the test.
    """
    import anyio

    from ollama_lite import AsyncClient

    client = AsyncClient(fake_ollama.url)
    yield client
    anyio.run(client.close)
