"""What `ollama_lite._async` needs from the event loop, written by hand (its twin for the
generated `_sync` package is `_sync_backend`): waiting, file work in worker threads, closing
a response under cancellation, and one set of transports per event loop.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from . import _files
from ._constants import BLOB_CHUNK_BYTES
from ._images import NO_FILES, ImageFiles
from ._loop_closer import LoopEndCloser, close_shielded

if TYPE_CHECKING:
    from ._async.wire_transports import AsyncTransports

__all__ = [
    "LoopTransports",
    "blob_size",
    "close_response",
    "current_loop",
    "file_chunks",
    "read_image_files",
    "sha256_file",
    "sleep",
]


async def blob_size(path: str | os.PathLike[str]) -> int:
    """The size of a file to upload, read in a worker thread (`os.stat` can block)."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(_files.blob_size, path)


async def sleep(seconds: float) -> None:
    """Wait without blocking the event loop (anyio is imported on first use)."""
    import anyio

    await anyio.sleep(seconds)


async def sha256_file(path: str | os.PathLike[str]) -> str:
    """`sha256:<hex>` of a file, hashed in a worker thread in constant memory."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(_files.sha256_file, path)


async def file_chunks(path: str | os.PathLike[str]) -> AsyncIterator[bytes]:
    """The file's bytes, one piece at a time, each read in a worker thread."""
    import anyio

    async with await anyio.open_file(path, "rb") as file:
        while chunk := await file.read(BLOB_CHUNK_BYTES):
            yield chunk


async def read_image_files(paths: Iterable[os.PathLike[str]]) -> ImageFiles:
    """The image files a request refers to, read in a worker thread (none: no thread)."""
    paths = list(paths)
    if not paths:
        return NO_FILES
    import anyio.to_thread

    return await anyio.to_thread.run_sync(_files.read_image_files, paths)


async def close_response(response: httpx.Response) -> None:
    """Close a response, shielded, so a cancelled task still releases its connection."""
    import anyio

    with anyio.CancelScope(shield=True):
        await response.aclose()


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


def _is_closed_loop(loop: object) -> bool:
    """True for an asyncio loop closed without finalising its async generators (so transports
    bound to it were never closed in it and can only be forgotten)."""
    is_closed = getattr(loop, "is_closed", None)
    return callable(is_closed) and bool(is_closed())


class LoopTransports:
    """A session's transports (the fast path's pool, the httpx client), one set per event
    loop: pooled connections belong to the loop that opened them, so each loop gets its own,
    closed inside that loop when the loop ends, or when the client is collected before that.

    A client used again under a new loop (a second `asyncio.run()`, trio after asyncio,
    another thread's loop) works. The first set is made now (so settings errors and the CA
    certificates' loading happen when the client is made, not in a request) and taken by
    the first loop that sends a request.
    """

    def __init__(self, make: Callable[[], AsyncTransports]) -> None:
        self._make = make
        self._spare: AsyncTransports | None = make()
        self.by_loop: dict[object, tuple[AsyncTransports, LoopEndCloser]] = {}
        self._lock = threading.Lock()

    async def get(self) -> AsyncTransports:
        """The transports of the running event loop."""
        loop = current_loop()
        entry = self.by_loop.get(loop)
        if entry is not None:
            return entry[0]
        with self._lock:
            for stale in [key for key in self.by_loop if _is_closed_loop(key)]:
                self.by_loop.pop(stale)[1].retire()
            http, self._spare = self._spare or self._make(), None
            # The closer must not keep this object alive (see `LoopEndCloser`).
            this = weakref.ref(self)
            closer = LoopEndCloser(http, loop, on_close=lambda: _forget(this, loop, http))
            self.by_loop[loop] = (http, closer)
        await closer.start()
        return http

    def forget(self, loop: object, http: AsyncTransports) -> None:
        """Drop a finished loop's transports (its closer has closed them)."""
        with self._lock:
            entry = self.by_loop.get(loop)
            if entry is not None and entry[0] is http:
                del self.by_loop[loop]

    async def aclose(self) -> None:
        """Close this loop's transports and the unused first ones. Those that other event
        loops (still running, in other threads) opened are closed when those loops end."""
        with self._lock:
            spare, self._spare = self._spare, None
            entry = self.by_loop.pop(current_loop(), None)
        if entry is not None:
            http, closer = entry
            closer.retire()
            await close_shielded(http)
        if spare is not None:
            await close_shielded(spare)


def _forget(clients: weakref.ref[LoopTransports], loop: object, http: AsyncTransports) -> None:
    """`LoopTransports.forget`, if that object is still alive."""
    alive = clients()
    if alive is not None:
        alive.forget(loop, http)
