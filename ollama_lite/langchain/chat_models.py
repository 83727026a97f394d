"""`ChatOllama`: a LangChain chat model on `ollama_lite`, a drop-in for langchain-ollama's."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, field_validator, model_validator
from typing_extensions import Self

from ._callbacks import wants_tokens
from ._client import ClientSettings
from ._identity import identifying_params, ls_params
from ._options import SamplingOptions
from ._replies import chat_chunk, chat_result, chat_result_from_chunks
from ._request import chat_args

__all__ = ["ChatOllama"]

_IDENTITY_FIELDS = ("reasoning", "format", "keep_alive", "logprobs", "top_logprobs")


class ChatOllama(BaseChatModel, SamplingOptions, ClientSettings):
    """Ollama chat model: `langchain_ollama.ChatOllama`'s fields and behaviour on ollama_lite.

    ```
    from ollama_lite.langchain import ChatOllama

    llm = ChatOllama(model="llama3.2", temperature=0)
    llm.invoke("Why is the sky blue?")
    ```

    `invoke` sends one non-streamed request (it streams only when a callback handler wants
    tokens); `stream` streams. Per-call Ollama options work: `invoke(x, temperature=0,
    num_ctx=8192)`. `reasoning=True` (or "low"/"medium"/"high") puts the model's thinking in
    `additional_kwargs["reasoning_content"]`. Clients are created on first use, one per
    event loop for async calls; `close()`/`aclose()` (or `with`/`async with`) release them.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, protected_namespaces=())

    model: str
    """Name of the Ollama model, e.g. `llama3.2` (a per-call `model=` overrides it)."""

    reasoning: bool | str | None = None
    """Thinking: True/False, an effort ("low", "medium", "high"), or None (model default).

    When truthy the thinking goes to `additional_kwargs["reasoning_content"]`; otherwise it
    is dropped, as in langchain-ollama.
    """

    logprobs: bool | None = None
    """Return log probabilities of the generated tokens in `response_metadata["logprobs"]`."""

    top_logprobs: int | None = None
    """How many most likely alternatives to return per token (enables `logprobs`)."""

    format: Literal["", "json"] | dict[str, Any] | None = None
    """Output format: "json" or a JSON schema."""

    keep_alive: int | str | None = None
    """How long the model stays loaded after a request: seconds or a duration like "10m"."""

    streaming: bool = False
    """Stream `invoke` too (calls `on_llm_new_token` for each token)."""

    @field_validator("top_logprobs")
    @classmethod
    def _validate_top_logprobs(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError("`top_logprobs` must be a positive integer.")
        return value

    @model_validator(mode="after")
    def _enable_logprobs(self) -> Self:
        if self.top_logprobs is not None and self.logprobs is not True:
            if self.logprobs is False:
                raise ValueError(
                    "`top_logprobs` is set but `logprobs` is explicitly `False`. Either set "
                    "`logprobs=True` to use `top_logprobs`, or remove `top_logprobs`."
                )
            self.logprobs = True
            warnings.warn(
                "`top_logprobs` is set but `logprobs` was not explicitly enabled. "
                "Setting `logprobs=True` automatically.",
                UserWarning,
                stacklevel=2,
            )
        return self

    # --- identity ------------------------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "chat-ollama"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return identifying_params(self, self.model, _IDENTITY_FIELDS)

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        return ls_params(self, self.model, "chat", stop, kwargs)

    # --- generation ----------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if run_manager is not None and wants_tokens(run_manager):
            chunks = []
            for chunk in self._stream(messages, stop, **kwargs):
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                chunks.append(chunk)
            return chat_result_from_chunks(chunks)
        args, reasoning = chat_args(self, messages, stop, kwargs)
        return chat_result(self._sync_client().chat(**args, stream=False), reasoning)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if run_manager is not None and wants_tokens(run_manager):
            chunks = []
            async for chunk in self._astream(messages, stop, **kwargs):
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                chunks.append(chunk)
            return chat_result_from_chunks(chunks)
        args, reasoning = chat_args(self, messages, stop, kwargs)
        return chat_result(await self._async_client().chat(**args, stream=False), reasoning)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        args, reasoning = chat_args(self, messages, stop, kwargs)
        with self._sync_client().chat(**args, stream=True) as parts:
            for part in parts:
                chunk = chat_chunk(part, reasoning)
                if chunk is not None:
                    yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        args, reasoning = chat_args(self, messages, stop, kwargs)
        async with await self._async_client().chat(**args, stream=True) as parts:
            async for part in parts:
                chunk = chat_chunk(part, reasoning)
                if chunk is not None:
                    yield chunk

    # --- tools and structured output -----------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: dict[str, Any] | str | bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Offer tools to the model (any form `convert_to_openai_tool` accepts).

        Schemas are sent whole: nested objects, `anyOf`/Optional fields and defaults stay.
        `tool_choice` is accepted for compatibility and ignored: Ollama cannot force a tool.
        """
        kwargs.pop("strict", None)
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: Literal["function_calling", "json_mode", "json_schema"] = "json_schema",
        include_raw: bool = False,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """A runnable that returns output matching `schema` (pydantic class, TypedDict, dict).

        `method`: "json_schema" (default; Ollama's structured outputs), "function_calling"
        (a tool call) or "json_mode" (`format="json"`; describe the schema in the prompt).
        `include_raw=True` returns `{"raw", "parsed", "parsing_error"}` instead of raising.
        """
        from ._structured import structured_output

        kwargs.pop("strict", None)
        if kwargs:
            raise ValueError(f"Received unsupported arguments {kwargs}")
        return structured_output(self, schema, method=method, include_raw=include_raw)
