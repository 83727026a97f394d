"""The adapter's shape: helpers never import the model classes (not even for typing), the
adapter uses only ollama_lite's public namespace, modules stay small, and the option names
are declared once and known to the core."""

from __future__ import annotations

import ast
from pathlib import Path

import ollama_lite
from ollama_lite.langchain._options import (
    EMBEDDING_FIELDS,
    SAMPLING_FIELDS,
    EmbeddingOptions,
    SamplingOptions,
)
from ollama_lite.langchain.community import OllamaEmbeddings as CommunityEmbeddings
from ollama_lite.langchain.embeddings import OllamaEmbeddings

PACKAGE = Path(ollama_lite.__file__).parent / "langchain"
MODULES = sorted(PACKAGE.rglob("*.py"))
FACADES = {"chat_models", "llms", "embeddings", "community"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in the file, including TYPE_CHECKING blocks."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
        elif isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
    return found


def test_helpers_do_not_import_the_model_classes() -> None:
    assert len(MODULES) > 10
    for path in MODULES:
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue
        for level, module in _imports(path):
            if level:
                assert module.split(".")[0] not in FACADES, f"{path.name} imports .{module}"


def test_adapter_uses_only_the_public_ollama_lite_namespace() -> None:
    for path in MODULES:
        for level, module in _imports(path):
            if not level and module.startswith("ollama_lite"):
                private = [part for part in module.split(".") if part.startswith("_")]
                assert not private, f"{path.name} imports {module}"


def test_modules_are_small() -> None:
    for path in MODULES:
        assert len(path.read_text().splitlines()) <= 310, path.name


def test_option_fields_are_declared_once_and_known_to_the_core() -> None:
    assert tuple(EmbeddingOptions.model_fields) == EMBEDDING_FIELDS
    assert set(SAMPLING_FIELDS) == set(SamplingOptions.model_fields)
    assert set(SAMPLING_FIELDS) - set(EMBEDDING_FIELDS) == {"num_predict", "seed"}
    assert set(SAMPLING_FIELDS) <= set(ollama_lite.Options.__struct_fields__)
    for cls in (OllamaEmbeddings, CommunityEmbeddings):
        assert issubclass(cls, EmbeddingOptions)
        assert not set(EMBEDDING_FIELDS) & set(cls.__annotations__), cls  # not re-declared
