"""`langchain_ollama.llms` on ollama_lite."""

from ollama_lite import AsyncClient, Client
from ollama_lite.langchain.llms import OllamaLLM

__all__ = ["AsyncClient", "Client", "OllamaLLM"]
