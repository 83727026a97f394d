"""The fast path's client against real loopback servers, on asyncio, trio and sync:
keep-alive and its expiry, the dead-connection check, limits, timeouts, cancellation,
size limits, redirects and credentials."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import msgspec
import pytest

from ollama_lite._async.wire_client import AsyncWireClient
from ollama_lite._sync.wire_client import WireClient
from ollama_lite._wire.request import LeavesPlainHTTP
from ollama_lite.testing import FakeOllama

from ..reliability._rawserver import (
    RawConnection,
    RawServer,
    chunked_stream,
    client_sockets,
    http,
    no_client_sockets,
    silent,
    trickle,
)

HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
CHAT = msgspec.json.encode(
    {"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}], "stream": False}
)
STREAM = msgspec.json.encode(
    {"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}], "stream": True}
)
NDJSON = {"Accept": "application/x-ndjson"}


_OPEN: list[WireClient] = []


@pytest.fixture(autouse=True)
def _close_sync_clients() -> Iterator[None]:
    """Close the sync clients a test made, so no pooled socket outlives its test."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def client(url: str, **kwargs: object) -> WireClient:
    kwargs.setdefault("headers", HEADERS)
    kwargs.setdefault("timeout", 5.0)
    made = WireClient(url, **kwargs)  # type: ignore[arg-type]
    _OPEN.append(made)
    return made


def aclient(url: str, **kwargs: object) -> AsyncWireClient:
    kwargs.setdefault("headers", HEADERS)
    kwargs.setdefault("timeout", 5.0)
    return AsyncWireClient(url, **kwargs)  # type: ignore[arg-type]


# --- against the fake Ollama ------------------------------------------------------------


def test_sync_unary_and_stream_reuse_one_connection(fake: FakeOllama) -> None:
    wire = client(fake.url, headers={**HEADERS, "x-fake-reply-tokens": "50"})
    try:
        response = wire.request("POST", "/api/chat", body=CHAT)
        assert response.status_code == 200
        assert msgspec.json.decode(response.read())["done"] is True
        response.close()
        streamed = wire.request("POST", "/api/chat", body=STREAM, headers=NDJSON)
        assert streamed.headers["content-type"] == "application/x-ndjson"
        body = b"".join(streamed.stream)
        assert body.count(b"\n") == 51
        assert streamed.is_closed  # read to its end: back in the pool
        pool = next(iter(wire._pools.values()))
        assert pool.idle == 1
    finally:
        wire.close()


@pytest.mark.anyio
async def test_async_unary_and_stream_reuse_one_connection(fake: FakeOllama) -> None:
    wire = aclient(fake.url, headers={**HEADERS, "x-fake-reply-tokens": "50"})
    try:
        response = await wire.request("POST", "/api/chat", body=CHAT)
        assert msgspec.json.decode(await response.aread())["done"] is True
        await response.aclose()
        streamed = await wire.request("POST", "/api/chat", body=STREAM, headers=NDJSON)
        pieces = [piece async for piece in streamed.stream]
        assert b"".join(pieces).count(b"\n") == 51
        pool = next(iter(wire._pools.values()))
        assert pool.idle == 1
    finally:
        await wire.aclose()


@pytest.mark.anyio
async def test_async_concurrent_requests_share_the_pool(fake: FakeOllama) -> None:
    wire = aclient(fake.url, limits=httpx.Limits(max_connections=4, max_keepalive_connections=4))
    done = []

    async def worker() -> None:
        for _ in range(5):
            response = await wire.request("POST", "/api/chat", body=CHAT)
            done.append(msgspec.json.decode(await response.aread())["done"])

    try:
        async with anyio.create_task_group() as group:
            for _ in range(12):
                group.start_soon(worker)
        assert done == [True] * 60
        assert next(iter(wire._pools.values())).idle <= 4
    finally:
        await wire.aclose()


# --- keep-alive, expiry, dead connections -----------------------------------------------


def test_keep_alive_expires(raw: RawServer) -> None:
    wire = client(raw.url, limits=httpx.Limits(keepalive_expiry=0.05))
    try:
        for pause in (0, 0.2):
            time.sleep(pause)
            response = wire.request("GET", "/api/version")
            response.read()
        assert raw.accepted == 2
        wire.request("GET", "/api/version").read()
        assert raw.accepted == 2  # reused within the expiry
    finally:
        wire.close()


