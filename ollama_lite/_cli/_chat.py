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
    """Pull the model on every host, with a progress bar per host."""
    for host in hosts_from(args.hosts):
        try:
            with Client(host) as client:
                _pull_one(client, args.model, host)
        except OllamaError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


def _pull_one(client: Client, model: str, host: str) -> None:
    status = ""
    with Progress(None, unit="B", enabled=sys.stderr.isatty()) as progress:
        for update in client.pull(model, stream=True):
            if update.total and update.total != progress.total:
                progress.set_total(update.total)
                progress.done = 0
            if update.completed is not None and update.completed > progress.done:
                progress.advance(update.completed - progress.done, update.status)
            if update.status and update.status != status:
                status = update.status
                if not sys.stderr.isatty():
                    print(f"{host}: {status}", file=sys.stderr)
    print(f"{host}: pulled {model}", file=sys.stderr)
