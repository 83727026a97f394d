from __future__ import annotations

import dataclasses
import datetime
import enum
import pathlib
import uuid
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, NamedTuple, Optional, TypedDict, Union

import msgspec
import pytest
from typing_extensions import NotRequired, Required

from ollama_lite._tool_schema import function_to_tool, normalize_tool

from . import _tool_fixtures as fixtures


def params(func: Any) -> dict[str, Any]:
    parameters: dict[str, Any] = function_to_tool(func)["function"]["parameters"]
    return parameters


def props(func: Any) -> dict[str, Any]:
    properties: dict[str, Any] = params(func)["properties"]
    return properties


# --------------------------------------------------------------------------- docstrings


def get_weather(city: str, unit: str = "c", *args: int, **kwargs: str) -> str:
    """Get the current weather
    for a city.

    Uses the public API.

    Args:
        city (str): The city name,
            for example "Paris" or
            "Berlin".
        unit: Temperature unit.
        *args: Ignored extras.
        **kwargs: More ignored extras.

    Returns:
        str: The weather report. This must not
            leak into the description.

    Raises:
        KeyError: never.
    """
    return ""


def test_google_docstring_full_tool() -> None:
    assert function_to_tool(get_weather) == {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather\nfor a city.\n\nUses the public API.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {
                        "type": "string",
                        "description": 'The city name, for example "Paris" or "Berlin".',
                    },
                    "unit": {"type": "string", "description": "Temperature unit."},
                },
                "required": ["city"],
            },
        },
    }


def test_docstring_other_section_names_and_no_args() -> None:
    def f(a: int, b: int) -> None:
        """Do it.

        Parameters:
            a: First.
        Example:
            b: not an argument description
        """

    def g(x: int) -> None:
        """Only a description."""

    def h(x: int) -> None:
        pass

    tool = function_to_tool(f)["function"]
    assert tool["description"] == "Do it."
    assert tool["parameters"]["properties"] == {
        "a": {"type": "integer", "description": "First."},
        "b": {"type": "integer"},
    }
    assert function_to_tool(g)["function"]["description"] == "Only a description."
    assert function_to_tool(h)["function"]["description"] == ""


def test_docstring_case_insensitive_header_and_blank_lines_in_args() -> None:
    def f(a: int, b: int) -> None:
        """Summary.

        ARGS:
            a: Alpha

                still alpha.
            b: Beta.
        """

    assert props(f) == {
        "a": {"type": "integer", "description": "Alpha still alpha."},
        "b": {"type": "integer", "description": "Beta."},
    }
    assert function_to_tool(f)["function"]["description"] == "Summary."


# --------------------------------------------------------------------------- scalar / generic types


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


def kitchen_sink(
    s: str,
    i: int,
    f: float,
    b: bool,
    n: None,
    any_: Any,
    untyped,  # type: ignore[no-untyped-def]
    opt: Optional[int],  # noqa: UP045
    opt_pipe: str | None,
    union: Union[int, str],  # noqa: UP007
    union_none: int | str | None,
    lit: Literal["a", "b"],
    lit_num: Literal[1, 2.5],
    lit_bool: Literal[True, False],
    lit_opt: Literal["x", "y"] | None,
    color: Color,
    level: Level,
    color_opt: Color | None,
    lst: list[str],
    seq: Sequence[int],
    st: set[float],
    bare_list: list,  # type: ignore[type-arg]
    tup_var: tuple[int, ...],
    tup_fixed: tuple[int, str],
    dct: dict[str, int],
    mapping: Mapping[str, list[bool]],
    dict_any: dict[str, Any],
    nested_opt: list[dict[str, int]] | None,
    annotated: Annotated[str, "A described string"],
    when: datetime.datetime,
    day: datetime.date,
    ident: uuid.UUID,
    path: pathlib.Path,
    blob: bytes,
    opt_any: Any | None,
) -> None:
    pass


