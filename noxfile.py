"""Sessions: tests (all), quick (no slow subprocess tests), lint (ruff), typecheck (mypy and
pyright), load (full-scale load), bench (side-by-side benchmarks), real (the real-server
tests against Ollama 0.9.3). `.ci/run` is what CI runs."""

from __future__ import annotations

import os
import re
from pathlib import Path

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
        "tests/reliability/test_load.py",
        *session.posargs,
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


UPSTREAM = Path("tests/langchain/upstream")


@nox.session(python="3.11")
def langchain_ollama_tests(session: nox.Session) -> None:
    """langchain-ollama 1.1.0's integration tests against our classes (dev-only check).

    Default: on the fake server. `-- --real`: on the Ollama at OLLAMA_HOST (add
    `--tiny-models` to first register tiny models there under the names the tests use).
    `-- --upstream`: langchain-ollama itself instead of ours (to tell server limits from ours).
    """
    import tarfile

    flags = ("--real", "--upstream", "--tiny-models")
    real, upstream, tiny = (flag in session.posargs for flag in flags)
    args = [arg for arg in session.posargs if arg not in flags]
    extras = "testing,langchain,tiny-models" if tiny else "testing,langchain"
    session.install("-e", f".[{extras}]", "pytest", "pytest-asyncio")
    if real and tiny:
        # The names upstream's tests hard-code: a chat model, and two thinking ones.
        register = ["python", "-m", "ollama_lite.testing.tiny_models"]
        session.run(*register, "--chat", "llama3.1", "--thinking", "deepseek-r1:1.5b")
        session.run(*register, "--thinking", "gpt-oss:20b")
    # What upstream's tests import: langchain-tests (its lockfile's version) and `ollama`.
    session.install("langchain-tests==1.1.5", "ollama")
    tmp = Path(session.create_tmp())
    session.run(
        "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(tmp),
        "langchain-ollama==1.1.0",
    )  # fmt: skip
    with tarfile.open(tmp / "langchain_ollama-1.1.0.tar.gz") as sdist:
        # Only its tests: pytest puts the sdist's root on sys.path, where its own
        # `langchain_ollama` source would shadow the shim.
        tests_only = [m for m in sdist.getmembers() if "/tests/" in m.name]
        sdist.extractall(tmp, members=tests_only, filter="data")
    tests = tmp / "langchain_ollama-1.1.0" / "tests" / "integration_tests"
    plugins = [] if real else ["-p", "fake_ollama_plugin"]
    paths = [str(UPSTREAM.resolve())]  # the plugin
    if upstream:
        session.install("langchain-ollama==1.1.0")
    else:
        paths.append(str(UPSTREAM.resolve() / "shim"))  # `langchain_ollama` = ollama_lite
    session.run(
        "pytest", "-c", str(UPSTREAM / "pytest.ini"), "--rootdir", str(tests), *plugins,
        "-p", "no:cacheprovider", "-q", "-rfEx", str(tests), *args,
        env={"PYTHONPATH": os.pathsep.join(paths)},
    )  # fmt: skip


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
