"""``python -m ollama_lite.testing``: serve the fake Ollama until Ctrl-C or SIGTERM.

SIGUSR1 kills it (connections refused, open ones cut) and SIGUSR2 revives it on the same port.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from ._server import FakeOllama


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, print the URL on the first line, serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m ollama_lite.testing", description="Serve a fake Ollama API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=11434, help="0 picks a free port")
    parser.add_argument(
        "--token-delay", type=float, default=0.0, help="seconds between streamed lines"
    )
    parser.add_argument(
        "--reply-tokens", type=int, default=None, help="make every text reply exactly N tokens"
    )
    parser.add_argument(
        "--embedding-dim",
        type=int,
        default=None,
        help="vector size of the built-in embedding models",
    )
    parser.add_argument(
        "--num-parallel",
        type=int,
        default=None,
        help="slots per chat model (embedding models get 1, as in Ollama); default unlimited",
    )
    parser.add_argument(
        "--max-queue",
        type=int,
        default=None,
        help="requests that may wait for a slot before it answers 503; default unlimited",
    )
    parser.add_argument(
        "--request-seconds",
        type=float,
        default=0.0,
        help="simulated work per chat, generate or embed request (holding its slot)",
    )
    parser.add_argument(
        "--embed-seconds-per-text",
        type=float,
        default=0.0,
        help="simulated work per embedding input text (holding the slot)",
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="do not keep a log of requests (long benchmark runs)",
    )
    args = parser.parse_args(argv)

    stop, wake = threading.Event(), threading.Event()
    outages: list[bool] = []  # True: kill (SIGUSR1), False: revive (SIGUSR2)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()
        wake.set()

    def on_outage(signum: int, frame: FrameType | None) -> None:
        outages.append(signum == signal.SIGUSR1)
        wake.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, on_outage)
        signal.signal(signal.SIGUSR2, on_outage)
    try:
        server = FakeOllama(
            args.host,
            args.port,
            token_delay=args.token_delay,
            reply_tokens=args.reply_tokens,
            embedding_dim=args.embedding_dim,
            record_requests=not args.no_record,
            num_parallel=args.num_parallel,
            max_queue=args.max_queue,
            request_seconds=args.request_seconds,
            embed_seconds_per_text=args.embed_seconds_per_text,
        )
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    with server:
        print(server.url, flush=True)
        print("fake Ollama is running; press Ctrl-C to stop", file=sys.stderr, flush=True)
        while not stop.is_set():
            wake.wait(0.2)
            wake.clear()
            while outages:
                if outages.pop(0):
                    server.kill()
                else:
                    server.revive()
    return 0


if __name__ == "__main__":
    sys.exit(main())
