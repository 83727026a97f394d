"""Closing one event loop's transports inside that loop (asyncio or trio), without a warning:
when the loop ends, or soon after the client that owns them is collected while the loop runs.

Pooled connections belong to the loop that opened them and can only be closed in it. Two
moments need covering for a client that is never closed:

- The loop ends: `asyncio.run` and `trio.run` finalise the async generators still alive at
  their end, so a generator parked at a `yield` (`_park`) gets to close the transports while
  its loop still runs. trio does it inside a cancelled scope, hence the shield.
- The client is collected first: a `weakref.finalize` on the closer (which keeps the
  generator and the transports reachable, so neither is collected half-way) finishes the
  generator, with no notice from trio, and starts a task in that loop to close them.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._async.wire_transports import AsyncTransports

__all__ = ["LoopEndCloser", "close_shielded"]

#: Closing tasks started from a finalizer: asyncio keeps only weak references to tasks.
_closing_tasks: set[Any] = set()


async def close_shielded(http: AsyncTransports) -> None:
    """Close transports even inside a cancelled scope: each socket closes at once, but a
    cancellation would otherwise end the walk over the pool after the first one (trio closes
    the async generators left at the end of a run inside a cancelled scope, and a cancelled
    task may close its client in a `finally`)."""
    import anyio

    with anyio.CancelScope(shield=True):
        await http.aclose()


class _Done:
    """Whether the transports were closed or handed over (set once, by whoever acts first)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = False


async def _park(
    http: AsyncTransports, done: _Done, on_close: Callable[[], None]
) -> AsyncGenerator[None, None]:
    # No reference to the closer here: the finalizer keeps this generator alive, and a
    # reference back would keep the closer alive too, so it would never be collected.
    try:
        yield
    finally:
        if not done.value:
            done.value = True
            on_close()
            await close_shielded(http)


def _finish(generator: AsyncGenerator[None, None]) -> None:
    """Run a parked generator's `finally` to its end now (it awaits nothing once done)."""
    closing = generator.aclose()
    try:
        closing.send(None)
    except StopIteration:
        pass
    finally:
        closing.close()


def _close_abandoned(
    loop: object, http: AsyncTransports, generator: AsyncGenerator[None, None], done: _Done
) -> None:
    """The closer was collected while its loop may still run (any thread, garbage-collector
    context): finish the generator, then close the transports in a task of that loop."""
    if done.value:
        return
    done.value = True
    _finish(generator)
    try:
        run_sync_soon = getattr(loop, "run_sync_soon", None)  # a trio run's token
        if run_sync_soon is not None:
            run_sync_soon(_spawn_trio_close, http)
        else:
            loop.call_soon_threadsafe(_spawn_asyncio_close, loop, http)  # type: ignore[attr-defined]
    except RuntimeError:
        # The loop has ended (or was closed without finalising its generators): nothing can
        # close these in it any more; the sockets close as they are collected.
        pass


def _spawn_trio_close(http: AsyncTransports) -> None:
    import trio

    with contextlib.suppress(RuntimeError):  # the run is ending: the sockets close when collected
        trio.lowlevel.spawn_system_task(close_shielded, http)


def _spawn_asyncio_close(loop: Any, http: AsyncTransports) -> None:
    task = loop.create_task(close_shielded(http))
    _closing_tasks.add(task)
    task.add_done_callback(_closing_tasks.discard)


class LoopEndCloser:
    """Closes one loop's transports inside that loop, once: when the loop ends, or soon
    after this closer is collected (its client was dropped) while the loop runs on.
    `retire()` stands it down without awaiting anything (after an explicit close, or for a
    loop closed without finalising its generators)."""

    __slots__ = ("__weakref__", "_done", "_finalizer", "_generator")

    def __init__(self, http: AsyncTransports, loop: object, on_close: Callable[[], None]) -> None:
        self._done = _Done()
        self._generator = _park(http, self._done, on_close)
        self._finalizer = weakref.finalize(
            self, _close_abandoned, loop, http, self._generator, self._done
        )
        self._finalizer.atexit = False

    async def start(self) -> None:
        """Park the generator in the running loop."""
        await self._generator.asend(None)

    def retire(self) -> None:
        """Finish the parked generator now, closing nothing."""
        self._done.value = True
        self._finalizer.detach()
        _finish(self._generator)
