"""Vocabulary of the tiny chat model: byte tokens, control tokens and whole-piece tokens.

A reply is emitted as a chain of whole pieces (words with a leading ``▁`` for the space), one
token per piece, so the model needs no real tokenizer to say it. Each piece must be a distinct
token: the next token depends on the previous token only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._template import CONTROL_TOKENS, FIM_TOKENS, THINK_TOKENS

UNK, BOS, EOS = "<unk>", "<s>", "</s>"
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6


def split_pieces(text: str) -> list[str]:
    """Split ``text`` into word pieces (SentencePiece style: a space becomes a leading ``▁``).

    >>> split_pieces("Hello big world!")
    ['Hello', '▁big', '▁world!']
    """
    if not text or text != text.strip() or "  " in text:
        raise ValueError(f"a reply needs text without leading, trailing or double spaces: {text!r}")
    words = text.split(" ")
    return [words[0], *("▁" + w for w in words[1:])]


@dataclass
class Vocab:
    """Token texts and types; ``id(text)`` looks a token up, ``add_chain`` adds distinct pieces."""

    texts: list[str] = field(default_factory=list)
    types: list[int] = field(default_factory=list)
    _ids: dict[str, int] = field(default_factory=dict)

    def add(self, text: str, kind: int) -> int:
        """Add one token and return its id; a text may appear once only."""
        if text in self._ids:
            raise ValueError(f"token {text!r} is already in the vocabulary")
        self._ids[text] = len(self.texts)
        self.texts.append(text)
        self.types.append(kind)
        return self._ids[text]

    def id(self, text: str) -> int:
        """The id of the token with this text."""
        return self._ids[text]

    def add_chain(self, text: str) -> list[int]:
        """Add the pieces of ``text`` as new tokens, merging a repeated piece into the one
        before it so every token in the chain is new; return their ids in order."""
        merged: list[str] = []
        for piece in split_pieces(text):
            if merged and (piece in self._ids or piece in merged):
                merged[-1] += piece
            else:
                merged.append(piece)
        if len(set(merged)) != len(merged) or any(p in self._ids for p in merged):
            raise ValueError(f"cannot split {text!r} into pieces distinct from other tokens")
        return [self.add(piece, NORMAL) for piece in merged]


def base_vocab(*, thinking: bool) -> Vocab:
    """``<unk> <s> </s>``, the 256 byte tokens, and the template's control tokens."""
    vocab = Vocab()
    vocab.add(UNK, UNKNOWN)
    vocab.add(BOS, CONTROL)
    vocab.add(EOS, CONTROL)
    for byte in range(256):
        vocab.add(f"<0x{byte:02X}>", BYTE)
    for token in (*CONTROL_TOKENS, *FIM_TOKENS):
        vocab.add(token, CONTROL)
    if thinking:
        for token in THINK_TOKENS:  # user-defined: always rendered, so the server sees the tags
            vocab.add(token, USER_DEFINED)
    return vocab


def pad(vocab: Vocab, multiple: int) -> int:
    """Pad with unused tokens to a multiple of ``multiple``; return the final size."""
    while len(vocab.texts) % multiple:
        vocab.add(f"<|unused{len(vocab.texts)}|>", UNUSED)
    return len(vocab.texts)
