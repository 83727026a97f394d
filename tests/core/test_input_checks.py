"""Bad input that used to pass silently, and the explicit escapes for what a newer server knows.

Each call goes to an httpx.MockTransport that records what was sent: a refused call must send
nothing, an accepted one must send exactly what is asserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

import ollama_lite
from ollama_lite import Client, Message, Options, RawOptions, RequestError, Tool

CHAT = {"model": "m", "message": {"role": "assistant", "content": "ok"}, "done": True}
GENERATE = {"model": "m", "response": "ok", "done": True}


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        reply = CHAT if request.url.path == "/api/chat" else GENERATE
        return httpx.Response(200, json=reply)


@pytest.fixture
def sent() -> Recorder:
    return Recorder()


@pytest.fixture
def client(sent: Recorder) -> Iterator[Client]:
    with Client("http://127.0.0.1:9", api_key="", transport=httpx.MockTransport(sent)) as c:
        yield c


def refused(sent: Recorder, call: Any, *fragments: str) -> str:
    with pytest.raises(RequestError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert sent.bodies == [], "a request was sent despite the bad input"
    return message


# --------------------------------------------------------------------------- message keys


def test_text_instead_of_content_is_refused_with_the_fix(sent: Recorder, client: Client) -> None:
    message = refused(
        sent,
        lambda: client.chat("m", [{"role": "user", "text": "hi"}]),
        "messages[0]",
        "'text'",
        "did you mean 'content'?",
    )
    assert "role, content, thinking, images" in message


@pytest.mark.parametrize(("key", "hint"), [("contnet", "content"), ("tool_call", "tool_calls")])
def test_misspelled_message_keys_get_the_nearest_name(
    sent: Recorder, client: Client, key: str, hint: str
) -> None:
    refused(
        sent,
        lambda: client.chat("m", [{"role": "user", "content": "a"}, {"role": "user", key: "x"}]),
        "messages[1]",
        repr(key),
        f"did you mean {hint!r}?",
    )


def test_a_key_with_no_near_name_is_still_refused(sent: Recorder, client: Client) -> None:
    message = refused(sent, lambda: client.chat("m", [{"role": "user", "zzz": 1}]), "'zzz'")
    assert "did you mean" not in message


@pytest.mark.parametrize("role", ["bot", "User", "developer", ""])
def test_unknown_roles_are_refused_listing_the_valid_ones(
    sent: Recorder, client: Client, role: str
) -> None:
    refused(
        sent,
        lambda: client.chat("m", [{"role": role, "content": "hi"}]),
        f"role {role!r}",
        "system, user, assistant, tool",
        "ollama_lite.Message",
    )


def test_create_messages_are_checked_the_same_way(sent: Recorder, client: Client) -> None:
    refused(
        sent,
        lambda: client.create("x", from_="m", messages=[{"role": "user", "text": "a"}]),
        "'text'",
    )


def test_every_valid_role_and_key_is_sent(sent: Recorder, client: Client) -> None:
    history = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hi", "images": [b"\x89PNG"]},
        {
            "role": "assistant",
            "content": "",
            "thinking": "hmm",
            "tool_calls": [{"function": {"name": "f", "arguments": {}}}],
        },
        {"role": "tool", "content": "42", "tool_name": "f", "tool_call_id": "c1"},
    ]
    client.chat("m", history)
    assert sent.bodies[0]["messages"][0] == history[0]
    assert sent.bodies[0]["messages"][3] == history[3]
    assert sent.bodies[0]["messages"][1]["images"] == ["iVBORw=="]


def test_a_message_object_is_the_escape_for_a_template_role(sent: Recorder, client: Client) -> None:
    client.chat("m", [Message(role="ipython", content="{}")])
    assert sent.bodies[0]["messages"] == [{"role": "ipython", "content": "{}"}]


# --------------------------------------------------------------------------- think


@pytest.mark.parametrize("level", ["low", "xhigh", "max", "some-future-level"])
def test_any_think_level_string_is_sent(sent: Recorder, client: Client, level: str) -> None:
    client.chat("m", [], think=level)
    client.generate("m", "hi", think=level)
    assert [body["think"] for body in sent.bodies] == [level, level]


@pytest.mark.parametrize("think", ["", 1, ["low"]])
def test_think_of_the_wrong_type_is_refused(sent: Recorder, client: Client, think: Any) -> None:
    refused(sent, lambda: client.chat("m", [], think=think), "think", "xhigh")


# --------------------------------------------------------------------------- options


def test_option_typo_suggests_the_name_and_the_escape(sent: Recorder, client: Client) -> None:
    refused(
        sent,
        lambda: client.chat("m", [], options={"temprature": 0.1}),
        "unknown option `temprature`",
        "did you mean `temperature`?",
        "RawOptions",
    )


def test_raw_options_send_names_the_sdk_does_not_know(sent: Recorder, client: Client) -> None:
    options = RawOptions({"temperature": 0.5, "new_sampler_knob": 3, "stop": "\n"})
    client.chat("m", [], options=options)
    client.generate("m", "hi", options=options)
    client.create("x", from_="m", parameters=RawOptions(future=True))
    assert sent.bodies[0]["options"] == {"temperature": 0.5, "stop": ["\n"], "new_sampler_knob": 3}
    assert sent.bodies[1]["options"] == sent.bodies[0]["options"]
    assert sent.bodies[2]["parameters"] == {"future": True}


def test_raw_options_still_check_the_known_names(sent: Recorder, client: Client) -> None:
    refused(
        sent,
        lambda: client.chat("m", [], options=RawOptions(temperature="hot", other=1)),
        "options.temperature",
    )


def test_plain_options_and_option_objects_are_unchanged(sent: Recorder, client: Client) -> None:
    client.chat("m", [], options=Options(seed=7))
    client.chat("m", [], options={"seed": 7})
    assert sent.bodies[0]["options"] == sent.bodies[1]["options"] == {"seed": 7}
    assert repr(RawOptions(a=1)) == "RawOptions({'a': 1})"


# --------------------------------------------------------------------------- Tool from a dict

WEATHER = {
    "type": "function",
    "function": {
        "name": "weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "minLength": 1},
                "days": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}


def test_tool_from_a_dict_keeps_every_schema_key(sent: Recorder, client: Client) -> None:
    for tool in (msgspec.convert(WEATHER, Tool), Tool.model_validate(WEATHER)):
        assert tool.function is not None and tool.function.name == "weather"
        parameters = tool.function.parameters
        assert isinstance(parameters, Tool.Function.Parameters)
        assert parameters.required == ["city"]
        client.chat("m", [], tools=[tool])
    assert sent.bodies[0]["tools"] == sent.bodies[1]["tools"] == [WEATHER]


def test_tool_model_validate_reports_the_bad_path() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"unknown field `propertys`"):
        Tool.model_validate({"function": {"name": "f", "parameters": {"propertys": {}}}})
    with pytest.raises(msgspec.ValidationError, match=r"\$\.function\.name"):
        Tool.model_validate({"function": {"name": 5}})
    tool = Tool(function=Tool.Function(name="f"))
    assert Tool.model_validate(tool) is tool


def test_module_exports_raw_options() -> None:
    assert ollama_lite.RawOptions is RawOptions
    assert "RawOptions" in ollama_lite.__all__
