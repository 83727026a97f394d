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
)
from ollama_lite.types import ChatParams


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
