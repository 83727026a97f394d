"""Sessions: tests, lint (ruff), typecheck (mypy --strict), bench (side-by-side benchmarks)."""

from __future__ import annotations

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
