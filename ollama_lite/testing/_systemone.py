"""``POST /v1/systemone``: deterministic answers to choice, noul and score questions.

Probabilities come from a hash of the state, the question and each option, so the same
request always gets the same answers and different states get different ones.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ._asgi import Exchange
from ._state import State
from ._validate import Fields, fail
from ._wire import go_quote

__all__ = ["SystemOne"]

_KINDS = ("choice", "noul", "score")


def _weight(*parts: str) -> float:
    """A deterministic number in (0, 1] for these parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (int.from_bytes(digest[:4], "big") + 1) / 2**32


def _content(value: Any, where: str) -> str:
    """A state or instructions (string, object or array) as canonical text."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    fail(400, f"{where} must be a string, object or array")


def _distribution(seed: str, options: list[str]) -> dict[str, float]:
    weights = {option: _weight(seed, option) ** 3 for option in options}
    total = sum(weights.values())
    return {option: round(weight / total, 6) for option, weight in weights.items()}


def _answer(name: str, question: Any, state: str) -> tuple[dict[str, Any], int]:
    """The answer to one question and the number of words it read."""
    if not isinstance(question, dict):
        fail(400, f"question {go_quote(name)} must be an object")
    kind = question.get("type")
    if kind not in _KINDS:
        fail(400, f"question {go_quote(name)}: type must be one of {', '.join(_KINDS)}")
    instructions = _content(question.get("instructions"), f"question {go_quote(name)}")
    criteria = question.get("criteria")
    seed = "\x1e".join((state, name, instructions))
    words = len(instructions.split())
    if kind == "noul":
        if criteria is not None and (
            not isinstance(criteria, dict) or not set(criteria) <= {"true", "false"}
        ):
            fail(400, f'question {go_quote(name)}: noul criteria may only have "true", "false"')
        return {"type": "noul", "noul": round(_weight(seed, "true"), 6)}, words
    if kind == "choice":
        if not isinstance(criteria, dict) or not criteria:
            fail(400, f"question {go_quote(name)}: choice criteria must be a non-empty object")
        probabilities = _distribution(seed, list(criteria))
        choice = max(probabilities, key=lambda option: probabilities[option])
        answer = {
            "type": "choice",
            "choice": choice,
            "probabilities": probabilities,
            "confidence": probabilities[choice],
        }
        return answer, words
    if (
        not isinstance(criteria, list)
        or not criteria
        or not all(isinstance(item, str) for item in criteria)
    ):
        fail(400, f"question {go_quote(name)}: score criteria must be a non-empty string array")
    levels = [str(i) for i in range(len(criteria))]
    probabilities = _distribution(seed, levels)
    answer = {
        "type": "score",
        "score": round(sum(int(level) * p for level, p in probabilities.items()), 6),
        "legend": dict(zip(levels, criteria, strict=True)),
        "probabilities": probabilities,
        "confidence": max(probabilities.values()),
    }
    return answer, words


class SystemOne:
    """The System One scoring route."""

    def __init__(self, state: State) -> None:
        self.state = state

    async def score(self, ex: Exchange) -> None:
        req = Fields(ex.json_object("SystemOneRequest"), "SystemOneRequest")
        model = req.string("model")
        if not model:
            fail(400, "model is required")
        entry = self.state.get(model)
        if entry is None:
            fail(404, f"model '{model}' not found")
        if "completion" not in entry.capabilities:
            fail(400, f"{go_quote(model)} does not support systemone")
        questions = req.mapping("questions", "map[string]api.SystemOneQuestion")
        if not questions:
            fail(400, "questions are required")
        state = _content(req.data.get("state"), "state")
        answers: dict[str, Any] = {}
        read = len(state.split())
        for name, question in questions.items():
            answers[name], words = _answer(name, question, state)
            read += words
        await ex.respond_json(
            {
                "model": model,
                "answers": answers,
                "usage": {"input_tokens": read, "output_tokens": len(answers)},
            }
        )
