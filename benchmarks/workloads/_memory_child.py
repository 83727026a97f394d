"""Run in a fresh interpreter by `memory.py`: one client, one memory measurement, JSON out.

`python -m benchmarks.workloads._memory_child stream <variant> <chunks> <checkpoint>`
    streams `chunks` chat lines from an httpx.MockTransport that generates them lazily (so
    the source holds no memory) and reports RSS at the checkpoint and at the end;
`python -m benchmarks.workloads._memory_child embed <variant> <url> <documents> <dims>`
    embeds that many documents in one call against the fake server.

Peak RSS is VmHWM, reset (via /proc/self/clear_refs) just before the measured work, so
imports and set-up do not count towards the peak.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterable
from typing import Any

import httpx

from .._fixtures import limited_stream, mock_transport
from .._floors import decode_ndjson, embed_decoder
from .._harness import OLLAMA, OURS

HOST = "http://127.0.0.1:11434"
MODEL = "llama3.2"
EMBED_MODEL = "nomic-embed-text"
MESSAGES = [{"role": "user", "content": "Tell me a very long story."}]
FLOOR = "floor"


def status_mib(field: str) -> float:
    """A `Vm...` field of /proc/self/status, in MiB."""
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak() -> None:
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
    except OSError:
        pass


def _client(variant: str, **kwargs: Any) -> Any:
    if variant == OURS:
        import ollama_lite

        return ollama_lite.Client(HOST if "transport" in kwargs else kwargs.pop("host"), **kwargs)
    if variant == OLLAMA:
        import ollama

        return ollama.Client(HOST if "transport" in kwargs else kwargs.pop("host"), **kwargs)
    raise SystemExit(f"unknown variant {variant}")


def stream(variant: str, chunks: int, checkpoint: int) -> dict[str, float]:
    transport = mock_transport(lambda: limited_stream(chunks - 1))
    at_checkpoint = 0.0
    if variant == FLOOR:
        floor = httpx.Client(base_url=HOST, transport=transport)

        def parts() -> Iterable[object]:
            with floor.stream("POST", "/api/chat", content=b"{}") as response:
                # The floor decodes one network read at a time; each read is one line here.
                for chunk in response.iter_bytes():
                    decode_ndjson((chunk,))
                    yield chunk

        source: Iterable[object] = parts()
    else:
        client = _client(variant, transport=transport)
        source = client.chat(MODEL, MESSAGES, stream=True)
    reset_peak()
    before = status_mib("VmRSS")
    seen = 0
    for _ in source:
        seen += 1
        if seen == checkpoint:
            at_checkpoint = status_mib("VmRSS")
    assert seen == chunks, (seen, chunks)
    return {
        "before": before,
        "checkpoint": at_checkpoint,
        "end": status_mib("VmRSS"),
        "peak": status_mib("VmHWM"),
    }


def embed(variant: str, url: str, documents: int, dims: int) -> dict[str, float]:
    texts = [
        f"document {i}: a paragraph of a long report, to be embedded" for i in range(documents)
    ]
    if variant == FLOOR:
        floor = httpx.Client(base_url=url, timeout=120)
        body = json.dumps({"model": EMBED_MODEL, "input": texts, "dimensions": dims}).encode()

        def call() -> int:
            response = floor.post("/api/embed", content=body)
            response.raise_for_status()
            return len(embed_decoder.decode(response.content).embeddings)

    else:
        client = _client(variant, host=url, timeout=120)

        def call() -> int:
            return len(client.embed(EMBED_MODEL, texts, dimensions=dims).embeddings)

    reset_peak()
    before = status_mib("VmRSS")
    count = call()
    assert count == documents, (count, documents)
    return {"before": before, "end": status_mib("VmRSS"), "peak": status_mib("VmHWM")}


def main(argv: list[str]) -> None:
    mode, variant, *args = argv
    if mode == "stream":
        result = stream(variant, int(args[0]), int(args[1]))
    else:
        result = embed(variant, args[0], int(args[1]), int(args[2]))
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
