"""`OllamaLLM`: a LangChain completion model on `ollama_lite`, a drop-in for langchain-ollama's."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseLLM, LangSmithParams
from langchain_core.outputs import Generation, GenerationChunk, LLMResult
from pydantic import ConfigDict

from ._callbacks import wants_tokens
from ._client import ClientSettings
from ._concurrency import run_concurrently
from ._identity import identifying_params, ls_params
from ._options import SamplingOptions
from ._replies import generation_chunk, generation_from_chunks, llm_generation
from ._request import GenerateArgs, generate_args

__all__ = ["OllamaLLM"]

_IDENTITY_FIELDS = ("format", "reasoning", "keep_alive")


class OllamaLLM(BaseLLM, SamplingOptions, ClientSettings):
    """Ollama completion model (`/api/generate`): langchain-ollama's `OllamaLLM` on ollama_lite.

    ```
    from ollama_lite.langchain import OllamaLLM

    llm = OllamaLLM(model="llama3.2")
    llm.invoke("The meaning of life is")
    ```

    `invoke` sends one non-streamed request unless a callback handler wants tokens; prompts
    of `agenerate`/`abatch` run concurrently. The model's thinking is in
    `generation_info["thinking"]`, and in `["reasoning_content"]` when `reasoning` is on.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, protected_namespaces=())

    model: str
    """Name of the Ollama model, e.g. `llama3.2`."""

    reasoning: bool | None = None
    """Thinking on (True) or off (False); None leaves the model's default."""

    format: Literal["", "json"] = ""
    """Output format: "" (free text) or "json"."""

    keep_alive: int | str | None = None
    """How long the model stays loaded after a request: seconds or a duration like "10m"."""

    @property
    def _llm_type(self) -> str:
        return "ollama-llm"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return identifying_params(self, self.model, _IDENTITY_FIELDS)

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        return ls_params(self, self.model, "llm", stop, kwargs)

    # --- generation ----------------------------------------------------------------------------

    def _generate(
        self,
        prompts: list[str],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> LLMResult:
        args, reasoning = generate_args(self, stop, kwargs)
        streamed = wants_tokens(run_manager)
        client = self._sync_client()
        generations: list[list[Generation]] = []
        for prompt in prompts:
            args["prompt"] = prompt
            if not streamed:
                generations.append([llm_generation(client.generate(**args), reasoning)])
                continue
            chunks, thinking = [], ""
            with client.generate(**args, stream=True) as parts:
                for part in parts:
                    thinking += part.thinking or ""
                    chunk = generation_chunk(part, reasoning)
                    if run_manager is not None:
                        run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    chunks.append(chunk)
            generations.append([generation_from_chunks(chunks, thinking)])
        return LLMResult(generations=generations)

    async def _agenerate(
        self,
        prompts: list[str],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> LLMResult:
        args, reasoning = generate_args(self, stop, kwargs)
        streamed = wants_tokens(run_manager)
        client = self._async_client()
        results: list[list[Generation]] = [[] for _ in prompts]

        async def one(index: int, request: GenerateArgs) -> None:
            if not streamed:
                results[index] = [llm_generation(await client.generate(**request), reasoning)]
                return
            chunks, thinking = [], ""
            async with await client.generate(**request, stream=True) as parts:
                async for part in parts:
                    thinking += part.thinking or ""
                    chunk = generation_chunk(part, reasoning)
                    if run_manager is not None:
                        await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                    chunks.append(chunk)
            results[index] = [generation_from_chunks(chunks, thinking)]

        requests: list[GenerateArgs] = [{**args, "prompt": prompt} for prompt in prompts]
        if len(prompts) == 1 or run_manager is not None:
            # One at a time when a callback receives tokens, so they are not interleaved.
            for index, request in enumerate(requests):
                await one(index, request)
        else:
            await run_concurrently(
                [functools.partial(one, index, request) for index, request in enumerate(requests)]
            )
        return LLMResult(generations=results)

    def _stream(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[GenerationChunk]:
        args, reasoning = generate_args(self, stop, kwargs)
        args["prompt"] = prompt
        with self._sync_client().generate(**args, stream=True) as parts:
            for part in parts:
                chunk = generation_chunk(part, reasoning)
                if run_manager is not None:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk

    async def _astream(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[GenerationChunk]:
        args, reasoning = generate_args(self, stop, kwargs)
        args["prompt"] = prompt
        async with await self._async_client().generate(**args, stream=True) as parts:
            async for part in parts:
                chunk = generation_chunk(part, reasoning)
                if run_manager is not None:
                    await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
