"""Fixtures of the reliability suite: the plugin's fake Ollama, raw servers per test.

Every test runs on both HTTP paths (`http_path`): `wire`, ollama_lite's own HTTP/1.1 pool
(what an `http://` host without a proxy gets), and `httpx` (what every other host gets,
forced here with `OLLAMA_LITE_FAST_PATH=0`). Tests that never open a socket are marked
`path_independent` and run once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._rawserver import RawServer

testing = pytest.importorskip("ollama_lite.testing")
FakeOllama = testing.FakeOllama


HTTP_PATHS = ("wire", "httpx")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("path_independent") is None:
        metafunc.parametrize("http_path", HTTP_PATHS, indirect=True)


@pytest.fixture(autouse=True)
def http_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The path the clients made in this test take: `wire` or `httpx`."""
    path = str(getattr(request, "param", "wire"))
    if path == "httpx":
        monkeypatch.setenv("OLLAMA_LITE_FAST_PATH", "0")
    else:
        monkeypatch.delenv("OLLAMA_LITE_FAST_PATH", raising=False)
    return path


@pytest.fixture(scope="session")
def fake_ollama_server() -> Iterator[FakeOllama]:
    """A server of this directory's own (``fake_ollama`` resets it before each test): its
    tests count the sockets connected to its port, which other directories' clients must not
    hold."""
    with FakeOllama() as server:
        yield server


@pytest.fixture
def fake(fake_ollama: FakeOllama) -> Iterator[FakeOllama]:
    """The session's fake server (``ollama_lite.testing.pytest_plugin``), reset: no faults,
    no recorded requests, counters at zero."""
    yield fake_ollama
    fake_ollama.clear_faults()
    # A test must not leave connections behind for the next one.
    fake_ollama.wait_for_connections(0, timeout=5)


@pytest.fixture
def raw() -> Iterator[RawServer]:
    """A raw-socket server whose next connections follow `raw.script(...)`."""
    server = RawServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def sync_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry back-off of `Client` recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("ollama_lite._sync.session.sleep", slept.append)
    return slept


@pytest.fixture
def async_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry back-off of `AsyncClient` recorded instead of slept."""
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("ollama_lite._async.session.sleep", record)
    return slept


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`load` tests are slow: skipped unless selected with `-m load`."""
    if "load" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="full-scale load test: run with `pytest -m load`")
    for item in items:
        if item.get_closest_marker("load") is not None:
            item.add_marker(skip)
