"""Server state: model registry, loaded models (``/api/ps``), blobs and recorded requests."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ._capacity import Scheduler
from ._models import FakeModel
from ._names import ModelName, parse_name
from ._stats import Counters
from ._wire import future_rfc3339, rfc3339_from_ns

DEFAULT_KEEP_ALIVE = 300.0


@dataclass
class Settings:
    """Server-wide behaviour knobs (see :class:`FakeOllama`)."""

    token_delay: float = 0.0
    reply_tokens: int | None = None
    version: str = "0.32.15"
    record_requests: bool = True
    record_body_limit: int = 1 << 20


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake server received it.

    ``headers`` has lower-cased names; ``json`` is the decoded body (``None`` when the body is
    empty or not JSON); ``body`` holds at most ``FakeOllama(record_body_limit=...)`` bytes,
    while ``body_size`` is the full size.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any | None
    query: str = ""
    body_size: int = 0


@dataclass
class ModelEntry:
    """A model present in the registry under one name."""

    name: ModelName
    spec: FakeModel
    modified_ns: int = field(default_factory=time.time_ns)
    messages: list[Any] = field(default_factory=list)
    parent_model: str = ""

    @property
    def display(self) -> str:
        return self.name.display

    @property
    def modified_at(self) -> str:
        return rfc3339_from_ns(self.modified_ns)

    @property
    def digest(self) -> str:
        """Bare 64-hex manifest digest: copies share it, changed contents change it."""
        spec = self.spec
        seed = (
            f"{spec.name}|{spec.system}|{spec.template}|{spec.license}|"
            f"{sorted(spec.parameters.items())}|{spec.quantization_level}|{self.messages}"
        )
        return hashlib.sha256(seed.encode()).hexdigest()

    @property
    def capabilities(self) -> tuple[str, ...]:
        return tuple(self.spec.capabilities)

    def details(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "parent_model": self.parent_model,
            "format": spec.format,
            "family": spec.family,
            "families": [spec.family],
            "parameter_size": spec.parameter_size,
            "quantization_level": spec.quantization_level,
            "context_length": spec.context_length,
            "embedding_length": spec.embedding_dim,
        }

    def summary(self) -> dict[str, Any]:
        """The ``/api/tags`` entry."""
        return {
            "name": self.display,
            "model": self.display,
            "modified_at": self.modified_at,
            "size": self.spec.size,
            "digest": self.digest,
            "details": self.details(),
            "capabilities": list(self.capabilities),
        }

    def layers(self) -> list[tuple[str, int]]:
        """(digest, size) of the fake layers, for pull/push progress."""
        spec = self.spec
        parts = [
            ("model", spec.size),
            ("template", len(spec.template) or 96),
            ("license", len(spec.license) or 11),
            ("params", 96),
            ("config", 487),
        ]
        return [
            ("sha256:" + hashlib.sha256(f"{spec.name}|{kind}".encode()).hexdigest(), size)
            for kind, size in parts
        ]


@dataclass
class LoadedModel:
    """A model currently "in memory" (listed by ``/api/ps``)."""

    entry: ModelEntry
    expires_at: float  # wall-clock seconds; inf = forever
    context_length: int


class State:
    """All mutable server state. Handlers run on the server thread; public accessors on others."""

    def __init__(self, models: list[FakeModel], settings: Settings, max_recorded: int) -> None:
        self.lock = threading.RLock()
        self.settings = settings
        self.initial_models = list(models)
        self.models: dict[str, ModelEntry] = {}
        self.loaded: dict[str, LoadedModel] = {}
        self.blobs: dict[str, tuple[int, bytes]] = {}  # digest -> (size, first bytes)
        self.requests: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self.cancelled_streams = 0
        self.cancelled_requests = 0
        self.clients: set[tuple[str, int]] = set()
        self.counters = Counters()
        self.scheduler = Scheduler(self.counters)
        self.reset_models()

    # -- registry -------------------------------------------------------------------------
    def reset_models(self) -> None:
        with self.lock:
            self.models.clear()
            self.loaded.clear()
            now = time.time_ns()  # one timestamp keeps the built-ins in their given order
            for spec in self.initial_models:
                self.add_spec(spec, now)

    def add_spec(self, spec: FakeModel, modified_ns: int | None = None) -> ModelEntry:
        name = parse_name(spec.name)
        if name is None:
            raise ValueError(f"invalid model name {spec.name!r}")
        entry = ModelEntry(name, spec, modified_ns or time.time_ns())
        self.put(entry)
        return entry

    def put(self, entry: ModelEntry) -> None:
        with self.lock:
            self.models[entry.name.key] = entry

    def get(self, text: Any) -> ModelEntry | None:
        if not isinstance(text, str):
            return None
        name = parse_name(text)
        return self.models.get(name.key) if name is not None else None

    def remove(self, key: str) -> ModelEntry | None:
        with self.lock:
            self.loaded.pop(key, None)
            return self.models.pop(key, None)

    def listed(self) -> list[ModelEntry]:
        """Registry entries, most recently modified first (like ``/api/tags``)."""
        with self.lock:
            entries = list(self.models.values())
        entries.sort(key=lambda e: e.modified_ns, reverse=True)
        return entries

    # -- loaded models --------------------------------------------------------------------
    def mark_loaded(self, entry: ModelEntry, keep_alive: float | None, num_ctx: int) -> int:
        """Record a use of ``entry``; returns the synthetic load duration in nanoseconds."""
        key = entry.name.key
        seconds = DEFAULT_KEEP_ALIVE if keep_alive is None else keep_alive
        was_loaded = key in self.loaded and self.loaded[key].expires_at > time.time()
        if seconds == 0:
            self.loaded.pop(key, None)
        else:
            self.loaded[key] = LoadedModel(entry, time.time() + seconds, num_ctx)
        return 1_500_000 if was_loaded else 250_000_000

    def unload(self, entry: ModelEntry) -> None:
        self.loaded.pop(entry.name.key, None)

    def running(self) -> list[dict[str, Any]]:
        """The ``/api/ps`` entries, longest remaining keep-alive first."""
        now = time.time()
        with self.lock:
            for key in [k for k, v in self.loaded.items() if v.expires_at <= now]:
                del self.loaded[key]
            loaded = sorted(self.loaded.values(), key=lambda m: m.expires_at, reverse=True)
        return [
            {
                "name": m.entry.display,
                "model": m.entry.display,
                "size": m.entry.spec.size,
                "digest": m.entry.digest,
                "details": m.entry.details(),
                "expires_at": future_rfc3339(m.expires_at - now),
                "size_vram": m.entry.spec.size,
                "context_length": m.context_length,
            }
            for m in loaded
        ]

    # -- requests -------------------------------------------------------------------------
    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    def recorded(self) -> list[RecordedRequest]:
        with self.lock:
            return list(self.requests)

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()
