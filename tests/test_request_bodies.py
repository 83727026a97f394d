"""The exact request every `Client` / `AsyncClient` method sends: method, URL, headers, JSON body.

Everything is mocked with respx; each test parses the body with `json.loads` and compares it to
a dict literal, so a renamed, missing or extra key fails.
"""

import base64
import dataclasses
import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import msgspec
import pytest
import respx

from ollama_lite import (
    AsyncClient,
    ChatResponse,
    Client,
    EmbeddingsResponse,
    EmbedResponse,
    GenerateResponse,
    Image,
    ListResponse,
    Message,
    Options,
    ProcessResponse,
    ProgressResponse,
    RequestError,
    ShowResponse,
    StatusResponse,
    Tool,
    ToolCall,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)

HOST = "http://127.0.0.1:11434"
DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PNG_B64 = base64.b64encode(PNG).decode()

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


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


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


def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    """Get the current weather for a city.

    Args:
        city: The city name.
        unit: Temperature unit.
    """
    return f"{city}: 11 {unit}"


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city name."},
                "unit": {"type": "string", "enum": ["c", "f"], "description": "Temperature unit."},
            },
            "required": ["city"],
        },
    },
}


class Answer(msgspec.Struct):
    value: int
    unit: str = "none"


ANSWER_SCHEMA = {
    "title": "Answer",
    "type": "object",
    "properties": {
        "value": {"type": "integer"},
        "unit": {"type": "string", "default": "none"},
    },
    "required": ["value"],
}


@dataclasses.dataclass
class Person:
    name: str
    tags: list[str]


PERSON_SCHEMA = {
    "title": "Person",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "tags"],
}


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


def test_generate_every_parameter(router: respx.MockRouter, client: Client, tmp_path: Path) -> None:
    picture = tmp_path / "cat.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0JFIF")
    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    client.generate(
        "qwen3",
        "def add(a, b):",
        "    return result",
        system="You write Python.",
        template="{{ .Prompt }}",
        context=[1, 2, 3],
        think="low",
        logprobs=True,
        top_logprobs=3,
        raw=False,
        format="json",
        images=[PNG, picture, "QUJD", Image(b"xyz")],
        options={"temperature": 0, "seed": 7, "num_ctx": 4096, "stop": ["\n\n"]},
        keep_alive="10m",
        width=512,
        height=256,
        steps=4,
    )
    assert sent_json(route) == {
        "model": "qwen3",
        "prompt": "def add(a, b):",
        "suffix": "    return result",
        "system": "You write Python.",
        "template": "{{ .Prompt }}",
        "context": [1, 2, 3],
        "stream": False,
        "think": "low",
        "logprobs": True,
        "top_logprobs": 3,
        "raw": False,
        "format": "json",
        "images": [PNG_B64, base64.b64encode(b"\xff\xd8\xff\xe0JFIF").decode(), "QUJD", "eHl6"],
        "options": {"temperature": 0, "seed": 7, "num_ctx": 4096, "stop": ["\n\n"]},
        "keep_alive": "10m",
        "width": 512,
        "height": 256,
        "steps": 4,
    }


@pytest.mark.parametrize("think", [True, False, "low", "medium", "high", "max"])
def test_generate_think_values(router: respx.MockRouter, client: Client, think: object) -> None:
    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    client.generate("qwen3", "hi", think=think)  # type: ignore[arg-type]
    assert sent_json(route) == {"model": "qwen3", "prompt": "hi", "stream": False, "think": think}


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", "json"),
        (
            {"type": "object", "properties": {"n": {"type": "integer", "title": "N"}}},
            {"type": "object", "properties": {"n": {"type": "integer", "title": "N"}}},
        ),
        (Answer, ANSWER_SCHEMA),
        (Person, PERSON_SCHEMA),
    ],
    ids=["json", "schema-dict", "struct-type", "dataclass-type"],
)
def test_generate_format(
    router: respx.MockRouter, client: Client, fmt: object, expected: object
) -> None:
    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    client.generate("qwen3", "hi", format=fmt)  # type: ignore[arg-type]
    assert sent_json(route) == {
        "model": "qwen3",
        "prompt": "hi",
        "stream": False,
        "format": expected,
    }


