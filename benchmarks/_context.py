"""Sizes of the full and smoke runs, and what every workload gets from the orchestrator."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

__all__ = ["FULL", "SMOKE", "Context", "Sizes", "available"]


@dataclass(frozen=True)
class Sizes:
    """How much work each workload does. `rounds` samples per variant, interleaved."""

    rounds: int
    warmup: int
    decode_rounds: int  # a and b: short CPU-bound samples, so more of them
    # a. stream decode (MockTransport)
    stream_lines: int
    streams_per_sample: int
    # b. embed decode (MockTransport)
    embed_vectors: int
    embed_dims: int
    embed_calls_per_sample: int
    # c. loopback
    seq_chats_per_sample: int
    concurrency: int
    concurrent_chats_per_sample: int
    loop_stream_tokens: int
    loop_embed_calls_per_sample: int
    small_embed_dims: int
    small_embed_calls_per_sample: int
    # d. imports
    import_rounds: int
    # e. LangChain layer
    lc_invoke_tokens: int
    lc_invokes_per_sample: int
    lc_stream_tokens: int
    lc_documents: int
    # f. memory
    mem_checkpoint: int
    mem_chunks: int
    mem_documents: int
    mem_dims: int


FULL = Sizes(
    rounds=7,
    warmup=1,
    decode_rounds=15,
    stream_lines=2000,
    streams_per_sample=3,
    embed_vectors=256,
    embed_dims=1024,
    embed_calls_per_sample=2,
    seq_chats_per_sample=300,
    concurrency=64,
    concurrent_chats_per_sample=384,
    loop_stream_tokens=5000,
    loop_embed_calls_per_sample=4,
    small_embed_dims=768,
    small_embed_calls_per_sample=300,
    import_rounds=7,
    lc_invoke_tokens=64,
    lc_invokes_per_sample=30,
    lc_stream_tokens=2000,
    lc_documents=256,
    mem_checkpoint=10_000,
    mem_chunks=100_000,
    mem_documents=10_000,
    mem_dims=768,
)

SMOKE = Sizes(
    rounds=2,
    warmup=0,
    decode_rounds=2,
    stream_lines=50,
    streams_per_sample=1,
    embed_vectors=4,
    embed_dims=32,
    embed_calls_per_sample=1,
    seq_chats_per_sample=5,
    concurrency=4,
    concurrent_chats_per_sample=8,
    loop_stream_tokens=50,
    loop_embed_calls_per_sample=1,
    small_embed_dims=16,
    small_embed_calls_per_sample=3,
    import_rounds=1,
    lc_invoke_tokens=8,
    lc_invokes_per_sample=2,
    lc_stream_tokens=50,
    lc_documents=4,
    mem_checkpoint=100,
    mem_chunks=1_000,
    mem_documents=20,
    mem_dims=16,
)


def available(module: str) -> bool:
    """True when `module` can be imported here (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class Context:
    """What the orchestrator hands every workload."""

    sizes: Sizes
    smoke: bool
    server_url: str | None = None
    server_pid: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_ollama(self) -> bool:
        return available("ollama")

    @property
    def has_langchain_ollama(self) -> bool:
        return available("langchain_ollama")
