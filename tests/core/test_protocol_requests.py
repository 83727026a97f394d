"""The request builders of `ollama_lite._protocol`, tested directly: no client, no HTTP.

Each test builds a `Call` and compares its JSON body (parsed with `json.loads`) to a dict
literal, so a renamed, missing or extra key fails; others check the rest of the `Call`
(method, path, headers, base URL, API-key requirement, result type, stream flag).
`tests/client/test_request_bodies.py` checks that the clients send a `Call` exactly as built.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ollama_lite import (
    ChatResponse,
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
from ollama_lite import _protocol as protocol
from ollama_lite._files import read_image_files
from ollama_lite._images import file_images

from .._request_fixtures import DIGEST_A, DIGEST_B, PNG, PNG_B64, WEATHER_TOOL, get_weather


class Build:
    """Calls a builder with a client method's arguments, reading image files first (the
    I/O the client does before building); keeps the `Call`."""

    call: protocol.Call[Any]

    def body(self) -> Any:
        assert self.call.body is not None
        return json.loads(self.call.body)

    def chat(self, model: str = "", messages: Any = None, **kwargs: Any) -> None:
        files = read_image_files(file_images(messages))
        self.call = protocol.chat(model, messages, image_files=files, **kwargs)

    def generate(self, *args: Any, **kwargs: Any) -> None:
        files = read_image_files(file_images(images=kwargs.get("images")))
        self.call = protocol.generate(*args, image_files=files, **kwargs)

    def embed(
        self,
        model: str = "",
        input: Any = "",
        truncate: Any = None,
        options: Any = None,
        keep_alive: Any = None,
        dimensions: Any = None,
    ) -> None:
        self.call = protocol.embed(
            model,
            input,
            truncate=truncate,
            options=options,
            keep_alive=keep_alive,
            dimensions=dimensions,
        )

    def embeddings(
        self, model: str = "", prompt: Any = None, options: Any = None, keep_alive: Any = None
    ) -> None:
        self.call = protocol.embeddings(model, prompt, options=options, keep_alive=keep_alive)


@pytest.fixture
def build() -> Build:
    return Build()


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


# --------------------------------------------------------------------------- bodies (moved
# from tests/client/test_request_bodies.py, where they went through a respx-mocked client)


def test_generate_every_parameter(build: Build, tmp_path: Path) -> None:
    picture = tmp_path / "cat.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0JFIF")
    build.generate(
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
    assert build.body() == {
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
def test_generate_think_values(build: Build, think: object) -> None:
    build.generate("qwen3", "hi", think=think)  # type: ignore[arg-type]
    assert build.body() == {"model": "qwen3", "prompt": "hi", "stream": False, "think": think}


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
def test_generate_format(build: Build, fmt: object, expected: object) -> None:
    build.generate("qwen3", "hi", format=fmt)  # type: ignore[arg-type]
    assert build.body() == {
        "model": "qwen3",
        "prompt": "hi",
        "stream": False,
        "format": expected,
    }


def test_generate_format_pydantic_model(build: Build) -> None:
    pydantic = pytest.importorskip("pydantic")

    class City(pydantic.BaseModel):  # type: ignore[misc,name-defined]
        name: str
        population: int

    build.generate("qwen3", "hi", format=City)
    assert build.body()["format"] == {
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
def test_generate_options(build: Build, options: object) -> None:
    build.generate("qwen3", "hi", options=options)  # type: ignore[arg-type]
    assert build.body() == {
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
def test_generate_keep_alive(build: Build, keep_alive: object, expected: object) -> None:
    build.generate("qwen3", keep_alive=keep_alive)
    body = build.body()
    assert body == {"model": "qwen3", "stream": False, "keep_alive": expected}


def test_chat_without_messages_sends_empty_list(build: Build) -> None:
    build.chat("llama3.2")
    assert build.body() == {"model": "llama3.2", "messages": [], "stream": False}


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
def test_chat_tools(build: Build, tool: object) -> None:
    build.chat("llama3.2", [{"role": "user", "content": "Weather in Paris?"}], tools=[tool])
    assert build.body() == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Weather in Paris?"}],
        "stream": False,
        "tools": [WEATHER_TOOL],
    }


def test_chat_several_tools_keep_order(build: Build) -> None:
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
    build.chat("llama3.2", [], tools=[other, get_weather])
    assert build.body()["tools"] == [other, WEATHER_TOOL]


def test_chat_messages_as_dicts_and_message_objects(build: Build) -> None:
    build.chat(
        "llama3.2",
        [
            Message(role="system", content="Be brief."),
            {"role": "user", "content": "Hi"},
            Message(role="assistant", content="Hello!", thinking="Greet back."),
            {"role": "user", "content": ""},
        ],
    )
    assert build.body()["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!", "thinking": "Greet back."},
        {"role": "user", "content": ""},
    ]


def test_chat_images_in_messages(build: Build, tmp_path: Path) -> None:
    picture = tmp_path / "dog.png"
    picture.write_bytes(b"dog-bytes")
    dog_b64 = base64.b64encode(b"dog-bytes").decode()
    build.chat(
        "llava",
        [
            {"role": "user", "content": "What is this?", "images": [PNG, picture, "QUJD"]},
            Message(role="user", content="And this?", images=[picture, PNG]),  # type: ignore[list-item]
            {"role": "user", "content": "Last", "images": [Image(picture), Image("QUJD")]},
        ],
    )
    assert build.body()["messages"] == [
        {"role": "user", "content": "What is this?", "images": [PNG_B64, dog_b64, "QUJD"]},
        {"role": "user", "content": "And this?", "images": [dog_b64, PNG_B64]},
        {"role": "user", "content": "Last", "images": [dog_b64, "QUJD"]},
    ]


def test_chat_tool_round_trip_messages(build: Build) -> None:
    build.chat(
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
    assert build.body() == {
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


def test_chat_history_string_arguments_sent_as_object(build: Build) -> None:
    build.chat(
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
    (message,) = build.body()["messages"]
    assert message["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": {"city": "Tokyo"},
    }


def test_chat_history_string_arguments_in_message_object_sent_as_object(build: Build) -> None:
    # The same OpenAI-style history, built with Message/ToolCall objects instead of dicts.
    call = ToolCall(
        function=ToolCall.Function(name="get_weather", arguments='{"city": "Tokyo"}')  # type: ignore[arg-type]
    )
    build.chat("qwen3", [Message(role="assistant", tool_calls=[call])])
    (message,) = build.body()["messages"]
    assert message == {
        "role": "assistant",
        "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}],
    }


def test_chat_every_parameter(build: Build) -> None:
    build.chat(
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
    assert build.body() == {
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


def test_chat_think_false_and_zero_top_logprobs_are_sent(build: Build) -> None:
    build.chat("qwen3", [], think=False, logprobs=False, top_logprobs=0, keep_alive=0)
    assert build.body() == {
        "model": "qwen3",
        "messages": [],
        "stream": False,
        "think": False,
        "logprobs": False,
        "top_logprobs": 0,
        "keep_alive": 0,
    }


def test_embed_default_input_is_empty_string(build: Build) -> None:
    build.embed("e")
    assert build.body() == {"model": "e", "input": ""}


def test_embed_list_and_every_parameter(build: Build) -> None:
    build.embed(
        "embeddinggemma",
        ("first", "second"),
        truncate=False,
        options={"num_ctx": 512},
        keep_alive="1m",
        dimensions=256,
    )
    assert build.body() == {
        "model": "embeddinggemma",
        "input": ["first", "second"],
        "truncate": False,
        "dimensions": 256,
        "options": {"num_ctx": 512},
        "keep_alive": "1m",
    }


def test_embeddings_minimal(build: Build) -> None:
    build.embeddings("all-minilm")
    assert build.body() == {"model": "all-minilm"}


# --------------------------------------------------------------------------- the whole Call


def body_of(call: protocol.Call[Any]) -> Any:
    assert call.body is not None
    return json.loads(call.body)


@pytest.mark.parametrize(
    ("call", "method", "path", "result", "body"),
    [
        (protocol.chat("m", []), "POST", "/api/chat", ChatResponse, None),
        (protocol.generate("m"), "POST", "/api/generate", GenerateResponse, None),
        (protocol.embed("m", "x"), "POST", "/api/embed", EmbedResponse, None),
        (protocol.embeddings("m", "x"), "POST", "/api/embeddings", EmbeddingsResponse, None),
        (
            protocol.pull("m"),
            "POST",
            "/api/pull",
            ProgressResponse,
            {"model": "m", "stream": False, "insecure": False},
        ),
        (
            protocol.push("m", insecure=True),
            "POST",
            "/api/push",
            ProgressResponse,
            {"model": "m", "stream": False, "insecure": True},
        ),
        (
            protocol.create("m", from_="base"),
            "POST",
            "/api/create",
            ProgressResponse,
            {"model": "m", "stream": False, "from": "base"},
        ),
        (protocol.list_models(), "GET", "/api/tags", ListResponse, None),
        (protocol.show("m"), "POST", "/api/show", ShowResponse, {"model": "m"}),
        (protocol.ps(), "GET", "/api/ps", ProcessResponse, None),
        (
            protocol.copy("a", "b"),
            "POST",
            "/api/copy",
            StatusResponse,
            {"source": "a", "destination": "b"},
        ),
        (protocol.delete("m"), "DELETE", "/api/delete", StatusResponse, {"model": "m"}),
        (protocol.version(), "GET", "/api/version", VersionResponse, None),
        (protocol.blob_head(DIGEST_A), "HEAD", f"/api/blobs/{DIGEST_A}", StatusResponse, None),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_each_local_endpoint_call(
    call: protocol.Call[Any], method: str, path: str, result: type, body: Any
) -> None:
    assert (call.method, call.path, call.result) == (method, path, result)
    assert call.base_url is None and call.url() == path
    assert not call.bearer_only and not call.stream
    assert dict(call.headers) == {}
    if body is not None:
        assert body_of(call) == body
    if method == "GET" or method == "HEAD":
        assert call.body is None


@pytest.mark.parametrize(
    "call",
    [
        protocol.chat("m", [], stream=True),
        protocol.generate("m", "p", stream=True),
        protocol.pull("m", stream=True),
        protocol.push("m", stream=True),
        protocol.create("m", from_="x", stream=True),
    ],
    ids=["chat", "generate", "pull", "push", "create"],
)
def test_a_streamed_call_asks_for_ndjson(call: protocol.Call[Any]) -> None:
    assert call.stream
    assert dict(call.headers) == {"Accept": "application/x-ndjson"}
    assert body_of(call)["stream"] is True


def test_copy_delete_and_blobs_answer_success_on_an_empty_body() -> None:
    for call in (protocol.copy("a", "b"), protocol.delete("m"), protocol.blob_head(DIGEST_A)):
        assert protocol.decode_body(call, b"") == StatusResponse(status="success")


def test_blob_upload_declares_the_file_size_and_leaves_the_body_to_the_client() -> None:
    call = protocol.blob_upload(DIGEST_B, 1234)
    assert (call.method, call.path) == ("POST", f"/api/blobs/{DIGEST_B}")
    assert dict(call.headers) == {"Content-Length": "1234"}
    assert call.body is None


@pytest.mark.parametrize(
    ("call", "path", "body", "result"),
    [
        (
            protocol.web_search("what is ollama?"),
            "/api/web_search",
            {"query": "what is ollama?", "max_results": 3},
            WebSearchResponse,
        ),
        (
            protocol.web_search("q", 7),
            "/api/web_search",
            {"query": "q", "max_results": 7},
            WebSearchResponse,
        ),
        (
            protocol.web_fetch("https://ollama.com"),
            "/api/web_fetch",
            {"url": "https://ollama.com"},
            WebFetchResponse,
        ),
    ],
)
def test_hosted_endpoints_go_to_ollama_com_and_need_an_api_key(
    call: protocol.Call[Any], path: str, body: Any, result: type
) -> None:
    assert call.base_url == "https://ollama.com"
    assert call.url() == "https://ollama.com" + path
    assert call.bearer_only
    assert call.result is result
    assert body_of(call) == body


def test_create_from_files_body() -> None:
    call = protocol.create(
        "mine",
        quantize="q4_K_M",
        files={"model.gguf": DIGEST_A},
        adapters={"lora.gguf": DIGEST_B},
        template="{{ .Prompt }}",
        license=["MIT", "Apache-2.0"],
        system="Be brief.",
        parameters={"temperature": 0.2, "stop": "END"},
        messages=[{"role": "user", "content": "hi"}],
    )
    assert body_of(call) == {
        "model": "mine",
        "quantize": "q4_K_M",
        "files": {"model.gguf": DIGEST_A},
        "adapters": {"lora.gguf": DIGEST_B},
        "template": "{{ .Prompt }}",
        "license": ["MIT", "Apache-2.0"],
        "system": "Be brief.",
        "parameters": {"temperature": 0.2, "stop": ["END"]},
        "messages": [{"role": "user", "content": "hi"}],
        "stream": False,
    }


# --------------------------------------------------------------------------- no I/O


def test_a_builder_never_reads_a_file(tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(PNG)
    with pytest.raises(RequestError, match=r"images\[0\].*was not read"):
        protocol.generate("m", images=[picture])
    with pytest.raises(RequestError, match=r"messages\[0\]\.images\[0\].*was not read"):
        protocol.chat("m", [{"role": "user", "content": "x", "images": [picture]}])


def test_image_files_read_by_the_caller_are_encoded(tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(PNG)
    images = [Image(picture), picture]
    files = read_image_files(file_images(images=images))
    assert len(files) == 1  # one path object, read once
    call = protocol.generate("m", images=images, image_files=files)
    assert body_of(call)["images"] == [PNG_B64, PNG_B64]


def test_a_failed_read_is_reported_where_the_image_appears(tmp_path: Path) -> None:
    missing = tmp_path / "missing.png"
    messages = [
        {"role": "user", "content": "a"},
        Message(role="user", content="b", images=[PNG, missing]),  # type: ignore[list-item]
    ]
    files = read_image_files(file_images(messages))
    with pytest.raises(RequestError, match=r"messages\[1\]\.images\[1\]: cannot read .*missing"):
        protocol.chat("m", messages, image_files=files)


def test_an_unknown_keyword_is_a_type_error_as_for_a_named_parameter() -> None:
    with pytest.raises(TypeError, match="chat\\(\\) got an unexpected keyword argument 'bogus'"):
        protocol.chat("m", [], bogus=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="generate\\(\\) got an unexpected keyword"):
        protocol.generate("m", prompt_template="x")  # type: ignore[call-arg]


def test_input_errors_are_raised_by_the_builder() -> None:
    with pytest.raises(RequestError, match="model is required"):
        protocol.chat("", [])
    with pytest.raises(RequestError, match="stream must be True or False"):
        protocol.chat("m", [], stream="yes")  # type: ignore[arg-type]
    with pytest.raises(RequestError, match="digest must look like"):
        protocol.blob_head("sha256:XYZ")
    with pytest.raises(RequestError, match="query must be a non-empty string"):
        protocol.web_search("  ")
    with pytest.raises(RequestError, match="max_results must be a positive int"):
        protocol.web_search("q", 0)
    with pytest.raises(RequestError, match="create needs from_"):
        protocol.create("m")


def test_options_struct_and_timedelta_keep_alive() -> None:
    call = protocol.chat(
        "m", [], options=Options(temperature=0), keep_alive=datetime.timedelta(seconds=90)
    )
    assert body_of(call) == {
        "model": "m",
        "messages": [],
        "stream": False,
        "options": {"temperature": 0},
        "keep_alive": 90,
    }
