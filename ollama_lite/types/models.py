"""Model management: list, show, ps, create, pull, push, copy, delete, version, progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import msgspec

from ._base import SubscriptableStruct
from .common import Message, ModelDetails, OptionsValue

__all__ = [
    "CopyRequest",
    "CreateRequest",
    "DeleteRequest",
    "ListResponse",
    "ModelSummary",
    "ProcessResponse",
    "ProgressResponse",
    "PullRequest",
    "PushRequest",
    "RunningModel",
    "ShowRequest",
    "ShowResponse",
    "StatusResponse",
    "TensorInfo",
    "VersionResponse",
]


class ModelSummary(SubscriptableStruct, gc=False):
    """A model stored on the server (an entry of `list()`). `digest` is bare hex."""

    model: str = ""
    name: str | None = None
    modified_at: datetime | None = None
    size: int | None = None
    digest: str | None = None
    details: ModelDetails | None = None
    capabilities: list[str] | None = None
    remote_model: str | None = None
    remote_host: str | None = None


class ListResponse(SubscriptableStruct, gc=False):
    """Models stored on the server (GET /api/tags)."""

    models: list[ModelSummary] = []
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None

    Model: ClassVar[type[ModelSummary]]


ListResponse.Model = ModelSummary


class RunningModel(SubscriptableStruct, gc=False):
    """A model loaded in memory (an entry of `ps()`)."""

    model: str = ""
    name: str | None = None
    digest: str | None = None
    expires_at: datetime | None = None
    size: int | None = None
    size_vram: int | None = None
    details: ModelDetails | None = None
    context_length: int | None = None


class ProcessResponse(SubscriptableStruct, gc=False):
    """Models loaded in memory (GET /api/ps), longest remaining keep-alive first."""

    models: list[RunningModel] = []
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None

    Model: ClassVar[type[RunningModel]]


ProcessResponse.Model = RunningModel


class TensorInfo(SubscriptableStruct, gc=False):
    """One tensor of a model (from `show(verbose=True)`)."""

    name: str = ""
    type: str = ""
    shape: list[int] = []


class ShowResponse(SubscriptableStruct, gc=False):
    """Everything the server knows about a model (POST /api/show).

    `modelinfo` is sent as `model_info`; both keys work with `resp[...]`.
    """

    modified_at: datetime | None = None
    template: str | None = None
    modelfile: str | None = None
    license: str | None = None
    details: ModelDetails | None = None
    modelinfo: dict[str, Any] | None = msgspec.field(default=None, name="model_info")
    projector_info: dict[str, Any] | None = None
    parameters: str | None = None
    capabilities: list[str] | None = None
    system: str | None = None
    messages: list[Message] | None = None
    renderer: str | None = None
    parser: str | None = None
    tensors: list[TensorInfo] | None = None
    requires: str | None = None
    remote_model: str | None = None
    remote_host: str | None = None
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None


class ProgressResponse(SubscriptableStruct, gc=False):
    """A progress line of pull, push or create. Track layers by `digest`; `success` ends it."""

    status: str | None = None
    digest: str | None = None
    total: int | None = None
    completed: int | None = None
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None


class StatusResponse(SubscriptableStruct, gc=False):
    """The result of copy and delete: `status="success"`."""

    status: str | None = None
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None


class VersionResponse(SubscriptableStruct, gc=False):
    """The server's version (GET /api/version)."""

    version: str = ""
    #: The server that answered (set by `HostPool`/`AsyncHostPool`; None otherwise).
    host: str | None = None


class ShowRequest(SubscriptableStruct):
    """Body of POST /api/show."""

    model: str
    verbose: bool | None = None


class CopyRequest(SubscriptableStruct):
    """Body of POST /api/copy."""

    source: str
    destination: str


class DeleteRequest(SubscriptableStruct):
    """Body of DELETE /api/delete."""

    model: str


class PullRequest(SubscriptableStruct):
    """Body of POST /api/pull."""

    model: str
    stream: bool
    insecure: bool | None = None


class PushRequest(PullRequest):
    """Body of POST /api/push."""


class CreateRequest(SubscriptableStruct):
    """Body of POST /api/create."""

    model: str
    stream: bool
    from_: str | None = msgspec.field(default=None, name="from")
    files: dict[str, str] | None = None
    adapters: dict[str, str] | None = None
    template: str | None = None
    license: str | list[str] | None = None
    system: str | None = None
    parameters: OptionsValue | None = None
    messages: list[Message] | None = None
    quantize: str | None = None
    renderer: str | None = None
    parser: str | None = None
