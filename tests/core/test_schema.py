from __future__ import annotations

import dataclasses
import enum
from typing import Any, NamedTuple, TypedDict

import msgspec
import pytest

from ollama_lite._schema import format_value, json_schema_for, parse_as


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(msgspec.Struct):
    name: str
    color: Color = Color.RED


class Cart(msgspec.Struct):
    items: list[Item]
    main: Item
    note: str | None = None


ITEM_SCHEMA = {
    "title": "Item",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "color": {"title": "Color", "enum": ["blue", "red"], "default": "red"},  # msgspec sorts
    },
    "required": ["name"],
}


@dataclasses.dataclass
class Address:
    city: str
    zip_code: str | None = None


@dataclasses.dataclass
class Person:
    name: str
    address: Address


class Movie(TypedDict):
    title: str
    year: int
    cast: list[Address]


class Point(NamedTuple):
    x: int
    y: int = 0


@dataclasses.dataclass
class Node:
    value: int
    children: list[Node]


def _no_refs(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" not in node and "$defs" not in node and all(map(_no_refs, node.values()))
    if isinstance(node, list):
        return all(map(_no_refs, node))
    return True


# --------------------------------------------------------------------------- json_schema_for


def test_struct_schema_is_inlined() -> None:
    assert json_schema_for(Cart) == {
        "title": "Cart",
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": ITEM_SCHEMA},
            "main": ITEM_SCHEMA,
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
        "required": ["items", "main"],
    }


def test_dataclass_schema_is_inlined() -> None:
    assert json_schema_for(Person) == {
        "title": "Person",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "address": {
                "title": "Address",
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "zip_code": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
                },
                "required": ["city"],
            },
        },
        "required": ["name", "address"],
    }


def test_typeddict_schema_is_inlined() -> None:
    assert json_schema_for(Movie) == {  # msgspec sorts TypedDict keys
        "title": "Movie",
        "type": "object",
        "properties": {
            "cast": {
                "type": "array",
                "items": {
                    "title": "Address",
                    "type": "object",
                    "properties": {
                        "city": {"type": "string"},
                        "zip_code": {
                            "anyOf": [{"type": "string"}, {"type": "null"}],
                            "default": None,
                        },
                    },
                    "required": ["city"],
                },
            },
            "title": {"type": "string"},
            "year": {"type": "integer"},
        },
        "required": ["cast", "title", "year"],
    }


def test_namedtuple_schema_is_an_object() -> None:
    assert json_schema_for(Point) == {
        "title": "Point",
        "type": "object",
        "properties": {"x": {"type": "integer"}, "y": {"type": "integer", "default": 0}},
        "required": ["x"],
    }


def test_recursive_type_keeps_defs_only_for_the_cycle() -> None:
    node = {
        "title": "Node",
        "type": "object",
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
        },
        "required": ["value", "children"],
    }
    assert json_schema_for(Node) == {**node, "$defs": {"Node": node}}


class FakeModel:
    """Duck-typed pydantic model: a root schema with `$defs`, `allOf` wrappers and a cycle."""

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {
            "$defs": {
                "Tag": {
                    "title": "Tag",
                    "type": "object",
                    "properties": {"label": {"title": "Label", "type": "string"}},
                    "required": ["label"],
                },
                "Loop": {
                    "title": "Loop",
                    "type": "object",
                    "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Loop"}, {"type": "null"}]}},
                },
            },
            "title": "FakeModel",
            "type": "object",
            "properties": {
                "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}},
                "main": {"allOf": [{"$ref": "#/$defs/Tag"}], "description": "main tag"},
                "loop": {"$ref": "#/$defs/Loop"},
            },
            "required": ["tags"],
        }


def test_duck_typed_pydantic_schema_is_inlined() -> None:
    tag = {
        "title": "Tag",
        "type": "object",
        "properties": {"label": {"title": "Label", "type": "string"}},
        "required": ["label"],
    }
    loop = {
        "title": "Loop",
        "type": "object",
        "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Loop"}, {"type": "null"}]}},
    }
    assert json_schema_for(FakeModel) == {
        "title": "FakeModel",
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": tag},
            "main": {**tag, "description": "main tag"},
            "loop": loop,
        },
        "required": ["tags"],
        "$defs": {"Loop": loop},
    }


