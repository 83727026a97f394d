"""Python callables -> Ollama tool definitions; validation of dict tools.

Pure functions, no I/O, pydantic is never imported (models are duck-typed through
``model_json_schema``).

Unlike the official package this builds a real JSON schema: enums, array items, nested objects,
``anyOf`` and nullable types survive, and parameters with defaults are not required. Nested
objects are always written inline because Ollama drops ``$ref`` inside properties.

Choices worth knowing:

* An unannotated parameter is ``{"type": "string"}`` (as in the official package): the model
  sees a concrete type, and the call arguments it produces are text. ``Any`` is ``{}``.
* A docstring ``Args:`` description wins over an ``Annotated[X, "text"]`` description.
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
import inspect
import pathlib
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
import typing_extensions as te

from ._docstrings import parse_docstring
from ._hints import caller_namespace, get_hints
from ._schema import inline_refs

__all__ = ["function_to_tool", "normalize_tool"]

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


class _Unsupported(Exception):
    def __init__(self, tp: Any, reason: str = "") -> None:
        super().__init__(tp, reason)
        self.tp = tp
        self.reason = reason


def _type_hints(tp: Any) -> dict[str, Any]:
    try:
        return get_hints(tp)
    except Exception as exc:  # NameError for an unresolvable forward reference, mostly
        raise _Unsupported(tp, f"cannot resolve its type hints ({exc})") from exc


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
    properties = {name: _schema_for(hint, seen) for name, hint, _ in fields}
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


def _schema_for(tp: Any, seen: frozenset[Any] = frozenset()) -> dict[str, Any]:
    """JSON schema for one annotation; ``seen`` holds record types being expanded."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)

    if origin is te.Annotated:
        schema = _schema_for(args[0], seen)
        for meta in args[1:]:
            text = meta if isinstance(meta, str) else getattr(meta, "description", None)
            if isinstance(text, str) and text:
                schema = {**schema, "description": text}
        return schema
    if origin in _WRAPPERS:
        return _schema_for(args[0], seen) if args else {}
    if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
        return {}
    if tp is None or tp is type(None):
        return {"type": "null"}
    if origin in _UNION_ORIGINS:
        members = [a for a in args if a is not type(None)]
        return _union_schema([_schema_for(a, seen) for a in members], len(members) < len(args))
    if origin in _LITERAL_FORMS:
        return _enum_schema(list(args))
    supertype = getattr(tp, "__supertype__", None)  # typing.NewType
    if supertype is not None:
        return _schema_for(supertype, seen)
    alias_value = getattr(tp, "__value__", None)  # `type X = ...` aliases
    if alias_value is not None and not isinstance(tp, type):
        return _schema_for(alias_value, seen)

    if origin is tuple or tp is tuple:
        if not args:
            return {"type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema_for(args[0], seen)}
        if args == ((),):  # tuple[()]
            return {"type": "array", "maxItems": 0}
        prefix = [_schema_for(a, seen) for a in args]
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
            schema["items"] = _schema_for(args[0], seen)
        return schema
    if origin in _OBJECT_ORIGINS or _contains(_OBJECT_ORIGINS, tp):
        schema = {"type": "object"}
        if origin is collections.Counter:
            schema["additionalProperties"] = {"type": "integer"}
        elif len(args) == 2 and (value := _schema_for(args[1], seen)):
            schema["additionalProperties"] = value
        return schema

    cls = origin if isinstance(origin, type) else tp  # e.g. a generic dataclass Box[int]
    if not isinstance(cls, type):
        raise _Unsupported(tp)
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
        raise _Unsupported(tp)
    return _object_schema(fields, seen | {cls})


# --------------------------------------------------------------------------- public API


def function_to_tool(func: Callable[..., Any]) -> dict[str, Any]:
    """Build an Ollama tool definition from a Python function.

    The description and per-parameter descriptions come from a Google-style docstring; the
    parameter schemas from type annotations. Parameters without a default are required;
    ``self``/``cls``, ``*args`` and ``**kwargs`` are skipped. Raises ``TypeError`` for a
    non-function or an unsupported annotation and ``ValueError`` for an invalid tool name
    (e.g. a lambda), naming the function and parameter.
    """
    if not callable(func):
        raise TypeError(f"a tool must be a function, got {func!r}")
    name = getattr(func, "__name__", None)
    if not isinstance(name, str):
        raise TypeError(f"cannot make a tool from {func!r}: it has no __name__")
    if not name.isidentifier():
        raise ValueError(
            f"cannot make a tool from {func!r}: {name!r} is not a valid tool name "
            "(use a named function, not a lambda)"
        )
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot read the signature of function {name!r}: {exc}") from exc
    try:
        hints = get_hints(func)
    except Exception as exc:  # NameError for unresolvable forward references, mostly
        raise _hint_error(func, name, signature, exc, caller_namespace(func)) from exc
    description, arg_docs = parse_docstring(getattr(func, "__doc__", None))
    properties: dict[str, Any] = {}
    required: list[str] = []
    for index, param in enumerate(signature.parameters.values()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if index == 0 and param.name in ("self", "cls"):
            continue
        if param.name in hints:
            try:
                schema = _schema_for(hints[param.name])
            except _Unsupported as exc:
                reason = f": {exc.reason}" if exc.reason else ""
                raise TypeError(
                    f"function {name!r}, parameter {param.name!r}: cannot convert type "
                    f"{exc.tp!r} to a JSON schema{reason}"
                ) from exc
        else:
            schema = {"type": "string"}
        if arg_docs.get(param.name):
            schema = {**schema, "description": arg_docs[param.name]}
        properties[param.name] = schema
        if param.default is param.empty:
            required.append(param.name)
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


def _hint_error(
    func: Callable[..., Any],
    name: str,
    signature: inspect.Signature,
    exc: Exception,
    localns: Mapping[str, Any],
) -> TypeError:
    """Find the parameter whose annotation cannot be resolved, for a precise message."""
    namespace = getattr(inspect.unwrap(func), "__globals__", {})
    for param in signature.parameters.values():
        if param.annotation is param.empty:
            continue
        shim = types.SimpleNamespace(__annotations__={param.name: param.annotation})
        try:
            typing.get_type_hints(shim, globalns=namespace, localns=localns, include_extras=True)
        except Exception as param_exc:
            return TypeError(
                f"function {name!r}, parameter {param.name!r}: cannot resolve annotation "
                f"{param.annotation!r} ({param_exc}); a string annotation must name a type "
                "visible from the function's module or from where the tool is passed"
            )
    return TypeError(f"cannot resolve the type hints of function {name!r}: {exc}")


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
