"""Helpers for the pool tests: a scripted MockTransport over several fake hosts, and a
transport that makes one real server answer 503 part of the time."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import httpx
import msgspec

#: The fake model the embed_many tests use (context: 512 whitespace tokens), and its
#: vector size in the fake servers they start (small, to keep the tests quick).
MODEL = "all-minilm"
DIM = 16
BUSY = b'{"error":"server busy, please try again.  maximum pending requests exceeded"}'


def embed_body(request: httpx.Request) -> bytes:
    """A valid /api/embed answer with one 2-d vector per input text."""
    sent = msgspec.json.decode(request.content) if request.content else {}
    texts = sent.get("input", [])
    texts = [texts] if isinstance(texts, str) else texts
    return msgspec.json.encode(
        {"model": sent.get("model", ""), "embeddings": [[float(len(t)), 1.0] for t in texts]}
    )


Behaviour = Callable[[httpx.Request], httpx.Response]


class Hosts:
    """A MockTransport whose answers depend on the request's host (`a`, `b`, ...).

    `behave[name]` is a callable returning a response or raising an httpx error; by
    default a host answers like a healthy Ollama. `log[name]` lists "METHOD /path".
    """

    def __init__(self, **behave: Behaviour) -> None:
        self.behave = dict(behave)
        self.log: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host
        with self._lock:
            self.log.setdefault(name, []).append(f"{request.method} {request.url.path}")
        behaviour = self.behave.get(name, healthy)
        return behaviour(request)

    def count(self, name: str, what: str = "") -> int:
        return sum(1 for entry in self.log.get(name, []) if what in entry)


def healthy(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/api/version":
        return httpx.Response(200, json={"version": "0.12.0"})
    if request.url.path == "/api/embed":
        return httpx.Response(200, content=embed_body(request))
    if request.url.path == "/api/chat":
        return httpx.Response(
            200,
            json={"model": "m", "message": {"role": "assistant", "content": "hi"}, "done": True},
        )
    if request.url.path == "/api/tags":
        return httpx.Response(200, json={"models": []})
    return httpx.Response(404, json={"error": "not found"})


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


def status(code: int, body: bytes = b'{"error":"x"}', **headers: str) -> Behaviour:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(code, content=body, headers=headers)

    return answer


def fail_first(times: int, failure: Behaviour) -> Behaviour:
    """Fail the first `times` requests, then behave like a healthy host."""
    left = [times]

    def answer(request: httpx.Request) -> httpx.Response:
        if left[0] > 0:
            left[0] -= 1
            return failure(request)
        return healthy(request)

    return answer


class FlakyTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Forwards to real servers, but answers 503 (as Ollama does when busy) to a share
    `rate` of the requests meant for `sick_port`, chosen by a seeded RNG."""

    def __init__(self, sick_port: int, rate: float, seed: int = 1) -> None:
        self._sync = httpx.HTTPTransport()
        self._async = httpx.AsyncHTTPTransport()
        self._sick = sick_port
        self._rate = rate
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.busy_answers = 0

    def _busy(self, request: httpx.Request) -> httpx.Response | None:
        if request.url.port != self._sick:
            return None
        with self._lock:
            if self._rng.random() >= self._rate:
                return None
            self.busy_answers += 1
        return httpx.Response(503, content=BUSY)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._busy(request) or self._sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._busy(request) or await self._async.handle_async_request(request)

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()


def kill(server: Any) -> None:
    """Make a fake server die like a crashed one: refuse connections, cut those open."""
    stop = getattr(server, "kill", None) or server.stop
    stop()
