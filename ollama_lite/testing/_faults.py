"""Fault injection: what can go wrong on the wire, injected per request, model or route."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

FaultKind = Literal[
    "delay",
    "slow_tokens",
    "disconnect",
    "busy",
    "html_error",
    "malformed_line",
    "error_line",
    "endless",
    "status",
    "kill",
]

BUSY_MESSAGE = "server busy, please try again.  maximum pending requests exceeded"
DEFAULT_STREAM_ERROR = "an error was encountered while running the model"
DEFAULT_HTML = (
    b"<html><head><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1></body></html>"
)

_RESPONSE_KINDS = frozenset({"busy", "html_error", "status"})
_STREAM_KINDS = frozenset({"disconnect", "malformed_line", "error_line", "endless"})


@dataclass(frozen=True)
class Fault:
    """One injected failure. Build it with the class methods, e.g. ``Fault.busy(retry_after=1)``.

    On streaming responses ``after`` counts NDJSON lines already sent. On non-streamed
    responses the stream faults degrade sensibly: ``disconnect`` closes the connection without
    a response, ``error_line`` becomes a 500 JSON error, ``malformed_line`` a truncated JSON
    body, and ``endless`` never answers.
    """

    kind: FaultKind
    seconds: float = 0.0
    after: int = 0
    status_code: int = 0
    body: bytes = b""
    content_type: str = ""
    retry_after: float | None = None
    message: str = ""
    revive_after: float | None = None

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Wait ``seconds`` before the first byte of the response."""
        return cls("delay", seconds=seconds)

    @classmethod
    def slow_tokens(cls, seconds: float) -> Fault:
        """Wait ``seconds`` between streamed lines (tokens or progress)."""
        return cls("slow_tokens", seconds=seconds)

    @classmethod
    def disconnect(cls, after: int = 0) -> Fault:
        """Abort the connection after ``after`` lines, without the terminating chunk."""
        return cls("disconnect", after=after)

    @classmethod
    def busy(cls, retry_after: float | None = None) -> Fault:
        """Answer 503 with Ollama's queue-full error (and ``Retry-After`` when given)."""
        return cls("busy", status_code=503, retry_after=retry_after)

    @classmethod
    def html_error(cls, status: int = 500, body: bytes = DEFAULT_HTML) -> Fault:
        """Answer ``status`` with a non-JSON (HTML) body, like a proxy in front of Ollama."""
        return cls("html_error", status_code=status, body=body, content_type="text/html")

    @classmethod
    def malformed_line(cls, after: int = 1) -> Fault:
        """Send a line that is not valid JSON after ``after`` lines, then carry on."""
        return cls("malformed_line", after=after)

    @classmethod
    def error_line(cls, after: int = 1, message: str = DEFAULT_STREAM_ERROR) -> Fault:
        """Send ``{"error": message}`` after ``after`` lines and end the stream (status 200)."""
        return cls("error_line", after=after, message=message)

    @classmethod
    def endless(cls, seconds: float = 0.05) -> Fault:
        """Never finish: keep sending a line every ``seconds`` until the client goes away."""
        return cls("endless", seconds=seconds)

    @classmethod
    def status(
        cls, status: int, body: bytes | str = b"", content_type: str = "application/json"
    ) -> Fault:
        """Answer with any status, body and content type."""
        raw = body.encode() if isinstance(body, str) else body
        return cls("status", status_code=status, body=raw, content_type=content_type)

    @classmethod
    def kill(cls, revive_after: float | None = None) -> Fault:
        """Kill the server when the request arrives, as :meth:`FakeOllama.kill` does.

        The listening socket closes and every connection, this one included, is cut; with
        ``revive_after`` the server listens again on the same port after that many seconds.
        """
        return cls("kill", revive_after=revive_after)

    @classmethod
    def from_header(cls, value: str) -> list[Fault]:
        """Parse an ``x-fake-fault`` header.

        Faults are comma-separated; each is a name then ``;key=value`` parameters
        (values are URL-decoded), e.g. ``delay;seconds=0.5, disconnect;after=3`` or
        ``status;status=418;body=%7B%22error%22%3A%22teapot%22%7D``.
        """
        faults = []
        for spec in value.split(","):
            name, *params = (p.strip() for p in spec.split(";"))
            if not name:
                continue
            kv = {}
            for param in params:
                key, _, raw = param.partition("=")
                kv[key.strip().lower().replace("-", "_")] = unquote(raw.strip())
            faults.append(_from_params(name.lower().replace("-", "_"), kv))
        return faults

    @property
    def is_response(self) -> bool:
        """True for faults that replace the whole response (status, busy, HTML)."""
        return self.kind in _RESPONSE_KINDS

    @property
    def is_stream(self) -> bool:
        """True for faults that act while the body is being streamed."""
        return self.kind in _STREAM_KINDS


