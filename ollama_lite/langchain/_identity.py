"""What identifies a model run: cache keys (`_identifying_params`) and LangSmith's params."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.language_models import LangSmithParams

from ._options import SAMPLING_FIELDS, SamplingOptions, field_options

__all__ = ["identifying_params", "ls_params"]


def identifying_params(
    settings: SamplingOptions, model: str, names: tuple[str, ...]
) -> dict[str, Any]:
    """The `model` name, every option that is set, and the set fields among `names`."""
    params: dict[str, Any] = {"model": model}
    params.update(field_options(settings, SAMPLING_FIELDS))
    params.update(field_options(settings, names))
    return params


def ls_params(
    settings: SamplingOptions,
    model: str,
    model_type: Literal["chat", "llm"],
    stop: list[str] | None,
    kwargs: dict[str, Any],
) -> LangSmithParams:
    """LangSmith's params for a call: per-call values (also inside `options`) win."""
    options = kwargs.get("options") or {}
    params = LangSmithParams(
        ls_provider="ollama",
        ls_model_name=kwargs.get("model", model),
        ls_model_type=model_type,
    )
    temperature = kwargs.get("temperature", options.get("temperature", settings.temperature))
    if temperature is not None or model_type == "chat":
        params["ls_temperature"] = temperature
    max_tokens = kwargs.get(
        "num_predict", kwargs.get("max_tokens", options.get("num_predict", settings.num_predict))
    )
    if max_tokens:
        params["ls_max_tokens"] = max_tokens
    if ls_stop := stop or kwargs.get("stop") or settings.stop:
        params["ls_stop"] = ls_stop
    return params
