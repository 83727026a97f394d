"""Rough throughput of the fake server, measured from a separate process with a raw client.

Run from the repository root:  python tests/testing/bench_fake_server.py
The server runs in its own process (the CLI), so client and server do not share a GIL; the
client speaks HTTP/1.1 over raw asyncio sockets so that it is cheaper than the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

CONNECTIONS = 8
SERVER_PID = 0


def _server_cpu() -> float:
    """CPU seconds used so far by the server process (Linux /proc; 0 elsewhere)."""
    try:
        with open(f"/proc/{SERVER_PID}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


async def _measure(label: str, unit: str, run: object) -> None:
    """Print the client-observed rate and the rate per second of *server* CPU."""
    cpu = _server_cpu()
    count, seconds = await run  # type: ignore[misc]
    used = _server_cpu() - cpu
    per_cpu = f"{count / used:10.0f} {unit}/server-CPU-s" if used > 0 else ""
    print(f"{label:<28}{count / seconds:10.1f} {unit}/s {per_cpu}")


def _request(path: str, body: dict[str, object], headers: str = "") -> bytes:
    raw = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"content-length: {len(raw)}\r\n{headers}\r\n"
    )
    return head.encode() + raw


async def _read_response(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    lower = head.lower()
    if b"content-length:" in lower:
        size = int(lower.split(b"content-length:")[1].split(b"\r\n")[0])
        return await reader.readexactly(size)
    chunks = []
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
        data = await reader.readexactly(size + 2)
        if size == 0:
            return b"".join(chunks)
        chunks.append(data[:-2])


async def _unary_rate(port: int, request: bytes, seconds: float) -> tuple[int, float]:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            writer.write(request)
            await _read_response(reader)
            done += 1
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return done, time.perf_counter() - start


async def _stream_rate(port: int, tokens: int, streams: int) -> tuple[int, float]:
    request = _request(
        "/api/chat",
        {"model": "llama3.2", "messages": [{"role": "user", "content": "benchmark"}]},
        f"x-fake-reply-tokens: {tokens}\r\n",
    )

    async def one() -> int:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        body = await _read_response(reader)
        writer.close()
        return body.count(b"\n")

    start = time.perf_counter()
    lines = sum(await asyncio.gather(*(one() for _ in range(streams))))
    return lines, time.perf_counter() - start


async def _embed_rate(port: int, unique: bool, calls: int) -> tuple[int, float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    start = time.perf_counter()
    for call in range(calls):
        prefix = f"call {call} " if unique else ""
        inputs = [f"{prefix}document number {i} with a few words" for i in range(256)]
        writer.write(_request("/api/embed", {"model": "nomic-embed-text", "input": inputs}))
        await _read_response(reader)
    writer.close()
    return calls, time.perf_counter() - start


async def _main(port: int) -> None:
    chat = _request(
        "/api/chat",
        {"model": "llama3.2", "stream": False, "messages": [{"role": "user", "content": "hi"}]},
    )
    version = b"GET /api/version HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
    await _measure("small non-streamed chats", "req", _unary_rate(port, chat, 3.0))
    await _measure("GET /api/version", "req", _unary_rate(port, version, 2.0))
    await _measure("streamed chat (1 x 50k)", "chunks", _stream_rate(port, 50_000, 1))
    await _measure("streamed chat (8 x 10k)", "chunks", _stream_rate(port, 10_000, 8))
    await _measure("embed 256x1024 (repeat)", "calls", _embed_rate(port, False, 40))
    await _measure("embed 256x1024 (new text)", "calls", _embed_rate(port, True, 40))


def main() -> None:
    env = dict(os.environ)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ollama_lite.testing",
            "--port",
            "0",
            "--embedding-dim",
            "1024",
            "--no-record",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        global SERVER_PID
        SERVER_PID = proc.pid
        asyncio.run(_main(int(url.rsplit(":", 1)[1])))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
