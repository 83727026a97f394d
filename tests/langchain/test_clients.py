"""Clients: lazy creation, one per event loop, closing, copies; base_url, timeouts, retries,
connection errors and model validation."""

from __future__ import annotations

import asyncio
import copy
import gc
import pickle
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
import trio
from langchain_core.caches import InMemoryCache
from langchain_core.messages import HumanMessage
from pydantic import ValidationError

import ollama_lite
from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM
from ollama_lite.langchain._client import check_base_url
from ollama_lite.testing import FakeOllama, Fault

from ._util import chat_reply

Model = ChatOllama | OllamaLLM | OllamaEmbeddings


def _free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_clients_are_created_on_first_use(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    assert llm._clients.sync is None and llm._clients.async_ is None
    llm.invoke("hi")
    client = llm._clients.sync
    assert isinstance(client, ollama_lite.Client)
    llm.invoke("again")
    assert llm._clients.sync is client
    assert llm._clients.async_ is None


def test_one_instance_across_several_asyncio_runs(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    emb = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url)

    async def use() -> tuple[str, int, int]:
        reply = await llm.ainvoke("hi")
        parts = [chunk async for chunk in llm.astream("hi")]
        vectors = await emb.aembed_documents(["a", "b"])
        return str(reply.content), len(parts), len(vectors)

    first = asyncio.run(use())
    assert first == asyncio.run(use()) == asyncio.run(use())
    assert first[0] == "You said: hi"
    # one async client served every loop, and each loop's pool was closed when it ended
    for model in (llm, emb):
        assert (
            model._clients.async_ is not None
            and model._clients.async_._session.transports.by_loop == {}
        )
    assert fake.wait_for_connections(0, timeout=5)


# That loop's sockets can only be closed by the garbage collector (a ResourceWarning).
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_loop_closed_without_shutting_down_is_forgotten(fake: FakeOllama) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    loop = asyncio.new_event_loop()
    assert loop.run_until_complete(llm.ainvoke("hi")).content == "You said: hi"
    loop.close()  # no shutdown_asyncgens(): the pool cannot be closed in its loop
    client = llm._clients.async_
    assert client is not None and len(client._session.transports.by_loop) == 1
    assert asyncio.run(llm.ainvoke("hi")).content == "You said: hi"
    assert (
        client._session.transports.by_loop == {}
    )  # the dead loop's pool was forgotten, the new one closed
    # Collected here, where the warning is expected, not in whichever test runs next.
    del loop, client, llm
    gc.collect()


def test_trio_runs(fake: FakeOllama) -> None:
    # langchain-core's own ainvoke/astream need asyncio (asyncio.gather); the model's async
    # methods, which core calls, and the embeddings run on trio.
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    llm_text = OllamaLLM(model="llama3.2", base_url=fake.url)
    emb = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url, batch_size=1)

    async def use() -> None:
        result = await llm._agenerate([HumanMessage("hi")])
        assert result.generations[0].message.content == "You said: hi"
        assert "".join([c.text async for c in llm._astream([HumanMessage("hi")])]) == "You said: hi"
        generations = await llm_text._agenerate(["a", "b"])
        assert [g[0].text for g in generations.generations] == ["You said: a", "You said: b"]
        assert len(await emb.aembed_documents(["a", "b", "c"])) == 3

    trio.run(use)
    trio.run(use)
    for model in (llm, emb):
        assert (
            model._clients.async_ is not None
            and model._clients.async_._session.transports.by_loop == {}
        )


@pytest.mark.anyio
async def test_close_and_reopen(fake: FakeOllama) -> None:
    emb = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url)
    emb.embed_query("a")
    await emb.aembed_query("a")
    first = emb._clients.async_
    assert first is not None
    await emb.aclose()
    assert emb._clients.sync is None and emb._clients.async_ is None
    assert len(await emb.aembed_query("a")) == 768  # a new client is made
    assert emb._clients.async_ is not first
    async with emb:
        await emb.aembed_query("b")
    assert emb._clients.async_ is None


