"""Python types -> JSON schemas for tool parameters.

Pure functions, no I/O, pydantic is never imported (models are duck-typed through
``model_json_schema``).

Unlike the official package this builds a real JSON schema: enums, array items, nested objects,
``anyOf`` and nullable types survive, and fields with defaults are not required. Nested
objects are always written inline because Ollama drops ``$ref`` inside properties.

Choices worth knowing:

* ``Any`` is ``{}``.
* ``X | None`` becomes ``{"type": [..., "null"]}`` when X is a plain scalar (or enum) schema,
  else ``{"anyOf": [X, {"type": "null"}]}``.
"""

from __future__ import annotations

import collections
import collections.abc as cabc
import dataclasses
import datetime
import decimal
import enum
import pathlib
import types
import typing
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec
import typing_extensions as te

from .._hints import get_hints
from .._schema import inline_refs

__all__ = ["Unsupported", "schema_for"]

_ARRAY_ORIGINS: frozenset[Any] = frozenset(
    {
        list,
        set,
        frozenset,
        collections.deque,
        cabc.Sequence,
        cabc.MutableSequence,
        cabc.Set,
        cabc.MutableSet,
        cabc.Collection,
        cabc.Iterable,
    }
)
_OBJECT_ORIGINS: frozenset[Any] = frozenset(
    {
        dict,
        collections.OrderedDict,
        collections.defaultdict,
        collections.Counter,
        cabc.Mapping,
        cabc.MutableMapping,
    }
)
_STRING_FORMATS: tuple[tuple[type, str | None], ...] = (
    (datetime.datetime, "date-time"),  # before date: datetime subclasses date
    (datetime.date, "date"),
    (datetime.time, "time"),
    (datetime.timedelta, "duration"),
    (uuid.UUID, "uuid"),
    (pathlib.PurePath, None),
    (bytes, None),
    (bytearray, None),
)
_WRAPPERS: frozenset[Any] = frozenset(
    {
        te.Required,
        te.NotRequired,
        te.ReadOnly,
        typing.Final,
        typing.ClassVar,
        getattr(typing, "Required", te.Required),
        getattr(typing, "NotRequired", te.NotRequired),
    }
)
_REQUIRED: frozenset[Any] = frozenset({te.Required, getattr(typing, "Required", te.Required)})
_NOT_REQUIRED: frozenset[Any] = frozenset(
    {te.NotRequired, getattr(typing, "NotRequired", te.NotRequired)}
)
_UNION_ORIGINS: frozenset[Any] = frozenset({typing.Union, types.UnionType})
_LITERAL_FORMS: frozenset[Any] = frozenset({typing.Literal, te.Literal})
_SCALAR_KEYS = frozenset({"type", "format", "enum", "description"})


class Unsupported(Exception):
    """A type that has no JSON schema (`reason` says why, when known)."""

    def __init__(self, tp: Any, reason: str = "") -> None:
        super().__init__(tp, reason)
        self.tp = tp
        self.reason = reason


def _type_hints(tp: Any) -> dict[str, Any]:
    try:
        return get_hints(tp)
    except Exception as exc:  # NameError for an unresolvable forward reference, mostly
        raise Unsupported(tp, f"cannot resolve its type hints ({exc})") from exc


def _contains(options: frozenset[Any], tp: Any) -> bool:
    try:
        return tp in options
    except TypeError:  # unhashable annotation
        return False


# --------------------------------------------------------------------------- type -> schema


def _literal_type(values: list[Any]) -> str | list[str] | None:
    kinds: list[str] = []
    for value in values:
        if value is None:
            kind = "null"
        elif isinstance(value, bool):
            kind = "boolean"
        elif isinstance(value, int):
            kind = "integer"
        elif isinstance(value, float):
            kind = "number"
        elif isinstance(value, str):
            kind = "string"
        else:
            return None
        if kind not in kinds:
            kinds.append(kind)
    if kinds == ["integer", "number"] or kinds == ["number", "integer"]:
        kinds = ["number"]
    return kinds[0] if len(kinds) == 1 else kinds


def _enum_schema(values: list[Any]) -> dict[str, Any]:
    values = [v.value if isinstance(v, enum.Enum) else v for v in values]
    kind = _literal_type(values)
    return {"type": kind, "enum": values} if kind is not None else {"enum": values}


def _types_of(schema: Mapping[str, Any]) -> list[str]:
    kind = schema["type"]
    return list(kind) if isinstance(kind, list) else [kind]


def _union_schema(members: list[dict[str, Any]], nullable: bool) -> dict[str, Any]:
    if any(m == {} for m in members):  # Any absorbs everything
        return {}
    if len(members) == 1:
        (schema,) = members
        if not nullable:
            return schema
        if "type" in schema and schema.keys() <= _SCALAR_KEYS:
            kinds = _types_of(schema)
            out = {**schema, "type": [*kinds, "null"] if "null" not in kinds else kinds}
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        return {"anyOf": [schema, {"type": "null"}]}
    if all(m.keys() == {"type"} for m in members):
        kinds = []
        for m in members:
            kinds += [k for k in _types_of(m) if k not in kinds]
        if nullable and "null" not in kinds:
            kinds.append("null")
        return {"type": kinds}
    return {"anyOf": [*members, {"type": "null"}] if nullable else members}


