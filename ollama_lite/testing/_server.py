"""``FakeOllama``: a real HTTP/1.1 server (uvicorn) on a background thread with its own loop."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TypeVar

import anyio.to_thread

from ._app import FakeOllamaApp
from ._capacity import Capacity
from ._faults import Fault, FaultRule, FaultRules
from ._models import FakeModel, builtin_models
from ._names import name_key
from ._state import RecordedRequest, Settings, State
from ._stats import ServerStats
from ._uvicorn import THREAD_PREFIX, Server, bind, call_on_loop, install_log_filter, quiet_config

T = TypeVar("T")


class FakeOllama:
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

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (known once started when constructed with ``port=0``)."""
        return self._port

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> FakeOllama:
        """Bind the socket and serve from a background thread; returns ``self``."""
        with self._lock:
            if self._thread is not None:
                return self
            install_log_filter()
            sock = bind(self._host, self._port)
            self._port = sock.getsockname()[1]
            started = threading.Event()
            self._error = None
            thread = threading.Thread(
                target=self._run,
                args=(sock, started),
                name=f"{THREAD_PREFIX}-{self._port}",
                daemon=True,
            )
            self._thread = thread
            thread.start()
            if not started.wait(10) or self._error is not None:
                self._stop_locked()
                raise RuntimeError("FakeOllama failed to start") from self._error
        return self

    def stop(self) -> None:
        """Stop serving promptly, closing open connections and streams; joins the thread."""
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        thread, server, loop = self._thread, self._server, self._loop
        if thread is None:
            return
        if server is not None and loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(server.begin_shutdown)
        thread.join(timeout=10)
        self._thread = self._server = self._loop = None

    def _run(self, sock: socket.socket, started: threading.Event) -> None:
        try:
            asyncio.run(self._serve(sock, started))
        except BaseException as exc:  # reported to start(); the thread must not die noisily
            self._error = exc
        finally:
            sock.close()
            started.set()

    async def _serve(self, sock: socket.socket, started: threading.Event) -> None:
        config = quiet_config(self._app, self._keep_alive_timeout)
        server = Server(config, started, self._host, self._port, self._state.counters)
        self._server = server
        self._loop = asyncio.get_running_loop()
        self._state.scheduler.reset()
        await server.serve(sockets=[sock])

    def __enter__(self) -> FakeOllama:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeOllama:
        await anyio.to_thread.run_sync(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await anyio.to_thread.run_sync(self.stop)

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

    # -- connections -----------------------------------------------------------------------
    @property
    def open_connections(self) -> int:
        """TCP connections currently open to the server."""
        server = self._server
        return len(server.server_state.connections) if server is not None else 0

    @property
    def total_connections(self) -> int:
        """Distinct client connections (address, port) that sent at least one request."""
        return len(self._state.clients)

    @property
    def cancelled_streams(self) -> int:
        """Streamed responses whose client went away before the end."""
        return self._state.cancelled_streams

    @property
    def cancelled_requests(self) -> int:
        """All responses (streamed or not) abandoned by their client."""
        return self._state.cancelled_requests

    def wait_for_connections(self, count: int = 0, timeout: float = 5.0) -> bool:
        """Wait until at most ``count`` connections are open; False on timeout."""
        return _wait(lambda: self.open_connections <= count, timeout)

    def wait_for_cancelled_streams(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until at least ``count`` abandoned streams were seen; False on timeout."""
        return _wait(lambda: self._state.cancelled_streams >= count, timeout)

    # -- capacity, outages and statistics -----------------------------------------------------
    @property
    def capacity(self) -> Capacity:
        """The capacity model; assign a new :class:`Capacity` to change it for new requests."""
        return self._state.scheduler.capacity

    @capacity.setter
    def capacity(self, value: Capacity) -> None:
        self._in_loop(lambda: self._state.scheduler.configure(value))

    def stats(self) -> ServerStats:
        """What the server did since it was built (or since :meth:`reset`/:meth:`reset_stats`)."""
        return self._in_loop(self._state.counters.snapshot)

    def reset_stats(self) -> None:
        """Zero the statistics (maxima restart from what is running now)."""
        self._in_loop(self._state.counters.reset)

    def _in_loop(self, action: Callable[[], T]) -> T:
        """Run ``action`` on the server's loop, where counters and slots change; else here."""
        return call_on_loop(self._loop, self._thread, action, or_here=True)

    @property
    def accepting(self) -> bool:
        """True while running and listening (False after :meth:`kill`, until :meth:`revive`)."""
        server = self._server
        return self.running and server is not None and server.accepting

    def kill(self, *, drop_connections: bool = True, revive_after: float | None = None) -> None:
        """Die like a crashed server: close the listening socket, so connecting is refused.

        With ``drop_connections`` (the default) every open connection is cut as well:
        in-flight requests and streams see the connection drop. Without it, requests in flight
        finish and their connections then close. ``revive_after`` brings the server back on
        the same port after that many seconds (see :meth:`revive`); a later kill or revive
        cancels that. State and statistics are kept. The thread keeps running: :attr:`running`
        stays True, :attr:`accepting` is False.
        """
        self._on_loop(lambda server: server.kill(drop_connections, revive_after))

    def revive(self) -> None:
        """Listen again on the same port after :meth:`kill` (start it if it was stopped).

        Cancels a pending ``revive_after``. Raises RuntimeError when the port cannot be bound
        again (another socket took it); the server then stays down (see :attr:`revive_error`).
        """
        if not self.running:
            self.start()
            return
        server, loop = self._server, self._loop
        if server is None or loop is None:
            raise RuntimeError("FakeOllama is not running")
        if threading.current_thread() is self._thread:  # called from a handler: no waiting
            server.revive_soon()
            return
        asyncio.run_coroutine_threadsafe(server.relisten(), loop).result(10)

    @property
    def revive_error(self) -> RuntimeError | None:
        """Why the last revive (``revive_after`` included) failed; None once listening again."""
        server = self._server
        return server.revive_error if server is not None else None

    def drop_connections(self) -> int:
        """Cut every open connection now (keep listening); returns how many were cut."""
        return self._on_loop(lambda server: server.drop(None))

    def _on_loop(self, action: Callable[[Server], T]) -> T:
        server = self._server
        if server is None or not self.running:
            raise RuntimeError("FakeOllama is not running")
        return call_on_loop(self._loop, self._thread, lambda: action(server))


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
