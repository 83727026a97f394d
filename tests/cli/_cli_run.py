"""Running `python -m ollama_lite` as a subprocess that sees this checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for the child: this checkout first on PYTHONPATH, no host variables."""
    env = {k: v for k, v in os.environ.items() if k not in ("OLLAMA_HOST", "OLLAMA_HOSTS")}
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT), os.environ.get("PYTHONPATH", "")) if part
    )
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_cli(
    *args: str, stdin: str | None = None, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the command to completion; returns the finished process (never raises on rc)."""
    return subprocess.run(
        [sys.executable, "-m", "ollama_lite", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=cli_env(**env),
        check=False,
    )


def start_cli(*args: str, **env: str) -> subprocess.Popen[str]:
    """Start the command in the background (stderr captured, stdout discarded)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ollama_lite", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=cli_env(**env),
    )


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write one JSON object per line."""
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def corpus(count: int) -> list[dict[str, Any]]:
    """`count` distinct documents with string ids."""
    topics = ("llamas graze", "alpacas hum", "vicunas run", "guanacos spit")
    return [
        {"id": f"doc-{i}", "text": f"{topics[i % 4]} in the Andes, note {i}"} for i in range(count)
    ]
