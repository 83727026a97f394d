"""Hostile or careless servers: whatever bytes arrive, only `OllamaError`s escape, and an
enormous line or error body cannot make the client allocate without bound."""

from __future__ import annotations

import inspect
import tracemalloc
from collections.abc import Callable
from typing import Any
from unittest import mock

import anyio
import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import ollama_lite
from ollama_lite import (
    AsyncClient,
    Client,
    InvalidResponseError,
    OllamaError,
    ResponseError,
    StreamError,
)
from ollama_lite._ndjson import NDJSONDecoder
from ollama_lite.types import (
    ChatResponse,
    EmbeddingsResponse,
    EmbedResponse,
    GenerateResponse,
    ListResponse,
    ProcessResponse,
    ProgressResponse,
    ShowResponse,
    StatusResponse,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)

from ._rawserver import Flood, RawServer, no_client_sockets

MSGS = [{"role": "user", "content": "hi"}]
MiB = 1024 * 1024

# --- strategies ---------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)

CHAT = {
    "model": "m",
    "created_at": "2024-01-01T00:00:00Z",
    "message": {"role": "assistant", "content": "hi"},
    "done": False,
}
VALID: dict[str, dict[str, Any]] = {
    "chat": {**CHAT, "done": True},
    "generate": {"model": "m", "created_at": "2024-01-01T00:00:00Z", "response": "hi"},
    "embed": {"model": "m", "embeddings": [[0.1, 0.2]]},
    "embeddings": {"embedding": [0.1, 0.2]},
    "list": {"models": [{"name": "m", "model": "m", "size": 1, "digest": "d"}]},
    "show": {"template": "", "capabilities": ["completion"], "model_info": {"a": 1}},
    "ps": {"models": [{"model": "m", "size": 1}]},
    "version": {"version": "0.12.6"},
    "progress": {"status": "pulling", "digest": "sha256:0", "total": 2, "completed": 1},
    "status": {"status": "success"},
    "web_search": {"results": [{"title": "t", "url": "u", "content": "c"}]},
    "web_fetch": {"title": "t", "content": "c", "links": []},
}


@st.composite
def mutated(draw: st.DrawFn, kind: str | None = None) -> bytes:
    """A valid body of some endpoint with one field replaced by arbitrary JSON."""
    base = dict(VALID[kind] if kind else draw(st.sampled_from(list(VALID.values()))))
    key = draw(st.sampled_from(sorted(base)))
    base[key] = draw(json_values)
    return msgspec.json.encode(base)


def encode_json(value: Any) -> bytes:
    return msgspec.json.encode(value)


bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(encode_json),
    mutated(),
    st.lists(st.one_of(json_values.map(encode_json), mutated()), max_size=4).map(
        lambda lines: b"\n".join(lines)
    ),
    st.sampled_from(list(VALID.values())).map(encode_json),
)
statuses = st.one_of(
    st.just(200),
    st.sampled_from([201, 204, 301, 302, 307, 308, 400, 401, 403, 404, 429, 500, 502, 503]),
    st.integers(200, 599),
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
headers = st.fixed_dictionaries(
    {},
    optional={
        "content-type": st.sampled_from(
            ["application/json", "application/x-ndjson", "text/html", "text/plain; charset=x"]
        ),
        "content-encoding": st.sampled_from(["gzip", "deflate", "br", "identity", "bogus"]),
        "retry-after": st.one_of(
            header_text,
            st.sampled_from(
                [
                    "0",
                    "1.5",
                    "-3",
                    "nan",
                    "inf",
                    "1e400",
                    "Wed, 21 Oct 2015 07:28:00 GMT",
                    "Mon, 01 Jan 99999 00:00:00 GMT",
                ]
            ),
        ),
        "location": st.sampled_from(["/api/other", "http://127.0.0.1:1/x", "", "::::"]),
    },
)

# --- the NDJSON decoder ---------------------------------------------------------------------


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return [p for p in pieces if p]


def decode_all(
    tp: type[Any], pieces: list[bytes], max_line_bytes: int = 32 * MiB
) -> tuple[list[Any], OllamaError | None]:
    decoder = NDJSONDecoder(tp, max_line_bytes=max_line_bytes)
    items: list[Any] = []
    for piece in pieces:
        items += decoder.feed(piece)
    items += decoder.flush()
    return items, decoder.pending


TYPES = [ChatResponse, GenerateResponse, ProgressResponse]


@pytest.mark.path_independent
@settings(max_examples=300, deadline=None)
@given(
    data=st.one_of(bodies, st.binary(max_size=500)),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
    tp=st.sampled_from(TYPES),
)
def test_decoder_only_ever_reports_ollama_errors(
    data: bytes, cuts: list[int], tp: type[Any]
) -> None:
    items, pending = decode_all(tp, split(data, cuts))  # must not raise
    assert all(isinstance(item, tp) for item in items)
    assert pending is None or isinstance(pending, (InvalidResponseError, StreamError))


@pytest.mark.path_independent
@settings(max_examples=200, deadline=None)
@given(data=st.one_of(bodies, st.binary(max_size=500)), cuts=st.lists(st.integers(0, 10_000)))
def test_decoder_result_does_not_depend_on_how_bytes_arrive(data: bytes, cuts: list[int]) -> None:
    whole, whole_error = decode_all(ChatResponse, [data])
    pieces, pieces_error = decode_all(ChatResponse, split(data, cuts))
    assert pieces == whole
    assert type(pieces_error) is type(whole_error)


chat_parts = st.builds(
    lambda content, done, thinking: {
        **CHAT,
        "message": {"role": "assistant", "content": content, "thinking": thinking},
        "done": done,
    },
    st.text(max_size=40),
    st.booleans(),
    st.none() | st.text(max_size=10),
)


@pytest.mark.path_independent
@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(chat_parts, min_size=1, max_size=8),
    endings=st.lists(st.sampled_from([b"\n", b"\r\n", b"\n\n", b"\n \n"]), min_size=8, max_size=8),
    final_newline=st.booleans(),
    cuts=st.lists(st.integers(0, 10_000), max_size=10),
)
def test_decoder_roundtrips_valid_streams_in_any_pieces(
    parts: list[dict[str, Any]], endings: list[bytes], final_newline: bool, cuts: list[int]
) -> None:
    data = b"".join(encode_json(p) + endings[i] for i, p in enumerate(parts))
    if not final_newline:
        data = data.rstrip(b"\r\n ")
    items, pending = decode_all(ChatResponse, split(data, cuts))
    assert pending is None
    assert [(i.message.content, i.message.thinking, i.done) for i in items] == [
        (p["message"]["content"], p["message"]["thinking"], p["done"]) for p in parts
    ]


@pytest.mark.path_independent
@pytest.mark.parametrize("piece", [10, 60, 10_000], ids=["10-byte-pieces", "two-pieces", "whole"])
def test_a_line_longer_than_max_line_bytes_is_rejected_however_it_arrives(piece: int) -> None:
    """The limit is documented as the longest line accepted: whether a 150-byte line with a
    64-byte limit is accepted must not depend on how TCP happened to split it."""
    line = encode_json({**CHAT, "message": {"role": "assistant", "content": "x" * 100}}) + b"\n"
    assert len(line) > 2 * 64
    pieces = [line[i : i + piece] for i in range(0, len(line), piece)]
    items, pending = decode_all(ChatResponse, pieces, max_line_bytes=64)
    assert items == []
    assert isinstance(pending, InvalidResponseError) and "max_line_bytes" in str(pending)


# --- any response, through the client ----------------------------------------------------