def test_generate_format_pydantic_model(router: respx.MockRouter, client: Client) -> None:
    pydantic = pytest.importorskip("pydantic")

    class City(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        name: str
        population: int

    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    client.generate("qwen3", "hi", format=City)
    assert sent_json(route)["format"] == {
        "title": "City",
        "type": "object",
        "properties": {
            "name": {"title": "Name", "type": "string"},
            "population": {"title": "Population", "type": "integer"},
        },
        "required": ["name", "population"],
    }


@pytest.mark.parametrize(
    "options",
    [
        {"temperature": 0.5, "top_k": 20, "stop": ["User:"], "num_predict": 64},
        Options(temperature=0.5, top_k=20, stop=["User:"], num_predict=64),
        {"temperature": 0.5, "top_k": 20, "stop": "User:", "num_predict": 64, "seed": None},
    ],
    ids=["dict", "Options", "stop-as-string"],
)
def test_generate_options(router: respx.MockRouter, client: Client, options: object) -> None:
    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    client.generate("qwen3", "hi", options=options)  # type: ignore[arg-type]
    assert sent_json(route) == {
        "model": "qwen3",
        "prompt": "hi",
        "stream": False,
        "options": {"temperature": 0.5, "top_k": 20, "stop": ["User:"], "num_predict": 64},
    }


@pytest.mark.parametrize(
    ("keep_alive", "expected"),
    [
        (0, 0),
        (300, 300),
        (1.5, 1.5),
        (-1, -1),
        ("5m", "5m"),
        ("1h30m", "1h30m"),
        ("0", "0"),
        ("-1m", "-1m"),
        (datetime.timedelta(minutes=5), 300),
        (datetime.timedelta(hours=1, seconds=30, milliseconds=500), 3630.5),
    ],
)
def test_generate_keep_alive(
    router: respx.MockRouter, client: Client, keep_alive: object, expected: object
) -> None:
    route = router.post("/api/generate").respond(200, json=GENERATE_REPLY)
    client.generate("qwen3", keep_alive=keep_alive)
    body = sent_json(route)
    assert body == {"model": "qwen3", "stream": False, "keep_alive": expected}


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


def test_chat_without_messages_sends_empty_list(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat("llama3.2")
    assert sent_json(route) == {"model": "llama3.2", "messages": [], "stream": False}


@pytest.mark.parametrize(
    "tool",
    [
        WEATHER_TOOL,
        Tool(
            function=Tool.Function(
                name="get_weather",
                description="Get the current weather for a city.",
                parameters=WEATHER_TOOL["function"]["parameters"],  # type: ignore[index]
            )
        ),
        get_weather,
    ],
    ids=["dict", "Tool", "function"],
)
def test_chat_tools(router: respx.MockRouter, client: Client, tool: object) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat("llama3.2", [{"role": "user", "content": "Weather in Paris?"}], tools=[tool])
    assert sent_json(route) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Weather in Paris?"}],
        "stream": False,
        "tools": [WEATHER_TOOL],
    }


def test_chat_several_tools_keep_order(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    other = {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two numbers",
            "parameters": {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                "required": ["a", "b"],
            },
        },
    }
    client.chat("llama3.2", [], tools=[other, get_weather])
    assert sent_json(route)["tools"] == [other, WEATHER_TOOL]


def test_chat_messages_as_dicts_and_message_objects(
    router: respx.MockRouter, client: Client
) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat(
        "llama3.2",
        [
            Message(role="system", content="Be brief."),
            {"role": "user", "content": "Hi"},
            Message(role="assistant", content="Hello!", thinking="Greet back."),
            {"role": "user", "content": ""},
        ],
    )
    assert sent_json(route)["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!", "thinking": "Greet back."},
        {"role": "user", "content": ""},
    ]


def test_chat_images_in_messages(router: respx.MockRouter, client: Client, tmp_path: Path) -> None:
    picture = tmp_path / "dog.png"
    picture.write_bytes(b"dog-bytes")
    dog_b64 = base64.b64encode(b"dog-bytes").decode()
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat(
        "llava",
        [
            {"role": "user", "content": "What is this?", "images": [PNG, picture, "QUJD"]},
            Message(role="user", content="And this?", images=[picture, PNG]),  # type: ignore[list-item]
            {"role": "user", "content": "Last", "images": [Image(picture), Image("QUJD")]},
        ],
    )
    assert sent_json(route)["messages"] == [
        {"role": "user", "content": "What is this?", "images": [PNG_B64, dog_b64, "QUJD"]},
        {"role": "user", "content": "And this?", "images": [dog_b64, PNG_B64]},
        {"role": "user", "content": "Last", "images": [dog_b64, "QUJD"]},
    ]


