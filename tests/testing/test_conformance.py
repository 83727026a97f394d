"""The fake's responses against the response schemas of Ollama's own openapi.yaml.

Schemas are made strict (no unknown properties) except for the fields the openapi file is
known to miss (API.md section 13), so an invented field fails the test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from ollama_lite.testing import FakeModel, FakeOllama

from ._fakeutil import ndjson, validate

#: Ollama's docs/openapi.yaml, vendored (see tests/data/README.md).
SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "ollama-openapi.yaml"

# Fields the server sends that openapi.yaml does not declare (API.md section 13).
KNOWN_EXTRAS = {
    "context",
    "tool_calls",
    "remote_model",
    "remote_host",
    "logprobs",
    "done_reason",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
    "thinking",
    "tool_name",
    "tool_call_id",
    "id",
    "index",
    "capabilities",
    "parent_model",
    "context_length",
    "embedding_length",
    "modelfile",
    "system",
    "messages",
    "projector_info",
    "tensors",
    "renderer",
    "parser",
    "requires",
}
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup",
        "parameters": {
            "type": "object",
            "required": ["q"],
            "properties": {"q": {"type": "string"}},
        },
    },
}
ASK = [{"role": "user", "content": "Why is the sky blue?"}]
EXTRA_CASES: dict[str, list[dict[str, Any]]] = {
    "chat": [
        {"model": "gemma4", "messages": ASK},
        {"model": "gemma4", "messages": ASK, "tools": [TOOL]},
        {"model": "qwen3", "messages": ASK, "think": "high", "logprobs": True, "top_logprobs": 2},
        {
            "model": "gemma4",
            "messages": ASK,
            "format": {
                "type": "object",
                "properties": {"answer": {"type": "string"}},
                "required": ["answer"],
            },
        },
    ],
    "generate": [{"model": "qwen3", "prompt": "2+2?", "logprobs": True, "top_logprobs": 1}],
}


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _strict(v) for k, v in node.items()}
        if isinstance(node.get("properties"), dict):
            for extra in KNOWN_EXTRAS:
                node["properties"].setdefault(extra, {})
            node.setdefault("additionalProperties", False)
        return node
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


SPEC = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
ROOT = {"components": _strict(copy.deepcopy(SPEC["components"]))}


def _cases() -> Iterator[Any]:
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            op_id = operation["operationId"]
            content = operation.get("requestBody", {}).get("content", {})
            example = content.get("application/json", {}).get("example")
            bodies = EXTRA_CASES.get(op_id, []) + ([example] if example is not None else [])
            for i, body in enumerate(bodies or [None]):
                yield pytest.param(method.upper(), path, body, operation, id=f"{op_id}-{i}")


@pytest.fixture(scope="module")
def spec_server() -> Iterator[FakeOllama]:
    models = [
        FakeModel("gemma4", capabilities=("completion", "vision", "tools"), family="gemma4"),
        FakeModel("embeddinggemma", capabilities=("embedding",), family="gemma3"),
    ]
    with FakeOllama(models=models) as server:
        yield server


def _prepare(client: httpx.Client) -> None:
    client.post("/api/copy", json={"source": "gemma4", "destination": "my-username/my-model"})
    client.post("/api/generate", json={"model": "gemma4"})  # something for /api/ps to list


@pytest.mark.parametrize(("method", "path", "body", "operation"), list(_cases()))
def test_response_matches_openapi(
    spec_server: FakeOllama, method: str, path: str, body: Any, operation: dict[str, Any]
) -> None:
    spec_server.reset()
    with httpx.Client(base_url=spec_server.url) as client:
        _prepare(client)
        content = operation["responses"]["200"].get("content", {})
        variants = [None]
        if "application/x-ndjson" in content:
            variants = [True, False]
        for stream in variants:
            payload = body if stream is None else {**body, "stream": stream}
            r = client.request(method, path, json=payload)
            assert r.status_code == 200, r.text
            media = r.headers.get("content-type", "").split(";")[0]
            if not content:
                assert r.content == b""
                continue
            assert media in content, f"{media} not declared for {path}"
            schema = content[media]["schema"]
            strict = _strict(copy.deepcopy(schema))
            documents = ndjson(r.content) if media == "application/x-ndjson" else [r.json()]
            for document in documents:
                errors = validate(document, strict, ROOT)
                assert errors == [], json.dumps(document)[:400]
