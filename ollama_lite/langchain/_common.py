"""Sampling options shared by `ChatOllama` and `OllamaLLM`, and small helpers."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import anyio
from langchain_core.callbacks import (
    AsyncCallbackHandler,
    AsyncCallbackManagerForLLMRun,
    BaseCallbackHandler,
    CallbackManagerForLLMRun,
)
from langchain_core.tracers.base import AsyncBaseTracer, BaseTracer
from pydantic import AliasChoices, BaseModel, Field, model_validator

__all__ = ["SAMPLING_FIELDS", "SamplingOptions", "field_options", "wants_tokens"]

#: The fields sent in `options`, in the order langchain-ollama sends them.
SAMPLING_FIELDS = (
    "mirostat",
    "mirostat_eta",
    "mirostat_tau",
    "num_ctx",
    "num_gpu",
    "num_thread",
    "num_predict",
    "repeat_last_n",
    "repeat_penalty",
    "temperature",
    "seed",
    "stop",
    "tfs_z",
    "top_k",
    "top_p",
)


class SamplingOptions(BaseModel):
    """Model options; each one set (not None) is sent in the request's `options`."""

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

    num_predict: int | None = Field(
        default=None, validation_alias=AliasChoices("num_predict", "max_tokens")
    )
    """Maximum number of tokens to generate (-1 = no limit). Also accepted as `max_tokens`."""

    repeat_last_n: int | None = None
    """How far back to look to prevent repetition (0 = disabled, -1 = num_ctx)."""

    repeat_penalty: float | None = None
    """How strongly to penalise repetitions (server default 1.1)."""

    temperature: float | None = None
    """Sampling temperature: higher is more creative (server default 0.8)."""

    seed: int | None = None
    """Random seed, for reproducible output."""

    stop: list[str] | None = None
    """Stop sequences. A per-call `stop` replaces these."""

    tfs_z: float | None = None
    """Tail free sampling (1.0 = disabled; ignored by current servers)."""

    top_k: int | None = None
    """Sample from the k most likely tokens (server default 40)."""

    top_p: float | None = None
    """Nucleus sampling: sample from the top tokens covering this probability (default 0.9)."""

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


def field_options(model: BaseModel, names: tuple[str, ...]) -> dict[str, Any]:
    """The options `names` of `model` that are set (not None), as a new dict."""
    options: dict[str, Any] = {}
    for name in names:
        value = getattr(model, name)
        if value is not None:
            options[name] = value
    return options


def wants_tokens(
    run_manager: CallbackManagerForLLMRun | AsyncCallbackManagerForLLMRun | None,
) -> bool:
    """True when a callback handler wants tokens as they come (`on_llm_new_token`).

    Then `invoke` streams the reply; otherwise it asks for the whole reply at once, which
    is faster. Tracers record tokens only as events, so they do not count.
    """
    if run_manager is None:
        return False
    for handler in run_manager.handlers:
        if isinstance(handler, (BaseTracer, AsyncBaseTracer)) or handler.ignore_llm:
            continue
        method = type(handler).on_llm_new_token
        if (
            method is not BaseCallbackHandler.on_llm_new_token
            and method is not AsyncCallbackHandler.on_llm_new_token
        ):
            return True
    return False


if sys.version_info >= (3, 11):
    from builtins import BaseExceptionGroup
else:  # pragma: no cover - anyio depends on the backport there
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found,unused-ignore]


async def run_concurrently(calls: Sequence[Callable[[], Coroutine[Any, Any, None]]]) -> None:
    """Run `calls` at once; a failure is raised as itself, as langchain-ollama's would be,
    not wrapped in an ExceptionGroup (the others are cancelled)."""
    try:
        async with anyio.create_task_group() as group:
            for call in calls:
                group.start_soon(call)
    except BaseExceptionGroup as errors:
        first: BaseException = errors
        while isinstance(first, BaseExceptionGroup) and first.exceptions:
            first = first.exceptions[0]
        raise first from None
