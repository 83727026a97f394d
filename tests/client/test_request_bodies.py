"""The exact request every `Client` / `AsyncClient` method sends: method, URL, headers, JSON body.

Everything is mocked with respx; each test parses the body with `json.loads` and compares it to
a dict literal, so a renamed, missing or extra key fails.
"""

import base64
import datetime
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from ollama_lite import (
    AsyncClient,
    ChatResponse,
    Client,
    EmbeddingsResponse,
    EmbedResponse,
    GenerateResponse,
    ListResponse,
    Message,
    Options,
    ProcessResponse,
    ProgressResponse,
    RequestError,
    ShowResponse,
    StatusResponse,
    StreamInterrupted,
    Tool,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)

from .._request_fixtures import DIGEST_A, DIGEST_B, PNG, PNG_B64, WEATHER_TOOL, get_weather

HOST = "http://127.0.0.1:11434"

# --------------------------------------------------------------------------- server answers

CHAT_REPLY = {
    "model": "llama3.2",
    "created_at": "2026-05-01T10:00:00.123456789Z",
    "message": {"role": "assistant", "content": "Rayleigh scattering."},
    "done": True,
    "done_reason": "stop",
    "total_duration": 912000000,
    "load_duration": 15000000,
    "prompt_eval_count": 12,
    "prompt_eval_duration": 40000000,
    "eval_count": 30,
    "eval_duration": 800000000,
}
CHAT_STREAM = (
    b'{"model":"llama3.2","created_at":"2026-05-01T10:00:00.1Z",'
    b'"message":{"role":"assistant","content":"Hel"},"done":false}\n'
    b'{"model":"llama3.2","created_at":"2026-05-01T10:00:00.2Z",'
    b'"message":{"role":"assistant","content":"lo"},"done":false}\n'
    b'{"model":"llama3.2","created_at":"2026-05-01T10:00:00.3Z",'
    b'"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop",'
    b'"total_duration":1,"eval_count":2}\n'
)
GENERATE_REPLY = {
    "model": "qwen3",
    "created_at": "2026-05-01T10:00:00.123456789Z",
    "response": "4",
    "thinking": "Adding two and two.",
    "done": True,
    "done_reason": "stop",
    "context": [151644, 872],
    "total_duration": 912000000,
    "load_duration": 15000000,
    "prompt_eval_count": 12,
    "prompt_eval_duration": 40000000,
    "eval_count": 30,
    "eval_duration": 800000000,
}
GENERATE_STREAM = (
    b'{"model":"qwen3","created_at":"2026-05-01T10:00:00.1Z","response":"4","done":false}\n'
    b'{"model":"qwen3","created_at":"2026-05-01T10:00:00.2Z","response":"","done":true,'
    b'"done_reason":"stop","context":[1,2]}'
)
EMBED_REPLY = {
    "model": "embeddinggemma",
    "embeddings": [[0.012, -0.034, 0.051]],
    "total_duration": 14100000,
    "load_duration": 1000000,
    "prompt_eval_count": 8,
}
PROGRESS_STREAM = (
    b'{"status":"pulling manifest"}\n'
    b'{"status":"pulling 6a0746a1ec1a","digest":"sha256:6a0746a1ec1a","total":4683087332}\n'
    b'{"status":"success"}\n'
)


# --------------------------------------------------------------------------- fixtures/helpers


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    monkeypatch.delenv("OLLAMA_HOST", raising=False)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=HOST, assert_all_called=False) as mock:
        yield mock


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # api_key="" keeps an OLLAMA_API_KEY from the outer environment out of this shared client.
    with Client(HOST, api_key="") as c:
        yield c


