"""The examples and the README's snippets, run as written against the real server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Snippets that pull from the registry cannot work on an offline test server (the offline
# failure itself is tested in test_real_server_behaviour.py); every other snippet runs.
SNIPPETS = [
    code
    for code in re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    if ".pull(" not in code
]
# pull_progress.py pulls from the registry, which a test server cannot reach: the offline
# failure is tested in test_real_server_behaviour.py instead.
OFFLINE = {"pull_progress.py"}
EXAMPLES_DIR = ROOT / "examples"
# The module fixture runs every example and snippet against the real server (about a minute
# on 2 cores, counted against the first test): a limit of its own, not the suite's 60 s.
pytestmark = pytest.mark.timeout(300)
EXAMPLES = sorted(
    p for p in EXAMPLES_DIR.glob("*.py") if not p.name.startswith("_") and p.name not in OFFLINE
)


@dataclass(frozen=True)
class Result:
    """What one example or snippet did."""

    returncode: int
    stdout: str
    stderr: str


def _run_jobs(jobs: list[dict[str, str]], host: str) -> dict[str, Result]:
    """Run the jobs in one fresh interpreter (``_docs_runner``) against ``host``."""
    env = {**os.environ, "OLLAMA_HOST": host, "PYTHONPATH": f"{ROOT}{os.pathsep}{EXAMPLES_DIR}"}
    env.pop("OLLAMA_LITE_FAKE", None)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_docs_runner.py"))],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return {key: Result(**value) for key, value in json.loads(done.stdout).items()}


@pytest.fixture(scope="module")
def runs(real_host: str) -> dict[str, Result]:
    """Every example and snippet, run as ``__main__`` in two interpreters side by side (one for
    the examples, one for the snippets): starting one interpreter per script and importing
    LangChain each time cost a minute of CI time."""
    examples = [{"key": p.name, "path": str(p)} for p in EXAMPLES]
    snippets = [{"key": f"snippet-{i}", "code": code} for i, code in enumerate(SNIPPETS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(lambda jobs: _run_jobs(jobs, real_host), [examples, snippets]))
    return {**parts[0], **parts[1]}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_against_the_real_server(
    example: Path, real_host: str, runs: dict[str, Result]
) -> None:
    if example.name.startswith("langchain"):
        pytest.importorskip("langchain_core")
    result = runs[example.name]
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    # "server at <host>", or "servers at <hosts>" for the examples that take several.
    assert re.match(rf"Using the Ollama servers? at .*{re.escape(real_host)}", lines[0]), lines[0]
    assert len(lines) > 1


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs_against_the_real_server(index: int, runs: dict[str, Result]) -> None:
    result = runs[f"snippet-{index}"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "a snippet should print something"