def test_chat_tool_round_trip_messages(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat(
        "qwen3",
        [
            {"role": "user", "content": "Weather in Tokyo?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_k3x9a0bq",
                        "function": {
                            "index": 0,
                            "name": "get_weather",
                            "arguments": {"city": "Tokyo", "unit": "c"},
                        },
                    }
                ],
            },
            {
                "role": "tool",
                "tool_name": "get_weather",
                "tool_call_id": "call_k3x9a0bq",
                "content": "11 degrees",
            },
            Message(role="tool", tool_name="get_weather", tool_call_id="call_2", content="12"),
        ],
        tools=[get_weather],
    )
    assert sent_json(route) == {
        "model": "qwen3",
        "messages": [
            {"role": "user", "content": "Weather in Tokyo?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_k3x9a0bq",
                        "function": {
                            "index": 0,
                            "name": "get_weather",
                            "arguments": {"city": "Tokyo", "unit": "c"},
                        },
                    }
                ],
            },
            {
                "role": "tool",
                "tool_name": "get_weather",
                "tool_call_id": "call_k3x9a0bq",
                "content": "11 degrees",
            },
            {"role": "tool", "tool_name": "get_weather", "tool_call_id": "call_2", "content": "12"},
        ],
        "stream": False,
        "tools": [WEATHER_TOOL],
    }


def test_chat_history_string_arguments_sent_as_object(
    router: respx.MockRouter, client: Client
) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat(
        "qwen3",
        [
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Tokyo"}'},
                    }
                ],
            }
        ],
    )
    (message,) = sent_json(route)["messages"]
    assert message["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": {"city": "Tokyo"},
    }


def test_chat_history_string_arguments_in_message_object_sent_as_object(
    router: respx.MockRouter, client: Client
) -> None:
    # The same OpenAI-style history, built with Message/ToolCall objects instead of dicts.
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    call = ToolCall(
        function=ToolCall.Function(name="get_weather", arguments='{"city": "Tokyo"}')  # type: ignore[arg-type]
    )
    client.chat("qwen3", [Message(role="assistant", tool_calls=[call])])
    (message,) = sent_json(route)["messages"]
    assert message == {
        "role": "assistant",
        "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}],
    }


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


def test_chat_every_parameter(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat(
        "qwen3",
        [{"role": "user", "content": "Give me JSON"}],
        tools=[WEATHER_TOOL],
        think="high",
        logprobs=True,
        top_logprobs=5,
        format=Answer,
        options=Options(temperature=0, num_ctx=8192),
        keep_alive=datetime.timedelta(seconds=90),
    )
    assert sent_json(route) == {
        "model": "qwen3",
        "messages": [{"role": "user", "content": "Give me JSON"}],
        "stream": False,
        "tools": [WEATHER_TOOL],
        "think": "high",
        "logprobs": True,
        "top_logprobs": 5,
        "format": ANSWER_SCHEMA,
        "options": {"temperature": 0, "num_ctx": 8192},
        "keep_alive": 90,
    }


def test_chat_think_false_and_zero_top_logprobs_are_sent(
    router: respx.MockRouter, client: Client
) -> None:
    route = router.post("/api/chat").respond(200, json=CHAT_REPLY)
    client.chat("qwen3", [], think=False, logprobs=False, top_logprobs=0, keep_alive=0)
    assert sent_json(route) == {
        "model": "qwen3",
        "messages": [],
        "stream": False,
        "think": False,
        "logprobs": False,
        "top_logprobs": 0,
        "keep_alive": 0,
    }


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


def test_embed_default_input_is_empty_string(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/embed").respond(200, json={"model": "e", "embeddings": []})
    client.embed("e")
    assert sent_json(route) == {"model": "e", "input": ""}


def test_embed_list_and_every_parameter(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/embed").respond(200, json=EMBED_REPLY)
    client.embed(
        "embeddinggemma",
        ("first", "second"),
        truncate=False,
        options={"num_ctx": 512},
        keep_alive="1m",
        dimensions=256,
    )
    assert sent_json(route) == {
        "model": "embeddinggemma",
        "input": ["first", "second"],
        "truncate": False,
        "dimensions": 256,
        "options": {"num_ctx": 512},
        "keep_alive": "1m",
    }


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


def test_embeddings_minimal(router: respx.MockRouter, client: Client) -> None:
    route = router.post("/api/embeddings").respond(200, json={"embedding": []})
    client.embeddings("all-minilm")
    assert sent_json(route) == {"model": "all-minilm"}


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
    from ollama_lite import Tool

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
