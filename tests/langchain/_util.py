"""Helpers for the LangChain adapter tests: server answers and request bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import respx

HOST = "http://127.0.0.1:11434"
CREATED = "2026-05-01T10:00:00.123456789Z"


def body(route: respx.Route, index: int = -1) -> dict[str, Any]:
    """The JSON body of a call the route received."""
    result: dict[str, Any] = json.loads(route.calls[index].request.content)
    return result


def chat_reply(content: str = "Hi!", **extra: Any) -> dict[str, Any]:
    """A whole (non-streamed) /api/chat answer."""
    message = {"role": "assistant", "content": content, **extra.pop("message", {})}
    return {
        "model": "llama3.2",
        "created_at": CREATED,
        "message": message,
        "done": True,
        "done_reason": "stop",
        "total_duration": 912000000,
        "load_duration": 15000000,
        "prompt_eval_count": 12,
        "prompt_eval_duration": 40000000,
        "eval_count": 4,
        "eval_duration": 850000000,
        **extra,
    }


def ndjson(*lines: dict[str, Any]) -> httpx.Response:
    """A streamed answer made of these JSON objects, one per line."""
    text = "".join(json.dumps(line) + "\n" for line in lines)
    return httpx.Response(
        200, content=text.encode(), headers={"content-type": "application/x-ndjson"}
    )


def chat_stream(*contents: str, **final: Any) -> httpx.Response:
    """A streamed /api/chat answer: one part per text, then the final part (`final` keys)."""
    parts: list[dict[str, Any]] = [
        {
            "model": "llama3.2",
            "created_at": CREATED,
            "message": {"role": "assistant", "content": text},
            "done": False,
        }
        for text in contents
    ]
    parts.append(chat_reply("", **final))
    return ndjson(*parts)


DATA = Path(__file__).parent / "data"


def recorded_lines(name: str) -> list[dict[str, Any]]:
    """The parts of a recorded NDJSON stream in `data/`."""
    text = (DATA / name).read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def recorded(name: str) -> httpx.Response:
    """A recorded NDJSON stream from `data/`, byte for byte."""
    return httpx.Response(
        200, content=(DATA / name).read_bytes(), headers={"content-type": "application/x-ndjson"}
    )


def recorded_whole(name: str) -> httpx.Response:
    """The non-streamed answer equivalent to a recorded chat stream (parts merged)."""
    parts = recorded_lines(name)
    final = dict(parts[-1])
    message: dict[str, Any] = {"role": "assistant", "content": ""}
    logprobs: list[Any] = []
    for part in parts:
        piece = part["message"]
        message["content"] += piece.get("content", "")
        if piece.get("thinking"):
            message["thinking"] = message.get("thinking", "") + piece["thinking"]
        if piece.get("tool_calls"):
            message.setdefault("tool_calls", []).extend(piece["tool_calls"])
        logprobs.extend(part.get("logprobs") or [])
    final["message"] = message
    if logprobs:
        final["logprobs"] = logprobs
    return httpx.Response(200, json=final)
