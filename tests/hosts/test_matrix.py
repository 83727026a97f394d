"""/api/embed bodies to float32 matrices: exact, parser-independent, clear about extras."""

from __future__ import annotations

import random
import struct
import sys

import msgspec
import pytest

from ollama_lite import _matrix
from ollama_lite._errors import InvalidResponseError
from ollama_lite._matrix import decode_embed_matrix, has_fast_parser

np = pytest.importorskip("numpy")
PARSERS = ["msgspec", "simdjson"] if has_fast_parser() else ["msgspec"]


def tricky_numbers(rng: random.Random, count: int) -> list[str]:
    """Number texts, many on or next to a float32 rounding tie, in several spellings."""
    out: list[str] = []
    for _ in range(count):
        f32 = struct.unpack("f", struct.pack("f", rng.uniform(-1, 1)))[0]
        bits = struct.unpack("I", struct.pack("f", f32))[0]
        neighbour = struct.unpack("f", struct.pack("I", bits + 1))[0]
        midpoint = (f32 + neighbour) / 2  # exactly representable as a double
        choice = rng.randrange(6)
        if choice == 0:
            out.append(repr(midpoint))
        elif choice == 1:
            out.append(f"{midpoint:.17e}")
        elif choice == 2:
            out.append(repr(rng.gauss(0, 0.05)))
        elif choice == 3:
            out.append(str(rng.randint(-3, 3)))
        elif choice == 4:
            out.append(f"{rng.uniform(-1, 1):.9g}")
        else:
            out.append(rng.choice(["-0", "0.0", "1E-45", "-1e-38", "3.4028234e38"]))
    return out


@pytest.mark.parametrize("parser", PARSERS)
def test_every_value_is_float32_of_the_double_of_its_text(parser: str) -> None:
    rng = random.Random(11)
    n, dim = 16, 96
    texts = tricky_numbers(rng, n * dim)
    rows = [texts[i * dim : (i + 1) * dim] for i in range(n)]
    body = (
        b'{"model":"m","embeddings":['
        + b",".join(b"[" + ",".join(row).encode() + b"]" for row in rows)
        + b'],"total_duration":7,"load_duration":1,"prompt_eval_count":3}'
    )
    got = decode_embed_matrix(body, parser=parser)
    expected = np.array([[np.float32(float(t)) for t in row] for row in rows], dtype=np.float32)
    assert got.embeddings.dtype == np.float32 and got.embeddings.shape == (n, dim)
    # Value for value (an integer "-0" may come back as +0.0, which compares equal).
    assert np.array_equal(got.embeddings, expected)
    nonzero = expected != 0
    assert got.embeddings[nonzero].tobytes() == expected[nonzero].tobytes()
    assert (got.model, got.total_duration, got.load_duration, got.prompt_eval_count) == (
        "m",
        7,
        1,
        3,
    )
    assert len(got) == n


def test_both_parsers_agree_on_a_large_body() -> None:
    if not has_fast_parser():
        pytest.skip("pysimdjson is not installed")
    rng = random.Random(5)
    body = msgspec.json.encode(
        {"embeddings": [[rng.gauss(0, 0.05) for _ in range(1024)] for _ in range(64)]}
    )
    fast = decode_embed_matrix(body, parser="simdjson").embeddings
    plain = decode_embed_matrix(body, parser="msgspec").embeddings
    assert np.array_equal(fast, plain)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    "body,words",
    [
        (b'{"embeddings":[[1,2],[3]]}', "different lengths"),
        (b'{"embeddings":[["a"]]}', ""),
        (b'{"embeddings":[1,2]}', ""),
        (b"[1]", ""),
        (b"not json", ""),
    ],
)
def test_bodies_that_are_not_matrices(parser: str, body: bytes, words: str) -> None:
    with pytest.raises(InvalidResponseError, match=words or None):
        decode_embed_matrix(body, parser=parser)


MALFORMED = [
    b'{"embeddings":[[[1],2]]}',  # a nested row of the right length
    b'{"embeddings":[[[1,2]],[[3,4]]]}',  # rows of one nested array each
    b'{"embeddings":[[1,[2]]]}',
    b'{"embeddings":[[[]]]}',
    b'{"embeddings":null}',
    b'{"embeddings":{"a":1}}',
    b'{"embeddings":[[1,true]]}',
    b'{"embeddings":[[1,null]]}',
    b'{"embeddings":[[1,"2"]]}',
    b'{"embeddings":[[1,{"a":1}]]}',
    b'{"embeddings":[[1],[2]],"model":5}',
    b'{"embeddings":[[1]],"total_duration":"7"}',
    b'{"embeddings":[[1]],"load_duration":1.5}',
    b'{"embeddings":[[1]],"prompt_eval_count":true}',
    b'{"embeddings":[[1],2]}',
    b'{"embeddings":[[1,2],[3]]}',
    b'{"embeddings":[[1,2]]',
    b"null",
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("body", MALFORMED)
def test_every_malformed_body_is_refused_by_both_parsers(parser: str, body: bytes) -> None:
    with pytest.raises(InvalidResponseError, match="not a matrix of numbers"):
        decode_embed_matrix(body, parser=parser)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    "body",
    [
        b'{"model":"[odd]name","embeddings":[[1,2]]}',  # a "[" in a string
        b'{"embeddings":[[1,2]],"extra":[[9]]}',  # an array in a field nobody reads
        b'{"embeddings":[[1,2]],"total_duration":null}',
    ],
)
def test_unusual_but_valid_bodies_decode_alike(parser: str, body: bytes) -> None:
    assert decode_embed_matrix(body, parser=parser).embeddings.tolist() == [[1.0, 2.0]]


@pytest.mark.parametrize("parser", PARSERS)
def test_no_vectors(parser: str) -> None:
    assert decode_embed_matrix(b'{"embeddings":[]}', parser=parser).embeddings.shape == (0, 0)
    assert decode_embed_matrix(b'{"model":"m"}', parser=parser).embeddings.shape == (0, 0)


def test_missing_extras_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_matrix, "_simdjson_missing", False)  # restored after the test
    monkeypatch.setitem(sys.modules, "simdjson", None)
    assert not has_fast_parser()
    assert _matrix._simdjson_missing  # remembered: not imported again for every body
    with monkeypatch.context() as importable_again:
        importable_again.delitem(sys.modules, "simdjson")
        assert not has_fast_parser()
    body = b'{"embeddings":[[0.5]]}'
    assert decode_embed_matrix(body).embeddings.tolist() == [[0.5]]  # falls back to msgspec
    with pytest.raises(ImportError, match=r"ollama-lite\[fast\]"):
        decode_embed_matrix(body, parser="simdjson")
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ImportError, match=r"ollama-lite\[numpy\]"):
        decode_embed_matrix(body)


def test_unknown_parser() -> None:
    with pytest.raises(ValueError, match="parser"):
        decode_embed_matrix(b"{}", parser="json")
