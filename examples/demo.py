"""The main job: stream a chat reply and embed a few sentences.

Runs against the Ollama at OLLAMA_HOST when one answers, else against the bundled fake
server, and says which on its first line.
"""

from __future__ import annotations

import math
import sys
import time

from _connect import CHAT_MODEL, EMBED_MODEL, ollama_host

import ollama_lite

SENTENCES = [  # 0 and 1 share a topic, 2 does not: cos(0, 1) should stand out
    "Llamas are gentle animals that live in the Andes.",
    "In the Andes, farmers keep llamas for their wool.",
    "Quarterly revenue grew by twelve percent.",
]


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def main() -> int:
    with ollama_host() as host, ollama_lite.Client(host) as client:
        print(f"\n[chat: {CHAT_MODEL}, streamed]")
        messages = [{"role": "user", "content": "In one sentence, why is the sky blue?"}]
        started = time.perf_counter()
        try:
            with client.chat(CHAT_MODEL, messages, stream=True) as stream:
                for part in stream:
                    print(part.message.content, end="", flush=True)
                    if part.done:
                        tokens = part.eval_count or 0
                        print(
                            f"\n({tokens} tokens in {time.perf_counter() - started:.2f} s,"
                            f" done_reason={part.done_reason})"
                        )
        except ollama_lite.ModelNotFoundError:
            print(f"model {CHAT_MODEL} is missing: run `ollama pull {CHAT_MODEL}`")
            return 1

        print(f"\n[embed: {EMBED_MODEL}]")
        try:
            vectors = client.embed(EMBED_MODEL, SENTENCES).embeddings
        except ollama_lite.ModelNotFoundError:
            print(f"model {EMBED_MODEL} is missing: run `ollama pull {EMBED_MODEL}`")
            return 1
        print(f"{len(vectors)} vectors of {len(vectors[0])} dimensions")
        for i in range(len(SENTENCES)):
            for j in range(i + 1, len(SENTENCES)):
                print(f"  cos({i}, {j}) = {cosine(vectors[i], vectors[j]):+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
