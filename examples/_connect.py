"""Shared by the examples: use the Ollama at OLLAMA_HOST if one answers, else a fake one.

The first line each example prints says which server it talks to.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import ollama_lite

CHAT_MODEL = os.environ.get("OLLAMA_CHAT_MODEL", "llama3.2")
THINKING_MODEL = os.environ.get("OLLAMA_THINKING_MODEL", "qwen3")
EMBED_MODEL = os.environ.get("OLLAMA_EMBED_MODEL", "nomic-embed-text")


def _answers() -> str | None:
    """The base URL (without credentials) of the server at OLLAMA_HOST, if one answers."""
    with ollama_lite.Client(timeout=2.0, max_retries=0) as client:
        try:
            client.version()
        except ollama_lite.ResponseError:
            return client.host  # it answered, if only to refuse: it is the server to use
        except ollama_lite.OllamaError:
            return None
        return client.host


@contextlib.contextmanager
def ollama_host() -> Iterator[str | None]:
    """Yield the host to use (None: OLLAMA_HOST as set, credentials included), starting the
    bundled fake server when nothing answers."""
    if os.environ.get("OLLAMA_LITE_FAKE") != "1":
        real = _answers()
        if real is not None:
            print(f"Using the Ollama server at {real}")
            yield None
            return
    try:
        from ollama_lite.testing import FakeOllama
    except ImportError:
        raise SystemExit(
            "No Ollama server answers at OLLAMA_HOST and the fake server is not installed: "
            'pip install "ollama-lite[testing]"'
        ) from None
    with FakeOllama() as server:
        print(f"No Ollama server answered; using the bundled fake Ollama at {server.url}")
        yield server.url


@contextlib.contextmanager
def ollama_hosts(count: int) -> Iterator[list[str] | None]:
    """Yield the hosts for a pool (None: OLLAMA_HOSTS, else OLLAMA_HOST, as set), starting
    `count` bundled fake servers when no server is configured or answering."""
    if os.environ.get("OLLAMA_LITE_FAKE") != "1":
        listed = os.environ.get("OLLAMA_HOSTS", "").strip()
        real = listed or _answers()
        if real:
            print(f"Using the Ollama servers at {real}")
            yield None
            return
    try:
        from ollama_lite.testing import FakeOllama
    except ImportError:
        raise SystemExit(
            "No Ollama server answers and the fake server is not installed: "
            'pip install "ollama-lite[testing]"'
        ) from None
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(FakeOllama()).url for _ in range(count)]
        print(f"No Ollama server answered; using the bundled fake Ollama at {', '.join(urls)}")
        yield urls
