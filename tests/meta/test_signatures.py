"""The client methods list each endpoint parameter explicitly, generated from the TypedDicts.

`help()`, `inspect.signature`, jedi and pyright hover read these signatures; the TypedDicts
in `ollama_lite/types/params.py` stay the one source (`scripts/gen_signatures.py`).
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import ollama_lite
from ollama_lite import AsyncClient, Client
from ollama_lite.types import (
    NOT_GIVEN,
    ChatParams,
    CreateParams,
    EmbeddingsParams,
    EmbedParams,
    GenerateParams,
    RequestOptions,
)

ROOT = Path(__file__).resolve().parents[2]
KEYWORD = inspect.Parameter.KEYWORD_ONLY
POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD
OPTION_KEYS = list(RequestOptions.__annotations__)
ENDPOINTS = [
    "chat",
    "generate",
    "embed",
    "embeddings",
    "systemone",
    "version",
    "web_search",
    "web_fetch",
    "pull",
    "push",
    "create",
    "create_blob",
    "blob_exists",
    "list",
    "show",
    "ps",
    "copy",
    "delete",
]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _kinds(function: Any) -> dict[str, inspect._ParameterKind]:
    return {name: p.kind for name, p in inspect.signature(function).parameters.items()}


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_chat_and_generate_list_every_parameter_as_a_keyword(cls: type[Any]) -> None:
    for method, params in (("chat", ChatParams), ("generate", GenerateParams)):
        kinds = _kinds(getattr(cls, method))
        expected = ["stream", *params.__annotations__, *OPTION_KEYS]
        assert [name for name, kind in kinds.items() if kind is KEYWORD] == expected
    signature = inspect.signature(cls.chat)
    assert signature.parameters["think"].default is None
    assert signature.parameters["timeout"].default is NOT_GIVEN
    assert "tools" in str(signature) and "**" not in str(signature)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_embed_and_create_take_their_parameters_by_position_too(cls: type[Any]) -> None:
    for method, head, params in (
        ("embed", ["self", "model", "input"], EmbedParams),
        ("embeddings", ["self", "model", "prompt"], EmbeddingsParams),
        ("create", ["self", "model"], CreateParams),
    ):
        kinds = _kinds(getattr(cls, method))
        positional = [name for name, kind in kinds.items() if kind is POSITIONAL]
        assert positional == [*head, *params.__annotations__], method


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_every_endpoint_and_with_options_list_the_request_options(cls: type[Any]) -> None:
    for method in [*ENDPOINTS, "with_options"]:
        kinds = _kinds(getattr(cls, method))
        assert [name for name in kinds if name in OPTION_KEYS] == OPTION_KEYS, method
        assert all(kinds[name] is KEYWORD for name in OPTION_KEYS), method
        assert inspect.Parameter.VAR_KEYWORD not in kinds.values(), method


def test_module_functions_show_the_client_parameters_without_self() -> None:
    parameters = list(inspect.signature(ollama_lite.chat).parameters)
    assert parameters[:2] == ["model", "messages"]
    assert "tools" in parameters and "timeout" in parameters


def test_an_unknown_keyword_is_a_type_error_before_anything_is_sent() -> None:
    client = Client("http://127.0.0.1:9")
    with pytest.raises(TypeError, match="bogus"):
        client.chat("m", [], bogus=1)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="bogus"):
        client.with_options(bogus=1)  # type: ignore[call-arg]
    client.close()


def test_signatures_are_up_to_date() -> None:
    assert _script("gen_signatures").main(["--check"]) == 0


def test_a_new_typeddict_key_makes_the_check_fail_until_the_script_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = _script("gen_signatures")
    real = gen.typed_dict_fields

    def with_new_key(source: str) -> Any:
        fields = real(source)
        fields["ChatParams"] = [*fields["ChatParams"], ("seed_offset", "int | None")]
        return fields

    monkeypatch.setattr(gen, "typed_dict_fields", with_new_key)
    assert gen.main(["--check"]) == 1
    assert "_async/generation.py: parameters out of date" in capsys.readouterr().out
    text = gen.expected_sources()[gen.SOURCE_DIR / "generation.py"]
    assert text.count("        seed_offset: int | None = None,\n") == 4  # 3 overloads + impl


def test_markers_that_do_not_pair_up_are_errors() -> None:
    gen = _script("gen_signatures")
    fields = {"RequestOptions": [("timeout", "float | None")]}
    begin = "    # BEGIN params generated from RequestOptions by scripts/gen_signatures.py\n"
    assert gen.rewrite(begin + gen.END + "\n", fields) == (
        begin + "    timeout: float | NotGiven | None = NOT_GIVEN,\n" + gen.END + "\n"
    )
    with pytest.raises(SystemExit, match="without its"):
        gen.rewrite(begin + "    x: int,\n", fields)
    with pytest.raises(SystemExit, match="no class Nope"):
        gen.rewrite(begin.replace("RequestOptions", "Nope") + gen.END + "\n", fields)
    with pytest.raises(SystemExit, match="malformed marker"):
        gen.rewrite("    # BEGIN params generated from x by hand\n", fields)


def test_unasync_finds_async_code_left_in_generated_code() -> None:
    unasync = _script("unasync")
    text = (
        '"""Docstring: anyio and await are fine here."""\n'
        "# a comment about asyncio is fine\n"
        "def wait(delay):\n"
        '    """So is trio."""\n'
        "    anyio.sleep(delay)\n"
        '    name = "trio"\n'
        "    return is_async\n"
    )
    assert unasync.async_leftovers(text) == ["line 5: anyio", "line 6: trio"]


def test_unasync_check_flags_files_that_are_not_generated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    unasync = _script("unasync")
    (tmp_path / "client.pyi").write_text("")
    (tmp_path / "__pycache__").mkdir()
    monkeypatch.setattr(unasync, "TARGET_DIR", tmp_path)
    monkeypatch.setattr(unasync, "ROOT", tmp_path)
    assert unasync.problems({}) == ["client.pyi: not generated, remove it"]
