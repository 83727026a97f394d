"""Smoke run of benchmarks/corpus_embed.py: tiny sizes, no Ray, every row present (no timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("pyarrow")


def test_corpus_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/corpus_embed.py", "--smoke", "--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = json.loads(out.read_text())
    assert [row["variant"] for row in rows] == [
        "plain loop, 1 host",
        "ollama-lite embed, 4 hosts",
        "embed_many, 4 hosts, 1 process",
    ]
    for row in rows:  # the script checked every id came back exactly once
        assert row["texts"] == 320 and row["texts_per_s"] > 0
        assert row["cpu_seconds"] > 0 and row["peak_rss_mib"] > 10
    assert "command vs plain loop:" in done.stdout
