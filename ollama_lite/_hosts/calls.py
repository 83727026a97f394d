"""What a pool reads from a `Call` (its model, its place in line, how safe it is to repeat)
and writes on a result (the host that answered). Pure."""

from __future__ import annotations

from typing import Any

import msgspec

from .._protocol import Call
from .failures import CallKind
from .routing import Ticket

__all__ = ["call_kind", "call_model", "call_ticket", "tag_host"]

# Calls that only read: as safe to repeat as an embedding.
_READ_ONLY_PATHS = frozenset({"/api/embed", "/api/embeddings", "/api/show"})
_GENERATION_PATHS = frozenset({"/api/chat", "/api/generate"})
# Calls that put their model on the host that runs them.
_MODEL_MAKING_PATHS = frozenset({"/api/pull", "/api/create"})


class _ModelField(msgspec.Struct):
    model: str = ""


_model_decoder = msgspec.json.Decoder(_ModelField)


def call_model(call: Call[Any]) -> str:
    """The model a call names (routing remembers which hosts lack it), or ""."""
    if not call.body or call.method != "POST":
        return ""
    try:
        return _model_decoder.decode(call.body).model
    except msgspec.DecodeError:
        return ""


def call_ticket(call: Call[Any]) -> Ticket:
    """A place in line for `call`: routed by its model, unless it makes that model."""
    model = call_model(call)
    if call.path in _MODEL_MAKING_PATHS:
        return Ticket("", provides=model)
    return Ticket(model)


def call_kind(call: Call[Any]) -> CallKind:
    """How safe the call is to repeat after it reached a server (see `failures.classify`)."""
    if call.stream:
        return "any"
    if call.method in ("GET", "HEAD") or call.path in _READ_ONLY_PATHS:
        return "idempotent"
    if call.path in _GENERATION_PATHS:
        return "generation"
    return "any"


def tag_host(result: Any, host: str) -> Any:
    """`result` saying which host answered it (every response type has a `host` field)."""
    if hasattr(result, "host"):
        result.host = host
    return result
