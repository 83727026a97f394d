"""Smoke test of `benchmarks/run.py`: tiny sizes, every row present, sane numbers.

It never asserts speed: timings belong in benchmarks/RESULTS.md, not in the test suite. The
peers (`ollama`, `langchain-ollama`) are never installed from here; their rows are checked
only when they are importable.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# One run of benchmarks/run.py in a subprocess (its own bound: 300 s).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

OURS, OLLAMA, LANGCHAIN = "ollama_lite", "ollama", "langchain-ollama"


def importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


HAS_SERVER = importable("uvicorn")
HAS_LANGCHAIN = importable("langchain_core") and importable("ollama_lite.langchain")

#: Workload (group name prefix) -> the variants it has besides the peers.
GROUPS: dict[str, tuple[str, ...]] = {
    "a. stream decode, sync": (OURS, "floor: httpx bytes + split + msgspec"),
    "a. stream decode, async": (OURS, "floor: httpx bytes + split + msgspec"),
    "b. embed decode": (OURS, "floor: msgspec decode"),
    "d. import time, core package": (OURS,),
    "f. peak RSS, streaming": (OURS, "floor: httpx + msgspec"),
}
LOOPBACK: dict[str, tuple[str, ...]] = {
    "c. sequential chat": (OURS, "floor: httpx + msgspec"),
    "concurrent chats": (OURS, "floor: httpx + msgspec", "ollama_lite on trio"),
    "chunks, async": ("ollama_lite on trio",),
    "c. streamed chat": (OURS, "floor: httpx + msgspec"),
    "c. embed": (OURS, "floor: httpx + msgspec"),  # two: many documents, and one
    "f. peak RSS, embedding": (OURS, "floor: httpx + msgspec"),
}
LANGCHAIN_GROUPS: dict[str, tuple[str, ...]] = {
    "d. import time, LangChain package": (OURS,),
    "d. import time, LangChain ChatOllama": (OURS,),
    "e. ChatOllama.invoke": (OURS, "floor: httpx + msgspec"),
    "e. ChatOllama.stream": (OURS, "floor: httpx + msgspec"),
    "e. OllamaEmbeddings.embed_documents": (OURS, "floor: httpx + msgspec"),
}
#: Workload -> the peer it is compared with.
PEER_OF = {
    **dict.fromkeys([*GROUPS, *LOOPBACK], OLLAMA),
    **dict.fromkeys(LANGCHAIN_GROUPS, LANGCHAIN),
}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], str]:
    out = tmp_path_factory.mktemp("bench")
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "run.py"),
        "--smoke",
        "--no-install",
        "--json",
        str(out / "rows.json"),
        "--output",
        str(out / "RESULTS.md"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    rows = json.loads((out / "rows.json").read_text())
    return rows, (out / "RESULTS.md").read_text()


def expected() -> dict[str, tuple[str, ...]]:
    groups = dict(GROUPS)
    if HAS_SERVER:
        groups.update(LOOPBACK)
    if HAS_LANGCHAIN:
        groups.update({k: v for k, v in LANGCHAIN_GROUPS.items() if HAS_SERVER or "d." in k})
    return groups


#: Workloads that are measured in more than one size.
COUNT = {"c. embed": 2, "c. streamed chat": 2}


def find(rows: list[dict[str, Any]], key: str, variant: str) -> list[dict[str, Any]]:
    """The rows of `variant` in the groups whose name contains `key` (one per group)."""
    matches = [r for r in rows if key in r["group"] and r["variant"] == variant]
    groups = {r["group"] for r in matches}
    assert len(matches) == len(groups) == COUNT.get(key, 1), (key, variant, matches)
    return matches


def assert_sane(row: dict[str, Any]) -> None:
    assert row["samples"], f"no samples: {row}"
    for value in row["samples"]:
        assert math.isfinite(value) and value > 0, f"insane sample {value} in {row}"
    for share in row["server_cpu"]:
        assert math.isfinite(share) and share >= 0, row


def test_every_row_of_ours_and_the_floors(smoke: tuple[list[dict[str, Any]], str]) -> None:
    rows, markdown = smoke
    for key, variants in expected().items():
        for variant in variants:
            for row in find(rows, key, variant):
                assert_sane(row)
                assert f"| {variant} |" in markdown


def test_results_file_describes_the_run(smoke: tuple[list[dict[str, Any]], str]) -> None:
    _, markdown = smoke
    for heading in ("## Machine", "## Packages", "## Results", "| Cores |", "| Python |"):
        assert heading in markdown
    assert "| ollama-lite |" in markdown
    # A targeted row says pass or MISS (never asserted which: that is a timing).
    assert "| pass |" in markdown or "| MISS |" in markdown


def test_every_row_of_the_peers(smoke: tuple[list[dict[str, Any]], str]) -> None:
    pytest.importorskip("ollama")
    pytest.importorskip("langchain_ollama")
    rows, _ = smoke
    for key in expected():
        peer = PEER_OF[key]
        for row in find(rows, key, peer):
            assert_sane(row)
        for ours in find(rows, key, OURS):
            column = "vs_ollama" if peer == OLLAMA else "vs_langchain_ollama"
            ratio = ours[column]
            assert isinstance(ratio, float) and math.isfinite(ratio) and ratio > 0, ours
            if ours["target"]:
                assert ours["result"] in ("pass", "MISS"), ours
