"""The httpx path's default transport: a linear-pool httpx transport that keeps the caller's
settings. (An `http://` host without a proxy takes the fast path instead: tests/wire.)"""

from __future__ import annotations

import ssl
from typing import Any

import httpx
import pytest

import ollama_lite
from ollama_lite._compat.httpcore_linear_pool import linear_pool_classes, supported

from .._transports import httpx_client_of as http_of

pytestmark = pytest.mark.skipif(not supported(), reason="httpcore is not 1.0.x")


#: An https host goes through httpx (nothing is sent to it here).
HTTPS = "https://127.0.0.1:11434"


def pool_of(client: ollama_lite.Client | ollama_lite.AsyncClient) -> Any:
    return http_of(client)._transport._pool


@pytest.mark.parametrize("cls", [ollama_lite.Client, ollama_lite.AsyncClient])
def test_default_transport_uses_the_linear_pool(cls: type) -> None:
    classes = linear_pool_classes()
    assert classes is not None
    assert type(pool_of(cls(HTTPS))) in set(classes.values())


def test_transport_settings_are_forwarded() -> None:
    limits = httpx.Limits(max_connections=3, max_keepalive_connections=2, keepalive_expiry=1.5)
    client = ollama_lite.Client(HTTPS, limits=limits, verify=False)
    pool = pool_of(client)
    assert pool._max_connections == 3 and pool._max_keepalive_connections == 2  # type: ignore[attr-defined]
    assert pool._keepalive_expiry == 1.5  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode == ssl.CERT_NONE  # type: ignore[attr-defined]
    default = pool_of(ollama_lite.Client(HTTPS))
    assert default._ssl_context.verify_mode == ssl.CERT_REQUIRED  # type: ignore[attr-defined]


def test_a_callers_transport_is_used_as_given() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"version": "9"}))
    client = ollama_lite.Client(transport=transport)
    assert http_of(client)._transport is transport
    assert client.version().version == "9"


def test_proxy_variables_leave_the_transports_to_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    client = ollama_lite.Client()
    assert client.http_path == "httpx"
    assert http_of(client)._mounts, "httpx must mount the proxies it reads from the environment"
    assert http_of(ollama_lite.Client(HTTPS, trust_env=False))._mounts == {}


def test_one_async_client_in_two_threads_keeps_one_pool_per_loop() -> None:
    import asyncio
    import threading

    from ollama_lite.testing import FakeOllama

    with FakeOllama() as server:
        client = ollama_lite.AsyncClient(server.url)
        pools: list[set[int]] = [set(), set()]
        errors: list[BaseException] = []

        def worker(index: int) -> None:
            async def run() -> None:
                for _ in range(30):
                    await client.chat("llama3.2", [{"role": "user", "content": "hi"}])
                    pools[index].add(id(await client._session.transports.get()))

            try:
                asyncio.run(run())
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(pools[0]) == 1 and len(pools[1]) == 1 and pools[0] != pools[1]
        assert (
            client._session.transports.by_loop == {}
        )  # each loop's pool was closed when its loop ended
        assert server.wait_for_connections(0, timeout=5)
