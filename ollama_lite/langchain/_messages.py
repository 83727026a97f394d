"""Message conversion: LangChain messages -> Ollama messages (text, images, tool calls)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    is_data_content_block,
)

from ollama_lite import Message, ToolCall

__all__ = ["convert_messages"]


def _from_v1(content: list[Any]) -> list[Any]:
    """v1 content blocks of an AIMessage -> what Ollama takes back (text and images)."""
    out: list[Any] = []
    for block in content:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            out.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image":
            out.append(block)
        elif kind == "non_standard":
            out.append({"type": "text", "text": str(block.get("value", ""))})
    return out


def _image_from_url(url: str) -> str:
    if url.startswith(("http://", "https://")):
        raise ValueError(
            f"Ollama takes image data, not URLs ({url[:80]!r}): download the image and pass "
            "it as base64 or as a data URL (data:image/png;base64,...)."
        )
    head, comma, tail = url.partition(",")
    return tail if comma else head


def _image_from_block(block: dict[str, Any]) -> str:
    if block["type"] == "image":
        if block.get("source_type") == "base64":
            return str(block["data"])
        if block.get("base64"):
            return str(block["base64"])
        url = block.get("url")
        if isinstance(url, str) and url.startswith("data:"):
            return _image_from_url(url)
        raise ValueError("Image data only supported through in-line base64 format.")
    raise ValueError(f"Blocks of type {block['type']} not supported.")


def _content_and_images(content: list[Any]) -> tuple[str, list[str]]:
    """Text parts joined (each after a newline, as langchain-ollama does) and images."""
    text = ""
    images: list[str] = []
    for part in content:
        if isinstance(part, str):
            text += f"\n{part}"
            continue
        kind = part.get("type")
        if kind == "text":
            text += f"\n{part['text']}"
        elif kind == "tool_use":
            continue
        elif kind == "image_url":
            image_url = part.get("image_url")
            if isinstance(image_url, dict) and isinstance(image_url.get("url"), str):
                image_url = image_url["url"]
            if not isinstance(image_url, str):
                raise ValueError(
                    "Only string image_url or dict with string 'url' inside content parts "
                    "are supported."
                )
            images.append(_image_from_url(image_url))
        elif is_data_content_block(part):
            images.append(_image_from_block(part))
        else:
            raise ValueError(
                "Unsupported message content type. Must either have type 'text' or type "
                "'image_url' with a string 'image_url' field."
            )
    return text, images


def convert_messages(messages: Sequence[BaseMessage]) -> list[Message | dict[str, Any]]:
    """LangChain messages -> Ollama messages (the caller's list and messages are not changed).

    Tool calls keep their ids; a tool result carries `tool_call_id` and `tool_name` (its
    `name`, else the name of the call it answers). Messages with images are passed as
    dicts so the client validates the base64.
    """
    out: list[Message | dict[str, Any]] = []
    call_names: dict[str, str] = {}
    for message in messages:
        content: Any = message.content
        thinking: str | None = None
        tool_calls: list[ToolCall] | None = None
        tool_call_id: str | None = None
        tool_name: str | None = None
        if isinstance(message, HumanMessage):
            role = "user"
        elif isinstance(message, AIMessage):
            role = "assistant"
            if (
                isinstance(content, list)
                and message.response_metadata.get("output_version") == "v1"
            ):
                content = _from_v1(content)
            if message.tool_calls:
                tool_calls = []
                for call in message.tool_calls:
                    if call.get("id"):
                        call_names[str(call["id"])] = call["name"]
                    tool_calls.append(
                        ToolCall(
                            function=ToolCall.Function(name=call["name"], arguments=call["args"]),
                            id=call.get("id"),
                        )
                    )
            reasoning = message.additional_kwargs.get("reasoning_content")
            if isinstance(reasoning, str) and reasoning:
                thinking = reasoning
        elif isinstance(message, SystemMessage):
            role = "system"
        elif isinstance(message, ChatMessage):
            role = message.role
        elif isinstance(message, ToolMessage):
            role = "tool"
            tool_call_id = message.tool_call_id
            tool_name = message.name or call_names.get(tool_call_id)
        else:
            raise TypeError("Received unsupported message type for Ollama.")
        images: list[str] | None = None
        if not isinstance(content, str):
            content, images = _content_and_images(content)
        if images:
            data: dict[str, Any] = {"role": role, "content": content, "images": images}
            if thinking is not None:
                data["thinking"] = thinking
            if tool_call_id is not None:
                data["tool_call_id"] = tool_call_id
            if tool_name is not None:
                data["tool_name"] = tool_name
            if tool_calls:
                data["tool_calls"] = tool_calls
            out.append(data)
        else:
            out.append(
                Message(
                    role=role,
                    content=content,
                    thinking=thinking,
                    tool_calls=tool_calls,
                    tool_name=tool_name,
                    tool_call_id=tool_call_id,
                )
            )
    return out
