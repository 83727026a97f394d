"""`ollama-lite chat` (a reply streamed to the terminal) and `ollama-lite pull`."""

from __future__ import annotations

import argparse
import sys

from .. import Client
from .._errors import OllamaError
from ._hosts import hosts_from
from ._progress import Progress

__all__ = ["run_chat", "run_pull"]


def run_chat(args: argparse.Namespace) -> int:
    """Stream one chat reply for the prompt (or standard input) to standard output."""
    prompt = args.prompt if args.prompt is not None else sys.stdin.read()
    if not prompt.strip():
        print("error: nothing to send: give a prompt or pipe one in", file=sys.stderr)
        return 2
    messages = [{"role": "user", "content": prompt}]
    if args.system:
        messages.insert(0, {"role": "system", "content": args.system})
    try:
        with Client(args.host) as client, client.chat(args.model, messages, stream=True) as parts:
            for part in parts:
                sys.stdout.write(part.message.content or "")
                sys.stdout.flush()
    except OllamaError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write("\n")
    return 0


def run_pull(args: argparse.Namespace) -> int:
    """Pull the model on every host, with a progress bar per layer."""
    for host in hosts_from(args.hosts):
        try:
            with Client(host) as client:
                _pull_one(client, args.model, host, bar=not args.no_progress)
        except OllamaError as exc:
            print(f"error: {host}: {exc}", file=sys.stderr)
            return 1
    return 0


def _pull_one(client: Client, model: str, host: str, *, bar: bool) -> None:
    """One host's pull: a line per step, one byte bar over every layer (they interleave)."""
    name = host.split("://", 1)[-1]
    layers: dict[str, tuple[int, int]] = {}  # digest -> (total, completed)
    status = ""
    progress: Progress | None = None
    try:
        for update in client.pull(model, stream=True):
            if update.digest and update.total:
                layers[update.digest] = (update.total, update.completed or 0)
                total = sum(size for size, _ in layers.values())
                if progress is None:
                    progress = Progress(total, unit="B", enabled=bar)
                elif progress.total != total:
                    progress.set_total(total)
                progress.advance(sum(done for _, done in layers.values()) - progress.done)
            elif update.status and update.status != status:
                status = update.status
                (progress.log if progress is not None else _stderr)(f"{name}: {status}")
    finally:
        if progress is not None:
            progress.close()
    print(f"{name}: pulled {model}", file=sys.stderr)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
