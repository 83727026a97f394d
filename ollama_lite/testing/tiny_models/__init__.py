"""Tiny deterministic models for testing against a real Ollama (extra: ``tiny-models``).

Each model is a GGUF file of a few hundred KB to a few MB, written in well under a second with
the ``gguf`` package, and registered on a running Ollama through its API (blob upload, then
``/api/create`` with ``files``) under names you choose. Nothing is downloaded::

    from ollama_lite import Client
    from ollama_lite.testing.tiny_models import register_chat_model, register_embedding_model

    with Client("http://127.0.0.1:11434") as client:
        register_chat_model(client, "tiny-chat")
        register_chat_model(client, "tiny-thinker", thinking="Let me think.")
        register_embedding_model(client, "tiny-embed")

Or from a shell: ``python -m ollama_lite.testing.tiny_models --host URL`` (see ``--help``).

What the chat model answers (Ollama 0.9.x; checked on 0.9.3 by ollama_lite's CI), whatever the
messages say and at any temperature up to 2 with the default sampling options:

- ``/api/chat`` and ``/api/generate``: exactly ``reply`` (default ``"Hello world!"``), streamed
  one word per chunk (``"Hello"``, ``" world!"``), ``done_reason: "stop"``;
- ``tools`` given and the last message is not a ``tool`` result: content ``""`` and one
  ``tool_calls`` entry, ``tool_name(**tool_arguments)`` (default ``get_weather``,
  ``{"city": "Tokyo"}``). Ollama 0.9 reports it as a tool call only if a tool of that name is
  among ``tools`` and its ``parameters.properties`` name every argument; otherwise the call's
  JSON text arrives as the content. After a ``tool`` result: ``reply`` again;
- ``format="json"``: ``{}``. ``format=<JSON schema>``: the smallest document the schema's
  grammar accepts: required properties only, in the schema's order, no whitespace, strings
  ``""``, numbers ``0``, booleans ``false``, arrays ``[]``, objects built the same way (so it
  always validates against the schema);
- ``think=True``: only for a model registered with ``thinking="..."``: ``thinking`` is that
  text and the content is ``reply``; without ``think`` (or ``think=False``) no thinking at all.
  A model registered without ``thinking`` answers 400 ``... does not support thinking``;
- ``suffix`` (``/api/generate``, fill-in-the-middle): ``reply``.
- registered with ``endless=True``: the reply, then ``" tick tock"`` again and again, until
  ``num_predict`` or the client goes away (for cancellation, timeout and busy-server tests).

Capabilities reported by ``/api/show``: ``completion``, ``tools``, ``insert``, and ``thinking``
when registered with ``thinking``.

What the embedding model answers: ``dimensions`` floats per input (default 64), unit length,
the same vector for the same text; letters are lowercased and each non-space character is one
token (characters outside ``ALPHABET`` count as ``[UNK]``). An input of more than
``context_length`` tokens (default 512; ``[CLS]`` and ``[SEP]`` not counted) gives 400 ``input
length exceeds maximum context length`` with ``truncate=False``, and is cut to fit otherwise.

The models run on one thread (``num_thread: 1``), which is fastest for models this small.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..._sync.client import Client
from ._chat import tool_call_text, write_chat_gguf
from ._embedding import ALPHABET, write_embedding_gguf
from ._register import register_chat, register_embedding
from ._template import chat_template

__all__ = [
    "ALPHABET",
    "DEFAULT_REPLY",
    "DEFAULT_THINKING",
    "DEFAULT_TOOL_ARGUMENTS",
    "DEFAULT_TOOL_NAME",
    "chat_template",
    "register_chat_model",
    "register_embedding_model",
    "write_chat_model",
    "write_embedding_model",
]

DEFAULT_REPLY = "Hello world!"
DEFAULT_THINKING = "Let me think."
DEFAULT_TOOL_NAME = "get_weather"
DEFAULT_TOOL_ARGUMENTS: Mapping[str, Any] = {"city": "Tokyo"}


def write_chat_model(
    path: str | Path,
    *,
    reply: str = DEFAULT_REPLY,
    thinking: str | None = None,
    tool_name: str = DEFAULT_TOOL_NAME,
    tool_arguments: Mapping[str, Any] = DEFAULT_TOOL_ARGUMENTS,
    context_length: int = 4096,
    endless: bool = False,
) -> Path:
    """Write the chat model's GGUF file (use it with :func:`chat_template`); return the path.

    ``reply`` and ``thinking`` are words separated by single spaces; a repeated word is merged
    into the one before it (every piece is its own token). Raises ImportError naming the
    ``tiny-models`` extra when ``gguf`` is missing, ValueError for unusable texts.
    """
    return write_chat_gguf(
        Path(path),
        reply=reply,
        thinking=thinking,
        tool_call=tool_call_text(tool_name, dict(tool_arguments)),
        context_length=context_length,
        endless=endless,
    )


def write_embedding_model(
    path: str | Path, *, dimensions: int = 64, context_length: int = 512, seed: int = 0
) -> Path:
    """Write the embedding model's GGUF file; return the path. ``seed`` fixes the vectors."""
    return write_embedding_gguf(
        Path(path), dimensions=dimensions, context_length=context_length, seed=seed
    )


def register_chat_model(
    client: Client,
    *names: str,
    reply: str = DEFAULT_REPLY,
    thinking: str | None = None,
    tool_name: str = DEFAULT_TOOL_NAME,
    tool_arguments: Mapping[str, Any] = DEFAULT_TOOL_ARGUMENTS,
    context_length: int = 4096,
    endless: bool = False,
) -> None:
    """Create the chat model on the server under every name in ``names`` (the answers are in
    the module docstring). Server errors raise ollama_lite's typed exceptions."""
    register_chat(
        client,
        names,
        reply=reply,
        thinking=thinking,
        tool_name=tool_name,
        tool_arguments=tool_arguments,
        context_length=context_length,
        endless=endless,
    )


def register_embedding_model(
    client: Client,
    *names: str,
    dimensions: int = 64,
    context_length: int = 512,
    seed: int = 0,
) -> None:
    """Create the embedding model on the server under every name in ``names``."""
    register_embedding(
        client, names, dimensions=dimensions, context_length=context_length, seed=seed
    )
