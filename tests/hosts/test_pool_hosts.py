"""Which servers a pool uses: the list, else OLLAMA_HOSTS, else OLLAMA_HOST."""

from __future__ import annotations

import pytest

from ollama_lite._errors import RequestError
from ollama_lite._hosts.hosts import pool_hosts


def test_list_wins_over_the_environment() -> None:
    env = {"OLLAMA_HOSTS": "a:1,b:2", "OLLAMA_HOST": "c:3"}
    assert pool_hosts(["x:1", "y:2"], env) == ["x:1", "y:2"]


def test_ollama_hosts_then_ollama_host_then_default() -> None:
    assert pool_hosts(None, {"OLLAMA_HOSTS": " a:1, b:2 ,", "OLLAMA_HOST": "c"}) == ["a:1", "b:2"]
    assert pool_hosts(None, {"OLLAMA_HOSTS": "  ", "OLLAMA_HOST": "c:3"}) == ["c:3"]
    assert pool_hosts(None, {}) == [""]


def test_a_comma_separated_string() -> None:
    assert pool_hosts("a:1,b:2", {}) == ["a:1", "b:2"]


@pytest.mark.parametrize(
    "hosts,words",
    [
        ([], "non-empty"),
        (",", "empty"),
        (["a:1", 5], "hosts[1] must be a string"),
        (["a:1", "http://a:1/"], "same server"),
        (["0.0.0.0:11434", "127.0.0.1"], "same server"),
        (["ftp://x"], "scheme"),
    ],
)
def test_bad_host_lists(hosts: object, words: str) -> None:
    with pytest.raises(RequestError, match=words.replace("[", r"\[").replace("]", r"\]")):
        pool_hosts(hosts, {})  # type: ignore[arg-type]


def test_credentials_never_in_errors() -> None:
    with pytest.raises(RequestError) as info:
        pool_hosts(["http://u:secret@a:1", "http://v:secret@a:1"], {})
    assert "secret" not in str(info.value)
