"""OllamaLLM: /api/generate bodies on the wire, and replies -> LangChain generations."""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import Any

import httpx
import pytest
import respx
from langchain_core.callbacks import BaseCallbackHandler

import ollama_lite
from ollama_lite.langchain import OllamaLLM
from ollama_lite.testing import FakeOllama

from ._util import body, recorded, recorded_lines

THINKING = "generate_qwen3_thinking.ndjson"


def whole(**extra: Any) -> dict[str, Any]:
    final = dict(recorded_lines(THINKING)[-1])
    final.update(response="You said: Hi", thinking='The user wrote "Hi".', **extra)
    return final


@pytest.fixture
def generate(ollama: respx.MockRouter) -> respx.Route:
    return ollama.post("/api/generate").mock(return_value=httpx.Response(200, json=whole()))


def test_defaults_and_fields_on_the_wire(generate: respx.Route) -> None:
    assert OllamaLLM(model="qwen3").invoke("Hi") == "You said: Hi"
    assert body(generate) == {
        "model": "qwen3",
        "prompt": "Hi",
        "stream": False,
        "format": "",
        "options": {},
    }
    OllamaLLM(
        model="qwen3",
        reasoning=True,
        format="json",
        keep_alive=60,
        temperature=0.2,
        num_predict=10,
        stop=["x"],
        seed=3,
        top_k=4,
        top_p=0.5,
    ).invoke("Hi")
    assert body(generate) == {
        "model": "qwen3",
        "prompt": "Hi",
        "stream": False,
        "think": True,
        "format": "json",
        "keep_alive": 60,
        "options": {
            "num_predict": 10,
            "temperature": 0.2,
            "seed": 3,
            "stop": ["x"],
            "top_k": 4,
            "top_p": 0.5,
        },
    }


def test_per_call_arguments(generate: respx.Route) -> None:
    llm = OllamaLLM(model="qwen3", temperature=0.9, stop=[])
    llm.invoke(
        "Hi",
        temperature=0,
        num_ctx=1024,
        max_tokens=5,
        stop=["END"],
        model="other",
        reasoning=False,
        system="Be terse.",
        keep_alive="2m",
        options={"seed": 9},
    )
    assert body(generate) == {
        "model": "other",
        "prompt": "Hi",
        "stream": False,
        "system": "Be terse.",
        "think": False,
        "format": "",
        "keep_alive": "2m",
        "options": {
            "num_ctx": 1024,
            "num_predict": 5,
            "temperature": 0,
            "seed": 9,
            "stop": ["END"],
        },
    }
    with pytest.raises(TypeError, match="'bogus'"):
        llm.invoke("Hi", bogus=True)


def test_generation_info_and_thinking(generate: respx.Route) -> None:
    result = OllamaLLM(model="qwen3").generate(["Hi"])
    (generation,) = result.generations[0]
    info = generation.generation_info or {}
    assert generation.text == "You said: Hi"
    assert info["thinking"] == 'The user wrote "Hi".'  # kept whatever `reasoning` is
    assert "reasoning_content" not in info
    assert (info["done_reason"], info["finish_reason"], info["eval_count"]) == ("stop", "stop", 22)
    assert info["context"] == [23054, 92150, 104530, 115203]
    assert info["response"] == ""
    on = OllamaLLM(model="qwen3", reasoning=True).generate(["Hi"]).generations[0][0]
    assert (on.generation_info or {})["reasoning_content"] == 'The user wrote "Hi".'


#: The keys of langchain-ollama's `generation_info`: `dict()` of ollama 0.6.3's
#: GenerateResponse (image generation added `image`, `completed` and `total`).
LANGCHAIN_OLLAMA_KEYS = {
    "model",
    "created_at",
    "done",
    "done_reason",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
    "response",
    "thinking",
    "context",
    "logprobs",
    "image",
    "completed",
    "total",
}