def _object_schema(fields: list[tuple[str, Any, bool]], seen: frozenset[Any]) -> dict[str, Any]:
    properties = {name: schema_for(hint, seen) for name, hint, _ in fields}
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name, _, required in fields if required],
    }


def _typeddict_required(hint: Any, default: bool) -> bool:
    while True:
        origin = typing.get_origin(hint)
        if origin in _REQUIRED:
            return True
        if origin in _NOT_REQUIRED:
            return False
        if origin is te.Annotated or origin is te.ReadOnly:
            hint = typing.get_args(hint)[0]
            continue
        return default


def _class_fields(tp: type) -> list[tuple[str, Any, bool]] | None:
    """(name, hint, required) per field for record-like classes; None if not record-like."""
    if issubclass(tp, msgspec.Struct):
        return [(f.encode_name, f.type, f.required) for f in msgspec.structs.fields(tp)]
    if dataclasses.is_dataclass(tp):
        hints = _type_hints(tp)
        return [
            (
                f.name,
                hints.get(f.name, Any),
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            )
            for f in dataclasses.fields(tp)
            if f.init
        ]
    if te.is_typeddict(tp):
        hints = _type_hints(tp)
        required_keys: frozenset[str] = getattr(tp, "__required_keys__", frozenset(hints))
        # Under postponed annotations the class may miss Required[]/NotRequired[]: re-check.
        return [
            (name, hint, _typeddict_required(hint, name in required_keys))
            for name, hint in hints.items()
        ]
    if issubclass(tp, tuple) and hasattr(tp, "_fields"):  # NamedTuple
        hints = _type_hints(tp)
        defaults: Mapping[str, Any] = getattr(tp, "_field_defaults", {})
        return [(name, hints.get(name, Any), name not in defaults) for name in tp._fields]
    return None


def schema_for(tp: Any, seen: frozenset[Any] = frozenset()) -> dict[str, Any]:
    """JSON schema for one annotation; ``seen`` holds record types being expanded."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)

    if origin is te.Annotated:
        schema = schema_for(args[0], seen)
        for meta in args[1:]:
            text = meta if isinstance(meta, str) else getattr(meta, "description", None)
            if isinstance(text, str) and text:
                schema = {**schema, "description": text}
        return schema
    if origin in _WRAPPERS:
        return schema_for(args[0], seen) if args else {}
    if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
        return {}
    if tp is None or tp is type(None):
        return {"type": "null"}
    if origin in _UNION_ORIGINS:
        members = [a for a in args if a is not type(None)]
        return _union_schema([schema_for(a, seen) for a in members], len(members) < len(args))
    if origin in _LITERAL_FORMS:
        return _enum_schema(list(args))
    supertype = getattr(tp, "__supertype__", None)  # typing.NewType
    if supertype is not None:
        return schema_for(supertype, seen)
    alias_value = getattr(tp, "__value__", None)  # `type X = ...` aliases
    if alias_value is not None and not isinstance(tp, type):
        return schema_for(alias_value, seen)

    if origin is tuple or tp is tuple:
        if not args:
            return {"type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": schema_for(args[0], seen)}
        if args == ((),):  # tuple[()]
            return {"type": "array", "maxItems": 0}
        prefix = [schema_for(a, seen) for a in args]
        distinct = [s for i, s in enumerate(prefix) if s not in prefix[:i]]
        return {
            "type": "array",
            # Ollama keeps only `items`: give it every element's schema (correct, looser).
            "items": _union_schema(distinct, nullable=False),
            "prefixItems": prefix,
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin in _ARRAY_ORIGINS or _contains(_ARRAY_ORIGINS, tp):
        schema = {"type": "array"}
        if args:
            schema["items"] = schema_for(args[0], seen)
        return schema
    if origin in _OBJECT_ORIGINS or _contains(_OBJECT_ORIGINS, tp):
        schema = {"type": "object"}
        if origin is collections.Counter:
            schema["additionalProperties"] = {"type": "integer"}
        elif len(args) == 2 and (value := schema_for(args[1], seen)):
            schema["additionalProperties"] = value
        return schema

    cls = origin if isinstance(origin, type) else tp  # e.g. a generic dataclass Box[int]
    if not isinstance(cls, type):
        raise Unsupported(tp)
    if issubclass(cls, enum.Enum):
        return _enum_schema(list(cls))
    if issubclass(cls, bool):
        return {"type": "boolean"}
    if issubclass(cls, int):
        return {"type": "integer"}
    if issubclass(cls, (float, decimal.Decimal)):
        return {"type": "number"}
    if issubclass(cls, str):
        return {"type": "string"}
    for base, fmt in _STRING_FORMATS:
        if issubclass(cls, base):
            return {"type": "string", "format": fmt} if fmt else {"type": "string"}

    if cls in seen:  # recursive type: stop here
        return {"type": "object"}
    model_json_schema = getattr(cls, "model_json_schema", None)  # pydantic, duck-typed
    if callable(model_json_schema):
        return inline_refs(model_json_schema(), keep_recursive=False)
    fields = _class_fields(cls)
    if fields is None:
        raise Unsupported(tp)
    return _object_schema(fields, seen | {cls})
