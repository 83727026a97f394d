"""The FastAPI SSE and vector-store examples, run against the fake server, checked in detail."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("ollama_lite.testing")


def run_example(name: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
        env={**os.environ, "OLLAMA_LITE_FAKE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_fastapi_sse_streams_each_token_then_a_done_event() -> None:
    pytest.importorskip("fastapi")
    lines = run_example("fastapi_sse.py")
    assert lines[1] == "GET /chat -> 200 text/event-stream; charset=utf-8"
    tokens = [ast.literal_eval(line.removeprefix("message: "))["token"] for line in lines[2:-1]]
    assert len(tokens) > 3, "one event per token, not one for the whole reply"
    assert "".join(tokens) == "You said: Tell me about llamas"
    done = ast.literal_eval(lines[-1].removeprefix("done: "))
    assert lines[-1].startswith("done: ") and done == {"eval_count": len(tokens), "reason": "stop"}


def test_vector_store_ranks_by_cosine() -> None:
    lines = run_example("vector_store.py")
    assert lines[1] == "stored 8 documents as 768-d vectors"
    queries = [i for i, line in enumerate(lines) if line.startswith("query: ")]
    assert len(queries) == 3
    for start in queries:
        scores = [float(line.split()[0]) for line in lines[start + 1 : start + 4]]
        assert scores == sorted(scores, reverse=True)
        assert all(-1.0 <= score <= 1.0 for score in scores)
    # The fake's embeddings bring texts that share words together: retrieval finds them.
    best = [lines[start + 1].split(maxsplit=1)[1] for start in queries]
    assert best[0] == "Alpacas and llamas are domesticated in the Andes."
    assert best[1] == "Python is a popular programming language."
    own = lines[queries[2] + 1]
    assert own.split(maxsplit=1) == ["+1.000", lines[queries[2]].removeprefix("query: ")]