def only_request(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    return request


def sent_json(route: respx.Route) -> Any:
    return json.loads(only_request(route).content)


def assert_headers(request: httpx.Request, *, stream: bool = False) -> None:
    accept = "application/x-ndjson" if stream else "application/json"
    assert request.headers["accept"] == accept
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("ollama-lite/")
    assert "authorization" not in request.headers


# --------------------------------------------------------------------------- generate


def test_generate_plain(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    reply = client.generate("qwen3", "2+2?")
    request = only_request(route)
    assert request.method == "POST"
    assert request.url == HOST + "/api/generate"
    assert_headers(request)
    assert json.loads(request.content) == {"model": "qwen3", "prompt": "2+2?", "stream": False}
    assert isinstance(reply, GenerateResponse)
    assert reply.response == "4"


def test_generate_model_only_loads(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/generate").respond(
        200, json={"model": "m", "created_at": "2026-01-01T00:00:00Z", "response": "", "done": True,
                   "done_reason": "load"}
    )  # fmt: skip
    assert client.generate("m").done_reason == "load"
    assert sent_json(route) == {"model": "m", "stream": False}


def test_generate_stream(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/generate").respond(
        200, content=GENERATE_STREAM, headers={"Content-Type": "application/x-ndjson"}
    )
    parts = list(client.generate("qwen3", "2+2?", stream=True))
    request = only_request(route)
    assert_headers(request, stream=True)
    assert json.loads(request.content) == {"model": "qwen3", "prompt": "2+2?", "stream": True}
    assert [p.response for p in parts] == ["4", ""]
    assert parts[-1].context == [1, 2]


# --------------------------------------------------------------------------- chat


def test_chat_plain(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    reply = client.chat("llama3.2", [{"role": "user", "content": "Why is the sky blue?"}])
    request = only_request(route)
    assert request.method == "POST"
    assert request.url == HOST + "/api/chat"
    assert_headers(request)
    assert json.loads(request.content) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Why is the sky blue?"}],
        "stream": False,
    }
    assert isinstance(reply, ChatResponse)
    assert reply.message.content == "Rayleigh scattering."


def test_chat_echoes_response_message_and_tool_call_objects(
    router: respx.MockRouter, client: Client
) -> None:
    reply_with_call = {
        **CHAT_REPLY,
        "message": {
            "role": "assistant",
            "content": "",
            "thinking": "Need the weather.",
            "tool_calls": [
                {
                    "id": "call_ab12cd34",
                    "function": {"index": 0, "name": "get_weather", "arguments": {"city": "Oslo"}},
                }
            ],
        },
    }
    route = router.post("/api/chat").mock(
        side_effect=[
            httpx.Response(200, json=reply_with_call),
            httpx.Response(200, json=CHAT_REPLY),
        ]
    )
    first = client.chat("qwen3", [{"role": "user", "content": "Oslo?"}], tools=[get_weather])
    assert first.message.tool_calls is not None
    history: list[Any] = [
        {"role": "user", "content": "Oslo?"},
        first.message,
        # a dict message holding the response's ToolCall objects also works
        {"role": "assistant", "content": "", "tool_calls": first.message.tool_calls},
        {"role": "tool", "tool_name": "get_weather", "tool_call_id": "call_ab12cd34",
         "content": "-3"},
    ]  # fmt: skip
    client.chat("qwen3", history)
    assert route.call_count == 2
    call = {
        "id": "call_ab12cd34",
        "function": {"index": 0, "name": "get_weather", "arguments": {"city": "Oslo"}},
    }
    assert json.loads(route.calls[1].request.content)["messages"] == [
        {"role": "user", "content": "Oslo?"},
        {"role": "assistant", "content": "", "thinking": "Need the weather.", "tool_calls": [call]},
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {
            "role": "tool",
            "tool_name": "get_weather",
            "tool_call_id": "call_ab12cd34",
            "content": "-3",
        },
    ]


def test_chat_stream(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/chat").respond(
        200, content=CHAT_STREAM, headers={"Content-Type": "application/x-ndjson"}
    )
    with client.chat("llama3.2", [{"role": "user", "content": "Hi"}], stream=True) as stream:
        parts = list(stream)
    request = only_request(route)
    assert_headers(request, stream=True)
    assert json.loads(request.content) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": True,
    }
    assert "".join(p.message.content or "" for p in parts) == "Hello"
    assert parts[-1].done is True


# --------------------------------------------------------------------------- embeddings


def test_embed_string(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/embed").respond(200, json=EMBED_REPLY)
    reply = client.embed("embeddinggemma", "Hello")
    request = only_request(route)
    assert request.method == "POST"
    assert request.url == HOST + "/api/embed"
    assert_headers(request)
    assert json.loads(request.content) == {"model": "embeddinggemma", "input": "Hello"}
    assert isinstance(reply, EmbedResponse)
    assert reply.embeddings == [[0.012, -0.034, 0.051]]


def test_embeddings_legacy(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/embeddings").respond(200, json={"embedding": [0.5, -1.25]})
    reply = client.embeddings("all-minilm", "Hello", options=Options(seed=1), keep_alive=-1)
    request = only_request(route)
    assert request.method == "POST"
    assert_headers(request)
    assert json.loads(request.content) == {
        "model": "all-minilm",
        "prompt": "Hello",
        "options": {"seed": 1},
        "keep_alive": -1,
    }
    assert isinstance(reply, EmbeddingsResponse)
    assert reply.embedding == [0.5, -1.25]


# --------------------------------------------------------------------------- pull / push


@pytest.mark.parametrize("method", ["pull", "push"])
def test_pull_push_plain(router: respx.MockRouter, client: Client, method: str) -> None:
    route = router.post(f"/api/{method}").respond(200, json={"status": "success"})
    reply = getattr(client, method)("me/x")
    request = only_request(route)
    assert request.method == "POST"
    assert_headers(request)
    assert json.loads(request.content) == {"model": "me/x", "stream": False, "insecure": False}
    assert isinstance(reply, ProgressResponse)
    assert reply.status == "success"


@pytest.mark.parametrize("method", ["pull", "push"])
def test_pull_push_insecure_stream(router: respx.MockRouter, client: Client, method: str) -> None:
    route = router.post(f"/api/{method}").respond(200, content=PROGRESS_STREAM)
    parts = list(getattr(client, method)("me/x", insecure=True, stream=True))
    request = only_request(route)
    assert_headers(request, stream=True)
    assert json.loads(request.content) == {"model": "me/x", "stream": True, "insecure": True}
    assert [p.status for p in parts] == ["pulling manifest", "pulling 6a0746a1ec1a", "success"]
    assert parts[1].total == 4683087332


# --------------------------------------------------------------------------- create


def test_create_from_existing_model(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/create").respond(200, json={"status": "success"})
    reply = client.create(
        "mario",
        from_="llama3.2",
        system="You are Mario.",
        template="{{ .Prompt }}",
        license="MIT",
        parameters={"temperature": 1, "stop": "<|end|>"},
        messages=[
            {"role": "user", "content": "Who are you?"},
            Message(role="assistant", content="It's-a me!"),
        ],
        quantize="q4_K_M",
    )
    request = only_request(route)
    assert request.method == "POST"
    assert request.url == HOST + "/api/create"
    assert_headers(request)
    assert json.loads(request.content) == {
        "model": "mario",
        "stream": False,
        "from": "llama3.2",
        "system": "You are Mario.",
        "template": "{{ .Prompt }}",
        "license": "MIT",
        "parameters": {"temperature": 1, "stop": ["<|end|>"]},
        "messages": [
            {"role": "user", "content": "Who are you?"},
            {"role": "assistant", "content": "It's-a me!"},
        ],
        "quantize": "q4_K_M",
    }
    assert reply.status == "success"


def test_create_from_files(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/create").respond(200, content=b'{"status":"success"}\n')
    parts = list(
        client.create(
            "custom",
            files={"model.gguf": DIGEST_A, "sub/tokenizer.json": DIGEST_B},
            adapters={"adapter.gguf": DIGEST_B},
            license=["MIT", "Apache-2.0"],
            parameters=Options(num_ctx=2048),
            stream=True,
        )
    )
    request = only_request(route)
    assert_headers(request, stream=True)
    assert json.loads(request.content) == {
        "model": "custom",
        "stream": True,
        "files": {"model.gguf": DIGEST_A, "sub/tokenizer.json": DIGEST_B},
        "adapters": {"adapter.gguf": DIGEST_B},
        "license": ["MIT", "Apache-2.0"],
        "parameters": {"num_ctx": 2048},
    }
    assert [p.status for p in parts] == ["success"]


# --------------------------------------------------------------------------- other endpoints


@pytest.mark.parametrize(
    ("method", "path", "answer", "rtype"),
    [
        ("list", "/api/tags", {"models": []}, ListResponse),
        ("ps", "/api/ps", {"models": []}, ProcessResponse),
        ("version", "/api/version", {"version": "0.12.6"}, VersionResponse),
    ],
)
def test_get_endpoints(
    router: respx.MockRouter,
    client: Client,
    method: str,
    path: str,
    answer: dict[str, Any],
    rtype: type,
) -> None:
    route = router.get(path).respond(200, json=answer)
    reply = getattr(client, method)()
    request = only_request(route)
    assert request.method == "GET"
    assert request.url == HOST + path
    assert request.content == b""
    assert_headers(request)
    assert isinstance(reply, rtype)


def test_version_value(router: respx.MockRouter, client: Client) -> None:
    router.get("/api/version").respond(200, json={"version": "0.12.6"})
    assert client.version().version == "0.12.6"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"model": "llama3.2"}),
        ({"verbose": True}, {"model": "llama3.2", "verbose": True}),
        ({"verbose": False}, {"model": "llama3.2", "verbose": False}),
    ],
)
def test_show(
    router: respx.MockRouter, client: Client, kwargs: dict[str, Any], expected: object
) -> None:
    route = router.post("/api/show").respond(200, json={"model_info": None, "license": "MIT"})
    reply = client.show("llama3.2", **kwargs)
    request = only_request(route)
    assert request.method == "POST"
    assert_headers(request)
    assert json.loads(request.content) == expected
    assert isinstance(reply, ShowResponse)
    assert reply.license == "MIT"


def test_copy(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/copy").respond(200, content=b"")
    reply = client.copy("llama3.2", "me/llama3.2-backup")
    request = only_request(route)
    assert request.method == "POST"
    assert_headers(request)
    assert json.loads(request.content) == {
        "source": "llama3.2",
        "destination": "me/llama3.2-backup",
    }
    assert isinstance(reply, StatusResponse)
    assert reply == StatusResponse(status="success")
    assert reply["status"] == "success"


def test_delete(router: respx.MockRouter, client: Client) -> None:
    route = router.delete("/api/delete").respond(200)
    reply = client.delete("llama3:13b")
    request = only_request(route)
    assert request.method == "DELETE"
    assert request.url == HOST + "/api/delete"
    assert_headers(request)
    assert json.loads(request.content) == {"model": "llama3:13b"}
    assert reply.status == "success"


# --------------------------------------------------------------------------- ollama.com


def test_web_search_goes_to_ollama_com_with_bearer_key() -> None:
    with respx.mock(assert_all_called=False) as mock:
        local = mock.post(HOST + "/api/web_search").respond(200, json={"results": []})
        route = mock.post("https://ollama.com/api/web_search").respond(
            200,
            json={"results": [{"title": "Ollama", "url": "https://ollama.com", "content": "Run"}]},
        )
        with Client(HOST, api_key="k") as client:
            reply = client.web_search("what is ollama?")
        request = only_request(route)
        assert local.call_count == 0
    assert request.method == "POST"
    assert request.url == "https://ollama.com/api/web_search"
    assert request.headers["authorization"] == "Bearer k"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("ollama-lite/")
    assert json.loads(request.content) == {"query": "what is ollama?", "max_results": 3}
    assert isinstance(reply, WebSearchResponse)
    assert reply.results[0].url == "https://ollama.com"


def test_web_search_max_results() -> None:
    with respx.mock() as mock:
        route = mock.post("https://ollama.com/api/web_search").respond(200, json={"results": []})
        with Client(HOST, api_key="k") as client:
            client.web_search("q", max_results=7)
    assert sent_json(route) == {"query": "q", "max_results": 7}


def test_web_fetch_goes_to_ollama_com_with_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_API_KEY", "env-key")
    with respx.mock() as mock:
        route = mock.post("https://ollama.com/api/web_fetch").respond(
            200, json={"title": "Ollama", "content": "Get up and running.", "links": []}
        )
        with Client(HOST) as client:
            reply = client.web_fetch("https://ollama.com")
    request = only_request(route)
    assert request.url == "https://ollama.com/api/web_fetch"
    assert request.headers["authorization"] == "Bearer env-key"
    assert json.loads(request.content) == {"url": "https://ollama.com"}
    assert isinstance(reply, WebFetchResponse)
    assert reply.title == "Ollama"


class _BreaksAfterOneChunk(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that fails after its first bytes, like a connection cut mid-response."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"results": ['
        raise httpx.ReadError("connection reset")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"results": ['
        raise httpx.ReadError("connection reset")


def _breaks_mid_body(request: httpx.Request) -> httpx.Response:
    assert request.url == "https://ollama.com/api/web_search"
    return httpx.Response(200, stream=_BreaksAfterOneChunk())


def test_web_search_failing_mid_body_names_ollama_com_not_the_local_host() -> None:
    transport = httpx.MockTransport(_breaks_mid_body)
    with (
        Client(HOST, api_key="k", transport=transport) as client,
        pytest.raises(StreamInterrupted) as caught,
    ):
        client.web_search("q")
    assert caught.value.url == "https://ollama.com"
    assert "https://ollama.com" in str(caught.value) and "127.0.0.1" not in str(caught.value)


@pytest.mark.anyio
async def test_async_web_search_failing_mid_body_names_ollama_com(anyio_backend: str) -> None:
    transport = httpx.MockTransport(_breaks_mid_body)
    async with AsyncClient(HOST, api_key="k", transport=transport) as client:
        with pytest.raises(StreamInterrupted) as caught:
            await client.web_search("q")
    assert caught.value.url == "https://ollama.com"
    assert "127.0.0.1" not in str(caught.value)


@pytest.mark.parametrize("method", ["web_search", "web_fetch"])
@pytest.mark.parametrize(
    "host",
    [HOST, "http://user:secret@127.0.0.1:11434"],
    ids=["no-credentials", "basic-auth-is-not-a-key"],
)
def test_web_calls_without_key_send_nothing(method: str, host: str) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().respond(200, json={})
        with Client(host) as client, pytest.raises(RequestError, match="OLLAMA_API_KEY"):
            getattr(client, method)("https://ollama.com" if method == "web_fetch" else "query")
        assert route.call_count == 0
        assert mock.calls.call_count == 0


# --------------------------------------------------------------------------- headers and host


def chat_request(client: Client, url: str = HOST + "/api/chat") -> httpx.Request:
    with respx.mock() as mock:
        route = mock.post(url).respond(200, json=CHAT_REPLY)
        client.chat("llama3.2", [])
    return only_request(route)


def test_explicit_authorization_beats_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_API_KEY", "env-key")
    with Client(HOST, headers={"Authorization": "Bearer explicit"}) as client:
        request = chat_request(client)
    assert request.headers["authorization"] == "Bearer explicit"
    assert request.headers.get_list("authorization") == ["Bearer explicit"]


def test_env_key_gives_bearer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_API_KEY", "env-key")
    with Client(HOST) as client:
        assert chat_request(client).headers["authorization"] == "Bearer env-key"


def test_api_key_argument_beats_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_API_KEY", "env-key")
    with Client(HOST, api_key="arg-key") as client:
        assert chat_request(client).headers["authorization"] == "Bearer arg-key"


def test_userinfo_in_host_becomes_basic_auth() -> None:
    with Client("http://user:pa%40ss@127.0.0.1:11434") as client:
        assert "pa" not in client.host
        request = chat_request(client)
    expected = "Basic " + base64.b64encode(b"user:pa@ss").decode()
    assert request.headers["authorization"] == expected
    assert str(request.url) == HOST + "/api/chat"
    assert request.url.userinfo == b""


@pytest.mark.parametrize("name", ["User-Agent", "user-agent"])
def test_user_headers_override_ours(name: str) -> None:
    headers = {name: "x", "Accept": "text/plain", "X-Trace": "abc"}
    with Client(HOST, headers=headers) as client:
        request = chat_request(client)
    assert request.headers.get_list("user-agent") == ["x"]
    assert request.headers.get_list("accept") == ["text/plain"]
    assert request.headers["x-trace"] == "abc"
    assert request.headers["content-type"] == "application/json"


def test_host_path_prefix_is_kept() -> None:
    with Client("http://127.0.0.1:11434/ollama") as client:
        request = chat_request(client, HOST + "/ollama/api/chat")
    assert request.url.path == "/ollama/api/chat"


# --------------------------------------------------------------------------- AsyncClient


@pytest.mark.anyio
async def test_async_chat_body(anyio_backend: str, tmp_path: Path) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(PNG)
    with respx.mock(base_url=HOST) as mock:
        route = mock.post("/api/chat").respond(200, json=CHAT_REPLY)
        async with AsyncClient(HOST) as client:
            reply = await client.chat(
                "llama3.2",
                [{"role": "user", "content": "Look", "images": [picture]}],
                tools=[get_weather],
                think=True,
                options={"temperature": 0.2},
                keep_alive="5m",
            )
    request = only_request(route)
    assert request.method == "POST"
    assert_headers(request)
    assert json.loads(request.content) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Look", "images": [PNG_B64]}],
        "stream": False,
        "tools": [WEATHER_TOOL],
        "think": True,
        "options": {"temperature": 0.2},
        "keep_alive": "5m",
    }
    assert reply.message.content == "Rayleigh scattering."


@pytest.mark.anyio
async def test_async_chat_stream(anyio_backend: str) -> None:
    with respx.mock(base_url=HOST) as mock:
        route = mock.post("/api/chat").respond(200, content=CHAT_STREAM)
        async with AsyncClient(HOST) as client:
            stream = await client.chat("llama3.2", [{"role": "user", "content": "Hi"}], stream=True)
            parts = [part async for part in stream]
    request = only_request(route)
    assert_headers(request, stream=True)
    assert json.loads(request.content) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": True,
    }
    assert [p.message.content for p in parts] == ["Hel", "lo", ""]


@pytest.mark.anyio
async def test_async_generate_body(anyio_backend: str, tmp_path: Path) -> None:
    picture = tmp_path / "p.png"
    picture.write_bytes(PNG)
    with respx.mock(base_url=HOST) as mock:
        route = mock.post("/api/generate").respond(200, json=GENERATE_REPLY)
        async with AsyncClient(HOST) as client:
            reply = await client.generate(
                "qwen3",
                "2+2?",
                system="Math.",
                think="medium",
                format={"type": "object"},
                images=[picture, PNG],
                logprobs=True,
                top_logprobs=2,
                keep_alive=datetime.timedelta(minutes=1),
            )
    request = only_request(route)
    assert request.url == HOST + "/api/generate"
    assert_headers(request)
    assert json.loads(request.content) == {
        "model": "qwen3",
        "prompt": "2+2?",
        "system": "Math.",
        "stream": False,
        "think": "medium",
        "format": {"type": "object"},
        "images": [PNG_B64, PNG_B64],
        "logprobs": True,
        "top_logprobs": 2,
        "keep_alive": 60,
    }
    assert reply.context == [151644, 872]


@pytest.mark.anyio
async def test_async_generate_stream(anyio_backend: str) -> None:
    with respx.mock(base_url=HOST) as mock:
        route = mock.post("/api/generate").respond(200, content=GENERATE_STREAM)
        async with AsyncClient(HOST) as client:
            stream = await client.generate("qwen3", "2+2?", stream=True)
            parts = [part async for part in stream]
    request = only_request(route)
    assert_headers(request, stream=True)
    assert json.loads(request.content) == {"model": "qwen3", "prompt": "2+2?", "stream": True}
    assert [p.done for p in parts] == [False, True]


@pytest.mark.anyio
async def test_async_embed_body(anyio_backend: str) -> None:
    with respx.mock(base_url=HOST) as mock:
        route = mock.post("/api/embed").respond(200, json=EMBED_REPLY)
        async with AsyncClient(HOST) as client:
            reply = await client.embed(
                "embeddinggemma", ["a", "b"], truncate=True, dimensions=3, keep_alive=0
            )
    request = only_request(route)
    assert_headers(request)
    assert json.loads(request.content) == {
        "model": "embeddinggemma",
        "input": ["a", "b"],
        "truncate": True,
        "dimensions": 3,
        "keep_alive": 0,
    }
    assert reply.prompt_eval_count == 8


@pytest.mark.anyio
async def test_async_web_search_without_key_sends_nothing(anyio_backend: str) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().respond(200, json={})
        async with AsyncClient(HOST) as client:
            with pytest.raises(RequestError):
                await client.web_search("q")
        assert route.call_count == 0


def test_typed_tool_objects_like_the_official_package(router: respx.MockRouter) -> None:

    route = router.post("/api/chat").mock(return_value=httpx.Response(200, json=CHAT_REPLY))
    tool = Tool(
        function=Tool.Function(
            name="get_weather",
            description="Weather in a city",
            parameters=Tool.Function.Parameters(
                required=["city"],
                properties={
                    "city": Tool.Function.Parameters.Property(type="string", description="City"),
                    "days": {"type": "integer", "minimum": 1},
                },
            ),
        )
    )
    assert "type" in Tool() and Tool()["type"] == "function"
    with Client(api_key="") as client:
        client.chat("m", [], tools=[tool])
    assert json.loads(route.calls.last.request.content)["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather in a city",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string", "description": "City"},
                        "days": {"type": "integer", "minimum": 1},
                    },
                    "required": ["city"],
                },
            },
        }
    ]


