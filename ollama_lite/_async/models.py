"""The model-management endpoints of `AsyncClient`: pull, push, create, blobs, list, show,
ps, copy, delete (a base class, so `client.py` stays about generation)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Literal, overload

from .. import _protocol as protocol
from .._async_backend import blob_size, file_chunks, read_image_files, sha256_file
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
from .session import AsyncSession
from .streams import AsyncStream

__all__ = ["AsyncModelEndpoints"]


class AsyncModelEndpoints:
    """Endpoints that manage the models stored on the server."""

    _session: AsyncSession

    @overload
    async def pull(
        self, model: str, *, insecure: bool = False, stream: Literal[False] = False
    ) -> ProgressResponse: ...

    @overload
    async def pull(
        self, model: str, *, insecure: bool = False, stream: Literal[True]
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def pull(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def pull(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Download a model; with `stream=True`, progress per layer (keyed by `digest`)."""
        return await self._session.run(protocol.pull(model, insecure=insecure, stream=stream))

    @overload
    async def push(
        self, model: str, *, insecure: bool = False, stream: Literal[False] = False
    ) -> ProgressResponse: ...

    @overload
    async def push(
        self, model: str, *, insecure: bool = False, stream: Literal[True]
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def push(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def push(
        self, model: str, *, insecure: bool = False, stream: bool = False
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Upload a model (`namespace/model:tag`) to a registry."""
        return await self._session.run(protocol.push(model, insecure=insecure, stream=stream))

    @overload
    async def create(
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
    async def create(
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
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def create(
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
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def create(
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
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Create a model from an existing one (`from_`) or from uploaded blobs (`files`)."""
        image_files = await read_image_files(file_images(messages))
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
        return await self._session.run(call)

    async def create_blob(self, path: str | os.PathLike[str]) -> str:
        """Upload a file as a blob unless the server has it; return `sha256:<hex>`.

        The file is hashed and sent in 1 MiB pieces, so memory stays constant whatever its
        size.
        """
        size = blob_size(path)
        digest = await sha256_file(path)
        if await self.blob_exists(digest):
            return digest
        # A fresh reader per attempt, so a retried upload sends the whole file again.
        call = protocol.blob_upload(digest, size)
        await self._session.unary(call, content=lambda: file_chunks(path))
        return digest

    async def blob_exists(self, digest: str) -> bool:
        """True when the server already has the blob `sha256:<hex>`."""
        try:
            await self._session.unary(protocol.blob_head(digest))
        except ResponseError as exc:
            if exc.status_code == 404:
                return False
            raise
        return True

    async def list(self) -> ListResponse:
        """Models stored on the server."""
        return await self._session.unary(protocol.list_models())

    async def show(self, model: str, *, verbose: bool | None = None) -> ShowResponse:
        """Details of a model: parameters, template, capabilities, model_info, ..."""
        return await self._session.unary(protocol.show(model, verbose=verbose))

    async def ps(self) -> ProcessResponse:
        """Models loaded in memory now."""
        return await self._session.unary(protocol.ps())

    async def copy(self, source: str, destination: str) -> StatusResponse:
        """Copy a model under a new name."""
        return await self._session.unary(protocol.copy(source, destination))

    async def delete(self, model: str) -> StatusResponse:
        """Delete a model from the server."""
        return await self._session.unary(protocol.delete(model))
