"""``FakeOllama``: a real HTTP/1.1 server (uvicorn) on a background thread with its own loop.

This module holds the public class and the simulated Ollama's state (models, blobs, recorded
requests, faults); ``_background.py`` hosts it, ``_live_controls.py`` holds its connection,
capacity, statistics and outage controls.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterable

from ._app import FakeOllamaApp
from ._capacity import Capacity
from ._faults import Fault, FaultRule, FaultRules
from ._live_controls import LiveControls
from ._models import FakeModel, builtin_models
from ._names import name_key
from ._state import RecordedRequest, Settings, State
from ._uvicorn import Server


class FakeOllama(LiveControls):
    """A protocol-faithful fake Ollama server for tests, demos and benchmarks.

    Serves real HTTP/1.1 on ``host:port`` (a free port by default) from a background thread::

        with FakeOllama() as server:
            httpx.post(f"{server.url}/api/chat", json={...})

        async with FakeOllama() as server:  # asyncio or trio
            ...

    Built-in models: ``llama3.2`` (completion, tools), ``qwen3`` (completion, tools, thinking),
    ``nomic-embed-text`` (768-d) and ``all-minilm`` (384-d) embeddings; ``models`` adds or
    replaces models, ``embedding_dim`` resizes the built-in embedding models,
    ``token_delay`` spaces streamed lines, and ``reply_tokens`` makes every text reply exactly
    that many tokens (per request: header ``x-fake-reply-tokens``).

    Capacity (all off by default: unlimited and instant): ``num_parallel`` slots per chat
    model (embedding models get one, as in Ollama), ``max_queue`` requests waiting beyond
    which it answers Ollama's 503 (stricter than Ollama, which queues requests for an
    already-loaded model without limit), ``request_seconds`` and ``embed_seconds_per_text`` of
    simulated work; ``token_delay`` is the time per generated token. See :class:`Capacity`.
    Faults that kill it: :meth:`kill`, :meth:`revive`, :meth:`drop_connections`; what it did:
    :meth:`stats`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        models: Iterable[FakeModel] | None = None,
        include_builtin_models: bool = True,
        embedding_dim: int | None = None,
        token_delay: float = 0.0,
        reply_tokens: int | None = None,
        version: str = "0.32.15",
        keep_alive_timeout: float = 30.0,
        record_requests: bool = True,
        max_recorded_requests: int = 10_000,
        record_body_limit: int = 1 << 20,
        num_parallel: int | None = None,
        max_queue: int | None = None,
        request_seconds: float = 0.0,
        embed_seconds_per_text: float = 0.0,
    ) -> None:
        specs = builtin_models(embedding_dim) if include_builtin_models else []
        for model in models or ():
            specs = [s for s in specs if name_key(s.name) != name_key(model.name)] + [model]
        self._settings = Settings(
            token_delay, reply_tokens, version, record_requests, record_body_limit
        )
        self._initial_settings = dataclasses.replace(self._settings)
        self._state = State(specs, self._settings, max_recorded_requests)
        self._capacity = Capacity(num_parallel, max_queue, request_seconds, embed_seconds_per_text)
        self._state.scheduler.configure(self._capacity)
        self._faults = FaultRules()
        self._app = FakeOllamaApp(self._state, self._faults, lambda: self._server)
        self._host = host
        self._port = port
        self._keep_alive_timeout = keep_alive_timeout
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<FakeOllama {self.url} {state}>"

    # -- behaviour -------------------------------------------------------------------------
    @property
    def token_delay(self) -> float:
        """Seconds between streamed lines (0 = as fast as possible)."""
        return self._settings.token_delay

    @token_delay.setter
    def token_delay(self, value: float) -> None:
        self._settings.token_delay = value

    @property
    def reply_tokens(self) -> int | None:
        """When set, every text reply is exactly this many tokens."""
        return self._settings.reply_tokens

    @reply_tokens.setter
    def reply_tokens(self, value: int | None) -> None:
        self._settings.reply_tokens = value

    # -- models and blobs ------------------------------------------------------------------
    def add_model(self, model: FakeModel) -> None:
        """Add (or replace) a model in the registry."""
        self._state.add_spec(model)

    def remove_model(self, name: str) -> bool:
        """Remove a model by name; returns whether it existed."""
        key = name_key(name)
        return key is not None and self._state.remove(key) is not None

    @property
    def models(self) -> list[str]:
        """Names of the models in the registry (as ``/api/tags`` lists them)."""
        return [entry.display for entry in self._state.listed()]

    @property
    def loaded_models(self) -> list[str]:
        """Names of the models ``/api/ps`` currently lists."""
        return [m["name"] for m in self._state.running()]

    @property
    def blobs(self) -> dict[str, int]:
        """Uploaded blobs: ``sha256:<hex>`` digest to size in bytes."""
        with self._state.lock:
            return {digest: size for digest, (size, _) in self._state.blobs.items()}

    def reset(self) -> None:
        """Back to the initial state: models, blobs, requests, faults, counters, capacity, and
        the ``token_delay`` and ``reply_tokens`` given to the constructor."""
        state = self._state
        self.token_delay = self._initial_settings.token_delay
        self.reply_tokens = self._initial_settings.reply_tokens
        with state.lock:
            state.reset_models()
            state.blobs.clear()
            state.requests.clear()
            state.cancelled_streams = state.cancelled_requests = 0
            state.clients.clear()
        self._in_loop(state.counters.reset)
        self._in_loop(lambda: state.scheduler.configure(self._capacity))
        self._faults.clear()

    # -- requests --------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """Requests received so far, oldest first."""
        return self._state.recorded()

    @property
    def last_request(self) -> RecordedRequest:
        """The most recent request.

        Raises ``LookupError`` when none was recorded (none received yet, ``reset()`` or
        ``clear_requests()`` since, or ``record_requests=False``); ``requests`` is then empty.
        """
        with self._state.lock:
            if self._state.requests:
                return self._state.requests[-1]
        why = (
            "" if self._settings.record_requests else " (it was started with record_requests=False)"
        )
        raise LookupError(f"FakeOllama at {self.url} has recorded no request{why}")

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self._state.clear_requests()

    # -- faults ----------------------------------------------------------------------------
    def inject(
        self,
        fault: Fault,
        *,
        model: str | None = None,
        path: str | None = None,
        times: int | None = 1,
    ) -> FaultRule:
        """Make the next ``times`` matching requests fail with ``fault`` (``None`` = forever).

        ``model`` restricts it to requests naming that model, ``path`` to one route.
        """
        key = None
        if model is not None:
            key = name_key(model)
            if key is None:
                raise ValueError(f"invalid model name {model!r}")
        rule = FaultRule(fault, key, path, times)
        self._faults.add(rule)
        return rule

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._faults.clear()

    @property
    def faults(self) -> list[FaultRule]:
        """Injected faults not yet used up."""
        return self._faults.snapshot()
