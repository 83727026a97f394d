"""Server lifecycle: start/stop, async use on asyncio and trio, connections, the CLI."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import anyio
import httpx
import pytest

from ollama_lite.testing import FakeOllama, Fault

CHAT = {"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}


def fake_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("FakeOllama")]


def test_start_stop_and_url() -> None:
    server = FakeOllama()
    assert not server.running and server.port == 0
    before = len(fake_threads())
    server.start()
    try:
        assert server.running and server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.url).text == "Ollama is running"
        assert server.start() is server  # idempotent
    finally:
        server.stop()
    assert not server.running and len(fake_threads()) == before
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)
    server.stop()  # idempotent


def test_restart_keeps_state() -> None:
    with FakeOllama() as server:
        httpx.post(f"{server.url}/api/copy", json={"source": "qwen3", "destination": "kept"})
    with server:
        assert "kept:latest" in server.models
        assert httpx.get(f"{server.url}/api/version").status_code == 200


def test_fixed_port_in_use_is_reported() -> None:
    with FakeOllama() as first, pytest.raises(OSError):
        FakeOllama(port=first.port).start()


def test_stop_is_prompt_with_an_endless_stream_open() -> None:
    before = len(fake_threads())
    server = FakeOllama().start()
    server.inject(Fault.endless(0.01), times=None)
    outcome: list[str] = []
    streaming = threading.Event()

    def reader() -> None:
        try:
            with httpx.stream("POST", f"{server.url}/api/chat", json=CHAT, timeout=10) as r:
                for _ in r.iter_lines():
                    streaming.set()
            outcome.append("ended")
        except httpx.HTTPError as exc:
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=reader)
    thread.start()
    assert streaming.wait(10)  # the endless stream is under way
    start = time.perf_counter()
    server.stop()
    # Cut at once: a graceful stop would wait uvicorn's 1 s for the stream, then cut it.
    assert time.perf_counter() - start < 1.0
    thread.join(5)
    assert outcome and outcome[0] != "ended"  # the client saw the stream cut, not a clean end
    assert len(fake_threads()) == before


@pytest.fixture
def private() -> Iterator[FakeOllama]:
    """A server of its own, so that no other client's idle connection is counted."""
    with FakeOllama() as server:
        yield server


def test_open_connections_drop_to_zero(private: FakeOllama) -> None:
    assert private.open_connections == 0
    clients = [httpx.Client(base_url=private.url) for _ in range(3)]
    for c in clients:
        c.get("/api/version")
    assert private.open_connections == 3 and private.total_connections == 3
    for c in clients:
        c.close()
    assert private.wait_for_connections(0, timeout=5)
    assert private.open_connections == 0


def test_abandoned_stream_is_noticed(private: FakeOllama) -> None:
    private.token_delay = 0.01
    with (
        httpx.Client(base_url=private.url) as client,
        client.stream("POST", "/api/chat", json=CHAT, headers={"x-fake-reply-tokens": "1000"}) as r,
    ):
        for i, _ in enumerate(r.iter_lines()):
            if i == 3:
                break
    # Counted as cancelled, so noticed before the end (1000 tokens: 10 s), whatever the load.
    assert private.wait_for_cancelled_streams(1, timeout=10)
    assert private.cancelled_streams == 1 and private.cancelled_requests == 1
    assert private.wait_for_connections(0)


@pytest.mark.anyio
async def test_async_context_manager(anyio_backend: str) -> None:
    async with FakeOllama() as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            r = await client.post("/api/chat", json={**CHAT, "stream": False})
            assert r.json()["message"]["content"] == "You said: hi"
            lines = []
            async with client.stream("POST", "/api/chat", json=CHAT) as stream:
                async for line in stream.aiter_lines():
                    lines.append(line)
            assert len(lines) == 4
        with anyio.fail_after(5):
            assert await anyio.to_thread.run_sync(server.wait_for_connections, 0)
    assert not server.running


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_serves_until_terminated() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "ollama_lite.testing", "--port", str(port)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url == f"http://127.0.0.1:{port}"
            assert httpx.get(url).text == "Ollama is running"
            r = httpx.get(f"{url}/api/tags", headers={"x-fake-fault": "busy;retry_after=1"})
            assert r.status_code == 503 and r.headers["retry-after"] == "1"
            r = httpx.post(f"{url}/api/chat", json={**CHAT, "stream": False})
            assert r.json()["message"]["content"] == "You said: hi"
        finally:
            proc.terminate()
            assert proc.wait(10) == 0
