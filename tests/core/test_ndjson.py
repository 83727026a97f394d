"""The incremental NDJSON decoder: any split, odd line endings, huge lines, in-stream errors."""

from __future__ import annotations

import math
import time

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ollama_lite import InvalidResponseError, StreamError
from ollama_lite._ndjson import NDJSONDecoder
from ollama_lite.types import ChatResponse, ProgressResponse


def chunk(content: str, done: bool = False) -> bytes:
    return msgspec.json.encode(
        {
            "model": "m",
            "created_at": "2026-05-01T10:00:00.123456789Z",
            "message": {"role": "assistant", "content": content},
            "done": done,
        }
    )


STREAM = b"\n".join(chunk(t) for t in ["Hé", "llo ", "wörld 🌍", "!"]) + b"\n" + chunk("", True)
EXPECTED = ["Hé", "llo ", "wörld 🌍", "!", ""]


def decode_all(pieces: list[bytes]) -> list[str]:
    decoder = NDJSONDecoder(ChatResponse)
    out: list[ChatResponse] = []
    for piece in pieces:
        out += decoder.feed(piece)
        assert decoder.pending is None
    out += decoder.flush()
    return [part.message.content or "" for part in out]


def test_whole_stream_in_one_piece() -> None:
    assert decode_all([STREAM]) == EXPECTED


@pytest.mark.parametrize("cut", range(len(STREAM) + 1))
def test_every_single_split_point(cut: int) -> None:
    # Includes cuts inside the multi-byte characters of "é", "ö" and the emoji.
    assert decode_all([STREAM[:cut], STREAM[cut:]]) == EXPECTED


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_any_set_of_split_points(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    pieces = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)], strict=True)]
    assert decode_all(pieces) == EXPECTED