def closes_after_one(conn: RawConnection) -> None:
    request = conn.read_request()
    assert request is not None
    conn.respond(200, b'{"version":"1"}')
    conn.close()


@pytest.mark.anyio
async def test_async_a_connection_the_server_closed_is_not_reused(raw: RawServer) -> None:
    raw.default = closes_after_one
    wire = aclient(raw.url)
    try:
        for _ in range(3):
            response = await wire.request("GET", "/api/version")
            assert await response.aread() == b'{"version":"1"}'
            await anyio.sleep(0.05)  # the server's close arrives while the connection idles
        assert raw.accepted == 3
    finally:
        await wire.aclose()


def test_a_connection_the_server_closed_is_not_reused(raw: RawServer) -> None:
    raw.default = closes_after_one
    wire = client(raw.url)
    try:
        for _ in range(3):
            assert wire.request("GET", "/api/version").read() == b'{"version":"1"}'
            time.sleep(0.05)
        assert raw.accepted == 3
    finally:
        wire.close()


def extra_bytes(conn: RawConnection) -> None:
    conn.read_request()
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE")


def test_bytes_past_the_body_mean_the_connection_is_not_reused(raw: RawServer) -> None:
    raw.script(extra_bytes)
    wire = client(raw.url)
    try:
        assert wire.request("GET", "/").read() == b"ok"
        assert next(iter(wire._pools.values())).idle == 0
        assert no_client_sockets(raw.port)
    finally:
        wire.close()


# --- limits and timeouts ---------------------------------------------------------------


@pytest.mark.anyio
async def test_async_pool_limit_waits_then_times_out(raw: RawServer) -> None:
    raw.default = chunked_stream([b"{}\n"], then="silence")
    limits = httpx.Limits(max_connections=1)
    wire = aclient(raw.url, limits=limits, timeout=httpx.Timeout(5.0, pool=0.2))
    try:
        held = await wire.request("POST", "/api/chat", body=STREAM)
        started = time.monotonic()
        with pytest.raises(httpx.PoolTimeout):
            await wire.request("POST", "/api/chat", body=STREAM)
        assert 0.15 < time.monotonic() - started < 2
        await held.aclose()  # frees the slot (closing the unfinished stream's socket)
        again = await wire.request("POST", "/api/chat", body=STREAM)
        await again.aclose()
    finally:
        await wire.aclose()
    assert no_client_sockets(raw.port)


def test_pool_limit_waits_then_times_out(raw: RawServer) -> None:
    raw.default = chunked_stream([b"{}\n"], then="silence")
    wire = client(
        raw.url, limits=httpx.Limits(max_connections=1), timeout=httpx.Timeout(5.0, pool=0.2)
    )
    try:
        held = wire.request("POST", "/api/chat", body=STREAM)
        with pytest.raises(httpx.PoolTimeout):
            wire.request("POST", "/api/chat", body=STREAM)
        held.close()
        wire.request("POST", "/api/chat", body=STREAM).close()
    finally:
        wire.close()
    assert no_client_sockets(raw.port)


def test_connection_refused_is_a_connect_error() -> None:
    with RawServer(listen=False) as closed:
        port = closed.port
    wire = client(f"http://127.0.0.1:{port}")
    with pytest.raises(httpx.ConnectError):
        wire.request("GET", "/")


@pytest.mark.anyio
async def test_async_connection_refused_is_a_connect_error() -> None:
    with RawServer(listen=False) as closed:
        port = closed.port
    with pytest.raises(httpx.ConnectError):
        await aclient(f"http://127.0.0.1:{port}").request("GET", "/")


@pytest.mark.anyio
async def test_async_read_timeout_is_the_longest_silence(raw: RawServer) -> None:
    body = b'{"version":"0.1.0"}'
    response = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    raw.script(trickle(response, 0.01), silent())
    wire = aclient(raw.url, timeout=httpx.Timeout(0.3, connect=5.0))
    try:
        # ~0.6 s in total, but never 0.3 s without a byte: no timeout.
        assert await (await wire.request("GET", "/api/version")).aread() == body
        await anyio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await wire.request("GET", "/api/version")
        assert 0.25 < time.monotonic() - started < 2
    finally:
        await wire.aclose()
    assert no_client_sockets(raw.port)


