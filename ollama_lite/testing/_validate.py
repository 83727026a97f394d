"""Request decoding and validation with Ollama's (Go's) status codes and error messages."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, NoReturn

import msgspec

from ._wire import go_quote, json_type_name

_INT_OPTIONS = frozenset(
    {
        "num_keep",
        "seed",
        "num_predict",
        "top_k",
        "repeat_last_n",
        "num_ctx",
        "num_batch",
        "num_gpu",
        "main_gpu",
        "num_thread",
        "draft_num_predict",
    }
)
_FLOAT_OPTIONS = frozenset(
    {
        "top_p",
        "min_p",
        "typical_p",
        "temperature",
        "repeat_penalty",
        "presence_penalty",
        "frequency_penalty",
    }
)
_BOOL_OPTIONS = frozenset({"use_mmap"})
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_NUMBER_RE = re.compile(r"[0-9]*(?:\.[0-9]*)?")
_UNIT_RE = re.compile(r"[^0-9.]*")
_BYTE_RE = re.compile(r"\(byte (\d+)\)")
_B64_BAD = re.compile(r"[^A-Za-z0-9+/=]")


class HTTPError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def fail(status: int, message: str) -> NoReturn:
    raise HTTPError(status, message)


def decode_object(body: bytes, struct: str) -> dict[str, Any]:
    """Decode a JSON object body the way gin's ``ShouldBindJSON`` reports problems."""
    if not body.strip():
        fail(400, "missing request body")
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        fail(400, _syntax_message(body, str(exc)))
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = json_type_name(data)
        fail(400, f"json: cannot unmarshal {kind} into Go value of type api.{struct}")
    return data


def _syntax_message(body: bytes, error: str) -> str:
    if "truncated" in error:
        return "unexpected EOF"
    match = _BYTE_RE.search(error)
    if match is None:
        return "invalid character looking for beginning of value"
    pos = int(match.group(1))
    char = chr(body[pos]) if pos < len(body) else "?"
    if "trailing" in error:
        return f"invalid character {char!r} after top-level value"
    return f"invalid character {char!r} {_expectation(body[:pos])}"


def _expectation(prefix: bytes) -> str:
    """What Go's JSON scanner was looking for after ``prefix`` (valid JSON so far)."""
    stack: list[str] = []  # "{" / "[" per open container
    last = ""  # the last significant token: "{", "[", ",", ":", "key" or "value"
    in_string = escaped = False
    for byte in prefix.decode(errors="replace"):
        if in_string:
            if escaped:
                escaped = False
            elif byte == "\\":
                escaped = True
            elif byte == '"':
                in_string = False
                is_key = bool(stack) and stack[-1] == "{" and last in ("{", ",")
                last = "key" if is_key else "value"
        elif byte == '"':
            in_string = True
        elif byte in "{[":
            stack.append(byte)
            last = byte
        elif byte in "}]":
            if stack:
                stack.pop()
            last = "value"
        elif byte in ",:":
            last = byte
        elif not byte.isspace():
            last = "value"
    inside = stack[-1] if stack else ""
    if inside == "{" and last in ("{", ","):
        return "looking for beginning of object key string"
    if inside == "{" and last == "key":
        return "after object key"
    if inside == "{" and last == "value":
        return "after object key:value pair"
    if inside == "[" and last == "value":
        return "after array element"
    return "looking for beginning of value"


