"""The floors: the least work that gets the same typed data out of the same bytes.

A floor is httpx moving the bytes plus msgspec decoding them into a plain Struct, with no
client logic at all; the distance between a client and its floor is that client's overhead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import msgspec

__all__ = ["FloorChat", "FloorEmbed", "chat_decoder", "decode_ndjson", "decode_ndjson_async"]


class FloorMessage(msgspec.Struct):
    role: str
    content: str


class FloorChat(msgspec.Struct):
    """The fields of a chat reply or chunk, and nothing else."""

    model: str
    created_at: str
    message: FloorMessage
    done: bool
    done_reason: str | None = None
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None
    prompt_eval_duration: int | None = None
    eval_count: int | None = None
    eval_duration: int | None = None


class FloorEmbed(msgspec.Struct):
    """An /api/embed reply."""

    model: str
    embeddings: list[list[float]]
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None


chat_decoder = msgspec.json.Decoder(FloorChat)
embed_decoder = msgspec.json.Decoder(FloorEmbed)


def decode_ndjson(chunks: Iterable[bytes]) -> int:
    """Split NDJSON pieces into lines and decode each; return how many lines there were."""
    decode = chat_decoder.decode
    count = 0
    tail = b""
    for chunk in chunks:
        if tail:
            chunk = tail + chunk
        lines = chunk.split(b"\n")
        tail = lines.pop()
        for line in lines:
            if line:
                decode(line)
                count += 1
    if tail.strip():
        decode(tail)
        count += 1
    return count


async def decode_ndjson_async(chunks: AsyncIterator[bytes]) -> int:
    """`decode_ndjson` for an async byte iterator."""
    decode = chat_decoder.decode
    count = 0
    tail = b""
    async for chunk in chunks:
        if tail:
            chunk = tail + chunk
        lines = chunk.split(b"\n")
        tail = lines.pop()
        for line in lines:
            if line:
                decode(line)
                count += 1
    if tail.strip():
        decode(tail)
        count += 1
    return count
