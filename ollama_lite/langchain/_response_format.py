"""OpenAI-style `response_format` -> Ollama's `format`, with langchain-ollama's warnings."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["resolve_format"]


def _warn(message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=5)


def resolve_format(fmt: Any, response_format: Any) -> Any:
    """`format` wins; else an OpenAI-style `response_format` is translated (with warnings)."""
    if fmt is not None:
        if response_format is not None:
            _warn(
                "Both 'format' and 'response_format' were provided. "
                "'response_format' will be ignored in favor of 'format'."
            )
        return fmt
    if response_format is None:
        return None
    if not isinstance(response_format, dict):
        _warn(
            f"Ignored invalid 'response_format' type: {type(response_format)}. "
            "Expected a dictionary."
        )
        return None
    kind = response_format.get("type")
    if kind == "json_object":
        return "json"
    if kind != "json_schema":
        _warn(
            f"Ignored unrecognized 'response_format' type: {kind}. "
            "Expected 'json_object' or 'json_schema'."
        )
        return None
    block = response_format.get("json_schema")
    if not isinstance(block, dict):
        _warn(
            "response_format has type 'json_schema' but 'json_schema' "
            f"value is {type(block)}, expected a dict containing a 'schema' key. "
            "The format parameter will not be set."
        )
        return None
    schema = block.get("schema")
    if schema is None:
        _warn(
            "response_format has type 'json_schema' but no 'schema' key was found in "
            "'json_schema'. The format parameter will not be set."
        )
    return schema
