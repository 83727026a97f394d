"""Types pinned for type checkers (mypy --strict and pyright): the stream overloads, the
fake server.

Each checker runs once over every pinned file and a deliberately wrong one, so one run both
checks the pins and proves the check can fail. mypy uses its incremental cache
(`.mypy_cache`), so it is quick after `mypy --strict ollama_lite`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PINNED = sorted((ROOT / "tests" / "typing").glob("check_*.py"))
WRONG = """\
from typing_extensions import assert_type
from ollama_lite import Client, ChatResponse
def f(c: Client) -> None:
    assert_type(c.chat('m', [], stream=True), ChatResponse)
    c.chat('m', [], bogus=1)
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),  # a cold mypy run over the package and its dependencies
]


def wrong_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wrong = tmp_path_factory.mktemp("typing") / "wrong.py"
    wrong.write_text(WRONG)
    return wrong


def lines_about(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if name in line]


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("mypy")
    wrong = wrong_file(tmp_path_factory)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *map(str, PINNED), str(wrong)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=540,
    )
    # 1: type errors were found (the wrong file has them); anything else is mypy failing.
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def pyright_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    pyright = shutil.which("pyright")
    if pyright is None:
        pytest.skip("pyright is not installed (pip install 'pyright[nodejs]')")
    wrong = wrong_file(tmp_path_factory)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [pyright, *map(str, PINNED), str(wrong)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=540,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_overloads_type_check(mypy_output: str) -> None:
    assert len(PINNED) >= 2  # check_overloads.py, check_testing.py
    assert lines_about(mypy_output, "/typing/check_") == [], mypy_output


def test_a_wrong_expectation_is_caught(mypy_output: str) -> None:
    # Guards the guard: if assert_type stopped being checked, the test above would pass vacuously.
    errors = lines_about(mypy_output, "wrong.py:4:")
    assert len(errors) == 1 and "[assert-type]" in errors[0], mypy_output
    assert lines_about(mypy_output, "wrong.py:5:"), mypy_output


def test_overloads_type_check_with_pyright(pyright_output: str) -> None:
    assert lines_about(pyright_output, "/typing/check_") == [], pyright_output


def test_pyright_catches_a_wrong_expectation_and_an_unknown_keyword(pyright_output: str) -> None:
    assert "wrong.py:4" in pyright_output and "wrong.py:5" in pyright_output, pyright_output
