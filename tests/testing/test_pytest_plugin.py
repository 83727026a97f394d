"""The pytest plugin shipped in `ollama_lite.testing`: fixtures, per-test reset, cheap loading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ollama_lite.testing import FakeOllama

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "ollama_lite.testing.pytest_plugin"


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester whose runs load only the plugins they name (no autoloading)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    return pytester


def outcome(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", PLUGIN, "-p", "anyio", "-W", "error", *args)


def test_nothing_leaks_from_one_test_to_the_next(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import httpx
        from ollama_lite.testing import FakeModel, Fault

        PORTS = []

        def test_first_changes_everything(fake_ollama):
            PORTS.append(fake_ollama.port)
            fake_ollama.inject(Fault.status(500, "down"), times=None)
            fake_ollama.add_model(FakeModel("extra"))
            fake_ollama.token_delay = 0.5
            fake_ollama.reply_tokens = 1
            r = httpx.post(fake_ollama.url + "/api/show", json={"model": "llama3.2"})
            assert r.status_code == 500
            assert fake_ollama.requests

        def test_second_sees_none_of_it(fake_ollama):
            PORTS.append(fake_ollama.port)
            assert PORTS[0] == PORTS[1], "one server for the session"
            assert fake_ollama.faults == [] and fake_ollama.requests == []
            assert "extra:latest" not in fake_ollama.models
            assert fake_ollama.token_delay == 0.0 and fake_ollama.reply_tokens is None
            r = httpx.post(fake_ollama.url + "/api/show", json={"model": "llama3.2"})
            assert r.status_code == 200
        """
    )
    outcome(run).assert_outcomes(passed=2)


def test_clients_and_url(run: pytest.Pytester) -> None:
    run.makepyfile(
        """
        import pytest

        HI = [{"role": "user", "content": "hi"}]

        def test_url(fake_ollama, fake_ollama_url):
            assert fake_ollama_url == fake_ollama.url
            assert fake_ollama_url.startswith("http://127.0.0.1:")

        def test_sync_client(fake_ollama, fake_ollama_client):
            assert fake_ollama_client.chat("llama3.2", HI).message.content == "You said: hi"
            assert fake_ollama.last_request.json["messages"] == HI

        @pytest.fixture(params=["asyncio", "trio"])
        def anyio_backend(request):
            return request.param

        @pytest.mark.anyio
        async def test_async_client(fake_ollama, fake_ollama_async_client):
            reply = await fake_ollama_async_client.chat("llama3.2", HI)
            assert reply.message.content == "You said: hi"
            assert fake_ollama.last_request.path == "/api/chat"
        """
    )
    outcome(run).assert_outcomes(passed=4)


def test_options_fixture_configures_the_session_server(run: pytest.Pytester) -> None:
    run.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def fake_ollama_options():
            return {"embedding_dim": 8, "reply_tokens": 2}
        """
    )
    run.makepyfile(
        """
        def test_options_apply(fake_ollama_client, fake_ollama):
            fake_ollama.reply_tokens = 5
            embedding = fake_ollama_client.embed("nomic-embed-text", "x").embeddings[0]
            assert len(embedding) == 8

        def test_reset_restores_the_configured_values(fake_ollama):
            assert fake_ollama.reply_tokens == 2
        """
    )
    outcome(run).assert_outcomes(passed=2)


def test_a_failing_fake_test_reports_the_request(run: pytest.Pytester) -> None:
    # Guards the fixtures above: an assertion against the fake really can fail.
    run.makepyfile(
        """
        def test_wrong_model(fake_ollama, fake_ollama_client):
            fake_ollama_client.generate("llama3.2", "hi")
            assert fake_ollama.last_request.json["model"] == "qwen3"
        """
    )
    result = outcome(run)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError*", "*llama3.2*"])


def test_last_request_is_never_none(fake: FakeOllama) -> None:
    with pytest.raises(LookupError, match=r"FakeOllama at http://127\.0\.0\.1:\d+ has recorded"):
        _ = fake.last_request


def test_last_request_names_disabled_recording() -> None:
    server = FakeOllama(record_requests=False)  # never started: no request can arrive
    with pytest.raises(LookupError, match="record_requests=False"):
        _ = server.last_request


def test_the_entry_point_names_the_module_it_loads() -> None:
    # Named like the module, `-p ollama_lite.testing.pytest_plugin` and autoloading register
    # the plugin under one name (two names would make pytest refuse to start).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {PLUGIN: PLUGIN}


def test_the_plugin_loads_without_the_testing_extra() -> None:
    # Installed everywhere ollama-lite is, it must not break pytest where uvicorn is missing;
    # the fixture then fails with the install hint.
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        f"import {PLUGIN}\n"
        "import ollama_lite.testing as t\n"
        "try:\n"
        "    t.FakeOllama\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'ollama-lite[testing]'" in done.stdout
