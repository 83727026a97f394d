"""langchain-tests' standard unit suites, run unchanged (no test is skipped or xfailed)."""

from __future__ import annotations

from typing import Any

from langchain_tests.unit_tests import ChatModelUnitTests, EmbeddingsUnitTests

from ollama_lite.langchain import ChatOllama, OllamaEmbeddings


class TestChatOllamaStandard(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[ChatOllama]:
        return ChatOllama

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "llama3.2"}

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"OLLAMA_API_KEY": "key-from-env"},
            {"model": "llama3.2"},
            {"api_key": "key-from-env"},
        )


class TestOllamaEmbeddingsStandard(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[OllamaEmbeddings]:
        return OllamaEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "nomic-embed-text"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"OLLAMA_API_KEY": "key-from-env"},
            {"model": "nomic-embed-text"},
            {"api_key": "key-from-env"},
        )
