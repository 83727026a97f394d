"""Registry routes: tags, show, copy, delete, create, pull, push, blobs, web search/fetch."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx
import pytest

from ollama_lite.testing import FakeOllama

from ._fakeutil import RFC3339_NANO, ndjson

GGUF = b"GGUF" + bytes(range(256)) * 8
GGUF_DIGEST = "sha256:" + hashlib.sha256(GGUF).hexdigest()


def names(client: httpx.Client) -> set[str]:
    return {m["name"] for m in client.get("/api/tags").json()["models"]}


def test_tags_lists_builtin_models(client: httpx.Client) -> None:
    models = client.get("/api/tags").json()["models"]
    assert [m["name"] for m in models] == [
        "llama3.2:latest",
        "qwen3:latest",
        "nomic-embed-text:latest",
        "all-minilm:latest",
    ]
    llama = models[0]
    assert llama["model"] == llama["name"] and re.fullmatch(r"[0-9a-f]{64}", llama["digest"])
    assert RFC3339_NANO.match(llama["modified_at"]) and llama["size"] > 0
    assert llama["details"] == {
        "parent_model": "",
        "format": "gguf",
        "family": "llama",
        "families": ["llama"],
        "parameter_size": "3.2B",
        "quantization_level": "Q4_K_M",
        "context_length": 131072,
        "embedding_length": 3072,
    }
    assert llama["capabilities"] == ["completion", "tools"]
    assert models[1]["capabilities"] == ["completion", "tools", "thinking"]
    assert models[2]["capabilities"] == ["embedding"]
    head = client.head("/api/tags")
    assert head.status_code == 200 and head.content == b""


def test_show(client: httpx.Client) -> None:
    body = client.post("/api/show", json={"model": "qwen3"}).json()
    assert body["capabilities"] == ["completion", "tools", "thinking"]
    assert body["details"]["family"] == "qwen3"
    assert body["model_info"]["general.architecture"] == "qwen3"
    assert body["model_info"]["qwen3.context_length"] == 40960
    assert body["model_info"]["tokenizer.ggml.tokens"] is None
    assert body["tensors"]  # listed even without verbose, like Ollama
    assert "temperature" in body["parameters"] and "FROM" in body["modelfile"]
    assert RFC3339_NANO.match(body["modified_at"])
    verbose = client.post("/api/show", json={"name": "qwen3", "verbose": True}).json()
    assert verbose["tensors"] and verbose["model_info"]["tokenizer.ggml.tokens"]
    r = client.post("/api/show", json={"model": "ghost"})
    assert (r.status_code, r.json()) == (404, {"error": "model 'ghost' not found"})


def test_copy_and_delete(client: httpx.Client) -> None:
    r = client.post("/api/copy", json={"source": "llama3.2", "destination": "me/llama-backup"})
    assert (r.status_code, r.content) == (200, b"")
    tags = {m["name"]: m for m in client.get("/api/tags").json()["models"]}
    assert tags["me/llama-backup:latest"]["digest"] == tags["llama3.2:latest"]["digest"]
    reply = client.post(
        "/api/chat",
        json={
            "model": "me/llama-backup",
            "stream": False,
            "messages": [{"role": "user", "content": "hi"}],
        },
    )
    assert reply.json()["message"]["content"] == "You said: hi"
    r = client.request("DELETE", "/api/delete", json={"model": "me/llama-backup"})
    assert (r.status_code, r.content) == (200, b"")
    assert "me/llama-backup:latest" not in names(client)
    r = client.post("/api/show", json={"model": "me/llama-backup"})
    assert r.status_code == 404
    r = client.request("DELETE", "/api/delete", json={"model": "me/llama-backup"})
    assert (r.status_code, r.json()) == (404, {"error": "model 'me/llama-backup' not found"})


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"source": "ghost", "destination": "x"}, 404, 'model "ghost" not found'),
        (
            {"source": "llama3.2", "destination": "bad name!"},
            400,
            'destination "bad name!" is invalid',
        ),
        ({"source": "", "destination": "x"}, 400, 'source "" is invalid'),
    ],
)
def test_copy_errors(client: httpx.Client, body: dict[str, str], status: int, error: str) -> None:
    r = client.post("/api/copy", json=body)
    assert (r.status_code, r.json()["error"]) == (status, error)


def test_delete_invalid_name(client: httpx.Client) -> None:
    r = client.request("DELETE", "/api/delete", json={"model": "a/b/c/d"})
    assert (r.status_code, r.json()) == (400, {"error": 'name "a/b/c/d" is invalid'})


def test_create_from_model_streams_progress(client: httpx.Client) -> None:
    r = client.post(
        "/api/create",
        json={
            "model": "mario",
            "from": "llama3.2",
            "system": "You are Mario.",
            "parameters": {"temperature": 0.1},
        },
    )
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = ndjson(r.content)
    assert lines[-1] == {"status": "success"} and {"status": "writing manifest"} in lines
    shown = client.post("/api/show", json={"model": "mario"}).json()
    assert shown["system"] == "You are Mario." and "temperature" in shown["parameters"]
    assert shown["details"]["parent_model"] == "llama3.2:latest"
    assert shown["capabilities"] == ["completion", "tools"]
    unary = client.post("/api/create", json={"model": "luigi", "from": "mario", "stream": False})
    assert unary.json() == {"status": "success"}
    assert {"mario:latest", "luigi:latest"} <= names(client)


def test_create_from_unknown_model_pulls_it(client: httpx.Client) -> None:
    lines = ndjson(client.post("/api/create", json={"model": "x", "from": "phi4"}).content)
    assert lines[0] == {"status": "pulling manifest"} and lines[-1] == {"status": "success"}
    assert {"phi4:latest", "x:latest"} <= names(client)
    failed = ndjson(client.post("/api/create", json={"model": "y", "from": "nonexistent"}).content)
    assert failed[-1] == {"error": "pull model manifest: file does not exist"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"model": "m"}, "neither 'from' or 'files' was specified"),
        ({"model": "bad name!", "from": "llama3.2"}, "invalid model name"),
        ({"model": "m", "from": "bad name!"}, "invalid model name"),
        ({"model": "m", "files": {"../x.gguf": GGUF_DIGEST}}, "file path must be relative"),
        ({"model": "m", "files": {"x.gguf": "sha256:abc"}}, "invalid digest"),
        (
            {"model": "m", "from": "llama3.2", "info": {"capabilities": ["flying"]}},
            'unknown capability: "flying"',
        ),
    ],
)
def test_create_errors(client: httpx.Client, body: dict[str, Any], error: str) -> None:
    r = client.post("/api/create", json=body)
    assert r.status_code == 400 and error in r.json()["error"]


def test_create_from_a_missing_blob_fails_like_ollama(client: httpx.Client) -> None:
    body = {"model": "m", "files": {"x.gguf": GGUF_DIGEST}}
    missing = f"open /root/.ollama/models/blobs/sha256-{GGUF_DIGEST[7:]}: no such file or directory"
    r = client.post("/api/create", json={**body, "stream": False})
    assert (r.status_code, r.json()) == (500, {"error": missing})
    assert ndjson(client.post("/api/create", json=body).content) == [{"error": missing}]


def test_blob_upload_flow_and_create_from_files(fake: FakeOllama, client: httpx.Client) -> None:
    assert client.head(f"/api/blobs/{GGUF_DIGEST}").status_code == 404
    r = client.post(f"/api/blobs/{GGUF_DIGEST}", content=GGUF)
    assert (r.status_code, r.content) == (201, b"")
    assert client.head(f"/api/blobs/{GGUF_DIGEST}").status_code == 200
    dash_form = GGUF_DIGEST.replace(":", "-")
    assert client.head(f"/api/blobs/{dash_form}").status_code == 200
    assert client.post(f"/api/blobs/{GGUF_DIGEST}", content=GGUF).status_code == 200
    assert fake.blobs == {GGUF_DIGEST: len(GGUF)}
    upload = next(r for r in fake.requests if r.method == "POST")
    assert upload.body == GGUF and upload.body_size == len(GGUF)
    lines = ndjson(
        client.post(
            "/api/create",
            json={
                "model": "from-blob",
                "files": {"model.gguf": GGUF_DIGEST},
                "info": {"capabilities": ["completion"]},
            },
        ).content
    )
    assert {"status": "parsing GGUF"} in lines and lines[-1] == {"status": "success"}
    shown = client.post("/api/show", json={"model": "from-blob"}).json()
    assert shown["details"]["format"] == "gguf" and shown["capabilities"] == ["completion"]
    reply = client.post(
        "/api/generate", json={"model": "from-blob", "prompt": "hi", "stream": False}
    )
    assert reply.json()["response"] == "You said: hi"


def test_blob_content_detection(client: httpx.Client) -> None:
    noise = b"not a model"
    digest = "sha256:" + hashlib.sha256(noise).hexdigest()
    assert client.post(f"/api/blobs/{digest}", content=noise).status_code == 201
    r = client.post("/api/create", json={"model": "m", "files": {"weights": digest}})
    assert (r.status_code, r.json()) == (400, {"error": "unknown type"})
    ok = client.post(
        "/api/create", json={"model": "m", "files": {"model.safetensors": digest}, "stream": False}
    )
    assert ok.json() == {"status": "success"}


@pytest.mark.parametrize(
    ("digest", "error"),
    [
        ("sha256:1234", "invalid digest format"),
        ("md5:" + "0" * 64, "invalid digest format"),
        ("sha256:" + "0" * 64, 'digest mismatch, expected "sha256:' + "0" * 64 + '", got '),
        (GGUF_DIGEST.upper().replace("SHA256", "sha256"), "digest mismatch"),
        (GGUF_DIGEST.replace(":", "-"), "digest mismatch"),
    ],
)
def test_blob_errors(fake: FakeOllama, client: httpx.Client, digest: str, error: str) -> None:
    r = client.post(f"/api/blobs/{digest}", content=GGUF)
    assert r.status_code == 400 and r.json()["error"].startswith(error)
    assert fake.blobs == {}


def test_pull_progress_and_registry(client: httpx.Client) -> None:
    lines = ndjson(client.post("/api/pull", json={"model": "mistral:7b"}).content)
    assert lines[0] == {"status": "pulling manifest"} and lines[-1] == {"status": "success"}
    layers = [line for line in lines if "digest" in line]
    digests = [line["digest"] for line in layers]
    assert len(set(digests)) > 1 and all(re.fullmatch(r"sha256:[0-9a-f]{64}", d) for d in digests)
    first_layer = [line for line in layers if line["digest"] == digests[0]]
    assert "completed" not in first_layer[0] and first_layer[-1]["completed"] == layers[0]["total"]
    interleaved = [line["digest"] for line in layers if "completed" in line][:2]
    assert interleaved[0] != interleaved[1]  # layers progress concurrently
    assert all(line["status"] == f"pulling {line['digest'][7:19]}" for line in layers)
    assert "mistral:7b" in names(client)
    again = client.post("/api/pull", json={"model": "llama3.2", "stream": False})
    assert again.json() == {"status": "success"}
    embedder = client.post("/api/pull", json={"model": "mxbai-embed-large", "stream": False})
    assert embedder.status_code == 200
    shown = client.post("/api/show", json={"model": "mxbai-embed-large"}).json()
    assert shown["capabilities"] == ["embedding"]


def test_pull_failures(client: httpx.Client) -> None:
    lines = ndjson(client.post("/api/pull", json={"model": "nonexistent-model"}).content)
    assert lines == [
        {"status": "pulling manifest"},
        {"error": "pull model manifest: file does not exist"},
    ]
    r = client.post("/api/pull", json={"model": "nonexistent-model", "stream": False})
    assert (r.status_code, r.json()) == (500, {"error": "pull model manifest: file does not exist"})
    r = client.post("/api/pull", json={"model": "bad name!"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid model name"})


def test_push(client: httpx.Client) -> None:
    client.post("/api/copy", json={"source": "llama3.2", "destination": "me/llama"})
    lines = ndjson(client.post("/api/push", json={"model": "me/llama"}).content)
    assert lines[0] == {"status": "retrieving manifest"} and lines[-1] == {"status": "success"}
    assert any(line.get("status", "").startswith("pushing ") and "digest" in line for line in lines)
    assert client.post("/api/push", json={"model": "me/llama", "stream": False}).json() == {
        "status": "success"
    }
    no_namespace = ndjson(client.post("/api/push", json={"model": "llama3.2"}).content)
    assert "not authorized" in no_namespace[-1]["error"]
    r = client.post("/api/push", json={"model": "me/ghost", "stream": False})
    assert (r.status_code, r.json()) == (500, {"error": "model 'me/ghost' not found"})
    r = client.post("/api/push", json={})
    assert (r.status_code, r.json()) == (400, {"error": "model is required"})


def test_web_search_and_fetch(client: httpx.Client) -> None:
    r = client.post("/api/experimental/web_search", json={"query": "ollama", "max_results": 3})
    results = r.json()["results"]
    assert len(results) == 3 and all(set(x) == {"title", "url", "content"} for x in results)
    assert client.post("/api/experimental/web_search", json={"query": "q"}).json()["results"]
    assert client.post("/api/experimental/web_search", content=b"").status_code == 400
    page = client.post("/api/experimental/web_fetch", json={"url": "https://ollama.com"}).json()
    assert page["title"] and page["content"] and page["links"]
    assert client.post("/api/experimental/web_fetch", json={}).status_code == 400
