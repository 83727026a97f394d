"""Which clients take the fast path, with the proxy variables set each way: a NO_PROXY that
exempts the host (or NO_PROXY alone) must not switch the fast path off; a proxy that applies
must."""

from __future__ import annotations

import httpx
import pytest

from ollama_lite._wire.eligibility import why_not_fast

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("OLLAMA_LITE_FAST_PATH", raising=False)


LOCAL = "http://127.0.0.1:11434"
PROXY = "http://proxy:3128"


@pytest.mark.parametrize(
    ("env", "url", "fast"),
    [
        ({}, LOCAL, True),
        ({"NO_PROXY": "127.0.0.1,localhost"}, LOCAL, True),  # the bug: NO_PROXY alone
        ({"no_proxy": "*"}, LOCAL, True),
        ({"HTTP_PROXY": PROXY}, LOCAL, False),
        ({"http_proxy": "http://proxy:3128"}, LOCAL, False),
        ({"ALL_PROXY": "http://proxy:3128"}, LOCAL, False),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "127.0.0.1"}, LOCAL, True),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "*"}, LOCAL, True),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "10.0.0.1"}, LOCAL, False),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "localhost"}, "http://localhost:11434", True),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "example.com"}, "http://gpu.example.com:1", True),
        ({"HTTP_PROXY": PROXY, "NO_PROXY": "example.com"}, "http://example.org:1", False),
        ({"HTTPS_PROXY": "http://proxy:3128"}, LOCAL, True),  # only for https:// URLs
    ],
)  # fmt: skip
def test_proxy_variables_each_way(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], url: str, fast: bool
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert (why_not_fast(url, {}) is None) is fast
    # ...and exactly where httpx itself would connect directly.
    client = httpx.Client()
    try:
        direct = client._transport_for_url(httpx.URL(url)) is client._transport
    finally:
        client.close()
    assert direct is fast


def test_a_proxy_is_ignored_when_trust_env_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy:3128")
    assert why_not_fast(LOCAL, {"trust_env": False}) is None


@pytest.mark.parametrize(
    ("url", "kwargs", "reason"),
    [
        ("https://ollama.com:443", {}, "not plain http"),
        (LOCAL, {"transport": object()}, "transport"),
        (LOCAL, {"mounts": {}}, "mounts"),
        (LOCAL, {"proxy": "http://p:1"}, "proxy"),
        (LOCAL, {"event_hooks": {}}, "event_hooks"),
        (LOCAL, {"http2": True}, "HTTP/2"),
    ],
)
def test_what_needs_httpx(url: str, kwargs: dict[str, object], reason: str) -> None:
    why = why_not_fast(url, kwargs)
    assert why is not None and reason in why


def test_supported_settings_keep_the_fast_path() -> None:
    kwargs = {"verify": False, "limits": httpx.Limits(max_connections=5), "http1": True}
    assert why_not_fast(LOCAL, kwargs) is None


def test_the_switch_turns_it_off() -> None:
    assert why_not_fast(LOCAL, {}, env={"OLLAMA_LITE_FAST_PATH": "0"}) == (
        "OLLAMA_LITE_FAST_PATH is off"
    )
