"""Sessions: tests, lint (ruff), typecheck (mypy --strict), bench (side-by-side benchmarks),
real (the real-server tests against Ollama 0.9.3)."""

from __future__ import annotations

import os

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


@nox.session
def real(session: nox.Session) -> None:
    """tests/real against a real Ollama 0.9.3 (installed from PyPI, ~50 s the first time):
    starts a main and a full-queue server on 127.0.0.1, registers the tiny models, runs the
    tests, stops the servers."""
    session.install("-e", ".[dev]")
    script = "scripts/real_ollama.sh"
    python = os.path.join(session.bin, "python")
    output = session.run(script, "up", env={"PYTHON": python}, silent=True, external=True)
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in str(output).splitlines()
        if line.startswith("export ")
    )
    try:
        session.run("pytest", "tests/real", *session.posargs, env=exports)
    finally:
        session.run(script, "down", external=True)
