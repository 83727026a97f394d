"""Real-server fixtures: tests that use them are marked ``real_ollama`` and skip with a reason
when ``OLLAMA_LITE_REAL_HOST`` (or ``OLLAMA_LITE_REAL_BUSY_HOST``) is unset or not answering.

The suite registers the tiny models on that server (under llama3.2, qwen3, nomic-embed-text and
all-minilm), so point it at a server meant for tests (``scripts/real_ollama.sh up``): it refuses
to run, with a reason, if those names hold other models.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ollama_lite
from ollama_lite import Client

from ._real import (
    BUSY_VAR,
    CHAT,
    EMBED,
    HOST_VAR,
    HOW,
    SMALL_EMBED,
    SUMMARY,
    THINKER,
    THINKING,
    env_host,
)

_REAL_FIXTURES = {"real_host", "busy_host", "real_client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a real server, so ``-m real_ollama`` selects them."""
    for item in items:
        if _REAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_ollama)


def _answering(var: str) -> str:
    url = env_host(var)
    if url is None:
        pytest.skip(f"no real Ollama: {var} is not set; {HOW}")
    with Client(url, timeout=5.0, max_retries=0) as client:
        try:
            client.version()
        except ollama_lite.OllamaError as exc:
            pytest.skip(f"no real Ollama answers at {var}={url} ({exc}); {HOW}")
    return url


def _ensure_tiny_models(url: str) -> None:
    """Register the tiny models unless the server already has them under our names."""
    tiny = pytest.importorskip(
        "ollama_lite.testing.tiny_models", reason="the tiny-models extra (gguf) is missing"
    )
    with Client(url, max_retries=0) as client:
        missing = []
        for name, thinking in ((CHAT, False), (THINKER, True)):
            try:
                template = client.show(name).template
            except ollama_lite.ModelNotFoundError:
                missing.append(name)
                continue
            if template != tiny.chat_template(thinking=thinking):
                pytest.skip(f"{name} on {url} is not the tiny test model; use a test server")
        if missing:
            tiny.register_chat_model(client, CHAT, reply="Hello world!")
            tiny.register_chat_model(client, THINKER, thinking=THINKING)
        names = {m.model.split(":")[0] for m in client.list().models}
        if not {EMBED, SMALL_EMBED} <= names:
            tiny.register_embedding_model(client, EMBED, SMALL_EMBED)


@pytest.fixture(scope="session")
def real_host() -> str:
    """URL of the real Ollama under test, with the tiny models registered."""
    url = _answering(HOST_VAR)
    _ensure_tiny_models(url)
    return url


@pytest.fixture(scope="session")
def busy_host() -> str:
    """URL of a real Ollama started with OLLAMA_MAX_QUEUE=1 and OLLAMA_NUM_PARALLEL=1."""
    url = _answering(BUSY_VAR)
    _ensure_tiny_models(url)
    return url


@pytest.fixture
def real_client(real_host: str) -> Iterator[Client]:
    """A Client for the real server that does not retry."""
    with Client(real_host, max_retries=0) as client:
        yield client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show how many real-server tests ran (not skipped), their time, and the differential
    suite's counts in the run's summary (and so in CI's output)."""
    counts: dict[str, int] = {}
    seconds = 0.0
    for outcome in ("passed", "failed", "skipped", "error", ""):  # "": passed setup/teardown
        for report in terminalreporter.stats.get(outcome, []):
            if "real_ollama" not in getattr(report, "keywords", {}):
                continue
            seconds += getattr(report, "duration", 0.0)
            if outcome and (report.when == "call" or outcome in ("skipped", "error")):
                counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        done = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        terminalreporter.write_line(f"real-server tests: {done} in {seconds:.1f} s")
    for line in SUMMARY:
        terminalreporter.write_line(line)
