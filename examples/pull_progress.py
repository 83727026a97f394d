"""Pull a model with a progress bar per layer (layers are keyed by digest)."""

from __future__ import annotations

import os
import sys

from _connect import ollama_host

import ollama_lite

MODEL = os.environ.get("OLLAMA_PULL_MODEL", "all-minilm")

with ollama_host() as host, ollama_lite.Client(host) as client:
    layers: dict[str, tuple[int, int]] = {}
    with client.pull(MODEL, stream=True) as progress:
        for update in progress:
            if update.digest and update.total:
                layers[update.digest] = (update.completed or 0, update.total)
                done = sum(c for c, _ in layers.values())
                total = sum(t for _, t in layers.values())
                width = 30
                filled = int(width * done / total) if total else width
                sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} bytes")
                sys.stdout.flush()
            elif update.status:
                sys.stdout.write(f"\n{update.status}")
    print()
