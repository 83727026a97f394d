"""e. The LangChain layer against the fake server: ours (`ollama_lite.langchain`) against
langchain-ollama's `ChatOllama` and `OllamaEmbeddings`, same arguments, same server.

- `ChatOllama.invoke` of a 64-token reply (ms per call; langchain-ollama streams internally);
- `ChatOllama.stream` of a long reply (microseconds per chunk);
- `OllamaEmbeddings.embed_documents` of 256 documents (ms per call).

Floors are httpx + msgspec doing the same request (a non-streamed chat for invoke).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import msgspec

from .._context import Context, available
from .._floors import chat_decoder, decode_ndjson, embed_decoder
from .._harness import LANGCHAIN, OURS, CpuMeter, Row, Target, Variant, interleave, skipped

__all__ = ["run"]

FLOOR = "floor: httpx + msgspec"
MODEL = "llama3.2"
EMBED_MODEL = "nomic-embed-text"
PROMPT = "Why is the sky blue?"
JSON = {"content-type": "application/json"}


def _classes(ctx: Context) -> dict[str, tuple[Any, Any]]:
    """(ChatOllama, OllamaEmbeddings) of each implementation that imports."""
    found: dict[str, tuple[Any, Any]] = {}
    if available("ollama_lite.langchain"):
        from ollama_lite.langchain import ChatOllama, OllamaEmbeddings

        found[OURS] = (ChatOllama, OllamaEmbeddings)
    if ctx.has_langchain_ollama:
        import langchain_ollama

        found[LANGCHAIN] = (langchain_ollama.ChatOllama, langchain_ollama.OllamaEmbeddings)
    return found


def _missing(group: str, unit: str, classes: dict[str, tuple[Any, Any]]) -> list[Row]:
    rows = []
    if OURS not in classes:
        rows.append(skipped(group, OURS, unit, "lower", "ollama_lite.langchain not importable"))
    if LANGCHAIN not in classes:
        rows.append(skipped(group, LANGCHAIN, unit, "lower", "langchain_ollama not installed"))
    return rows


def invoke(ctx: Context, url: str, meter: CpuMeter, classes: dict[str, Any]) -> list[Row]:
    tokens = ctx.sizes.lc_invoke_tokens
    calls = ctx.sizes.lc_invokes_per_sample
    headers = {"x-fake-reply-tokens": str(tokens)}
    variants = []
    for name, (chat_class, _) in classes.items():
        model = chat_class(model=MODEL, base_url=url, client_kwargs={"headers": headers})

        def sample(model: Any = model) -> float:
            started = time.perf_counter()
            for _ in range(calls):
                model.invoke(PROMPT)
            return (time.perf_counter() - started) / calls * 1e3

        variants.append(Variant(name, sample, meter=meter))
    floor = httpx.Client(base_url=url, headers=headers)
    body = msgspec.json.encode(
        {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "stream": False}
    )

    def floor_sample() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            response = floor.post("/api/chat", content=body, headers=JSON)
            response.raise_for_status()
            chat_decoder.decode(response.content)
        return (time.perf_counter() - started) / calls * 1e3

    variants.append(Variant(FLOOR, floor_sample, floor.close, meter))
    group = f"e. ChatOllama.invoke, {tokens} tokens (loopback)"
    measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {OURS: Target("<= 0.5x of langchain-ollama", vs=LANGCHAIN, speedup=2.0)}
    notes = {FLOOR: "one non-streamed request", LANGCHAIN: "streams internally"}
    rows = _missing(group, "ms/call", classes)
    return rows + Row.from_measured(group, "ms/call", "lower", measured, targets, notes=notes)


def stream(ctx: Context, url: str, meter: CpuMeter, classes: dict[str, Any]) -> list[Row]:
    tokens = ctx.sizes.lc_stream_tokens
    headers = {"x-fake-reply-tokens": str(tokens)}
    variants = []
    for name, (chat_class, _) in classes.items():
        model = chat_class(model=MODEL, base_url=url, client_kwargs={"headers": headers})

        def sample(model: Any = model) -> float:
            started = time.perf_counter()
            count = sum(1 for _ in model.stream(PROMPT))
            return (time.perf_counter() - started) / count * 1e6

        variants.append(Variant(name, sample, meter=meter))
    floor = httpx.Client(base_url=url, headers=headers)
    body = msgspec.json.encode(
        {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}], "stream": True}
    )

    def floor_sample() -> float:
        started = time.perf_counter()
        with floor.stream("POST", "/api/chat", content=body, headers=JSON) as response:
            response.raise_for_status()
            count = decode_ndjson(response.iter_bytes())
        return (time.perf_counter() - started) / count * 1e6

    variants.append(Variant(FLOOR, floor_sample, floor.close, meter))
    group = f"e. ChatOllama.stream, {tokens:,} tokens (loopback)"
    measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {OURS: Target("<= 0.5x of langchain-ollama", vs=LANGCHAIN, speedup=2.0)}
    rows = _missing(group, "us/chunk", classes)
    return rows + Row.from_measured(group, "us/chunk", "lower", measured, targets)


def embed_documents(ctx: Context, url: str, meter: CpuMeter, classes: dict[str, Any]) -> list[Row]:
    documents = [
        f"document {i}: LangChain splits long texts into chunks before embedding them."
        for i in range(ctx.sizes.lc_documents)
    ]
    variants = []
    for name, (_, embeddings_class) in classes.items():
        embeddings = embeddings_class(model=EMBED_MODEL, base_url=url)

        def sample(embeddings: Any = embeddings) -> float:
            started = time.perf_counter()
            vectors = embeddings.embed_documents(documents)
            elapsed = (time.perf_counter() - started) * 1e3
            assert len(vectors) == len(documents)
            return elapsed

        variants.append(Variant(name, sample, meter=meter))
    floor = httpx.Client(base_url=url)
    body = msgspec.json.encode({"model": EMBED_MODEL, "input": documents})

    def floor_sample() -> float:
        started = time.perf_counter()
        response = floor.post("/api/embed", content=body, headers=JSON)
        response.raise_for_status()
        embed_decoder.decode(response.content)
        return (time.perf_counter() - started) * 1e3

    variants.append(Variant(FLOOR, floor_sample, floor.close, meter))
    group = f"e. OllamaEmbeddings.embed_documents, {len(documents)} docs (loopback)"
    measured = interleave(variants, ctx.sizes.rounds, ctx.sizes.warmup)
    targets = {OURS: Target("<= 0.25x of langchain-ollama", vs=LANGCHAIN, speedup=4.0)}
    rows = _missing(group, "ms/call", classes)
    return rows + Row.from_measured(group, "ms/call", "lower", measured, targets)


def run(ctx: Context) -> list[Row]:
    assert ctx.server_url is not None and ctx.server_pid is not None
    url, meter = ctx.server_url, CpuMeter(ctx.server_pid)
    classes = _classes(ctx)
    if OURS not in classes:
        ctx.notes.append("e: ollama_lite.langchain is not importable yet; its rows are skipped.")
    rows = invoke(ctx, url, meter, classes)
    rows += stream(ctx, url, meter, classes)
    rows += embed_documents(ctx, url, meter, classes)
    return rows
