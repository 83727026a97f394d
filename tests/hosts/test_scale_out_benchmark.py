"""Smoke run of benchmarks/scale_out.py: tiny sizes, every row present (no timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scale_out_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/scale_out.py", "--smoke", "--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(out.read_text())
    assert [row["hosts"] for row in figures["scaling"]] == [1, 2, 4]
    assert all(row["texts_per_s"] > 0 for row in figures["scaling"])
    # every text came back from some host (the script also checks ids exactly)
    assert all(sum(row["per_host"]) == row["texts"] for row in figures["scaling"])
    assert [row["texts"] for row in figures["memory"]] == [2_000, 4_000]
    assert all(row["max_rss_kib"] > 0 for row in figures["memory"])
