"""Byte-level faults on real sockets: each raises the documented typed error within its
timeout, leaves no socket open in the client, and the next request on the same client works.
"""

from __future__ import annotations

import builtins
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import msgspec
import pytest

import ollama_lite
from ollama_lite import (
    AsyncClient,
    Client,
    ConnectError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)

from ._rawserver import (
    RawConnection,
    RawServer,
    chunked_stream,
    client_sockets,
    close_after_headers,
    close_before_status,
    http_response,
    no_client_sockets,
    reset_before_status,
    silent,
    trickle,
    wait_until,
)

MSGS = [{"role": "user", "content": "hi"}]
MARGIN = 2.0  # seconds of slack on top of a timeout, for a loaded CI machine


def line(content: str, done: bool = False) -> bytes:
    body = {"model": "m", "message": {"role": "assistant", "content": content}, "done": done}
    return msgspec.json.encode(body) + b"\n"


@dataclass(frozen=True)
class Case:
    """A misbehaving connection and what the client must make of it."""

    behaviour: Callable[[], Callable[..., None]]
    stream: bool
    error: type[Exception]
    not_error: tuple[type[Exception], ...] = ()
    parts: tuple[str, ...] = ()
    timeout: float = 5.0


BEFORE_RESPONSE = (ConnectError, StreamInterrupted, TimeoutError)
CASES = {
    # The request went out but no response started: a TransportError, but not a ConnectError
    # (something answered; "start ollama serve" would mislead) and not StreamInterrupted.
    "close-before-status-line": Case(close_before_status, False, TransportError, BEFORE_RESPONSE),
    "close-before-status-line-stream": Case(
        close_before_status, True, TransportError, BEFORE_RESPONSE
    ),
    "reset-before-status-line": Case(reset_before_status, False, TransportError, BEFORE_RESPONSE),
    "reset-before-status-line-stream": Case(
        reset_before_status, True, TransportError, BEFORE_RESPONSE
    ),
    # The response started: StreamInterrupted (and it is never replayed).
    "close-after-headers": Case(close_after_headers, False, StreamInterrupted),
    "close-after-headers-partial-body": Case(
        lambda: close_after_headers(1000, b'{"versi'), False, StreamInterrupted
    ),
    "close-after-headers-stream": Case(close_after_headers, True, StreamInterrupted),
    "close-mid-chunked-stream": Case(
        lambda: chunked_stream([line("a"), line("b")]), True, StreamInterrupted, (), ("a", "b")
    ),
    "close-mid-chunked-unary": Case(
        lambda: chunked_stream([b'{"version":']), False, StreamInterrupted
    ),
    "truncated-chunk": Case(
        lambda: chunked_stream([line("a")], "truncate"), True, StreamInterrupted, (), ("a",)
    ),
    "invalid-chunk-size": Case(
        lambda: chunked_stream([line("a")], "garbage"), True, StreamInterrupted, (), ("a",)
    ),
    "reset-mid-stream": Case(
        lambda: chunked_stream([line("a")], "reset"), True, StreamInterrupted, (), ("a",)
    ),
    # Silence: a read timeout, raised within the timeout (and not retried).
    "silent-after-request": Case(silent, False, TimeoutError, timeout=0.25),
    "silent-after-request-stream": Case(silent, True, TimeoutError, timeout=0.25),
    "silent-never-reads": Case(lambda: silent(read=False), False, TimeoutError, timeout=0.25),
    "silent-mid-stream": Case(
        lambda: chunked_stream([line("a")], "silence"), True, TimeoutError, (), ("a",), 0.25
    ),
}


def check_error(case: Case, error: BaseException, parts: list[str], elapsed: float) -> None:
    assert isinstance(error, case.error), repr(error)
    assert not isinstance(error, case.not_error), repr(error)
    assert isinstance(error, ollama_lite.OllamaError)
    if case.error is TimeoutError:
        assert isinstance(error, builtins.TimeoutError)
    assert tuple(parts) == case.parts
    assert elapsed < case.timeout + MARGIN, f"took {elapsed:.2f}s with timeout {case.timeout}s"


@pytest.mark.parametrize("name", list(CASES))
def test_sync_fault(raw: RawServer, name: str) -> None:
    case = CASES[name]
    raw.script(case.behaviour())
    client = Client(raw.url, max_retries=0, timeout=case.timeout)
    parts: list[str] = []
    started = time.monotonic()
    with pytest.raises(ollama_lite.OllamaError) as info:
        if case.stream:
            stream = client.chat("m", MSGS, stream=True)
            for part in stream:
                parts.append(part.message.content)
        else:
            client.version()
    check_error(case, info.value, parts, time.monotonic() - started)
    # The broken connection is closed by the client itself, while the client lives on.
    assert no_client_sockets(raw.port), f"{client_sockets(raw.port)} socket(s) left open"
    assert raw.wait_for_connections(0)
    assert raw.accepted == 1  # not retried
    # The same client works for the next request (with a timeout that a loaded machine meets).
    assert client.version(timeout=MARGIN * 5).version == "0.12.6"
    client.close()
    assert no_client_sockets(raw.port)


