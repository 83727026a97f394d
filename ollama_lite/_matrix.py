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


def has_fast_parser() -> bool:
    """True when pysimdjson (extra `fast`) is importable."""
    try:
        import simdjson  # noqa: F401
    except ImportError:
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


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
        try:
            buffer = rows.as_buffer(of_type="d") if n and dim else b""
        except (ValueError, TypeError) as exc:
            raise _invalid(str(exc)) from None
        model = doc.get("model", "")
        meta = (
            model if isinstance(model, str) else "",
            _optional_int(doc.get("total_duration")),
            _optional_int(doc.get("load_duration")),
            _optional_int(doc.get("prompt_eval_count")),
        )
    finally:
        # The parser is reused only once nothing refers to the document it parsed.
        rows = doc = None
    matrix = np.frombuffer(buffer, dtype=np.float64).astype(np.float32).reshape(n, dim)
    return EmbedMatrix(matrix, *meta)


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
    matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)
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
