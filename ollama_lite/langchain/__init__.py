"""LangChain integration: `ChatOllama`, `OllamaLLM` and `OllamaEmbeddings` on ollama_lite.

Drop-in replacements for langchain-ollama's classes (same fields, defaults and behaviour);
switch by changing the import:

```
from ollama_lite.langchain import ChatOllama, OllamaLLM, OllamaEmbeddings
```

Users of the deprecated `langchain_community.embeddings.OllamaEmbeddings` switch with
`from ollama_lite.langchain.community import OllamaEmbeddings` (same constructor, same
requests, same vectors; faster).

Needs langchain-core: `pip install "ollama-lite[langchain]"`. Each class is imported on
first access, so using only the embeddings does not import LangChain's chat-model stack.
`__version__` is ollama_lite's version (the adapter ships with it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ollama_lite import __version__

_INSTALL = 'ollama_lite.langchain needs langchain-core: pip install "ollama-lite[langchain]"'

try:
    import langchain_core  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess
    raise ImportError(_INSTALL) from exc

if TYPE_CHECKING:
    from .chat_models import ChatOllama
    from .embeddings import OllamaEmbeddings
    from .llms import OllamaLLM

__all__ = ["ChatOllama", "OllamaEmbeddings", "OllamaLLM", "__version__"]

_MODULES = {
    "ChatOllama": ".chat_models",
    "OllamaLLM": ".llms",
    "OllamaEmbeddings": ".embeddings",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(module, __name__), name)
    except ImportError as exc:
        if (exc.name or "").startswith("langchain_core"):
            raise ImportError(f"{_INSTALL} ({exc})") from exc
        raise
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