@pytest.mark.anyio
@pytest.mark.parametrize("name", list(CASES))
async def test_async_fault(raw: RawServer, name: str) -> None:
    case = CASES[name]
    raw.script(case.behaviour())
    client = AsyncClient(raw.url, max_retries=0, timeout=case.timeout)
    parts: list[str] = []
    started = time.monotonic()
    with pytest.raises(ollama_lite.OllamaError) as info:
        if case.stream:
            stream = await client.chat("m", MSGS, stream=True)
            async for part in stream:  # no `async with`: the stream closes itself on error
                parts.append(part.message.content)
        else:
            await client.version()
    check_error(case, info.value, parts, time.monotonic() - started)
    assert no_client_sockets(raw.port), f"{client_sockets(raw.port)} socket(s) left open"
    assert raw.wait_for_connections(0)
    assert raw.accepted == 1
    assert (await client.version(timeout=MARGIN * 5)).version == "0.12.6"
    await client.close()
    assert no_client_sockets(raw.port)


# --- connection refused and connect timeout -------------------------------------------------


def test_connection_refused_is_retried_then_connect_error(sync_sleeps: list[float]) -> None:
    # A bound socket that does not listen refuses connections; listening later brings the
    # "server" up on the same port, so the same client can be tried again.
    server = RawServer(listen=False)
    try:
        client = Client(server.url, max_retries=2, timeout=5)
        with pytest.raises(ConnectError) as info:
            client.chat("m", MSGS)
        assert isinstance(info.value, builtins.ConnectionError)
        assert server.url in str(info.value) and info.value.url == server.url
        assert len(sync_sleeps) == 2 and all(0 < s <= 8 for s in sync_sleeps)
        assert client_sockets(server.port) == 0
        server.listen()
        assert client.version().version == "0.12.6"
        client.close()
        assert no_client_sockets(server.port)
    finally:
        server.close()


@pytest.mark.anyio
async def test_async_connection_refused(async_sleeps: list[float]) -> None:
    server = RawServer(listen=False)
    try:
        client = AsyncClient(server.url, max_retries=1)
        with pytest.raises(ConnectError):
            await client.chat("m", MSGS, stream=True)
        assert len(async_sleeps) == 1
        assert client_sockets(server.port) == 0
        server.listen()
        assert (await client.version()).version == "0.12.6"
        await client.close()
        assert no_client_sockets(server.port)
    finally:
        server.close()


def fill_backlog(server: RawServer) -> list[socket.socket]:
    """Connections that fill the accept queue of a server that does not accept; the next
    SYN is then dropped and a connect hangs. Skips when the kernel does not behave so."""
    fillers: list[socket.socket] = []
    for _ in range(16):
        sock = socket.socket()
        sock.settimeout(0.2)
        try:
            sock.connect(("127.0.0.1", server.port))
        except OSError:
            sock.close()
            return fillers
        fillers.append(sock)
    for sock in fillers:
        sock.close()
    pytest.skip("the loopback accept queue never filled: cannot provoke a connect timeout")


@pytest.mark.parametrize("retries", [0, 1])
def test_connect_timeout(retries: int, sync_sleeps: list[float]) -> None:
    server = RawServer(backlog=0, accepting=False)
    fillers = fill_backlog(server)
    try:
        client = Client(server.url, max_retries=retries, timeout=httpx.Timeout(5, connect=0.3))
        started = time.monotonic()
        with pytest.raises(TimeoutError) as info:
            client.version()
        elapsed = time.monotonic() - started
        assert isinstance(info.value, builtins.TimeoutError) and "connect" in str(info.value)
        assert elapsed < 0.3 * (retries + 1) + MARGIN
        assert len(sync_sleeps) == retries  # connect failures are retried per policy
        assert client_sockets(server.port) == len(fillers)  # only ours: the client's is closed
        server.accepting.set()  # the server wakes up: the same client now gets through
        assert wait_until(lambda: server.accepted >= len(fillers))
        assert client.version().version == "0.12.6"
        client.close()
    finally:
        for sock in fillers:
            sock.close()
        server.close()
    assert no_client_sockets(server.port)


@pytest.mark.anyio
async def test_async_connect_timeout() -> None:
    server = RawServer(backlog=0, accepting=False)
    fillers = fill_backlog(server)
    try:
        client = AsyncClient(server.url, max_retries=0, timeout=httpx.Timeout(5, connect=0.3))
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await client.version()
        assert time.monotonic() - started < 0.3 + MARGIN
        assert client_sockets(server.port) == len(fillers)
        server.accepting.set()
        assert wait_until(lambda: server.accepted >= len(fillers))
        assert (await client.version()).version == "0.12.6"
        await client.close()
    finally:
        for sock in fillers:
            sock.close()
        server.close()
    assert no_client_sockets(server.port)


