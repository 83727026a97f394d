"""create_blob: hash and upload in constant memory, skip what the server has."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from pathlib import Path

import httpx
import pytest

import ollama_lite

EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class StreamingTransport(httpx.BaseTransport):
    """Like MockTransport, but hands the handler the request body unread (MockTransport reads
    the whole body into memory first, which would hide what the client itself buffers)."""

    def __init__(self, handler: BlobServer) -> None:
        self.handler = handler

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.handler(request)


class BlobServer:
    """A MockTransport handler that stores uploaded blobs, streaming them as they come."""

    def __init__(self) -> None:
        self.blobs: dict[str, int] = {}
        self.calls: list[tuple[str, str]] = []
        self.upload_headers: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        digest = request.url.path.rsplit("/", 1)[-1]
        self.calls.append((request.method, digest))
        if request.method == "HEAD":
            return httpx.Response(200 if digest in self.blobs else 404)
        self.upload_headers.append(request.headers)
        hasher, size = hashlib.sha256(), 0
        for piece in request.stream:  # type: ignore[union-attr]
            hasher.update(piece)
            size += len(piece)
        assert f"sha256:{hasher.hexdigest()}" == digest
        self.blobs[digest] = size
        return httpx.Response(201)


async def async_upload(server: BlobServer, path: Path) -> str:
    async def handler(request: httpx.Request) -> httpx.Response:
        digest = request.url.path.rsplit("/", 1)[-1]
        server.calls.append((request.method, digest))
        if request.method == "HEAD":
            return httpx.Response(200 if digest in server.blobs else 404)
        data = b"".join([piece async for piece in request.stream])  # type: ignore[union-attr]
        assert f"sha256:{hashlib.sha256(data).hexdigest()}" == digest
        server.blobs[digest] = len(data)
        return httpx.Response(201)

    async with ollama_lite.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        return await client.create_blob(path)


def test_empty_file_digest_and_upload(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(b"")
    server = BlobServer()
    client = ollama_lite.Client(transport=httpx.MockTransport(server))
    assert client.create_blob(path) == EMPTY
    assert server.calls == [("HEAD", EMPTY), ("POST", EMPTY)]


def test_upload_is_skipped_when_the_server_has_the_blob(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF" * 1000)
    server = BlobServer()
    client = ollama_lite.Client(transport=httpx.MockTransport(server))
    digest = client.create_blob(str(path))
    assert digest == "sha256:" + hashlib.sha256(b"GGUF" * 1000).hexdigest()
    assert client.create_blob(path) == digest
    assert [method for method, _ in server.calls] == ["HEAD", "POST", "HEAD"]
    assert server.upload_headers[0]["content-length"] == "4000"
    assert "transfer-encoding" not in server.upload_headers[0]


def test_large_file_is_hashed_and_sent_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.gguf"
    size = 64 * 1024 * 1024
    with path.open("wb") as file:
        file.truncate(size)  # sparse: 64 MiB on disk costs nothing
    server = BlobServer()
    client = ollama_lite.Client(transport=StreamingTransport(server))
    tracemalloc.start()
    try:
        digest = client.create_blob(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert server.blobs[digest] == size
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes while uploading {size}"


@pytest.mark.anyio
async def test_async_create_blob(tmp_path: Path) -> None:
    path = tmp_path / "adapter.safetensors"
    path.write_bytes(b"\x01\x02" * 3_000_000)
    server = BlobServer()
    digest = await async_upload(server, path)
    assert digest == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert server.blobs[digest] == 6_000_000
    assert await async_upload(server, path) == digest
    assert [method for method, _ in server.calls] == ["HEAD", "POST", "HEAD"]


@pytest.mark.anyio
async def test_async_create_blob_stats_the_file_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import ollama_lite._files as files

    path = tmp_path / "weights.gguf"
    path.write_bytes(b"abc")
    threads: list[threading.Thread] = []
    real = files.blob_size

    def recorded(target: str | os.PathLike[str]) -> int:
        threads.append(threading.current_thread())
        return real(target)

    monkeypatch.setattr(files, "blob_size", recorded)
    await async_upload(BlobServer(), path)
    assert threads and threading.current_thread() not in threads


def test_missing_file_is_a_request_error(tmp_path: Path) -> None:
    client = ollama_lite.Client(transport=httpx.MockTransport(BlobServer()))
    with pytest.raises(ollama_lite.RequestError, match=r"missing\.gguf"):
        client.create_blob(tmp_path / "missing.gguf")


def test_blob_exists_checks_digest_format() -> None:
    client = ollama_lite.Client(transport=httpx.MockTransport(BlobServer()))
    assert client.blob_exists(EMPTY) is False
    with pytest.raises(ollama_lite.RequestError, match="sha256"):
        client.blob_exists("sha256-" + "0" * 64)
