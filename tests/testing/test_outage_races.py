"""Kill/revive orderings and races: stale revive timers, concurrent revives, taken ports, stats.

Some tests drive the server's loop directly (``server._loop``/``server._server``) to put two
operations in a precise order that the public API can only produce by chance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from ollama_lite.testing import FakeOllama
from ollama_lite.testing._uvicorn import Server


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


def loop_and_server(server: FakeOllama) -> tuple[asyncio.AbstractEventLoop, Server]:
    loop, uvicorn_server = server._loop, server._server
    assert loop is not None and uvicorn_server is not None
    return loop, uvicorn_server


@pytest.fixture
def server() -> Iterator[FakeOllama]:
    with FakeOllama() as fake:
        yield fake


def loop_passes(server: FakeOllama, seconds: float) -> None:
    """Return once the server's loop has run every timer due within `seconds` from now and
    every revive those started. No sleep: the loop runs timers in order of their due time,
    so one due later runs after them, whatever the load."""
    loop, uvicorn_server = loop_and_server(server)

    async def past() -> None:
        await asyncio.sleep(seconds)
        await asyncio.gather(*uvicorn_server._revivals, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(past(), loop).result(30)


@contextlib.contextmanager
def port_taken(host: str, port: int) -> Iterator[None]:
    """Another socket listening on the server's address (as another process would)."""
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind((host, port))
        blocker.listen(1)
        yield
    finally:
        blocker.close()


# -- a revive timer belongs to its own kill ---------------------------------------------------
@pytest.mark.parametrize("revive_first", [True, False])
def test_a_later_kill_is_not_undone_by_an_earlier_revive_after(
    server: FakeOllama, revive_first: bool
) -> None:
    server.kill(revive_after=0.3)
    if revive_first:
        server.revive()
        assert server.accepting
    server.kill()
    loop_passes(server, 0.3)  # past the first kill's timer
    assert not server.accepting and refused(server.url)
    server.revive()
    assert server.accepting and not refused(server.url)


def test_a_second_revive_after_replaces_the_first(server: FakeOllama) -> None:
    server.kill(revive_after=0.2)
    server.kill(revive_after=30)
    loop_passes(server, 0.2)  # past the first timer
    assert not server.accepting
    server.revive()
    assert server.accepting


# -- relisten is serialised and a kill during it wins -----------------------------------------
def test_concurrent_revives_listen_once(server: FakeOllama) -> None:
    loop, uvicorn_server = loop_and_server(server)
    server.kill()

    async def revive_twice() -> list[BaseException | None]:
        return await asyncio.gather(
            uvicorn_server.relisten(), uvicorn_server.relisten(), return_exceptions=True
        )

    results = asyncio.run_coroutine_threadsafe(revive_twice(), loop).result(10)
    assert results == [None, None]  # the second waited, saw it listening, did nothing
    assert server.accepting and httpx.get(server.url).status_code == 200


def test_a_kill_while_a_revive_is_starting_keeps_the_server_down(server: FakeOllama) -> None:
    loop, uvicorn_server = loop_and_server(server)
    server.kill()
    done = threading.Event()

    def revive_then_kill() -> None:
        # The relisten task binds, then yields inside create_server; the kill runs right then.
        task = loop.create_task(uvicorn_server.relisten())
        task.add_done_callback(lambda _: done.set())
        loop.call_soon(uvicorn_server.kill, True, None)

    loop.call_soon_threadsafe(revive_then_kill)
    assert done.wait(10)
    assert not server.accepting and refused(server.url)
    server.revive()
    assert server.accepting


# -- failures to listen again are reported, not lost ------------------------------------------
def test_revive_raises_a_clear_error_when_the_port_is_taken(server: FakeOllama) -> None:
    server.kill()
    with port_taken(server.host, server.port):
        with pytest.raises(RuntimeError, match=f"could not listen again on .*:{server.port}"):
            server.revive()
        assert not server.accepting
        assert server.revive_error is not None
    server.revive()
    assert server.accepting and server.revive_error is None
    assert httpx.get(server.url).status_code == 200


def test_a_failed_timed_revive_is_logged_and_kept(
    server: FakeOllama, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ollama_lite.testing")
    server.kill()
    with port_taken(server.host, server.port):
        server.kill(revive_after=0.05)
        wait_until(lambda: server.revive_error is not None)
        assert not server.accepting
    assert "could not listen again" in str(server.revive_error)
    # The warning is logged on the server's thread just after the error is stored.
    wait_until(lambda: any("could not listen again" in r.getMessage() for r in caplog.records))
    server.revive()
    assert server.accepting and server.revive_error is None


# -- statistics: reset and snapshot run on the loop, between updates --------------------------
def test_reset_stats_cannot_land_inside_an_update(server: FakeOllama) -> None:
    loop, _ = loop_and_server(server)
    counters = server._state.counters
    inside, release, written = threading.Event(), threading.Event(), threading.Event()

    def slow_increment() -> None:
        # What ``counters.busy_responses += 1`` does on the loop, with a thread switch
        # between its read and its write, stretched so that a reset can land in between.
        value = counters.busy_responses
        inside.set()
        release.wait(5)
        counters.busy_responses = value + 1
        written.set()

    loop.call_soon_threadsafe(slow_increment)
    assert inside.wait(5)
    resetter = threading.Thread(target=server.reset_stats)
    resetter.start()
    resetter.join(0.2)  # a reset not run on the loop would happen now, inside the update
    release.set()
    resetter.join(5)
    assert written.wait(5) and not resetter.is_alive()
    assert server.stats().busy_responses == 0  # the reset came after the update, not inside


def test_stats_work_before_start_and_after_stop() -> None:
    server = FakeOllama()
    server.reset_stats()
    assert server.stats().requests == {}
    with server:
        httpx.get(f"{server.url}/api/version")
        assert server.stats().requests == {"/api/version": 1}
    assert server.stats().requests == {"/api/version": 1}
    server.reset_stats()
    server.reset()
    assert server.stats().requests == {}