# --------------------------------------------------------------------------- Call -> wire
# The builders are tested directly in tests/core/test_protocol_requests.py; these check that
# both clients send the Call they build exactly: method, URL, headers and body bytes.

FAITHFUL = [
    ("chat", ("qwen3", [{"role": "user", "content": "hi"}]), {"think": "low", "top_logprobs": 2}),
    ("chat", ("qwen3", []), {"stream": True, "options": {"seed": 1}}),
    ("generate", ("qwen3", "p", "s"), {"system": "x", "images": [PNG], "keep_alive": "5m"}),
    ("generate", ("qwen3",), {"stream": True, "raw": True}),
    ("embed", ("e", ["a", "b"], True, {"num_ctx": 8}, 0, 16), {}),
    ("embeddings", ("e", "a"), {"options": Options(seed=2)}),
    ("pull", ("me/x",), {"insecure": True, "stream": True}),
    ("push", ("me/x",), {}),
    ("create", ("c",), {"from_": "base", "system": "s", "stream": True}),
    ("show", ("m",), {"verbose": True}),
    ("copy", ("a", "b"), {}),
    ("delete", ("m",), {}),
    ("list", (), {}),
    ("ps", (), {}),
    ("version", (), {}),
    ("blob_exists", (DIGEST_A,), {}),
    ("web_search", ("q", 4), {}),
    ("web_fetch", ("https://ollama.com",), {}),
]
_BUILDER = {"list": "list_models", "blob_exists": "blob_head"}
_EMBED_KEYS = ("truncate", "options", "keep_alive", "dimensions")


