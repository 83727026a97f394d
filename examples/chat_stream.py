"""Stream a reply token by token; leaving the `with` block closes the connection."""

from __future__ import annotations

from _connect import CHAT_MODEL, ollama_host

import ollama_lite

with ollama_host() as host, ollama_lite.Client(host) as client:
    messages = [{"role": "user", "content": "Count from one to ten in words."}]
    with client.chat(CHAT_MODEL, messages, stream=True) as stream:
        for part in stream:
            print(part.message.content, end="", flush=True)
    print()