def test_type_schemas() -> None:
    assert props(kitchen_sink) == {
        "s": {"type": "string"},
        "i": {"type": "integer"},
        "f": {"type": "number"},
        "b": {"type": "boolean"},
        "n": {"type": "null"},
        "any_": {},
        "untyped": {"type": "string"},
        "opt": {"type": ["integer", "null"]},
        "opt_pipe": {"type": ["string", "null"]},
        "union": {"type": ["integer", "string"]},
        "union_none": {"type": ["integer", "string", "null"]},
        "lit": {"type": "string", "enum": ["a", "b"]},
        "lit_num": {"type": "number", "enum": [1, 2.5]},
        "lit_bool": {"type": "boolean", "enum": [True, False]},
        "lit_opt": {"type": ["string", "null"], "enum": ["x", "y", None]},
        "color": {"type": "string", "enum": ["red", "green"]},
        "level": {"type": "integer", "enum": [1, 2]},
        "color_opt": {"type": ["string", "null"], "enum": ["red", "green", None]},
        "lst": {"type": "array", "items": {"type": "string"}},
        "seq": {"type": "array", "items": {"type": "integer"}},
        "st": {"type": "array", "items": {"type": "number"}},
        "bare_list": {"type": "array"},
        "tup_var": {"type": "array", "items": {"type": "integer"}},
        "tup_fixed": {
            "type": "array",
            "items": {"type": ["integer", "string"]},
            "prefixItems": [{"type": "integer"}, {"type": "string"}],
            "minItems": 2,
            "maxItems": 2,
        },
        "dct": {"type": "object", "additionalProperties": {"type": "integer"}},
        "mapping": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "boolean"}},
        },
        "dict_any": {"type": "object"},
        "nested_opt": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {"type": "object", "additionalProperties": {"type": "integer"}},
                },
                {"type": "null"},
            ]
        },
        "annotated": {"type": "string", "description": "A described string"},
        "when": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "ident": {"type": "string", "format": "uuid"},
        "path": {"type": "string"},
        "blob": {"type": "string"},
        "opt_any": {},
    }
    # Every parameter is required here: none has a default.
    assert params(kitchen_sink)["required"] == list(props(kitchen_sink))


def test_union_of_complex_types_uses_anyof() -> None:
    def f(x: list[int] | dict[str, str] | None) -> None:
        pass

    assert props(f)["x"] == {
        "anyOf": [
            {"type": "array", "items": {"type": "integer"}},
            {"type": "object", "additionalProperties": {"type": "string"}},
            {"type": "null"},
        ]
    }


def test_docstring_description_wins_over_annotated() -> None:
    def f(city: Annotated[str, "from Annotated"], other: Annotated[int, "kept"]) -> None:
        """Args:
        city: from docstring
        """

    assert props(f) == {
        "city": {"type": "string", "description": "from docstring"},
        "other": {"type": "integer", "description": "kept"},
    }


# --------------------------------------------------------------------------- defaults / required


def test_defaults_are_not_required_and_order_is_kept() -> None:
    def f(
        z: int, a: str = "x", m: int | None = None, b: bool = False, *, k: int, kd: int = 3
    ) -> None:
        pass

    assert list(props(f)) == ["z", "a", "m", "b", "k", "kd"]
    assert params(f)["required"] == ["z", "k"]
    # A default does not change the type: `m` is nullable because of Optional only.
    assert props(f)["m"] == {"type": ["integer", "null"]}
    assert props(f)["a"] == {"type": "string"}


def test_no_parameters() -> None:
    def ping() -> str:
        return "pong"

    assert params(ping) == {"type": "object", "properties": {}, "required": []}


# --------------------------------------------------------------------------- nested records


@dataclasses.dataclass
class Address:
    street: str
    zip_code: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)


class Contact(TypedDict):
    email: str
    phone: NotRequired[str]


