"""The tiny models' documented guarantees, checked on the real server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import ollama_lite
from ollama_lite import Client

from ._real import CHAT, EMBED, HI, REPLY

SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "properties": {"a": {"type": "string"}}},
    {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 2},
            "age": {"type": "integer", "minimum": 5},
            "score": {"type": "number"},
            "ok": {"type": "boolean"},
            "unit": {"enum": ["celsius", "fahrenheit"]},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "where": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": ["string", "null"]}},
                "required": ["city", "zip"],
            },
        },
        "required": ["name", "age", "score", "ok", "unit", "tags", "where"],
    },
    {"type": "array", "items": {"type": "integer"}},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=["optional-only", "every-type", "array-root"])
def test_any_schema_gets_a_valid_document(real_client: Client, schema: dict[str, Any]) -> None:
    content = real_client.chat(CHAT, HI, format=schema).message.content
    jsonschema.validate(json.loads(content), schema)


def test_minimal_documents(real_client: Client) -> None:
    assert real_client.chat(CHAT, HI, format=SCHEMAS[0]).message.content == "{}"
    every = json.loads(real_client.chat(CHAT, HI, format=SCHEMAS[1]).message.content)
    assert every["score"] == 0 and every["ok"] is False and every["where"]["city"] == ""


def test_answers_do_not_depend_on_sampling_options(real_client: Client) -> None:
    hot = {"temperature": 2, "top_k": 100, "top_p": 1, "repeat_penalty": 1.1, "seed": 7}
    for _ in range(3):
        assert real_client.chat(CHAT, HI, options=hot).message.content == REPLY
    assert real_client.chat(CHAT, HI, format=SCHEMAS[0], options=hot).message.content == "{}"


def test_tool_name_not_offered_arrives_as_text(real_client: Client) -> None:
    other = {"type": "function", "function": {"name": "other", "parameters": {"type": "object"}}}
    reply = real_client.chat(CHAT, HI, tools=[other]).message
    assert not reply.tool_calls
    assert json.loads(reply.content) == {"name": "get_weather", "arguments": {"city": "Tokyo"}}


def test_custom_texts_and_tool(real_client: Client) -> None:
    tiny = pytest.importorskip("ollama_lite.testing.tiny_models")
    name = f"custom-{uuid.uuid4().hex[:8]}"
    tiny.register_chat_model(
        real_client,
        name,
        reply="go go go now",
        thinking="hmm",
        tool_name="lookup",
        tool_arguments={"q": "x", "n": 2},
    )
    try:
        assert real_client.generate(name, "x").response == "go go go now"
        thought = real_client.chat(name, HI, think=True).message
        assert (thought.thinking, thought.content) == ("hmm", "go go go now")
        params = {"type": "object", "properties": {"q": {"type": "string"}, "n": {}}}
        tool = {"type": "function", "function": {"name": "lookup", "parameters": params}}
        calls = real_client.chat(name, HI, tools=[tool]).message.tool_calls or []
        assert [(c.function.name, c.function.arguments) for c in calls] == [
            ("lookup", {"q": "x", "n": 2})
        ]
    finally:
        real_client.delete(name)


def test_embedding_guarantees(real_client: Client, tmp_path: Path) -> None:
    tiny = pytest.importorskip("ollama_lite.testing.tiny_models")
    vectors = real_client.embed(EMBED, ["Tea", "tea", "eat"]).embeddings
    assert vectors[0] == vectors[1] != vectors[2]  # letters are lowercased
    name = f"embed-{uuid.uuid4().hex[:8]}"
    tiny.register_embedding_model(real_client, name, dimensions=32, context_length=16)
    try:
        assert len(real_client.embed(name, "x").embeddings[0]) == 32
        assert real_client.embed(name, "a" * 16, truncate=False).embeddings  # 16 tokens
        with pytest.raises(ollama_lite.ResponseError, match="exceeds maximum context length"):
            real_client.embed(name, "a" * 17, truncate=False)
        assert len(real_client.embed(name, "a" * 17).embeddings) == 1  # truncated
    finally:
        real_client.delete(name)
