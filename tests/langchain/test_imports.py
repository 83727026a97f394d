"""Imports: the extra is optional, the classes are real LangChain subclasses, and nothing
depends on the official `ollama` package or on langchain-ollama."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel, BaseLLM

import ollama_lite
import ollama_lite.langchain as adapters
from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM

BLOCK = """
import sys
class Block:
    def __init__(self, names): self.names = names
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block(NAMES))
"""


def run(code: str, block: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    prelude = BLOCK.replace("NAMES", repr(set(block))) if block else ""
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_classes_are_langchain_subclasses() -> None:
    assert issubclass(ChatOllama, BaseChatModel)
    assert issubclass(OllamaLLM, BaseLLM)
    assert issubclass(OllamaEmbeddings, Embeddings)
    # langchain-ollama's own `test_all_imports` expects exactly these names.
    assert sorted(adapters.__all__) == [
        "ChatOllama",
        "OllamaEmbeddings",
        "OllamaLLM",
        "__version__",
    ]
    assert adapters.__version__ == ollama_lite.__version__
    assert set(adapters.__all__) <= set(dir(adapters))
    with pytest.raises(AttributeError):
        adapters.NotAThing  # noqa: B018


def test_import_ollama_lite_does_not_import_langchain() -> None:
    result = run(
        """
        import sys, ollama_lite
        loaded = [m for m in sys.modules if m.startswith(("langchain", "pydantic"))]
        assert not loaded, loaded
        """
    )
    assert result.returncode == 0, result.stderr


def test_missing_langchain_core_says_what_to_install() -> None:
    result = run(
        """
        try:
            import ollama_lite.langchain
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit("imported")
        import ollama_lite  # the core still works
        """,
        block=("langchain_core",),
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "ollama-lite[langchain]"' in result.stdout


def test_no_dependency_on_ollama_or_langchain_ollama() -> None:
    result = run(
        """
        import sys
        from ollama_lite.langchain import ChatOllama, OllamaLLM, OllamaEmbeddings
        ChatOllama(model="m").bind_tools([]).with_structured_output
        OllamaLLM(model="m"); OllamaEmbeddings(model="m")
        import ollama_lite.langchain._structured
        assert "ollama" not in sys.modules and "langchain_ollama" not in sys.modules
        """,
        block=("ollama", "langchain_ollama"),
    )
    assert result.returncode == 0, result.stderr


def test_embeddings_alone_do_not_import_the_chat_model_stack() -> None:
    result = run(
        """
        import sys
        from ollama_lite.langchain import OllamaEmbeddings
        OllamaEmbeddings(model="m")
        assert "langchain_core.language_models.chat_models" not in sys.modules
        assert "ollama_lite.langchain.chat_models" not in sys.modules
        """
    )
    assert result.returncode == 0, result.stderr
