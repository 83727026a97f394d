"""Whether a run's callback handlers want tokens as they are generated."""

from __future__ import annotations

from langchain_core.callbacks import (
    AsyncCallbackHandler,
    AsyncCallbackManagerForLLMRun,
    BaseCallbackHandler,
    CallbackManagerForLLMRun,
)
from langchain_core.tracers.base import AsyncBaseTracer, BaseTracer

__all__ = ["wants_tokens"]


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
