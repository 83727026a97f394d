"""embed_many over one client and over pools of fake servers: every id exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from ollama_lite import (
    AsyncClient,
    AsyncHostPool,
    BatchEmbedError,
    BatchInputError,
    Client,
    HostPool,
    RequestError,
)
from ollama_lite.testing import FakeOllama

from ._pooltools import DIM, MODEL, FlakyTransport, kill

pytestmark = pytest.mark.anyio


def corpus(n: int) -> list[str]:
    return [f"document {i} about topic {i % 7}" for i in range(n)]


async def collect(batches: Any) -> list[Any]:
    async with batches as running:
        return [batch async for batch in running]


def check_exactly_once(batches: list[Any], ids: list[Any]) -> None:
    seen = [i for batch in batches for i in batch.ids]
    assert sorted(seen, key=repr) == sorted(ids, key=repr), "lost or duplicated ids"
    assert len(seen) == len(set(seen))
    for batch in batches:
        assert len(batch.embeddings) == len(batch.ids)
        assert all(len(vector) == DIM for vector in batch.embeddings)


async def test_one_client_in_input_order(shared_servers: list[FakeOllama]) -> None:
    texts = corpus(150)
    async with AsyncClient(shared_servers[0].url) as client:
        batches = await collect(client.embed_many(MODEL, texts, batch_size=16))
        single = await client.embed(MODEL, [texts[0], texts[149]])
    assert [b.index for b in batches] == list(range(10))
    assert [i for b in batches for i in b.ids] == list(range(150))
    check_exactly_once(batches, list(range(150)))
    assert batches[0].embeddings[0] == single.embeddings[0]
    assert batches[-1].embeddings[-1] == single.embeddings[1]
    assert {b.host for b in batches} == {shared_servers[0].url}
    assert next(iter(batches[0])) == (0, batches[0].embeddings[0])


async def test_pairs_async_input_and_completion_order(shared_servers: list[FakeOllama]) -> None:
    async def pairs() -> AsyncIterator[tuple[str, str]]:
        for i, text in enumerate(corpus(120)):
            yield f"doc-{i}", text
            if i % 25 == 0:
                await anyio.lowlevel.checkpoint()

    async with AsyncHostPool([s.url for s in shared_servers]) as pool:
        batches = await collect(pool.embed_many(MODEL, pairs(), batch_size=10, ordered=False))
    check_exactly_once(batches, [f"doc-{i}" for i in range(120)])
    assert sorted(b.index for b in batches) == list(range(12))
    assert len({b.host for b in batches}) > 1  # the work was spread


async def test_input_is_read_lazily(shared_servers: list[FakeOllama]) -> None:
    pulled = 0

    def texts() -> Iterator[str]:
        nonlocal pulled
        for text in corpus(10_000):
            pulled += 1
            yield text

    client = AsyncClient(shared_servers[0].url)
    async with client, client.embed_many(MODEL, texts(), batch_size=10, concurrency=2) as batches:
        async for _ in batches:
            break
    # At most the window (2 x concurrency batches) plus the batch being planned was read.
    assert pulled <= 10 * 5 + 1


async def test_resume_after_the_driver_crashed(shared_servers: list[FakeOllama]) -> None:
    texts = corpus(200)
    stored: dict[int, list[int]] = {}
    async with AsyncHostPool([s.url for s in shared_servers[:2]]) as pool:
        with pytest.raises(RuntimeError, match="crash"):
            async with pool.embed_many(MODEL, texts, batch_size=8) as batches:
                async for batch in batches:
                    stored[batch.index] = list(batch.ids)
                    if len(stored) == 7:
                        raise RuntimeError("crash")
        done_before = pool.stats().done
        rerun = await collect(pool.embed_many(MODEL, texts, batch_size=8, skip=set(stored)))
        sent_again = pool.stats().done - done_before
    assert set(stored).isdisjoint(b.index for b in rerun)
    assert sent_again == 25 - 7  # exactly the missing batches were sent
    seen = [i for b in rerun for i in b.ids] + [i for ids in stored.values() for i in ids]
    assert sorted(seen) == list(range(200))


async def test_progress_callback_and_bar(
    shared_servers: list[FakeOllama], capsys: pytest.CaptureFixture[str]
) -> None:
    reports: list[Any] = []
    async with AsyncHostPool([s.url for s in shared_servers[:2]]) as pool:
        run = pool.embed_many(
            MODEL, corpus(64), batch_size=8, skip={0}, on_progress=reports.append, progress=True
        )
        await collect(run)
    last = reports[-1]
    assert last.texts_done == 64 and last.texts_total == 64 and last.texts_skipped == 8
    assert last.batches_done == 7 and sum(last.per_host.values()) == 56
    assert last.texts_per_second > 0
    assert [r.batches_done for r in reports] == list(range(1, 8))
    assert run.progress() == last or run.progress().batches_done == 7
    assert "embed_many" in capsys.readouterr().err


async def test_float32_matrices(shared_servers: list[FakeOllama]) -> None:
    np = pytest.importorskip("numpy")
    async with AsyncClient(shared_servers[0].url) as client:
        batches = await collect(client.embed_many(MODEL, corpus(20), batch_size=8, dtype="float32"))
        lists = await client.embed(MODEL, corpus(20)[:8])
        matrix = await client.embed_matrix(MODEL, corpus(20)[:8])
    first = batches[0].embeddings
    assert isinstance(first, np.ndarray) and first.dtype == np.float32 and first.shape == (8, DIM)
    assert np.array_equal(first, np.asarray(lists.embeddings, dtype=np.float32))
    assert np.array_equal(matrix.embeddings, first) and matrix.model == MODEL


async def test_bad_texts_name_the_batch_and_position(shared_servers: list[FakeOllama]) -> None:
    texts = corpus(30)
    texts[20] = ""
    yielded: list[int] = []
    async with AsyncClient(shared_servers[0].url) as client:
        with pytest.raises(BatchInputError) as info:
            async with client.embed_many(MODEL, texts, batch_size=8, concurrency=1) as batches:
                async for batch in batches:
                    yielded.append(batch.index)
        assert (info.value.batch_index, info.value.position) == (2, 20)
        assert "position 20 (batch 2, item 4)" in str(info.value)
        assert set(yielded) <= {0, 1}
        with pytest.raises(BatchInputError, match="position 3"):
            await collect(client.embed_many(MODEL, ["a", "b", "c", ("i", "d")]))
        with pytest.raises(RequestError, match="not one string"):
            client.embed_many(MODEL, "one string")


async def test_an_over_long_text_is_found(shared_servers: list[FakeOllama]) -> None:
    texts = corpus(30)
    texts[13] = "word " * 600  # the model's context is 512 tokens
    async with AsyncClient(shared_servers[0].url) as client:
        with pytest.raises(BatchEmbedError) as info:
            await collect(client.embed_many(MODEL, texts, batch_size=8, truncate=False))
        assert (info.value.batch_index, info.value.position) == (1, 13)
        assert info.value.status_code == 400
        assert "position 13 (item 5" in str(info.value) and "truncate=True" in str(info.value)
        # With truncation (the server's default) it goes through.
        assert len(await collect(client.embed_many(MODEL, texts, batch_size=8))) == 4


async def test_must_be_used_as_a_context_manager(shared_servers: list[FakeOllama]) -> None:
    async with AsyncClient(shared_servers[0].url) as client:
        with pytest.raises(RequestError, match="context manager"):
            async for _ in client.embed_many(MODEL, ["a"]):
                pass


async def test_one_of_four_servers_killed_mid_run(servers: list[FakeOllama]) -> None:
    texts = corpus(1500)
    async with AsyncHostPool([s.url for s in servers], cooldown=0.05) as pool:
        batches = []
        async with pool.embed_many(MODEL, texts, batch_size=15) as running:
            async for batch in running:
                batches.append(batch)
                if len(batches) == 20:
                    kill(servers[3])
        stats = pool.stats()
    check_exactly_once(batches, list(range(1500)))
    assert [b.index for b in batches] == list(range(100))
    dead = stats[servers[3].url]
    assert dead.failed >= 1 and dead.state != "healthy"
    assert servers[3].stats().dropped_connections >= 1  # the kill cut the pool's connections
    for server in servers[:3]:
        # never more than max_in_flight_per_host (2) at a server: 1 in its slot, 1 queued
        assert server.stats().max_running == 1 and server.stats().max_queued <= 1


async def test_one_server_answers_503_half_the_time(shared_servers: list[FakeOllama]) -> None:
    flaky = FlakyTransport(shared_servers[3].port, rate=0.5)
    urls = [s.url for s in shared_servers]
    async with AsyncHostPool(urls, transport=flaky, cooldown=0.01) as pool:
        batches = await collect(pool.embed_many(MODEL, corpus(800), batch_size=10))
        stats = pool.stats()
    check_exactly_once(batches, list(range(800)))
    assert flaky.busy_answers >= 1
    assert stats[urls[3]].failures.get("http_503", 0) == flaky.busy_answers


def test_sync_client_and_pool(servers: list[FakeOllama]) -> None:
    texts = corpus(600)
    with Client(servers[0].url) as client, client.embed_many(MODEL, texts[:40]) as batches:
        assert [i for b in batches for i in b.ids] == list(range(40))
    with HostPool([s.url for s in servers], cooldown=0.05) as pool:
        got = []
        with pool.embed_many(MODEL, texts, batch_size=12) as batches:
            for batch in batches:
                got.append(batch)
                if len(got) == 10:
                    kill(servers[1])
        stats = pool.stats()
    check_exactly_once(got, list(range(600)))
    assert [b.index for b in got] == list(range(50))
    assert stats[servers[1].url].state != "healthy"