class Partial(TypedDict, total=False):
    must: Required[int]
    maybe: int


class Order(msgspec.Struct, rename="camel"):
    item_id: int
    quantity: int = 1


class Pair(NamedTuple):
    left: int
    right: str = "r"


@dataclasses.dataclass
class Person:
    name: str
    address: Address
    contacts: list[Contact]
    order: Order | None = None


ADDRESS_SCHEMA = {
    "type": "object",
    "properties": {
        "street": {"type": "string"},
        "zip_code": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["street"],
}
CONTACT_SCHEMA = {
    "type": "object",
    "properties": {"email": {"type": "string"}, "phone": {"type": "string"}},
    "required": ["email"],
}
ORDER_SCHEMA = {
    "type": "object",
    "properties": {"itemId": {"type": "integer"}, "quantity": {"type": "integer"}},
    "required": ["itemId"],
}


def test_nested_records_are_inlined() -> None:
    def register(person: Person, pair: Pair, partial: Partial) -> None:
        """Register someone.

        Args:
            person: Who.
        """

    assert props(register) == {
        "person": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "address": ADDRESS_SCHEMA,
                "contacts": {"type": "array", "items": CONTACT_SCHEMA},
                "order": {"anyOf": [ORDER_SCHEMA, {"type": "null"}]},
            },
            "required": ["name", "address", "contacts"],
            "description": "Who.",
        },
        "pair": {
            "type": "object",
            "properties": {"left": {"type": "integer"}, "right": {"type": "string"}},
            "required": ["left"],
        },
        "partial": {
            "type": "object",
            "properties": {"must": {"type": "integer"}, "maybe": {"type": "integer"}},
            "required": ["must"],
        },
    }


def test_future_annotations_module() -> None:
    assert function_to_tool(fixtures.move) == {
        "type": "function",
        "function": {
            "name": "move",
            "description": "Move a point.",
            "parameters": {
                "type": "object",
                "properties": {
                    "point": {
                        "type": "object",
                        "properties": {
                            "x": {"type": "number"},
                            "y": {"type": "number"},
                            "label": {"type": ["string", "null"]},
                        },
                        "required": ["x", "y"],
                        "description": "Where to start.",
                    },
                    "steps": {
                        "type": "array",
                        "items": {"type": "integer"},
                        "description": "How far to go, per step.",
                    },
                    "direction": {
                        "type": "string",
                        "enum": ["up", "down"],
                        "description": "Which way.",
                    },
                },
                "required": ["point", "steps"],
            },
        },
    }


# --------------------------------------------------------------------------- recursion


@dataclasses.dataclass
class TreeNode:
    value: int
    children: list[TreeNode] = dataclasses.field(default_factory=list)
    parent: TreeNode | None = None


@dataclasses.dataclass
class Ping:
    pong: Pong | None = None


@dataclasses.dataclass
class Pong:
    ping: Ping


def test_recursive_types_terminate() -> None:
    def walk(tree: TreeNode, ping: Ping) -> None:
        pass

    assert props(walk) == {
        "tree": {
            "type": "object",
            "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"type": "object"}},
                "parent": {"type": ["object", "null"]},
            },
            "required": ["value"],
        },
        "ping": {
            "type": "object",
            "properties": {
                "pong": {
                    "anyOf": [
                        {
                            "type": "object",
                            "properties": {"ping": {"type": "object"}},
                            "required": ["ping"],
                        },
                        {"type": "null"},
                    ]
                }
            },
            "required": [],
        },
    }


# --------------------------------------------------------------------------- methods


class Calculator:
    def add(self, a: int, b: int = 0) -> int:
        """Add numbers.

        Args:
            a: First.
        """
        return a + b

    @classmethod
    def make(cls, size: int) -> Calculator:
        return cls()

    @staticmethod
    def neg(x: int) -> int:
        return -x


