"""The `stream=True`/`False` overloads are pinned for type checkers (mypy --strict, pyright)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_overloads_type_check() -> None:
    pytest.importorskip("mypy")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            str(ROOT / "tests" / "typing" / "check_overloads.py"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_expectation_is_caught(tmp_path: Path) -> None:
    # Guards the guard: if assert_type stopped being checked, the test above would pass vacuously.
    pytest.importorskip("mypy")
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing_extensions import assert_type\n"
        "from ollama_lite import Client, ChatResponse\n"
        "def f(c: Client) -> None:\n"
        "    assert_type(c.chat('m', [], stream=True), ChatResponse)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1 and "[assert-type]" in result.stdout


def _pyright(path: Path) -> subprocess.CompletedProcess[str]:
    pyright = shutil.which("pyright")
    if pyright is None:
        pytest.skip("pyright is not installed (pip install pyright)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [pyright, str(path)], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


def test_overloads_type_check_with_pyright() -> None:
    result = _pyright(ROOT / "tests" / "typing" / "check_overloads.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_catches_a_wrong_expectation_and_an_unknown_keyword(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing_extensions import assert_type\n"
        "from ollama_lite import Client, ChatResponse\n"
        "def f(c: Client) -> None:\n"
        "    assert_type(c.chat('m', [], stream=True), ChatResponse)\n"
        "    c.chat('m', [], bogus=1)\n"
    )
    result = _pyright(bad)
    assert result.returncode == 1
    assert "bad.py:4" in result.stdout and "bad.py:5" in result.stdout
