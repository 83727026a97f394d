"""Helpers for the fake-server tests: NDJSON splitting and JSON Schema validation.

``validate`` uses ``jsonschema`` when it is installed and otherwise a small validator that
covers what the tests need (types, properties/required, additionalProperties, items, enum,
const, anyOf/oneOf/allOf, $ref, numeric and length bounds, OpenAPI ``nullable``).
"""

from __future__ import annotations

import json
import re
from typing import Any

RFC3339_NANO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


def ndjson(body: bytes) -> list[dict[str, Any]]:
    """Split an NDJSON body; every line must end with a newline and be one JSON object."""
    assert body.endswith(b"\n"), body[-80:]
    lines = body.split(b"\n")[:-1]
    objects = [json.loads(line) for line in lines]
    assert all(isinstance(o, dict) for o in objects)
    return objects


def validate(instance: Any, schema: Any, root: Any = None) -> list[str]:
    """Errors of ``instance`` against ``schema`` (refs resolve in ``root``); [] when valid."""
    root = schema if root is None else root
    try:
        import jsonschema
    except ImportError:
        return _errors(instance, schema, root, "$")
    document = dict(root) if isinstance(root, dict) else {}
    document.pop("$id", None)
    document["$ref"] = "#/__target__"
    document["__target__"] = schema
    validator = jsonschema.Draft202012Validator(document)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def _resolve(root: Any, ref: str) -> Any:
    node = root
    for part in ref.lstrip("#").split("/"):
        if part:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


def _errors(value: Any, schema: Any, root: Any, path: str) -> list[str]:
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        return _errors(value, _resolve(root, schema["$ref"]), root, path)
    if value is None and schema.get("nullable"):
        return []
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_type_ok(value, k) for k in kinds):
            return [f"{path}: {value!r} is not of type {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != {schema['const']!r}")
    for sub in schema.get("allOf", []):
        errors += _errors(value, sub, root, path)
    if "anyOf" in schema and all(_errors(value, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: matches no anyOf option")
    if "oneOf" in schema:
        matches = sum(not _errors(value, s, root, path) for s in schema["oneOf"])
        if matches != 1:
            errors.append(f"{path}: matches {matches} oneOf options")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing required {key!r}")
        for key, item in value.items():
            if key in props:
                errors += _errors(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected property {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += _errors(item, schema["additionalProperties"], root, f"{path}.{key}")
    if isinstance(value, list):
        items = schema.get("items")
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(value):
            if i < len(prefix):
                errors += _errors(item, prefix[i], root, f"{path}[{i}]")
            elif isinstance(items, dict):
                errors += _errors(item, items, root, f"{path}[{i}]")
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: too many items")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: above maximum")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{path}: not above exclusiveMinimum")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            errors.append(f"{path}: not below exclusiveMaximum")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: too short")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: too long")
    return errors
