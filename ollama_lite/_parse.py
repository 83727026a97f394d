"""Turning a structured-output reply back into the type that was asked for."""

from __future__ import annotations

from typing import Any, TypeVar, overload

from .types import ChatResponse, GenerateResponse, Message

__all__ = ["parse"]

T = TypeVar("T")


@overload
def parse(tp: type[T], reply: str | bytes | ChatResponse | GenerateResponse | Message) -> T: ...
@overload
def parse(tp: Any, reply: str | bytes | ChatResponse | GenerateResponse | Message) -> Any: ...
def parse(tp: Any, reply: str | bytes | ChatResponse | GenerateResponse | Message) -> Any:
    """Parse a reply made with `format=tp` into `tp` (Struct, dataclass, TypedDict, pydantic).

    ```
    reply = client.chat("llama3.2", messages, format=Weather)
    weather = ollama_lite.parse(Weather, reply)
    ```
    """
    if isinstance(reply, ChatResponse):
        text: str | bytes = reply.message.content or ""
    elif isinstance(reply, GenerateResponse):
        text = reply.response
    elif isinstance(reply, Message):
        text = reply.content or ""
    else:
        text = reply
    from ._schema import parse_as  # imported on first use

    return parse_as(tp, text)
