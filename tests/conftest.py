"""Shared fixtures: async tests run on both asyncio and trio through anyio's pytest plugin."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every `@pytest.mark.anyio` test runs once per event loop."""
    return str(request.param)
