"""The examples and the README's snippets, run as written against the real server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
# pull_progress.py pulls from the registry, which a test server cannot reach: the offline
# failure is tested in test_real_server_behaviour.py instead.
OFFLINE = {"pull_progress.py"}
EXAMPLES = sorted(
    p
    for p in (ROOT / "examples").glob("*.py")
    if not p.name.startswith("_") and p.name not in OFFLINE
)


def _run(args: list[str], host: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OLLAMA_HOST": host, "PYTHONPATH": str(ROOT)}
    env.pop("OLLAMA_LITE_FAKE", None)
    return subprocess.run(
        args, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=False
    )


@pytest.fixture(scope="module")
def runs(real_host: str) -> dict[str, Future[subprocess.CompletedProcess[str]]]:
    """Every example and snippet started at once (four at a time): most of their time is
    interpreter start-up and waiting on the server, so this saves a minute of CI time."""
    commands = {p.name: [sys.executable, str(p)] for p in EXAMPLES}
    commands |= {f"snippet-{i}": [sys.executable, "-c", code] for i, code in enumerate(SNIPPETS)}
    pool = ThreadPoolExecutor(max_workers=4)
    futures = {key: pool.submit(_run, args, real_host) for key, args in commands.items()}
    pool.shutdown(wait=False)
    return futures


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_against_the_real_server(
    example: Path, real_host: str, runs: dict[str, Future[subprocess.CompletedProcess[str]]]
) -> None:
    if example.name.startswith("langchain"):
        pytest.importorskip("langchain_core")
    result = runs[example.name].result()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Using the Ollama server at {real_host}"
    assert len(lines) > 1


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs_against_the_real_server(
    index: int, runs: dict[str, Future[subprocess.CompletedProcess[str]]]
) -> None:
    result = runs[f"snippet-{index}"].result()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "a snippet should print something"
