"""Tool definitions for chat: from Python functions (with a JSON schema built from their
type hints) and from dicts (checked and copied).

`function_to_tool` builds one from a function (`functions.py`), using `type_schema.py` for
each parameter's schema; `normalize_tool` checks a dict tool (`dict_tools.py`).
"""

from __future__ import annotations

from .dict_tools import normalize_tool
from .functions import function_to_tool

__all__ = ["function_to_tool", "normalize_tool"]
