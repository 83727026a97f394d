"""`ollama_lite.langchain.community.OllamaEmbeddings` against the deprecated
`langchain_community.embeddings.OllamaEmbeddings` (a dev-only dependency): the same user
program, run with each class against the fake server, sends the same requests and gets the
same vectors; every constructor argument is honoured.

Request bodies are compared with the community class's null options removed: it sends all
13 option names, unset ones as `null`, which the server reads as unset (Ollama skips nil
option values); ollama_lite sends only the set ones.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

with warnings.catch_warnings():  # "langchain-community is being sunset"
    warnings.simplefilter("ignore", DeprecationWarning)
    from langchain_community.embeddings import OllamaEmbeddings as CommunityEmbeddings
from langchain_core._api import LangChainDeprecationWarning
from pydantic import ValidationError

from ollama_lite.langchain._options import EMBEDDING_FIELDS
from ollama_lite.langchain.community import OllamaEmbeddings
from ollama_lite.testing import FakeModel, FakeOllama, Fault

pytestmark = pytest.mark.filterwarnings("ignore::langchain_core._api.LangChainDeprecationWarning")

MODEL = "nomic-embed-text"
TEXTS = ["Alpha is the first letter", "Beta is the second letter", "Gamma", "", "Δέλτα ünïcode"]
QUERY = "What is the second letter?"
#: Request headers the user controls (the rest, e.g. User-Agent, name the client library).
HEADERS = ("content-type", "authorization", "x-trace")
#: A value of the right type for each option field.
OPTION_VALUES: dict[str, Any] = {
    "mirostat": 1,
    "mirostat_eta": 0.2,
    "mirostat_tau": 4.0,
    "num_ctx": 512,
    "num_gpu": 0,
    "num_thread": 2,
    "repeat_last_n": 32,
    "repeat_penalty": 1.2,
    "temperature": 0.3,
    "stop": ["###"],
    "tfs_z": 1.0,
    "top_k": 20,
    "top_p": 0.8,
}


@pytest.fixture(autouse=True)
def fake(fake_ollama: FakeOllama) -> FakeOllama:
    """The plugin's fake server, reset for each test, serving the community class's default
    model name too."""
    fake_ollama.add_model(FakeModel(name="llama2"))
    return fake_ollama


def _requests(fake: FakeOllama) -> list[tuple[str, str, dict[str, Any], dict[str, str]]]:
    """What was sent, order-free (ours sends concurrently): method, path, body with null
    options removed, and the headers users control."""
    out = []
    for request in fake.requests:
        body = dict(request.json or {})
        if isinstance(body.get("options"), dict):
            body["options"] = {k: v for k, v in body["options"].items() if v is not None}
        headers = {name: request.headers[name] for name in HEADERS if name in request.headers}
        out.append((request.method, request.path, body, headers))
    fake.clear_requests()
    return sorted(out, key=repr)


def _user_program(cls: Callable[..., Any], url: str, **kwargs: Any) -> list[Any]:
    """A RAG-style program: embed documents, then a query."""
    emb = cls(base_url=url, **kwargs)
    return [emb.embed_documents(TEXTS), emb.embed_query(QUERY), emb.embed_documents([])]


def _both(fake: FakeOllama, **kwargs: Any) -> tuple[list[Any], list[Any]]:
    """The program's results and recorded requests for the community class and ours."""
    theirs = _user_program(CommunityEmbeddings, fake.url, **kwargs)
    their_requests = _requests(fake)
    ours = _user_program(OllamaEmbeddings, fake.url, **kwargs)
    assert _requests(fake) == their_requests
    assert len(their_requests) == len(TEXTS) + 1
    return theirs, ours


def test_same_requests_and_vectors_as_the_community_class(fake: FakeOllama) -> None:
    theirs, ours = _both(
        fake,
        model=MODEL,
        headers={"Authorization": "Bearer secret", "X-Trace": "abc"},
        temperature=0.1,
        num_ctx=256,
        stop=["\n\n"],
    )
    assert ours == theirs
    assert len(ours[0]) == len(TEXTS) and ours[2] == []
    assert ours[0][0] != ours[0][1]  # the fake's vectors differ per text: order is checked


def test_vectors_are_raw_and_prefixed(fake: FakeOllama) -> None:
    docs = OllamaEmbeddings(base_url=fake.url, model=MODEL).embed_documents(["x"])
    prompts = [r.json["prompt"] for r in fake.requests if r.json]
    assert prompts == ["passage: x"]
    assert abs(sum(v * v for v in docs[0]) - 1.0) > 0.01  # not L2-normalised


def test_constructor_is_the_community_constructor() -> None:
    theirs, ours = CommunityEmbeddings.model_fields, OllamaEmbeddings.model_fields
    assert set(ours) == set(theirs) | {"max_concurrency"}
    for name, field in theirs.items():
        assert ours[name].default == field.default, name
    assert set(EMBEDDING_FIELDS) == set(OPTION_VALUES)
    for cls in (CommunityEmbeddings, OllamaEmbeddings):
        with pytest.raises(ValidationError):
            cls(not_an_argument=1)
    assert OllamaEmbeddings()._identifying_params == CommunityEmbeddings()._identifying_params


