"""Host parsing (the server's own rules), credentials, retry policy."""

from __future__ import annotations

import base64
import email.utils
import time

import pytest

import ollama_lite
from ollama_lite._config import RetryPolicy, auth_headers, parse_retry_after, resolve_host

HOSTS = [
    (None, "http://127.0.0.1:11434"),
    ("", "http://127.0.0.1:11434"),
    ("1.2.3.4", "http://1.2.3.4:11434"),
    ("example.com:1234", "http://example.com:1234"),
    ("http://1.2.3.4", "http://1.2.3.4:80"),
    ("https://1.2.3.4", "https://1.2.3.4:443"),
    ("https://example.com/ollama/", "https://example.com:443/ollama"),
    ("http://example.com:8080/a/b", "http://example.com:8080/a/b"),
    ("[::1]", "http://[::1]:11434"),
    ("::1", "http://[::1]:11434"),
    ("[::1]:8080", "http://[::1]:8080"),
    ("http://[::1]:8080", "http://[::1]:8080"),
    (":1234", "http://127.0.0.1:1234"),
    ("ollama.com", "https://ollama.com:443"),
    ('"1.2.3.4"', "http://1.2.3.4:11434"),
    ("' 1.2.3.4 '", "http://1.2.3.4:11434"),
    ("  127.0.0.1:11434  ", "http://127.0.0.1:11434"),
    ("0.0.0.0", "http://127.0.0.1:11434"),
    ("::", "http://[::1]:11434"),
    ("0.0.0.0:8080", "http://127.0.0.1:8080"),
    ("HTTP://Example.com", "http://Example.com:80"),
    ("localhost", "http://localhost:11434"),
]


@pytest.mark.parametrize(("value", "expected"), HOSTS)
def test_host_table(value: str | None, expected: str) -> None:
    assert resolve_host(value, env={}).base_url == expected


def test_host_from_environment() -> None:
    assert resolve_host(None, env={"OLLAMA_HOST": "10.0.0.5:9999"}).base_url == (
        "http://10.0.0.5:9999"
    )


def test_invalid_port_falls_back_to_default_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="invalid port"):
        assert resolve_host("example.com:99999", env={}).base_url == "http://example.com:11434"
    with pytest.warns(UserWarning):
        assert resolve_host("https://example.com:x", env={}).base_url == "https://example.com:443"


def test_unsupported_scheme_is_a_clear_error() -> None:
    with pytest.raises(ollama_lite.RequestError, match="ftp"):
        resolve_host("ftp://example.com", env={})


def test_userinfo_becomes_basic_auth_and_leaves_the_url() -> None:
    config = resolve_host("https://alice:s%40cret@example.com/ollama", env={})
    assert config.base_url == "https://example.com:443/ollama"
    expected = base64.b64encode(b"alice:s@cret").decode()
    assert config.authorization == f"Basic {expected}"
    assert "s@cret" not in repr(config) and "cret" not in repr(config)


def test_authorization_precedence() -> None:
    host = resolve_host("127.0.0.1", env={})
    env = {"OLLAMA_API_KEY": "envkey"}
    assert auth_headers(host, None, None, env) == {"Authorization": "Bearer envkey"}
    assert auth_headers(host, None, "argkey", env) == {"Authorization": "Bearer argkey"}
    explicit = {"authorization": "Token abc"}
    assert auth_headers(host, explicit, "argkey", env) == explicit
    with_userinfo = resolve_host("http://u:p@127.0.0.1", env={})
    assert auth_headers(with_userinfo, None, None, env)["Authorization"].startswith("Basic ")
    assert auth_headers(host, None, None, {}) == {}


def test_client_repr_never_shows_secrets() -> None:
    client = ollama_lite.Client("http://bob:hunter2@127.0.0.1:11434", api_key="sk-secret")
    assert "hunter2" not in repr(client) and "sk-secret" not in repr(client)
    assert client.host == "http://127.0.0.1:11434"
    client.close()


def test_retry_policy_statuses_and_retry_after() -> None:
    policy = RetryPolicy(max_retries=2, backoff=0.5, max_backoff=8.0)
    assert policy.delay_for_status(1, 500, {}) is None
    assert policy.delay_for_status(1, 404, {}) is None
    for status in (429, 502, 503, 504):
        delay = policy.delay_for_status(1, status, {})
        assert delay is not None and 0.25 <= delay <= 0.5
    assert policy.delay_for_status(1, 503, {"retry-after": "3"}) == 3.0
    assert policy.delay_for_status(1, 503, {"retry-after": "3600"}) is None  # too long to wait
    assert policy.delay_for_status(3, 503, {}) is None  # out of retries
    assert RetryPolicy(max_retries=0).delay_for_status(1, 503, {}) is None


def test_backoff_is_capped_with_jitter() -> None:
    policy = RetryPolicy(max_retries=20, backoff=0.5, max_backoff=8.0)
    delays = [policy.backoff_delay(attempt) for attempt in range(1, 20)]
    assert all(d <= 8.0 for d in delays)
    assert max(delays) > 4.0
    assert len({round(policy.backoff_delay(10), 6) for _ in range(20)}) > 1  # jittered


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") == 0.0
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    seconds = parse_retry_after(future)
    assert seconds is not None and 25 <= seconds <= 31


def test_max_retries_must_be_a_non_negative_int() -> None:
    with pytest.raises(ollama_lite.RequestError):
        ollama_lite.Client(max_retries=-1)


@pytest.mark.parametrize(("value", "expected"), [(v, e) for v, e in HOSTS if v and v != ":1234"])
def test_strict_host_parsing_agrees_with_the_lenient_grammar(value: str, expected: str) -> None:
    assert ollama_lite.parse_host(value, strict=True).base_url == expected
    assert ollama_lite.parse_host(value).base_url == expected


def test_strict_host_parsing_drops_query_and_fragment_and_keeps_credentials() -> None:
    config = ollama_lite.parse_host("http://user:p%40ss@host:1234/prefix?x=1#frag", strict=True)
    assert config.base_url == "http://host:1234/prefix"
    assert config.authorization == "Basic " + base64.b64encode(b"user:p@ss").decode()


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("ftp://host:21", "scheme"),
        ("llama3:latest", "invalid port"),
        ("http://host:99999", "invalid port"),
        ("http://host:0", "invalid port"),
        ("http://", "no valid host"),
        ("http://bad host:80", "no valid host"),
        (":1234", "no valid host"),
        ("localhost:", "empty port"),
        ("http://[::1", "IPv6"),
        ("", "empty"),
    ],
)
def test_strict_host_parsing_refuses_what_the_lenient_one_repairs(value: str, error: str) -> None:
    with pytest.raises(ollama_lite.RequestError, match=error) as caught:
        ollama_lite.parse_host(value, strict=True)
    assert isinstance(caught.value, ValueError)


def test_strict_errors_hide_credentials() -> None:
    with pytest.raises(ollama_lite.RequestError) as caught:
        ollama_lite.parse_host("http://alice:s3cret@bad host:1", strict=True)
    assert "s3cret" not in str(caught.value)
