"""Importing an optional dependency, with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ImportError):
    """An optional feature's dependency is not installed; the message says what to install."""


def require(module: str, extra: str) -> ModuleType:
    """Import `module`, or raise `MissingExtraError` naming `pip install "ollama-lite[extra]"`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        raise MissingExtraError(
            f"this feature needs {top!r}, which is not installed: "
            f'pip install "ollama-lite[{extra}]"'
        ) from exc
