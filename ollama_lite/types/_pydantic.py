"""The pydantic bridge: lets every Struct be a pydantic field and a FastAPI response model.

Imported only from `SubscriptableStruct.__get_pydantic_core_schema__`, which pydantic calls
when a model or a FastAPI route names one of our types; so `import ollama_lite` never imports
pydantic. The core schema mirrors the Struct field by field (by wire name), so pydantic
validates nested values, reports errors with their location, and writes a JSON schema with
one named definition per type (what FastAPI puts in its OpenAPI components).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import msgspec
from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

__all__ = ["core_schema_for", "plain_data"]


def core_schema_for(cls: type[msgspec.Struct], handler: GetCoreSchemaHandler) -> CoreSchema:
    """A pydantic-core schema that validates into `cls` and serializes to plain data."""
    fields: dict[str, core_schema.TypedDictField] = {}
    config = cls.__struct_config__
    if isinstance(config.tag, str) and isinstance(config.tag_field, str):
        fields[config.tag_field] = core_schema.typed_dict_field(
            core_schema.literal_schema([config.tag])
        )
    names: dict[str, str] = {}
    for field in msgspec.structs.fields(cls):
        inner = handler.generate_schema(field.type)
        if field.required:
            fields[field.encode_name] = core_schema.typed_dict_field(inner)
        else:
            fields[field.encode_name] = core_schema.typed_dict_field(
                _with_default(inner, field), required=False
            )
        names[field.encode_name] = field.name
    forbid = bool(getattr(config, "forbid_unknown_fields", False))
    from_dict = core_schema.no_info_after_validator_function(
        _builder(cls, names),
        core_schema.typed_dict_schema(
            fields,
            extra_behavior="forbid" if forbid else "ignore",
            config=core_schema.CoreConfig(title=cls.__name__),
        ),
    )
    return core_schema.no_info_wrap_validator_function(
        _instances_pass(cls),
        from_dict,
        serialization=core_schema.plain_serializer_function_ser_schema(_serializer, info_arg=True),
        ref=f"{cls.__module__}.{cls.__qualname__}",
    )


def _instances_pass(
    cls: type[msgspec.Struct],
) -> Callable[[Any, core_schema.ValidatorFunctionWrapHandler], Any]:
    def validate(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
        return value if isinstance(value, cls) else handler(value)

    return validate


def _with_default(inner: CoreSchema, field: msgspec.structs.FieldInfo) -> CoreSchema:
    if field.default_factory is not msgspec.NODEFAULT:
        return core_schema.with_default_schema(inner, default_factory=field.default_factory)
    if isinstance(field.default, (list, dict, set)):
        value = field.default
        return core_schema.with_default_schema(inner, default_factory=lambda: copy.copy(value))
    return core_schema.with_default_schema(inner, default=field.default)


def _builder(cls: type[msgspec.Struct], names: dict[str, str]) -> Callable[[Any], Any]:
    def build(data: dict[str, Any]) -> Any:
        return cls(**{names[key]: value for key, value in data.items() if key in names})

    return build


def _serializer(value: Any, info: core_schema.SerializationInfo) -> Any:
    return plain_data(value, exclude_none=bool(info.exclude_none))


def plain_data(value: Any, *, exclude_none: bool = False) -> Any:
    """Builtins for a Struct (by wire name, every field), recursively; other values as is."""
    if isinstance(value, msgspec.Struct):
        data: dict[str, Any] = {}
        config = value.__struct_config__
        if isinstance(config.tag, str) and isinstance(config.tag_field, str):
            data[config.tag_field] = config.tag
        for name, wire in zip(value.__struct_fields__, value.__struct_encode_fields__, strict=True):
            item = getattr(value, name)
            if item is None and exclude_none:
                continue
            data[wire] = plain_data(item, exclude_none=exclude_none)
        return data
    if isinstance(value, list):
        return [plain_data(item, exclude_none=exclude_none) for item in value]
    if isinstance(value, dict):
        return {key: plain_data(item, exclude_none=exclude_none) for key, item in value.items()}
    return value
