"""b. Embedding decode without a network: one /api/embed body of 256 x 1,024 floats.

Each client calls `embed` against an httpx.MockTransport that answers with the recorded
body; the floor is `msgspec.json.decode` of the same bytes into a Struct, nothing else.
Samples are CPU time of this process (nothing waits on I/O; see stream_decode.py).
"""

from __future__ import annotations

import time

from .._context import Context
from .._fixtures import single_body_transport
from .._floors import embed_decoder
from .._harness import OLLAMA, OURS, Row, Target, Variant, interleave

CLOCK = time.process_time  # CPU time: nothing here waits on I/O

__all__ = ["FLOOR", "run"]

FLOOR = "floor: msgspec decode"
HOST = "http://127.0.0.1:11434"
MODEL = "nomic-embed-text"
TARGETS = {OURS: Target(">= 5x vs ollama", vs=OLLAMA, speedup=5.0)}


def variants(ctx: Context, body: bytes, inputs: list[str]) -> list[Variant]:
    import ollama_lite

    calls = ctx.sizes.embed_calls_per_sample
    transport = single_body_transport(body)
    ours = ollama_lite.Client(HOST, transport=transport)

    def run_ours() -> float:
        started = CLOCK()
        for _ in range(calls):
            ours.embed(MODEL, inputs)
        return (CLOCK() - started) / calls * 1e3

    decoder = embed_decoder

    def run_floor() -> float:
        started = CLOCK()
        for _ in range(calls):
            decoder.decode(body)
        return (CLOCK() - started) / calls * 1e3

    result = [Variant(OURS, run_ours, ours.close), Variant(FLOOR, run_floor)]
    if ctx.has_ollama:
        import ollama

        theirs = ollama.Client(HOST, transport=transport)

        def run_theirs() -> float:
            started = CLOCK()
            for _ in range(calls):
                theirs.embed(MODEL, inputs)
            return (CLOCK() - started) / calls * 1e3

        result.insert(1, Variant(OLLAMA, run_theirs, theirs._client.close))
    return result


def run(ctx: Context) -> list[Row]:
    from .._fixtures import embed_body

    sizes = ctx.sizes
    body = embed_body(sizes.embed_vectors, sizes.embed_dims)
    inputs = [f"document number {i}" for i in range(sizes.embed_vectors)]
    group = f"b. embed decode {sizes.embed_vectors}x{sizes.embed_dims} (MockTransport, CPU time)"
    measured = interleave(variants(ctx, body, inputs), sizes.decode_rounds, sizes.warmup)
    return Row.from_measured(group, "ms/call", "lower", measured, TARGETS)
