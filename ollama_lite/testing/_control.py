"""Control routes under ``/_fake/``: drive a fake server from another process.

``GET /_fake/stats`` returns :class:`ServerStats` as JSON; ``POST /_fake/kill`` with
``{"drop_connections": true, "revive_after": null}`` (both optional) kills the server as
:meth:`FakeOllama.kill` does, after answering; ``POST /_fake/drop`` cuts every other open
connection and answers ``{"dropped": n}``; ``GET /_fake/capacity`` returns the capacity model
and ``POST /_fake/capacity`` changes the fields it names. These requests are neither
recorded nor counted in the statistics. Real Ollama answers 404 there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ._asgi import Exchange
from ._capacity import Capacity
from ._state import State
from ._uvicorn import Server
from ._validate import fail

PREFIX = "/_fake/"


def _transport(ex: Exchange) -> object:
    """The transport of this exchange's connection (uvicorn's request cycle holds it)."""
    return getattr(getattr(ex.send, "__self__", None), "transport", None)


class Control:
    """Handlers for the control routes, acting on the running uvicorn server."""

    def __init__(self, state: State, server: Callable[[], Server | None]) -> None:
        self.state = state
        self.server = server

    def routes(self) -> dict[str, dict[str, Callable[[Exchange], Any]]]:
        return {
            PREFIX + "stats": {"GET": self.stats},
            PREFIX + "kill": {"POST": self.kill},
            PREFIX + "drop": {"POST": self.drop},
            PREFIX + "capacity": {"GET": self.capacity, "POST": self.capacity},
        }

    def _body(self, ex: Exchange) -> dict[str, Any]:
        return ex.json_object("Control") if ex.body else {}

    def _running(self) -> Server:
        server = self.server()
        if server is None:
            fail(503, "the fake server is stopping")
        return server

    async def stats(self, ex: Exchange) -> None:
        await ex.respond_json(dataclasses.asdict(self.state.counters.snapshot()))

    async def kill(self, ex: Exchange) -> None:
        body = self._body(ex)
        drop = body.get("drop_connections", True)
        revive_after = body.get("revive_after")
        if not isinstance(drop, bool):
            fail(400, "drop_connections must be true or false")
        if revive_after is not None and (
            isinstance(revive_after, bool) or not isinstance(revive_after, (int, float))
        ):
            fail(400, "revive_after must be a number of seconds or null")
        self._running().kill(drop, revive_after, spare=_transport(ex))
        await ex.respond_json({"killed": True})

    async def drop(self, ex: Exchange) -> None:
        dropped = self._running().drop(spare=_transport(ex))
        await ex.respond_json({"dropped": dropped})

    async def capacity(self, ex: Exchange) -> None:
        scheduler = self.state.scheduler
        if ex.method == "POST":
            fields = {f.name for f in dataclasses.fields(Capacity)}
            changes = self._body(ex)
            unknown = sorted(set(changes) - fields)
            if unknown:
                fail(400, f"unknown capacity fields {unknown}; known: {sorted(fields)}")
            try:
                scheduler.configure(dataclasses.replace(scheduler.capacity, **changes))
            except (TypeError, ValueError) as exc:
                fail(400, str(exc))
        await ex.respond_json(dataclasses.asdict(scheduler.capacity))