def test_read_timeout_is_the_longest_silence(raw: RawServer) -> None:
    body = b'{"version":"0.1.0"}'
    response = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    raw.script(trickle(response, 0.01), silent())
    wire = client(raw.url, timeout=httpx.Timeout(0.3, connect=5.0))
    try:
        assert wire.request("GET", "/api/version").read() == body
        with pytest.raises(httpx.ReadTimeout):
            wire.request("GET", "/api/version")
    finally:
        wire.close()
    assert no_client_sockets(raw.port)


@pytest.mark.anyio
async def test_async_cancellation_closes_the_socket(raw: RawServer) -> None:
    raw.script(silent(), chunked_stream([b"{}\n"], then="silence"))
    wire = aclient(raw.url)
    try:
        with anyio.move_on_after(0.1):
            await wire.request("GET", "/api/version")  # waits for a head that never comes
        assert no_client_sockets(raw.port)
        stream = await wire.request("POST", "/api/chat", body=STREAM)
        with anyio.move_on_after(0.1):
            async for _ in stream.stream:
                pass  # one line, then silence: cancelled while waiting for more
        assert no_client_sockets(raw.port)
    finally:
        await wire.aclose()


# --- size limits and broken framing -----------------------------------------------------


def endless_headers(conn: RawConnection) -> None:
    conn.read_request()
    conn.send(b"HTTP/1.1 200 OK\r\n")
    for _ in range(2000):
        conn.send(b"X-Filler: " + b"y" * 100 + b"\r\n")


def test_an_endless_head_is_cut(raw: RawServer) -> None:
    raw.script(endless_headers)
    with pytest.raises(httpx.RemoteProtocolError, match="head exceeds"):
        client(raw.url).request("GET", "/")
    assert no_client_sockets(raw.port)


@pytest.mark.parametrize("then", ["close", "truncate", "garbage", "reset"])
def test_broken_chunked_bodies(raw: RawServer, then: str) -> None:
    raw.script(chunked_stream([b"{}\n", b"{}\n"], then=then))
    wire = client(raw.url)
    response = wire.request("POST", "/api/chat", body=STREAM)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        for _ in response.stream:
            pass
    assert response.is_closed
    assert no_client_sockets(raw.port)