DIGEST = "sha256:" + "0" * 64
Call = Callable[[Any], Any]
CALLS: dict[str, tuple[Call, Any]] = {
    "chat": (lambda c: c.chat("m", MSGS), ChatResponse),
    "chat-stream": (lambda c: c.chat("m", MSGS, stream=True), ChatResponse),
    "generate": (lambda c: c.generate("m", "p"), GenerateResponse),
    "generate-stream": (lambda c: c.generate("m", "p", stream=True), GenerateResponse),
    "embed": (lambda c: c.embed("m", ["a", "b"]), EmbedResponse),
    "embeddings": (lambda c: c.embeddings("m", "a"), EmbeddingsResponse),
    "list": (lambda c: c.list(), ListResponse),
    "show": (lambda c: c.show("m"), ShowResponse),
    "ps": (lambda c: c.ps(), ProcessResponse),
    "version": (lambda c: c.version(), VersionResponse),
    "copy": (lambda c: c.copy("a", "b"), StatusResponse),
    "delete": (lambda c: c.delete("m"), StatusResponse),
    "pull": (lambda c: c.pull("m"), ProgressResponse),
    "pull-stream": (lambda c: c.pull("m", stream=True), ProgressResponse),
    "push-stream": (lambda c: c.push("ns/m", stream=True), ProgressResponse),
    "create": (lambda c: c.create("m2", from_="m"), ProgressResponse),
    "create-stream": (lambda c: c.create("m2", from_="m", stream=True), ProgressResponse),
    "blob_exists": (lambda c: c.blob_exists(DIGEST), bool),
    "web_search": (lambda c: c.web_search("q"), WebSearchResponse),
    "web_fetch": (lambda c: c.web_fetch("https://example.com"), WebFetchResponse),
}


