"""The optional ``gguf`` and ``numpy`` imports, done on first use with an error naming the extra."""

from __future__ import annotations

from types import ModuleType

EXTRA_HINT = 'tiny models need the "tiny-models" extra: pip install "ollama-lite[tiny-models]"'


def import_gguf() -> tuple[ModuleType, ModuleType]:
    """Return the ``gguf`` and ``numpy`` modules, or raise ImportError naming the extra."""
    try:
        import gguf
        import numpy
    except ImportError as exc:
        raise ImportError(f"{EXTRA_HINT} ({exc})") from exc
    return gguf, numpy
