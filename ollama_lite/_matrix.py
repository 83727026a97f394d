"""/api/embed bodies as `(n, dim)` float32 numpy matrices, without a Python float per value.

With pysimdjson (extra `fast`) the body is parsed in C and its numbers copied straight into
a buffer of doubles; without it msgspec decodes lists and numpy converts them. Both give
exactly `float32(float(text))` for every number (the double nearest the text, then the
float32 nearest that double), so the result does not depend on which parser ran.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import msgspec

from ._errors import InvalidResponseError, RequestError
from ._extras import require

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ._protocol import Call

#: An `(n, dim)` numpy float32 matrix (numpy is imported only when one is asked for).
FloatMatrix: TypeAlias = "npt.NDArray[np.float32]"

__all__ = [
    "EmbedMatrix",
    "FloatMatrix",
    "check_dtype",
    "decode_embed_matrix",
    "has_fast_parser",
    "matrix_call",
    "require_numpy",
]

_local = threading.local()


def require_numpy() -> Any:
    """The numpy module, or an ImportError naming the extra that installs it."""
    return require(
        "numpy", "numpy", "float32 embeddings", "or 'ollama-lite[fast]' for the faster parser too"
    )


def check_dtype(dtype: object) -> None:
    """Refuse a `dtype` other than None (lists) and "float32" (numpy, which must be there)."""
    if dtype is None:
        return
    if dtype != "float32":
        raise RequestError(f'dtype must be None (lists of floats) or "float32"; got {dtype!r}')
    require_numpy()


# True once importing pysimdjson failed: not tried again on every body.
_simdjson_missing = False


def has_fast_parser() -> bool:
    """True when pysimdjson (extra `fast`) is importable (a failed import is remembered)."""
    global _simdjson_missing
    if _simdjson_missing:
        return False
    try:
        import simdjson  # noqa: F401
    except ImportError:
        _simdjson_missing = True
        return False
    return True


@dataclass(slots=True)
class EmbedMatrix:
    """An /api/embed answer with its vectors as one float32 matrix, row i for input i.

    `embeddings` has shape `(n, dim)`; the other fields are the server's, as in
    `EmbedResponse`. `host` is the server that answered (set by pools and clients).
    """

    embeddings: npt.NDArray[np.float32]
    model: str = ""
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None
    host: str | None = None

    def __len__(self) -> int:
        return int(self.embeddings.shape[0])


class _EmbedLists(msgspec.Struct, gc=False):
    embeddings: list[list[float]] = []
    model: str = ""
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None


_lists_decoder = msgspec.json.Decoder(_EmbedLists)


def _invalid(reason: str) -> InvalidResponseError:
    return InvalidResponseError(f"the /api/embed body is not a matrix of numbers: {reason}")


_INT_FIELDS = ("total_duration", "load_duration", "prompt_eval_count")


def _metadata(doc: Any) -> tuple[str, int | None, int | None, int | None]:
    """The body's other fields, held to the same types as the msgspec decoder holds them."""
    model = doc.get("model", "")
    if not isinstance(model, str):
        raise _invalid("$.model is not a string")
    numbers: list[int | None] = []
    for name in _INT_FIELDS:
        value = doc.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _invalid(f"$.{name} is not an integer")
        numbers.append(value)
    return model, numbers[0], numbers[1], numbers[2]


def _parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:
        import simdjson

        parser = _local.parser = simdjson.Parser()
    return parser


def _decode_simdjson(body: bytes, np: Any) -> EmbedMatrix:
    try:
        doc = _parser().parse(body)
    except ValueError as exc:
        raise _invalid(str(exc)) from None
    try:
        if not hasattr(doc, "get"):
            raise _invalid("not a JSON object")
        rows = doc.get("embeddings")
        if rows is None:
            if "embeddings" in doc:  # null: let msgspec word the error
                rows = doc = None
                return _decode_msgspec(body, np)
            rows = []
        elif not hasattr(rows, "as_buffer"):
            raise _invalid("$.embeddings is not an array")
        n = len(rows)
        lengths = {len(row) if hasattr(row, "as_buffer") else -1 for row in rows}
        if -1 in lengths:
            raise _invalid("a row of $.embeddings is not an array")
        if len(lengths) > 1:
            raise _invalid(f"rows of different lengths {sorted(lengths)}")
        dim = lengths.pop() if lengths else 0
        if body.count(b"[") != n + 1:
            # `as_buffer` flattens nested arrays, so a body with any other array (a nested
            # row, another field, a "[" in a string) goes to the strict decoder instead.
            rows = doc = None
            return _decode_msgspec(body, np)
        try:
            buffer = rows.as_buffer(of_type="d") if n and dim else b""
        except (ValueError, TypeError) as exc:
            raise _invalid(str(exc)) from None
        meta = _metadata(doc)
    finally:
        # The parser is reused only once nothing refers to the document it parsed.
        rows = doc = None
    values = np.frombuffer(buffer, dtype=np.float64)
    if values.size != n * dim:
        raise _invalid(f"{values.size} numbers for {n} rows of {dim}")
    return EmbedMatrix(values.astype(np.float32).reshape(n, dim), *meta)


def _decode_msgspec(body: bytes, np: Any) -> EmbedMatrix:
    try:
        lists = _lists_decoder.decode(body)
    except msgspec.DecodeError as exc:
        raise _invalid(str(exc)) from None
    rows = lists.embeddings
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        raise _invalid(f"rows of different lengths {sorted(lengths)}")
    dim = lengths.pop() if lengths else 0
    try:
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)
    except ValueError as exc:
        raise _invalid(str(exc)) from None
    return EmbedMatrix(
        matrix, lists.model, lists.total_duration, lists.load_duration, lists.prompt_eval_count
    )


def decode_embed_matrix(body: bytes, *, parser: str = "auto") -> EmbedMatrix:
    """Decode an /api/embed body into an `EmbedMatrix` (float32, shape `(n, dim)`).

    `parser` is `"auto"` (pysimdjson when installed, else msgspec), `"simdjson"` or
    `"msgspec"`; the result is the same, value for value.
    """
    np = require_numpy()
    if parser == "auto":
        parser = "simdjson" if has_fast_parser() else "msgspec"
    if parser == "simdjson":
        require("simdjson", "fast", "the fast parser (pysimdjson)")
        return _decode_simdjson(body, np)
    if parser == "msgspec":
        return _decode_msgspec(body, np)
    raise ValueError(f"parser must be 'auto', 'simdjson' or 'msgspec'; got {parser!r}")


def matrix_call(call: Call[Any]) -> Call[EmbedMatrix]:
    """The same /api/embed call, answered as an `EmbedMatrix` (see `decode_body`)."""
    return dataclasses.replace(call, result=EmbedMatrix)
