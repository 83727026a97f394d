"""``python -m ollama_lite.testing``: serve the fake Ollama until Ctrl-C or SIGTERM."""

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
        "--no-record",
        action="store_true",
        help="do not keep a log of requests (long benchmark runs)",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = FakeOllama(
        args.host,
        args.port,
        token_delay=args.token_delay,
        reply_tokens=args.reply_tokens,
        embedding_dim=args.embedding_dim,
        record_requests=not args.no_record,
    )
    with server:
        print(server.url, flush=True)
        print("fake Ollama is running; press Ctrl-C to stop", file=sys.stderr, flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