def test_context_manager_closes_the_sync_client(fake: FakeOllama) -> None:
    with OllamaLLM(model="llama3.2", base_url=fake.url) as llm:
        assert llm.invoke("hi") == "You said: hi"
        assert llm._clients.sync is not None
    assert llm._clients.sync is None
    llm.close()  # closing twice is fine


@pytest.mark.parametrize(
    "clone", [copy.copy, copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))]
)
def test_copies_get_their_own_clients(fake: FakeOllama, clone: Callable[[Any], Any]) -> None:
    llm = ChatOllama(model="llama3.2", base_url=fake.url)
    llm.invoke("hi")
    other = clone(llm)
    assert other._clients is not llm._clients and other._clients.sync is None
    assert other.invoke("hi").content == "You said: hi"
    moved = llm.model_copy(update={"base_url": _free_url(), "max_retries": 0})
    with pytest.raises(ollama_lite.ConnectError):
        moved.invoke("hi")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:11434",
        "https://example.com/ollama/",
        "localhost:8080",
        "ollama-host",
        "http://[::1]:11434",
        "::1",
        "http://user:p%40ss@host:1234/prefix?x=1#frag",
        "  http://host:1  ",
    ],
)
def test_valid_base_urls(url: str) -> None:
    ChatOllama(model="m", base_url=url)
    OllamaEmbeddings(model="m", base_url=url)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://host:21", "scheme"),
        ("llama3:latest", "invalid port"),
        ("http://host:99999", "invalid port"),
        ("http://host:0", "invalid port"),
        ("http://", "no valid host"),
        ("http://bad host:80", "no valid host"),
        ("localhost:", "empty port"),
        ("http://[::1", "IPv6"),
    ],
)
def test_invalid_base_url_is_an_error(url: str, error: str) -> None:
    for cls in (ChatOllama, OllamaLLM, OllamaEmbeddings):
        with pytest.raises(ValidationError, match=error):
            cls(model="m", base_url=url)


def test_check_base_url_strips_query_and_fragment() -> None:
    assert check_base_url("http://u:p@h:1/x?q=1#f") == "http://u:p@h:1/x"
    assert check_base_url("h:1") == "h:1"


def _calls(model: Model) -> list[Callable[[], Any]]:
    if isinstance(model, ChatOllama):
        return [
            lambda: model.invoke("hi"),
            lambda: list(model.stream("hi")),
            lambda: asyncio.run(model.ainvoke("hi")),
            lambda: asyncio.run(_drain(model.astream("hi"))),
        ]
    if isinstance(model, OllamaLLM):
        return [
            lambda: model.invoke("hi"),
            lambda: list(model.stream("hi")),
            lambda: asyncio.run(model.ainvoke("hi")),
        ]
    return [
        lambda: model.embed_query("hi"),
        lambda: asyncio.run(model.aembed_documents(["a", "b"])),
    ]


async def _drain(iterator: Any) -> None:
    async for _ in iterator:
        pass


@pytest.mark.parametrize("cls", [ChatOllama, OllamaLLM, OllamaEmbeddings])
def test_connection_failure_names_the_url_on_every_path(cls: type[Model]) -> None:
    url = _free_url()
    model = cls(model="m", base_url=url, max_retries=0)
    for call in _calls(model):
        with pytest.raises(ollama_lite.ConnectError) as info:
            call()
        assert isinstance(info.value, ConnectionError)
        assert f"Failed to connect to Ollama at {url}" in str(info.value)


def test_timeout_is_honoured() -> None:
    with FakeOllama() as fake:
        fake.inject(Fault.delay(2.0), times=None)
        llm = ChatOllama(model="llama3.2", base_url=fake.url, timeout=0.2, max_retries=0)
        with pytest.raises(ollama_lite.TimeoutError, match="timeout"):
            llm.invoke("hi")
        emb = OllamaEmbeddings(model="nomic-embed-text", base_url=fake.url, timeout=0.2)
        with pytest.raises(ollama_lite.TimeoutError):
            emb.embed_query("hi")


def test_default_timeout_waits_for_slow_generations() -> None:
    with FakeOllama() as fake:
        fake.inject(Fault.delay(0.3))
        assert ChatOllama(model="llama3.2", base_url=fake.url).invoke("hi").content


