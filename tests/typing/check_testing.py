"""Checked by mypy and pyright: the fake server's recorded requests need no None checks."""

from __future__ import annotations

from typing_extensions import assert_type

from ollama_lite.testing import FakeOllama, RecordedRequest


def last_request(server: FakeOllama) -> None:
    assert_type(server.last_request, RecordedRequest)
    assert_type(server.last_request.path, str)
