"""`systemone()`: the official package's SystemOne* types and the fake server's /v1/systemone."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import msgspec
import pytest

import ollama_lite
from ollama_lite import (
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
