"""Checks and conversions of what callers pass, done before anything is sent.

Each function takes a caller's value and returns what goes in the request Struct, or
raises `RequestError` with a message that names the argument and what is wrong with it.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from ._errors import RequestError
from ._images import NO_FILES, ImageFiles, encode_images
from .types import Message, Options, Tool, ToolCall

__all__ = [
    "embed_input",
    "format_arg",
    "keep_alive_arg",
    "messages_arg",
    "model_arg",
    "options_arg",
    "think_arg",
    "tools_arg",
    "top_logprobs_arg",
]

THINK_LEVELS = ("low", "medium", "high", "max")
# Go's time.ParseDuration syntax; a unit is required except for "0".
_DURATION = re.compile(r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$|^[+-]?0$")


def model_arg(model: object, name: str = "model") -> str:
    """A model name: a non-empty string without whitespace."""
    if not isinstance(model, str):
        raise RequestError(f"{name} must be a string, not {type(model).__name__}")
    if not model.strip():
        raise RequestError(f"{name} is required")
    if any(ch.isspace() for ch in model):
        raise RequestError(f"{name} {model!r} contains whitespace")
    return model


def think_arg(think: object) -> bool | str | None:
    """`think`: a bool or one of "low", "medium", "high", "max"."""
    if think is None or isinstance(think, bool):
        return think
    if isinstance(think, str) and think in THINK_LEVELS:
        return think
    raise RequestError(f"think must be a bool or one of {', '.join(THINK_LEVELS)}; got {think!r}")


def keep_alive_arg(keep_alive: object) -> float | str | None:
    """`keep_alive`: seconds as a number, a duration string like "5m", or a timedelta."""
    if keep_alive is None:
        return None
    if isinstance(keep_alive, datetime.timedelta):
        return keep_alive.total_seconds()
    if (
        isinstance(keep_alive, (int, float))
        and not isinstance(keep_alive, bool)
        and math.isfinite(keep_alive)
    ):
        return keep_alive
    if isinstance(keep_alive, str) and _DURATION.match(keep_alive.strip()):
        return keep_alive.strip()
    raise RequestError(
        "keep_alive must be seconds (a number), a duration string with a unit such as "
        f'"5m" or "1h30m", or a timedelta; got {keep_alive!r}'
    )


def top_logprobs_arg(top_logprobs: object) -> int | None:
    """`top_logprobs`: an int from 0 to 20."""
    if top_logprobs is None:
        return None
    if isinstance(top_logprobs, bool) or not isinstance(top_logprobs, int):
        raise RequestError(f"top_logprobs must be an int, not {type(top_logprobs).__name__}")
    if not 0 <= top_logprobs <= 20:
        raise RequestError(f"top_logprobs must be between 0 and 20; got {top_logprobs}")
    return top_logprobs


def options_arg(options: object, name: str = "options") -> Options | None:
    """`options`: a mapping or `Options`; unknown names and wrong types are errors."""
    if options is None:
        return None
    if isinstance(options, Options):
        options = msgspec.structs.asdict(options)
    if not isinstance(options, Mapping):
        raise RequestError(f"{name} must be a dict or Options, not {type(options).__name__}")
    values = {key: value for key, value in options.items() if value is not None}
    if isinstance(values.get("stop"), str):
        values["stop"] = [values["stop"]]
    try:
        return msgspec.convert(values, Options)
    except msgspec.ValidationError as exc:
        message = str(exc).replace("Object contains unknown field", "unknown option")
        message = message.replace("- at `$.", f"- at `{name}.").replace("`$`", f"`{name}`")
        raise RequestError(f"invalid {name}: {message}") from None


def format_arg(fmt: object) -> str | dict[str, Any] | None:
    """`format`: "json", a JSON-schema dict, or a type to build a schema from."""
    if fmt is None:
        return None
    from ._schema import format_value  # imported on first use: most calls have no format

    try:
        return format_value(fmt)
    except (TypeError, ValueError) as exc:
        raise RequestError(f"invalid format: {exc}") from None


def _tool_call_arguments(call: Any, where: str) -> Any:
    """Accept OpenAI-style JSON-string arguments in history; the server needs an object."""
    if not isinstance(call, Mapping):
        return call
    function = call.get("function")
    if isinstance(function, Mapping) and function.get("arguments") is None:
        call = {**call, "function": {**function, "arguments": {}}}
    elif isinstance(function, Mapping) and isinstance(function.get("arguments"), str):
        try:
            arguments = msgspec.json.decode(function["arguments"])
        except msgspec.DecodeError:
            raise RequestError(f"{where}.function.arguments is not a JSON object") from None
        call = {**call, "function": {**function, "arguments": arguments}}
    return call


def _checked_message(message: Message, where: str, files: ImageFiles) -> Message:
    """A Message with its images encoded and JSON-string tool arguments parsed."""
    changes: dict[str, Any] = {}
    if message.images:
        changes["images"] = encode_images(message.images, f"{where}.images", files)
    if message.tool_calls and any(
        isinstance(call.function.arguments, str) for call in message.tool_calls
    ):
        changes["tool_calls"] = [
            msgspec.convert(
                _tool_call_arguments(msgspec.to_builtins(call), f"{where}.tool_calls[{j}]"),
                ToolCall,
            )
            for j, call in enumerate(message.tool_calls)
        ]
    return msgspec.structs.replace(message, **changes) if changes else message


def messages_arg(messages: object, files: ImageFiles = NO_FILES) -> list[Message]:
    """`messages`: dicts or `Message`s; images in them are encoded to base64 (image files
    from `files`, which the client read)."""
    if messages is None:
        return []
    if isinstance(messages, (str, bytes, Mapping, Message)) or not isinstance(messages, Sequence):
        raise RequestError("messages must be a list of dicts or Message objects")
    result: list[Message] = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if isinstance(message, Message):
            result.append(_checked_message(message, where, files))
            continue
        if not isinstance(message, Mapping):
            raise RequestError(f"{where} must be a dict or Message, not {type(message).__name__}")
        data = dict(message)
        if data.get("images") is not None:
            data["images"] = encode_images(data["images"], f"{where}.images", files)
        if isinstance(data.get("tool_calls"), Sequence):
            data["tool_calls"] = [
                _tool_call_arguments(call, f"{where}.tool_calls[{j}]")
                for j, call in enumerate(data["tool_calls"])
            ]
        try:
            result.append(msgspec.convert(data, Message))
        except msgspec.ValidationError as exc:
            raise RequestError(f"invalid {where}: {str(exc).replace('`$', '`' + where)}") from None
    return result


def tools_arg(tools: object) -> list[dict[str, Any]] | None:
    """`tools`: dicts, `Tool`s or Python functions, as JSON-schema tool definitions."""
    if tools is None:
        return None
    if isinstance(tools, (str, bytes, Mapping)) or not isinstance(tools, Sequence):
        raise RequestError("tools must be a list of dicts, Tool objects or functions")
    from ._tools import function_to_tool, normalize_tool  # imported on first use

    result: list[dict[str, Any]] = []
    for i, tool in enumerate(tools):
        try:
            if isinstance(tool, Tool):
                data: dict[str, Any] = msgspec.to_builtins(tool)
                data.setdefault("type", "function")
                parameters = data.get("function", {}).get("parameters")
                if isinstance(parameters, dict):
                    parameters.setdefault("type", "object")
                result.append(normalize_tool(data))
            elif isinstance(tool, Mapping):
                result.append(normalize_tool(tool))
            elif callable(tool):
                result.append(function_to_tool(tool))
            else:
                raise TypeError(f"expected a dict, Tool or function, not {type(tool).__name__}")
        except (TypeError, ValueError) as exc:
            if isinstance(exc, RequestError):
                raise
            raise RequestError(f"invalid tools[{i}]: {exc}") from None
    return result


def embed_input(value: object) -> str | list[str]:
    """`input` of embed: a string or a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        items = list(value)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise RequestError(f"input[{i}] must be a string, not {type(item).__name__}")
        return items
    raise RequestError(f"input must be a string or a list of strings, not {type(value).__name__}")


