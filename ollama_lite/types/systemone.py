"""System One scoring (POST /v1/systemone): questions about a state, answered as probabilities.

The same names and shapes as the official package's `SystemOne*` types. A question and an
answer carry a `type` tag ("choice", "noul" or "score") that picks its class when decoded.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

import msgspec

from ._base import SubscriptableStruct

__all__ = [
    "SystemOneAnswer",
    "SystemOneChoiceAnswer",
    "SystemOneChoiceQuestion",
    "SystemOneContent",
    "SystemOneNoulAnswer",
    "SystemOneNoulQuestion",
    "SystemOneQuestion",
    "SystemOneRequest",
    "SystemOneResponse",
    "SystemOneScoreAnswer",
    "SystemOneScoreQuestion",
    "SystemOneUsage",
]

SystemOneContent: TypeAlias = str | dict[str, Any] | list[Any]
"""A state or instructions: text, or any JSON object or array."""


class _Tagged(SubscriptableStruct):
    """A question or answer: `type` (and `obj["type"]`) reads its tag, as in the official types."""

    @property
    def type(self) -> str:
        """ "choice", "noul" or "score"."""
        return str(self.__struct_config__.tag)

    def __getitem__(self, key: str) -> Any:
        return self.type if key == "type" else super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        return key == "type" or super().__contains__(key)

    def _shown(self) -> list[str]:
        return [f"type={self.type!r}", *super()._shown()]


class SystemOneChoiceQuestion(_Tagged, tag="choice", tag_field="type"):
    """Pick one of `criteria` (ordered; a None description means the key says it all)."""

    instructions: SystemOneContent
    criteria: dict[str, str | None]


class SystemOneNoulQuestion(_Tagged, tag="noul", tag_field="type"):
    """A yes/no question; `criteria` may describe "true" and "false"."""

    instructions: SystemOneContent
    criteria: dict[Literal["false", "true"], str] | None = None


class SystemOneScoreQuestion(_Tagged, tag="score", tag_field="type"):
    """A score on a scale; `criteria` describe each level, lowest first."""

    instructions: SystemOneContent
    criteria: list[str]


SystemOneQuestion: TypeAlias = (
    SystemOneChoiceQuestion | SystemOneNoulQuestion | SystemOneScoreQuestion
)


class SystemOneRequest(SubscriptableStruct):
    """Body of POST /v1/systemone."""

    model: str
    state: SystemOneContent
    questions: dict[str, SystemOneQuestion]
    keep_alive: float | str | None = None


class SystemOneNoulAnswer(_Tagged, tag="noul", tag_field="type", gc=False):
    """`noul` is the probability of "true"."""

    noul: float


class SystemOneChoiceAnswer(_Tagged, tag="choice", tag_field="type", gc=False):
    """The most likely `choice`, every choice's probability, and the confidence."""

    choice: str
    probabilities: dict[str, float]
    confidence: float


class SystemOneScoreAnswer(_Tagged, tag="score", tag_field="type", gc=False):
    """The expected zero-based `score` (may be fractional), per-level probabilities, legend."""

    score: float
    legend: dict[str, str]
    probabilities: dict[str, float]
    confidence: float


SystemOneAnswer: TypeAlias = SystemOneNoulAnswer | SystemOneChoiceAnswer | SystemOneScoreAnswer


class SystemOneUsage(SubscriptableStruct, gc=False):
    """Tokens read and written."""

    input_tokens: int = 0
    output_tokens: int = 0


class SystemOneResponse(SubscriptableStruct, gc=False):
    """One answer per question, by the question's name."""

    model: str = ""
    answers: dict[str, SystemOneAnswer] = msgspec.field(default_factory=dict)
    usage: SystemOneUsage = msgspec.field(default_factory=SystemOneUsage)
