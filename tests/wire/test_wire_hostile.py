"""Whatever bytes a server sends, the fast path raises only httpx's transport errors (which
the clients map to `OllamaError`s), or returns a body, and leaves no socket open."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ollama_lite._async.wire_client import AsyncWireClient
from ollama_lite._sync.wire_client import WireClient
from ollama_lite._wire.request import LeavesPlainHTTP

from ..reliability._rawserver import RawConnection, RawServer, no_client_sockets

status_lines = st.sampled_from(
    [b"HTTP/1.1 200 OK", b"HTTP/1.0 200 OK", b"HTTP/1.1 503", b"HTTP/1.1 302 Found",
     b"HTTP/1.1 100 Continue", b"HTTP/1.1 204 No Content", b"HTTP/9 200 OK", b"garbage", b""]
)  # fmt: skip
header_lines = st.lists(
    st.sampled_from(
        [b"Content-Length: 5", b"Content-Length: 99", b"Content-Length: -1", b"Content-Length: x",
         b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip", b"Connection: close",
         b"Location: /elsewhere", b"Location: https://127.0.0.1:1/", b": no name", b"X: \x00"]
    )
    | st.binary(max_size=30),
    max_size=5,
)  # fmt: skip
bodies = st.sampled_from(
    [b"", b"hello", b"5\r\nhello\r\n0\r\n\r\n", b"zz\r\n", b"3\r\nab", b"ffffffff\r\nxx"]
) | st.binary(max_size=64)  # fmt: skip


def respond(payload: list[bytes]) -> object:
    def behaviour(conn: RawConnection) -> None:
        conn.read_request()
        conn.send(payload[0])
        conn.close()

    return behaviour


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(status=status_lines, headers=header_lines, body=bodies, crlf=st.booleans())
def test_only_transport_errors_escape(
    raw: RawServer, status: bytes, headers: list[bytes], body: bytes, crlf: bool
) -> None:
    sep = b"\r\n" if crlf else b"\n"
    payload = [sep.join([status, *headers]) + sep + sep + body]
    raw.default = respond(payload)  # type: ignore[assignment]
    wire = WireClient(raw.url, headers={}, timeout=2.0, follow_redirects=True)
    try:
        response = wire.request("POST", "/api/chat", body=b"{}")
        response.read()
    except Exception as exc:
        assert isinstance(exc, (httpx.TransportError, httpx.TooManyRedirects, LeavesPlainHTTP)), exc
    finally:
        wire.close()
    assert no_client_sockets(raw.port)


@pytest.mark.anyio
async def test_async_garbage_is_a_protocol_error_and_closes(raw: RawServer) -> None:
    raw.default = respond([b"\x00\xff garbage \r\n\r\n"])  # type: ignore[assignment]
    wire = AsyncWireClient(raw.url, headers={}, timeout=2.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await wire.request("GET", "/")
    assert no_client_sockets(raw.port)
