"""Python functions -> Ollama tool definitions: the name, the Google-style docstring's
descriptions, and a JSON schema per parameter (`type_schema.py`).

An unannotated parameter is ``{"type": "string"}`` (as in the official package): the model
sees a concrete type, and the call arguments it produces are text. A docstring ``Args:``
description wins over an ``Annotated[X, "text"]`` description.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from .._docstrings import parse_docstring
from .._hints import caller_namespace, get_hints
from .type_schema import Unsupported, schema_for

__all__ = ["function_to_tool"]


def function_to_tool(func: Callable[..., Any]) -> dict[str, Any]:
    """Build an Ollama tool definition from a Python function.

    The description and per-parameter descriptions come from a Google-style docstring; the
    parameter schemas from type annotations. Parameters without a default are required;
    ``self``/``cls``, ``*args`` and ``**kwargs`` are skipped. Raises ``TypeError`` for a
    non-function or an unsupported annotation and ``ValueError`` for an invalid tool name
    (e.g. a lambda), naming the function and parameter.
    """
    if not callable(func):
        raise TypeError(f"a tool must be a function, got {func!r}")
    name = getattr(func, "__name__", None)
    if not isinstance(name, str):
        raise TypeError(f"cannot make a tool from {func!r}: it has no __name__")
    if not name.isidentifier():
        raise ValueError(
            f"cannot make a tool from {func!r}: {name!r} is not a valid tool name "
            "(use a named function, not a lambda)"
        )
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot read the signature of function {name!r}: {exc}") from exc
    try:
        hints = get_hints(func)
    except Exception as exc:  # NameError for unresolvable forward references, mostly
        raise _hint_error(func, name, signature, exc, caller_namespace(func)) from exc
    description, arg_docs = parse_docstring(getattr(func, "__doc__", None))
    properties: dict[str, Any] = {}
    required: list[str] = []
    for index, param in enumerate(signature.parameters.values()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if index == 0 and param.name in ("self", "cls"):
            continue
        if param.name in hints:
            try:
                schema = schema_for(hints[param.name])
            except Unsupported as exc:
                reason = f": {exc.reason}" if exc.reason else ""
                raise TypeError(
                    f"function {name!r}, parameter {param.name!r}: cannot convert type "
                    f"{exc.tp!r} to a JSON schema{reason}"
                ) from exc
        else:
            schema = {"type": "string"}
        if arg_docs.get(param.name):
            schema = {**schema, "description": arg_docs[param.name]}
        properties[param.name] = schema
        if param.default is param.empty:
            required.append(param.name)
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


def _hint_error(
    func: Callable[..., Any],
    name: str,
    signature: inspect.Signature,
    exc: Exception,
    localns: Mapping[str, Any],
) -> TypeError:
    """Find the parameter whose annotation cannot be resolved, for a precise message."""
    namespace = getattr(inspect.unwrap(func), "__globals__", {})
    for param in signature.parameters.values():
        if param.annotation is param.empty:
            continue
        shim = types.SimpleNamespace(__annotations__={param.name: param.annotation})
        try:
            typing.get_type_hints(shim, globalns=namespace, localns=localns, include_extras=True)
        except Exception as param_exc:
            return TypeError(
                f"function {name!r}, parameter {param.name!r}: cannot resolve annotation "
                f"{param.annotation!r} ({param_exc}); a string annotation must name a type "
                "visible from the function's module or from where the tool is passed"
            )
    return TypeError(f"cannot resolve the type hints of function {name!r}: {exc}")
