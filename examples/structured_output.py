"""Structured output: pass a type as `format`, parse the reply back into that type."""

from __future__ import annotations

import msgspec
from _connect import CHAT_MODEL, ollama_host

import ollama_lite


class Country(msgspec.Struct):
    name: str
    capital: str
    languages: list[str]


with ollama_host() as host, ollama_lite.Client(host) as client:
    reply = client.chat(
        CHAT_MODEL,
        [{"role": "user", "content": "Tell me about Canada as JSON."}],
        format=Country,
        options={"temperature": 0},
    )
    country = ollama_lite.parse(Country, reply)
    print(type(country).__name__, country)
