"""Sans-I/O HTTP/1.1 for the fast path: request heads, response heads, body framing.

Nothing here touches a socket. `_async/wire_*.py` (and the generated `_sync/wire_*.py`) move
the bytes through a network backend from `_backends/`; these modules decide what the bytes
mean. Failures are raised as httpx's exception types (`httpx.RemoteProtocolError` and the
like), so both paths map them into ollama_lite's exceptions with the same code.

Why a parser of our own rather than h11: a client of one server only ever reads responses,
and h11 builds an event object per header block and per body piece, which dominates the CPU
of a streamed chat. These parsers return plain values (a status and a header dict; byte
strings of body), and the chunked decoder hands the payload of every chunk in a network
read to the NDJSON decoder in one piece. They are tested at every byte split and against
hostile input (tests/wire/).
"""
