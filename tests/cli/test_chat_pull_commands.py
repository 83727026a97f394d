"""`ollama-lite chat` and `ollama-lite pull` as subprocesses against a fake Ollama server."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from _cli_run import run_cli

from ollama_lite.testing import FakeOllama


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOllama]:
    with FakeOllama() as fake:
        yield fake


def test_chat_streams_the_reply(server: FakeOllama) -> None:
    server.clear_requests()
    result = run_cli("chat", "llama3.2", "Why is the sky blue?", "--host", server.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: Why is the sky blue?\n"
    body = server.last_request.json if server.last_request else None
    assert body is not None and body["stream"] is True
    assert body["messages"] == [{"role": "user", "content": "Why is the sky blue?"}]


def test_chat_reads_standard_input_and_takes_a_system_message(server: FakeOllama) -> None:
    result = run_cli(
        "chat", "llama3.2", "--system", "Be brief.", stdin="from a pipe\n", OLLAMA_HOST=server.url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "You said: from a pipe\n"
    body = server.last_request.json if server.last_request else None
    assert body is not None and body["messages"][0] == {"role": "system", "content": "Be brief."}


def test_chat_with_nothing_to_send_is_a_usage_error(server: FakeOllama) -> None:
    server.clear_requests()
    result = run_cli("chat", "llama3.2", "--host", server.url, stdin="  \n")
    assert result.returncode == 2
    assert "nothing to send" in result.stderr
    assert server.requests == []


def test_chat_with_a_missing_model_fails(server: FakeOllama) -> None:
    result = run_cli("chat", "no-such-model", "hi", "--host", server.url)
    assert result.returncode == 1
    assert "no-such-model" in result.stderr and "not found" in result.stderr


def test_pull_shows_progress_on_every_host(server: FakeOllama) -> None:
    with FakeOllama() as second:
        hosts = f"{server.url},{second.url}"
        result = run_cli("pull", "tinyllama", "--hosts", hosts)
        assert result.returncode == 0, result.stderr
        for fake in (server, second):
            assert "tinyllama:latest" in fake.models
            address = fake.url.split("://", 1)[1]
            assert f"{address}: pulled tinyllama" in result.stderr
            assert f"{address}: pulling manifest" in result.stderr
            assert f"{address}: verifying sha256 digest" in result.stderr
            assert f"{address}: success" in result.stderr
    assert "B/s" in result.stderr  # the progress bar's byte rate


def test_pull_of_an_unknown_model_fails(server: FakeOllama) -> None:
    result = run_cli("pull", "nonexistent-model", "--hosts", server.url)
    assert result.returncode == 1
    assert "file does not exist" in result.stderr


def test_unreachable_server_fails_with_exit_1() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = run_cli("chat", "llama3.2", "hi", "--host", url)
    assert result.returncode == 1
    assert "error:" in result.stderr


def test_no_command_is_a_usage_error() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "usage: ollama-lite" in result.stderr
