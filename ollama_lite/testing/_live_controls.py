"""``LiveControls``: what a test reads from, and does to, the running fake server: its
connections, capacity and statistics, and outages (kill, revive, dropped connections)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from ._background import BackgroundServer
from ._capacity import Capacity
from ._stats import ServerStats


class LiveControls(BackgroundServer):
    """The connection, capacity, statistics and outage controls of :class:`FakeOllama`."""

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

    def wait_for_cancelled_requests(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until at least ``count`` abandoned responses (streamed or not) were seen;
        False on timeout."""
        return _wait(lambda: self._state.cancelled_requests >= count, timeout)

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

    def wait_for_revive(self, timeout: float = 5.0) -> bool:
        """Wait until the server accepts connections again after :meth:`kill` (its
        ``revive_after``, or :meth:`revive` from elsewhere); True at once while it accepts,
        False on timeout (a failed revive says why in :attr:`revive_error`)."""
        return _wait(lambda: self.accepting, timeout)

    @property
    def revive_error(self) -> RuntimeError | None:
        """Why the last revive (``revive_after`` included) failed; None once listening again."""
        server = self._server
        return server.revive_error if server is not None else None

    def drop_connections(self) -> int:
        """Cut every open connection now (keep listening); returns how many were cut."""
        return self._on_loop(lambda server: server.drop(None))


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
