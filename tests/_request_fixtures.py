"""Inputs shared by the request tests (tests/core/test_protocol_requests.py builds `Call`s
from them, tests/client/test_request_bodies.py sends them through the clients)."""

from __future__ import annotations

import base64
from typing import Literal

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PNG_B64 = base64.b64encode(PNG).decode()


def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    """Get the current weather for a city.

    Args:
        city: The city name.
        unit: Temperature unit.
    """
    return f"{city}: 11 {unit}"


#: The tool schema `get_weather` becomes.
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city name."},
                "unit": {"type": "string", "enum": ["c", "f"], "description": "Temperature unit."},
            },
            "required": ["city"],
        },
    },
}
