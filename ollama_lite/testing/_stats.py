"""Statistics a test can read: requests per route, concurrency, 503s, dropped connections."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServerStats:
    """A snapshot of what a fake server has done (see :meth:`FakeOllama.stats`).

    ``requests``: requests received per path; ``served``: complete 2xx responses per path;
    ``running``/``queued``: model requests holding a slot / waiting for one now, with their
    maxima since the last reset (``max_running_by_model`` by full model name, such as
    ``nomic-embed-text:latest``);
    ``busy_responses``: 503 answers (queue full or an injected ``busy`` fault);
    ``dropped_connections``: connections the server cut (kill, ``drop_connections``, the
    ``disconnect`` fault).
    """

    requests: dict[str, int] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)
    running: int = 0
    max_running: int = 0
    max_running_by_model: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    max_queued: int = 0
    busy_responses: int = 0
    dropped_connections: int = 0


class Counters:
    """Mutable statistics, read as :class:`ServerStats`.

    Only the server's loop touches them: handlers write without locking, and
    :class:`FakeOllama` runs :meth:`reset` and :meth:`snapshot` on the loop too, so a reset
    cannot land in the middle of an update. The lock serves callers while no loop runs.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: dict[str, int] = {}
        self.served: dict[str, int] = {}
        self.running = self.max_running = self.queued = self.max_queued = 0
        self.running_by_model: dict[str, int] = {}
        self.max_running_by_model: dict[str, int] = {}
        self.busy_responses = self.dropped_connections = 0

    def reset(self) -> None:
        """Zero the totals; maxima restart from what is running and queued now."""
        with self.lock:
            self.requests = {}
            self.served = {}
            self.max_running, self.max_queued = self.running, self.queued
            self.max_running_by_model = {k: v for k, v in self.running_by_model.items() if v}
            self.busy_responses = self.dropped_connections = 0

    def received(self, path: str) -> None:
        self.requests[path] = self.requests.get(path, 0) + 1

    def completed(self, path: str) -> None:
        self.served[path] = self.served.get(path, 0) + 1

    def started(self, model: str) -> None:
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        count = self.running_by_model[model] = self.running_by_model.get(model, 0) + 1
        if count > self.max_running_by_model.get(model, 0):
            self.max_running_by_model[model] = count

    def ended(self, model: str) -> None:
        self.running -= 1
        self.running_by_model[model] -= 1

    def snapshot(self) -> ServerStats:
        with self.lock:
            return ServerStats(
                dict(self.requests),
                dict(self.served),
                self.running,
                self.max_running,
                dict(self.max_running_by_model),
                self.queued,
                self.max_queued,
                self.busy_responses,
                self.dropped_connections,
            )
