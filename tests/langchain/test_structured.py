"""ChatOllama.with_structured_output: what is bound, what is parsed, and the errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from ollama_lite.langchain import ChatOllama

from ._util import body, chat_reply


class Answer(BaseModel):
    """An answer with its justification."""

    answer: str
    justification: str | None = Field(default=None, description="Why")


class AnswerDict(TypedDict):
    """An answer."""

    answer: str
    score: int


ANSWER = {"answer": "42", "justification": "because"}


def _reply(router: respx.MockRouter, content: str = "", **message: Any) -> respx.Route:
    return router.post("/api/chat").mock(
        return_value=httpx.Response(200, json=chat_reply(content, message=message))
    )


def test_json_schema_with_pydantic(ollama: respx.MockRouter) -> None:
    route = _reply(ollama, json.dumps(ANSWER))
    result = ChatOllama(model="m").with_structured_output(Answer).invoke("q")
    assert result == Answer(**ANSWER)
    assert body(route)["format"] == Answer.model_json_schema()
    assert "tools" not in body(route)


def test_json_schema_with_typeddict_and_dicts(ollama: respx.MockRouter) -> None:
    route = _reply(ollama, '{"answer": "a", "score": 1}')
    llm = ChatOllama(model="m")
    assert llm.with_structured_output(AnswerDict).invoke("q") == {"answer": "a", "score": 1}
    assert body(route)["format"]["required"] == ["answer", "score"]
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    llm.with_structured_output(schema).invoke("q")
    assert body(route)["format"] == schema
    tool = {"type": "function", "function": {"name": "answer", "parameters": schema}}
    llm.with_structured_output(tool).invoke("q")
    assert body(route)["format"] == schema


def test_function_calling(ollama: respx.MockRouter) -> None:
    call = {"function": {"name": "Answer", "arguments": ANSWER}}
    route = _reply(ollama, tool_calls=[call])
    llm = ChatOllama(model="m")
    assert llm.with_structured_output(Answer, method="function_calling").invoke("q") == Answer(
        **ANSWER
    )
    sent = body(route)
    assert [t["function"]["name"] for t in sent["tools"]] == ["Answer"]
    assert "format" not in sent
    parsed = llm.with_structured_output(AnswerDict, method="function_calling")
    route.mock(
        return_value=httpx.Response(
            200,
            json=chat_reply(
                "",
                message={
                    "tool_calls": [
                        {
                            "function": {
                                "name": "AnswerDict",
                                "arguments": {"answer": "a", "score": 2},
                            }
                        }
                    ]
                },
            ),
        )
    )
    assert parsed.invoke("q") == {"answer": "a", "score": 2}


def test_json_mode(ollama: respx.MockRouter) -> None:
    route = _reply(ollama, json.dumps(ANSWER))
    llm = ChatOllama(model="m")
    assert llm.with_structured_output(Answer, method="json_mode").invoke("q") == Answer(**ANSWER)
    assert body(route)["format"] == "json"
    assert llm.with_structured_output(None, method="json_mode").invoke("q") == ANSWER


def test_include_raw(ollama: respx.MockRouter) -> None:
    _reply(ollama, json.dumps(ANSWER))
    out = ChatOllama(model="m").with_structured_output(Answer, include_raw=True).invoke("q")
    assert out["parsed"] == Answer(**ANSWER) and out["parsing_error"] is None
    assert out["raw"].content == json.dumps(ANSWER)
    _reply(ollama, "not json")
    out = ChatOllama(model="m").with_structured_output(Answer, include_raw=True).invoke("q")
    assert out["parsed"] is None
    assert isinstance(out["parsing_error"], OutputParserException)
    with pytest.raises(OutputParserException):
        ChatOllama(model="m").with_structured_output(Answer).invoke("q")


def test_errors() -> None:
    llm = ChatOllama(model="m")
    with pytest.raises(ValueError, match="Received unsupported arguments"):
        llm.with_structured_output(Answer, foo=1)
    with pytest.raises(ValueError, match="Unrecognized method argument"):
        llm.with_structured_output(Answer, method="xml")  # type: ignore[arg-type]
    for method in ("json_schema", "function_calling"):
        with pytest.raises(ValueError, match="schema must be specified"):
            llm.with_structured_output(None, method=method)  # type: ignore[arg-type]
    assert llm.with_structured_output(Answer, strict=True) is not None
