"""Several chats at once with AsyncClient.

Runs on asyncio; `anyio.run(main, host, backend="trio")` runs it on trio.
"""

from __future__ import annotations

import anyio
from _connect import CHAT_MODEL, ollama_host

import ollama_lite

QUESTIONS = ["What is 2 + 2?", "Name a prime number.", "What colour is grass?", "Say hello."]


async def ask(client: ollama_lite.AsyncClient, question: str, answers: dict[str, str]) -> None:
    reply = await client.chat(CHAT_MODEL, [{"role": "user", "content": question}])
    answers[question] = reply.message.content or ""


async def main(host: str) -> None:
    answers: dict[str, str] = {}
    async with ollama_lite.AsyncClient(host) as client, anyio.create_task_group() as group:
        for question in QUESTIONS:
            group.start_soon(ask, client, question, answers)
    for question in QUESTIONS:
        print(f"{question} -> {answers[question]}")


with ollama_host() as host:
    anyio.run(main, host)
