"""`langchain_ollama.embeddings` on ollama_lite."""

from ollama_lite import AsyncClient, Client
from ollama_lite.langchain.embeddings import OllamaEmbeddings

__all__ = ["AsyncClient", "Client", "OllamaEmbeddings"]
