"""One client shared by many threads or tasks, and one AsyncClient across event loops."""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
import trio

from ollama_lite import AsyncClient, Client, RequestError
from ollama_lite.testing import FakeOllama, Fault

from ._rawserver import client_sockets, no_client_sockets, shut_client_sockets

MODEL = "llama3.2"
THREADS, PER_THREAD = 16, 50
TASKS = 200


def ask(n: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"question {n}"}]


def test_one_client_from_many_threads(fake: FakeOllama) -> None:
    errors: list[BaseException] = []
    answers: dict[int, str] = {}
    lock = threading.Lock()

    def work(thread: int) -> None:
        for i in range(PER_THREAD):
            n = thread * PER_THREAD + i
            try:
                if i % 5 == 0:  # some streams among the unary calls
                    text = "".join(
                        p.message.content or "" for p in client.chat(MODEL, ask(n), stream=True)
                    )
                else:
                    text = client.chat(MODEL, ask(n)).message.content or ""
            except BaseException as exc:
                with lock:
                    errors.append(exc)
                continue
            with lock:
                answers[n] = text

    with Client(fake.url, max_retries=0) as client, ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, range(THREADS)))
    assert errors == []
    assert len(answers) == THREADS * PER_THREAD
    # Each answer belongs to its own question: no response went to the wrong thread.
    assert all(f"question {n}" in text for n, text in answers.items())
    assert sum(r.path == "/api/chat" for r in fake.requests) == THREADS * PER_THREAD
    assert fake.total_connections <= THREADS  # pooled and reused, never more than in flight
    assert no_client_sockets(fake.port)


@pytest.mark.anyio
async def test_one_async_client_from_many_tasks(fake: FakeOllama) -> None:
    answers: dict[int, str] = {}

    async def work(n: int) -> None:
        if n % 4 == 0:
            parts = [p async for p in await client.chat(MODEL, ask(n), stream=True)]
            answers[n] = "".join(p.message.content or "" for p in parts)
        else:
            answers[n] = (await client.chat(MODEL, ask(n))).message.content or ""

    async with AsyncClient(fake.url, max_retries=0) as client, anyio.create_task_group() as group:
        for n in range(TASKS):
            group.start_soon(work, n)
    assert len(answers) == TASKS
    assert all(f"question {n}" in text for n, text in answers.items())
    assert no_client_sockets(fake.port)


def collect_leftovers(port: int) -> None:
    """After the assertions: end whatever a failing client left open, quietly, so that later
    tests start clean."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    shut_client_sockets(port)


def test_async_client_reused_across_event_loops(fake: FakeOllama) -> None:
    client = AsyncClient(fake.url, max_retries=0)

    async def use(n: int) -> str:
        reply = await client.chat(MODEL, ask(n))
        async with await client.generate(MODEL, f"p{n}", stream=True) as stream:
            parts = [p async for p in stream]
        assert parts[-1].done
        return reply.message.content or ""

    async def use_and_close(n: int) -> str:
        try:
            return await use(n)
        finally:
            await client.close()

    try:
        for n in range(3):
            assert f"question {n}" in asyncio.run(use(n))
        assert "question 3" in trio.run(use, 3)  # trio after asyncio
        assert "question 4" in asyncio.run(use_and_close(4))  # closed in the loop using it
    finally:
        collect_leftovers(fake.port)


def test_loop_change_does_not_leave_the_old_loops_connections_open(fake: FakeOllama) -> None:
    """Connections opened under a finished event loop can never be used again: a client that
    moves to a new loop must close them, not keep them open until garbage collection."""
    client = AsyncClient(fake.url, max_retries=0)
    seen: list[int] = []

    async def use() -> None:
        await client.version()
        seen.append(client_sockets(fake.port))  # this loop's connection, and any leftovers

    try:
        for _ in range(4):
            asyncio.run(use())
        assert max(seen) <= 1, f"client sockets open in each successive loop: {seen}"
    finally:
        collect_leftovers(fake.port)


def test_close_from_a_new_event_loop(fake: FakeOllama) -> None:
    """`asyncio.run(work(client)); asyncio.run(client.close())` is the natural way to end a
    client used across loops: closing in another loop than the last one must work."""
    client = AsyncClient(fake.url, max_retries=0)

    async def use() -> None:
        await client.version()

    try:
        asyncio.run(use())
        asyncio.run(client.close())  # RuntimeError('Event loop is closed') when broken
        assert no_client_sockets(fake.port)
    finally:
        collect_leftovers(fake.port)


def test_a_stream_left_open_when_its_loop_ends_is_closed(fake: FakeOllama) -> None:
    """A stream the caller forgot to close belongs to a loop that is ending: the client
    closes it with the loop's pool (asyncio.run and trio.run both finalise it)."""
    fake.inject(Fault.endless(0.01), path="/api/chat", times=None)
    client = AsyncClient(fake.url, max_retries=0)
    forgotten: list[object] = []

    async def leave_open() -> None:
        stream = await client.chat(MODEL, ask(0), stream=True)
        await stream.__anext__()
        forgotten.append(stream)  # still referenced: not closed by the garbage collector

    try:
        asyncio.run(leave_open())
        assert fake.wait_for_cancelled_streams(1) and fake.wait_for_connections(0)
        trio.run(leave_open)
        assert fake.wait_for_cancelled_streams(2) and fake.wait_for_connections(0)
        assert client_sockets(fake.port) == 0
    finally:
        collect_leftovers(fake.port)


def test_a_closed_client_refuses_requests_without_sending(fake: FakeOllama) -> None:
    client = Client(fake.url)
    client.close()
    with pytest.raises(RequestError, match="closed"):
        client.version()

    async def main() -> None:
        aclient = AsyncClient(fake.url)
        await aclient.version()
        await aclient.close()
        with pytest.raises(RequestError, match="closed"):
            await aclient.chat(MODEL, ask(0), stream=True)

    anyio.run(main, backend="trio")
    assert [r.path for r in fake.requests] == ["/api/version"]
    assert no_client_sockets(fake.port)
