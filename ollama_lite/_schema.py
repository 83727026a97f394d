"""Python types -> JSON Schema for ``format=``, and typed parsing of model output.

Pure functions, no I/O. pydantic is never imported: a pydantic model is recognised by its
``model_json_schema`` / ``model_validate_json`` class methods.

NamedTuples: msgspec encodes them as JSON arrays, which gives the model no field names to go
by. A *top-level* NamedTuple is therefore described (and parsed) as an object with one key per
field; NamedTuples nested inside other types keep msgspec's array form on both sides.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import typing
from collections.abc import Mapping
from typing import Any, TypeVar, overload

import msgspec
from typing_extensions import is_typeddict

__all__ = ["format_value", "json_schema_for", "parse_as"]

T = TypeVar("T")

_REF_PREFIXES = ("#/$defs/", "#/definitions/")


def _is_namedtuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def _is_pydantic_model(tp: Any) -> bool:
    return isinstance(tp, type) and callable(getattr(tp, "model_json_schema", None))


def _is_msgspec_object_type(tp: Any) -> bool:
    """A type msgspec describes as a JSON object (or a NamedTuple, which we turn into one)."""
    if not isinstance(tp, type):
        return False
    return (
        issubclass(tp, msgspec.Struct)
        or dataclasses.is_dataclass(tp)
        or is_typeddict(tp)
        or _is_namedtuple(tp)
    )


@functools.lru_cache(maxsize=256)
def _namedtuple_struct(tp: type[tuple[Any, ...]]) -> type[msgspec.Struct]:
    """An equivalent Struct (same name, fields, defaults) that msgspec treats as an object."""
    hints = typing.get_type_hints(tp, include_extras=True)
    defaults: dict[str, Any] = getattr(tp, "_field_defaults", {})
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for name in tp._fields:  # type: ignore[attr-defined]
        hint = hints.get(name, Any)
        fields.append((name, hint, defaults[name]) if name in defaults else (name, hint))
    return msgspec.defstruct(tp.__name__, fields, module=tp.__module__)


def inline_refs(schema: Mapping[str, Any], *, keep_recursive: bool = True) -> dict[str, Any]:
    """Return a copy of ``schema`` with every local ``$ref`` replaced by its definition.

    A reference that points back into a definition being expanded (a recursive type) is kept
    as ``$ref`` and its definition stays in the top-level ``$defs`` when ``keep_recursive``;
    otherwise it is replaced by ``{"type": "object"}`` (tool schemas: Ollama drops ``$ref``).
    """
    raw_defs = {**schema.get("definitions", {}), **schema.get("$defs", {})}
    recursive: dict[str, str] = {}  # def name -> ref string as written

    def resolve(node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, stack) for item in node]
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIXES):
            name = ref.split("/", 2)[2]
            if name not in raw_defs:
                raise ValueError(f"JSON schema reference {ref!r} has no definition")
            siblings = {
                k: resolve(v, stack)
                for k, v in node.items()
                if k not in ("$ref", "$defs", "definitions")
            }
            if name in stack:
                recursive[name] = ref
                target: dict[str, Any] = (
                    {"$ref": f"#/$defs/{name}"} if keep_recursive else {"type": "object"}
                )
            else:
                target = resolve(raw_defs[name], (*stack, name))
            return {**target, **siblings}
        out = {k: resolve(v, stack) for k, v in node.items() if k not in ("$defs", "definitions")}
        all_of = out.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
            # pydantic wraps a described $ref as {"allOf": [{"$ref": ...}], "description": ...}
            del out["allOf"]
            out = {**all_of[0], **out}
        return out

    result: dict[str, Any] = resolve(schema, ())
    if keep_recursive and recursive:
        defs: dict[str, Any] = {}
        while len(defs) < len(recursive):  # expanding a def may discover more recursive ones
            for name in [n for n in recursive if n not in defs]:
                defs[name] = resolve(raw_defs[name], (name,))
        result["$defs"] = defs
    return result


def json_schema_for(tp: Any) -> dict[str, Any]:
    """JSON Schema for ``tp``, with references inlined (``$defs`` kept only for recursion).

    ``tp`` may be a msgspec Struct, dataclass, TypedDict or NamedTuple type, a pydantic model
    class, or a JSON-schema dict (returned as a copy).
    """
    if isinstance(tp, Mapping):
        return copy.deepcopy(dict(tp))
    if _is_pydantic_model(tp):
        return inline_refs(tp.model_json_schema())
    if _is_msgspec_object_type(tp):
        target = _namedtuple_struct(tp) if _is_namedtuple(tp) else tp
        return inline_refs(msgspec.json.schema(target))
    raise TypeError(
        f"cannot build a JSON schema from {tp!r}: expected a msgspec Struct, dataclass, "
        "TypedDict or NamedTuple type, a pydantic model class, or a JSON-schema dict"
    )


def format_value(fmt: Any) -> str | dict[str, Any] | None:
    """Normalise a ``format=`` argument to what goes on the wire.

    ``None`` -> ``None``; ``""`` / ``"json"`` unchanged; a dict is copied; a supported type
    (see :func:`json_schema_for`) becomes its schema.
    """
    if fmt is None:
        return None
    if isinstance(fmt, str):
        if fmt in ("", "json"):
            return fmt
        raise ValueError(
            f'format must be "json", a JSON-schema dict or a type, got the string {fmt!r}'
        )
    return json_schema_for(fmt)


def _bad_json(data: str | bytes, exc: Exception) -> ValueError:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return ValueError(f"model output is not valid JSON ({exc}): {text[:200]!r}")


@overload
def parse_as(tp: type[T], data: str | bytes) -> T: ...
@overload
def parse_as(tp: Any, data: str | bytes) -> Any: ...
def parse_as(tp: Any, data: str | bytes) -> Any:
    """Parse model output ``data`` (JSON text) into ``tp``.

    pydantic classes use ``tp.model_validate_json``; anything else msgspec can decode
    (Structs, dataclasses, TypedDicts, NamedTuples, ``dict``, ``list``, ``Any``...) uses
    ``msgspec.json.decode``. Validation errors propagate unchanged; text that is not JSON
    at all raises ``ValueError`` quoting its first 200 characters.
    """
    if _is_pydantic_model(tp) and callable(getattr(tp, "model_validate_json", None)):
        try:
            return tp.model_validate_json(data)
        except ValueError as exc:
            errors = getattr(exc, "errors", None)
            if callable(errors) and any(
                isinstance(e, Mapping) and e.get("type") == "json_invalid" for e in errors()
            ):
                raise _bad_json(data, exc) from exc
            raise
    try:
        if _is_namedtuple(tp):
            obj = msgspec.json.decode(data, type=_namedtuple_struct(tp))
            return tp(*msgspec.structs.astuple(obj))
        return msgspec.json.decode(data, type=tp)
    except msgspec.ValidationError:
        raise
    except msgspec.DecodeError as exc:
        raise _bad_json(data, exc) from exc