def test_short_content_length_body(raw: RawServer) -> None:
    def short(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
        conn.close()

    raw.script(short)
    with pytest.raises(httpx.RemoteProtocolError, match="Content-Length"):
        client(raw.url).request("GET", "/").read()


def test_a_body_until_close_and_http_1_0(raw: RawServer) -> None:
    def until_close(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.0 200 OK\r\n\r\nall of it")
        conn.close()

    raw.script(until_close)
    wire = client(raw.url)
    assert wire.request("GET", "/").read() == b"all of it"
    assert next(iter(wire._pools.values())).idle == 0


def test_interim_100_continue_is_skipped(raw: RawServer) -> None:
    def interim(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    raw.script(interim)
    assert client(raw.url).request("POST", "/", body=b"{}").read() == b"ok"


# --- redirects and credentials ----------------------------------------------------------


def redirecting(status: int, location: str) -> object:
    def route(request: object) -> tuple[int, list[tuple[str, str]], bytes]:
        path = getattr(request, "path", "")
        if path == "/final":
            return 200, [], b'{"ok":true}'
        return status, [("Location", location)], b""

    return http(route)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_same_host_redirects_keep_credentials(raw: RawServer, status: int) -> None:
    raw.default = redirecting(status, "/final")  # type: ignore[assignment]
    wire = client(raw.url, headers={**HEADERS, "Authorization": "Bearer secret"})
    response = wire.request("POST", "/api/chat", body=CHAT)
    assert response.read() == b'{"ok":true}'
    _, second = raw.requests
    assert second.path == "/final"
    assert second.headers["authorization"] == "Bearer secret"
    assert second.method == ("POST" if status in (307, 308) else "GET")
    assert second.body == (CHAT if status in (307, 308) else b"")
    assert raw.accepted == 1  # one kept-alive connection for both hops


@pytest.mark.anyio
async def test_async_a_redirect_to_another_origin_is_left_to_httpx(raw: RawServer) -> None:
    # Another host or port: whether credentials and proxies apply there is httpx's call.
    raw.default = redirecting(307, f"http://localhost:{raw.port}/x")  # type: ignore[assignment]
    wire = aclient(raw.url, headers={**HEADERS, "Authorization": "Bearer secret"})
    try:
        with pytest.raises(LeavesPlainHTTP) as caught:
            await wire.request("POST", "/api/chat", body=CHAT)
    finally:
        await wire.aclose()
    assert caught.value.url == f"http://localhost:{raw.port}/x"
    assert len(raw.requests) == 1


def test_a_redirect_to_https_is_left_to_httpx(raw: RawServer) -> None:
    raw.default = redirecting(308, "https://127.0.0.1:1/x")  # type: ignore[assignment]
    with pytest.raises(LeavesPlainHTTP) as caught:
        client(raw.url).request("GET", "/")
    assert caught.value.url == "https://127.0.0.1:1/x"


def test_a_redirect_loop_ends(raw: RawServer) -> None:
    raw.default = redirecting(302, "/again")  # type: ignore[assignment]
    with pytest.raises(httpx.TooManyRedirects):
        client(raw.url).request("GET", "/")


def test_redirects_not_followed_when_turned_off(raw: RawServer) -> None:
    raw.default = redirecting(302, "/final")  # type: ignore[assignment]
    response = client(raw.url, follow_redirects=False).request("GET", "/")
    assert response.status_code == 302
    assert response.headers["location"] == "/final"
    response.close()


def test_a_path_prefix_in_the_base_url(raw: RawServer) -> None:
    wire = client(raw.url + "/ollama/")
    wire.request("GET", "/api/version").read()
    assert raw.requests[0].path == "/ollama/api/version"
    assert raw.requests[0].headers["host"] == f"127.0.0.1:{raw.port}"


def test_no_socket_is_left_after_close(raw: RawServer) -> None:
    wire = client(raw.url)
    for _ in range(3):
        wire.request("GET", "/").read()
    assert client_sockets(raw.port) == 1
    wire.close()
    assert no_client_sockets(raw.port)


@pytest.mark.anyio
async def test_async_a_slow_consumer_is_not_a_read_timeout(raw: RawServer) -> None:
    # The read timeout counts only while waiting for the server: a caller that takes longer
    # than it between two reads (while the next lines are already there) is fine.
    raw.script(chunked_stream([b"{}\n"] * 4, then="finish", interval=0.01))
    wire = aclient(raw.url, timeout=httpx.Timeout(0.2, connect=5.0))
    try:
        stream = await wire.request("POST", "/api/chat", body=STREAM)
        pieces = []
        async for piece in stream.stream:
            pieces.append(piece)
            await anyio.sleep(0.3)
        assert b"".join(pieces) == b"{}\n" * 4
        # The same connection again: the server reads no more requests, so this waits for a
        # head that never comes, and the (re-armed) timer ends the wait.
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await wire.request("POST", "/api/chat", body=STREAM)
        assert 0.15 < time.monotonic() - started < 2
        assert raw.accepted == 1
    finally:
        await wire.aclose()


@pytest.mark.anyio
async def test_async_a_streamed_body_goes_out_with_its_length(raw: RawServer) -> None:
    async def parts() -> AsyncIterator[bytes]:
        for piece in (b"a" * 70_000, b"b" * 10, b"c"):
            yield piece

    wire = aclient(raw.url)
    try:
        headers = {"Content-Length": "70011", "Content-Type": "application/octet-stream"}
        response = await wire.request("POST", "/api/blobs/x", headers=headers, content=parts())
        await response.aread()
    finally:
        await wire.aclose()
    (request,) = raw.requests
    assert request.body == b"a" * 70_000 + b"b" * 10 + b"c"
    assert request.headers["content-length"] == "70011"
    assert request.headers["content-type"] == "application/octet-stream"
