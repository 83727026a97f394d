"""embed_many after a failure: the run is over, every later step says so (no silent loss,
no mislabelled ids), and every error names its batch."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest

from ollama_lite import (
    AllHostsFailedError,
    AsyncClient,
    AsyncHostPool,
    BatchEmbedError,
    BatchInputError,
    Client,
    InvalidResponseError,
    OllamaError,
    RequestError,
)

from ._pooltools import Hosts, embed_body, refused

pytestmark = pytest.mark.anyio
POISON = "poison"


def refuse_poison(request: httpx.Request) -> httpx.Response:
    if POISON.encode() in request.content:
        return httpx.Response(400, json={"error": "invalid input"})
    return httpx.Response(200, content=embed_body(request))


async def steps(batches: Any, count: int) -> list[Any]:
    """`count` steps of the iterator, each a batch, an exception, or "end"."""
    seen: list[Any] = []
    iterator = batches.__aiter__()
    for _ in range(count):
        try:
            seen.append(await iterator.__anext__())
        except StopAsyncIteration:
            seen.append("end")
        except OllamaError as exc:
            seen.append(exc)
    return seen


async def test_a_caught_failure_does_not_lose_the_rest_silently() -> None:
    texts = [f"text {i}" for i in range(100)]
    texts[12] = POISON  # batch 2 of 20 (batch_size 5)
    client = AsyncClient("http://a:1", transport=httpx.MockTransport(refuse_poison))
    with anyio.fail_after(10):
        async with client, client.embed_many("m", texts, batch_size=5, concurrency=2) as run:
            seen = await steps(run, 25)
    batches = [step for step in seen if not isinstance(step, (str, Exception))]
    assert [batch.index for batch in batches] == [0, 1]
    assert "end" not in seen  # never a silent stop after the failure
    first = seen[2]
    assert isinstance(first, BatchEmbedError) and first.batch_index == 2
    for later in seen[3:]:
        assert isinstance(later, RequestError)
        assert "the run failed at batch 2; rerun with skip={0, 1}" in str(later)
        assert later.__cause__ is first


async def test_after_a_bad_text_no_later_text_gets_a_wrong_id() -> None:
    client = AsyncClient("http://a:1", transport=httpx.MockTransport(refuse_poison))
    texts = ["a", "", "bb", "ccc"]
    with anyio.fail_after(10):
        async with client, client.embed_many("m", texts, batch_size=1, concurrency=1) as run:
            seen = await steps(run, 5)
    batches = [step for step in seen if not isinstance(step, (str, Exception))]
    for batch in batches:  # the fake's vector starts with the text's length
        assert [len(texts[i]) for i in batch.ids] == [v[0] for v in batch.embeddings]
    assert batches == []  # batch 0 is still open when the bad text comes: never sent
    assert isinstance(seen[0], BatchInputError) and seen[0].position == 1
    assert all("the run failed at batch 1; rerun with skip=set()" in str(s) for s in seen[1:])


def test_sync_run_is_over_after_a_failure_too() -> None:
    texts = [f"text {i}" for i in range(40)]
    texts[7] = POISON
    client = Client("http://a:1", transport=httpx.MockTransport(refuse_poison))
    errors: list[Exception] = []
    with client, client.embed_many("m", texts, batch_size=5, concurrency=2) as run:
        iterator = iter(run)
        for _ in range(6):
            try:
                next(iterator)
            except StopIteration:
                errors.append(AssertionError("stopped silently"))
            except OllamaError as exc:
                errors.append(exc)
    assert isinstance(errors[0], BatchEmbedError) and errors[0].batch_index == 1
    assert all("the run failed at batch 1; rerun with skip={0}" in str(e) for e in errors[1:])


async def test_errors_that_are_not_answers_name_the_batch() -> None:
    hosts = Hosts(a=refused, b=refused)
    names = ["http://a:1", "http://b:2"]
    texts = [f"text {i}" for i in range(6)]
    with anyio.fail_after(10):
        async with AsyncHostPool(names, transport=hosts.transport, max_attempts=1) as pool:
            with pytest.raises(AllHostsFailedError) as info:
                async with pool.embed_many("m", texts, batch_size=3, concurrency=1) as run:
                    async for _ in run:
                        pass
    assert info.value.batch_index == 0  # type: ignore[attr-defined]
    assert str(info.value).startswith("embed_many: batch 0 (positions 0-2): POST /api/embed")


async def test_a_short_answer_names_the_batch() -> None:
    def one_short(request: httpx.Request) -> httpx.Response:
        body = embed_body(request)
        return httpx.Response(200, content=body.replace(b"[5.0,1.0],", b"", 1))

    client = AsyncClient("http://a:1", transport=httpx.MockTransport(one_short))
    texts = ["one", "two", "three", "sixsix", "seven"]
    with anyio.fail_after(10), pytest.raises(InvalidResponseError) as info:
        async with client, client.embed_many("m", texts, batch_size=2, concurrency=1) as run:
            async for _ in run:
                pass
    assert info.value.batch_index == 1  # type: ignore[attr-defined]
    assert "batch 1" in str(info.value) and "1 vectors for 2 texts" in str(info.value)


async def test_the_window_is_refilled_while_finished_batches_wait() -> None:
    sent: list[int] = []
    first = anyio.Event()
    window_full = anyio.Event()

    async def slow_first(request: httpx.Request) -> httpx.Response:
        sent.append(1)
        if len(sent) == 4:  # t1-t3 done and held behind t0: the window is full
            window_full.set()
        if b'"t0"' in request.content:
            await first.wait()
        return httpx.Response(200, content=embed_body(request))

    texts = [f"t{i}" for i in range(40)]
    client = AsyncClient("http://a:1", transport=httpx.MockTransport(slow_first))
    with anyio.fail_after(10):
        async with client, client.embed_many("m", texts, batch_size=1, concurrency=2) as run:
            iterator = run.__aiter__()
            async with anyio.create_task_group() as group:
                group.start_soon(iterator.__anext__)
                await window_full.wait()
                await anyio.sleep(0.05)  # nothing more is sent while the window is full
                assert len(sent) == 4
                first.set()
            for _ in range(2):  # hand out t1, t2 (finished, waiting for the caller)
                await iterator.__anext__()
                await anyio.sleep(0.05)
            # Each step sent a new batch, though finished ones were waiting.
            assert len(sent) == 6


async def test_run_settings_are_checked() -> None:
    async with AsyncClient("http://a:1") as client:
        with pytest.raises(RequestError, match="concurrency must be a positive int; got 0"):
            client.embed_many("m", ["a"], concurrency=0)
        with pytest.raises(RequestError, match="skip must be a collection"):
            client.embed_many("m", ["a"], skip=3)  # type: ignore[arg-type]