def test_generation_info_has_langchain_ollamas_keys(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/generate").mock(return_value=httpx.Response(200, json=whole()))
    info = OllamaLLM(model="qwen3").generate(["Hi"]).generations[0][0].generation_info or {}
    assert set(info) == LANGCHAIN_OLLAMA_KEYS | {"finish_reason"}
    assert (info["image"], info["completed"], info["total"]) == (None, None, None)
    route.mock(return_value=httpx.Response(200, json=whole(image="aGk=", completed=4, total=4)))
    info = OllamaLLM(model="x/flux").generate(["a cat"]).generations[0][0].generation_info or {}
    assert (info["image"], info["completed"], info["total"]) == ("aGk=", 4, 4)
    route.mock(return_value=recorded(THINKING))
    streamed = reduce(add, OllamaLLM(model="qwen3")._stream("Hi")).generation_info or {}
    assert set(streamed) == LANGCHAIN_OLLAMA_KEYS | {"finish_reason"}


def test_stream_from_a_recording(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/generate").mock(return_value=recorded(THINKING))
    assert "".join(OllamaLLM(model="qwen3").stream("Hi")) == "You said: Hi"
    assert body(route)["stream"] is True
    llm = OllamaLLM(model="qwen3", reasoning=True)
    chunks = list(llm._stream("Hi"))
    full = reduce(add, chunks)
    info = full.generation_info or {}
    assert full.text == "You said: Hi"
    assert info["reasoning_content"] == 'The user wrote "Hi".'
    assert info["finish_reason"] == "stop"
    assert info["done"] is True
    assert all(c.generation_info is None for c in chunks[3:-1])


class _Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


def test_stream_and_token_callbacks(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/generate").mock(return_value=recorded(THINKING))
    handler = _Tokens()
    result = OllamaLLM(model="qwen3").generate(["Hi"], callbacks=[handler])
    assert body(route)["stream"] is True
    assert "".join(handler.tokens) == "You said: Hi"
    generation = result.generations[0][0]
    assert generation.text == "You said: Hi"
    assert (generation.generation_info or {})["thinking"] == 'The user wrote "Hi".'
    handler = _Tokens()
    list(OllamaLLM(model="qwen3").stream("Hi", config={"callbacks": [handler]}))
    assert "".join(handler.tokens) == "You said: Hi"


def test_batch_sends_one_request_per_prompt(generate: respx.Route) -> None:
    assert OllamaLLM(model="qwen3").batch(["a", "b", "c"]) == ["You said: Hi"] * 3
    assert sorted(body(generate, i)["prompt"] for i in range(3)) == ["a", "b", "c"]


@pytest.mark.anyio
async def test_async_paths_match_the_sync_ones(generate: respx.Route) -> None:
    llm = OllamaLLM(model="qwen3", temperature=0.1)
    sync = llm._generate(["a", "b"], num_ctx=5)
    sync_bodies = [body(generate, i) for i in (-2, -1)]
    result = await llm._agenerate(["a", "b"], num_ctx=5)
    assert sorted(map(str, [body(generate, i) for i in (-2, -1)])) == sorted(map(str, sync_bodies))
    assert result.generations == sync.generations
    generate.mock(return_value=recorded(THINKING))
    chunks = [c.text async for c in llm._astream("Hi")]
    assert "".join(chunks) == "You said: Hi"


def test_identity_and_tracing_params() -> None:
    llm = OllamaLLM(model="qwen3", num_predict=3, temperature=0.5, stop=["s"])
    assert llm._llm_type == "ollama-llm"
    assert llm._get_ls_params() == {
        "ls_provider": "ollama",
        "ls_model_name": "qwen3",
        "ls_model_type": "llm",
        "ls_temperature": 0.5,
        "ls_max_tokens": 3,
        "ls_stop": ["s"],
    }
    assert llm._get_ls_params(model="other")["ls_model_name"] == "other"
    assert llm._identifying_params["model"] == "qwen3"


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # langchain-core's agenerate is asyncio
async def test_concurrent_llm_failure_is_the_error_itself_not_a_group(fake: FakeOllama) -> None:
    llm = OllamaLLM(model="no-such-model", base_url=fake.url)
    with pytest.raises(ollama_lite.ModelNotFoundError):
        await llm.agenerate(["a", "b", "c"])
