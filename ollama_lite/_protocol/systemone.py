"""The `/v1/systemone` request builder: questions about a state, checked before sending."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from .. import _inputs as inputs
from .._errors import RequestError
from ..types import SystemOneContent, SystemOneQuestion, SystemOneRequest, SystemOneResponse
from .call import Call

__all__ = ["systemone"]

_encode = msgspec.json.Encoder().encode


def _content(value: object, name: str) -> SystemOneContent:
    if isinstance(value, (str, dict, list)):
        return value
    raise RequestError(f"{name} must be a string, a dict or a list, not {type(value).__name__}")


def _question(value: object, where: str) -> SystemOneQuestion:
    try:
        question: SystemOneQuestion = msgspec.convert(
            value, SystemOneQuestion, from_attributes=True
        )
    except msgspec.ValidationError as exc:
        raise RequestError(f"invalid {where}: {str(exc).replace('`$', '`' + where)}") from None
    return question


def systemone(
    model: str,
    state: SystemOneContent,
    questions: Mapping[str, SystemOneQuestion | Mapping[str, Any]],
    keep_alive: float | str | Any | None = None,
) -> Call[SystemOneResponse]:
    """POST /v1/systemone (one JSON answer; no streaming)."""
    if not isinstance(questions, Mapping) or not questions:
        raise RequestError("questions must be a non-empty dict of named questions")
    checked: dict[str, SystemOneQuestion] = {}
    for name, question in questions.items():
        if not isinstance(name, str) or not name:
            raise RequestError(f"question names must be non-empty strings; got {name!r}")
        checked[name] = _question(question, f"questions[{name!r}]")
    request = SystemOneRequest(
        model=inputs.model_arg(model),
        state=_content(state, "state"),
        questions=checked,
        keep_alive=inputs.keep_alive_arg(keep_alive),
    )
    return Call("POST", "/v1/systemone", SystemOneResponse, _encode(request))
