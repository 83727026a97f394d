"""Log probabilities in `response_metadata`, shaped like langchain-ollama's.

langchain-ollama passes on the `ollama` package's `Logprob` models (pydantic, fields
`token`, `logprob`, `top_logprobs`; readable as `lp.token` and `lp["token"]`). These are
equivalent models, so code written against langchain-ollama reads them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

import ollama_lite

__all__ = ["Logprob", "TokenLogprob", "convert_logprobs"]


class TokenLogprob(BaseModel):
    """A token with its log probability (readable by attribute or by key)."""

    token: str
    logprob: float

    def __getitem__(self, key: str) -> Any:
        if key in self:
            return getattr(self, key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and getattr(self, key, None) is not None

    def get(self, key: str, default: Any = None) -> Any:
        """The value of field `key` when it is set, else `default` (dict-style access)."""
        return getattr(self, key) if key in self else default


class Logprob(TokenLogprob):
    """A generated token's log probability, with the most likely alternatives."""

    top_logprobs: Sequence[TokenLogprob] | None = None


def convert_logprobs(items: list[ollama_lite.Logprob] | None) -> list[Logprob] | None:
    """The core's log probabilities as `Logprob` models (the tokens' `bytes` are dropped,
    as langchain-ollama does)."""
    if items is None:
        return None
    return [
        Logprob(
            token=item.token,
            logprob=item.logprob,
            top_logprobs=None
            if item.top_logprobs is None
            else [TokenLogprob(token=top.token, logprob=top.logprob) for top in item.top_logprobs],
        )
        for item in items
    ]
