"""Embedding routes: ``/api/embed`` and the legacy ``/api/embeddings``."""

from __future__ import annotations

import time

from ._asgi import Exchange
from ._embeddings import EmbeddingCache, legacy_vector_json
from ._generation import count_tokens
from ._inference import Inference, enc, metrics
from ._names import parse_name
from ._state import State
from ._validate import Fields, check_options, fail
from ._wire import encode, go_quote


class Embedding:
    """Handlers for the embedding routes; vectors come from an :class:`EmbeddingCache`."""

    def __init__(self, state: State, inference: Inference) -> None:
        self.state = state
        self.inference = inference
        self.vectors = EmbeddingCache()

    async def embed(self, ex: Exchange) -> None:
        started = time.perf_counter_ns()
        req = Fields(ex.json_object("EmbedRequest"), "EmbedRequest")
        model = req.string("model")
        raw_input = req.data.get("input")
        inputs: list[str]
        if isinstance(raw_input, str):
            inputs = [raw_input] if raw_input else []
        elif isinstance(raw_input, list) and all(isinstance(item, str) for item in raw_input):
            inputs = raw_input
        elif raw_input is None:
            inputs = []
        else:
            fail(400, "invalid input type")
        truncate, dimensions = req.boolean("truncate"), req.integer("dimensions")
        keep_alive, options = req.keep_alive(), req.options()
        entry = self.state.get(model)
        if entry is None:
            fail(404, f"model {go_quote(model)} not found, try pulling it first")
        check_options(options)
        load_ns = self.inference.load(entry, keep_alive, options)
        if not inputs:  # loads the model
            await ex.respond_json({"model": model, "embeddings": []})
            return
        completion = "completion" in entry.capabilities
        if not await self.state.scheduler.admit(ex, entry.display, completion, len(inputs)):
            return
        spec = entry.spec
        limit = spec.context_length
        num_ctx = options.get("num_ctx")
        if isinstance(num_ctx, (int, float)) and num_ctx > 0:
            limit = min(limit, int(num_ctx))
        dim = spec.embedding_dim
        if dimensions is not None and 0 < dimensions < dim:
            dim = dimensions
        pieces = [b'{"model":', enc(model), b',"embeddings":[']
        total_tokens = 0
        for text in inputs:
            count = count_tokens(text)
            if count > limit:
                if truncate is False:
                    fail(400, "the input length exceeds the context length")
                text = " ".join(text.split()[:limit])
                count = limit
            total_tokens += count
            pieces += (b"[", self.vectors.get(spec.name, text, dim), b"],")
        # EmbedResponse has no prompt_eval_duration or eval fields (Go omits zero values)
        numbers = {
            k: v
            for k, v in metrics(None, load_ns, started, total_tokens).items()
            if k in ("load_duration", "prompt_eval_count")
        }
        numbers["total_duration"] = load_ns + time.perf_counter_ns() - started
        pieces[-1] = b"]],"  # one copy of a multi-megabyte body, not two
        pieces.append(encode(numbers)[1:])
        await ex.respond(200, b"".join(pieces))

    async def embeddings(self, ex: Exchange) -> None:
        """Legacy route: one unnormalised vector for ``prompt``."""
        req = Fields(ex.json_object("EmbeddingRequest"), "EmbeddingRequest")
        model, prompt = req.string("model"), req.string("prompt")
        keep_alive, options = req.keep_alive(), req.options()
        if parse_name(model) is None:
            fail(400, "model is required")
        entry = self.state.get(model)
        if entry is None:
            fail(404, f"model {go_quote(model)} not found, try pulling it first")
        check_options(options)
        self.inference.load(entry, keep_alive, options)
        if not prompt:
            await ex.respond(200, b'{"embedding":[]}')
            return
        completion = "completion" in entry.capabilities
        if not await self.state.scheduler.admit(ex, entry.display, completion, 1):
            return
        vector = legacy_vector_json(entry.spec.name, prompt, entry.spec.embedding_dim)
        await ex.respond(200, b'{"embedding":[' + vector.encode() + b"]}")
