"""Users of pyright (strict) see no unknown types from ollama_lite (`--verifytypes` clean)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

USER_CODE = """
from pydantic import BaseModel

import ollama_lite
from ollama_lite import AsyncClient, Client, Message


class Out(BaseModel):
    reply: Message


def run(client: Client) -> str:
    try:
        reply = ollama_lite.chat("m", [{"role": "user", "content": "hi"}])
    except ollama_lite.ResponseError as e:
        text: str = e.error
        code: int = e.status_code
        return f"{text} {code}"
    except ollama_lite.RequestError as e:
        return e.error
    parts = [part.message.content or "" for part in client.chat("m", [], stream=True)]
    return (reply.message.content or "") + "".join(parts) + Out(reply=reply.message).reply.role


async def arun(client: AsyncClient) -> list[str]:
    stream = await client.generate("m", "hi", stream=True)
    return [part.response async for part in stream]
"""


def _pyright() -> list[str]:
    if shutil.which("pyright") is None:
        pytest.skip("pyright is not installed (pip install pyright)")
    return ["pyright"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_user_code_is_clean_under_pyright_strict(tmp_path: Path) -> None:
    (tmp_path / "user.py").write_text("# pyright: strict\n" + USER_CODE)
    result = subprocess.run(
        [*_pyright(), "--outputjson", str(tmp_path / "user.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["generalDiagnostics"] == [], report["generalDiagnostics"]


def test_public_types_are_complete(tmp_path: Path) -> None:
    result = subprocess.run(
        [*_pyright(), "--verifytypes", "ollama_lite", "--ignoreexternal", "--outputjson"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)["typeCompleteness"]
    incomplete = [symbol["name"] for symbol in report["symbols"] if not symbol["isTypeKnown"]]
    assert incomplete == []
    assert report["exportedSymbolCounts"]["withUnknownType"] == 0
    assert report["completenessScore"] == 1
