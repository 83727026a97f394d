"""Sessions: tests (all), quick (no slow subprocess tests), lint (ruff), typecheck (mypy and
pyright), load (full-scale load), bench (side-by-side benchmarks). `.ci/run` is what CI runs."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite, slow tests included."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session
def quick(session: nox.Session) -> None:
    """The inner loop: every test but the slow subprocess ones (mypy, examples, README, bench)."""
    session.install("-e", ".[dev]")
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package; mypy and pyright on the typing tests."""
    session.install("-e", ".[dev]")
    session.run("mypy", "--strict", "ollama_lite")
    session.run("mypy", "--strict", "tests/typing")
    session.run("pyright", "tests/typing")


@nox.session
def load(session: nox.Session) -> None:
    """Full-scale load: 10,000 sequential requests, 1,000 concurrent streams per event loop."""
    session.install("-e", ".[dev]")
    session.run(
        "pytest",
        "-m",
        "load",
        "-s",
        "--timeout=1800",
        "tests/reliability/test_rel_load.py",
        *session.posargs,
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side benchmarks vs ollama / langchain-ollama; writes benchmarks/RESULTS.md."""
    session.install("-e", ".[testing,langchain]")
    session.install("ollama", "langchain-ollama")  # benchmark-only peers, never runtime deps
    session.run("python", "benchmarks/run.py", *session.posargs)
