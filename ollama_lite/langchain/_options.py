"""The Ollama option fields the LangChain classes take, each declared once.

`EmbeddingOptions` holds the options every class sends in `options`; `SamplingOptions` adds
the generation-only ones. The name lists are derived from the fields, never written by hand.
"""

from __future__ import annotations

import warnings
from typing import Any

from pydantic import AliasChoices, BaseModel, Field, model_validator

__all__ = [
    "EMBEDDING_FIELDS",
    "SAMPLING_FIELDS",
    "EmbeddingOptions",
    "SamplingOptions",
    "field_options",
]


class EmbeddingOptions(BaseModel):
    """Model options shared by every class; each one set (not None) is sent in `options`."""

    mirostat: int | None = None
    """Mirostat sampling: 0 = disabled, 1 = Mirostat, 2 = Mirostat 2.0 (server default 0)."""

    mirostat_eta: float | None = None
    """Mirostat learning rate (server default 0.1)."""

    mirostat_tau: float | None = None
    """Mirostat target: lower is more focused and coherent (server default 5.0)."""

    num_ctx: int | None = None
    """Size of the context window, in tokens."""

    num_gpu: int | None = None
    """Number of layers to offload to the GPU(s)."""

    num_thread: int | None = None
    """Number of CPU threads (default: detected by the server)."""

    repeat_last_n: int | None = None
    """How far back to look to prevent repetition (0 = disabled, -1 = num_ctx)."""

    repeat_penalty: float | None = None
    """How strongly to penalise repetitions (server default 1.1)."""

    temperature: float | None = None
    """Sampling temperature: higher is more creative (server default 0.8)."""

    stop: list[str] | None = None
    """Stop sequences. A per-call `stop` replaces these."""

    tfs_z: float | None = None
    """Tail free sampling (1.0 = disabled; ignored by current servers)."""

    top_k: int | None = None
    """Sample from the k most likely tokens (server default 40)."""

    top_p: float | None = None
    """Nucleus sampling: sample from the top tokens covering this probability (default 0.9)."""


class SamplingOptions(EmbeddingOptions):
    """The options of `ChatOllama` and `OllamaLLM`: the shared ones plus generation's."""

    num_predict: int | None = Field(
        default=None, validation_alias=AliasChoices("num_predict", "max_tokens")
    )
    """Maximum number of tokens to generate (-1 = no limit). Also accepted as `max_tokens`."""

    seed: int | None = None
    """Random seed, for reproducible output."""

    @model_validator(mode="before")
    @classmethod
    def _warn_unknown_arguments(cls, data: Any) -> Any:
        """Unknown arguments are ignored (as in langchain-ollama), but not silently."""
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in _known_names(cls))
            if unknown:
                warnings.warn(
                    f"{cls.__name__} ignores unknown argument(s) {', '.join(unknown)}. Other "
                    "Ollama options can be given per call: llm.invoke(x, min_p=0.05) or "
                    "llm.bind(min_p=0.05).",
                    UserWarning,
                    stacklevel=4,
                )
        return data


#: The option fields every class sends (also the community embeddings' options).
EMBEDDING_FIELDS: tuple[str, ...] = tuple(EmbeddingOptions.model_fields)
#: The option fields `ChatOllama` and `OllamaLLM` send.
SAMPLING_FIELDS: tuple[str, ...] = tuple(SamplingOptions.model_fields)


def _known_names(cls: type[BaseModel]) -> set[str]:
    names = set(cls.model_fields)
    for field in cls.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(choice for choice in alias.choices if isinstance(choice, str))
        elif isinstance(alias, str):
            names.add(alias)
        if field.alias:
            names.add(field.alias)
    return names


def field_options(settings: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The attributes `names` of `settings` that are set (not None), as a new dict."""
    options: dict[str, Any] = {}
    for name in names:
        value = getattr(settings, name)
        if value is not None:
            options[name] = value
    return options
