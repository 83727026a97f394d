"""However a caller stops reading a stream, the HTTP connection closes promptly and the
server sees the disconnect (so Ollama stops generating).

Every stream here is endless on the server side, and stays referenced by the test while the
server is checked, so garbage collection cannot be what closed it (except in the test about
dropping a stream, where it is the point).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator

import anyio
import pytest
import trio
import trio.lowlevel

from ollama_lite import AsyncClient, Client
from ollama_lite.testing import FakeOllama, Fault

from ._rawserver import no_client_sockets

MSGS = [{"role": "user", "content": "hi"}]
MODEL = "llama3.2"
PROMPT = 2.0  # seconds within which the server must see the client go


class Stop(Exception):
    pass


@pytest.fixture
def endless(fake: FakeOllama) -> FakeOllama:
    """Chat streams that never end (a line every 5 ms)."""
    fake.inject(Fault.endless(0.005), path="/api/chat", times=None)
    return fake


def server_saw_disconnect(fake: FakeOllama, streams: int = 1) -> bool:
    return fake.wait_for_cancelled_streams(streams, PROMPT) and fake.wait_for_connections(0, PROMPT)


@pytest.fixture
def client(fake: FakeOllama) -> Iterator[Client]:
    with Client(fake.url, max_retries=0) as c:
        yield c
    assert no_client_sockets(fake.port)


# --- sync --------------------------------------------------------------------------------


def test_break_inside_with(endless: FakeOllama, client: Client) -> None:
    with client.chat(MODEL, MSGS, stream=True) as stream:
        for count, _ in enumerate(stream):
            if count == 10:
                break
    assert server_saw_disconnect(endless)
    assert list(stream) == []  # a closed stream is over
    assert client.version().version  # the client is fine


def test_close(endless: FakeOllama, client: Client) -> None:
    stream = client.chat(MODEL, MSGS, stream=True)
    next(stream)
    stream.close()
    assert server_saw_disconnect(endless)
    stream.close()  # idempotent


def test_exception_in_the_loop_body(endless: FakeOllama, client: Client) -> None:
    with pytest.raises(Stop), client.chat(MODEL, MSGS, stream=True) as stream:
        for _ in stream:
            raise Stop
    assert server_saw_disconnect(endless)


def test_keyboard_interrupt_raised_in_the_loop_body(endless: FakeOllama, client: Client) -> None:
    with pytest.raises(KeyboardInterrupt), client.chat(MODEL, MSGS, stream=True) as stream:
        for count, _ in enumerate(stream):
            if count == 3:
                raise KeyboardInterrupt
    assert server_saw_disconnect(endless)


def test_ctrl_c_while_waiting_for_data_closes_without_with(
    fake: FakeOllama, client: Client
) -> None:
    # A line per second: after the first one the main thread blocks in recv() for the
    # next; a real SIGINT then interrupts it. No `with`: the stream must close itself.
    fake.inject(Fault.endless(1.0), path="/api/chat")
    main = threading.main_thread().ident
    assert main == threading.get_ident(), "signals need the main thread"
    stream = client.chat(MODEL, MSGS, stream=True)
    timer = threading.Timer(0.2, signal.pthread_kill, (main, signal.SIGINT))
    with pytest.raises(KeyboardInterrupt):
        for _ in stream:
            if not timer.is_alive():
                timer.start()
    timer.join()
    assert server_saw_disconnect(fake)
    assert stream is not None  # still referenced: closed by the stream, not by the GC


def test_dropping_an_unfinished_stream_closes_it(endless: FakeOllama, client: Client) -> None:
    for _ in client.chat(MODEL, MSGS, stream=True):
        break  # no `with`, no reference kept: closed when collected (refcounting: at once)
    assert server_saw_disconnect(endless)


def test_many_abandoned_streams_in_a_row(endless: FakeOllama, client: Client) -> None:
    for _ in range(20):
        with client.chat(MODEL, MSGS, stream=True) as stream:
            next(stream)
    assert server_saw_disconnect(endless, 20)
    assert endless.total_connections == 20  # an abandoned connection is never reused


# --- async (asyncio and trio) --------------------------------------------------------------


@pytest.mark.anyio
async def test_async_break_inside_async_with(endless: FakeOllama) -> None:
    async with AsyncClient(endless.url, max_retries=0) as client:
        async with await client.chat(MODEL, MSGS, stream=True) as stream:
            count = 0
            async for _ in stream:
                count += 1
                if count == 10:
                    break
        assert server_saw_disconnect(endless)
        assert (await client.version()).version
    assert no_client_sockets(endless.port)


@pytest.mark.anyio
async def test_async_aclose(endless: FakeOllama) -> None:
    async with AsyncClient(endless.url, max_retries=0) as client:
        stream = await client.chat(MODEL, MSGS, stream=True)
        await stream.__anext__()
        await stream.aclose()
        assert server_saw_disconnect(endless)
        await stream.aclose()  # idempotent


@pytest.mark.anyio
async def test_async_exception_in_the_loop_body(endless: FakeOllama) -> None:
    async with AsyncClient(endless.url, max_retries=0) as client:
        with pytest.raises(Stop):
            async with await client.chat(MODEL, MSGS, stream=True) as stream:
                async for _ in stream:
                    raise Stop
        assert server_saw_disconnect(endless)


@pytest.mark.anyio
async def test_async_cancel_scope_while_waiting_for_data(fake: FakeOllama) -> None:
    # Lines every 50 ms: the deadline lands while the stream waits for data. No `async
    # with`: the stream closes itself (shielded) on cancellation.
    fake.inject(Fault.endless(0.05), path="/api/chat")
    async with AsyncClient(fake.url, max_retries=0) as client:
        stream = await client.chat(MODEL, MSGS, stream=True)
        received = 0
        with anyio.move_on_after(0.3) as scope:
            async for _ in stream:
                received += 1
        assert scope.cancelled_caught and received >= 1
        assert server_saw_disconnect(fake)
        assert (await client.version()).version  # the client still works after cancellation


@pytest.mark.anyio
async def test_async_cancel_scope_in_the_loop_body(endless: FakeOllama) -> None:
    async with AsyncClient(endless.url, max_retries=0) as client:
        with anyio.move_on_after(0.2) as scope:
            async with await client.chat(MODEL, MSGS, stream=True) as stream:
                async for _ in stream:
                    await anyio.sleep(0.01)  # cancelled here, outside the stream's own code
        assert scope.cancelled_caught
        assert server_saw_disconnect(endless)


def test_asyncio_task_cancellation(endless: FakeOllama) -> None:
    async def main() -> None:
        client = AsyncClient(endless.url, max_retries=0)
        started = asyncio.Event()

        async def consume() -> None:
            stream = await client.chat(MODEL, MSGS, stream=True)
            async for _ in stream:  # no `async with`
                started.set()

        task = asyncio.create_task(consume())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(server_saw_disconnect, endless)
        assert (await client.version()).version
        await client.close()

    asyncio.run(main())
    assert no_client_sockets(endless.port)


def test_asyncio_wait_for_timeout(fake: FakeOllama) -> None:
    fake.inject(Fault.endless(0.05), path="/api/chat")

    async def main() -> None:
        async with AsyncClient(fake.url, max_retries=0) as client:

            async def consume() -> None:
                async for _ in await client.chat(MODEL, MSGS, stream=True):
                    pass

            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(consume(), 0.3)
            assert await asyncio.to_thread(server_saw_disconnect, fake)

    asyncio.run(main())


def test_trio_cancel_scopes(endless: FakeOllama) -> None:
    async def main() -> None:
        async with AsyncClient(endless.url, max_retries=0) as client:
            # A deadline while waiting for data, without `async with`.
            stream = await client.chat(MODEL, MSGS, stream=True)
            with trio.move_on_after(0.2) as scope:
                async for _ in stream:
                    pass
            assert scope.cancelled_caught
            assert await trio.to_thread.run_sync(server_saw_disconnect, endless, 1)

            # A nursery cancelled from a sibling task.
            async with trio.open_nursery() as nursery:

                async def consume() -> None:
                    async with await client.chat(MODEL, MSGS, stream=True) as stream:
                        async for _ in stream:
                            await trio.lowlevel.checkpoint()

                nursery.start_soon(consume)
                await trio.sleep(0.1)
                nursery.cancel_scope.cancel()
            assert await trio.to_thread.run_sync(server_saw_disconnect, endless, 2)
            assert (await client.version()).version

    trio.run(main)
    assert no_client_sockets(endless.port)
