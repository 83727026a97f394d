"""ChatOllama: the exact /api/chat body sent, checked on the wire with respx."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
import respx
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import (
    AIMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from ollama_lite import RequestError
from ollama_lite.langchain import ChatOllama
from ollama_lite.testing import FakeOllama

from ._util import HOST, body, chat_reply, chat_stream

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image").decode()


@pytest.fixture
def chat(ollama: respx.MockRouter) -> respx.Route:
    return ollama.post("/api/chat").mock(return_value=httpx.Response(200, json=chat_reply()))


def test_defaults_send_a_minimal_non_streamed_request(chat: respx.Route) -> None:
    reply = ChatOllama(model="llama3.2").invoke("hi")
    assert reply.content == "Hi!"
    assert body(chat) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": False,
        "options": {},
    }
    assert chat.calls[0].request.url == f"{HOST}/api/chat"


def test_every_constructor_field_reaches_the_wire(chat: respx.Route) -> None:
    llm = ChatOllama(
        model="llama3.2",
        reasoning="high",
        mirostat=1,
        mirostat_eta=0.2,
        mirostat_tau=4.0,
        num_ctx=4096,
        num_gpu=1,
        num_thread=8,
        num_predict=64,
        repeat_last_n=32,
        repeat_penalty=1.2,
        temperature=0.3,
        seed=7,
        stop=["END"],
        tfs_z=1.0,
        top_k=20,
        top_p=0.8,
        logprobs=True,
        top_logprobs=2,
        format="json",
        keep_alive="10m",
    )
    llm.invoke("hi")
    assert body(chat) == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": False,
        "think": "high",
        "format": "json",
        "keep_alive": "10m",
        "logprobs": True,
        "top_logprobs": 2,
        "options": {
            "mirostat": 1,
            "mirostat_eta": 0.2,
            "mirostat_tau": 4.0,
            "num_ctx": 4096,
            "num_gpu": 1,
            "num_thread": 8,
            "num_predict": 64,
            "repeat_last_n": 32,
            "repeat_penalty": 1.2,
            "temperature": 0.3,
            "seed": 7,
            "stop": ["END"],
            "tfs_z": 1.0,
            "top_k": 20,
            "top_p": 0.8,
        },
    }


def test_max_tokens_is_num_predict(chat: respx.Route) -> None:
    llm = ChatOllama(model="m", max_tokens=12)
    assert llm.num_predict == 12
    llm.invoke("hi")
    assert body(chat)["options"] == {"num_predict": 12}
    llm.invoke("hi", max_tokens=3)
    assert body(chat)["options"] == {"num_predict": 3}


def test_per_call_options_merge_over_the_configured_ones(chat: respx.Route) -> None:
    llm = ChatOllama(model="m", temperature=0.7, top_k=5, num_ctx=2048)
    llm.invoke("hi", temperature=0, num_ctx=8192, min_p=0.05)
    assert body(chat)["options"] == {"temperature": 0, "top_k": 5, "num_ctx": 8192, "min_p": 0.05}
    llm.invoke("hi", options={"seed": 1, "top_k": None})
    assert body(chat)["options"] == {"temperature": 0.7, "num_ctx": 2048, "seed": 1}
    llm.bind(temperature=0.1).invoke("hi")
    assert body(chat)["options"]["temperature"] == 0.1


def test_per_call_request_fields(chat: respx.Route) -> None:
    llm = ChatOllama(model="m", reasoning=True, keep_alive=300)
    llm.invoke("hi", model="other", reasoning=False, keep_alive="1h", logprobs=True, top_logprobs=3)
    sent = body(chat)
    assert sent["model"] == "other"
    assert sent["think"] is False
    assert sent["keep_alive"] == "1h"
    assert (sent["logprobs"], sent["top_logprobs"]) == (True, 3)
    llm.invoke("hi")
    assert (body(chat)["think"], body(chat)["keep_alive"]) == (True, 300)


def test_unknown_per_call_argument_is_a_clear_error(chat: respx.Route) -> None:
    with pytest.raises(TypeError, match="'frobnicate'"):
        ChatOllama(model="m").invoke("hi", frobnicate=1)
    with pytest.raises(RequestError, match="unknown option"):
        ChatOllama(model="m").invoke("hi", options={"not_an_option": 1})
    assert not chat.called


def test_per_call_stop_works_when_the_constructor_stop_is_empty(chat: respx.Route) -> None:
    llm = ChatOllama(model="m", stop=[])
    llm.invoke("hi")
    assert "stop" not in body(chat)["options"]
    llm.invoke("hi", stop=["you"])
    assert body(chat)["options"]["stop"] == ["you"]
    ChatOllama(model="m", stop=["a"]).invoke("hi", stop=["b"])
    assert body(chat)["options"]["stop"] == ["b"]


def test_format_and_response_format(chat: respx.Route) -> None:
    llm = ChatOllama(model="m")
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    llm.invoke("hi", response_format={"type": "json_object"})
    assert body(chat)["format"] == "json"
    llm.invoke("hi", response_format={"type": "json_schema", "json_schema": {"schema": schema}})
    assert body(chat)["format"] == schema
    with pytest.warns(UserWarning, match="Both 'format' and 'response_format'"):
        llm.invoke("hi", format="json", response_format={"type": "json_object"})
    assert body(chat)["format"] == "json"
    with pytest.warns(UserWarning, match="unrecognized 'response_format'"):
        llm.invoke("hi", response_format={"type": "text"})
    assert "format" not in body(chat)
    with pytest.warns(UserWarning, match="no 'schema' key"):
        llm.invoke("hi", response_format={"type": "json_schema", "json_schema": {}})
    assert "format" not in body(chat)


def test_messages_of_every_role(chat: respx.Route) -> None:
    messages = [
        SystemMessage("Be brief."),
        HumanMessage("What is 2+2?"),
        AIMessage(
            "",
            tool_calls=[{"name": "add", "args": {"a": 2, "b": 2}, "id": "call_1"}],
            additional_kwargs={"reasoning_content": "use the tool"},
        ),
        ToolMessage("4", tool_call_id="call_1"),
        ToolMessage("4", tool_call_id="call_x", name="add_named"),
        AIMessage("It is 4."),
        ChatMessage(role="somerandomrole", content="custom"),
    ]
    before = [m.model_copy(deep=True) for m in messages]
    ChatOllama(model="m").invoke(messages)
    assert body(chat)["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {
            "role": "assistant",
            "content": "",
            "thinking": "use the tool",
            "tool_calls": [
                {"id": "call_1", "function": {"name": "add", "arguments": {"a": 2, "b": 2}}}
            ],
        },
        {"role": "tool", "content": "4", "tool_call_id": "call_1", "tool_name": "add"},
        {"role": "tool", "content": "4", "tool_call_id": "call_x", "tool_name": "add_named"},
        {"role": "assistant", "content": "It is 4."},
        {"role": "somerandomrole", "content": "custom"},
    ]
    assert messages == before  # the caller's messages are not changed


def test_list_content_joins_text_parts_after_newlines(chat: respx.Route) -> None:
    message = HumanMessage(
        content=["first", {"type": "text", "text": "second"}, {"type": "tool_use", "id": "x"}]
    )
    ChatOllama(model="m").invoke([message])
    assert body(chat)["messages"] == [{"role": "user", "content": "\nfirst\nsecond"}]


@pytest.mark.parametrize(
    "part",
    [
        {"type": "image_url", "image_url": f"data:image/png;base64,{PNG}"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "image_url", "image_url": PNG},
        {"type": "image", "source_type": "base64", "data": PNG, "mime_type": "image/png"},
        {"type": "image", "base64": PNG, "mime_type": "image/png"},
        {"type": "image", "url": f"data:image/png;base64,{PNG}"},
    ],
    ids=["data-url", "url-dict", "bare-base64", "v0-block", "v1-block", "v1-data-url"],
)
def test_images_in_content_blocks(chat: respx.Route, part: dict[str, Any]) -> None:
    ChatOllama(model="m").invoke([HumanMessage(content=[{"type": "text", "text": "what?"}, part])])
    assert body(chat)["messages"] == [{"role": "user", "content": "\nwhat?", "images": [PNG]}]


@pytest.mark.parametrize(
    ("part", "error"),
    [
        ({"type": "image_url", "image_url": "https://example.com/cat.png"}, "not URLs"),
        ({"type": "image", "url": "https://example.com/cat.png"}, "in-line base64"),
        ({"type": "image_url", "image_url": 42}, "Only string image_url"),
        ({"type": "audio", "base64": "AAAA", "mime_type": "audio/wav"}, "type audio"),
        ({"type": "video_frame", "x": 1}, "Unsupported message content type"),
        ({"type": "image_url", "image_url": "not base64 at all!"}, "not valid base64"),
    ],
)
def test_bad_images_fail_before_sending(
    chat: respx.Route, part: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        ChatOllama(model="m").invoke([HumanMessage(content=[part])])
    assert not chat.called


def test_unsupported_message_type(chat: respx.Route) -> None:
    from langchain_core.messages import FunctionMessage

    with pytest.raises(TypeError, match="unsupported message type"):
        ChatOllama(model="m").invoke([FunctionMessage(content="x", name="f")])


def test_v1_ai_message_content_is_converted(chat: respx.Route) -> None:
    previous = AIMessage(
        content=[
            {"type": "reasoning", "reasoning": "hmm"},
            {"type": "text", "text": "Hello", "annotations": []},
            {"type": "non_standard", "value": {"k": 1}},
            {"type": "tool_call", "name": "f", "args": {}, "id": "1"},
        ],
        response_metadata={"output_version": "v1", "model_provider": "ollama"},
    )
    ChatOllama(model="m").invoke([HumanMessage("hi"), previous, HumanMessage("again")])
    assert body(chat)["messages"][1] == {"role": "assistant", "content": "\nHello\n{'k': 1}"}


class Inner(BaseModel):
    """A nested object."""

    street: str
    zip_code: str | None = None


class Address(BaseModel):
    """Store an address."""

    name: str = Field(description="Who lives there")
    home: Inner
    note: str | None = None


def test_tool_schemas_keep_nested_objects_and_optional_fields(chat: respx.Route) -> None:
    ChatOllama(model="m").bind_tools([Address]).invoke("store it")
    (sent,) = body(chat)["tools"]
    assert sent["type"] == "function"
    assert sent["function"]["name"] == "Address"
    params = sent["function"]["parameters"]
    assert params["properties"]["home"]["properties"]["street"] == {"type": "string"}
    assert params["properties"]["home"]["required"] == ["street"]
    assert params["properties"]["note"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert params["properties"]["name"]["description"] == "Who lives there"
    assert params["required"] == ["name", "home"]


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: first
        b: second
    """
    return a + b


