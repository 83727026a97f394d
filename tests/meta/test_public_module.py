"""Exports defined in private modules present themselves as `ollama_lite.X` (httpx style),
and everything still pickles and resolves its annotations."""

from __future__ import annotations

import pickle
import traceback
import typing

import pytest

import ollama_lite
from ollama_lite import (
    ChatResponse,
    Image,
    ResponseError,
    ServerBusyError,
    StreamInterrupted,
)


def test_private_module_exports_say_ollama_lite() -> None:
    assert repr(ollama_lite.Client) == "<class 'ollama_lite.Client'>"
    assert ollama_lite.AsyncStream.__module__ == "ollama_lite"
    assert ollama_lite.chat.__module__ == "ollama_lite"
    for name in ollama_lite.__all__:
        module = getattr(getattr(ollama_lite, name), "__module__", None) or ""
        assert not module.startswith("ollama_lite._") or hasattr(
            getattr(ollama_lite, name), "__dataclass_fields__"
        ), name


def test_a_traceback_names_the_public_exception() -> None:
    try:
        raise ResponseError("model 'x' not found", 404)
    except ResponseError as exc:
        line = traceback.format_exception_only(exc)[-1]
    assert line == "ollama_lite.ResponseError: model 'x' not found (status code: 404)\n"


@pytest.mark.parametrize(
    "value",
    [
        ResponseError("boom", 500),
        ServerBusyError("busy", 503),
        StreamInterrupted("the connection broke", url="http://127.0.0.1:11434"),
        ollama_lite.RequestError("bad input"),
    ],
    ids=lambda value: type(value).__name__,
)
def test_errors_pickle_round_trip(value: Exception) -> None:
    copy = pickle.loads(pickle.dumps(value))
    assert type(copy) is type(value) and str(copy) == str(value)


def test_responses_and_images_pickle_round_trip() -> None:
    reply = ChatResponse(
        model="m", message=ollama_lite.Message(role="assistant", content="hi"), done=True
    )
    assert pickle.loads(pickle.dumps(reply)) == reply
    assert pickle.loads(pickle.dumps(Image(b"png"))).value == b"png"


def test_rewritten_classes_still_resolve_their_annotations() -> None:
    for name in ollama_lite.__all__:
        value = getattr(ollama_lite, name)
        if isinstance(value, type) and value.__module__ == "ollama_lite":
            typing.get_type_hints(value)
    assert "message" in typing.get_type_hints(ChatResponse)


def test_hot_response_types_skip_the_collector_and_user_dict_types_do_not() -> None:
    import gc

    from ollama_lite.types import ToolCallFunction

    chunk = ChatResponse(model="m", message=ollama_lite.Message(role="assistant"), done=False)
    assert not gc.is_tracked(chunk) and not gc.is_tracked(chunk.message)
    function = ToolCallFunction(name="f", arguments={})
    call = ollama_lite.ToolCall(function=function)
    assert gc.is_tracked(function) and gc.is_tracked(call)
