"""`langchain_ollama.chat_models`: upstream's tests patch `Client.list` here."""

from ollama_lite import AsyncClient, Client
from ollama_lite.langchain.chat_models import ChatOllama

__all__ = ["AsyncClient", "ChatOllama", "Client"]
