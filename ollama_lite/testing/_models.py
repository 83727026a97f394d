"""Model specifications: the public :class:`FakeModel` and the deterministic built-in models."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._names import ModelName

ReplySource = str | Callable[[str], str] | None

KNOWN_CAPABILITIES = frozenset(
    {"completion", "tools", "insert", "vision", "embedding", "thinking", "image", "audio"}
)


@dataclass
class FakeModel:
    """A model the fake server serves.

    ``reply`` is a fixed answer or a function of the last user text (default: an echo,
    ``"You said: <text>"``); ``thinking`` likewise for the reasoning trace of models with the
    ``"thinking"`` capability. ``embedding_dim`` sets the vector size for ``/api/embed``.
    """

    name: str
    capabilities: Sequence[str] = ("completion",)
    reply: ReplySource = None
    thinking: ReplySource = None
    embedding_dim: int = 0
    context_length: int = 4096
    family: str = "llama"
    parameter_size: str = "3.2B"
    quantization_level: str = "Q4_K_M"
    size: int = 2_019_393_189
    format: str = "gguf"
    system: str = ""
    template: str = "{{ .Prompt }}"
    license: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.capabilities = tuple(self.capabilities)
        if self.embedding_dim <= 0:
            self.embedding_dim = 768 if "embedding" in self.capabilities else 3072

    def renamed(self, name: str) -> FakeModel:
        """A copy of this spec under another name."""
        return dataclasses.replace(self, name=name)


_LLAMA_TEMPLATE = (
    "<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>"
    "{{ range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n"
    "{{ .Content }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n"
)
_QWEN_TEMPLATE = (
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n"
)


def builtin_models(embedding_dim: int | None = None) -> list[FakeModel]:
    """The built-in models; ``embedding_dim`` overrides the size of the embedding models."""
    return [
        FakeModel(
            name="llama3.2",
            capabilities=("completion", "tools"),
            context_length=131072,
            family="llama",
            parameter_size="3.2B",
            size=2_019_393_189,
            template=_LLAMA_TEMPLATE,
            license="LLAMA 3.2 COMMUNITY LICENSE AGREEMENT",
            parameters={"stop": ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]},
        ),
        FakeModel(
            name="qwen3",
            capabilities=("completion", "tools", "thinking"),
            embedding_dim=4096,
            context_length=40960,
            family="qwen3",
            parameter_size="8.2B",
            size=5_225_388_164,
            template=_QWEN_TEMPLATE,
            license="Apache License Version 2.0",
            parameters={"temperature": 0.6, "top_k": 20, "top_p": 0.95, "repeat_penalty": 1},
        ),
        FakeModel(
            name="nomic-embed-text",
            capabilities=("embedding",),
            embedding_dim=embedding_dim or 768,
            context_length=2048,
            family="nomic-bert",
            parameter_size="137M",
            quantization_level="F16",
            size=274_302_450,
            template="",
            license="Apache License Version 2.0",
            parameters={"num_ctx": 8192},
        ),
        FakeModel(
            name="all-minilm",
            capabilities=("embedding",),
            embedding_dim=embedding_dim or 384,
            context_length=512,
            family="bert",
            parameter_size="23M",
            quantization_level="F16",
            size=45_960_996,
            template="",
            license="Apache License Version 2.0",
        ),
    ]


_THINKING_HINTS = ("qwen3", "deepseek-r1", "gpt-oss", "magistral", "phi4-reasoning", "qwq")
_EMBEDDING_HINTS = ("embed", "minilm", "bge", "e5-", "gte", "arctic")
_VISION_HINTS = ("llava", "vision", "gemma3", "moondream", "qwen2.5vl")


def spec_for_pull(name: ModelName, known: Sequence[FakeModel]) -> FakeModel:
    """A spec for a model "downloaded" by ``/api/pull``: a known family's, or a guess by name."""
    base = name.model.lower()
    for spec in known:
        if spec.name.lower().partition(":")[0] == base:
            return spec.renamed(name.display)
    if any(hint in base for hint in _EMBEDDING_HINTS):
        caps: tuple[str, ...] = ("embedding",)
        return FakeModel(
            name.display,
            caps,
            family="bert",
            parameter_size="137M",
            quantization_level="F16",
            size=274_302_450,
            template="",
            context_length=2048,
        )
    if any(hint in base for hint in _THINKING_HINTS):
        caps = ("completion", "tools", "thinking")
    elif any(hint in base for hint in _VISION_HINTS):
        caps = ("completion", "vision")
    else:
        caps = ("completion", "tools")
    return FakeModel(name.display, caps, family=base.split(".")[0].split("-")[0] or "llama")
