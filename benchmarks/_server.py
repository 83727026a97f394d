"""The fake Ollama in its own process, so its CPU never competes with the client measured.

`python -m ollama_lite.testing --port 0` prints its URL on the first line of stdout. The
process is stopped with SIGTERM (then SIGKILL) by its pid when the block exits. Its CPU use
is read from /proc/<pid>/stat (see `CpuMeter`), so each loopback row can show how busy the
server was: near 100% of one core would mean the server, not the client, was the limit.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ._harness import CpuMeter

__all__ = ["ServerProcess", "fake_server", "server_available"]


def server_available() -> str | None:
    """None when the fake server can be started, else why not."""
    try:
        import ollama_lite.testing  # noqa: F401
    except ImportError as exc:
        return f"ollama_lite.testing is not importable ({exc})"
    return None


@dataclass
class ServerProcess:
    url: str
    pid: int
    meter: CpuMeter


@contextlib.contextmanager
def fake_server(*args: str, timeout: float = 30.0) -> Iterator[ServerProcess]:
    """Run `python -m ollama_lite.testing --port 0 --no-record *args`; yield its URL and pid."""
    command = [
        sys.executable,
        "-m",
        "ollama_lite.testing",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--no-record",
        *args,
    ]
    # stderr goes to a file: a pipe nobody reads could fill up and stall the server.
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            url = _first_line(process, errors, timeout)
            if not url.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"fake server did not start: {url!r}")
            yield ServerProcess(url, process.pid, CpuMeter(process.pid))
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
            if process.stdout is not None:
                process.stdout.close()


def _first_line(process: subprocess.Popen[str], errors: IO[str], timeout: float) -> str:
    assert process.stdout is not None
    stdout = process.stdout
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line or not line[0]:
        process.terminate()
        process.wait(10)
        errors.seek(0)
        err = errors.read()
        raise RuntimeError(f"fake server printed no URL within {timeout} s: {err[-2000:]}")
    return line[0].strip()
