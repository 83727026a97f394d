"""Our types as pydantic fields and FastAPI response models, without pydantic at import time.

The FastAPI app talks to the fake Ollama over real loopback HTTP; the test talks to the app
through httpx's ASGI transport.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Annotated

import httpx
import pytest

import ollama_lite
from ollama_lite import AsyncClient, ChatResponse, Message
from ollama_lite.testing import FakeOllama

pydantic = pytest.importorskip("pydantic")
fastapi = pytest.importorskip("fastapi")


class Out(pydantic.BaseModel):  # type: ignore[name-defined,misc]
    reply: Message
    history: list[Message] = []
    last: ChatResponse | None = None


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


def test_a_message_is_a_pydantic_field() -> None:
    out = Out(reply={"role": "assistant", "content": "hi"}, history=[Message(role="user")])
    assert isinstance(out.reply, Message) and out.reply.content == "hi"
    assert out.history[0].role == "user"
    dumped = out.model_dump()
    assert dumped["reply"]["content"] == "hi" and dumped["reply"]["thinking"] is None
    assert out.model_dump(exclude_none=True)["reply"] == {"role": "assistant", "content": "hi"}
    again = Out.model_validate_json(out.model_dump_json())
    assert again.reply == out.reply and again.history == out.history


def test_validation_errors_carry_the_location() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Out(reply={"role": "assistant", "tool_calls": [{"function": {"name": 3}}]})
    locations = [error["loc"] for error in info.value.errors()]
    assert ("reply", "tool_calls", 0, "function", "name") in locations
    assert ("reply", "tool_calls", 0, "function", "arguments") in locations
    with pytest.raises(pydantic.ValidationError, match="role"):
        Out(reply={"content": "no role"})


def test_a_response_round_trips_with_its_nested_types() -> None:
    response = ChatResponse(
        model="m",
        done=True,
        eval_count=3,
        message=Message(
            role="assistant",
            tool_calls=[
                ollama_lite.ToolCall(
                    function=ollama_lite.ToolCall.Function(name="f", arguments={"a": 1})
                )
            ],
        ),
    )
    out = Out(reply=response.message, last=response)
    back = Out.model_validate_json(out.model_dump_json())
    assert back.last == response
    assert back.last is not None and back.last.message.tool_calls is not None
    assert back.last.message.tool_calls[0].function.arguments == {"a": 1}


def test_the_json_schema_names_each_type() -> None:
    schema = Out.model_json_schema()
    definitions = schema["$defs"]
    assert {"Message", "ChatResponse", "ToolCall", "ToolCallFunction"} <= set(definitions)
    message = definitions["Message"]
    assert message["required"] == ["role"]
    assert message["properties"]["role"]["type"] == "string"
    assert schema["properties"]["reply"] == {"$ref": "#/$defs/Message"}
    assert definitions["ChatResponse"]["properties"]["done"]["type"] == "boolean"


def test_importing_ollama_lite_does_not_import_pydantic() -> None:
    code = "import sys, ollama_lite; print('pydantic' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr


def _app(ollama_url: str):  # type: ignore[no-untyped-def]
    app = fastapi.FastAPI()
    client = AsyncClient(ollama_url)

    @app.post("/ask", response_model=ChatResponse)
    async def ask(question: Annotated[Message, fastapi.Body()]) -> ChatResponse:
        return await client.chat("llama3.2", [question])

    @app.get("/annotated")
    async def annotated() -> ChatResponse:
        return await client.chat("llama3.2", [{"role": "user", "content": "annotated"}])

    return app


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_fastapi_response_model_over_loopback(fake: FakeOllama) -> None:
    app = _app(fake.url)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as web:
        answer = await web.post("/ask", json={"role": "user", "content": "hello there"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["message"]["role"] == "assistant"
        assert body["message"]["content"] == "You said: hello there"
        assert body["done"] is True and body["done_reason"] == "stop"
        assert fake.last_request is not None
        assert fake.last_request.json["messages"] == [{"role": "user", "content": "hello there"}]

        annotated = await web.get("/annotated")
        assert annotated.status_code == 200
        assert annotated.json()["message"]["content"] == "You said: annotated"

        refused = await web.post("/ask", json={"content": "no role"})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "role"]

        openapi = (await web.get("/openapi.json")).json()
    schemas = openapi["components"]["schemas"]
    assert {"ChatResponse", "Message", "ToolCall"} <= set(schemas)
    ok = openapi["paths"]["/ask"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/ChatResponse"}
    request = openapi["paths"]["/ask"]["post"]["requestBody"]["content"]["application/json"]
    assert request["schema"] == {"$ref": "#/components/schemas/Message"}
    assert schemas["ChatResponse"]["properties"]["message"] == {
        "$ref": "#/components/schemas/Message"
    }