def _from_params(name: str, kv: dict[str, str]) -> Fault:
    def num(key: str, default: float) -> float:
        return float(kv[key]) if key in kv else default

    def count(key: str, default: int) -> int:
        return int(kv[key]) if key in kv else default

    if name == "delay":
        return Fault.delay(num("seconds", 1.0))
    if name == "slow_tokens":
        return Fault.slow_tokens(num("seconds", 0.05))
    if name == "disconnect":
        return Fault.disconnect(count("after", 0))
    if name == "busy":
        return Fault.busy(float(kv["retry_after"]) if "retry_after" in kv else None)
    if name == "html_error":
        body = kv["body"].encode() if "body" in kv else DEFAULT_HTML
        return Fault.html_error(count("status", 500), body)
    if name == "malformed_line":
        return Fault.malformed_line(count("after", 1))
    if name == "error_line":
        return Fault.error_line(count("after", 1), kv.get("message", DEFAULT_STREAM_ERROR))
    if name == "endless":
        return Fault.endless(num("seconds", 0.05))
    if name == "kill":
        return Fault.kill(float(kv["revive_after"]) if "revive_after" in kv else None)
    if name == "status":
        return Fault.status(
            count("status", 500), kv.get("body", ""), kv.get("content_type", "application/json")
        )
    raise ValueError(f"unknown fault {name!r}")


class FaultRule:
    """An injected fault with its target; ``remaining`` is ``None`` for "forever"."""

    __slots__ = ("fault", "model_key", "path", "remaining")

    def __init__(
        self, fault: Fault, model_key: str | None, path: str | None, remaining: int | None
    ) -> None:
        self.fault = fault
        self.model_key = model_key
        self.path = path
        self.remaining = remaining

    def __repr__(self) -> str:
        return (
            f"FaultRule({self.fault!r}, model_key={self.model_key!r}, path={self.path!r}, "
            f"remaining={self.remaining!r})"
        )


class FaultRules:
    """Thread-safe list of injected faults, consumed by matching requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def snapshot(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def take(self, path: str, model_key: str | None) -> list[Fault]:
        """Faults matching this request; each match uses up one of the rule's ``times``."""
        if not self._rules:
            return []
        taken = []
        with self._lock:
            for rule in list(self._rules):
                if rule.path is not None and rule.path != path:
                    continue
                if rule.model_key is not None and rule.model_key != model_key:
                    continue
                taken.append(rule.fault)
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
        return taken


@dataclass
class FaultPlan:
    """The combined effect of the faults that apply to one request."""

    delay: float = 0.0
    token_delay: float | None = None
    response: Fault | None = None
    stream: Fault | None = None
    kill: Fault | None = None

    @classmethod
    def of(cls, faults: list[Fault]) -> FaultPlan | None:
        """Combine faults (delays add up; the first response/stream/kill fault wins)."""
        if not faults:
            return None
        plan = cls()
        for fault in faults:
            if fault.kind == "delay":
                plan.delay += fault.seconds
            elif fault.kind == "slow_tokens":
                plan.token_delay = fault.seconds
            elif fault.kind == "kill":
                plan.kill = plan.kill or fault
            elif fault.is_response:
                plan.response = plan.response or fault
            elif plan.stream is None:
                plan.stream = fault
        return plan
