"""`repr()` is readable and stable (set fields, official order); `str()` is pydantic's form."""

from __future__ import annotations

import msgspec

from ollama_lite import ChatResponse, GenerateResponse, Message, ToolCall


def chunk() -> ChatResponse:
    return ChatResponse(
        model="llama3.2",
        created_at="2026-12-01T10:00:00Z",
        done=True,
        done_reason="stop",
        eval_count=3,
        message=Message(
            role="assistant",
            content="Hi",
            tool_calls=[ToolCall(function=ToolCall.Function(name="f", arguments={"a": 1}))],
        ),
    )


def test_repr_shows_the_set_fields_in_the_official_order() -> None:
    assert repr(chunk()) == (
        "ChatResponse(model='llama3.2', created_at='2026-12-01T10:00:00Z', done=True, "
        "done_reason='stop', eval_count=3, message=Message(role='assistant', content='Hi', "
        "tool_calls=[ToolCall(function=ToolCallFunction(name='f', arguments={'a': 1}))]))"
    )
    assert repr(GenerateResponse(model="m", response="x", thinking="t")) == (
        "GenerateResponse(model='m', done=False, response='x', thinking='t')"
    )


def test_str_is_pydantic_style_for_code_that_parses_it() -> None:
    text = str(Message(role="user", content="it's"))
    assert text == "role='user' content=\"it's\""
    assert str(chunk()).startswith("model='llama3.2' created_at='2026-12-01T10:00:00Z' done=True")
    assert "content='Hi'" in str(chunk())


def test_repr_is_the_same_for_a_decoded_response() -> None:
    wire = msgspec.json.encode(chunk())
    assert repr(msgspec.json.decode(wire, type=ChatResponse)) == repr(chunk())
