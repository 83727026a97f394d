"""The `ollama-lite` command (also `python -m ollama_lite`): embed a corpus, chat, pull.

```
ollama-lite embed corpus.jsonl --model nomic-embed-text --hosts h1,h2 --out vectors.parquet
ollama-lite chat llama3.2 "Why is the sky blue?"
ollama-lite pull llama3.2
```

Exit codes: 0 done, 1 the server or the network failed, 2 bad arguments or input, 130
interrupted (Ctrl-C; what was written is kept, `embed --resume` continues).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ollama-lite", description="Embed a corpus, chat or pull with Ollama servers."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    embed = commands.add_parser(
        "embed",
        help="embed every text of a file into parquet or .npy, across several servers",
        description="Embed every text of a file across one or more Ollama servers. Output "
        "is written in parts (whole files only) and assembled at the end; --resume "
        "continues an interrupted run exactly.",
    )
    embed.add_argument("input", help="JSONL, plain text (one document per line), CSV or parquet")
    embed.add_argument("--model", "-m", required=True, help="the embedding model")
    embed.add_argument("--out", "-o", required=True, help="output file: .parquet or .npy")
    _hosts_argument(embed)
    embed.add_argument("--format", dest="fmt", help="input format (default: by suffix)")
    embed.add_argument("--text-field", default="text", help="JSONL key or column of the text")
    embed.add_argument("--id-field", help="JSONL key or column of the id (default: line number)")
    embed.add_argument("--batch-size", type=_positive, default=64, help="texts per request")
    embed.add_argument(
        "--max-batch-chars", type=_positive, default=32_000, help="characters per request"
    )
    embed.add_argument(
        "--max-in-flight-per-host", type=_positive, default=2, help="requests per server"
    )
    embed.add_argument(
        "--truncate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="let the server cut texts longer than the model's context (default: yes)",
    )
    embed.add_argument("--resume", action="store_true", help="continue an interrupted run")
    embed.add_argument("--no-progress", action="store_true", help="no progress bar")

    chat = commands.add_parser(
        "chat", help="stream a chat reply to the terminal", description="Stream one reply."
    )
    chat.add_argument("model")
    chat.add_argument("prompt", nargs="?", help="the message (default: read standard input)")
    chat.add_argument("--system", help="a system message")
    _hosts_argument(chat, several=False)

    pull = commands.add_parser(
        "pull", help="download a model, with a progress bar", description="Pull a model."
    )
    pull.add_argument("model")
    _hosts_argument(pull)
    pull.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _hosts_argument(parser: argparse.ArgumentParser, *, several: bool = True) -> None:
    if several:
        parser.add_argument(
            "--hosts",
            help="comma-separated servers (default: OLLAMA_HOSTS, else OLLAMA_HOST)",
        )
    else:
        parser.add_argument("--host", help="the server (default: OLLAMA_HOST)")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "embed":
            from ._embed import run_embed

            return run_embed(args)
        if args.command == "chat":
            from ._chat import run_chat

            return run_chat(args)
        from ._chat import run_pull

        return run_pull(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
