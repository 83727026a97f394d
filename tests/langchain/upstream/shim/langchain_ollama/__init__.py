"""`langchain_ollama` re-pointed at `ollama_lite.langchain` (dev-only: upstream's tests)."""

from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM, __version__

__all__ = ["ChatOllama", "OllamaEmbeddings", "OllamaLLM", "__version__"]
