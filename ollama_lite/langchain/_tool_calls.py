"""Tool calls in replies: Ollama's calls -> LangChain's, repairing malformed arguments."""

from __future__ import annotations

import ast
import json
from typing import Any
from uuid import uuid4

from langchain_core.exceptions import OutputParserException
from langchain_core.messages.tool import ToolCall as LCToolCall

from ollama_lite import ToolCall

__all__ = ["parse_arguments", "tool_calls"]


def _parse_json_string(text: str, name: str, raw: Any, *, skip: bool) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        try:
            return ast.literal_eval(text)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as exc:
            if skip:
                return text
            raise OutputParserException(
                f"Function {name} arguments:\n\n{raw}\n\nare not valid JSON or a Python "
                f"literal. Received error: {exc}"
            ) from exc


def parse_arguments(name: str, arguments: Any) -> dict[str, Any]:
    """Tool-call arguments as a dict, repairing what some models send.

    String values holding a JSON (or Python-literal) object or list are decoded, and a
    `functionName` key echoing the function's name is dropped (ollama/ollama#6155).
    """
    if isinstance(arguments, dict):
        parsed: dict[str, Any] = {}
        for key, value in arguments.items():
            if key == "functionName" and value == name:
                continue
            if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
                decoded = _parse_json_string(value, name, arguments, skip=True)
                parsed[key] = decoded if isinstance(decoded, (dict, list)) else value
            else:
                parsed[key] = value
        return parsed
    if isinstance(arguments, str):
        decoded = _parse_json_string(arguments, name, arguments, skip=False)
        return decoded if isinstance(decoded, dict) else {}
    raise OutputParserException(
        f"Function {name} arguments:\n\n{arguments}\n\nare not a string or a dictionary."
    )


def tool_calls(calls: list[ToolCall]) -> list[LCToolCall]:
    """Ollama tool calls as LangChain's (a call without an id gets a fresh uuid)."""
    return [
        LCToolCall(
            name=call.function.name,
            args=parse_arguments(call.function.name, call.function.arguments),
            id=call.id or str(uuid4()),
            type="tool_call",
        )
        for call in calls
    ]