def test_bind_tools_accepts_every_tool_form(chat: respx.Route) -> None:
    openai_tool = {
        "type": "function",
        "function": {"name": "lookup", "description": "Look up", "parameters": {}},
    }
    json_schema = {
        "title": "search",
        "description": "Search",
        "type": "object",
        "properties": {"q": {"type": "string"}},
        "required": ["q"],
    }
    from typing_extensions import TypedDict

    class Point(TypedDict):
        """A point."""

        x: int
        y: int

    llm = ChatOllama(model="m").bind_tools(
        [multiply, add, Address, Point, openai_tool, json_schema], tool_choice="any"
    )
    llm.invoke("go")
    names = [t["function"]["name"] for t in body(chat)["tools"]]
    assert names == ["multiply", "add", "Address", "Point", "lookup", "search"]
    assert body(chat)["tools"][1]["function"]["parameters"]["properties"]["a"] == {
        "description": "first",
        "type": "integer",
    }


def test_per_call_tools_are_converted(chat: respx.Route) -> None:
    ChatOllama(model="m").invoke("go", tools=[add])
    assert body(chat)["tools"][0]["function"]["name"] == "add"


def test_stream_sends_a_streamed_request(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/chat").mock(return_value=chat_stream("a", "b"))
    assert "".join(c.text for c in ChatOllama(model="m").stream("hi")) == "ab"
    assert body(route)["stream"] is True


class _Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


def test_invoke_streams_only_when_a_handler_wants_tokens(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/chat").mock(return_value=chat_stream("Hel", "lo"))
    handler = _Tokens()
    reply = ChatOllama(model="m").invoke("hi", config={"callbacks": [handler]})
    assert body(route)["stream"] is True
    assert handler.tokens[:2] == ["Hel", "lo"]
    assert reply.content == "Hello"
    assert reply.usage_metadata == {"input_tokens": 12, "output_tokens": 4, "total_tokens": 16}
    assert reply.response_metadata["done_reason"] == "stop"


def test_invoke_with_stream_true_streams(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/chat").mock(return_value=chat_stream("x"))
    assert ChatOllama(model="m").invoke("hi", stream=True).content == "x"
    assert body(route)["stream"] is True
    assert ChatOllama(model="m", streaming=True).invoke("hi").content == "x"
    assert body(route)["stream"] is True


@pytest.mark.anyio
async def test_async_paths_send_the_same_bodies(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/chat").mock(return_value=httpx.Response(200, json=chat_reply()))
    llm = ChatOllama(model="m", temperature=0.2, keep_alive="5m", format="json")
    messages = [
        SystemMessage("s"),
        HumanMessage(content=["a", {"type": "image_url", "image_url": PNG}]),
    ]
    llm.invoke(messages, num_ctx=99)
    sync_body = body(route)
    await llm._agenerate(messages, num_ctx=99)
    assert body(route) == sync_body
    route.mock(return_value=chat_stream("x"))
    list(llm._stream(messages, num_ctx=99))
    stream_body = body(route)
    async for _ in llm._astream(messages, num_ctx=99):
        pass
    assert body(route) == stream_body == {**sync_body, "stream": True}


def test_base_url_with_path_prefix_and_userinfo(ollama: respx.MockRouter) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.post("http://localhost:9999/prefix/api/chat").mock(
            return_value=httpx.Response(200, json=chat_reply())
        )
        ChatOllama(model="m", base_url="http://u%40x:p%3Aw@localhost:9999/prefix/").invoke("hi")
    request = route.calls[0].request
    expected = base64.b64encode(b"u@x:p:w").decode()
    assert request.headers["authorization"] == f"Basic {expected}"


def test_api_key_and_headers(chat: respx.Route, monkeypatch: pytest.MonkeyPatch) -> None:
    ChatOllama(model="m", api_key="sk-1", client_kwargs={"headers": {"X-A": "1"}}).invoke("hi")
    request = chat.calls[-1].request
    assert request.headers["authorization"] == "Bearer sk-1"
    assert request.headers["x-a"] == "1"
    monkeypatch.setenv("OLLAMA_API_KEY", "from-env")
    llm = ChatOllama(
        model="m",
        sync_client_kwargs={"headers": {"X-B": "2"}},
        client_kwargs={"headers": {"X-A": "1"}},
    )
    llm.invoke("hi")
    request = chat.calls[-1].request
    assert request.headers["authorization"] == "Bearer from-env"
    assert (request.headers["x-a"], request.headers["x-b"]) == ("1", "2")
    assert "from-env" not in repr(llm)


def test_client_kwargs_are_not_mutated() -> None:
    shared = {"headers": {"X-A": "1"}}
    ChatOllama(model="m", base_url="http://u:p@localhost:1", client_kwargs=shared)._sync_client()
    assert shared == {"headers": {"X-A": "1"}}


def test_sync_and_async_client_kwargs_are_separate(ollama: respx.MockRouter) -> None:
    seen: list[str] = []

    def record(name: str) -> Any:
        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(name)
            return httpx.Response(200, json=chat_reply())

        return handler

    llm = ChatOllama(
        model="m",
        sync_client_kwargs={"transport": httpx.MockTransport(record("sync"))},
        async_client_kwargs={"transport": httpx.MockTransport(record("async"))},
    )
    llm.invoke("hi")
    import asyncio

    asyncio.run(llm.ainvoke("hi"))
    assert seen == ["sync", "async"]


def test_request_body_is_json_serialisable_with_unicode(chat: respx.Route) -> None:
    ChatOllama(model="m").invoke("héllo ✓ 日本")
    assert json.loads(chat.calls[0].request.content)["messages"][0]["content"] == "héllo ✓ 日本"


def test_tracers_do_not_force_streaming(chat: respx.Route) -> None:
    from langchain_core.tracers.run_collector import RunCollectorCallbackHandler

    tracer = RunCollectorCallbackHandler()
    ChatOllama(model="m").invoke("hi", config={"callbacks": [tracer]})
    assert body(chat)["stream"] is False
    (run,) = tracer.traced_runs
    assert run.extra is not None and run.extra["metadata"]["ls_provider"] == "ollama"


def test_unknown_constructor_arguments_warn() -> None:
    with pytest.warns(UserWarning, match="ignores unknown argument.*temprature"):
        llm = ChatOllama(model="m", temprature=0.1)  # type: ignore[call-arg]
    assert llm.temperature is None
    with pytest.warns(UserWarning, match="OllamaLLM ignores unknown argument"):
        from ollama_lite.langchain import OllamaLLM

        OllamaLLM(model="m", nope=1)  # type: ignore[call-arg]


def test_a_tool_call_without_arguments_sends_an_empty_object(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    history = [
        HumanMessage("What time is it?"),
        AIMessage("", tool_calls=[{"name": "get_time", "args": {}, "id": "c1"}]),
        ToolMessage("12:00", tool_call_id="c1"),
    ]
    fake.clear_requests()
    llm.invoke(history)
    sent = fake.requests[-1].json["messages"][1]["tool_calls"][0]["function"]
    assert sent["name"] == "get_time" and sent["arguments"] == {}
