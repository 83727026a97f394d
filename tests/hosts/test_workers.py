"""The waiting and concurrency primitives under HostPool and embed_many, both twins."""

from __future__ import annotations

import contextvars
import gc
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable

import anyio
import pytest

from ollama_lite import _async_workers as aw
from ollama_lite import _sync_workers as sw
from ollama_lite._backends import socket_network
from ollama_lite._errors import RequestError


@pytest.mark.anyio
async def test_async_workers_deliver_results_and_errors_then_cancel() -> None:
    async def job(seconds: float, fail: bool = False) -> float:
        await anyio.sleep(seconds)
        if fail:
            raise ValueError("job failed")
        return seconds

    with anyio.fail_after(5):
        async with aw.Workers(3) as workers:
            workers.start(job, 0.05)
            workers.start(job, 0.0)
            workers.start(job, 60.0)
            assert await workers.next_done() == 0.0
            assert await workers.next_done() == 0.05
            workers.start(job, 0.0, True)
            with pytest.raises(ValueError, match="job failed"):
                await workers.next_done()
            assert workers.running == 1
        # leaving the block cancelled the 60 s job at once


@pytest.mark.anyio
async def test_async_workers_let_the_callers_exception_through_unwrapped() -> None:
    async def forever() -> None:
        await anyio.sleep(60)

    with anyio.fail_after(5), pytest.raises(KeyError):
        async with aw.Workers(1) as workers:
            workers.start(forever)
            raise KeyError("caller")


@pytest.mark.anyio
async def test_async_signal_wakes_waiters_and_times_out() -> None:
    signal = aw.Signal()
    woken: list[str] = []

    async def waiter(name: str) -> None:
        await signal.wait(signal.arm(), None)
        woken.append(name)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(waiter, "a")
            group.start_soon(waiter, "b")
            await anyio.sleep(0.01)
            signal.notify()
        started = time.monotonic()
        await signal.wait(signal.arm(), 0.02)
        assert time.monotonic() - started >= 0.015
    assert sorted(woken) == ["a", "b"]


@pytest.mark.anyio
async def test_async_items_read_sync_and_async_inputs() -> None:
    async def agen() -> AsyncIterator[str]:
        yield "x"
        yield "y"

    for source in (["x", "y"], iter(["x", "y"]), agen()):
        items = aw.Items(source)
        assert [await items.next(), await items.next()] == ["x", "y"]
        assert await items.next() is aw.END
    for bad in ("text", b"bytes", 5):
        with pytest.raises(RequestError):
            aw.Items(bad)


def test_sync_workers_signal_and_items() -> None:
    with sw.Workers(2) as workers:
        workers.start(time.sleep, 0.05)
        workers.start(lambda: "fast")
        assert workers.next_done() == "fast"
        assert workers.next_done() is None
        workers.start(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            workers.next_done()

    signal = sw.Signal()
    token = signal.arm()
    threading.Timer(0.02, signal.notify).start()
    started = time.monotonic()
    signal.wait(token, 5)
    assert time.monotonic() - started < 4
    signal.wait(signal.arm(), 0.01)  # times out

    items = sw.Items(x for x in ["a"])
    assert items.next() == "a" and items.next() is sw.END

    async def agen() -> AsyncIterator[str]:
        yield "x"

    with pytest.raises(RequestError, match="AsyncClient"):
        sw.Items(agen())
    with pytest.raises(RequestError, match="not one string"):
        sw.Items("text")


def _recording(
    outcomes: list[str], started: threading.Semaphore, job: Callable[[], object]
) -> Callable[[], None]:
    def run() -> None:
        started.release()
        try:
            job()
        except sw.Abandoned:
            outcomes.append("abandoned")
        else:
            outcomes.append("returned")

    return run


def test_sync_leaving_cuts_every_blocking_step_of_the_jobs_at_once() -> None:
    before = set(threading.enumerate())
    reader, idle_peer = socket.socketpair()
    writer, deaf_peer = socket.socketpair()
    held = socket_network.Slots(1)
    held.acquire(None)  # the only connection slot is taken: a job waits for it
    outcomes: list[str] = []
    started = threading.Semaphore(0)
    blocked = [
        lambda: socket_network.Socket(reader, None).receive(30),
        lambda: socket_network.Socket(writer, None).send_all(b"x" * (64 << 20), 30),
        lambda: held.acquire(30),
        lambda: sw.sleep(30),
        lambda: sw.Signal().wait(0, 30),
    ]
    try:
        with sw.Workers(len(blocked)) as workers:
            for job in blocked:
                workers.start(_recording(outcomes, started, job))
            for _ in blocked:  # every job started (one that was not would be dropped)
                assert started.acquire(timeout=10)
            time.sleep(0.05)  # they block; one still on its way is stopped on arrival
            left = time.monotonic()
        took = time.monotonic() - left
        assert took < sw.LEAVE_GRACE / 2, took
        assert set(threading.enumerate()) <= before, "a worker thread is still running"
        # The Signal wait ends without raising; its caller checks `raise_if_stopped()`.
        assert sorted(outcomes) == ["abandoned"] * 4 + ["returned"]
        assert idle_peer.recv(1) == b""  # the reader's socket was shut down: the peer sees it
    finally:
        for sock in (reader, idle_peer, writer, deaf_peer):
            sock.close()


def test_sync_nothing_is_sent_or_waited_for_once_the_run_is_left() -> None:
    stop = sw.StopFlag()
    stop.set()
    context = contextvars.copy_context()
    context.run(sw._run_stop.set, stop)
    one, two = socket.socketpair()
    wrapped = socket_network.Socket(one, None)
    try:
        for step in (
            lambda: wrapped.send_all(b"late", 1),
            lambda: wrapped.receive(1),
            lambda: sw.sleep(30),
            sw.raise_if_stopped,
        ):
            with pytest.raises(sw.Abandoned):
                context.run(step)
        two.setblocking(False)
        with pytest.raises(BlockingIOError):
            two.recv(1)  # nothing was written
    finally:
        one.close()
        two.close()
    # Outside a job every step is the plain blocking call.
    assert sw.interruptible(lambda value: value * 2, lambda: None, 21) == 42
    sw.sleep(0)


def test_sync_leaving_waits_for_work_it_cannot_cut_only_so_long() -> None:
    release = threading.Event()
    try:
        with sw.Workers(1) as workers:
            workers.start(release.wait, 30)
            left = time.monotonic()
        took = time.monotonic() - left
        assert sw.LEAVE_GRACE <= took < sw.LEAVE_GRACE + 1.0
    finally:
        release.set()


def test_sync_workers_collected_without_leaving_end_their_threads() -> None:
    before = set(threading.enumerate())
    workers = sw.Workers(2)
    workers.__enter__()
    workers.start(lambda: "done")
    assert workers.next_done() == "done"
    (thread,) = set(threading.enumerate()) - before
    assert thread.name.startswith("ollama-lite-worker") and thread.daemon
    del workers
    gc.collect()
    thread.join(10)
    assert not thread.is_alive()
