"""``python -m ollama_lite.testing.tiny_models``: register the tiny models on Ollama servers."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from ..._sync.client import Client
from . import DEFAULT_THINKING, register_chat_model, register_embedding_model


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ollama_lite.testing.tiny_models",
        description="Register tiny deterministic models on running Ollama servers.",
    )
    parser.add_argument(
        "--host", action="append", help="server URL (repeatable; default: OLLAMA_HOST)"
    )
    parser.add_argument("--chat", action="append", help="chat model name (default tiny-chat)")
    parser.add_argument(
        "--thinking", action="append", help="thinking chat model name (default tiny-thinker)"
    )
    parser.add_argument(
        "--endless", action="append", default=[], help="endless chat model name (none)"
    )
    parser.add_argument(
        "--embedding", action="append", help="embedding model name (default tiny-embed)"
    )
    parser.add_argument("--dimensions", type=int, default=64, help="embedding size (64)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Register the models on every host; print one line per host. Returns the exit code."""
    args = _parser().parse_args(argv)
    chat = args.chat or ["tiny-chat"]
    thinking = args.thinking or ["tiny-thinker"]
    embedding = args.embedding or ["tiny-embed"]
    for host in args.host or [None]:
        started = time.perf_counter()
        with Client(host) as client:
            register_chat_model(client, *chat)
            register_chat_model(client, *thinking, thinking=DEFAULT_THINKING)
            if args.endless:
                register_chat_model(client, *args.endless, endless=True)
            register_embedding_model(client, *embedding, dimensions=args.dimensions)
            names = ", ".join([*chat, *thinking, *args.endless, *embedding])
            elapsed = time.perf_counter() - started
            print(f"registered {names} on {client.host} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
