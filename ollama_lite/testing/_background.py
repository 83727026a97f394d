"""``BackgroundServer``: serves the fake's ASGI app on a background thread with its own
event loop (start, stop, the context managers, and running code on that loop)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

import anyio.to_thread
from typing_extensions import Self

from ._app import FakeOllamaApp
from ._state import State
from ._uvicorn import THREAD_PREFIX, Server, bind, call_on_loop, install_log_filter, quiet_config

T = TypeVar("T")


class BackgroundServer:
    """The hosting half of :class:`FakeOllama`: a uvicorn server for its app on
    ``host:port`` (a free port for 0), run by ``asyncio.run`` on a daemon thread."""

    # Set by FakeOllama's constructor.
    _app: FakeOllamaApp
    _state: State
    _host: str
    _port: int
    _keep_alive_timeout: float
    _lock: threading.Lock
    _thread: threading.Thread | None
    _server: Server | None
    _loop: asyncio.AbstractEventLoop | None
    _error: BaseException | None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def host(self) -> str:
        """The address it listens on, as given (e.g. ``127.0.0.1`` or ``::1``)."""
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
        """True from :meth:`start` to :meth:`stop` (still True after :meth:`kill`)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await anyio.to_thread.run_sync(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await anyio.to_thread.run_sync(self.stop)

    def _in_loop(self, action: Callable[[], T]) -> T:
        """Run ``action`` on the server's loop, where counters and slots change; else here."""
        return call_on_loop(self._loop, self._thread, action, or_here=True)

    def _on_loop(self, action: Callable[[Server], T]) -> T:
        server = self._server
        if server is None or not self.running:
            raise RuntimeError("FakeOllama is not running")
        return call_on_loop(self._loop, self._thread, lambda: action(server))
