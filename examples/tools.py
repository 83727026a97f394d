"""Tool calling: pass plain Python functions; their signatures and docstrings become schemas."""

from __future__ import annotations

from typing import Literal

from _connect import CHAT_MODEL, ollama_host

import ollama_lite


def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> str:
    """Get the current weather in a city.

    Args:
        city: The city's name, e.g. "Tokyo".
        unit: The temperature unit.
    """
    return f"It is 21 degrees {unit} and sunny in {city}."


TOOLS = {"get_weather": get_weather}

with ollama_host() as host, ollama_lite.Client(host) as client:
    messages: list[dict[str, object] | ollama_lite.Message] = [
        {"role": "user", "content": "What's the weather in Tokyo?"}
    ]
    reply = client.chat(CHAT_MODEL, messages, tools=[get_weather])
    messages.append(reply.message)
    for call in reply.message.tool_calls or []:
        result = TOOLS[call.function.name](**call.function.arguments)
        print(f"model called {call.function.name}({call.function.arguments}) -> {result}")
        messages.append(
            {
                "role": "tool",
                "content": result,
                "tool_name": call.function.name,
                "tool_call_id": call.id,
            }
        )
    final = client.chat(CHAT_MODEL, messages, tools=[get_weather])
    print(final.message.content)
