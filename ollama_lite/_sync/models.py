# Generated from ollama_lite/_async/models.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""The model-management endpoints of `Client`: pull, push, create, blobs, list, show,
ps, copy, delete (a base class, so `client.py` stays about generation)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Literal, overload

from .. import _protocol as protocol
from .._sync_backend import blob_size, file_chunks, read_image_files, sha256_file
from .._errors import ResponseError
from .._images import file_images
from ..types import (
    ListResponse,
    ProcessResponse,
    ProgressResponse,
    ShowResponse,
    StatusResponse,
)
from ..types.params import MessagesArg, OptionsArg
from .session import Session
from .streams import Stream

__all__ = ["ModelEndpoints"]


class ModelEndpoints:
    """Endpoints that manage the models stored on the server."""

    _session: Session

    @overload
    def pull(
        self, model: str, *, insecure: bool = False, stream: Literal[False] = False
    ) -> ProgressResponse: ...

    @overload
    def pull(
        self, model: str, *, insecure: bool = False, stream: Literal[True]
    ) -> Stream[ProgressResponse]: ...

    @overload
    def pull(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | Stream[ProgressResponse]: ...

    def pull(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | Stream[ProgressResponse]:
        """Download a model; with `stream=True`, progress per layer (keyed by `digest`)."""
        return self._session.run(protocol.pull(model, insecure=insecure, stream=stream))

    @overload
    def push(
        self, model: str, *, insecure: bool = False, stream: Literal[False] = False
    ) -> ProgressResponse: ...

    @overload
    def push(
        self, model: str, *, insecure: bool = False, stream: Literal[True]
    ) -> Stream[ProgressResponse]: ...

    @overload
    def push(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | Stream[ProgressResponse]: ...

    def push(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | Stream[ProgressResponse]:
        """Upload a model (`namespace/model:tag`) to a registry."""
        return self._session.run(protocol.push(model, insecure=insecure, stream=stream))

    @overload
    def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: Literal[False] = False,
    ) -> ProgressResponse: ...

    @overload
    def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: Literal[True],
    ) -> Stream[ProgressResponse]: ...

    @overload
    def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: bool = False,
    ) -> ProgressResponse | Stream[ProgressResponse]: ...

    def create(
        self,
        model: str,
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        *,
        stream: bool = False,
    ) -> ProgressResponse | Stream[ProgressResponse]:
        """Create a model from an existing one (`from_`) or from uploaded blobs (`files`)."""
        image_files = read_image_files(file_images(messages))
        call = protocol.create(
            model,
            quantize,
            from_,
            files,
            adapters,
            template,
            license,
            system,
            parameters,
            messages,
            stream=stream,
            image_files=image_files,
        )
        return self._session.run(call)

    def create_blob(self, path: str | os.PathLike[str]) -> str:
        """Upload a file as a blob unless the server has it; return `sha256:<hex>`.

        The file is hashed and sent in 1 MiB pieces, so memory stays constant whatever its
        size.
        """
        size = blob_size(path)
        digest = sha256_file(path)
        if self.blob_exists(digest):
            return digest
        # A fresh reader per attempt, so a retried upload sends the whole file again.
        call = protocol.blob_upload(digest, size)
        self._session.unary(call, content=lambda: file_chunks(path))
        return digest

    def blob_exists(self, digest: str) -> bool:
        """True when the server already has the blob `sha256:<hex>`."""
        try:
            self._session.unary(protocol.blob_head(digest))
        except ResponseError as exc:
            if exc.status_code == 404:
                return False
            raise
        return True

    def list(self) -> ListResponse:
        """Models stored on the server."""
        return self._session.unary(protocol.list_models())

    def show(self, model: str, *, verbose: bool | None = None) -> ShowResponse:
        """Details of a model: parameters, template, capabilities, model_info, ..."""
        return self._session.unary(protocol.show(model, verbose=verbose))

    def ps(self) -> ProcessResponse:
        """Models loaded in memory now."""
        return self._session.unary(protocol.ps())

    def copy(self, source: str, destination: str) -> StatusResponse:
        """Copy a model under a new name."""
        return self._session.unary(protocol.copy(source, destination))

    def delete(self, model: str) -> StatusResponse:
        """Delete a model from the server."""
        return self._session.unary(protocol.delete(model))
