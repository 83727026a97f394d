"""/api/chat and /api/generate: stream shape, metrics, thinking, tools, format, logprobs."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from ollama_lite.testing import FakeOllama

from ._fakeutil import RFC3339_NANO, ndjson, validate

HI = [{"role": "user", "content": "Why is the sky blue?"}]
METRICS = (
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
)
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "required": ["city", "days", "unit"],
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["c", "f"]},
                "days": {"type": "integer", "minimum": 3, "maximum": 7},
                "ratio": {"type": "number"},
                "verbose": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "where": {
                    "type": "object",
                    "required": ["lat"],
                    "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                },
                "note": {"type": ["string", "null"]},
            },
        },
    },
}


def chat(client: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("model", "llama3.2")
    body.setdefault("messages", HI)
    return client.post("/api/chat", json=body)


def test_chat_streams_ndjson_by_default(client: httpx.Client) -> None:
    r = chat(client)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/x-ndjson"
    assert r.headers["transfer-encoding"] == "chunked" and "content-length" not in r.headers
    chunks = ndjson(r.content)
    *parts, last = chunks
    assert parts and all(p["done"] is False for p in parts)
    assert all(p["model"] == "llama3.2" and RFC3339_NANO.match(p["created_at"]) for p in chunks)
    assert all(p["message"]["role"] == "assistant" for p in chunks)
    assert all("logprobs" not in p and "thinking" not in p["message"] for p in chunks)
    assert last["done"] is True and last["done_reason"] == "stop"
    assert last["message"] == {"role": "assistant", "content": ""}
    assert all(isinstance(last[k], int) and last[k] > 0 for k in METRICS)
    assert last["eval_count"] == len(parts)
    assert last["total_duration"] >= last["eval_duration"] + last["load_duration"]
    text = "".join(p["message"]["content"] for p in parts)
    assert text == "You said: Why is the sky blue?"


def test_chat_unary_matches_stream(client: httpx.Client) -> None:
    r = chat(client, stream=False)
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert not r.content.endswith(b"\n")
    body = r.json()
    assert body["message"]["content"] == "You said: Why is the sky blue?"
    assert body["done"] is True and body["done_reason"] == "stop"
    assert "context" not in body and all(k in body for k in METRICS)


def test_generate_stream_and_context(client: httpx.Client) -> None:
    r = client.post("/api/generate", json={"model": "llama3.2", "prompt": "hello there"})
    chunks = ndjson(r.content)
    *parts, last = chunks
    assert "".join(p["response"] for p in parts) == "You said: hello there"
    assert all("thinking" not in p for p in chunks)
    assert last["response"] == "" and last["done_reason"] == "stop"
    assert isinstance(last["context"], list) and all(isinstance(t, int) for t in last["context"])
    raw = client.post(
        "/api/generate", json={"model": "llama3.2", "prompt": "x", "raw": True, "stream": False}
    ).json()
    assert "context" not in raw and raw["response"] == "You said: x"
    again = client.post(
        "/api/generate",
        json={"model": "llama3.2", "prompt": "more", "context": [1, 2, 3], "stream": False},
    ).json()
    assert again["context"][:3] == [1, 2, 3]


def test_raw_with_system_is_rejected(client: httpx.Client) -> None:
    r = client.post(
        "/api/generate", json={"model": "llama3.2", "prompt": "x", "raw": True, "system": "s"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "raw mode does not support template, system, or context"


@pytest.mark.parametrize("route", ["/api/generate", "/api/chat"])
def test_load_and_unload_are_single_objects(
    fake: FakeOllama, client: httpx.Client, route: str
) -> None:
    body: dict[str, Any] = {"model": "llama3.2"}
    if route == "/api/chat":
        body["messages"] = []
    r = client.post(route, json=body)  # streaming is the default, yet one object comes back
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert not r.content.endswith(b"\n")
    assert r.json()["done_reason"] == "load" and r.json()["done"] is True
    assert "llama3.2:latest" in fake.loaded_models
    r = client.post(route, json={**body, "keep_alive": 0})
    assert r.json()["done_reason"] == "unload"
    assert "llama3.2:latest" not in fake.loaded_models


def test_unload_works_for_embedding_models_but_load_does_not(client: httpx.Client) -> None:
    r = client.post("/api/generate", json={"model": "all-minilm", "keep_alive": 0})
    assert r.json()["done_reason"] == "unload"
    r = client.post("/api/generate", json={"model": "all-minilm"})
    assert r.status_code == 400 and r.json()["error"] == '"all-minilm" does not support generate'


def test_num_predict_cuts_with_length(client: httpx.Client) -> None:
    chunks = ndjson(chat(client, options={"num_predict": 2}).content)
    assert len(chunks) == 3 and chunks[-1]["done_reason"] == "length"
    assert chunks[-1]["eval_count"] == 2


def test_stop_sequences_cut_the_reply(client: httpx.Client) -> None:
    body = chat(client, stream=False, options={"stop": ["sky"]}).json()
    assert body["message"]["content"] == "You said: Why is the "
    assert body["done_reason"] == "stop"


def test_reply_tokens_header_and_setting(fake: FakeOllama, client: httpx.Client) -> None:
    r = client.post(
        "/api/chat",
        json={"model": "llama3.2", "messages": HI},
        headers={"x-fake-reply-tokens": "500"},
    )
    chunks = ndjson(r.content)
    assert len(chunks) == 501 and chunks[-1]["eval_count"] == 500
    fake.reply_tokens = 3
    body = chat(client, stream=False).json()
    assert body["eval_count"] == 3 and body["done_reason"] == "stop"
    assert chat(client, stream=False, options={"num_predict": 2}).json()["done_reason"] == "length"


def test_seed_and_temperature_are_harmless(client: httpx.Client) -> None:
    a = chat(client, stream=False, options={"seed": 42, "temperature": 0}).json()
    b = chat(client, stream=False, options={"seed": 7, "temperature": 1.5}).json()
    assert a["message"]["content"] == b["message"]["content"]


# -- thinking -----------------------------------------------------------------------------
def test_thinking_model_thinks_by_default_then_answers(client: httpx.Client) -> None:
    chunks = ndjson(chat(client, model="qwen3").content)
    kinds = ["thinking" if c["message"].get("thinking") else "content" for c in chunks[:-1]]
    assert kinds[0] == "thinking" and kinds[-1] == "content"
    assert kinds == sorted(kinds, key=lambda k: k != "thinking")  # all thinking comes first
    assert all(c["message"]["content"] == "" for c in chunks if c["message"].get("thinking"))
    assert chunks[-1]["eval_count"] == len(chunks) - 1


def test_think_false_and_levels(client: httpx.Client) -> None:
    off = chat(client, model="qwen3", think=False, stream=False).json()
    assert "thinking" not in off["message"]
    low = chat(client, model="qwen3", think="low", stream=False).json()["message"]["thinking"]
    high = chat(client, model="qwen3", think="max", stream=False).json()["message"]["thinking"]
    assert low and len(high) > len(low)
    generated = client.post(
        "/api/generate", json={"model": "qwen3", "prompt": "2+2?", "stream": False, "think": "high"}
    ).json()
    assert generated["thinking"] and generated["response"] == "You said: 2+2?"


@pytest.mark.parametrize(
    ("model", "think", "error"),
    [
        ("qwen3", "extreme", 'invalid think value: "extreme"'),
        ("qwen3", 3, "think must be a boolean or string"),
        ("llama3.2", True, '"llama3.2" does not support thinking'),
        ("llama3.2", "low", '"llama3.2" does not support thinking'),
    ],
)
def test_bad_think_values(client: httpx.Client, model: str, think: object, error: str) -> None:
    r = chat(client, model=model, think=think)
    assert r.status_code == 400 and error in r.json()["error"]


def test_think_false_is_fine_on_any_model(client: httpx.Client) -> None:
    assert chat(client, think=False, stream=False).status_code == 200


# -- tools --------------------------------------------------------------------------------
def test_tool_call_matches_the_schema(client: httpx.Client) -> None:
    body = chat(client, tools=[WEATHER_TOOL], stream=False).json()
    (call,) = body["message"]["tool_calls"]
    assert re.fullmatch(r"call_[a-z0-9]{8}", call["id"])
    assert call["function"]["index"] == 0 and call["function"]["name"] == "get_weather"
    arguments = call["function"]["arguments"]
    schema = WEATHER_TOOL["function"]["parameters"]  # type: ignore[index]
    assert validate(arguments, schema) == []
    assert 3 <= arguments["days"] <= 7 and arguments["unit"] in ("c", "f")
    assert body["message"]["content"] == ""


def test_streamed_tool_call_then_tool_result(client: httpx.Client) -> None:
    chunks = ndjson(chat(client, model="qwen3", tools=[WEATHER_TOOL]).content)
    with_calls = [c for c in chunks if c["message"].get("tool_calls")]
    assert len(with_calls) == 1 and not with_calls[0]["done"]
    call = with_calls[0]["message"]["tool_calls"][0]
    assert any(c["message"].get("thinking") for c in chunks)  # qwen3 thinks before calling
    history = [
        *HI,
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "content": "11 degrees", "tool_call_id": call["id"]},
    ]
    answer = chat(client, messages=history, tools=[WEATHER_TOOL], stream=False, think=False).json()
    assert "tool_calls" not in answer["message"]
    assert answer["message"]["content"] == "The get_weather tool returned: 11 degrees"


def test_tools_need_the_tools_capability(fake: FakeOllama, client: httpx.Client) -> None:
    from ollama_lite.testing import FakeModel

    fake.add_model(FakeModel("plain", capabilities=("completion",)))
    r = chat(client, model="plain", tools=[WEATHER_TOOL])
    assert r.status_code == 400 and r.json()["error"] == '"plain" does not support tools'
    r = chat(client, model="nomic-embed-text", tools=[WEATHER_TOOL])
    assert r.json()["error"] == '"nomic-embed-text" does not support chat'


def test_tool_arguments_as_string_in_history_is_400(client: httpx.Client) -> None:
    history = [
        *HI,
        {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": '{"x": 1}'}}]},
    ]
    assert chat(client, messages=history).status_code == 400


# -- structured output --------------------------------------------------------------------
PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2},
        "age": {"type": "integer", "exclusiveMinimum": 17},
        "height": {"type": "number", "maximum": 0.5},
        "active": {"type": "boolean"},
        "role": {"enum": ["admin", "user"]},
        "nickname": {"anyOf": [{"type": "null"}, {"type": "string"}]},
        "address": {"$ref": "#/$defs/Address"},
        "pets": {"type": "array", "items": {"$ref": "#/$defs/Pet"}, "minItems": 2},
        "kind": {"const": "person"},
    },
    "required": ["name", "age", "address", "pets", "kind"],
    "additionalProperties": False,
    "$defs": {
        "Address": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "Pet": {
            "type": "object",
            "properties": {"species": {"type": "string", "enum": ["cat", "dog"]}},
            "required": ["species"],
        },
    },
}


def test_format_schema_produces_a_valid_document(client: httpx.Client) -> None:
    chunks = ndjson(chat(client, format=PERSON).content)
    assert len(chunks) > 5  # streamed token by token like any reply
    document = json.loads("".join(c["message"]["content"] for c in chunks))
    assert validate(document, PERSON) == []
    generated = client.post(
        "/api/generate",
        json={"model": "qwen3", "prompt": "who?", "format": PERSON, "stream": False},
    ).json()
    assert generated["thinking"] and validate(json.loads(generated["response"]), PERSON) == []


def test_format_json_is_an_object(client: httpx.Client) -> None:
    content = chat(client, format="json", stream=False).json()["message"]["content"]
    assert isinstance(json.loads(content), dict)


@pytest.mark.parametrize("fmt", ["yaml", ["json"]])
def test_invalid_format_is_a_500(client: httpx.Client, fmt: object) -> None:
    r = chat(client, format=fmt)
    assert r.status_code == 500 and "invalid format" in r.json()["error"]


# -- logprobs -----------------------------------------------------------------------------
def test_logprobs_per_token(client: httpx.Client) -> None:
    chunks = ndjson(chat(client, logprobs=True, top_logprobs=3).content)
    for chunk in chunks[:-1]:
        (entry,) = chunk["logprobs"]
        assert entry["token"] == chunk["message"]["content"]
        assert entry["logprob"] <= 0 and entry["bytes"] == list(entry["token"].encode())
        assert (
            len(entry["top_logprobs"]) == 3 and entry["top_logprobs"][0]["token"] == entry["token"]
        )
    unary = client.post(
        "/api/generate",
        json={"model": "llama3.2", "prompt": "a b c", "logprobs": True, "stream": False},
    ).json()
    assert len(unary["logprobs"]) == unary["eval_count"]
    assert all("top_logprobs" not in e for e in unary["logprobs"])


def test_top_logprobs_alone_adds_nothing(client: httpx.Client) -> None:
    body = chat(client, stream=False, top_logprobs=0).json()
    assert "logprobs" not in body


@pytest.mark.parametrize("top", [-1, 21])
def test_top_logprobs_out_of_range(client: httpx.Client, top: int) -> None:
    r = chat(client, logprobs=True, top_logprobs=top)
    assert r.status_code == 400 and "top_logprobs" in r.json()["error"]
