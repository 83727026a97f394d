"""Deterministic example documents generated from a JSON Schema (tool arguments, ``format``)."""

from __future__ import annotations

import math
from typing import Any

_MAX_DEPTH = 8
_STRING_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "hostname": "example.com",
}


def example_for_schema(schema: Any, root: Any = None) -> Any:
    """Return a value that validates against ``schema`` (a practical subset of JSON Schema).

    Supports ``type`` (single or list), ``properties``/``required``, ``items``/``prefixItems``,
    ``enum``, ``const``, ``anyOf``/``oneOf``/``allOf``, ``$ref`` into ``$defs``/``definitions``,
    string formats and length limits, and numeric bounds.
    """
    return _example(schema, schema if root is None else root, "", 0)


def _example(schema: Any, root: Any, name: str, depth: int) -> Any:
    if not isinstance(schema, dict):
        return "example"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = _resolve(root, ref)
        if target is not None and depth < _MAX_DEPTH * 2:
            return _example(target, root, name, depth + 1)
        return None
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((v for v in enum if v is not None), enum[0])
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _example(_pick_option(options), root, name, depth + 1)
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        return _example(_merge(all_of, root), root, name, depth + 1)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, root, depth)
    if kind == "array":
        return _array(schema, root, name, depth)
    if kind == "string":
        return _string(schema, name)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema, name)


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        return None
    node = root
    for raw in ref[1:].split("/"):
        if not raw:
            continue
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _pick_option(options: list[Any]) -> Any:
    for option in options:
        if isinstance(option, dict) and _type_of(option) != "null":
            return option
    return options[0]


def _merge(schemas: list[Any], root: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in schemas:
        if isinstance(part, dict) and isinstance(part.get("$ref"), str):
            part = _resolve(root, part["$ref"]) or {}
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required.extend(v for v in value if v not in required)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
        merged.setdefault("type", "object")
    if required:
        merged["required"] = required
    return merged


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if isinstance(k, str)]
        non_null = [k for k in kinds if k != "null"]
        return non_null[0] if non_null else (kinds[0] if kinds else "")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return ""


def _object(schema: dict[str, Any], root: Any, depth: int) -> dict[str, Any]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    required = schema.get("required")
    required = [r for r in required if isinstance(r, str)] if isinstance(required, list) else []
    # Deep in a recursive schema only the required keys are produced, so generation ends.
    names = list(properties) if depth < _MAX_DEPTH else [n for n in properties if n in required]
    result = {key: _example(properties[key], root, key, depth + 1) for key in names}
    for key in required:
        if key not in result:
            result[key] = "example"
    return result


def _array(schema: dict[str, Any], root: Any, name: str, depth: int) -> list[Any]:
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list):
        return [_example(item, root, name, depth + 1) for item in prefix]
    items = schema.get("items")
    if isinstance(items, list):
        return [_example(item, root, name, depth + 1) for item in items]
    min_items = schema.get("minItems")
    count = min_items if isinstance(min_items, int) and min_items > 0 else 1
    max_items = schema.get("maxItems")
    if isinstance(max_items, int):
        count = min(count, max_items)
    if depth >= _MAX_DEPTH and not (isinstance(min_items, int) and min_items > 0):
        count = 0
    values = [_example(items, root, name, depth + 1) for _ in range(count)]
    if schema.get("uniqueItems") and count > 1:
        values = [f"{v}-{i}" if isinstance(v, str) else v for i, v in enumerate(values)]
        values = [
            v + i if isinstance(v, int) and not isinstance(v, bool) else v
            for i, v in enumerate(values)
        ]
    return values


def _string(schema: dict[str, Any], name: str) -> str:
    fmt = schema.get("format")
    value = _STRING_FORMATS.get(fmt, "") if isinstance(fmt, str) else ""
    if not value:
        value = f"example {name}" if name else "example"
    min_length = schema.get("minLength")
    if isinstance(min_length, int) and len(value) < min_length:
        value = value + "x" * (min_length - len(value))
    max_length = schema.get("maxLength")
    if isinstance(max_length, int) and len(value) > max_length:
        value = value[: max(max_length, 0)]
    return value


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    value: float = 1 if integer else 1.5
    low = _bound(schema, "minimum", "exclusiveMinimum", integer, lower=True)
    high = _bound(schema, "maximum", "exclusiveMaximum", integer, lower=False)
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    step = schema.get("multipleOf")
    if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
        value = math.ceil(value / step) * step
        if high is not None and value > high:
            value -= step
    if integer:
        return int(value)
    return float(value)


def _bound(
    schema: dict[str, Any], inclusive: str, exclusive: str, integer: bool, *, lower: bool
) -> float | None:
    found: float | None = None
    value = schema.get(inclusive)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        found = float(value)
    value = schema.get(exclusive)
    delta = 1.0 if integer else 0.5
    if isinstance(value, bool) and value and found is not None:  # draft-04 boolean form
        found = found + delta if lower else found - delta
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moved = float(value) + delta if lower else float(value) - delta
        if found is None or (moved > found if lower else moved < found):
            found = moved
    if found is not None and integer:
        found = float(math.ceil(found) if lower else math.floor(found))
    return found