def test_one_byte_at_a_time() -> None:
    assert decode_all([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


def test_crlf_blank_lines_and_no_final_newline() -> None:
    data = b"\r\n" + chunk("a") + b"\r\n\r\n   \n" + chunk("b") + b"\r\n" + chunk("", True)
    assert decode_all([data]) == ["a", "b", ""]


def test_single_object_without_newline_like_a_load_reply() -> None:
    assert decode_all([chunk("", True)]) == [""]


class RescanningDecoder(NDJSONDecoder[ChatResponse]):
    """A deliberately quadratic decoder: it copies its whole buffer on every piece."""

    __slots__ = ()

    def feed(self, data: bytes) -> list[ChatResponse]:
        bytes(self._buffer)
        return super().feed(data)


def feeding_time(decoder_type: type[NDJSONDecoder[ChatResponse]], size: int, repeats: int) -> float:
    """Least CPU time of `repeats` runs feeding one line of `size` bytes in 64-byte pieces.

    CPU time of this thread, not wall time: on a busy machine a long run is interrupted more
    often than a short one, which would make wall time grow faster than the work.
    """
    data = chunk("x" * size) + b"\n"
    pieces = [data[i : i + 64] for i in range(0, len(data), 64)]
    best = math.inf
    for _ in range(repeats):
        decoder = decoder_type(ChatResponse)
        start = time.thread_time()
        for piece in pieces:
            decoder.feed(piece)
        best = min(best, time.thread_time() - start)
        assert decoder.pending is None
    return best


#: Growth of the feeding time when the line grows 16 times: about 16 when linear, up to 256 when
#: quadratic (measured: 15 and 110). The bound leaves room for a noisy machine.
GROWTH_BOUND = 48


def growth(decoder_type: type[NDJSONDecoder[ChatResponse]], repeats: int = 5) -> float:
    small = feeding_time(decoder_type, 32 * 1024, repeats)
    return feeding_time(decoder_type, 512 * 1024, repeats) / small


def test_large_line_in_small_pieces_decodes_in_linear_time() -> None:
    # 1 MiB of content arriving 4 KiB at a time, then 256 KiB 64 bytes at a time.
    big = "x" * (1024 * 1024)
    data = chunk(big) + b"\n"
    pieces = [data[i : i + 4096] for i in range(0, len(data), 4096)]
    assert decode_all(pieces) == [big]
    medium = chunk("y" * 256 * 1024) + b"\n"
    assert decode_all([medium[i : i + 64] for i in range(0, len(medium), 64)]) == ["y" * 262144]
    # Time grows with the line like the line, not like its square. A noisy measurement is
    # taken again; a quadratic decoder fails every time.
    ratios = []
    for _ in range(3):
        ratios.append(growth(NDJSONDecoder))
        if ratios[-1] < GROWTH_BOUND:
            return
    pytest.fail(f"feeding time grew {ratios} times for a line 16 times longer: not linear")


def test_the_linear_time_check_catches_a_quadratic_decoder() -> None:
    # Guards the guard: the measurement above tells the two apart.
    assert growth(RescanningDecoder, repeats=2) > GROWTH_BOUND


def test_line_longer_than_the_limit_is_an_error_not_unbounded_memory() -> None:
    decoder = NDJSONDecoder(ChatResponse, max_line_bytes=1000)
    assert decoder.feed(b'{"model":"' + b"x" * 600) == []
    assert decoder.pending is None
    assert decoder.feed(b"x" * 600) == []
    assert isinstance(decoder.pending, InvalidResponseError)
    assert "max_line_bytes=1000" in str(decoder.pending)
    # Nothing more is buffered or decoded after the error.
    assert decoder.feed(chunk("a") + b"\n") == []


def test_error_line_mid_stream_delivers_what_came_before() -> None:
    decoder = NDJSONDecoder(ChatResponse, status_code=200)
    data = chunk("a") + b"\n" + chunk("b") + b'\n{"error":"model runner crashed"}\n' + chunk("c")
    parts = decoder.feed(data)
    assert [p.message.content for p in parts] == ["a", "b"]
    assert isinstance(decoder.pending, StreamError)
    assert decoder.pending.error == "model runner crashed"
    assert decoder.pending.status_code == 200


def test_a_token_that_is_the_word_error_is_not_an_error() -> None:
    data = chunk('"error"') + b"\n" + chunk("error") + b"\n"
    decoder = NDJSONDecoder(ChatResponse)
    parts = decoder.feed(data)
    assert [p.message.content for p in parts] == ['"error"', "error"]
    assert decoder.pending is None


def test_malformed_line_is_a_typed_error_with_a_preview() -> None:
    decoder = NDJSONDecoder(ProgressResponse)
    parts = decoder.feed(b'{"status":"pulling"}\n{"status": nope}\n{"status":"x"}\n')
    assert [p.status for p in parts] == ["pulling"]
    assert isinstance(decoder.pending, InvalidResponseError)
    assert "nope" in str(decoder.pending)


def test_wrong_shape_keeps_msgspec_path() -> None:
    decoder = NDJSONDecoder(ChatResponse)
    bad = b'{"model":"m","message":{"role":"assistant","tool_calls":[{"function":{"name":1}}]}}\n'
    assert decoder.feed(bad) == []
    assert isinstance(decoder.pending, InvalidResponseError)
    assert "$.message.tool_calls[0].function.name" in str(decoder.pending)


def test_unknown_fields_are_ignored() -> None:
    data = b'{"model":"m","message":{"role":"assistant","content":"x","new":1},"future":[1]}\n'
    assert [p.message.content for p in NDJSONDecoder(ChatResponse).feed(data)] == ["x"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=1, max_value=50))
def test_arbitrary_bytes_only_raise_documented_errors(data: bytes, step: int) -> None:
    decoder = NDJSONDecoder(ChatResponse, max_line_bytes=200)
    for i in range(0, len(data), step):
        decoder.feed(data[i : i + step])
    decoder.flush()
    assert decoder.pending is None or isinstance(
        decoder.pending, (InvalidResponseError, StreamError)
    )
