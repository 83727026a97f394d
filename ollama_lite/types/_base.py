"""The base of every request and response type: a msgspec Struct that also reads like a dict.

Code written for the official `ollama` package indexes responses (`resp["message"]["content"]`),
tests membership (`"done_reason" in resp`) and calls `resp.get(...)`; all of that works here,
by Python field name or by wire name (`show["model_info"]` and `show["modelinfo"]`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

__all__ = ["SubscriptableStruct"]

# Fields ollama_lite adds to responses (not the server's): left out of `dict(resp)` and
# `model_dump()` while unset, so those match the official package's.
_OURS = frozenset({"host"})
S = TypeVar("S", bound="SubscriptableStruct")


class SubscriptableStruct(msgspec.Struct, omit_defaults=True, kw_only=True):
    """A Struct with read/write access by key, like the official package's models.

    Every type is also usable as a pydantic field and a FastAPI response model (validation,
    serialization and JSON schema; pydantic is imported only when pydantic asks).
    `repr()` shows the fields that are set, `str()` is pydantic's `name=value` form.
    """

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._shown())})"

    def __str__(self) -> str:
        return " ".join(self._shown())

    def _shown(self) -> list[str]:
        """`name=value` for each field, skipping optional fields that are unset (None)."""
        return [
            f"{name}={value!r}"
            for name in self.__struct_fields__
            if (value := getattr(self, name)) is not None
        ]

    @classmethod
    def model_validate(cls: type[S], obj: Any) -> S:
        """Build from a dict (wire names, nested dicts too) or return `obj` if it is one.

        Raises `msgspec.ValidationError` naming the path of a wrong value, like
        `msgspec.convert(obj, cls)`, which this is.
        """
        if isinstance(obj, cls):
            return obj
        return msgspec.convert(obj, cls)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from ._pydantic import core_schema_for  # pydantic is loaded: it is calling us

        return core_schema_for(cls, handler)

    def _field(self, key: object) -> str | None:
        if not isinstance(key, str):
            return None
        if key in self.__struct_fields__:
            return key
        return _wire_names(type(self)).get(key)

    def __getitem__(self, key: str) -> Any:
        name = self._field(key)
        if name is None:
            raise KeyError(key)
        return getattr(self, name)

    def __setitem__(self, key: str, value: Any) -> None:
        name = self._field(key)
        if name is None:
            raise KeyError(key)
        setattr(self, name, value)

    def __contains__(self, key: object) -> bool:
        """True when `key` is a field whose value is set (not None)."""
        name = self._field(key)
        return name is not None and getattr(self, name) is not None

    def get(self, key: str, default: Any = None) -> Any:
        """The field's value, or `default` when `key` names no field."""
        name = self._field(key)
        return default if name is None else getattr(self, name)

    def keys(self) -> list[str]:
        """Names of the fields that are set."""
        return [name for name in self.__struct_fields__ if getattr(self, name) is not None]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(name, value) pairs, like a pydantic model, so `dict(resp)` works."""
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is None and name in _OURS:
                continue
            yield name, value

    def model_dump(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """A plain-dict copy by field name (nested objects too), like a pydantic model's."""
        data: dict[str, Any] = {}
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is None and (exclude_none or name in _OURS):
                continue
            data[name] = _dump(value, exclude_none)
        return data

    def model_dump_json(self) -> str:
        """The JSON text of this object as the server sends it: wire names, and fields left
        at their defaults omitted (use `model_dump()` for every field)."""
        return msgspec.json.encode(self).decode()


@functools.cache
def _wire_names(cls: type[msgspec.Struct]) -> dict[str, str]:
    """Wire name -> field name, for the fields whose names differ (e.g. `from` -> `from_`)."""
    return {
        wire: name
        for name, wire in zip(cls.__struct_fields__, cls.__struct_encode_fields__, strict=True)
        if wire != name
    }


def _dump(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, SubscriptableStruct):
        return value.model_dump(exclude_none=exclude_none)
    if isinstance(value, list):
        return [_dump(item, exclude_none) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item, exclude_none) for key, item in value.items()}
    return value
