"""Smoke run of benchmarks/embed_matrix.py: tiny sizes, every variant present (no timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_embed_matrix_benchmark_smoke(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    out = tmp_path / "figures.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "benchmarks/embed_matrix.py", "--smoke", "--no-install", "--json", out],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(out.read_text())["rows"]
    names = [row["variant"] for row in rows]
    assert any("msgspec lists" in name for name in names)
    assert all(row["ms_per_call"] > 0 for row in rows)