class Fields:
    """Typed access to a request object; wrong JSON types fail like Go's decoder (400)."""

    __slots__ = ("data", "struct")

    def __init__(self, data: dict[str, Any], struct: str) -> None:
        self.data = data
        self.struct = struct

    def _mismatch(self, key: str, value: Any, go_type: str) -> NoReturn:
        fail(
            400,
            f"json: cannot unmarshal {json_type_name(value)} into Go struct field "
            f"{self.struct}.{key} of type {go_type}",
        )

    def string(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self._mismatch(key, value, "string")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self._mismatch(key, value, "bool")

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._mismatch(key, value, "int")
        if isinstance(value, float) and not value.is_integer():
            self._mismatch(key, value, "int")
        return int(value)

    def mapping(self, key: str, go_type: str = "map[string]interface {}") -> dict[str, Any] | None:
        value = self.data.get(key)
        if value is None or isinstance(value, dict):
            return value
        self._mismatch(key, value, go_type)

    def array(self, key: str, go_type: str) -> list[Any] | None:
        value = self.data.get(key)
        if value is None or isinstance(value, list):
            return value
        self._mismatch(key, value, go_type)

    def stream(self) -> bool:
        """``stream`` defaults to true when absent (server-side ``*bool``)."""
        value = self.boolean("stream")
        return True if value is None else value

    def keep_alive(self) -> float | None:
        """Seconds (``inf`` = forever), ``None`` = server default."""
        return parse_keep_alive(self.data.get("keep_alive"))

    def think(self) -> bool | str | None:
        return parse_think(self.data.get("think"))

    def images(self, key: str = "images") -> int:
        return check_images(self.data.get(key), f"{self.struct}.{key}")

    def options(self) -> dict[str, Any]:
        return self.mapping("options") or {}

    def top_logprobs(self) -> int:
        value = self.integer("top_logprobs") or 0
        if not 0 <= value <= 20:
            fail(400, "top_logprobs must be between 0 and 20")
        return value


def parse_keep_alive(value: Any) -> float | None:
    """Decode ``keep_alive``: JSON number = seconds, string = Go duration (unit required)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        go_kind = {bool: "bool", list: "[]interface {}", dict: "map[string]interface {}"}
        fail(400, f"Unsupported type: '{go_kind.get(type(value), 'unknown')}'")
    if isinstance(value, str):
        try:
            seconds = parse_go_duration(value)
        except ValueError as exc:
            fail(400, str(exc))
    else:
        seconds = float(value)
    return float("inf") if seconds < 0 else seconds


def parse_go_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` (seconds as float), with Go's error messages."""
    original, rest, negative = text, text, False
    if rest[:1] in ("+", "-"):
        negative = rest[0] == "-"
        rest = rest[1:]
    if rest == "0":
        return 0.0
    if not rest:
        raise ValueError(f"time: invalid duration {go_quote(original)}")
    total, pos = 0.0, 0
    while pos < len(rest):
        number = _NUMBER_RE.match(rest, pos)
        digits = number.group() if number else ""
        if not digits.strip(".") or digits == ".":
            raise ValueError(f"time: invalid duration {go_quote(original)}")
        pos += len(digits)
        unit_match = _UNIT_RE.match(rest, pos)
        unit = unit_match.group() if unit_match else ""
        if not unit:
            raise ValueError(f"time: missing unit in duration {go_quote(original)}")
        if unit not in _DURATION_UNITS:
            quoted = go_quote(original)
            raise ValueError(f"time: unknown unit {go_quote(unit)} in duration {quoted}")
        pos += len(unit)
        total += float(digits) * _DURATION_UNITS[unit]
    return -total if negative else total


def parse_think(value: Any) -> bool | str | None:
    """``true``/``false`` or a level ``"low"``/``"medium"``/``"high"``/``"max"``."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value not in ("high", "medium", "low", "max"):
            fail(
                400,
                f'invalid think value: {go_quote(value)} (must be "high", "medium", '
                '"low", "max", true, or false)',
            )
        return value
    fail(400, 'think must be a boolean or string ("high", "medium", "low", "max", true, or false)')


def check_images(images: Any, where: str) -> int:
    """Validate base64 image strings (standard alphabet, padded); returns how many."""
    if images is None:
        return 0
    if not isinstance(images, list):
        fail(
            400,
            f"json: cannot unmarshal {json_type_name(images)} into Go struct field "
            f"{where} of type []api.ImageData",
        )
    for image in images:
        if not isinstance(image, str):
            fail(
                400,
                f"json: cannot unmarshal {json_type_name(image)} into Go struct field "
                f"{where} of type []uint8",
            )
        cleaned = image.replace("\r", "").replace("\n", "")
        try:
            base64.b64decode(cleaned, validate=True)
        except (binascii.Error, ValueError):
            bad = _B64_BAD.search(cleaned)
            fail(400, f"illegal base64 data at input byte {bad.start() if bad else len(cleaned)}")
    return len(images)


def check_options(options: dict[str, Any]) -> None:
    """Known options must have the right JSON type (HTTP 500, as the scheduler reports it)."""
    for key, value in options.items():
        if value is None:
            continue
        if key in _INT_OPTIONS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fail(500, f"option {go_quote(key)} must be of type integer")
        elif key in _FLOAT_OPTIONS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fail(500, f"option {go_quote(key)} must be of type float32")
        elif key in _BOOL_OPTIONS:
            if not isinstance(value, bool):
                fail(500, f"option {go_quote(key)} must be of type boolean")
        elif key == "stop":
            if not isinstance(value, list):
                fail(500, f"option {go_quote(key)} must be of type array")
            if not all(isinstance(item, str) for item in value):
                fail(500, f"option {go_quote(key)} must be of an array of strings")


def check_messages(messages: list[Any]) -> None:
    """Chat messages must be objects with string fields and object tool-call arguments."""
    for message in messages:
        if not isinstance(message, dict):
            fail(
                400,
                f"json: cannot unmarshal {json_type_name(message)} into Go struct field "
                "ChatRequest.messages of type api.Message",
            )
        fields = Fields(message, "ChatRequest.messages")
        fields.string("role")
        fields.string("content")
        fields.string("thinking")
        fields.string("tool_name")
        fields.images()
        for call in fields.array("tool_calls", "[]api.ToolCall") or ():
            function = call.get("function") if isinstance(call, dict) else None
            arguments = function.get("arguments") if isinstance(function, dict) else None
            if not isinstance(call, dict) or (
                arguments is not None and not isinstance(arguments, dict)
            ):
                fail(
                    400,
                    f"json: cannot unmarshal {json_type_name(arguments)} into Go struct "
                    "field ToolCallFunction.messages.tool_calls.function.arguments of "
                    "type api.ToolCallFunctionArguments",
                )


def check_format(value: Any) -> Any:
    """``"json"``, a schema object, or empty; anything else fails in the runner (500)."""
    if value is None or value == "" or value == "json" or isinstance(value, dict):
        return value
    raw = msgspec.json.encode(value).decode()
    fail(500, f'invalid format: {go_quote(raw)}; expected "json" or a valid JSON Schema object')
