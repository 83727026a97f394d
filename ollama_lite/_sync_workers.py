"""Waiting and concurrency for `HostPool` and `embed_many` (threads); the async twins are in
`_async_workers.py`, whose names and behaviour these follow."""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeAlias

__all__ = [
    "END",
    "Abandoned",
    "EmbedManyInput",
    "Items",
    "Signal",
    "StopFlag",
    "Workers",
    "monotonic",
    "raise_if_stopped",
    "sleep",
]

#: What embed_many reads: texts, or (id, text) pairs, from any iterable.
EmbedManyInput: TypeAlias = "Iterable[str] | Iterable[tuple[Any, str]]"

#: What `Items.next()` returns when the input is exhausted.
END: Any = object()

monotonic = time.monotonic
sleep = time.sleep


class Abandoned(Exception):
    """The embed_many run a job belongs to was left: the job stops waiting and retrying."""


class StopFlag:
    """Set when an embed_many run is left: its jobs' waits end and they retry no more.

    A job thread sees the flag of its run (a context variable); `Signal.wait` watches it,
    so a thread waiting for a slot wakes as soon as the run is left.
    """

    def __init__(self) -> None:
        self._set = False
        self._lock = threading.Lock()
        self._watching: set[Signal] = set()

    def is_set(self) -> bool:
        """True once the run was left."""
        return self._set

    def set(self) -> None:
        """Stop the run's jobs: wake every one of them that waits."""
        with self._lock:
            self._set = True
            watching = list(self._watching)
        for signal in watching:
            signal.notify()

    def watch(self, signal: Signal) -> None:
        """`signal` is waited on by one of this run's jobs; `set` notifies it."""
        with self._lock:
            self._watching.add(signal)

    def unwatch(self, signal: Signal) -> None:
        """The wait on `signal` is over."""
        with self._lock:
            self._watching.discard(signal)


_run_stop: contextvars.ContextVar[StopFlag | None] = contextvars.ContextVar(
    "ollama_lite_run_stop", default=None
)


def raise_if_stopped() -> None:
    """Raise `Abandoned` in a job of an embed_many run that was left (else nothing)."""
    flag = _run_stop.get()
    if flag is not None and flag.is_set():
        raise Abandoned("the embed_many run this request belonged to was left")


class Signal:
    """Wakes every waiting thread when something changed: `arm()` (while holding the state's
    lock, right after checking it), then `wait(token, timeout)`; `notify()` after a change.
    In a job of an embed_many run, leaving the run ends the wait too."""

    __slots__ = ("_changed", "_generation")

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._generation = 0

    def arm(self) -> int:
        """A token to wait on; a `notify()` after this call ends the wait."""
        return self._generation

    def notify(self) -> None:
        """Wake every thread waiting now."""
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    def wait(self, token: int, timeout: float | None) -> None:
        """Until notified (after `token` was armed) or `timeout` seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        flag = _run_stop.get()
        if flag is not None:
            flag.watch(self)
        try:
            with self._changed:
                while self._generation == token and not (flag is not None and flag.is_set()):
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return
                    self._changed.wait(left)
        finally:
            if flag is not None:
                flag.unwatch(self)


class Workers:
    """Runs jobs concurrently in threads; `next_done()` returns (or raises) the result of the
    next job to finish.

    Leaving the `with` block (at the end, or by an exception, Ctrl-C or `break`) does not
    wait: jobs not started are dropped, and the running ones are told to stop (their waits
    for a slot end and they retry no more; see `raise_if_stopped`). A request already sent
    ends in the background, bounded by the client's timeouts; its result is discarded.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._executor: ThreadPoolExecutor | None = None
        self._done: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self.running = 0
        self.stop = StopFlag()

    def __enter__(self) -> Workers:
        self._executor = ThreadPoolExecutor(self.limit, thread_name_prefix="ollama-lite")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop.set()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def start(self, job: Callable[..., Any], *args: Any) -> None:
        """Start `job(*args)` in a thread (which sees this run's stop flag)."""
        assert self._executor is not None, "use Workers in a with block"
        self.running += 1
        context = contextvars.copy_context()
        context.run(_run_stop.set, self.stop)
        self._executor.submit(context.run, self._run, job, args)

    def _run(self, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            outcome = (True, job(*args))
        except BaseException as exc:
            outcome = (False, exc)
        self._done.put(outcome)

    def next_done(self) -> Any:
        """The result of the next job to finish; its exception if it raised one."""
        ok, value = self._done.get()
        self.running -= 1
        if not ok:
            raise value
        return value


class Items:
    """Reads an input one item at a time: any iterable (async ones need the async client)."""

    def __init__(self, items: object) -> None:
        from ._errors import RequestError

        if isinstance(items, (str, bytes)):
            raise RequestError("texts must be an iterable of texts, not one string")
        if hasattr(items, "__aiter__") and not hasattr(items, "__iter__"):
            raise RequestError(
                "texts is an async iterable: use AsyncClient or AsyncHostPool for it"
            )
        if not hasattr(items, "__iter__"):
            raise RequestError(
                f"texts must be an iterable of texts or (id, text) pairs, "
                f"not {type(items).__name__}"
            )
        self._sync: Iterator[Any] = iter(items)

    def next(self) -> Any:
        """The next item, or `END`."""
        return next(self._sync, END)
