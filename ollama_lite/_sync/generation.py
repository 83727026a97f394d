# Generated from ollama_lite/_async/generation.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""The generation endpoints of `Client`, chat and generate (a base class, so
`client.py` stays about the client itself).

Their keyword parameters are written by `scripts/gen_signatures.py` from `ChatParams`,
`GenerateParams` and `RequestOptions` (`ollama_lite/types/params.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, overload

import httpx

from .. import _protocol as protocol
from .._sync_backend import read_image_files
from .._files import refuse_file_name_images
from .._images import file_images
from .._request_options import call_arguments
from ..types import ChatResponse, GenerateResponse
from ..types.params import (
    NOT_GIVEN,
    ChatParams,
    FormatArg,
    GenerateParams,
    ImagesArg,
    KeepAliveArg,
    MessagesArg,
    NotGiven,
    OptionsArg,
    ThinkArg,
    ToolsArg,
)
from .sender import Sender
from .streams import Stream

__all__ = ["GenerationEndpoints"]


class GenerationEndpoints:
    """Endpoints that run a model: chat and generate."""

    _session: Sender

    @overload
    def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: Literal[False] = False,
        # BEGIN params generated from ChatParams, RequestOptions by scripts/gen_signatures.py
        tools: ToolsArg = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ChatResponse: ...

    @overload
    def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: Literal[True],
        # BEGIN params generated from ChatParams, RequestOptions by scripts/gen_signatures.py
        tools: ToolsArg = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> Stream[ChatResponse]: ...

    @overload
    def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: bool = False,
        # BEGIN params generated from ChatParams, RequestOptions by scripts/gen_signatures.py
        tools: ToolsArg = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ChatResponse | Stream[ChatResponse]: ...

    def chat(
        self,
        model: str = "",
        messages: MessagesArg = None,
        *,
        stream: bool = False,
        # BEGIN params generated from ChatParams, RequestOptions by scripts/gen_signatures.py
        tools: ToolsArg = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        format: FormatArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> ChatResponse | Stream[ChatResponse]:
        """Send a conversation; get the assistant's reply, or a stream of its parts.

        `messages` are dicts or `Message`s (images as bytes, `Path` or base64 text);
        `tools` are dicts, `Tool`s or plain Python functions; `format` is "json", a JSON
        schema or a type (parse the reply back with `ollama_lite.parse`); `think` is a bool
        or a level ("low", "medium", "high", "xhigh", "max"); `keep_alive` is seconds or a
        duration like "5m". The keywords are those of `ollama_lite.types.ChatParams`, plus
        `timeout`, `max_retries` and `headers` for this call (`RequestOptions`).
        """
        params, request = call_arguments(locals(), ChatParams)
        refuse_file_name_images(messages)
        files = read_image_files(file_images(messages))
        call = protocol.chat(model, messages, stream=stream, image_files=files, **params)
        return self._session.run(call, request)

    @overload
    def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: Literal[False] = False,
        # BEGIN params generated from GenerateParams, RequestOptions by scripts/gen_signatures.py
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> GenerateResponse: ...

    @overload
    def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: Literal[True],
        # BEGIN params generated from GenerateParams, RequestOptions by scripts/gen_signatures.py
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> Stream[GenerateResponse]: ...

    @overload
    def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: bool = False,
        # BEGIN params generated from GenerateParams, RequestOptions by scripts/gen_signatures.py
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> GenerateResponse | Stream[GenerateResponse]: ...

    def generate(
        self,
        model: str = "",
        prompt: str | None = None,
        suffix: str | None = None,
        *,
        stream: bool = False,
        # BEGIN params generated from GenerateParams, RequestOptions by scripts/gen_signatures.py
        system: str | None = None,
        template: str | None = None,
        context: Sequence[int] | None = None,
        think: ThinkArg = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        raw: bool | None = None,
        format: FormatArg = None,
        images: ImagesArg = None,
        options: OptionsArg = None,
        keep_alive: KeepAliveArg = None,
        width: int | None = None,
        height: int | None = None,
        steps: int | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        # END generated params
    ) -> GenerateResponse | Stream[GenerateResponse]:
        """Complete a prompt; get the completion, or a stream of its parts.

        With no prompt, the server only loads the model (`done_reason="load"`). The
        keywords are those of `ollama_lite.types.GenerateParams`, plus `timeout`,
        `max_retries` and `headers` for this call (`RequestOptions`).
        """
        params, request = call_arguments(locals(), GenerateParams)
        refuse_file_name_images(images=params.get("images"))
        files = read_image_files(file_images(images=params.get("images")))
        call = protocol.generate(model, prompt, suffix, stream=stream, image_files=files, **params)
        return self._session.run(call, request)
