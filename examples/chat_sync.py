"""A plain, blocking chat call, written the way the official `ollama` package is used."""

from __future__ import annotations

from _connect import CHAT_MODEL, ollama_host

import ollama_lite as ollama

with ollama_host() as host:
    client = ollama.Client(host)
    response = client.chat(CHAT_MODEL, [{"role": "user", "content": "Name three primary colours."}])
    # Attribute access and the official package's dict-style access both work.
    assert response["message"]["content"] == response.message.content
    print(response.message.content)
    print(f"done_reason={response.done_reason} eval_count={response.eval_count}")
    client.close()
