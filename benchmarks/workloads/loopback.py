"""c. Over loopback against the fake Ollama, which runs in its own process.

- sequential non-streamed chats with the sync clients (requests/s);
- the async workloads of `loopback_async` (64 concurrent chats, a streamed chat; asyncio,
  trio, and aiohttp as a peer);
- one long streamed chat with the sync clients (chunks/s);
- /api/embed with 256 documents of 1,024 floats, and with 1 document of 768 (calls/s).

Every client keeps its connections between samples, as an application would. Floors use
httpx and msgspec directly. The server's CPU share is shown per row: it must stay well under
100% of a core, or the server would be the limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import msgspec

from .._context import Context
from .._floors import chat_decoder, decode_ndjson, embed_decoder
from .._harness import OLLAMA, OURS, CpuMeter, Row, Target, Variant, interleave
from . import loopback_async

__all__ = ["FLOOR", "run"]

FLOOR = "floor: httpx + msgspec"
MODEL = "llama3.2"
EMBED_MODEL = "nomic-embed-text"
MESSAGES = [{"role": "user", "content": "Why is the sky blue?"}]
CHAT_BODY = msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": False})
STREAM_BODY = msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": True})
JSON = {"content-type": "application/json"}


def _rate(count: int, started: float) -> float:
    return count / (time.perf_counter() - started)


def _sync_clients(url: str, headers: dict[str, str], ctx: Context) -> dict[str, Any]:
    import ollama_lite

    clients: dict[str, Any] = {OURS: ollama_lite.Client(url, headers=headers)}
    if ctx.has_ollama:
        import ollama

        clients[OLLAMA] = ollama.Client(url, headers=headers)
    clients[FLOOR] = httpx.Client(base_url=url, headers=headers)
    return clients


def sequential_chat(ctx: Context, url: str, meter: CpuMeter) -> list[Row]:
    count = ctx.sizes.seq_chats_per_sample

    def floor_sample(client: httpx.Client) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            for _ in range(count):
                response = client.post("/api/chat", content=CHAT_BODY, headers=JSON)
                response.raise_for_status()
                chat_decoder.decode(response.content)
            return _rate(count, started)

        return sample

    def client_sample(client: Any) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            for _ in range(count):
                client.chat(MODEL, MESSAGES)
            return _rate(count, started)

        return sample

    clients = _sync_clients(url, {}, ctx)
    variants = [
        Variant(name, (floor_sample if name == FLOOR else client_sample)(c), c.close, meter)
        for name, c in clients.items()
    ]
    measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {OURS: Target(">= 3x vs ollama", vs=OLLAMA, speedup=3.0)}
    return Row.from_measured(
        "c. sequential chat, sync (loopback)",
        "req/s",
        "higher",
        measured,
        targets,
        notes={OURS: loopback_async.path_note(clients[OURS])},
        units=count,
    )


def streamed_chat(ctx: Context, url: str, meter: CpuMeter) -> list[Row]:
    tokens = ctx.sizes.loop_stream_tokens
    lines = tokens + 1

    def floor_sample(client: httpx.Client) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            with client.stream("POST", "/api/chat", content=STREAM_BODY, headers=JSON) as r:
                r.raise_for_status()
                seen = decode_ndjson(r.iter_bytes())
            rate = _rate(lines, started)
            assert seen == lines, (seen, lines)
            return rate

        return sample

    def client_sample(client: Any) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            seen = sum(1 for _ in client.chat(MODEL, MESSAGES, stream=True))
            rate = _rate(lines, started)
            assert seen == lines, (seen, lines)
            return rate

        return sample

    clients = _sync_clients(url, {"x-fake-reply-tokens": str(tokens)}, ctx)
    variants = [
        Variant(name, (floor_sample if name == FLOOR else client_sample)(c), c.close, meter)
        for name, c in clients.items()
    ]
    measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {OURS: Target(">= 5x vs ollama", vs=OLLAMA, speedup=5.0)}
    return Row.from_measured(
        f"c. streamed chat, {lines:,} chunks, sync (loopback)",
        "chunks/s",
        "higher",
        measured,
        targets,
        notes={OURS: loopback_async.path_note(clients[OURS])},
        units=lines,
    )


def embed(
    ctx: Context,
    url: str,
    meter: CpuMeter,
    documents: int,
    dims: int | None,
    calls: int,
    target: Target | None,
) -> list[Row]:
    inputs = [
        f"document {i}: the quick brown fox jumps over the lazy dog" for i in range(documents)
    ]
    body = msgspec.json.encode(
        {"model": EMBED_MODEL, "input": inputs, **({"dimensions": dims} if dims else {})}
    )

    def floor_sample(client: httpx.Client) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                response = client.post("/api/embed", content=body, headers=JSON)
                response.raise_for_status()
                embed_decoder.decode(response.content)
            return _rate(calls, started)

        return sample

    def client_sample(client: Any) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                client.embed(EMBED_MODEL, inputs, dimensions=dims)
            return _rate(calls, started)

        return sample

    variants = [
        Variant(name, (floor_sample if name == FLOOR else client_sample)(c), c.close, meter)
        for name, c in _sync_clients(url, {}, ctx).items()
    ]
    measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    size = f"{documents}x{dims or ctx.sizes.embed_dims}"
    return Row.from_measured(
        f"c. embed {size}, sync (loopback)",
        "calls/s",
        "higher",
        measured,
        {OURS: target} if target else None,
    )


def run(ctx: Context) -> list[Row]:
    assert ctx.server_url is not None and ctx.server_pid is not None
    url, meter, sizes = ctx.server_url, CpuMeter(ctx.server_pid), ctx.sizes
    rows = sequential_chat(ctx, url, meter)
    rows += loopback_async.run(ctx)
    rows += streamed_chat(ctx, url, meter)
    rows += embed(
        ctx,
        url,
        meter,
        sizes.embed_vectors,
        None,
        sizes.loop_embed_calls_per_sample,
        Target(">= 4x vs ollama", vs=OLLAMA, speedup=4.0),
    )
    rows += embed(
        ctx, url, meter, 1, sizes.small_embed_dims, sizes.small_embed_calls_per_sample, None
    )
    return rows
