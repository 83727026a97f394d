"""c. Async clients over loopback against the fake Ollama (its own process): 64 concurrent
non-streamed chats, and one long streamed chat, on asyncio and on trio.

aiohttp (+ msgspec) is a peer row: it is what a user who wants speed picks today. Each row
reports the client's CPU per request or chunk besides the rate, because over loopback the
fake server (one process, one core) can be what limits the rate of a fast client. The trio
rows run in one trio run kept in a thread (`TrioRunner`), so their clients keep their
connections between samples like the asyncio ones.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import msgspec

from .._context import Context, available
from .._floors import chat_decoder, decode_ndjson_async
from .._harness import OLLAMA, OURS, CpuMeter, LoopRunner, Row, Target, Variant, interleave

__all__ = ["AIOHTTP", "OURS_TRIO", "run"]

AIOHTTP = "aiohttp + msgspec"
OURS_TRIO = "ollama_lite on trio"
FLOOR = "floor: httpx + msgspec"
MODEL = "llama3.2"
MESSAGES = [{"role": "user", "content": "Why is the sky blue?"}]
CHAT_BODY = msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": False})
STREAM_BODY = msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": True})
JSON = {"content-type": "application/json"}
Call = Callable[[], Awaitable[Any]]
T = TypeVar("T")


def path_note(client: Any) -> str:
    """Which HTTP path an ollama_lite client takes (recorded with the row)."""
    return f"path: {getattr(client, 'http_path', 'httpx')}"


def _async_clients(url: str, headers: dict[str, str], ctx: Context, stream: bool) -> dict[str, Any]:
    """name -> (call, close) for every asyncio variant; made inside the running loop."""
    import ollama_lite

    body = STREAM_BODY if stream else CHAT_BODY
    ours = ollama_lite.AsyncClient(url, headers=headers)
    made: dict[str, Any] = {OURS: (ours, ours.close)}
    if ctx.has_ollama:
        import ollama

        theirs = ollama.AsyncClient(url, headers=headers)
        made[OLLAMA] = (theirs, theirs.close)
    if available("aiohttp"):
        import aiohttp

        session = aiohttp.ClientSession(url, headers=headers)
        made[AIOHTTP] = (session, session.close)
    floor = httpx.AsyncClient(base_url=url, headers=headers)
    made[FLOOR] = (floor, floor.aclose)
    calls: dict[str, Any] = {}
    for name, (client, close) in made.items():
        calls[name] = (_call(name, client, body, stream), close, client)
    return calls


def _call(name: str, client: Any, body: bytes, stream: bool) -> Call:
    if name == AIOHTTP:
        if stream:

            async def aiohttp_stream() -> int:
                async with client.post("/api/chat", data=body, headers=JSON) as response:
                    response.raise_for_status()
                    return sum(
                        1 for _ in [chat_decoder.decode(line) async for line in response.content]
                    )

            return aiohttp_stream

        async def aiohttp_chat() -> None:
            async with client.post("/api/chat", data=body, headers=JSON) as response:
                response.raise_for_status()
                chat_decoder.decode(await response.read())

        return aiohttp_chat
    if name == FLOOR:
        if stream:

            async def floor_stream() -> int:
                async with client.stream("POST", "/api/chat", content=body, headers=JSON) as r:
                    r.raise_for_status()
                    return await decode_ndjson_async(r.aiter_bytes())

            return floor_stream

        async def floor_chat() -> None:
            response = await client.post("/api/chat", content=body, headers=JSON)
            response.raise_for_status()
            chat_decoder.decode(response.content)

        return floor_chat
    if stream:

        async def client_stream() -> int:
            return sum([1 async for _ in await client.chat(MODEL, MESSAGES, stream=True)])

        return client_stream
    return lambda: client.chat(MODEL, MESSAGES)


def concurrent_chat(ctx: Context, url: str, meter: CpuMeter) -> list[Row]:
    tasks = ctx.sizes.concurrency
    per_task = max(1, ctx.sizes.concurrent_chats_per_sample // tasks)
    total = per_task * tasks

    async def burst(call: Call) -> float:
        async def worker() -> None:
            for _ in range(per_task):
                await call()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(tasks)))
        return total / (time.perf_counter() - started)

    notes: dict[str, str] = {FLOOR: "httpx.AsyncClient, default limits"}
    with LoopRunner() as runner, TrioRunner() as trio_runner:
        made = runner.run(_make(url, {}, ctx, stream=False))
        notes[OURS] = path_note(made[OURS][2])
        variants = [
            Variant(
                name, lambda c=call: runner.run(burst(c)), lambda c=close: runner.run(c()), meter
            )
            for name, (call, close, _) in made.items()
        ]
        variants.append(
            _trio_variant(trio_runner, url, {}, meter, tasks, per_task, stream=False, notes=notes)
        )
        measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {
        OURS: Target(
            ">= 8x vs ollama; CPU/request <= 1.5x aiohttp's",
            vs=OLLAMA,
            speedup=8.0,
            cpu_vs=AIOHTTP,
            cpu_factor=1.5,
        ),
        OURS_TRIO: Target("within 1.3x of asyncio", vs=OURS, speedup=1 / 1.3),
    }
    return Row.from_measured(
        f"c. {tasks} concurrent chats, async (loopback)",
        "req/s",
        "higher",
        measured,
        targets,
        notes=notes,
        units=total,
    )


def streamed_chat_async(ctx: Context, url: str, meter: CpuMeter) -> list[Row]:
    tokens = ctx.sizes.loop_stream_tokens
    lines = tokens + 1
    headers = {"x-fake-reply-tokens": str(tokens)}

    async def one(call: Call) -> float:
        started = time.perf_counter()
        seen = await call()
        rate = lines / (time.perf_counter() - started)
        assert seen == lines, (seen, lines)
        return rate

    notes: dict[str, str] = {}
    with LoopRunner() as runner, TrioRunner() as trio_runner:
        made = runner.run(_make(url, headers, ctx, stream=True))
        notes[OURS] = path_note(made[OURS][2])
        variants = [
            Variant(name, lambda c=call: runner.run(one(c)), lambda c=close: runner.run(c()), meter)
            for name, (call, close, _) in made.items()
        ]
        variants.append(
            _trio_variant(trio_runner, url, headers, meter, 1, 1, stream=True, notes=notes)
        )
        measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {
        OURS: Target(
            ">= 5x vs ollama; CPU/chunk <= 2x aiohttp's",
            vs=OLLAMA,
            speedup=5.0,
            cpu_vs=AIOHTTP,
            cpu_factor=2.0,
        ),
        OURS_TRIO: Target("within 1.3x of asyncio", vs=OURS, speedup=1 / 1.3),
    }
    return Row.from_measured(
        f"c. streamed chat, {lines:,} chunks, async (loopback)",
        "chunks/s",
        "higher",
        measured,
        targets,
        notes=notes,
        units=lines,
    )


async def _make(url: str, headers: dict[str, str], ctx: Context, stream: bool) -> dict[str, Any]:
    return _async_clients(url, headers, ctx, stream)


class TrioRunner:
    """One trio run in a thread of its own, reused for many `run()` calls (trio has no loop
    object to keep), so trio clients keep their connections between samples, as the asyncio
    ones do. The thread's CPU counts in this process's CPU, like the loop's."""

    def __init__(self) -> None:
        import trio

        self._trio = trio
        self._ready = threading.Event()
        self._thread = threading.Thread(target=trio.run, args=(self._main,), daemon=True)
        self._thread.start()
        self._ready.wait()

    async def _main(self) -> None:
        self._token = self._trio.lowlevel.current_trio_token()
        self._stop = self._trio.Event()
        self._ready.set()
        await self._stop.wait()

    def run(self, function: Callable[[], Awaitable[T]]) -> T:
        return self._trio.from_thread.run(function, trio_token=self._token)

    def __enter__(self) -> TrioRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._trio.from_thread.run_sync(self._stop.set, trio_token=self._token)
        self._thread.join()


def _trio_variant(
    runner: TrioRunner,
    url: str,
    headers: dict[str, str],
    meter: CpuMeter,
    tasks: int,
    per_task: int,
    *,
    stream: bool,
    notes: dict[str, str],
) -> Variant:
    import trio

    import ollama_lite

    client = ollama_lite.AsyncClient(url, headers=headers)
    notes[OURS_TRIO] = path_note(client)
    call = _call(OURS, client, b"", stream)
    lines = int(headers.get("x-fake-reply-tokens", "0")) + 1

    async def burst() -> float:
        async def worker() -> None:
            for _ in range(per_task):
                await call()

        started = time.perf_counter()
        async with trio.open_nursery() as nursery:
            for _ in range(tasks):
                nursery.start_soon(worker)
        units = lines if stream else tasks * per_task
        return units / (time.perf_counter() - started)

    return Variant(OURS_TRIO, lambda: runner.run(burst), lambda: runner.run(client.close), meter)


def run(ctx: Context) -> list[Row]:
    assert ctx.server_url is not None and ctx.server_pid is not None
    meter = CpuMeter(ctx.server_pid)
    return concurrent_chat(ctx, ctx.server_url, meter) + streamed_chat_async(
        ctx, ctx.server_url, meter
    )
