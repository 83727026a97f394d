"""Waiting and concurrency for `AsyncHostPool` and `embed_many` (anyio: asyncio and trio).

The sync twins (threads) are in `_sync_workers.py`; the generated sync code imports those.
Both run in one event loop at a time (like anyio's primitives); anyio is imported on first
use, so `import ollama_lite` stays light.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeAlias

__all__ = [
    "END",
    "EmbedManyInput",
    "Items",
    "Signal",
    "Workers",
    "monotonic",
    "raise_if_stopped",
    "sleep",
]

#: What embed_many reads: texts, or (id, text) pairs, from any iterable or async iterable.
EmbedManyInput: TypeAlias = (
    Iterable[str] | Iterable[tuple[Any, str]] | AsyncIterable[str] | AsyncIterable[tuple[Any, str]]
)

#: What `Items.next()` returns when the input is exhausted.
END: Any = object()

monotonic = time.monotonic


def raise_if_stopped() -> None:
    """Where the thread twin ends the waits and retries of an abandoned embed_many run.

    Here there is nothing to check: leaving the run's `async with` block cancels its jobs,
    and anyio delivers that at the job's next `await` (a wait for a slot, a request).
    """


async def sleep(seconds: float) -> None:
    """Wait without blocking the event loop."""
    import anyio

    await anyio.sleep(seconds)


class Signal:
    """Wakes every waiter when something changed: `arm()` (while holding the state's lock,
    right after checking it), then `await wait(token, timeout)`; `notify()` after a change."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event: Any = None

    def arm(self) -> Any:
        """A token to wait on; a `notify()` after this call ends the wait."""
        if self._event is None:
            import anyio

            self._event = anyio.Event()
        return self._event

    def notify(self) -> None:
        """Wake everyone waiting now."""
        event, self._event = self._event, None
        if event is not None:
            event.set()

    async def wait(self, token: Any, timeout: float | None) -> None:
        """Until notified (after `token` was armed) or `timeout` seconds (None: no limit)."""
        import anyio

        with anyio.move_on_after(math.inf if timeout is None else timeout):
            await token.wait()


class Workers:
    """Runs jobs concurrently in a task group; `next_done()` returns (or raises) the result
    of the next job to finish. Leaving the `async with` block cancels jobs still running
    (a request on the wire is cut, its connection closed) and waits for them to end; the
    thread twin does the same with its stop flag."""

    def __init__(self, limit: int) -> None:
        self.limit = limit  # the caller starts at most this many at once
        self._group: Any = None
        self._send: Any = None
        self._receive: Any = None
        self.running = 0

    async def __aenter__(self) -> Workers:
        import anyio

        self._send, self._receive = anyio.create_memory_object_stream[Any](math.inf)
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Jobs never raise (their exceptions are results), so whatever ends the block is the
        # caller's: cancel the jobs, close the group as if the block ended normally, and let
        # the caller's exception go on unchanged (not wrapped in an exception group).
        self._group.cancel_scope.cancel()
        try:
            await self._group.__aexit__(None, None, None)
        finally:
            self._send.close()
            self._receive.close()

    def start(self, job: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Start `job(*args)`."""
        self.running += 1
        self._group.start_soon(self._run, job, args)

    async def _run(self, job: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> None:
        try:
            outcome = (True, await job(*args))
        except Exception as exc:
            outcome = (False, exc)
        self._send.send_nowait(outcome)

    async def next_done(self) -> Any:
        """The result of the next job to finish; its exception if it raised one."""
        ok, value = await self._receive.receive()
        self.running -= 1
        if not ok:
            raise value
        return value


class Items:
    """Reads an input one item at a time: any iterable, or an async iterable."""

    def __init__(self, items: object) -> None:
        from ._errors import RequestError

        self._async: AsyncIterator[Any] | None = None
        self._sync: Iterator[Any] | None = None
        if isinstance(items, (str, bytes)):
            raise RequestError("texts must be an iterable of texts, not one string")
        if hasattr(items, "__aiter__"):
            self._async = items.__aiter__()
        elif hasattr(items, "__iter__"):
            self._sync = iter(items)
        else:
            raise RequestError(
                f"texts must be an iterable of texts or (id, text) pairs, "
                f"not {type(items).__name__}"
            )

    async def next(self) -> Any:
        """The next item, or `END`."""
        if self._async is not None:
            try:
                return await self._async.__anext__()
            except StopAsyncIteration:
                return END
        assert self._sync is not None
        return next(self._sync, END)
