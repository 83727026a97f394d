"""Register tiny models on a running Ollama through its API: upload the GGUF blob once, then
create each name from it with ``files`` (so it works on any Ollama with the blob API)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..._sync.client import Client
from ._chat import tool_call_text, write_chat_gguf
from ._embedding import write_embedding_gguf
from ._template import chat_template

# One thread: the models are so small that a second thread only adds contention (on a busy
# two-core CI machine it is 50x slower). Temperature 0 makes the intent plain in `show`; the
# answers do not depend on it.
_CHAT_PARAMETERS: dict[str, Any] = {"temperature": 0, "num_thread": 1}
_EMBEDDING_PARAMETERS: dict[str, Any] = {"num_thread": 1}
LICENSE = "ollama-lite tiny test model: generated weights, free to use for any purpose"


def _create_all(client: Client, names: tuple[str, ...], gguf_path: Path, **extra: Any) -> None:
    if not names:
        raise ValueError("give at least one model name to register")
    digest = client.create_blob(gguf_path)
    for name in names:
        client.create(name, files={"model.gguf": digest}, license=LICENSE, **extra)


def register_chat(
    client: Client,
    names: tuple[str, ...],
    *,
    reply: str,
    thinking: str | None,
    tool_name: str,
    tool_arguments: Mapping[str, Any],
    context_length: int,
    endless: bool,
) -> None:
    """Write the chat GGUF to a temporary file and create every name from it."""
    with tempfile.TemporaryDirectory(prefix="ollama-lite-tiny-") as tmp:
        path = write_chat_gguf(
            Path(tmp) / "chat.gguf",
            reply=reply,
            thinking=thinking,
            tool_call=tool_call_text(tool_name, dict(tool_arguments)),
            context_length=context_length,
            endless=endless,
        )
        _create_all(
            client,
            names,
            path,
            template=chat_template(thinking=thinking is not None),
            parameters=_CHAT_PARAMETERS,
        )


def register_embedding(
    client: Client, names: tuple[str, ...], *, dimensions: int, context_length: int, seed: int
) -> None:
    """Write the embedding GGUF to a temporary file and create every name from it."""
    with tempfile.TemporaryDirectory(prefix="ollama-lite-tiny-") as tmp:
        path = write_embedding_gguf(
            Path(tmp) / "embedding.gguf",
            dimensions=dimensions,
            context_length=context_length,
            seed=seed,
        )
        _create_all(client, names, path, parameters=_EMBEDDING_PARAMETERS)
