"""Text-only stream chunks built without pydantic validation: the streaming hot path.

DEPENDS ON PYDANTIC INTERNALS: an instance is assembled by writing `__dict__`,
`__pydantic_fields_set__`, `__pydantic_extra__` and `__pydantic_private__` directly, which is
about 4x cheaper than the constructor. At import, `fast_chunks_ok()` checks the clones are
indistinguishable from validated chunks (equality, fields set, dump, `+`); if a pydantic or
langchain-core upgrade breaks that, `text_chat_chunk`/`text_generation_chunk` are the plain
constructors instead.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk, GenerationChunk

__all__ = ["USING_FAST_CHUNKS", "fast_chunks_ok", "text_chat_chunk", "text_generation_chunk"]

_new = object.__new__
_setattr = object.__setattr__


class _Clone:
    """Builds instances of a pydantic model shaped like a validated template, skipping
    validation.

    `values` must hold a fresh object for every mutable field, so no two instances share
    a list or dict.
    """

    __slots__ = ("_cls", "_extra", "_fields", "_values")

    def __init__(self, template: Any) -> None:
        self._cls = type(template)
        self._values = dict(template.__dict__)
        self._fields = frozenset(template.__pydantic_fields_set__)
        self._extra = template.__pydantic_extra__ is not None

    def __call__(self, **values: Any) -> Any:
        obj = _new(self._cls)
        data = self._values.copy()
        data.update(values)
        _setattr(obj, "__dict__", data)
        _setattr(obj, "__pydantic_fields_set__", set(self._fields))
        _setattr(obj, "__pydantic_extra__", {} if self._extra else None)
        _setattr(obj, "__pydantic_private__", None)
        return obj


_message_clone = _Clone(AIMessageChunk(content=""))
_chat_chunk_clone = _Clone(ChatGenerationChunk(message=AIMessageChunk(content="")))
_generation_clone = _Clone(GenerationChunk(text=""))


def _text_chat_chunk_fast(content: str) -> ChatGenerationChunk:
    message = _message_clone(
        content=content,
        additional_kwargs={},
        response_metadata={},
        tool_calls=[],
        invalid_tool_calls=[],
        tool_call_chunks=[],
    )
    chunk: ChatGenerationChunk = _chat_chunk_clone(message=message, text=content)
    return chunk


def _text_chat_chunk_slow(content: str) -> ChatGenerationChunk:
    return ChatGenerationChunk(message=AIMessageChunk(content=content))


def _text_generation_chunk_fast(text: str) -> GenerationChunk:
    chunk: GenerationChunk = _generation_clone(text=text)
    return chunk


def _text_generation_chunk_slow(text: str) -> GenerationChunk:
    return GenerationChunk(text=text)


def _same(a: Any, b: Any) -> bool:
    return bool(
        type(a) is type(b)
        and a == b
        and a.__pydantic_fields_set__ == b.__pydantic_fields_set__
        and a.model_dump() == b.model_dump()
    )


def fast_chunks_ok() -> bool:
    """True when cloned chunks are indistinguishable from validated ones."""
    try:
        fast, slow = _text_chat_chunk_fast("x"), _text_chat_chunk_slow("x")
        return (
            _same(fast, slow)
            and _same(fast.message, slow.message)
            and _same(fast + slow, slow + slow)
            and _same(_text_generation_chunk_fast("x"), _text_generation_chunk_slow("x"))
        )
    except Exception:  # pragma: no cover - only if pydantic's internals change
        return False


#: Whether the fast path passed its self-check in this process.
USING_FAST_CHUNKS = fast_chunks_ok()

if USING_FAST_CHUNKS:
    text_chat_chunk, text_generation_chunk = _text_chat_chunk_fast, _text_generation_chunk_fast
else:  # pragma: no cover
    text_chat_chunk, text_generation_chunk = _text_chat_chunk_slow, _text_generation_chunk_slow