def test_real_pydantic_schema_is_inlined() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Tag(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        label: str

    class Post(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        tags: list[Tag]
        main: Tag

    schema = json_schema_for(Post)
    assert _no_refs(schema)
    assert schema["properties"]["main"]["properties"]["label"]["type"] == "string"
    assert schema["properties"]["tags"]["items"]["required"] == ["label"]


def test_dict_is_returned_as_a_copy() -> None:
    original = {"type": "object", "properties": {"a": {"type": "integer"}}, "$defs": {}}
    schema = json_schema_for(original)
    assert schema == original
    schema["properties"]["a"]["type"] = "string"
    assert original["properties"]["a"] == {"type": "integer"}


@pytest.mark.parametrize("bad", [int, str, list[int], Item(name="x"), 3, object])
def test_unsupported_types_raise_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="cannot build a JSON schema from"):
        json_schema_for(bad)


# --------------------------------------------------------------------------- format_value


def test_format_value_cases() -> None:
    assert format_value(None) is None
    assert format_value("") == ""
    assert format_value("json") == "json"
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert format_value(schema) == schema
    assert format_value(Point) == json_schema_for(Point)
    assert format_value(Cart)["properties"]["main"] == ITEM_SCHEMA  # type: ignore[index]


def test_format_value_rejects_other_strings_and_values() -> None:
    with pytest.raises(ValueError, match=r'format must be "json", a JSON-schema dict or a type'):
        format_value("yaml")
    with pytest.raises(TypeError, match="cannot build a JSON schema"):
        format_value(42)


# --------------------------------------------------------------------------- parse_as


def test_parse_as_struct_dataclass_typeddict_namedtuple() -> None:
    cart = parse_as(Cart, '{"items": [{"name": "a", "color": "blue"}], "main": {"name": "b"}}')
    assert cart == Cart(items=[Item("a", Color.BLUE)], main=Item("b"), note=None)

    person = parse_as(Person, b'{"name": "Ann", "address": {"city": "Oslo"}}')
    assert person == Person("Ann", Address("Oslo"))

    movie = parse_as(Movie, '{"title": "T", "year": 1999, "cast": [{"city": "LA"}]}')
    assert movie == {"title": "T", "year": 1999, "cast": [Address("LA")]}

    point = parse_as(Point, '{"x": 3}')
    assert point == Point(3, 0)
    assert type(point) is Point


def test_parse_as_builtins_and_any() -> None:
    assert parse_as(dict, '{"a": [1, 2]}') == {"a": [1, 2]}
    assert parse_as(list, "[1, true]") == [1, True]
    assert parse_as(Any, '{"x": null}') == {"x": None}
    assert parse_as(list[Item], '[{"name": "z"}]') == [Item("z")]


def test_parse_as_roundtrips_the_schema_shape() -> None:
    # What a schema-following model would produce for each type parses back.
    for tp, value in [
        (Cart, Cart(items=[Item("a")], main=Item("b"), note="n")),
        (Person, Person("P", Address("C", "123"))),
    ]:
        assert parse_as(tp, msgspec.json.encode(value)) == value
    assert parse_as(Point, msgspec.json.encode({"x": 1, "y": 2})) == Point(1, 2)


def test_parse_as_validation_error_propagates() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.main"):
        parse_as(Cart, '{"items": [], "main": 3}')
    with pytest.raises(msgspec.ValidationError, match="missing required field `x`"):
        parse_as(Point, "{}")


def test_parse_as_non_json_text_is_a_value_error_quoting_the_text() -> None:
    text = "Sure! Here is the JSON you asked for: " + "x" * 500
    with pytest.raises(ValueError, match="not valid JSON") as info:
        parse_as(Cart, text)
    assert not isinstance(info.value, msgspec.ValidationError)
    assert repr(text[:200]) in str(info.value)
    assert text[:201] not in str(info.value)
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_as(dict, b"\xff not json")


class FakeValidationError(ValueError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    def errors(self) -> list[dict[str, Any]]:
        return [{"type": self.kind}]


class FakeParsedModel:
    """Duck-typed pydantic model for parse_as."""

    def __init__(self, raw: str | bytes) -> None:
        self.raw = raw

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {"type": "object"}

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> FakeParsedModel:
        if data == "bad json":
            raise FakeValidationError("json_invalid")
        if data == "{}":
            raise FakeValidationError("missing")
        return cls(data)


def test_parse_as_uses_model_validate_json() -> None:
    result = parse_as(FakeParsedModel, '{"a": 1}')
    assert isinstance(result, FakeParsedModel)
    assert result.raw == '{"a": 1}'
    with pytest.raises(ValueError, match=r"not valid JSON.*'bad json'"):
        parse_as(FakeParsedModel, "bad json")
    with pytest.raises(FakeValidationError):  # validation errors propagate unchanged
        parse_as(FakeParsedModel, "{}")


def test_parse_as_real_pydantic() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Tag(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        label: str

    assert parse_as(Tag, '{"label": "x"}') == Tag(label="x")
    with pytest.raises(pydantic.ValidationError):
        parse_as(Tag, '{"label": 3}')
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_as(Tag, "nope")
