"""The README's snippets and commands, and every example, run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
#: Run by their own (slow) tests instead: ray_embed.py by tests/ray/test_ray_data.py, in the
#: Ray that module starts once.
RUN_ELSEWHERE = {"ray_embed.py"}
EXAMPLES = sorted(
    p
    for p in (ROOT / "examples").glob("*.py")
    if not p.name.startswith("_") and p.name not in RUN_ELSEWHERE
)

testing = pytest.importorskip("ollama_lite.testing")


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    with testing.FakeOllama() as server:
        yield server.url


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, **env},
        check=False,
    )


def test_readme_has_snippets_for_each_topic() -> None:
    text = "\n".join(SNIPPETS)
    for needle in (
        "stream=True",
        "AsyncClient",
        "tools=",
        "format=",
        ".embed(",
        "except ollama_lite",
    ):
        assert needle in text, needle


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs(index: int, fake_url: str) -> None:
    result = run([sys.executable, "-c", SNIPPETS[index]], {"OLLAMA_HOST": fake_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "a snippet should print something"


def test_readme_commands_and_ci_agree() -> None:
    setup = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)
    assert commands[:2] == [
        'python -m pip install -e ".[testing]" && python examples/demo.py',
        'python -m pip install -e ".[dev]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == commands[1], ".ci/run must run exactly the README's test command"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_against_the_fake_server(example: Path) -> None:
    # OLLAMA_LITE_FAKE=1 makes the examples skip looking for a real server.
    result = run([sys.executable, str(example)], {"OLLAMA_LITE_FAKE": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("No Ollama server answered; using the bundled fake Ollama at")
    assert len(lines) > 1


def test_demo_uses_a_real_server_when_one_answers(fake_url: str) -> None:
    # A server answering at OLLAMA_HOST is used as the real one.
    result = run([sys.executable, str(ROOT / "examples" / "demo.py")], {"OLLAMA_HOST": fake_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Using the Ollama server at {fake_url}"
    assert "vectors of 768 dimensions" in result.stdout
