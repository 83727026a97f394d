"""`systemone()`: the official package's SystemOne* types and the fake server's /v1/systemone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

import ollama_lite
from ollama_lite import (
    RequestError,
    SystemOneChoiceAnswer,
    SystemOneChoiceQuestion,
    SystemOneNoulAnswer,
    SystemOneNoulQuestion,
    SystemOneRequest,
    SystemOneResponse,
    SystemOneScoreAnswer,
    SystemOneScoreQuestion,
)
from ollama_lite.testing import FakeOllama

QUESTIONS = {
    "mood": SystemOneChoiceQuestion(
        instructions="How does the customer feel?",
        criteria={"happy": None, "angry": "upset or hostile"},
    ),
    "refund": SystemOneNoulQuestion(instructions="Do they want a refund?"),
    "urgency": SystemOneScoreQuestion(
        instructions="How urgent is it?", criteria=["not", "somewhat", "very"]
    ),
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


def post(fake: FakeOllama, body: object) -> httpx.Response:
    return httpx.post(f"{fake.url}/v1/systemone", content=msgspec.json.encode(body), timeout=10)


def test_request_encodes_tagged_questions() -> None:
    request = SystemOneRequest(model="m", state={"text": "hi"}, questions=QUESTIONS)
    body = msgspec.to_builtins(request)
    assert body["questions"]["refund"] == {"type": "noul", "instructions": "Do they want a refund?"}
    assert body["questions"]["mood"]["type"] == "choice"
    assert body["questions"]["urgency"]["criteria"] == ["not", "somewhat", "very"]
    assert QUESTIONS["mood"].type == "choice" and QUESTIONS["mood"]["type"] == "choice"


def test_fake_answers_every_kind_deterministically(fake: FakeOllama) -> None:
    request = SystemOneRequest(model="llama3.2", state="I was charged twice!", questions=QUESTIONS)
    first = post(fake, request)
    assert first.status_code == 200, first.text
    reply = msgspec.json.decode(first.content, type=SystemOneResponse)
    assert reply.model == "llama3.2"
    mood, refund, urgency = reply.answers["mood"], reply.answers["refund"], reply.answers["urgency"]
    assert isinstance(mood, SystemOneChoiceAnswer) and mood.type == "choice"
    assert mood.choice in ("happy", "angry")
    assert mood.confidence == mood.probabilities[mood.choice] == max(mood.probabilities.values())
    assert sum(mood.probabilities.values()) == pytest.approx(1, abs=1e-5)
    assert isinstance(refund, SystemOneNoulAnswer) and 0 < refund.noul <= 1
    assert isinstance(urgency, SystemOneScoreAnswer)
    assert urgency.legend == {"0": "not", "1": "somewhat", "2": "very"}
    assert 0 <= urgency.score <= 2
    assert reply.usage.output_tokens == 3 and reply.usage.input_tokens > 4
    assert post(fake, request).content == first.content
    other = SystemOneRequest(model="llama3.2", state="Thanks, all good", questions=QUESTIONS)
    assert post(fake, other).content != first.content


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"model": "nope", "state": "x", "questions": {"q": {"type": "noul"}}}, 404, "not found"),
        ({"model": "llama3.2", "state": "x", "questions": {}}, 400, "questions"),
        (
            {"model": "llama3.2", "state": "x", "questions": {"q": {"type": "rank"}}},
            400,
            "type must be one of choice, noul, score",
        ),
        (
            {"model": "nomic-embed-text", "state": "x", "questions": {"q": {"type": "noul"}}},
            400,
            "does not support systemone",
        ),
    ],
)
def test_fake_refuses_bad_requests(
    fake: FakeOllama, body: object, status: int, fragment: str
) -> None:
    answer = post(fake, body)
    assert answer.status_code == status
    assert fragment in answer.json()["error"]


def test_types_are_exported_like_the_official_package() -> None:
    for name in (
        "SystemOneAnswer",
        "SystemOneContent",
        "SystemOneQuestion",
        "SystemOneUsage",
        "SystemOneChoiceAnswer",
    ):
        assert name in ollama_lite.__all__ and hasattr(ollama_lite, name)


def test_client_systemone_sync_and_module_level(
    fake: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = {"refund": {"type": "noul", "instructions": "Refund wanted?"}, **QUESTIONS}
    with ollama_lite.Client(fake.url) as client:
        reply = client.systemone("llama3.2", {"ticket": "charged twice"}, questions, "5m")
    assert isinstance(reply, SystemOneResponse) and set(reply.answers) == set(questions)
    assert isinstance(reply.answers["refund"], SystemOneNoulAnswer)
    assert fake.last_request is not None and fake.last_request.path == "/v1/systemone"
    assert fake.last_request.json["keep_alive"] == "5m"
    assert fake.last_request.json["questions"]["mood"]["type"] == "choice"
    from ollama_lite import _default

    with ollama_lite.Client(fake.url) as default:
        monkeypatch.setattr(_default, "_client", default)
        again = ollama_lite.systemone("llama3.2", {"ticket": "charged twice"}, questions, "5m")
    assert again == reply


@pytest.mark.anyio
async def test_async_client_systemone(fake: FakeOllama) -> None:
    async with ollama_lite.AsyncClient(fake.url) as client:
        reply = await client.systemone("llama3.2", "ok", {"u": QUESTIONS["urgency"]})
    answer = reply.answers["u"]
    assert isinstance(answer, SystemOneScoreAnswer) and answer.type == "score"


@pytest.mark.parametrize(
    ("questions", "fragment"),
    [
        ({}, "non-empty dict"),
        ({"q": {"type": "rank", "instructions": "x"}}, "questions['q'].type"),
        ({"q": {"type": "score", "instructions": "x"}}, "criteria"),
        ({"": {"type": "noul", "instructions": "x"}}, "non-empty strings"),
    ],
)
def test_bad_questions_are_refused_before_sending(
    fake: FakeOllama, questions: Any, fragment: str
) -> None:
    fake.clear_requests()
    with ollama_lite.Client(fake.url) as client, pytest.raises(RequestError) as info:
        client.systemone("llama3.2", "state", questions)
    assert fragment in str(info.value)
    with ollama_lite.Client(fake.url) as client, pytest.raises(RequestError, match="state"):
        client.systemone("llama3.2", 5, {"q": QUESTIONS["refund"]})  # type: ignore[arg-type]
    assert fake.requests == []
