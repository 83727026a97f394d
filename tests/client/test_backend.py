"""The async backend's event-loop detection (asyncio, trio, none)."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest

from ollama_lite._async_backend import current_loop


def test_loop_detection_ignores_a_half_imported_trio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trio", types.ModuleType("trio"))  # no .lowlevel yet

    async def key() -> object:
        return current_loop()

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(key()) is loop
    finally:
        loop.close()
    assert current_loop() is None
