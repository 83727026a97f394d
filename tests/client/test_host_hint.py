"""A host ending in `/v1` or `/api/` gets a 404 that says the host should be the root."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client
from ollama_lite.testing import FakeOllama


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.mark.parametrize(("suffix", "shown"), [("/v1", "/v1"), ("/api/", "/api")])
def test_a_404_from_an_api_path_host_names_the_root_and_the_url(
    fake: FakeOllama, suffix: str, shown: str
) -> None:
    with Client(fake.url + suffix, max_retries=0) as client:
        with pytest.raises(ollama_lite.ResponseError) as info:
            client.chat("llama3.2", [{"role": "user", "content": "hi"}])
        with pytest.raises(ollama_lite.ResponseError, match="server's root"):
            client.chat("llama3.2", [], stream=True)
    error = info.value
    assert error.status_code == 404 and not isinstance(error, ollama_lite.ModelNotFoundError)
    assert str(error) == (
        f"404 page not found: the host should be the server's root ({fake.url}), not an API "
        f"path ending in {shown!r} (requested {fake.url}{shown}/api/chat) (status code: 404)"
    )


def test_a_missing_model_at_the_root_is_unchanged(fake: FakeOllama) -> None:
    with Client(fake.url) as client, pytest.raises(ollama_lite.ModelNotFoundError) as info:
        client.chat("nope", [{"role": "user", "content": "hi"}])
    assert "root" not in str(info.value)


def test_a_path_prefix_that_is_not_an_api_path_gets_no_hint(fake: FakeOllama) -> None:
    with (
        Client(fake.url + "/ollama", max_retries=0) as client,
        pytest.raises(ollama_lite.ResponseError) as info,
    ):
        client.version()
    assert str(info.value) == "404 page not found (status code: 404)"


@pytest.mark.anyio
async def test_async_clients_say_it_too(fake: FakeOllama) -> None:
    async with AsyncClient(fake.url + "/v1") as client:
        with pytest.raises(ollama_lite.ResponseError, match=r"requested .*/v1/api/tags"):
            await client.list()
