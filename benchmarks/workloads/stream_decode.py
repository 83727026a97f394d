"""a. Streaming decode without a network: a recorded chat stream through httpx.MockTransport.

Every client gets the same 2,000-line stream, delivered one line per read (as Ollama flushes
each token), and iterates it to the end. The floor is the least work possible: httpx
iterating the bytes, splitting lines and decoding each with msgspec into a Struct.
The official client takes `transport=` through its `**kwargs`, which go to httpx.

Nothing here waits on I/O, so samples are CPU time of this process (`time.process_time`):
the same as wall time on an idle machine, and not inflated when other processes share the
cores.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import msgspec

from .._context import Context
from .._fixtures import MODEL, chat_stream_lines, mock_transport
from .._floors import decode_ndjson, decode_ndjson_async
from .._harness import OLLAMA, OURS, LoopRunner, Row, Target, Variant, interleave

CLOCK = time.process_time  # CPU time: nothing here waits on I/O

__all__ = ["FLOOR", "run"]

FLOOR = "floor: httpx bytes + split + msgspec"
HOST = "http://127.0.0.1:11434"
MESSAGES = [{"role": "user", "content": "Why is the sky blue?"}]
GROUP_SYNC = "a. stream decode, sync (MockTransport, CPU time)"
GROUP_ASYNC = "a. stream decode, async (MockTransport, CPU time)"
TARGETS = {OURS: Target(">= 4x vs ollama", vs=OLLAMA, speedup=4.0)}


FLOOR_BODY = msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": True})


def _per_chunk(elapsed: float, streams: int, lines: int) -> float:
    return elapsed / (streams * lines) * 1e6


def sync_variants(ctx: Context, lines: list[bytes]) -> list[Variant]:
    import ollama_lite

    streams = ctx.sizes.streams_per_sample
    transport = mock_transport(lambda: iter(lines))
    ours = ollama_lite.Client(HOST, transport=transport)

    def run_ours() -> float:
        started = CLOCK()
        for _ in range(streams):
            for _part in ours.chat(MODEL, MESSAGES, stream=True):
                pass
        return _per_chunk(CLOCK() - started, streams, len(lines))

    floor = httpx.Client(base_url=HOST, transport=transport)

    def run_floor() -> float:
        started = CLOCK()
        for _ in range(streams):
            with floor.stream("POST", "/api/chat", content=FLOOR_BODY) as response:
                decode_ndjson(response.iter_bytes())
        return _per_chunk(CLOCK() - started, streams, len(lines))

    variants = [
        Variant(OURS, run_ours, ours.close),
        Variant(FLOOR, run_floor, floor.close),
    ]
    if ctx.has_ollama:
        import ollama

        theirs = ollama.Client(HOST, transport=transport)

        def run_theirs() -> float:
            started = CLOCK()
            for _ in range(streams):
                for _part in theirs.chat(MODEL, MESSAGES, stream=True):
                    pass
            return _per_chunk(CLOCK() - started, streams, len(lines))

        variants.insert(1, Variant(OLLAMA, run_theirs, theirs._client.close))
    return variants


def async_variants(ctx: Context, lines: list[bytes], runner: LoopRunner) -> list[Variant]:
    import ollama_lite

    streams = ctx.sizes.streams_per_sample
    transport = mock_transport(lambda: iter(lines))

    async def make_ours() -> ollama_lite.AsyncClient:
        return ollama_lite.AsyncClient(HOST, transport=transport)

    ours = runner.run(make_ours())

    async def ours_once() -> float:
        started = CLOCK()
        for _ in range(streams):
            async for _part in await ours.chat(MODEL, MESSAGES, stream=True):
                pass
        return _per_chunk(CLOCK() - started, streams, len(lines))

    async def make_floor() -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=HOST, transport=transport)

    floor = runner.run(make_floor())

    async def floor_once() -> float:
        started = CLOCK()
        for _ in range(streams):
            async with floor.stream("POST", "/api/chat", content=FLOOR_BODY) as response:
                await decode_ndjson_async(response.aiter_bytes())
        return _per_chunk(CLOCK() - started, streams, len(lines))

    variants = [
        Variant(OURS, lambda: runner.run(ours_once()), lambda: runner.run(ours.close())),
        Variant(FLOOR, lambda: runner.run(floor_once()), lambda: runner.run(floor.aclose())),
    ]
    if ctx.has_ollama:
        import ollama

        async def make_theirs() -> Any:
            return ollama.AsyncClient(HOST, transport=transport)

        theirs = runner.run(make_theirs())

        async def theirs_once() -> float:
            started = CLOCK()
            for _ in range(streams):
                async for _part in await theirs.chat(MODEL, MESSAGES, stream=True):
                    pass
            return _per_chunk(CLOCK() - started, streams, len(lines))

        variants.insert(
            1,
            Variant(
                OLLAMA,
                lambda: runner.run(theirs_once()),
                lambda: runner.run(theirs._client.aclose()),
            ),
        )
    return variants


def run(ctx: Context) -> list[Row]:
    sizes = ctx.sizes
    lines = chat_stream_lines(sizes.stream_lines - 1)
    rows = Row.from_measured(
        GROUP_SYNC,
        "us/chunk",
        "lower",
        interleave(sync_variants(ctx, lines), sizes.decode_rounds, sizes.warmup),
        TARGETS,
    )
    with LoopRunner() as runner:
        measured = interleave(async_variants(ctx, lines, runner), sizes.decode_rounds, sizes.warmup)
    rows += Row.from_measured(GROUP_ASYNC, "us/chunk", "lower", measured, TARGETS)
    return rows
