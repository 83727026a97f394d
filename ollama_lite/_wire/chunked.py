"""Decode a `Transfer-Encoding: chunked` body, in whatever pieces the network delivers.

`ChunkedDecoder.feed(data)` returns the payload bytes found in `data` as ONE byte string (the
chunks of a network read joined, usually a single slice: Ollama writes one NDJSON line per
chunk), so a streamed reply costs one small object per read on its way to the NDJSON
decoder. The chunk-size line and the trailers are bounded (`MAX_CHUNK_LINE`,
`MAX_TRAILER_BYTES`), so a hostile server cannot make the client buffer without limit
outside the body itself, which the caller bounds.
"""

from __future__ import annotations

import re

import httpx

__all__ = ["MAX_CHUNK_LINE", "MAX_TRAILER_BYTES", "ChunkedDecoder"]

#: Longest chunk-size line accepted (size plus extensions): 4 KiB.
MAX_CHUNK_LINE = 4096
#: Most trailer bytes accepted after the last chunk: 64 KiB.
MAX_TRAILER_BYTES = 64 * 1024

_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]{1,15})[ \t]*(?:;[^\r\n]*)?\r?\n")

_SIZE, _DATA, _DATA_END, _TRAILER, _DONE = range(5)


def _error(message: str) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(message)


class ChunkedDecoder:
    """Incremental chunked decoding. `done` turns True after the last chunk and trailers;
    bytes that arrive after that are kept in `trailing` (a reused connection must have none).
    """

    __slots__ = ("_pending", "_remaining", "_state", "_trailer_bytes", "trailing")

    def __init__(self) -> None:
        self._pending = b""
        self._remaining = 0
        self._state = _SIZE
        self._trailer_bytes = 0
        self.trailing = b""

    @property
    def done(self) -> bool:
        """True once the terminating chunk and its trailers have been read."""
        return self._state == _DONE

    def feed(self, data: bytes) -> bytes:
        """Consume `data`; return the payload bytes it carried (possibly empty)."""
        if self._pending:
            data = self._pending + data
            self._pending = b""
        pieces: list[bytes] = []
        pos, end = 0, len(data)
        state, remaining = self._state, self._remaining
        while pos < end:
            if state == _DATA:
                stop = pos + remaining
                if stop <= end:
                    pieces.append(data[pos:stop])
                    pos, remaining, state = stop, 0, _DATA_END
                else:
                    pieces.append(data[pos:] if pos else data)
                    remaining -= end - pos
                    pos = end
            elif state == _SIZE:
                match = _SIZE_LINE.match(data, pos)
                if match is None:
                    self._need_more(data, pos)
                    break
                size = int(match.group(1), 16)
                pos = match.end()
                if size:
                    remaining, state = size, _DATA
                else:
                    state = _TRAILER
            elif state == _DATA_END:
                if data.startswith(b"\r\n", pos):
                    pos += 2
                elif data.startswith(b"\n", pos):
                    pos += 1
                elif end - pos == 1 and data[pos] == 13:  # b"\r": the \n is on its way
                    self._pending = data[pos:]
                    break
                else:
                    raise _error("chunk data not followed by CRLF")
                state = _SIZE
            elif state == _TRAILER:
                newline = data.find(b"\n", pos)
                if newline == -1:
                    self._count_trailer(end - pos)
                    self._pending = data[pos:]
                    break
                self._count_trailer(newline + 1 - pos)
                blank = newline == pos or (newline == pos + 1 and data[pos] == 13)
                pos = newline + 1
                if blank:
                    state = _DONE
            else:
                self.trailing += data[pos:]
                break
        self._state, self._remaining = state, remaining
        if len(pieces) == 1:
            return pieces[0]
        return b"".join(pieces)

    def _need_more(self, data: bytes, pos: int) -> None:
        rest = data[pos:]
        if b"\n" in rest or len(rest) > MAX_CHUNK_LINE:
            raise _error(f"malformed chunk size line {rest[:40]!r}")
        self._pending = rest

    def _count_trailer(self, size: int) -> None:
        self._trailer_bytes += size
        if self._trailer_bytes > MAX_TRAILER_BYTES:
            raise _error(f"chunked trailers exceed {MAX_TRAILER_BYTES} bytes")
