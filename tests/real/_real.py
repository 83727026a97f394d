"""Names and helpers shared by the real-server tests."""

from __future__ import annotations

import os

HOST_VAR = "OLLAMA_LITE_REAL_HOST"
BUSY_VAR = "OLLAMA_LITE_REAL_BUSY_HOST"
HOW = 'start one with: eval "$(scripts/real_ollama.sh up)" (or nox -s real)'

# The tiny models are registered under the names the fake server uses, so examples, README
# snippets and the differential suite send the same requests to both servers.
CHAT = "llama3.2"
THINKER = "qwen3"
EMBED = "nomic-embed-text"
SMALL_EMBED = "all-minilm"
REPLY = "Hello world!"
THINKING = "Let me think."
HI = [{"role": "user", "content": "Say hello"}]
SUMMARY: list[str] = []  # lines for the run's terminal summary (the differential suite's counts)


def env_host(var: str) -> str | None:
    """The URL in ``var``, or None when unset or empty."""
    return os.environ.get(var) or None
