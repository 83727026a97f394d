"""Sans-I/O incremental NDJSON decoding into typed objects.

Bytes go in with `feed()` in whatever pieces the network delivers; typed objects come out.
Lines are split on `\\n` only (which never occurs inside a multi-byte UTF-8 character), so a
piece may end anywhere. `\\r\\n` endings, blank lines and a last line without a newline are
accepted. Each byte is searched for a newline once, so a long line arriving in small pieces
is decoded in linear time.

Complete lines are decoded in one batch by msgspec (`decode_lines`), the fast path. A batch
that fails, or that holds an `"error"` key, is decoded again line by line so the objects
before the bad line are still delivered and the error is precise.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from ._constants import DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_RESPONSE_BYTES
from ._errors import InvalidResponseError, OllamaError, StreamError

__all__ = ["DEFAULT_MAX_LINE_BYTES", "DEFAULT_MAX_RESPONSE_BYTES", "NDJSONDecoder", "decoder_for"]

T = TypeVar("T")


_ERROR_KEY = b'"error"'
_decoders: dict[object, msgspec.json.Decoder[object]] = {}


class _ErrorLine(msgspec.Struct):
    error: object = None


_error_decoder = msgspec.json.Decoder(_ErrorLine)


def decoder_for(tp: type[T]) -> msgspec.json.Decoder[T]:
    """The shared msgspec decoder for a response type (created once, reused)."""
    decoder = _decoders.get(tp)
    if decoder is None:
        decoder = _decoders[tp] = msgspec.json.Decoder(tp)
    return decoder  # type: ignore[return-value]


def _preview(line: bytes) -> str:
    text = line[:200].decode("utf-8", "replace")
    return text + ("..." if len(line) > 200 else "")


def decode_error(exc: msgspec.MsgspecError, tp: type[object], line: bytes) -> InvalidResponseError:
    """An InvalidResponseError for a body or line that is not the JSON `tp` expects."""
    if isinstance(exc, msgspec.ValidationError):
        return InvalidResponseError(f"response does not match {tp.__name__}: {exc}")
    return InvalidResponseError(f"response is not valid JSON ({exc}): {_preview(line)!r}")


def error_in_line(line: bytes, status_code: int) -> StreamError | None:
    """The StreamError an `{"error": ...}` line stands for, or None for any other line."""
    if _ERROR_KEY not in line:
        return None
    try:
        probe = _error_decoder.decode(line)
    except msgspec.MsgspecError:
        return None
    if probe.error is None:
        return None
    message = probe.error if isinstance(probe.error, str) else msgspec.json.encode(probe.error)
    return StreamError(message if isinstance(message, str) else message.decode(), status_code)


class NDJSONDecoder(Generic[T]):
    """Turns NDJSON bytes into objects of one type, incrementally.

    `feed()` returns the objects completed by a piece of input. When a line is an error
    (an `{"error": ...}` object, malformed JSON, or the wrong shape), the objects before it
    are returned and the error is left in `pending`; the caller raises it after delivering
    them. Nothing is decoded after an error.
    """

    __slots__ = ("_buffer", "_decoder", "_type", "max_line_bytes", "pending", "status_code")

    def __init__(
        self,
        tp: type[T],
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        status_code: int = 200,
    ) -> None:
        self._type = tp
        self._decoder = decoder_for(tp)
        self._buffer = bytearray()
        self.max_line_bytes = max_line_bytes
        self.status_code = status_code
        self.pending: OllamaError | None = None

    def feed(self, data: bytes) -> list[T]:
        """Add bytes; return the objects on the lines they complete."""
        if self.pending is not None:
            return []
        end = data.rfind(b"\n")
        if end == -1:
            self._buffer += data
            if len(self._buffer) > self.max_line_bytes:
                self._too_long()
            return []
        if not self._buffer and end == len(data) - 1 and data.find(b"\n") == end:
            # The common case: one whole line per network read.
            return self._decode_one(data)
        if self._buffer:
            self._buffer += data[: end + 1]
            lines = bytes(self._buffer)
            self._buffer.clear()
        else:
            lines = data[: end + 1] if end + 1 < len(data) else data
        items = self._decode(lines)
        if end + 1 < len(data) and self.pending is None:
            self._buffer += data[end + 1 :]
            if len(self._buffer) > self.max_line_bytes:
                self._too_long()
        return items

    def flush(self) -> list[T]:
        """Decode what is left at the end of input (a last line without a newline)."""
        if self.pending is not None or not self._buffer:
            return []
        rest = bytes(self._buffer)
        self._buffer.clear()
        return self._decode(rest)

    def _too_long(self) -> None:
        self._buffer.clear()
        self.pending = self._line_error()

    def _line_error(self) -> InvalidResponseError:
        return InvalidResponseError(
            f"an NDJSON line exceeds max_line_bytes={self.max_line_bytes}; "
            "raise the limit with Client(max_line_bytes=...) if this is expected"
        )

    def _decode_one(self, line: bytes) -> list[T]:
        if _ERROR_KEY not in line and len(line) <= self.max_line_bytes:
            try:
                return [self._decoder.decode(line)]
            except msgspec.MsgspecError:
                pass
        return self._decode_slowly(line)

    def _decode(self, lines: bytes) -> list[T]:
        # A batch longer than the limit may hold a line longer than it: check line by line.
        if _ERROR_KEY not in lines and len(lines) <= self.max_line_bytes:
            try:
                return self._decoder.decode_lines(lines)
            except msgspec.MsgspecError:
                pass
        return self._decode_slowly(lines)

    def _decode_slowly(self, lines: bytes) -> list[T]:
        items: list[T] = []
        for line in lines.split(b"\n"):
            if len(line) > self.max_line_bytes:
                self.pending = self._line_error()
                return items
            if not line.strip():
                continue
            error = error_in_line(line, self.status_code)
            if error is not None:
                self.pending = error
                return items
            try:
                items.append(self._decoder.decode(line))
            except msgspec.MsgspecError as exc:
                self.pending = decode_error(exc, self._type, line)
                return items
        return items
