# Generated from ollama_lite/_async/wire_pool.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""The fast path's connection pool for one origin.

At most `max_connections` connections are in use at once (others wait in line up to the
pool timeout); up to `max_keepalive` idle ones are kept, each for `keepalive_expiry`
seconds. The most recently used idle connection is handed out first (its socket is warm,
and older ones expire), after a check that the server has not closed it meanwhile.
"""

from __future__ import annotations

import logging
import time

from .._backends.socket_network import Slots, connect
from .._wire.request import Origin
from .wire_connection import Connection

__all__ = ["ConnectionPool"]

logger = logging.getLogger("ollama_lite")


class ConnectionPool:
    """Keep-alive HTTP/1.1 connections to one origin."""

    __slots__ = ("_closed", "_expiry", "_idle", "_max_keepalive", "_slots", "origin")

    def __init__(
        self, origin: Origin, *, max_connections: int, max_keepalive: int, keepalive_expiry: float
    ) -> None:
        self.origin = origin
        self._slots = Slots(max_connections)
        self._max_keepalive = max_keepalive
        self._expiry = keepalive_expiry
        self._idle: list[Connection] = []
        self._closed = False

    @property
    def idle(self) -> int:
        """How many idle connections are kept."""
        return len(self._idle)

    def acquire(
        self, connect_timeout: float | None, pool_timeout: float | None
    ) -> Connection:
        """A connection for one request: an idle one still alive, else a new one."""
        self._slots.acquire(pool_timeout)
        try:
            now = time.monotonic()
            while True:
                try:
                    connection = self._idle.pop()  # atomic, even with threads (sync twin)
                except IndexError:
                    break
                if connection.is_reusable(now, self._expiry):
                    return connection
                logger.debug("dropping a stale connection to %s", self.origin.authority)
                connection.close()
            socket = connect(self.origin, connect_timeout)
            logger.debug("connected to %s", self.origin.authority)
            return Connection(socket, self.origin)
        except BaseException:
            self._slots.release()
            raise

    def release(self, connection: Connection, reusable: bool) -> None:
        """Take a connection back: keep it for the next request, or close it."""
        try:
            if reusable and not self._closed and len(self._idle) < self._max_keepalive:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
            else:
                connection.close()
        finally:
            self._slots.release()

    def close(self) -> None:
        """Close the idle connections; connections in use close when they are released."""
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
