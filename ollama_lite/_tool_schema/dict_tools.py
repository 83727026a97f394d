"""Tools given as dicts: checked and copied, the schema kept as given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["normalize_tool"]


def normalize_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a tool given as a dict and return a deep copy with ``type`` defaulted.

    Requires ``function.name`` to be a non-empty string; the rest (nested ``properties``,
    ``anyOf``, ``required``, ``$defs``...) is kept as given. Raises ``ValueError``.
    """
    if not isinstance(tool, Mapping):
        raise ValueError(f"a tool must be a mapping or a function, got {type(tool).__name__}")
    kind = tool.get("type", "function")
    if not isinstance(kind, str) or not kind:
        raise ValueError(f'tool "type" must be a non-empty string such as "function", got {kind!r}')
    function = tool.get("function")
    if not isinstance(function, Mapping):
        raise ValueError(f'tool must have a "function" object, got {function!r}')
    name = function.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f'tool "function.name" must be a non-empty string, got {name!r}')
    parameters = function.get("parameters")
    if parameters is not None and not isinstance(parameters, Mapping):
        raise ValueError(
            f'tool {name!r}: "function.parameters" must be an object, got {parameters!r}'
        )
    out: dict[str, Any] = {"type": kind}
    out.update(_deep_copy(tool))
    out["type"] = kind
    return out


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep_copy(v) for v in value]
    return value