def test_bound_method_and_class_method() -> None:
    tool = function_to_tool(Calculator().add)
    assert tool["function"]["name"] == "add"
    assert tool["function"]["description"] == "Add numbers."
    assert tool["function"]["parameters"] == {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "First."},
            "b": {"type": "integer"},
        },
        "required": ["a"],
    }
    assert params(Calculator.make) == {
        "type": "object",
        "properties": {"size": {"type": "integer"}},
        "required": ["size"],
    }
    assert params(Calculator.neg)["required"] == ["x"]
    # The plain function (accessed on the class) also drops `self`.
    assert list(props(Calculator.add)) == ["a", "b"]


# --------------------------------------------------------------------------- pydantic (duck-typed)


class FakeModel:
    """Stands in for a pydantic model: only `model_json_schema` is used."""

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {
            "$defs": {
                "Inner": {
                    "title": "Inner",
                    "type": "object",
                    "properties": {"v": {"type": "integer", "title": "V"}},
                    "required": ["v"],
                },
                "Loop": {
                    "title": "Loop",
                    "type": "object",
                    "properties": {"next": {"$ref": "#/$defs/Loop"}},
                },
            },
            "title": "FakeModel",
            "type": "object",
            "properties": {
                "inner": {"$ref": "#/$defs/Inner", "description": "the inner one"},
                "loop": {"allOf": [{"$ref": "#/$defs/Loop"}], "description": "loops"},
            },
            "required": ["inner"],
        }


def test_duck_typed_pydantic_model_is_inlined() -> None:
    def f(m: FakeModel) -> None:
        pass

    assert props(f)["m"] == {
        "title": "FakeModel",
        "type": "object",
        "properties": {
            "inner": {
                "title": "Inner",
                "type": "object",
                "properties": {"v": {"type": "integer", "title": "V"}},
                "required": ["v"],
                "description": "the inner one",
            },
            "loop": {
                "title": "Loop",
                "type": "object",
                "properties": {"next": {"type": "object"}},
                "description": "loops",
            },
        },
        "required": ["inner"],
    }


try:
    import pydantic
except ImportError:  # pragma: no cover - pydantic is a dev dependency
    pydantic = None  # type: ignore[assignment]

if pydantic is not None:
    # Module level: with postponed annotations, `Outer` in a tool's signature (and `Inner`
    # in Outer's fields) must resolve through the module's globals.

    class Inner(pydantic.BaseModel):
        v: int

    class Outer(pydantic.BaseModel):
        inner: Inner
        items: list[Inner] = []


@pytest.mark.skipif(pydantic is None, reason="pydantic is not installed")
def test_real_pydantic_model() -> None:
    def f(o: Outer) -> None:
        pass

    schema = props(f)["o"]
    assert "$defs" not in schema
    assert schema["properties"]["inner"]["properties"] == {"v": {"title": "V", "type": "integer"}}
    assert schema["properties"]["items"]["items"]["required"] == ["v"]
    assert schema["required"] == ["inner"]


# --------------------------------------------------------------------------- errors


def test_lambda_is_rejected_with_clear_message() -> None:
    with pytest.raises(ValueError, match=r"'<lambda>' is not a valid tool name"):
        function_to_tool(lambda x: x)


class Opaque:
    pass


@dataclasses.dataclass
class Holder:
    cb: Any = None
    fn: type = int


def test_unsupported_annotation_names_function_and_parameter() -> None:
    def tool_fn(ok: int, bad: Opaque) -> None:
        pass

    with pytest.raises(TypeError, match=r"function 'tool_fn', parameter 'bad'.*Opaque"):
        function_to_tool(tool_fn)


def test_unsupported_nested_annotation_is_reported() -> None:
    def uses(h: Holder) -> None:
        pass

    with pytest.raises(TypeError, match=r"function 'uses', parameter 'h'"):
        function_to_tool(uses)


