"""The waiting and concurrency primitives under HostPool and embed_many, both twins."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator

import anyio
import pytest

from ollama_lite import _async_workers as aw
from ollama_lite import _sync_workers as sw
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
