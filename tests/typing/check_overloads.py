"""Checked by mypy (tests/meta/test_typing.py): the stream overloads give precise types."""

from __future__ import annotations

from typing_extensions import assert_type

import ollama_lite
from ollama_lite import (
    AsyncClient,
    AsyncStream,
    ChatResponse,
    Client,
    EmbedResponse,
    GenerateResponse,
    ProgressResponse,
    Stream,
    SystemOneResponse,
)
from ollama_lite.types import NOT_GIVEN, ChatParams


def sync_calls(client: Client, flag: bool) -> None:
    assert_type(client.chat("m", []), ChatResponse)
    assert_type(client.chat("m", [], stream=False), ChatResponse)
    assert_type(client.chat("m", [], stream=True), Stream[ChatResponse])
    assert_type(client.chat("m", [], stream=flag), ChatResponse | Stream[ChatResponse])
    assert_type(client.generate("m", "p"), GenerateResponse)
    assert_type(client.generate("m", "p", stream=True), Stream[GenerateResponse])
    assert_type(client.pull("m", stream=True), Stream[ProgressResponse])
    assert_type(client.push("m"), ProgressResponse)
    assert_type(client.create("m", from_="x", stream=True), Stream[ProgressResponse])
    assert_type(client.embed("m", ["a"]), EmbedResponse)
    assert_type(ollama_lite.chat("m", [], stream=True), Stream[ChatResponse])
    assert_type(ollama_lite.generate("m", "p"), GenerateResponse)
    for part in client.chat("m", [], stream=True):
        assert_type(part, ChatResponse)
    # The keyword parameters come from ollama_lite.types.ChatParams / GenerateParams.
    assert_type(client.chat("m", [], think="low", options={"seed": 1}), ChatResponse)
    assert_type(
        client.generate("m", "p", stream=True, images=[b"x"], width=2), Stream[GenerateResponse]
    )
    params: ChatParams = {"keep_alive": "5m", "logprobs": True}
    assert_type(client.chat("m", [], **params), ChatResponse)
    # Per-call request options, with_options copies, collect() and pull progress.
    assert_type(client.chat("m", [], timeout=5, max_retries=0, headers={}), ChatResponse)
    assert_type(client.with_options(timeout=1.5), Client)
    assert_type(client.with_options(max_retries=1).embed("m", "x", timeout=2), EmbedResponse)
    assert_type(client.chat("m", [], stream=True).collect(), ChatResponse)
    assert_type(client.generate("m", "p", stream=True).collect(), GenerateResponse)
    assert_type(client.pull("m", progress=True), ProgressResponse)
    assert_type(client.systemone("m", "s", {}), SystemOneResponse)
    # The parameters are explicit (generated from the TypedDicts): by position where the
    # official package takes them so, NOT_GIVEN for "the client's setting".
    assert_type(client.create("m", None, "base", stream=True), Stream[ProgressResponse])
    assert_type(client.embed("m", "x", True, None, "5m", 8), EmbedResponse)
    assert_type(client.chat("m", [], timeout=NOT_GIVEN, headers=NOT_GIVEN), ChatResponse)
    assert_type(ollama_lite.systemone("m", "s", {}), SystemOneResponse)


async def async_calls(client: AsyncClient) -> None:
    assert_type(await client.chat("m", []), ChatResponse)
    assert_type(await client.chat("m", [], stream=True), AsyncStream[ChatResponse])
    assert_type(await client.generate("m", stream=True), AsyncStream[GenerateResponse])
    assert_type(await client.pull("m"), ProgressResponse)
    async for part in await client.chat("m", [], stream=True):
        assert_type(part, ChatResponse)
    async with await client.generate("m", "p", stream=True) as stream:
        async for chunk in stream:
            assert_type(chunk.response, str)

    assert_type(await (await client.chat("m", [], stream=True)).collect(), ChatResponse)
    assert_type(client.with_options(headers={"X": "1"}), AsyncClient)
    assert_type(await client.pull("m", progress=print, timeout=None), ProgressResponse)


def pool_calls(pool: ollama_lite.HostPool) -> None:
    import numpy as np
    import numpy.typing as npt

    assert_type(pool.embed("m", ["a"]), EmbedResponse)
    assert_type(pool.chat("m", [], stream=True), Stream[ChatResponse])
    assert_type(pool.embed_matrix("m", ["a"]), ollama_lite.EmbedMatrix)
    assert_type(pool.embed_many("m", ["a"]), ollama_lite.EmbedBatches[list[list[float]]])
    assert_type(
        pool.embed_many("m", [("id", "a")], dtype="float32", batch_size=8),
        ollama_lite.EmbedBatches[npt.NDArray[np.float32]],
    )
    assert_type(pool.stats(), ollama_lite.PoolStats)


async def async_pool_calls(pool: ollama_lite.AsyncHostPool) -> None:
    assert_type(await pool.embed("m", "a"), EmbedResponse)
    runs = pool.embed_many("m", ["a"], skip={0}, ordered=False)
    assert_type(runs, ollama_lite.AsyncEmbedBatches[list[list[float]]])
    async with runs as batches:
        async for batch in batches:
            assert_type(batch, ollama_lite.EmbedBatch[list[list[float]]])
