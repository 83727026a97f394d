"""Importing an optional dependency, with an error that names the extra to install.

The one helper for every optional import (numpy, pyarrow, tqdm, ray, ...), so each error
reads the same: what needs the module and the `pip install` line that brings it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ImportError):
    """An optional feature's dependency is not installed; the message says what to install."""


def require(
    module: str, extra: str, feature: str | None = None, hint: str | None = None
) -> ModuleType:
    """Import `module`, or raise `MissingExtraError` naming `pip install 'ollama-lite[extra]'`.

    `feature` names what needs it in the message (e.g. "float32 embeddings"); `hint` adds
    another way out (e.g. "or pass on_progress=callback").
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.partition(".")[0]
        purpose = f" (needed for {feature})" if feature else ""
        also = f" ({hint})" if hint else ""
        raise MissingExtraError(
            f"{top} is not installed{purpose}: pip install 'ollama-lite[{extra}]'{also}"
        ) from exc