def test_max_retries_is_honoured(ollama: respx.MockRouter) -> None:
    busy = httpx.Response(503, json={"error": "server busy"}, headers={"retry-after": "0"})
    route = ollama.post("/api/chat").mock(
        side_effect=[busy, httpx.Response(200, json=chat_reply())]
    )
    with pytest.raises(ollama_lite.ServerBusyError):
        ChatOllama(model="m", max_retries=0).invoke("hi")
    assert route.call_count == 1
    route.side_effect = [busy, httpx.Response(200, json=chat_reply())]
    assert ChatOllama(model="m", max_retries=1).invoke("hi").content == "Hi!"


def test_validate_model_on_init(ollama: respx.MockRouter) -> None:
    tags = ollama.get("/api/tags").mock(
        return_value=httpx.Response(
            200, json={"models": [{"model": "llama3.2:latest", "name": "llama3.2:latest"}]}
        )
    )
    ChatOllama(model="llama3.2")
    assert not tags.called
    for cls in (ChatOllama, OllamaLLM, OllamaEmbeddings):
        cls(model="llama3.2", validate_model_on_init=True)
        cls(model="llama3.2:latest", validate_model_on_init=True)
        with pytest.raises(ValidationError, match="Model `qwen3` not found in Ollama") as info:
            cls(model="qwen3", validate_model_on_init=True)
        assert "ollama pull qwen3" in str(info.value)
        assert "llama3.2:latest" in str(info.value)
    tags.mock(return_value=httpx.Response(500, json={"error": "boom"}))
    with pytest.raises(ValidationError, match="Received an error from the Ollama API"):
        ChatOllama(model="llama3.2", validate_model_on_init=True, max_retries=0)


def test_validate_model_on_init_connect_failure() -> None:
    url = _free_url()
    with pytest.raises(ollama_lite.ConnectError, match=f"Failed to connect to Ollama at {url}"):
        ChatOllama(model="m", base_url=url, validate_model_on_init=True, max_retries=0)


def test_cache_key_includes_the_model(ollama: respx.MockRouter) -> None:
    route = ollama.post("/api/chat").mock(return_value=httpx.Response(200, json=chat_reply()))
    cache = InMemoryCache()
    ChatOllama(model="a", cache=cache).invoke("hi")
    ChatOllama(model="a", cache=cache).invoke("hi")
    assert route.call_count == 1
    ChatOllama(model="b", cache=cache).invoke("hi")
    ChatOllama(model="a", temperature=0.5, cache=cache).invoke("hi")
    assert route.call_count == 3


def test_identity_and_tracing_params() -> None:
    llm = ChatOllama(model="llama3.2", temperature=0.3, num_predict=7, stop=["x"])
    assert llm._llm_type == "chat-ollama"
    assert llm._get_ls_params() == {
        "ls_provider": "ollama",
        "ls_model_name": "llama3.2",
        "ls_model_type": "chat",
        "ls_temperature": 0.3,
        "ls_max_tokens": 7,
        "ls_stop": ["x"],
    }
    assert llm._get_ls_params(model="other", temperature=0)["ls_model_name"] == "other"
    assert llm._get_ls_params(temperature=0)["ls_temperature"] == 0
    assert llm._get_ls_params(stop=["y"])["ls_stop"] == ["y"]


def test_top_logprobs_validation() -> None:
    with pytest.raises(ValidationError, match="must be a positive integer"):
        ChatOllama(model="m", top_logprobs=0)
    with pytest.raises(ValidationError, match=r"logprobs.*explicitly.*False"):
        ChatOllama(model="m", top_logprobs=2, logprobs=False)
    with pytest.warns(UserWarning, match="Setting `logprobs=True` automatically"):
        assert ChatOllama(model="m", top_logprobs=2).logprobs is True


def test_standard_params_are_accepted_and_kept() -> None:
    llm = ChatOllama(
        model="m", temperature=0, max_tokens=100, timeout=60, stop=[], max_retries=2, api_key="k"
    )
    assert (llm.temperature, llm.num_predict, llm.timeout, llm.max_retries) == (0, 100, 60, 2)
    assert llm.api_key is not None and llm.api_key.get_secret_value() == "k"
    assert "'k'" not in repr(llm)
