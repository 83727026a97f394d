"""Deterministic, L2-normalised fake embeddings rendered as JSON with no per-float Python work.

All vectors of one (model, size) pair share a magnitude profile ``a`` (pseudo-random, fixed)
and take their signs from ``shake_256(model, text)``: ``v[i] = ±a[i] / |a|``, so every vector
has unit length. Each component is rendered at a fixed width (``" 0.04689710,"``; JSON allows
the blank), so a vector is one copy of a pre-rendered template plus one strided write of its
sign characters. SHAKE is an XOF: asking for fewer ``dimensions`` (truncate, then renormalise)
reads a prefix of the same signs against a renormalised prefix of the same profile, exactly
as truncating would.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict

_SIGNED = [u - 256 if u > 127 else u for u in range(256)]
_LEGACY_TABLE = ["%.6f" % (s / 64) for s in _SIGNED]  # unnormalised /api/embeddings values
_WIDTH = 12  # sign or blank, "0.dddddddd", comma
_SIGNS = [bytes(45 if byte >> bit & 1 else 32 for bit in range(8)) for byte in range(256)]


def _digest(seed: str, text: str, size: int) -> bytes:
    return hashlib.shake_256(f"{seed}\x00{text}".encode()).digest(size)


def _template(seed: str, dim: int) -> bytes:
    """All components positive, each ``_WIDTH`` bytes wide, sign slots blank."""
    profile = [0.1 + 0.9 * b / 255 for b in _digest(seed, "\x00profile", dim)]
    scale = 1.0 / math.sqrt(math.fsum(a * a for a in profile))
    return "".join(" %.8f," % (a * scale) for a in profile).encode("ascii")


class EmbeddingCache:
    """Renders unit vectors for (model seed, text, size); keeps a few templates."""

    def __init__(self, max_templates: int = 8) -> None:
        self._max = max_templates
        self._templates: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def _template(self, seed: str, dim: int) -> bytes:
        key = (seed, dim)
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = _template(seed, dim)
            while len(self._templates) > self._max:
                self._templates.popitem(last=False)
        return found

    def get(self, seed: str, text: str, dim: int) -> bytes:
        """One normalised vector as the inside of a JSON array (no brackets)."""
        rendered = bytearray(self._template(seed, dim))
        signs = b"".join(map(_SIGNS.__getitem__, _digest(seed, text, (dim + 7) // 8)))
        rendered[0::_WIDTH] = signs[:dim]
        del rendered[-1]  # the last comma
        return bytes(rendered)

    def clear(self) -> None:
        """Drop the templates."""
        self._templates.clear()


def legacy_vector_json(seed: str, text: str, dim: int) -> str:
    """The legacy ``/api/embeddings`` vector: deterministic and not normalised."""
    return ",".join(map(_LEGACY_TABLE.__getitem__, _digest(seed, text, dim)))
