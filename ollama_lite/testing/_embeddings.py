"""Deterministic fake embeddings that carry meaning, rendered as JSON with no per-float work.

Texts that share words get closer vectors. Each vector is ``v[i] = ±a[i] / |a|``: every model
and size has one fixed magnitude profile ``a`` (pseudo-random, in [0.5, 1]), and the *signs*
are a SimHash of the text's features, so every vector has unit length and the cosine of two
vectors grows with the share of features their texts have in common:

- a word's sign bits are the bitwise majority of the hashed bits of its crude stem (a plural
  ``s``, ``ing`` or ``ed`` dropped, so ``llamas`` is ``llama``) and of the stem's character
  trigrams (``<`` and ``>`` mark the ends), so related forms (``domestic``, ``domesticated``)
  come out close;
- a text's sign bits are the bitwise majority of its words' bits (lower-cased ``\\w+`` runs,
  each occurrence counted, common English stop words left out unless the text has nothing
  else); ties go to the bits of a hash of the whole text. It is a bag of words: word order,
  case and punctuation do not change the vector.

Majorities are computed bit-sliced on Python integers (a few integer operations per word,
whatever the size), and word bits are cached, so a 256 x 1024 batch costs milliseconds. Each
component is rendered at a fixed width (``" 0.04689710,"``; JSON allows the blank), so a vector
is one copy of a pre-rendered template plus one strided write of its sign characters. All
hashes are SHAKE-256, an XOF, so asking for fewer ``dimensions`` (truncate, then renormalise)
reads a prefix of the same signs against a renormalised prefix of the same profile, exactly as
truncating would. The legacy ``/api/embeddings`` vector has the same signs over the profile
itself: not normalised (like the real route), pointing the same way as ``/api/embed``'s.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable

_WIDTH = 12  # sign or blank, "0.dddddddd", comma
_SIGNS = [bytes(45 if byte >> bit & 1 else 32 for bit in range(8)) for byte in range(256)]
_WORD = re.compile(r"\w+")
_STOP_TEXT = (
    "a about an and any are as at be been but by can could did do does for from had has have "
    "he her his how i if in into is it its me my no not of on or our she so than that the "
    "their them then there these they this those to too us was we were what when where which "
    "who why will with would you your"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())


def _digest(seed: str, text: str, size: int) -> bytes:
    return hashlib.shake_256(f"{seed}\x00{text}".encode()).digest(size)


def _bits(seed: str, text: str, size: int) -> int:
    """``size`` bytes of hash as an integer; bit ``8k + j`` is bit ``j`` of byte ``k``."""
    return int.from_bytes(_digest(seed, text, size), "little")


def _majority(vectors: Iterable[int], count: int, tiebreak: Callable[[], int], mask: int) -> int:
    """Bitwise majority of ``count`` bit vectors; where exactly half are set, ``tiebreak()``.

    The per-bit counts are kept bit-sliced (``planes[j]`` holds bit ``j`` of every count), so
    adding a vector is a ripple-carry of a few integer operations.
    """
    planes: list[int] = []
    for carry in vectors:
        j = 0
        while carry:
            if j == len(planes):
                planes.append(carry)
                break
            plane = planes[j]
            planes[j] = plane ^ carry
            carry &= plane
            j += 1
    half, odd = divmod(count, 2)
    threshold = half + odd  # count > n/2 means count >= threshold (n odd); n even: see below
    above, equal = 0, mask
    for j in range(max(len(planes), threshold.bit_length()) - 1, -1, -1):
        plane = planes[j] if j < len(planes) else 0
        if threshold >> j & 1:
            equal &= plane
        else:
            above |= equal & plane
            equal &= ~plane
    if odd:
        return above | equal
    return above | (equal & tiebreak()) if equal else above


def _stem(word: str) -> str:
    """A crude English stem: drop a plural ``s``, ``ing`` or ``ed`` (``llamas`` -> ``llama``)."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if len(word) > 3 and word[-1] == "s" and word[-2] not in "sui":
        return word[:-1]
    return word


@functools.lru_cache(maxsize=1 << 16)
def _word_bits(seed: str, word: str, size: int) -> int:
    """A word's sign bits: majority of its stem's character trigrams and of the stem itself."""
    word = _stem(word)
    padded = f"<{word}>"
    whole = _bits(seed, "\x01" + word, size)
    trigrams = [_bits(seed, padded[i : i + 3], size) for i in range(len(padded) - 2)]
    return _majority([whole, *trigrams], len(trigrams) + 1, lambda: whole, (1 << 8 * size) - 1)


@functools.lru_cache(maxsize=4096)
def sign_bits(seed: str, text: str, size: int) -> int:
    """The sign bits (``size`` bytes' worth) of ``text``'s vector under model ``seed``."""
    words = _WORD.findall(text.lower())
    content = [word for word in words if word not in _STOP_WORDS] or words
    if len(content) == 1:
        return _word_bits(seed, content[0], size)
    if not content:
        return _bits(seed, "\x02" + text, size)
    vectors = (_word_bits(seed, word, size) for word in content)
    return _majority(
        vectors, len(content), lambda: _bits(seed, "\x02" + text, size), (1 << 8 * size) - 1
    )


def _profile(seed: str, dim: int) -> list[float]:
    return [0.5 + 0.5 * b / 255 for b in _digest(seed, "\x00profile", dim)]


def _template(seed: str, dim: int) -> bytes:
    """All components positive, each ``_WIDTH`` bytes wide, sign slots blank."""
    profile = _profile(seed, dim)
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
        size = (dim + 7) // 8
        bits = sign_bits(seed, text, size).to_bytes(size, "little")
        rendered[0::_WIDTH] = b"".join(map(_SIGNS.__getitem__, bits))[:dim]
        del rendered[-1]  # the last comma
        return bytes(rendered)

    def clear(self) -> None:
        """Drop the templates."""
        self._templates.clear()


@functools.lru_cache(maxsize=16)
def _legacy_values(seed: str, dim: int) -> tuple[list[str], list[str]]:
    positive = [f"{a:.6f}" for a in _profile(seed, dim)]
    return positive, ["-" + value for value in positive]


def legacy_vector_json(seed: str, text: str, dim: int) -> str:
    """The legacy ``/api/embeddings`` vector: same direction as ``/api/embed``'s, unnormalised."""
    positive, negative = _legacy_values(seed, dim)
    size = (dim + 7) // 8
    signs = b"".join(map(_SIGNS.__getitem__, sign_bits(seed, text, size).to_bytes(size, "little")))
    pairs = zip(signs[:dim], positive, negative, strict=True)
    return ",".join([n if s == 45 else p for s, p, n in pairs])