@pytest.mark.parametrize("name", sorted(OPTION_VALUES))
def test_each_option_is_sent_as_the_community_class_sends_it(fake: FakeOllama, name: str) -> None:
    theirs, ours = _both(fake, model=MODEL, **{name: OPTION_VALUES[name]})
    assert ours == theirs
    OllamaEmbeddings(base_url=fake.url, model=MODEL, **{name: OPTION_VALUES[name]}).embed_query("q")
    assert fake.requests[0].json == {
        "model": MODEL,
        "prompt": "query: q",
        "options": {name: OPTION_VALUES[name]},
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "llama2"},
        {"embed_instruction": "search_document: ", "query_instruction": "search_query: "},
        {"embed_instruction": "", "query_instruction": ""},
        {"headers": {"X-Trace": "t1", "Authorization": "Basic dTpw"}},
    ],
    ids=["model", "instructions", "no-instructions", "headers"],
)
def test_arguments_are_sent_as_the_community_class_sends_them(
    fake: FakeOllama, kwargs: dict[str, Any]
) -> None:
    if "model" not in kwargs:
        kwargs = {"model": MODEL, **kwargs}
    theirs, ours = _both(fake, **kwargs)
    assert ours == theirs


def test_model_defaults_to_llama2_and_base_url_to_localhost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:1")  # not read, as before
    monkeypatch.setenv("OLLAMA_API_KEY", "not-sent")  # not read either
    with respx.mock(assert_all_called=True) as router:
        route = router.post("http://localhost:11434/api/embeddings").mock(
            return_value=httpx.Response(200, json={"embedding": [0.5, -2.0]})
        )
        assert OllamaEmbeddings().embed_documents(["x"]) == [[0.5, -2.0]]
    request = route.calls[0].request
    assert json.loads(request.content) == {
        "model": "llama2",
        "prompt": "passage: x",
        "options": {},
    }
    assert "authorization" not in request.headers
    assert request.headers["content-type"] == "application/json"


def test_base_url_is_checked_before_anything_is_sent() -> None:
    with pytest.raises(ValidationError, match="scheme"):
        OllamaEmbeddings(base_url="ftp://localhost:11434")


def test_model_kwargs_are_accepted_and_not_sent_as_before(fake: FakeOllama) -> None:
    with pytest.warns(UserWarning, match="model_kwargs are not sent"):
        theirs, ours = _both(fake, model=MODEL, model_kwargs={"num_batch": 8})
    assert ours == theirs


def test_show_progress_draws_a_tqdm_bar(
    fake: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    emb = OllamaEmbeddings(base_url=fake.url, model=MODEL, show_progress=True)
    emb.embed_documents(TEXTS)
    err = capsys.readouterr().err
    assert "OllamaEmbeddings" in err and f"{len(TEXTS)}/{len(TEXTS)}" in err
    OllamaEmbeddings(base_url=fake.url, model=MODEL).embed_documents(TEXTS)
    assert capsys.readouterr().err == ""


def test_show_progress_without_tqdm_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"ollama-lite\[progress\]"):
        OllamaEmbeddings(show_progress=True)
    OllamaEmbeddings(show_progress=False)


@pytest.mark.anyio
async def test_async_methods_match_the_sync_ones(fake: FakeOllama) -> None:
    emb = OllamaEmbeddings(base_url=fake.url, model=MODEL, temperature=0.5, show_progress=True)
    sync = [emb.embed_documents(TEXTS), emb.embed_query(QUERY)]
    sync_requests = _requests(fake)
    assert [await emb.aembed_documents(TEXTS), await emb.aembed_query(QUERY)] == sync
    assert _requests(fake) == sync_requests
    assert await emb.aembed_documents([]) == []


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_requests_in_flight_are_bounded_by_max_concurrency(fake: FakeOllama) -> None:
    fake.inject(Fault.delay(0.2), path="/api/embeddings", times=None)
    texts = [f"text {i}" for i in range(8)]
    two = OllamaEmbeddings(base_url=fake.url, model=MODEL, max_concurrency=2)
    eight = OllamaEmbeddings(base_url=fake.url, model=MODEL, max_concurrency=8)
    assert _timed(lambda: two.embed_documents(texts)) >= 4 * 0.2  # 4 rounds of 2
    assert _timed(lambda: eight.embed_documents(texts)) < 8 * 0.2  # not one at a time
    with pytest.raises(ValidationError):
        OllamaEmbeddings(max_concurrency=0)


@pytest.mark.anyio
async def test_async_requests_in_flight_are_bounded(fake: FakeOllama) -> None:
    fake.inject(Fault.delay(0.2), path="/api/embeddings", times=None)
    texts = [f"text {i}" for i in range(8)]
    started = time.perf_counter()
    embeddings = OllamaEmbeddings(base_url=fake.url, model=MODEL, max_concurrency=2)
    try:
        vectors = await embeddings.aembed_documents(texts)
    finally:
        await embeddings.aclose()  # its connections, closed here rather than by the GC
    assert time.perf_counter() - started >= 4 * 0.2
    fake.clear_faults()
    assert vectors == OllamaEmbeddings(base_url=fake.url, model=MODEL).embed_documents(texts)


def _error(call: Callable[[], object]) -> str:
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


def test_errors_are_the_community_class_errors(fake: FakeOllama) -> None:
    theirs = CommunityEmbeddings(base_url=fake.url, model="missing-model")
    ours = OllamaEmbeddings(base_url=fake.url, model="missing-model")
    message = _error(lambda: theirs.embed_query("x"))
    assert message.startswith("Error raised by inference API HTTP code: 404")
    assert _error(lambda: ours.embed_query("x")) == message
    with FakeOllama() as gone:
        url = gone.url
    for cls in (CommunityEmbeddings, OllamaEmbeddings):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LangChainDeprecationWarning)
            emb = cls(base_url=url, model=MODEL)
        assert _error(lambda emb=emb: emb.embed_documents(["x"])).startswith(
            "Error raised by inference endpoint:"
        )