def expected_call(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    from ollama_lite import _protocol as protocol

    if method == "embed":  # the client takes these by position, the builder by keyword
        args, kwargs = args[:2], dict(zip(_EMBED_KEYS, args[2:], strict=True))
    return getattr(protocol, _BUILDER.get(method, method))(*args, **kwargs)


def canned_reply(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.method == "HEAD" or path in ("/api/copy", "/api/delete"):
        return httpx.Response(200)
    bodies: dict[str, Any] = {
        "/api/chat": CHAT_REPLY,
        "/api/generate": GENERATE_REPLY,
        "/api/embed": EMBED_REPLY,
        "/api/embeddings": {"embedding": [0.5]},
        "/api/tags": {"models": []},
        "/api/ps": {"models": []},
        "/api/version": {"version": "1"},
        "/api/show": {"modelfile": ""},
        "/api/web_search": {"results": []},
        "/api/web_fetch": {"title": "", "content": "", "links": []},
    }
    return httpx.Response(200, json=bodies.get(path, {"status": "success"}))


def assert_sent_as_built(sent: httpx.Request, call: Any) -> None:
    assert sent.method == call.method
    assert str(sent.url) == (call.base_url or HOST) + call.path
    assert sent.content == (call.body or b"")
    for name, value in call.headers.items():
        assert sent.headers[name] == value
    if not call.stream:
        assert sent.headers["accept"] == "application/json"
    assert sent.headers["user-agent"].startswith("ollama-lite/")
    assert sent.headers["authorization"] == "Bearer k"


@pytest.mark.parametrize(("method", "args", "kwargs"), FAITHFUL, ids=[f[0] for f in FAITHFUL])
def test_the_sync_client_sends_the_call_as_built(
    method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return canned_reply(request)

    with Client(HOST, api_key="k", transport=httpx.MockTransport(handler)) as client:
        reply = getattr(client, method)(*args, **kwargs)
        if kwargs.get("stream"):
            list(reply)
    assert len(sent) == 1
    assert_sent_as_built(sent[0], expected_call(method, args, kwargs))


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "args", "kwargs"), FAITHFUL, ids=[f[0] for f in FAITHFUL])
async def test_the_async_client_sends_the_call_as_built(
    anyio_backend: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return canned_reply(request)

    async with AsyncClient(HOST, api_key="k", transport=httpx.MockTransport(handler)) as client:
        reply = await getattr(client, method)(*args, **kwargs)
        if kwargs.get("stream"):
            async for _ in reply:
                pass
    assert len(sent) == 1
    assert_sent_as_built(sent[0], expected_call(method, args, kwargs))
