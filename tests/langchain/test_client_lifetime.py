"""Models that are never closed leave no socket to the garbage collector: a program that uses
every class (sync, asyncio.run twice, trio runs, a request failing while others are in
flight, copies, models dropped while their loop runs) under `-X dev -W error::ResourceWarning`
gets no ResourceWarning, and the server sees every connection closed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent(
    """
    import asyncio, copy, gc, pickle, sys

    import anyio
    import trio
    from langchain_core.messages import HumanMessage
    from pydantic import ValidationError

    from ollama_lite import ResponseError
    from ollama_lite.langchain import ChatOllama, OllamaEmbeddings, OllamaLLM
    from ollama_lite.langchain.community import OllamaEmbeddings as CommunityEmbeddings
    from ollama_lite.testing import FakeOllama

    # A warning raised (as an error) in a finalizer cannot propagate: it comes here.
    problems = []
    sys.unraisablehook = lambda u: problems.append(f"{u.exc_type.__name__}: {u.exc_value}")
    TEXTS = ["a", "b", "c"]

    def models(url):
        return (
            ChatOllama(model="llama3.2", base_url=url),
            OllamaLLM(model="llama3.2", base_url=url),
            # One text per request: several requests in flight at once.
            OllamaEmbeddings(model="nomic-embed-text", base_url=url, batch_size=1),
            CommunityEmbeddings(model="nomic-embed-text", base_url=url),
        )

    def use_sync(chat, llm, emb, community):
        assert chat.invoke("hi").content == "You said: hi"
        assert "".join(str(c.content) for c in chat.stream("hi")) == "You said: hi"
        assert llm.invoke("hi") == "You said: hi"
        assert len(emb.embed_documents(TEXTS)) == len(community.embed_documents(TEXTS)) == 3

    async def use_on_asyncio(chat, llm, emb, community):
        assert (await chat.ainvoke("hi")).content == "You said: hi"
        assert "".join([str(c.content) async for c in chat.astream("hi")]) == "You said: hi"
        assert await llm.ainvoke("hi") == "You said: hi"
        assert len(await emb.aembed_documents(TEXTS)) == 3
        assert len(await community.aembed_documents(TEXTS)) == 3

    async def use_anywhere(chat, llm, emb, community):
        # langchain-core's ainvoke needs asyncio; the models' own async methods run on trio.
        result = await chat._agenerate([HumanMessage("hi")])
        assert result.generations[0].message.content == "You said: hi"
        assert [c async for c in chat._astream([HumanMessage("hi")])]
        assert (await llm._agenerate(["hi"])).generations[0][0].text == "You said: hi"
        assert len(await emb.aembed_documents(TEXTS)) == 3
        assert len(await community.aembed_documents(TEXTS)) == 3

    async def fail_with_requests_in_flight(url):
        emb = OllamaEmbeddings(model="no-such-model", base_url=url, batch_size=1)
        try:
            await emb.aembed_documents(TEXTS)
        except ResponseError:
            return
        raise AssertionError("no error")

    async def drop_while_running(url, use):
        dropped = models(url)
        await use(*dropped)
        del dropped
        gc.collect()
        await anyio.sleep(0.05)  # the dropped models' connections close in this loop

    with FakeOllama() as fake:
        kept = models(fake.url)
        use_sync(*kept)
        for _ in range(2):
            asyncio.run(use_on_asyncio(*kept))
        for _ in range(2):
            trio.run(use_anywhere, *kept)
        trio.run(fail_with_requests_in_flight, fake.url)
        asyncio.run(fail_with_requests_in_flight(fake.url))
        asyncio.run(drop_while_running(fake.url, use_on_asyncio))
        trio.run(drop_while_running, fake.url, use_anywhere)
        for clone in (copy.copy, copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))):
            use_sync(*[clone(model) for model in kept])
        use_sync(*[model.model_copy() for model in kept])
        try:
            ChatOllama(model="no-such-model", base_url=fake.url, validate_model_on_init=True)
        except ValidationError:
            pass
        else:
            raise AssertionError("no error")
        del kept
        gc.collect()
        closed = fake.wait_for_connections(0, timeout=5)
        print(f"problems={problems!r} open={fake.open_connections} closed={closed}")
    """
)


def test_models_never_closed_leave_no_socket_to_the_garbage_collector() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", PROGRAM],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "problems=[] open=0 closed=True" in result.stdout, result.stdout + result.stderr[-3000:]
    # Nothing at interpreter exit either (a finalizer's error is printed, not raised).
    assert "ResourceWarning" not in result.stderr, result.stderr[-3000:]
    assert "Exception ignored" not in result.stderr, result.stderr[-3000:]
