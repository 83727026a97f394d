"""Embeddings: /api/embed and the legacy /api/embeddings."""

from __future__ import annotations

from ._base import SubscriptableStruct
from .chat import KeepAlive
from .common import OptionsValue

__all__ = ["EmbedRequest", "EmbedResponse", "EmbeddingsRequest", "EmbeddingsResponse"]


class EmbedRequest(SubscriptableStruct):
    """Body of POST /api/embed."""

    model: str
    input: str | list[str]
    truncate: bool | None = None
    dimensions: int | None = None
    options: OptionsValue | None = None
    keep_alive: KeepAlive | None = None


class EmbedResponse(SubscriptableStruct, gc=False):
    """One L2-normalised vector per input, in input order."""

    model: str = ""
    embeddings: list[list[float]] = []
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_count: int | None = None
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None


class EmbeddingsRequest(SubscriptableStruct):
    """Body of the legacy POST /api/embeddings."""

    model: str
    prompt: str | None = None
    options: OptionsValue | None = None
    keep_alive: KeepAlive | None = None


class EmbeddingsResponse(SubscriptableStruct, gc=False):
    """The legacy endpoint's single, unnormalised vector."""

    embedding: list[float] = []
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None
