"""pytest plugin (`-p fake_ollama_plugin`): serve a fake Ollama under the model names
langchain-ollama's integration tests use, and point `OLLAMA_HOST` at it."""

from __future__ import annotations

import os

import pytest

from ollama_lite.testing import FakeModel, FakeOllama
from ollama_lite.testing._models import builtin_models

#: The tests' model name -> the built-in fake model that stands in for it.
ALIASES = {"llama3.1": "llama3.2", "gpt-oss:20b": "qwen3", "deepseek-r1:1.5b": "qwen3"}


def _models() -> list[FakeModel]:
    builtin = {model.name: model for model in builtin_models()}
    return [builtin[source].renamed(name) for name, source in ALIASES.items()]


def pytest_configure(config: pytest.Config) -> None:
    server = FakeOllama(models=_models()).start()
    config.add_cleanup(server.stop)
    os.environ["OLLAMA_HOST"] = server.url
