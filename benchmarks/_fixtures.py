"""Recorded responses: a chat stream as Ollama sends it, and an /api/embed body.

Both are built deterministically (same bytes every run) and shaped like a real server's
output: one token per NDJSON line with an RFC 3339 nanosecond timestamp, then a final line
with `done_reason` and the timing metrics; embedding floats printed the way Go prints a
float32 (up to 9 significant digits).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import httpx
import msgspec

__all__ = [
    "MODEL",
    "chat_stream_lines",
    "embed_body",
    "mock_transport",
    "stream_line",
]

MODEL = "llama3.2"
_WORDS = (
    " the",
    " sky",
    " is",
    " blue",
    " because",
    " of",
    " Rayleigh",
    " scattering",
    ",",
    " which",
    " affects",
    " shorter",
    " wavelengths",
    " more",
    " than",
    " longer",
    " ones",
    ".",
    " Sunlight",
    " contains",
    " all",
    " colours",
    "\n\n",
    " **",
    "Why",
    "**",
    ":",
)


def _timestamp(index: int) -> str:
    nanos = 123_456_789 + index * 17_203_411
    seconds, nanos = divmod(nanos, 1_000_000_000)
    return f"2025-06-01T12:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{nanos:09d}Z"


def stream_line(index: int) -> bytes:
    """Line `index` of an endless chat stream (not the final one)."""
    token = msgspec.json.encode(_WORDS[index % len(_WORDS)]).decode()
    return (
        f'{{"model":"{MODEL}","created_at":"{_timestamp(index)}",'
        f'"message":{{"role":"assistant","content":{token}}},"done":false}}\n'
    ).encode()


def final_line(index: int, tokens: int) -> bytes:
    """The last line of a chat stream: empty content, done, and the metrics."""
    return (
        f'{{"model":"{MODEL}","created_at":"{_timestamp(index)}",'
        '"message":{"role":"assistant","content":""},"done_reason":"stop","done":true,'
        f'"total_duration":{4935886791 + tokens},"load_duration":21612417,'
        '"prompt_eval_count":26,"prompt_eval_duration":187543000,'
        f'"eval_count":{tokens},"eval_duration":{tokens * 17_203_411}}}\n'
    ).encode()


def chat_stream_lines(tokens: int) -> list[bytes]:
    """A whole recorded stream: `tokens` token lines and the final line."""
    return [stream_line(i) for i in range(tokens)] + [final_line(tokens, tokens)]


def embed_body(vectors: int, dims: int, seed: int = 7) -> bytes:
    """An /api/embed response body with `vectors` unit-ish vectors of `dims` floats."""
    rng = random.Random(seed)
    rows = []
    for _ in range(vectors):
        row = ",".join(format(rng.gauss(0.0, 0.03), ".9g") for _ in range(dims))
        rows.append(f"[{row}]")
    return (
        '{"model":"nomic-embed-text","embeddings":[' + ",".join(rows) + "],"
        '"total_duration":14143917,"load_duration":1019500,"prompt_eval_count":'
        f"{vectors * 8}}}"
    ).encode()


class ChunkStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in the given pieces (one network read each)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for chunk in self._chunks:
            yield chunk


def mock_transport(
    chunks: Callable[[], Iterator[bytes]], content_type: str = "application/x-ndjson"
) -> httpx.MockTransport:
    """A MockTransport answering every request with a fresh `chunks()` body."""
    headers = {"content-type": content_type}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=ChunkStream(chunks()))

    return httpx.MockTransport(handler)


def single_body_transport(body: bytes) -> httpx.MockTransport:
    """A MockTransport answering every request with `body` as one JSON piece."""
    return mock_transport(lambda: iter((body,)), "application/json; charset=utf-8")


def endless_stream() -> Iterator[bytes]:
    """Stream lines forever, generated lazily (nothing held in memory)."""
    index = 0
    while True:
        yield stream_line(index)
        index += 1


def limited_stream(tokens: int) -> Iterator[bytes]:
    """`tokens` lines and the final line, generated lazily."""
    for index in range(tokens):
        yield stream_line(index)
    yield final_line(tokens, tokens)
