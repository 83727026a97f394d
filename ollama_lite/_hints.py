"""Type hints of tool functions, resolved the way pydantic resolves them.

A string annotation (`from __future__ import annotations`) may name a class defined next to
the tool inside a function; the module's names do not have it, the caller's frames do.
"""

from __future__ import annotations

import collections
import contextlib
import inspect
import sys
import typing
from collections.abc import Mapping
from types import FrameType
from typing import Any

__all__ = ["caller_namespace", "get_hints"]


def caller_namespace(func: Any = None) -> Mapping[str, Any]:
    """Names a string annotation may refer to beyond its module, as pydantic resolves them.

    The function's closure comes first, then the local variables of the frames that called
    into ollama_lite, nearest first: a class defined in the same function as the tool is
    found even under `from __future__ import annotations`. Used only when the module's
    names are not enough, so a caller's local never shadows a module-level type.
    """
    scopes: list[dict[str, Any]] = []
    if callable(func):
        with contextlib.suppress(TypeError, ValueError):
            scopes.append(dict(inspect.getclosurevars(inspect.unwrap(func)).nonlocals))
    frame: FrameType | None = sys._getframe(1)
    depth = 0
    while frame is not None and depth < 64:
        module = frame.f_globals.get("__name__", "")
        if module != "ollama_lite" and not module.startswith("ollama_lite."):
            scopes.append(frame.f_locals)
        frame, depth = frame.f_back, depth + 1
    return collections.ChainMap(*scopes)


def get_hints(obj: Any) -> dict[str, Any]:
    """`typing.get_type_hints`, falling back to the caller's names (see `caller_namespace`)."""
    try:
        return typing.get_type_hints(obj, include_extras=True)
    except NameError:
        return typing.get_type_hints(obj, localns=caller_namespace(obj), include_extras=True)
