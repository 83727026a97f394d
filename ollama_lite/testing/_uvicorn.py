"""The uvicorn server under :class:`FakeOllama`: quiet, and able to stop and resume listening."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Callable

try:
    import uvicorn
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "ollama_lite.testing needs uvicorn: pip install 'ollama-lite[testing]'", name="uvicorn"
    ) from exc

from ._asgi import AbortConnection
from ._stats import Counters

THREAD_PREFIX = "FakeOllama"


class _QuietUvicorn(logging.Filter):
    """Keep uvicorn quiet on our threads: no info chatter, no deliberate-abort tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not threading.current_thread().name.startswith(THREAD_PREFIX):
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (AbortConnection, asyncio.CancelledError)):
            return False
        return record.levelno >= logging.WARNING


def install_log_filter() -> None:
    log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietUvicorn) for f in log.filters):
        log.addFilter(_QuietUvicorn())


class Server(uvicorn.Server):
    """uvicorn's server, woken by an event instead of polling, reporting when it listens."""

    def __init__(
        self,
        config: uvicorn.Config,
        started: threading.Event,
        host: str,
        port: int,
        counters: Counters,
    ) -> None:
        super().__init__(config)
        self.stop_event = asyncio.Event()
        self._started = started
        self._address = (host, port)
        self._counters = counters

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._started.set()

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):  # on_tick refreshes the Date header
            counter += 10
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stop_event.wait(), timeout=1.0)

    def begin_shutdown(self) -> None:
        """Stop now: drop every connection (open streams included) and leave the main loop."""
        self.should_exit = True
        self.force_exit = True
        self.drop_connections()
        self.stop_event.set()

    # -- faults: the server dies, or comes back ----------------------------------------------
    @property
    def accepting(self) -> bool:
        """True while a listening socket accepts connections."""
        return any(server.is_serving() for server in getattr(self, "servers", ()))

    def close_listeners(self) -> None:
        """Close the listening sockets: new connections are refused, open ones carry on."""
        for server in getattr(self, "servers", ()):
            server.close()

    def drop_connections(self, spare: object = None) -> int:
        """Abort every open connection but the one whose transport is ``spare``; the count.

        ``spare`` is closed gracefully instead, once its current response is sent.
        """
        dropped = 0
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is None:
                continue
            if transport is spare:
                connection.shutdown()
            elif not transport.is_closing():
                transport.abort()
                dropped += 1
        return dropped

    def close_idle_connections(self) -> None:
        """Close idle keep-alive connections; busy ones close after their current response."""
        for connection in list(self.server_state.connections):
            connection.shutdown()

    async def relisten(self) -> None:
        """Listen again on the same address after :meth:`close_listeners` (else nothing)."""
        if not self.accepting and not self.should_exit:
            await super().startup(sockets=[bind(*self._address)])  # lifespan off: only listens

    def kill(
        self, drop_connections: bool, revive_after: float | None, spare: object = None
    ) -> None:
        """Stop listening and drop (or gracefully close) connections; maybe come back later.

        Runs on the server's loop. ``spare`` is a transport closed gracefully instead of cut.
        """
        self.close_listeners()
        if drop_connections:
            self.drop(spare)
        else:
            self.close_idle_connections()
        if revive_after is not None:
            loop = asyncio.get_running_loop()
            loop.call_later(revive_after, lambda: loop.create_task(self.relisten()))

    def drop(self, spare: object = None) -> int:
        """:meth:`drop_connections`, counted in the server's statistics."""
        dropped = self.drop_connections(spare)
        self._counters.dropped_connections += dropped
        return dropped


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it keep-alive requests stall ~40 ms on Nagle + delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def call_on_loop(
    loop: asyncio.AbstractEventLoop, thread: threading.Thread | None, action: Callable[[], None]
) -> None:
    """Run ``action`` on ``loop`` and wait for it; directly when already on ``thread``."""
    if threading.current_thread() is thread:
        action()
        return

    async def run() -> None:
        action()

    asyncio.run_coroutine_threadsafe(run(), loop).result(10)
