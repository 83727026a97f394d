"""Servers that die mid-run: kill, revive, dropped connections, from this process and others."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest

import ollama_lite
from ollama_lite.testing import FakeOllama, Fault

HI = [{"role": "user", "content": "hello there"}]
ROOT = Path(__file__).resolve().parents[2]


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


def refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.ConnectError:
        return True
    return False


def test_kill_refuses_connections_and_revive_comes_back_on_the_same_port() -> None:
    with FakeOllama() as server, ollama_lite.Client(server.url, max_retries=0) as client:
        client.copy("qwen3", "kept")
        assert client.embed("all-minilm", ["a"]).embeddings  # a pooled keep-alive connection
        port = server.port
        server.kill()
        assert server.running and not server.accepting
        with pytest.raises(ollama_lite.ConnectError):
            client.embed("all-minilm", ["a"])
        with pytest.raises(ollama_lite.ConnectError):
            client.version()
        server.revive()
        assert server.accepting and server.port == port
        assert client.embed("all-minilm", ["a"]).embeddings
        assert "kept:latest" in [m.model for m in client.list().models]
        stats = server.stats()
        assert stats.dropped_connections >= 1  # the idle keep-alive connection was cut
        assert stats.served["/api/embed"] == 2
        server.kill()
        server.kill()  # idempotent
        server.revive()
        server.revive()
        assert client.version().version


@pytest.mark.anyio
async def test_async_clients_see_connect_errors_while_killed() -> None:
    async with FakeOllama() as server, ollama_lite.AsyncClient(server.url, max_retries=0) as c:
        await c.embed("all-minilm", ["a"])
        await anyio.to_thread.run_sync(server.kill)
        with pytest.raises(ollama_lite.ConnectError):
            await c.embed("all-minilm", ["a"])
        await anyio.to_thread.run_sync(server.revive)
        assert (await c.embed("all-minilm", ["a"])).embeddings


def test_in_flight_requests_see_the_connection_drop() -> None:
    errors: list[BaseException] = []
    with (
        FakeOllama(request_seconds=30) as server,
        ollama_lite.Client(server.url, max_retries=0) as client,
    ):

        def unary() -> None:
            try:
                client.embed("nomic-embed-text", ["x"])
            except ollama_lite.OllamaError as exc:
                errors.append(exc)

        thread = threading.Thread(target=unary)
        thread.start()
        wait_until(lambda: server.stats().running == 1)
        server.kill()
        thread.join(10)
        assert len(errors) == 1 and isinstance(errors[0], ollama_lite.TransportError)
        assert not isinstance(errors[0], ollama_lite.ConnectError)
        wait_until(lambda: server.stats().running == 0)
        assert server.stats().dropped_connections >= 1


def test_a_stream_in_flight_is_interrupted() -> None:
    with (
        FakeOllama(token_delay=0.02, reply_tokens=500) as server,
        ollama_lite.Client(server.url, max_retries=0) as client,
    ):
        parts = 0
        with (
            pytest.raises(ollama_lite.StreamInterrupted),
            client.chat("llama3.2", HI, stream=True) as stream,
        ):
            for _ in stream:
                parts += 1
                if parts == 3:
                    server.kill()
        assert 3 <= parts < 500
        assert server.wait_for_cancelled_streams(1)


def test_kill_without_dropping_lets_requests_in_flight_finish() -> None:
    results: list[int] = []
    with FakeOllama(request_seconds=0.5) as server:
        thread = threading.Thread(
            target=lambda: results.append(
                httpx.post(
                    f"{server.url}/api/embed",
                    json={"model": "all-minilm", "input": "x"},
                    timeout=10,
                ).status_code
            )
        )
        thread.start()
        wait_until(lambda: server.stats().running == 1)
        server.kill(drop_connections=False)
        assert refused(server.url)
        thread.join(10)
        assert results == [200]
        assert server.stats().dropped_connections == 0
        wait_until(lambda: server.open_connections == 0)  # closed after their response


def test_drop_connections_cuts_but_keeps_listening() -> None:
    with (
        FakeOllama(request_seconds=30) as server,
        ollama_lite.Client(server.url, max_retries=0) as client,
    ):
        errors: list[BaseException] = []

        def held() -> None:
            try:
                client.chat("llama3.2", HI)
            except ollama_lite.TransportError as exc:
                errors.append(exc)

        thread = threading.Thread(target=held)
        thread.start()
        wait_until(lambda: server.stats().running == 1)
        assert server.drop_connections() == 1
        thread.join(10)
        assert len(errors) == 1
        assert server.accepting
        server.capacity = type(server.capacity)()  # instant again
        assert client.version().version
        assert server.stats().dropped_connections == 1


def test_slots_are_given_back_when_connections_drop() -> None:
    with FakeOllama(num_parallel=1, request_seconds=30) as server:
        for _ in range(2):  # one running, one waiting
            threading.Thread(target=_ignore_errors(server.url), daemon=True).start()
        wait_until(lambda: server.stats().queued == 1)
        server.kill()
        wait_until(lambda: server.stats().running == server.stats().queued == 0)
        server.capacity = type(server.capacity)(num_parallel=1)
        server.revive()
        r = httpx.post(f"{server.url}/api/chat", json={"model": "llama3.2", "messages": HI})
        assert r.status_code == 200


def _ignore_errors(url: str) -> Callable[[], None]:
    def post() -> None:
        try:
            httpx.post(
                f"{url}/api/chat",
                json={"model": "llama3.2", "messages": HI, "stream": False},
                timeout=60,
            )
        except httpx.TransportError:
            return

    return post


def test_revive_after_brings_it_back_by_itself() -> None:
    # Refusal is checked while no timer runs (a check racing a short revive_after fails on a
    # loaded machine); then a kill's revive_after brings the server back, never early.
    with FakeOllama() as server:
        server.kill()
        assert refused(server.url)
        assert not server.wait_for_revive(timeout=0.05)  # nothing brings it back
        armed = time.monotonic()
        server.kill(revive_after=0.3)  # killed again while down: only arms the timer
        assert not server.accepting
        assert server.wait_for_revive(timeout=10)
        assert time.monotonic() - armed >= 0.3
        assert httpx.get(server.url).text == "Ollama is running"


def test_stop_after_kill_and_revive_after_stop() -> None:
    server = FakeOllama().start()
    try:
        server.kill()
        server.stop()
        assert not server.running and not server.accepting
        with pytest.raises(RuntimeError, match="not running"):
            server.kill()
        server.revive()  # a stopped server starts again, on the same port
        assert server.accepting and httpx.get(server.url).status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize("via", ["inject", "header"])
@pytest.mark.parametrize("revive_after", [None, 0.3])
def test_kill_fault_kills_when_the_request_arrives(via: str, revive_after: float | None) -> None:
    embed = {"model": "all-minilm", "input": "x"}
    with FakeOllama() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        headers = {}
        if via == "inject":
            server.inject(Fault.kill(revive_after=revive_after), path="/api/embed")
            assert client.get("/api/version").status_code == 200  # other routes unaffected
        else:
            headers = {"x-fake-fault": "kill" if revive_after is None else "kill;revive_after=0.3"}
        sent = time.monotonic()
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/api/embed", json=embed, headers=headers)
        if revive_after is None:
            assert refused(server.url) and not server.accepting  # down until revived
            server.revive()
        else:
            assert server.wait_for_revive(timeout=10)  # back by itself, never early
            assert time.monotonic() - sent >= revive_after
        assert client.post("/api/embed", json=embed).is_success


def test_control_routes_kill_and_drop_from_another_client() -> None:
    with FakeOllama(request_seconds=30) as server:
        holder = threading.Thread(target=_ignore_errors(server.url), daemon=True)
        holder.start()
        wait_until(lambda: server.stats().running == 1)
        r = httpx.post(f"{server.url}/_fake/drop")
        assert r.json() == {"dropped": 1}
        holder.join(10)
        r = httpx.post(f"{server.url}/_fake/kill", json={})
        assert r.status_code == 200 and r.json() == {"killed": True}
        assert refused(server.url)  # down until revived: no timer to race
        server.revive()
        sent = time.monotonic()
        r = httpx.post(f"{server.url}/_fake/kill", json={"revive_after": 0.3})
        assert r.status_code == 200 and r.json() == {"killed": True}
        assert server.wait_for_revive(timeout=10)
        assert time.monotonic() - sent >= 0.3
        stats = httpx.get(f"{server.url}/_fake/stats").json()
        assert stats["dropped_connections"] == 1
        assert stats["requests"] == {"/api/chat": 1} and stats["served"] == {}
        assert all(not r.path.startswith("/_fake/") for r in server.requests)
        bad = httpx.post(f"{server.url}/_fake/kill", json={"revive_after": "soon"})
        assert bad.status_code == 400 and server.accepting


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="POSIX signals")
def test_cli_capacity_flags_and_kill_revive_signals() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    args = ["--port", "0", "--num-parallel", "2", "--max-queue", "0", "--request-seconds", "0.3"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ollama_lite.testing", *args, "--embed-seconds-per-text", "0.01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert httpx.get(f"{url}/_fake/capacity").json() == {
            "num_parallel": 2,
            "max_queue": 0,
            "request_seconds": 0.3,
            "embed_seconds_per_text": 0.01,
        }
        proc.send_signal(signal.SIGUSR1)
        wait_until(lambda: refused(url))
        proc.send_signal(signal.SIGUSR2)
        wait_until(lambda: not refused(url))
        body = {"model": "llama3.2", "messages": HI, "stream": False}
        statuses = [0] * 3

        def post(i: int) -> None:
            statuses[i] = httpx.post(f"{url}/api/chat", json=body, timeout=30).status_code

        threads = [threading.Thread(target=post, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        stats = httpx.get(f"{url}/_fake/stats").json()
        assert stats["max_running"] <= 2
        assert sorted(statuses).count(200) + stats["busy_responses"] == 3
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        proc.stdout.close()  # the pipe is ours to close (a ResourceWarning otherwise)
