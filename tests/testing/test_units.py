"""Pure helpers of the fake server: names, durations, schema examples, fault headers."""

from __future__ import annotations

from typing import Any

import pytest

from ollama_lite.testing import Fault
from ollama_lite.testing._names import parse_name
from ollama_lite.testing._schema import example_for_schema
from ollama_lite.testing._validate import parse_go_duration

from ._fakeutil import validate


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("llama3.2", "llama3.2:latest"),
        ("llama3.2:1b", "llama3.2:1b"),
        ("me/model", "me/model:latest"),
        ("library/llama3.2", "llama3.2:latest"),
        ("hf.co/user/repo:Q4_K_M", "hf.co/user/repo:Q4_K_M"),
        ("localhost:5000/ns/model:tag", "localhost:5000/ns/model:tag"),
        ("model@sha256:abc", "model:latest"),
    ],
)
def test_names(text: str, display: str) -> None:
    name = parse_name(text)
    assert name is not None and name.display == display


@pytest.mark.parametrize("text", ["", "bad name", "a/b/c/d", "model:", "/model", "-x", "ns/"])
def test_invalid_names(text: str) -> None:
    assert parse_name(text) is None


def test_name_keys_ignore_case() -> None:
    a, b = parse_name("Llama3.2"), parse_name("registry.ollama.ai/library/llama3.2:LATEST")
    assert a is not None and b is not None and a.key == b.key


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0", 0),
        ("5m", 300),
        ("1h30m", 5400),
        ("300ms", 0.3),
        ("1.5s", 1.5),
        ("-1m", -60),
        ("2h45m30.5s", 9930.5),
        ("1us", 1e-6),
        ("1µs", 1e-6),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "3600", "1d", "m", "1.m.", "5 m", "+"])
def test_bad_go_durations(text: str) -> None:
    with pytest.raises(ValueError, match="time: "):
        parse_go_duration(text)


SCHEMAS: list[dict[str, Any]] = [
    {
        "type": "object",
        "properties": {
            "a": {"type": "string", "maxLength": 3},
            "b": {"type": "integer", "multipleOf": 5, "minimum": 7},
        },
        "required": ["a"],
    },
    {"type": "array", "items": {"type": "number", "exclusiveMaximum": 0}, "minItems": 3},
    {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"x": {"const": 4}}}]},
    {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "boolean"}}, "required": ["a"]},
            {
                "properties": {"b": {"type": ["null", "string"], "format": "date-time"}},
                "required": ["b"],
            },
        ]
    },
    {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
            }
        },
        "$ref": "#/$defs/Node",
    },
    {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date"},
            "email": {"type": "string", "format": "email"},
            "tuple": {"type": "array", "prefixItems": [{"type": "integer"}, {"enum": ["x", "y"]}]},
        },
    },
    {
        "type": "object",
        "properties": {
            "levels": {
                "type": "array",
                "uniqueItems": True,
                "minItems": 2,
                "items": {"type": "string"},
            }
        },
    },
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_schema_examples_validate(schema: dict[str, Any]) -> None:
    assert validate(example_for_schema(schema), schema) == []


def test_fault_header_parsing() -> None:
    faults = Fault.from_header("delay;seconds=0.5, disconnect;after=3, busy;retry-after=2")
    assert faults == [Fault.delay(0.5), Fault.disconnect(after=3), Fault.busy(retry_after=2)]
    (status,) = Fault.from_header("status;status=418;body=%7B%7D;content_type=text/plain")
    assert (status.status_code, status.body, status.content_type) == (418, b"{}", "text/plain")
    with pytest.raises(ValueError):
        Fault.from_header("nope")
