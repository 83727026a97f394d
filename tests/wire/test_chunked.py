"""The chunked decoder: same payload however the bytes are cut, bounded framing, strict
sizes, and the end of the body found exactly."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ollama_lite._wire.chunked import MAX_CHUNK_LINE, MAX_TRAILER_BYTES, ChunkedDecoder


def encode(chunks: list[bytes], trailers: bytes = b"", ext: bool = False) -> bytes:
    out = b"".join(
        b"%x%s\r\n%s\r\n" % (len(c), b";name=value" if ext else b"", c) for c in chunks if c
    )
    return out + b"0\r\n" + trailers + b"\r\n"


def feed_in_pieces(data: bytes, cuts: list[int]) -> tuple[bytes, ChunkedDecoder]:
    decoder = ChunkedDecoder()
    out = []
    start = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        out.append(decoder.feed(data[start:cut]))
        start = cut
    return b"".join(out), decoder


@settings(max_examples=300, deadline=None)
@given(
    chunks=st.lists(st.binary(min_size=1, max_size=40), max_size=8),
    trailers=st.sampled_from([b"", b"X-Trailer: 1\r\n", b"A: b\r\nC: d\r\n"]),
    ext=st.booleans(),
    data=st.data(),
)
def test_payload_does_not_depend_on_how_bytes_arrive(
    chunks: list[bytes], trailers: bytes, ext: bool, data: st.DataObject
) -> None:
    wire = encode(chunks, trailers, ext)
    cuts = data.draw(st.lists(st.integers(0, len(wire)), max_size=12))
    payload, decoder = feed_in_pieces(wire, cuts)
    assert payload == b"".join(chunks)
    assert decoder.done
    assert decoder.trailing == b""


def test_every_single_split_point() -> None:
    chunks = [b'{"a":1}\n', b"x" * 300, b"\r\n\r\n"]
    wire = encode(chunks, b"T: v\r\n")
    for cut in range(len(wire) + 1):
        for second in range(cut, len(wire) + 1):
            payload, decoder = feed_in_pieces(wire, [cut, second])
            assert payload == b"".join(chunks), (cut, second)
            assert decoder.done


def test_one_line_per_chunk_comes_out_as_one_slice() -> None:
    decoder = ChunkedDecoder()
    assert decoder.feed(b'8\r\n{"a":1}\n\r\n') == b'{"a":1}\n'
    assert decoder.feed(b'8\r\n{"b":2}\n\r\n8\r\n{"c":3}\n\r\n') == b'{"b":2}\n{"c":3}\n'
    assert not decoder.done


def test_bytes_after_the_end_are_kept_as_trailing() -> None:
    decoder = ChunkedDecoder()
    assert decoder.feed(b"1\r\na\r\n0\r\n\r\nHTTP/1.1 200 OK") == b"a"
    assert decoder.done
    assert decoder.trailing == b"HTTP/1.1 200 OK"


def test_bare_newlines_are_tolerated() -> None:
    decoder = ChunkedDecoder()
    assert decoder.feed(b"2\nab\n0\n\n") == b"ab"
    assert decoder.done


@pytest.mark.parametrize(
    "wire",
    [
        b"zz\r\nhello\r\n",  # not hex
        b"-1\r\nab\r\n",  # negative
        b"0x2\r\nab\r\n",  # a prefix int() would accept
        b" 2\r\nab\r\n",  # leading space
        b"1_0\r\n",  # underscores int() would accept
        b"1234567890abcdef0\r\n",  # 17 hex digits: more than a size can be
        b"2\r\nabXY",  # data not followed by CRLF
    ],
)
def test_malformed_framing_is_a_protocol_error(wire: bytes) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        ChunkedDecoder().feed(wire)


def test_a_size_line_without_end_is_bounded() -> None:
    decoder = ChunkedDecoder()
    decoder.feed(b"1;" + b"e" * (MAX_CHUNK_LINE - 10))  # still waiting: within the bound
    with pytest.raises(httpx.RemoteProtocolError, match="chunk size"):
        decoder.feed(b"e" * 100)


def test_endless_trailers_are_bounded() -> None:
    decoder = ChunkedDecoder()
    decoder.feed(b"0\r\n")
    with pytest.raises(httpx.RemoteProtocolError, match="trailers"):
        for _ in range(MAX_TRAILER_BYTES // 1000 + 2):
            decoder.feed(b"X: " + b"y" * 1000 + b"\r\n")


def test_large_chunk_arrives_in_pieces_without_buffering() -> None:
    decoder = ChunkedDecoder()
    assert decoder.feed(b"100000\r\n") == b""
    sizes = [len(decoder.feed(b"z" * 65536)) for _ in range(16)]
    assert sizes == [65536] * 16
    assert decoder.feed(b"\r\n0\r\n\r\n") == b""
    assert decoder.done