def bool_arg(value: object, name: str) -> bool | None:
    """An optional flag: True, False or None."""
    if value is None or isinstance(value, bool):
        return value
    raise RequestError(f"{name} must be True or False, not {value!r}")


def int_arg(value: object, name: str, minimum: int = 0) -> int | None:
    """An optional whole number of at least `minimum`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise RequestError(f"{name} must be >= {minimum}; got {value}")
    return value


def ints_arg(value: object, name: str) -> list[int] | None:
    """An optional list of ints (e.g. a generate `context`)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise RequestError(f"{name} must be a list of ints, not {type(value).__name__}")
    items = list(value)
    for i, item in enumerate(items):
        if isinstance(item, bool) or not isinstance(item, int):
            raise RequestError(f"{name}[{i}] must be an int, not {type(item).__name__}")
    return items


def license_arg(value: object) -> str | list[str] | None:
    """`license` of create: a string or a list of strings."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        items = list(value)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise RequestError(f"license[{i}] must be a string, not {type(item).__name__}")
        return items
    raise RequestError(f"license must be a string or a list of strings, not {type(value).__name__}")


_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def stream_arg(stream: object) -> bool:
    """`stream`: exactly True or False."""
    if not isinstance(stream, bool):
        raise RequestError(f"stream must be True or False, not {stream!r}")
    return stream


def optional_str(value: object, name: str) -> str | None:
    """An optional string argument."""
    if value is None or isinstance(value, str):
        return value
    raise RequestError(f"{name} must be a string, not {type(value).__name__}")


def digest_arg(digest: object) -> str:
    """A blob digest: `sha256:` and 64 lowercase hex digits."""
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise RequestError(f"digest must look like 'sha256:<64 lowercase hex>'; got {digest!r}")
    return digest


def digests_arg(mapping: Mapping[str, str] | None, name: str) -> dict[str, str] | None:
    """`files`/`adapters` of create: relative file names mapped to blob digests."""
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise RequestError(f"{name} must map file names to digests")
    for filename, digest in mapping.items():
        if not isinstance(filename, str) or filename.startswith("/") or ".." in filename.split("/"):
            raise RequestError(f"{name}: {filename!r} must be a relative path")
        digest_arg(digest)
    return dict(mapping)


def nonempty_str(value: object, name: str) -> str:
    """A required string with something in it besides whitespace."""
    if not isinstance(value, str) or not value.strip():
        raise RequestError(f"{name} must be a non-empty string")
    return value


def positive_int(value: object, name: str) -> int:
    """A required int of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RequestError(f"{name} must be a positive int; got {value!r}")
    return value
