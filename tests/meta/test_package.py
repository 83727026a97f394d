"""Package hygiene: the public surface, import side effects, the generated sync client."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import ollama_lite

ROOT = Path(__file__).resolve().parents[2]

OFFICIAL_EXPORTS = [
    "Client",
    "AsyncClient",
    "ChatResponse",
    "GenerateResponse",
    "EmbedResponse",
    "EmbeddingsResponse",
    "ListResponse",
    "ShowResponse",
    "ProcessResponse",
    "ProgressResponse",
    "StatusResponse",
    "WebSearchResponse",
    "WebFetchResponse",
    "Message",
    "Tool",
    "Options",
    "Image",
    "ResponseError",
    "RequestError",
    "generate",
    "chat",
    "embed",
    "embeddings",
    "pull",
    "push",
    "create",
    "delete",
    "list",
    "copy",
    "show",
    "ps",
    "web_search",
    "web_fetch",
]


def test_all_is_complete_and_importable() -> None:
    for name in ollama_lite.__all__:
        assert hasattr(ollama_lite, name), name
    public = {n for n in dir(ollama_lite) if not n.startswith("_")} - {"types", "TYPE_CHECKING"}
    modules = {n for n in public if type(getattr(ollama_lite, n)).__name__ == "module"}
    assert public - modules == set(ollama_lite.__all__) - {"__version__"}


def test_official_package_names_exist() -> None:
    missing = [name for name in OFFICIAL_EXPORTS if not hasattr(ollama_lite, name)]
    assert missing == []


def test_sync_and_async_clients_have_the_same_methods() -> None:
    def methods(cls: type) -> set[str]:
        return {n for n in vars(cls) if not n.startswith("_") and callable(getattr(cls, n))}

    assert methods(ollama_lite.AsyncClient) - {"aclose"} == methods(ollama_lite.Client)


def test_import_has_no_side_effects() -> None:
    code = (
        "import sys, socket\n"
        "opened = []\n"
        "real = socket.socket.connect\n"
        "socket.socket.connect = lambda self, *a: opened.append(a) or real(self, *a)\n"
        "import ollama_lite, ollama_lite._default as d\n"
        "assert d._client is None, 'default client built at import'\n"
        "assert not opened, opened\n"
        "heavy = ('pydantic', 'langchain_core', 'uvicorn', 'anyio')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "assert not bad, bad\n"
        "ollama_lite.Client('http://127.0.0.1:11434').close()\n"
        "assert 'anyio' not in sys.modules, 'the sync client needs no event loop library'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_module_functions_use_a_default_client_created_on_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ollama_lite._default as default

    monkeypatch.setattr(default, "_client", None)
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:9")  # read at first use, not at import
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"version": "0.12.6"})

    real_init = ollama_lite.Client.__init__

    def patched(self: ollama_lite.Client, *args: object, **kwargs: object) -> None:
        real_init(self, *args, transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ollama_lite.Client, "__init__", patched)
    assert ollama_lite.version().version == "0.12.6"
    first = default._client
    assert first is not None and ollama_lite.list is not None
    ollama_lite.version()
    assert default._client is first
    assert seen == ["http://127.0.0.1:9/api/version"] * 2
    assert ollama_lite.chat.__doc__ == ollama_lite.Client.chat.__doc__
    first.close()
    monkeypatch.setattr(default, "_client", None)


def test_generated_sync_client_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_requests_are_logged_at_debug_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"version": "1"}))
    client = ollama_lite.Client(
        "http://alice:pw-secret@127.0.0.1:11434", api_key="sk-secret", transport=transport
    )
    with caplog.at_level(logging.DEBUG, logger="ollama_lite"):
        client.version()
    records = [r for r in caplog.records if r.name == "ollama_lite"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert message.startswith("GET http://127.0.0.1:11434/api/version -> 200 (")
    assert "ms)" in message
    text = caplog.text
    assert "pw-secret" not in text and "sk-secret" not in text and "alice" not in text


def _unasync_script() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("unasync", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_sync_package_maps_line_for_line() -> None:
    unasync = _unasync_script()
    files = unasync.expected_files()
    assert {path.name for path in files} == {
        path.name for path in (ROOT / "ollama_lite" / "_async").glob("*.py")
    }
    for path, text in files.items():
        source = (ROOT / "ollama_lite" / "_async" / path.name).read_text()
        assert len(text.splitlines()) == len(source.splitlines()) + 2  # the header
        assert text.startswith("# Generated from ollama_lite/_async/")


def test_a_rule_that_matches_nothing_fails_the_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    unasync = _unasync_script()
    rules = [*unasync.RULES, (r"\bno_such_name_anywhere\b", "x")]
    monkeypatch.setattr(unasync, "RULES", rules)
    monkeypatch.setattr(unasync, "_COMPILED", [(re.compile(p), r) for p, r in rules])
    with pytest.raises(SystemExit, match="no_such_name_anywhere"):
        unasync.expected_files()
