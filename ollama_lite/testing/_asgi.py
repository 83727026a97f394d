"""ASGI plumbing: one request/response exchange, disconnect watching, NDJSON stream driving."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any, NoReturn

from ._faults import BUSY_MESSAGE, Fault, FaultPlan
from ._state import RecordedRequest, State
from ._validate import decode_object
from ._wire import JSON_UTF8, NDJSON, encode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_YIELD_EVERY = 64
_MALFORMED_LINE = b'{"model":"fault","created_at":"2024-01-01T00:00:00Z","message":{"role":\n'


class AbortConnection(Exception):
    """Ends a handler whose connection is gone or must be dropped without a proper response."""


def _content_length(size: int) -> tuple[bytes, bytes]:
    return (b"content-length", str(size).encode())


class Exchange:
    """One HTTP request and its response, with helpers for JSON, errors and streams."""

    __slots__ = (
        "_on_close",
        "_watch",
        "body",
        "completed",
        "control",
        "data",
        "dropped",
        "headers",
        "method",
        "path",
        "plan",
        "receive",
        "scope",
        "send",
        "started",
        "state",
        "status",
        "streaming",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send, state: State) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.state = state
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.headers: dict[str, str] = {}
        self.body = b""
        self.data: Any = None
        self.plan: FaultPlan | None = None
        self.started = False
        self.completed = False
        self.control = False
        self.status = 0
        self.streaming = False
        self.dropped = False
        self._watch: asyncio.Future[None] | None = None
        self._on_close: Callable[[], None] | None = None

    # -- request ---------------------------------------------------------------------------
    async def read_body(self) -> bytes:
        message = await self.receive()
        if message["type"] == "http.disconnect":
            self.gone_away()
        body: bytes = message.get("body", b"")
        if message.get("more_body", False):
            parts = [body]
            while True:
                message = await self.receive()
                if message["type"] == "http.disconnect":
                    self.gone_away()
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body = b"".join(parts)
        return body

    def record(self, body: bytes, size: int) -> None:
        """Add this request to the server's request log (if recording is on)."""
        settings = self.state.settings
        if not settings.record_requests:
            return
        limit = settings.record_body_limit
        self.state.record(
            RecordedRequest(
                self.method,
                self.path,
                self.headers,
                body[:limit] if len(body) > limit else body,
                self.data,
                self.scope.get("query_string", b"").decode("latin-1"),
                size,
            )
        )

    def json_object(self, struct: str) -> dict[str, Any]:
        """The body as a JSON object, failing like Ollama's binder (400) otherwise."""
        if isinstance(self.data, dict):
            return self.data
        return decode_object(self.body, struct)

    # -- disconnects -----------------------------------------------------------------------
    def gone_away(self) -> NoReturn:
        """The client disconnected: end the handler quietly."""
        self.dropped = True
        raise AbortConnection

    async def drop(self) -> NoReturn:
        """Close the connection abruptly, mid-response or before any response.

        uvicorn has no ASGI message for this, so the transport is reached through ``send``
        (uvicorn's request cycle). Once ``connection_lost`` has run, uvicorn considers the
        client gone and neither logs nor answers 500. Elsewhere the exception makes the
        server close the connection itself.
        """
        cycle = getattr(self.send, "__self__", None)
        transport = getattr(cycle, "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            transport.abort()
            self.dropped = True
            self.state.counters.dropped_connections += 1
            await asyncio.sleep(0)  # lets connection_lost run first
        raise AbortConnection

    def watch(self) -> None:
        """Start noticing the client going away (after the body has been read)."""
        if self._watch is None:
            self._watch = asyncio.ensure_future(self._wait_disconnect())

    async def _wait_disconnect(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass

    async def wait_or_leave(self, waiter: asyncio.Future[None]) -> bool:
        """Wait for ``waiter`` or for the client to leave; True if the client left."""
        self.watch()
        assert self._watch is not None
        await asyncio.wait((waiter, self._watch), return_when=asyncio.FIRST_COMPLETED)
        return self._watch.done()

    @property
    def gone(self) -> bool:
        """True once the client has disconnected (or the response is complete)."""
        return self._watch is not None and self._watch.done()

    async def pause(self, seconds: float) -> bool:
        """Sleep, waking early if the client leaves; returns True if it left."""
        self.watch()
        assert self._watch is not None
        if self._watch.done():
            return True
        timeout = None if seconds == float("inf") else seconds
        done, _ = await asyncio.wait((self._watch,), timeout=timeout)
        return bool(done)

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the exchange closes (one callback: a held slot)."""
        self._on_close = callback

    def close(self) -> None:
        if self._watch is not None and not self._watch.done():
            self._watch.cancel()
        callback, self._on_close = self._on_close, None
        if callback is not None:
            callback()

    def cancelled(self) -> None:
        """Count a response the client abandoned."""
        with self.state.lock:
            self.state.cancelled_requests += 1
            if self.streaming:
                self.state.cancelled_streams += 1

    # -- plain responses -------------------------------------------------------------------
    async def respond(
        self,
        status: int,
        body: bytes = b"",
        content_type: bytes | None = JSON_UTF8,
        extra: Iterable[tuple[bytes, bytes]] = (),
    ) -> None:
        headers = [_content_length(len(body))]
        if content_type is not None:
            headers.append((b"content-type", content_type))
        headers.extend(extra)
        self.started = True
        self.status = status
        if status == 503:
            self.state.counters.busy_responses += 1
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})
        self.completed = True

    async def respond_json(self, obj: Any, status: int = 200) -> None:
        await self.respond(status, encode(obj))

    async def error(self, status: int, message: str) -> None:
        await self.respond(status, encode({"error": message}))

    async def respond_fault(self, fault: Fault) -> None:
        """Answer with a response-replacing fault (busy, HTML, any status)."""
        if fault.kind == "busy":
            extra = []
            if fault.retry_after is not None:
                value = fault.retry_after
                text = str(int(value)) if float(value).is_integer() else str(value)
                extra.append((b"retry-after", text.encode()))
            await self.respond(503, encode({"error": BUSY_MESSAGE}), JSON_UTF8, extra)
            return
        content_type = fault.content_type.encode() if fault.content_type else None
        await self.respond(fault.status_code, fault.body, content_type)

    # -- streams ---------------------------------------------------------------------------
    async def start_stream(self) -> None:
        self.started = True
        self.streaming = True
        self.status = 200
        await self.send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", NDJSON)],
            }
        )

    async def write(self, chunk: bytes) -> None:
        await self.send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def finish(self, chunk: bytes = b"") -> None:
        await self.send({"type": "http.response.body", "body": chunk, "more_body": False})
        self.completed = True

    async def stream(
        self,
        lines: Iterable[bytes],
        final: Callable[[], bytes],
        filler: Callable[[int], bytes],
        token_delay: float,
    ) -> None:
        """Send NDJSON ``lines`` then ``final()``, honouring delays, faults and disconnects.

        ``filler(n)`` makes the n-th extra line for the never-ending-stream fault.
        """
        plan = self.plan
        fault = plan.stream if plan is not None else None
        if plan is not None and plan.token_delay is not None:
            token_delay = plan.token_delay
        trigger = fault.after if fault is not None and fault.kind != "endless" else -1
        await self.start_stream()
        self.watch()
        sent = 0
        if trigger == 0 and await self._stream_fault(fault):
            return
        for line in lines:
            await self.write(line)
            sent += 1
            if sent == trigger and await self._stream_fault(fault):
                return
            if token_delay > 0:
                if await self.pause(token_delay):
                    self.cancelled()
                    return
            elif self.gone:
                self.cancelled()
                return
            elif sent % _YIELD_EVERY == 0:
                await asyncio.sleep(0)
        if trigger > sent and await self._stream_fault(fault):
            return
        if fault is not None and fault.kind == "endless":
            while True:
                await self.write(filler(sent))
                sent += 1
                if await self.pause(fault.seconds):
                    self.cancelled()
                    return
        if self.gone:
            self.cancelled()
            return
        await self.finish(final())

    async def _stream_fault(self, fault: Fault | None) -> bool:
        """Apply a mid-stream fault; True when the stream is over."""
        assert fault is not None
        if fault.kind == "disconnect":
            await self.drop()
        if fault.kind == "malformed_line":
            await self.write(_MALFORMED_LINE)
            return False
        if fault.kind == "error_line":
            await self.finish(encode({"error": fault.message}) + b"\n")
            return True
        return False

    async def unary(self, body: bytes, work_tokens: int, token_delay: float) -> None:
        """Send a non-streamed JSON result, with stream faults degraded to unary behaviour."""
        plan = self.plan
        fault = plan.stream if plan is not None else None
        if plan is not None and plan.token_delay is not None:
            token_delay = plan.token_delay
        if token_delay > 0 and work_tokens and await self.pause(token_delay * work_tokens):
            self.cancelled()
            return
        if fault is not None:
            if fault.kind == "disconnect":
                await self.drop()
            if fault.kind == "error_line":
                await self.error(500, fault.message)
                return
            if fault.kind == "malformed_line":
                await self.respond(200, body[: max(len(body) // 2, 1)])
                return
            if fault.kind == "endless":
                await self.pause(float("inf"))
                self.cancelled()
                return
        await self.respond(200, body)
