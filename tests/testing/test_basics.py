"""Routing, plain routes, Go-style errors and request recording."""

from __future__ import annotations

import httpx
import pytest

from ollama_lite.testing import FakeOllama

JSON = "application/json; charset=utf-8"


def test_root_get_and_head(client: httpx.Client) -> None:
    r = client.get("/")
    assert (r.status_code, r.text) == (200, "Ollama is running")
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert "date" in r.headers and "server" not in r.headers
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == "17"


def test_version_and_status(client: httpx.Client) -> None:
    r = client.get("/api/version")
    assert r.headers["content-type"] == JSON
    assert r.json() == {"version": "0.32.15"}
    assert not r.content.endswith(b"\n")
    assert client.head("/api/version").status_code == 200
    assert client.get("/api/status").json()["cloud"]["disabled"] is False


def test_unknown_path_is_go_404(client: httpx.Client) -> None:
    r = client.post("/api/nope", json={})
    assert r.status_code == 404
    assert r.text == "404 page not found"
    assert r.headers["content-type"] == "text/plain"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/chat", "POST"),
        ("POST", "/api/tags", "GET, HEAD"),
        ("GET", "/api/delete", "DELETE"),
        ("GET", "/api/blobs/sha256:00", "HEAD, POST"),
    ],
)
def test_wrong_method_is_405(client: httpx.Client, method: str, path: str, allow: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 405
    assert r.text == "405 method not allowed"
    assert r.headers["allow"] == allow


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "missing request body"),
        (b"{bad", "invalid character 'b' looking for beginning of object key string"),
        (b'{"model": "llama3.2"', "unexpected EOF"),
        (b"[1, 2]", "json: cannot unmarshal array into Go value of type api.ChatRequest"),
        (
            b'{"model": 3}',
            "json: cannot unmarshal number into Go struct field ChatRequest.model of type string",
        ),
        (b'{"model": "llama3.2", "stream": "yes"}', "ChatRequest.stream of type bool"),
    ],
)
def test_bad_bodies_are_400_json(client: httpx.Client, body: bytes, message: str) -> None:
    r = client.post("/api/chat", content=body)
    assert r.status_code == 400
    assert r.headers["content-type"] == JSON
    assert message in r.json()["error"]


def test_requests_are_recorded(fake: FakeOllama, client: httpx.Client) -> None:
    client.post("/api/show", json={"model": "llama3.2"}, headers={"X-Custom": "Yes"})
    client.get("/api/tags?x=1")
    recorded = fake.requests
    assert [(r.method, r.path) for r in recorded] == [("POST", "/api/show"), ("GET", "/api/tags")]
    show = recorded[0]
    assert show.headers["x-custom"] == "Yes"
    assert show.json == {"model": "llama3.2"} and show.body == b'{"model":"llama3.2"}'
    assert show.body_size == len(show.body)
    assert fake.last_request is recorded[1] or fake.last_request == recorded[1]
    assert recorded[1].query == "x=1" and recorded[1].json is None
    assert fake.total_connections == 1
    fake.clear_requests()
    assert fake.requests == []
    with pytest.raises(LookupError, match="has recorded no request"):
        _ = fake.last_request


def test_invalid_json_is_recorded_with_json_none(fake: FakeOllama, client: httpx.Client) -> None:
    client.post("/api/chat", content=b"{bad")
    assert fake.last_request.body == b"{bad" and fake.last_request.json is None


def test_recording_can_be_disabled() -> None:
    with FakeOllama(record_requests=False) as server:
        httpx.get(f"{server.url}/api/version")
        assert server.requests == []


def test_models_add_and_remove(fake: FakeOllama, client: httpx.Client) -> None:
    from ollama_lite.testing import FakeModel

    fake.add_model(FakeModel("parrot", reply="Polly wants a cracker."))
    assert "parrot:latest" in fake.models
    r = client.post(
        "/api/chat",
        json={"model": "parrot", "stream": False, "messages": [{"role": "user", "content": "hi"}]},
    )
    assert r.json()["message"]["content"] == "Polly wants a cracker."
    assert fake.remove_model("parrot") and not fake.remove_model("parrot")
    assert "parrot:latest" not in fake.models
