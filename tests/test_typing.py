"""Types pinned for type checkers (mypy --strict): the stream overloads, the fake server.

One mypy run checks the pinned expectations and a deliberately wrong one together; it uses
mypy's incremental cache (`.mypy_cache`), so it is quick after `mypy --strict ollama_lite`.
`.ci/run` also checks the pinned files with pyright.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PINNED = sorted((ROOT / "tests" / "typing").glob("check_*.py"))
WRONG = """\
from typing_extensions import assert_type
from ollama_lite import Client, ChatResponse
def f(c: Client) -> None:
    assert_type(c.chat('m', [], stream=True), ChatResponse)
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),  # a cold mypy run over the package and its dependencies
    pytest.mark.xdist_group("mypy"),  # one process writes the cache at a time
]


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("mypy")
    wrong = tmp_path_factory.mktemp("typing") / "wrong.py"
    wrong.write_text(WRONG)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *map(str, PINNED), str(wrong)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=540,
    )
    # 1: type errors were found (the wrong file has one); anything else is mypy failing.
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_overloads_type_check(mypy_output: str) -> None:
    assert len(PINNED) >= 2  # check_overloads.py, check_testing.py
    errors = [line for line in mypy_output.splitlines() if "/typing/check_" in line]
    assert errors == []


def test_a_wrong_expectation_is_caught(mypy_output: str) -> None:
    # Guards the guard: if assert_type stopped being checked, the test above would pass vacuously.
    errors = [line for line in mypy_output.splitlines() if "wrong.py:" in line]
    assert len(errors) == 1 and "[assert-type]" in errors[0], mypy_output