def test_unresolvable_forward_reference() -> None:
    def f(x: DoesNotExist) -> None:  # type: ignore[name-defined]  # noqa: F821
        pass

    with pytest.raises(TypeError, match=r"function 'f', parameter 'x'.*DoesNotExist.*visible"):
        function_to_tool(f)


def test_string_annotations_naming_local_classes_resolve_like_pydantic() -> None:
    # This module uses `from __future__ import annotations`: every annotation is a string,
    # and these classes exist only in this function's frame (found as pydantic finds them).
    class Where(TypedDict):
        city: str
        unit: Unit

    class Unit(enum.Enum):
        C = "celsius"
        F = "fahrenheit"

    @dataclasses.dataclass
    class Window:
        days: int

    def forecast(where: Where, window: Window | None = None) -> None:
        pass

    properties = props(forecast)
    assert properties["where"]["properties"]["unit"] == {
        "type": "string",
        "enum": ["celsius", "fahrenheit"],
    }
    assert properties["window"]["anyOf"][0]["properties"] == {"days": {"type": "integer"}}


def test_a_caller_local_never_shadows_a_module_type() -> None:
    Sequence = int  # noqa: F841  a local named like the module's import

    def tool(items: Sequence[str]) -> None:
        pass

    assert props(tool)["items"] == {"type": "array", "items": {"type": "string"}}


def test_local_classes_resolve_through_client_calls() -> None:
    import httpx

    from ollama_lite import Client

    class Point(TypedDict):
        x: float

    def move(to: Point) -> None:
        """Move there."""

    bodies: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={"model": "m", "message": {"role": "assistant"}})

    with Client("http://127.0.0.1:9", transport=httpx.MockTransport(answer)) as client:
        client.chat("m", [], tools=[move])
    sent = msgspec.json.decode(bodies[-1])
    assert sent["tools"][0]["function"]["parameters"]["properties"]["to"]["properties"] == {
        "x": {"type": "number"}
    }


def test_non_function_is_rejected() -> None:
    class CallableObj:
        def __call__(self) -> None:
            pass

    with pytest.raises(TypeError, match="no __name__"):
        function_to_tool(CallableObj())
    with pytest.raises(TypeError, match="must be a function"):
        function_to_tool(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- normalize_tool


NESTED_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "book",
        "description": "Book a trip",
        "parameters": {
            "type": "object",
            "required": ["trip"],
            "properties": {
                "trip": {
                    "type": "object",
                    "description": "The trip",
                    "properties": {
                        "from": {"type": "string"},
                        "when": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "legs": {"type": "array", "items": {"type": "integer"}},
                    },
                    "required": ["from"],
                },
                "mode": {"type": ["string", "null"], "enum": ["air", "rail", None]},
            },
        },
    },
}


def test_normalize_tool_keeps_nested_schema() -> None:
    out = normalize_tool(NESTED_TOOL)
    assert out == NESTED_TOOL
    trip = out["function"]["parameters"]["properties"]["trip"]
    assert trip["properties"]["when"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert trip["required"] == ["from"]
    # A deep copy: mutating the result does not touch the caller's dict.
    trip["required"].append("x")
    assert NESTED_TOOL["function"]["parameters"]["properties"]["trip"]["required"] == ["from"]


def test_normalize_tool_defaults_type() -> None:
    out = normalize_tool({"function": {"name": "f"}})
    assert out == {"type": "function", "function": {"name": "f"}}


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ({}, "function"),
        ({"type": "function"}, "function"),
        ({"function": "f"}, "function"),
        ({"function": {}}, "function.name"),
        ({"function": {"name": ""}}, "function.name"),
        ({"function": {"name": 3}}, "function.name"),
        ({"type": 1, "function": {"name": "f"}}, "type"),
        ({"function": {"name": "f", "parameters": []}}, "parameters"),
        (["not", "a", "dict"], "mapping"),
    ],
)
def test_normalize_tool_rejects_bad_dicts(tool: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_tool(tool)
