"""The endpoints of `AsyncClient` that move models: pull, push, create and blob uploads (a
base class, so `client.py` stays about the client itself)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TypeAlias, overload

import httpx

from .. import _protocol as protocol
from .._async_backend import blob_size, file_chunks, read_image_files, sha256_file
from .._errors import RequestError, ResponseError
from .._files import refuse_file_name_images
from .._images import file_images
from .._progress import PullProgress
from .._request_options import call_arguments
from ..types import (
    ProgressResponse,
)
from ..types.params import NOT_GIVEN, CreateParams, MessagesArg, NotGiven, OptionsArg
from .sender import AsyncSender
from .streams import AsyncStream

__all__ = ["AsyncModelEndpoints", "ProgressArg"]

#: `pull(progress=...)`: True for the built-in display (`PullProgress` on stderr), or a
#: callable that receives each progress part.
ProgressArg: TypeAlias = "bool | Callable[[ProgressResponse], object]"


class AsyncModelEndpoints:
    """Endpoints that bring models to the server, or take them from it."""

    _session: AsyncSender

    @overload
    async def pull(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: Literal[False] = False,
        progress: ProgressArg = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse: ...

    @overload
    async def pull(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: Literal[True],
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def pull(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: bool = False,
        progress: ProgressArg = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def pull(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: bool = False,
        progress: ProgressArg = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Download a model; with `stream=True`, progress per layer (keyed by `digest`).

        `progress=True` shows the download on stderr while it runs (`PullProgress`: one
        line per status, the layers summed on a line redrawn in place) and returns the
        final status; `progress=callable` gets each progress part instead.
        """
        _, options = call_arguments(locals())
        if progress is False:
            call = protocol.pull(model, insecure=insecure, stream=stream)
            return await self._session.run(call, options)
        if not (progress is True or callable(progress)):
            raise RequestError(f"progress must be True, False or a callable, not {progress!r}")
        if stream:
            raise RequestError("progress= shows the parts itself: use it without stream=True")
        call = protocol.pull(model, insecure=insecure, stream=True)
        show = PullProgress() if progress is True else progress
        last: ProgressResponse | None = None
        try:
            async with await self._session.stream(call, options) as parts:
                async for part in parts:
                    show(part)
                    last = part
        finally:
            if isinstance(show, PullProgress):
                show.close()
        if last is None:
            raise ResponseError("the server ended the pull without a status", 200)
        return last

    @overload
    async def push(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: Literal[False] = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse: ...

    @overload
    async def push(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: Literal[True],
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def push(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: bool = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def push(
        self,
        model: str,
        *,
        insecure: bool = False,
        stream: bool = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Upload a model (`namespace/model:tag`) to a registry."""
        _, options = call_arguments(locals())
        call = protocol.push(model, insecure=insecure, stream=stream)
        return await self._session.run(call, options)

    @overload
    async def create(
        self,
        model: str,
        # BEGIN params generated from CreateParams by scripts/gen_signatures.py
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        # END generated params
        *,
        stream: Literal[False] = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse: ...

    @overload
    async def create(
        self,
        model: str,
        # BEGIN params generated from CreateParams by scripts/gen_signatures.py
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        # END generated params
        *,
        stream: Literal[True],
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> AsyncStream[ProgressResponse]: ...

    @overload
    async def create(
        self,
        model: str,
        # BEGIN params generated from CreateParams by scripts/gen_signatures.py
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        # END generated params
        *,
        stream: bool = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse | AsyncStream[ProgressResponse]: ...

    async def create(
        self,
        model: str,
        # BEGIN params generated from CreateParams by scripts/gen_signatures.py
        quantize: str | None = None,
        from_: str | None = None,
        files: Mapping[str, str] | None = None,
        adapters: Mapping[str, str] | None = None,
        template: str | None = None,
        license: str | Sequence[str] | None = None,
        system: str | None = None,
        parameters: OptionsArg = None,
        messages: MessagesArg = None,
        # END generated params
        *,
        stream: bool = False,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ProgressResponse | AsyncStream[ProgressResponse]:
        """Create a model from an existing one (`from_`) or from uploaded blobs (`files`).

        The parameters after `model` are those of `ollama_lite.types.CreateParams`.
        """
        params, options = call_arguments(locals(), CreateParams)
        messages = params.get("messages")
        refuse_file_name_images(messages)
        image_files = await read_image_files(file_images(messages))
        call = protocol.create(model, stream=stream, image_files=image_files, **params)
        return await self._session.run(call, options)

    async def create_blob(
        self,
        path: str | os.PathLike[str],
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> str:
        """Upload a file as a blob unless the server has it; return `sha256:<hex>`.

        The file is hashed and sent in 1 MiB pieces, so memory stays constant whatever its
        size.
        """
        _, options = call_arguments(locals())
        size = await blob_size(path)
        digest = await sha256_file(path)
        if await self.blob_exists(digest, **options):
            return digest
        # A fresh reader per attempt, so a retried upload sends the whole file again.
        call = protocol.blob_upload(digest, size)
        await self._session.unary(call, content=lambda: file_chunks(path), options=options)
        return digest

    async def blob_exists(
        self,
        digest: str,
        *,
        # BEGIN params generated from RequestOptions by scripts/gen_signatures.py
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> bool:
        """True when the server already has the blob `sha256:<hex>`."""
        _, options = call_arguments(locals())
        try:
            await self._session.unary(protocol.blob_head(digest), options=options)
        except ResponseError as exc:
            if exc.status_code == 404:
                return False
            raise
        return True
