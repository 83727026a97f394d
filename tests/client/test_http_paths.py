"""Which path a client takes (the fast path or httpx), with the proxy variables set each
way, what each path's httpx transport is, and that an `http://` host loads no CA
certificates."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

import ollama_lite
from ollama_lite._compat.httpcore_linear_pool import linear_pool_classes, supported
from ollama_lite.testing import FakeOllama

from .._transports import httpx_client_of as http_of

MSGS = [{"role": "user", "content": "hi"}]
PROXY = "http://127.0.0.1:3128"


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("OLLAMA_LITE_FAST_PATH", raising=False)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.mark.parametrize("cls", [ollama_lite.Client, ollama_lite.AsyncClient])
@pytest.mark.parametrize(
    ("env", "kwargs", "path"),
    [
        ({}, {}, "wire"),
        ({"NO_PROXY": "127.0.0.1,localhost"}, {}, "wire"),  # issue 13: NO_PROXY alone
        ({"HTTP_PROXY": PROXY}, {}, "httpx"),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "127.0.0.1"}, {}, "wire"),
        ({"HTTP_PROXY": PROXY}, {"trust_env": False}, "wire"),
        ({"HTTPS_PROXY": PROXY}, {}, "wire"),
        ({}, {"transport": httpx.MockTransport(lambda r: httpx.Response(200))}, "httpx"),
        ({}, {"proxy": PROXY}, "httpx"),
        ({}, {"mounts": {}}, "httpx"),
        ({"OLLAMA_LITE_FAST_PATH": "0"}, {}, "httpx"),
    ],
)  # fmt: skip
def test_which_path(
    monkeypatch: pytest.MonkeyPatch, cls: type, env: dict[str, str], kwargs: Any, path: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = cls("http://127.0.0.1:11434", **kwargs)
    assert client.http_path == path
    assert (client.why_not_wire is None) is (path == "wire")


def test_https_takes_httpx() -> None:
    client = ollama_lite.Client("https://127.0.0.1:11434")
    assert client.http_path == "httpx"
    assert client.why_not_wire == "the host is not plain http://"


@pytest.mark.skipif(not supported(), reason="httpcore is not 1.0.x")
def test_no_proxy_alone_keeps_the_linear_pool_on_the_httpx_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = http_of(ollama_lite.Client("https://127.0.0.1:11434"))
    classes = linear_pool_classes()
    assert classes is not None
    assert type(http._transport._pool) in set(classes.values())


@pytest.mark.skipif(not supported(), reason="httpcore is not 1.0.x")
def test_an_exempt_host_gets_the_linear_pool_and_others_keep_the_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = http_of(ollama_lite.Client("https://127.0.0.1:11434"))
    classes = linear_pool_classes()
    assert classes is not None
    host = http._transport_for_url(httpx.URL("https://127.0.0.1:11434/api/chat"))
    assert type(host._pool) in set(classes.values())
    elsewhere = http._transport_for_url(httpx.URL("https://ollama.com/api/web_search"))
    assert type(elsewhere._pool).__name__ == "HTTPProxy"  # httpx kept the proxy for it


@pytest.fixture
def no_ca_certificates(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("CA certificates were loaded for an http:// host")

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", refuse)
    monkeypatch.setattr(ssl.SSLContext, "load_default_certs", refuse)
    monkeypatch.setattr(ssl.SSLContext, "set_default_verify_paths", refuse)


@pytest.mark.usefixtures("no_ca_certificates")
def test_an_http_host_loads_no_ca_certificates_sync(fake: FakeOllama) -> None:
    with ollama_lite.Client(fake.url) as client:
        assert client.chat("llama3.2", MSGS).done
        assert sum(1 for _ in client.chat("llama3.2", MSGS, stream=True)) > 1


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.usefixtures("no_ca_certificates")
def test_an_http_host_loads_no_ca_certificates_in_any_new_loop(
    fake: FakeOllama, backend: str
) -> None:
    client = ollama_lite.AsyncClient(fake.url)

    async def main() -> None:
        assert (await client.chat("llama3.2", MSGS)).done

    for _ in range(3):  # every new event loop gets its own pool
        anyio.run(main, backend=backend)


def test_the_fast_path_logs_at_debug_without_secrets(
    fake: FakeOllama, caplog: pytest.LogCaptureFixture
) -> None:
    url = fake.url.replace("http://", "http://alice:pw-secret@")
    with ollama_lite.Client(url, api_key="sk-secret") as client:
        assert client.http_path == "wire"
        with caplog.at_level(logging.DEBUG, logger="ollama_lite"):
            client.version()
            client.version()
    messages = [r.getMessage() for r in caplog.records if r.name == "ollama_lite"]
    requests = [m for m in messages if m.startswith("GET ")]
    assert len(requests) == 2
    assert requests[0].startswith(f"GET {fake.url}/api/version -> 200 (")
    assert requests[0].endswith("ms) via wire")
    assert sum(m.startswith("connected to 127.0.0.1:") for m in messages) == 1  # kept alive
    assert "pw-secret" not in caplog.text and "sk-secret" not in caplog.text
    assert "alice" not in caplog.text
