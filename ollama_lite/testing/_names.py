"""Ollama model names: ``[host/][namespace/]model[:tag][@digest]``, parsed like the server does."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"

_HOST_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,349}")
_NAMESPACE_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,79}")
_PART_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}")


@dataclass(frozen=True, slots=True)
class ModelName:
    """A fully qualified model name."""

    host: str
    namespace: str
    model: str
    tag: str

    @property
    def key(self) -> str:
        """Case-insensitive identity, used to match local models."""
        return f"{self.host}/{self.namespace}/{self.model}:{self.tag}".lower()

    @property
    def display(self) -> str:
        """The short form Ollama lists, e.g. ``llama3.2:latest`` or ``me/model:tag``."""
        if self.host.lower() != DEFAULT_HOST:
            return f"{self.host}/{self.namespace}/{self.model}:{self.tag}"
        if self.namespace.lower() != DEFAULT_NAMESPACE:
            return f"{self.namespace}/{self.model}:{self.tag}"
        return f"{self.model}:{self.tag}"

    @property
    def has_namespace(self) -> bool:
        """True when the name names a namespace other than the default ``library``."""
        return self.namespace.lower() != DEFAULT_NAMESPACE


def parse_name(text: str) -> ModelName | None:
    """Parse and validate a model name; ``None`` when it is invalid (including empty)."""
    if not text or not isinstance(text, str):
        return None
    return _parse(text)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> ModelName | None:
    rest = text.partition("@")[0]
    tag = DEFAULT_TAG
    if rest.rfind(":") > rest.rfind("/"):
        rest, _, tag = rest.rpartition(":")
        if not tag:
            return None
    parts = rest.split("/")
    if len(parts) > 3 or any(not p for p in parts):
        return None
    host, namespace = DEFAULT_HOST, DEFAULT_NAMESPACE
    if len(parts) == 3:
        host, namespace, model = parts
    elif len(parts) == 2:
        namespace, model = parts
    else:
        (model,) = parts
    if not (
        _HOST_RE.fullmatch(host)
        and _NAMESPACE_RE.fullmatch(namespace)
        and _PART_RE.fullmatch(model)
        and _PART_RE.fullmatch(tag)
    ):
        return None
    return ModelName(host, namespace, model, tag)


def name_key(text: str) -> str | None:
    """The registry key for ``text``, or ``None`` when the name is invalid."""
    name = parse_name(text)
    return name.key if name is not None else None
