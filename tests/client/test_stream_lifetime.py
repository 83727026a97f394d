"""A stream owns its HTTP response and closes it whenever the caller is done with it."""

from __future__ import annotations

import gc

import anyio
import anyio.lowlevel
import httpx
import pytest

import ollama_lite

from ._streams import TrackedBody, chat_line

MSGS = [{"role": "user", "content": "hi"}]
LINES = [chat_line(f"t{i}") for i in range(5)] + [chat_line("", True, done_reason="stop")]


def sync_client(body: TrackedBody) -> ollama_lite.Client:
    return ollama_lite.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=body))
    )


def async_client(body: TrackedBody) -> ollama_lite.AsyncClient:
    return ollama_lite.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=body))
    )


def test_exhausting_a_stream_closes_it() -> None:
    body = TrackedBody(LINES)
    parts = list(sync_client(body).chat("m", MSGS, stream=True))
    assert [p.message.content for p in parts] == ["t0", "t1", "t2", "t3", "t4", ""]
    assert parts[-1].done and parts[-1].done_reason == "stop"
    assert body.closed


def test_breaking_out_of_a_with_block_closes_it() -> None:
    body = TrackedBody(LINES)
    with sync_client(body).chat("m", MSGS, stream=True) as stream:
        for part in stream:
            if part.message.content == "t1":
                break
        assert not body.closed
    assert body.closed and body.sent < len(LINES)


def test_dropping_an_unfinished_stream_closes_it() -> None:
    body = TrackedBody(LINES)
    for _part in sync_client(body).chat("m", MSGS, stream=True):
        break
    gc.collect()
    assert body.closed


def test_close_is_idempotent_and_ends_iteration() -> None:
    body = TrackedBody(LINES)
    stream = sync_client(body).chat("m", MSGS, stream=True)
    assert next(stream).message.content == "t0"
    stream.close()
    stream.close()
    assert body.closed
    with pytest.raises(StopIteration):
        next(stream)
    with pytest.raises(ollama_lite.StreamClosedError, match="closed"):
        list(stream)  # iterating a closed stream is a mistake, not an empty reply


def test_exception_in_the_callers_loop_closes_it() -> None:
    body = TrackedBody(LINES)
    with pytest.raises(RuntimeError), sync_client(body).chat("m", MSGS, stream=True) as stream:
        for _ in stream:
            raise RuntimeError("caller bug")
    assert body.closed


def test_keyboard_interrupt_while_waiting_closes_it() -> None:
    body = TrackedBody([chat_line("a")], then=KeyboardInterrupt())  # type: ignore[arg-type]
    stream = sync_client(body).chat("m", MSGS, stream=True)
    with pytest.raises(KeyboardInterrupt):
        list(stream)
    assert body.closed


def test_stream_exposes_the_http_response() -> None:
    body = TrackedBody(LINES)
    with sync_client(body).chat("m", MSGS, stream=True) as stream:
        assert stream.response.status_code == 200


@pytest.mark.anyio
async def test_async_stream_official_style_await_then_iterate() -> None:
    body = TrackedBody(LINES)
    client = async_client(body)
    parts = [part.message.content async for part in await client.chat("m", MSGS, stream=True)]
    assert parts == ["t0", "t1", "t2", "t3", "t4", ""]
    assert body.closed
    await client.aclose()


@pytest.mark.anyio
async def test_async_with_closes_on_break() -> None:
    body = TrackedBody(LINES)
    async with await async_client(body).chat("m", MSGS, stream=True) as stream:
        async for part in stream:
            if part.message.content == "t0":
                break
    assert body.closed and body.sent < len(LINES)


@pytest.mark.anyio
async def test_cancelling_a_task_mid_stream_closes_it() -> None:
    body = TrackedBody([chat_line("a")], hang=True)
    client = async_client(body)
    received = []
    with anyio.move_on_after(0.2) as scope:
        async for part in await client.chat("m", MSGS, stream=True):
            received.append(part.message.content)
    assert scope.cancelled_caught
    assert received == ["a"] and body.closed


@pytest.mark.anyio
async def test_async_error_line_closes_it() -> None:
    body = TrackedBody([chat_line("a"), b'{"error":"boom"}\n', chat_line("never")])
    stream = await async_client(body).chat("m", MSGS, stream=True)
    with pytest.raises(ollama_lite.StreamError, match="boom"):
        async for _ in stream:
            pass
    assert body.closed


@pytest.mark.anyio
async def test_async_close_alias() -> None:
    body = TrackedBody(LINES)
    stream = await async_client(body).chat("m", MSGS, stream=True)
    await stream.close()
    assert body.closed


def test_iterating_without_keeping_the_stream_object_reads_to_the_end() -> None:
    # `for part in client.chat(...)` holds only the iterator; the stream object is dropped
    # at once and must not close the response under the loop.
    body = TrackedBody(LINES)
    parts = []
    for part in sync_client(body).chat("m", MSGS, stream=True):
        gc.collect()
        parts.append(part.message.content)
    assert parts == ["t0", "t1", "t2", "t3", "t4", ""] and body.closed


def test_a_stream_never_iterated_is_closed_when_dropped() -> None:
    body = TrackedBody(LINES)
    stream = sync_client(body).chat("m", MSGS, stream=True)
    del stream
    gc.collect()
    assert body.closed and body.sent == 0


# The event loop closing the dropped stream is the behaviour under test; trio says it does.
@pytest.mark.filterwarnings("ignore:Async generator 'ollama_lite\\.[\\w.]*parts':ResourceWarning")
@pytest.mark.anyio
async def test_an_async_stream_dropped_unread_is_closed_by_the_event_loop() -> None:
    body = TrackedBody(LINES)
    client = async_client(body)
    stream = await client.chat("m", MSGS, stream=True)
    del stream
    gc.collect()
    for _ in range(10):  # the loop runs the generator's finaliser as a task
        await anyio.lowlevel.checkpoint()
    assert body.closed and body.sent == 0
