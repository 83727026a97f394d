"""Sessions: tests, lint (ruff), typecheck (mypy --strict), bench (side-by-side benchmarks)."""

from __future__ import annotations

import re
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, and the typing test file."""
    session.install("-e", ".[dev]")
    session.run("mypy", "--strict", "ollama_lite")
    session.run("mypy", "--strict", "tests/typing/check_overloads.py")


@nox.session
def load(session: nox.Session) -> None:
    """Full-scale load: 10,000 sequential requests, 1,000 concurrent streams per event loop."""
    session.install("-e", ".[dev]")
    session.run(
        "pytest", "-m", "load", "-s", "tests/reliability/test_rel_load.py", *session.posargs
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side benchmarks vs ollama / langchain-ollama; writes benchmarks/RESULTS.md."""
    session.install("-e", ".[testing,langchain]")
    session.install("ollama", "langchain-ollama")  # benchmark-only peers, never runtime deps
    session.run("python", "benchmarks/run.py", *session.posargs)


def _langchain_core_bounds() -> tuple[str, str]:
    """The oldest and the newest langchain-core the `langchain` extra admits, as pip
    requirements (read from pyproject.toml, so the range is written once)."""
    import tomllib  # Python 3.11+, as this session's interpreter

    project = tomllib.loads(Path("pyproject.toml").read_text())["project"]
    spec = next(
        req
        for req in project["optional-dependencies"]["langchain"]
        if req.startswith("langchain-core")
    )
    oldest = re.search(r">=\s*([\w.]+)", spec)
    if oldest is None:
        raise ValueError(f"the langchain extra has no lower bound: {spec!r}")
    return f"langchain-core=={oldest.group(1)}", spec


@nox.session(python="3.11")
@nox.parametrize("bound", ["oldest", "newest"])
def typecheck_langchain(session: nox.Session, bound: str) -> None:
    """mypy --strict on the LangChain adapter with the oldest and the newest langchain-core."""
    oldest, newest = _langchain_core_bounds()
    session.install("-e", ".", "mypy", oldest if bound == "oldest" else newest)
    session.run("python", "-c", "import langchain_core; print(langchain_core.__version__)")
    session.run("mypy", "--strict", "ollama_lite/langchain")
