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
from collections.abc import AsyncIterator, Iterator

import anyio
import anyio.lowlevel
import httpx
import pytest
import trio
import trio.lowlevel

from ollama_lite import AsyncClient, Client, StreamClosedError, StreamInterrupted
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
    with pytest.raises(StreamClosedError):
        list(stream)  # a closed stream is over: iterating it again is a mistake
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
    # A line every 5 s: after the first ones the main thread blocks in recv() for the
    # next; a real SIGINT 0.2 s later interrupts it (a timer thread late by seconds on a
    # loaded machine still finds it there). No `with`: the stream must close itself.
    fake.inject(Fault.endless(5.0), path="/api/chat")
    main = threading.main_thread().ident
    assert main == threading.get_ident(), "signals need the main thread"
    # A process started with SIGINT ignored (nohup, `&`, some CI runners) would never see
    # the signal: give it Python's usual handler for the test.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    stream = client.chat(MODEL, MSGS, stream=True)
    timer = threading.Timer(0.2, signal.pthread_kill, (main, signal.SIGINT))
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in stream:
                if timer.ident is None:  # started once, after the first line
                    timer.start()
        timer.join()
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert server_saw_disconnect(fake)
    assert stream is not None  # still referenced: closed by the stream, not by the GC


def test_the_ctrl_c_test_passes_when_sigint_is_ignored_at_start() -> None:
    # Background jobs, nohup and some CI runners start Python with SIGINT ignored.
    import os
    import subprocess
    import sys
    from pathlib import Path

    node = f"{Path(__file__).name}::test_ctrl_c_while_waiting_for_data_closes_without_with"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node],
        cwd=Path(__file__).parent,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    # The inner test runs once per HTTP path; each run must pass, none be skipped.
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert "skipped" not in result.stdout, result.stdout[-2000:]


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
    # with`: the stream closes itself (shielded) on cancellation. The stream is under way
    # (a part read) before the deadline runs, however slowly the request went out.
    fake.inject(Fault.endless(0.05), path="/api/chat")
    async with AsyncClient(fake.url, max_retries=0) as client:
        stream = await client.chat(MODEL, MSGS, stream=True)
        await stream.__anext__()
        with anyio.move_on_after(0.3) as scope:
            async for _ in stream:
                pass
        assert scope.cancelled_caught
        assert server_saw_disconnect(fake)
        assert (await client.version()).version  # the client still works after cancellation


@pytest.mark.anyio
async def test_async_cancel_scope_in_the_loop_body(endless: FakeOllama) -> None:
    async with AsyncClient(endless.url, max_retries=0) as client:
        with anyio.CancelScope() as scope:
            async with await client.chat(MODEL, MSGS, stream=True) as stream:
                async for _ in stream:
                    scope.deadline = anyio.current_time()  # due once a part has arrived
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
            # Under way before the timeout runs, however slowly the request went out.
            stream = await client.chat(MODEL, MSGS, stream=True)

            async def consume() -> None:
                async for _ in stream:
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

            # A nursery cancelled from a sibling task, once the stream is under way.
            async with trio.open_nursery() as nursery:
                reading = trio.Event()

                async def consume() -> None:
                    async with await client.chat(MODEL, MSGS, stream=True) as stream:
                        async for _ in stream:
                            reading.set()
                            await trio.lowlevel.checkpoint()

                nursery.start_soon(consume)
                await reading.wait()
                nursery.cancel_scope.cancel()
            assert await trio.to_thread.run_sync(server_saw_disconnect, endless, 2)
            assert (await client.version()).version

    trio.run(main)
    assert no_client_sockets(endless.port)


@pytest.mark.anyio
async def test_async_close_from_another_task_stops_the_reader(endless: FakeOllama) -> None:
    # The "stop button": one task reads, another closes the stream.
    async with AsyncClient(endless.url, max_retries=0) as client:
        stream = await client.chat(MODEL, MSGS, stream=True)
        received: list[object] = []
        errors: list[BaseException] = []
        first = anyio.Event()

        async def read() -> None:
            try:
                async for part in stream:
                    received.append(part)
                    first.set()
            except StreamInterrupted as exc:
                errors.append(exc)

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(read)
                await first.wait()
                await stream.aclose()
        assert received and len(errors) <= 1
        assert server_saw_disconnect(endless)
        assert (await client.version()).version


def test_close_from_another_thread_stops_the_reader(endless: FakeOllama, client: Client) -> None:
    stream = client.chat(MODEL, MSGS, stream=True)
    received: list[object] = []
    errors: list[BaseException] = []
    first = threading.Event()

    def read() -> None:
        try:
            for part in stream:
                received.append(part)
                first.set()
        except BaseException as exc:
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    assert first.wait(10)
    stream.close()
    reader.join(10)
    assert not reader.is_alive() and received
    assert len(errors) <= 1 and all(isinstance(e, StreamInterrupted) for e in errors), errors
    assert server_saw_disconnect(endless)


class _SlowToCloseBody(httpx.AsyncByteStream):
    """A body that sends a little, then hangs; closing it takes an await (as a socket's does)."""

    def __init__(self) -> None:
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"vers'
        await anyio.sleep_forever()

    async def aclose(self) -> None:
        await anyio.lowlevel.checkpoint()
        self.closed = True


@pytest.mark.anyio
@pytest.mark.parametrize("status", [200, 500])
async def test_a_cancelled_unary_call_still_closes_its_response(status: int) -> None:
    # Cancelled while reading a reply (200) or an error body (500): the close is shielded,
    # so the connection is released even though the task is being cancelled.
    body = _SlowToCloseBody()
    transport = httpx.MockTransport(lambda request: httpx.Response(status, stream=body))
    async with AsyncClient("http://127.0.0.1:9", transport=transport, max_retries=0) as client:
        with anyio.move_on_after(0.2) as scope:
            await client.version()
        assert scope.cancelled_caught
        assert body.closed