class Canned:
    """A MockTransport handler answering every request with the same drawn response."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return httpx.Response(self.status, headers=self.headers, content=self.body)


def check_result(result: Any, expected: Any, name: str) -> None:
    if name.endswith("-stream"):
        assert isinstance(result, list) and all(isinstance(r, expected) for r in result)
    else:
        assert isinstance(result, expected)


@pytest.mark.path_independent
@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(CALLS)),
    status=statuses,
    headers=headers,
    body=bodies,
)
def test_sync_client_only_raises_ollama_errors(
    name: str, status: int, headers: dict[str, str], body: bytes
) -> None:
    call, expected = CALLS[name]
    handler = Canned(status, headers, body)
    client = Client(transport=httpx.MockTransport(handler), max_retries=1, api_key="k")
    with mock.patch("ollama_lite._sync.session.sleep", lambda s: None), client:
        try:
            result = call(client)
            if name.endswith("-stream"):
                with result:
                    result = list(result)
        except OllamaError as exc:
            event(f"raised {type(exc).__name__}")
            return
        event("returned a result")
        check_result(result, expected, name)


@pytest.mark.path_independent
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(CALLS)),
    status=statuses,
    headers=headers,
    body=bodies,
    backend=st.sampled_from(["asyncio", "trio"]),
)
def test_async_client_only_raises_ollama_errors(
    name: str, status: int, headers: dict[str, str], body: bytes, backend: str
) -> None:
    call, expected = CALLS[name]
    handler = Canned(status, headers, body)

    async def no_sleep(seconds: float) -> None:
        pass

    async def main() -> None:
        async with AsyncClient(
            transport=httpx.MockTransport(handler), max_retries=1, api_key="k"
        ) as client:
            try:
                result = await call(client)
                if name.endswith("-stream"):
                    async with result:
                        result = [item async for item in result]
            except OllamaError as exc:
                event(f"raised {type(exc).__name__}")
                return
            event("returned a result")
            check_result(result, expected, name)

    with mock.patch("ollama_lite._async.session.sleep", no_sleep):
        anyio.run(main, backend=backend)


@pytest.mark.path_independent
@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), body=st.data())
def test_each_endpoint_decodes_its_own_valid_body(kind: str, body: st.DataObject) -> None:
    """Sanity check of the strategies above: valid bodies decode, so the property tests
    exercise successes as well as failures."""
    name = {
        "progress": "pull",
        "status": "copy",
    }.get(kind, kind)
    call, expected = CALLS[name]
    handler = Canned(200, {}, encode_json(VALID[kind]))
    with Client(transport=httpx.MockTransport(handler), max_retries=0, api_key="k") as client:
        check_result(call(client), expected, name)
    mutant = body.draw(mutated(kind))
    handler.body = mutant
    with Client(transport=httpx.MockTransport(handler), max_retries=0, api_key="k") as client:
        try:
            check_result(call(client), expected, name)
        except InvalidResponseError as exc:
            assert "$" in str(exc) or "JSON" in str(exc)


# --- enormous lines and bodies ---------------------------------------------------------------

LIMIT = 256 * 1024  # a small configured max_line_bytes
HUGE = 64 * MiB  # what the server would send if nobody stopped it
PEAK_BOUND = 4 * MiB  # measured peaks are ~0.5-1 MiB; unbounded reading would be > 64 MiB


@pytest.mark.path_independent
def test_max_line_bytes_default_is_32_mib() -> None:
    for cls in (Client, AsyncClient):
        assert inspect.signature(cls).parameters["max_line_bytes"].default == 32 * MiB


def traced_peak(run: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_enormous_stream_line_is_cut_at_max_line_bytes(raw: RawServer) -> None:
    flood = Flood(200, total=HUGE)  # one line of 64 MiB without a newline
    raw.script(flood)
    client = Client(raw.url, max_retries=0, max_line_bytes=LIMIT)
    error: list[BaseException] = []

    def run() -> None:
        with pytest.raises(InvalidResponseError, match="max_line_bytes") as info:
            for _ in client.chat("m", MSGS, stream=True):
                pass
        error.append(info.value)

    peak = traced_peak(run)
    print(f"\n[memory] 64 MiB line, max_line_bytes=256 KiB: peak {peak / MiB:.2f} MiB")
    assert error and peak < PEAK_BOUND, f"peak {peak / MiB:.1f} MiB"
    assert no_client_sockets(raw.port)  # the client hung up...
    assert flood.sent < HUGE  # ...long before the server was done
    assert client.version().version  # and the client works
    client.close()


@pytest.mark.anyio
async def test_async_enormous_stream_line_is_cut(raw: RawServer) -> None:
    flood = Flood(200, total=HUGE)
    raw.script(flood)
    async with AsyncClient(raw.url, max_retries=0, max_line_bytes=LIMIT) as client:
        tracemalloc.start()
        try:
            with pytest.raises(InvalidResponseError, match="max_line_bytes"):
                async for _ in await client.generate("m", "p", stream=True):
                    pass
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < PEAK_BOUND, f"peak {peak / MiB:.1f} MiB"
        assert no_client_sockets(raw.port) and flood.sent < HUGE
        assert (await client.version()).version


@pytest.mark.parametrize("status", [500, 400, 503])
def test_enormous_error_body_is_cut_at_max_line_bytes(raw: RawServer, status: int) -> None:
    flood = Flood(status, total=HUGE, content_type="text/html", fill=b"<p>err</p>")
    raw.script(flood)
    client = Client(raw.url, max_retries=0, max_line_bytes=LIMIT)
    error: list[ResponseError] = []

    def run() -> None:
        with pytest.raises(ResponseError) as info:
            client.list()
        error.append(info.value)

    peak = traced_peak(run)
    print(f"\n[memory] 64 MiB {status} body, max_line_bytes=256 KiB: peak {peak / MiB:.2f} MiB")
    assert peak < PEAK_BOUND, f"peak {peak / MiB:.1f} MiB"
    assert error[0].status_code == status and error[0].error.startswith("<p>err</p>")
    assert len(error[0].error) <= 2003 and len(str(error[0])) < 2100  # the message stays short
    assert no_client_sockets(raw.port) and flood.sent < HUGE
    assert client.version().version
    client.close()


def test_enormous_non_streamed_body_is_bounded_too(raw: RawServer) -> None:
    """A non-streamed reply is bounded by max_response_bytes (README: 'so a misbehaving server
    cannot make the client allocate without bound'). A 200 with a 64 MiB body must not be read
    whole when the limit is 256 KiB."""
    flood = Flood(200, total=HUGE, content_type="application/json")
    raw.script(flood)
    client = Client(raw.url, max_retries=0, max_response_bytes=LIMIT)
    raised: list[BaseException] = []

    def run() -> None:
        try:
            client.chat("m", MSGS)
        except OllamaError as exc:
            raised.append(exc)

    peak = traced_peak(run)
    print(f"\n[memory] 64 MiB non-streamed body, max_line_bytes=256 KiB: peak {peak / MiB:.2f} MiB")
    assert raised and isinstance(raised[0], InvalidResponseError)
    assert peak < PEAK_BOUND, f"peak {peak / MiB:.1f} MiB for a 64 MiB body"
    client.close()


@pytest.mark.path_independent
def test_ollama_error_is_the_only_root() -> None:
    # What the property tests rely on: every documented error derives from OllamaError.
    for name in ollama_lite._errors.__all__:
        assert issubclass(getattr(ollama_lite, name), OllamaError)