# --- read-timeout semantics: the longest silence, not a deadline ----------------------------

# A short response, so trickling it byte by byte stays quick.
SHORT = http_response(200, [], b'{"version":"9.9.9"}')
READ_TIMEOUT = 1.0
# Far under the read timeout: the trickling thread may be held up for most of a second on a
# loaded machine without a gap the client should time out on. SHORT takes 1.7 s in all.
BYTE_EVERY = 0.03


def test_trickled_response_does_not_time_out(raw: RawServer) -> None:
    raw.script(trickle(SHORT, BYTE_EVERY))
    with Client(raw.url, max_retries=0, timeout=READ_TIMEOUT) as client:
        started = time.monotonic()
        assert client.version().version == "9.9.9"
        elapsed = time.monotonic() - started
    # The response took longer than the read timeout in total: each byte reset it.
    assert elapsed > 1.5 * READ_TIMEOUT, f"only {elapsed:.2f}s: the trickle was not slow enough"


@pytest.mark.anyio
async def test_async_trickled_response_does_not_time_out(raw: RawServer) -> None:
    raw.script(trickle(SHORT, BYTE_EVERY))
    async with AsyncClient(raw.url, max_retries=0, timeout=READ_TIMEOUT) as client:
        started = time.monotonic()
        assert (await client.version()).version == "9.9.9"
        assert time.monotonic() - started > 1.5 * READ_TIMEOUT


def test_stream_with_slow_tokens_does_not_time_out(raw: RawServer) -> None:
    # A line every 0.1 s against a 1 s read timeout: a gap the client should time out on
    # would need the server's thread held up for most of a second.
    lines = [line(f"t{i}") for i in range(12)] + [line("", True)]
    raw.script(chunked_stream(lines, "finish", interval=0.1))
    with Client(raw.url, max_retries=0, timeout=1.0) as client:
        started = time.monotonic()
        parts = [p.message.content for p in client.chat("m", MSGS, stream=True)]
        elapsed = time.monotonic() - started
    assert parts == [f"t{i}" for i in range(12)] + [""]
    assert elapsed > 1.0  # longer than the read timeout in total, never silent that long


def test_a_gap_longer_than_the_read_timeout_times_out(raw: RawServer) -> None:
    # 30 bytes of the status line, then 3 s of silence with a 0.3 s read timeout.
    raw.script(trickle(SHORT, 0.005, gap_after=30, gap=3.0))
    client = Client(raw.url, max_retries=0, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError) as info:
        client.version()
    elapsed = time.monotonic() - started
    assert "read timeout" in str(info.value)
    assert elapsed < 0.3 + 0.2 + MARGIN and elapsed < 3.0  # raised before the gap ended
    assert no_client_sockets(raw.port)
    assert client.version().version == "0.12.6"
    client.close()


@pytest.mark.anyio
async def test_async_gap_longer_than_the_read_timeout_times_out(raw: RawServer) -> None:
    raw.script(trickle(SHORT, 0.005, gap_after=30, gap=3.0))
    client = AsyncClient(raw.url, max_retries=0, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await client.version()
    assert time.monotonic() - started < 3.0
    assert no_client_sockets(raw.port)
    assert (await client.version()).version == "0.12.6"
    await client.close()


def answer_once_then_close_when_idle(conn: RawConnection) -> None:
    """Answer one request (keep-alive), then close the idle connection, as servers do when
    their keep-alive timeout expires."""
    conn.read_request()
    conn.respond(200, b'{"version":"1.0.0"}')
    time.sleep(0.05)
    conn.close()


def test_a_pooled_connection_closed_by_the_server_is_not_reused(raw: RawServer) -> None:
    raw.script(answer_once_then_close_when_idle)
    with Client(raw.url, max_retries=0) as client:
        assert client.version().version == "1.0.0"
        # Closed by the server, so its FIN is in the client's pooled socket (on loopback the
        # close delivers it): no waiting for it to arrive.
        assert wait_until(lambda: raw.accepted == 1 and raw.open_connections == 0)
        assert client.version().version == "0.12.6"  # a fresh connection, no error
    assert raw.accepted == 2
    assert no_client_sockets(raw.port)


@pytest.mark.anyio
async def test_async_pooled_connection_closed_by_the_server_is_not_reused(raw: RawServer) -> None:
    raw.script(answer_once_then_close_when_idle)
    async with AsyncClient(raw.url, max_retries=0) as client:
        assert (await client.version()).version == "1.0.0"
        assert wait_until(lambda: raw.accepted == 1 and raw.open_connections == 0)
        assert (await client.version()).version == "0.12.6"
    assert raw.accepted == 2
