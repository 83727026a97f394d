"""Request validation with Ollama's statuses and messages; keep_alive and /api/ps."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from ollama_lite.testing import FakeOllama

HI = [{"role": "user", "content": "hi"}]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image").decode()


def chat(client: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("model", "llama3.2")
    body.setdefault("messages", HI)
    body.setdefault("stream", False)
    return client.post("/api/chat", json=body)


@pytest.mark.parametrize(
    ("keep_alive", "error"),
    [
        ("3600", 'time: missing unit in duration "3600"'),
        ("5 minutes", "time: "),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
        ("", 'time: invalid duration ""'),
        (True, "Unsupported type: 'bool'"),
        ([1], "Unsupported type"),
    ],
)
def test_bad_keep_alive(client: httpx.Client, keep_alive: object, error: str) -> None:
    r = chat(client, keep_alive=keep_alive)
    assert r.status_code == 400 and error in r.json()["error"]


@pytest.mark.parametrize("keep_alive", ["5m", "1h30m", "300ms", "0", "-1m", 1.5, 0, -1, None])
def test_good_keep_alive(client: httpx.Client, keep_alive: object) -> None:
    assert chat(client, keep_alive=keep_alive).status_code == 200


def test_ps_tracks_keep_alive(fake: FakeOllama, client: httpx.Client) -> None:
    assert client.get("/api/ps").json() == {"models": []}
    chat(client, keep_alive="10m", options={"num_ctx": 2048})
    chat(client, model="qwen3", keep_alive=-1)
    client.post("/api/embed", json={"model": "all-minilm", "input": "x", "keep_alive": "1m"})
    models = client.get("/api/ps").json()["models"]
    assert [m["name"] for m in models] == ["qwen3:latest", "llama3.2:latest", "all-minilm:latest"]
    forever, llama, _ = models
    assert int(forever["expires_at"][:4]) > 2200
    assert llama["context_length"] == 2048 and llama["size_vram"] == llama["size"] > 0
    assert len(llama["digest"]) == 64 and llama["details"]["family"] == "llama"
    chat(client, keep_alive=0)  # answered, then unloaded
    assert "llama3.2:latest" not in fake.loaded_models


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"num_ctx": "big"}, 'option "num_ctx" must be of type integer'),
        ({"temperature": "hot"}, 'option "temperature" must be of type float32'),
        ({"stop": "END"}, 'option "stop" must be of type array'),
        ({"stop": [1]}, 'option "stop" must be of an array of strings'),
        ({"use_mmap": 1}, 'option "use_mmap" must be of type boolean'),
    ],
)
def test_option_types_are_500(client: httpx.Client, options: dict[str, Any], message: str) -> None:
    r = chat(client, options=options)
    assert (r.status_code, r.json()["error"]) == (500, message)


def test_unknown_and_well_typed_options_are_accepted(client: httpx.Client) -> None:
    options = {"num_ctx": 4096.0, "temperature": 1, "whatever": [1, 2], "mirostat": 2}
    assert chat(client, options=options).status_code == 200


def test_options_must_be_an_object(client: httpx.Client) -> None:
    assert chat(client, options=[1]).status_code == 400


def test_images_must_be_base64(client: httpx.Client) -> None:
    ok = chat(client, messages=[{"role": "user", "content": "what?", "images": [PNG]}])
    assert ok.status_code == 200
    r = chat(client, messages=[{"role": "user", "content": "x", "images": ["not base64!"]}])
    assert r.status_code == 400 and "illegal base64 data at input byte" in r.json()["error"]
    r = client.post(
        "/api/generate",
        json={"model": "llama3.2", "prompt": "x", "images": ["data:image/png;base64," + PNG]},
    )
    assert r.status_code == 400


def test_model_errors_per_route(client: httpx.Client) -> None:
    r = chat(client, model="missing-model")
    assert (r.status_code, r.json()) == (404, {"error": "model 'missing-model' not found"})
    r = chat(client, model="")
    assert (r.status_code, r.json()) == (400, {"error": "model is required"})
    r = client.post("/api/generate", json={"model": "", "prompt": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "model '' not found"})
    r = client.post("/api/embed", json={"model": "nope", "input": "x"})
    # /api/embed answers like Ollama's scheduler (handleScheduleError), unlike chat
    expected = {"error": 'model "nope" not found, try pulling it first'}
    assert (r.status_code, r.json()) == (404, expected)
    r = client.post("/api/embeddings", json={"model": "", "prompt": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "model is required"})
    r = client.post("/api/embeddings", json={"model": "nope", "prompt": "x"})
    assert r.status_code == 404
    assert r.json()["error"] == 'model "nope" not found, try pulling it first'
    r = client.post("/api/show", json={})
    assert (r.status_code, r.json()) == (400, {"error": "model is required"})


def test_model_names_are_case_insensitive_and_tagged(client: httpx.Client) -> None:
    for name in (
        "LLAMA3.2",
        "llama3.2:latest",
        "library/llama3.2",
        "registry.ollama.ai/library/llama3.2:latest",
    ):
        r = chat(client, model=name)
        assert r.status_code == 200 and r.json()["model"] == name  # echoes the request


def test_embedding_model_cannot_chat_or_generate(client: httpx.Client) -> None:
    r = chat(client, model="nomic-embed-text")
    assert r.json() == {"error": '"nomic-embed-text" does not support chat'}
    r = client.post("/api/generate", json={"model": "all-minilm", "prompt": "x"})
    assert r.json() == {"error": '"all-minilm" does not support generate'}


def test_suffix_needs_insert(client: httpx.Client) -> None:
    r = client.post("/api/generate", json={"model": "llama3.2", "prompt": "a", "suffix": "b"})
    assert r.json() == {"error": '"llama3.2" does not support insert'}
