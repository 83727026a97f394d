"""Thinking models: the reasoning trace arrives in `message.thinking`, apart from the answer."""

from __future__ import annotations

from _connect import THINKING_MODEL, ollama_host

import ollama_lite

with ollama_host() as host, ollama_lite.Client(host) as client:
    question = [{"role": "user", "content": "Is 97 a prime number?"}]
    in_thinking = False
    with client.chat(THINKING_MODEL, question, think=True, stream=True) as stream:
        for part in stream:
            if part.message.thinking:
                if not in_thinking:
                    print("thinking: ", end="")
                    in_thinking = True
                print(part.message.thinking, end="", flush=True)
            elif part.message.content:
                if in_thinking:
                    print("\nanswer: ", end="")
                    in_thinking = False
                print(part.message.content, end="", flush=True)
    print()
