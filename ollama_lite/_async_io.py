"""Non-blocking I/O helpers for `AsyncClient`: file reads and hashing run in worker threads."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import ParamSpec, TypeVar

import httpx

from ._sync_io import BLOB_CHUNK
from ._sync_io import sha256_file as _sha256_file_blocking

__all__ = [
    "PoolCloser",
    "build",
    "current_loop",
    "file_chunks",
    "is_closed_loop",
    "sha256_file",
    "sleep",
]

P = ParamSpec("P")
R = TypeVar("R")


async def sleep(seconds: float) -> None:
    """Wait without blocking the event loop (anyio is imported on first use)."""
    import anyio

    await anyio.sleep(seconds)


async def sha256_file(path: str | os.PathLike[str]) -> str:
    """`sha256:<hex>` of a file, hashed in a worker thread in constant memory."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(_sha256_file_blocking, path)


async def file_chunks(path: str | os.PathLike[str]) -> AsyncIterator[bytes]:
    """The file's bytes, one piece at a time, each read in a worker thread."""
    import anyio

    async with await anyio.open_file(path, "rb") as file:
        while chunk := await file.read(BLOB_CHUNK):
            yield chunk


async def build(reads_files: bool, builder: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Build a request; when it reads image files, do it in a worker thread."""
    if reads_files:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(functools.partial(builder, *args, **kwargs))
    return builder(*args, **kwargs)


def current_loop() -> object:
    """The running event loop (asyncio) or run (trio), to tell when a client changed loops."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            pass
    # Another thread may be half-way through importing trio: no `lowlevel` yet.
    lowlevel = getattr(sys.modules.get("trio"), "lowlevel", None)
    if lowlevel is None:
        return None
    try:
        return lowlevel.current_trio_token()
    except RuntimeError:
        return None


def is_closed_loop(loop: object) -> bool:
    """True for an asyncio loop closed without finalising its async generators (so a pool
    bound to it was never closed in it and can only be forgotten)."""
    is_closed = getattr(loop, "is_closed", None)
    return callable(is_closed) and bool(is_closed())


class PoolCloser:
    """Closes an httpx pool inside its own event loop when that loop shuts down.

    Connections belong to the loop that opened them. `asyncio.run` and `trio.run` finalise
    the async generators still alive when they end, so a generator parked at a `yield` for
    each pool gets to close the pool while its loop still runs. `retire()` stands it down
    (after an explicit close) without awaiting anything.
    """

    __slots__ = ("_generator", "_http", "_on_close", "_retired")

    def __init__(self, http: httpx.AsyncClient, on_close: Callable[[], None]) -> None:
        self._http = http
        self._on_close = on_close
        self._retired = False
        self._generator = self._park()

    async def _park(self) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            if not self._retired:
                self._on_close()
                await self._http.aclose()

    async def start(self) -> None:
        """Park the generator in the running loop."""
        await self._generator.asend(None)

    def retire(self) -> None:
        """Finish the parked generator now, closing nothing."""
        self._retired = True
        closing = self._generator.aclose()
        try:
            closing.send(None)
        except StopIteration:
            pass
        finally:
            closing.close()
