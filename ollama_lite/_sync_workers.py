"""Waiting and concurrency for `HostPool` and `embed_many` (threads); the async twins are in
`_async_workers.py`, whose names and behaviour these follow.

Leaving an embed_many run must stop its jobs as cancellation stops the async twin's: each
job thread sees its run's `StopFlag`, which ends its waits (`Signal`, `sleep`) and cuts the
blocking socket operation it is in (`interruptible`), so the job raises `Abandoned` within
milliseconds and its connection is closed, never reused.
"""

from __future__ import annotations

import contextvars
import queue
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeAlias, TypeVar

__all__ = [
    "END",
    "LEAVE_GRACE",
    "Abandoned",
    "EmbedManyInput",
    "Items",
    "Signal",
    "StopFlag",
    "Workers",
    "current_stop",
    "cut_socket",
    "interruptible",
    "monotonic",
    "raise_if_stopped",
    "sleep",
]

T = TypeVar("T")

#: What embed_many reads: texts, or (id, text) pairs, from any iterable.
EmbedManyInput: TypeAlias = "Iterable[str] | Iterable[tuple[Any, str]]"

#: What `Items.next()` returns when the input is exhausted.
END: Any = object()

#: Seconds leaving a run waits for its jobs to end once they are told to stop. A job cut in
#: a socket operation or a wait ends within milliseconds; only work nothing can interrupt
#: (a TCP connect or name lookup under way, a caller's own httpx transport) outlasts this,
#: and then ends in the background with its result discarded and nothing more sent.
LEAVE_GRACE = 1.0

monotonic = time.monotonic

_LEFT = "the embed_many run this request belonged to was left"


class Abandoned(Exception):
    """The embed_many run a job belongs to was left: the job stops waiting and retrying."""


class StopFlag:
    """Set when an embed_many run is left: its jobs' waits end, the blocking socket operation
    each is in is cut, and they retry no more.

    A job thread sees the flag of its run (a context variable, `current_stop()`);
    `Signal.wait` and `sleep` watch it, and `interruptible` registers the operation a job is
    blocked in, so that `set()` (called by the thread leaving the run) cuts it.
    """

    __slots__ = ("_event", "_interrupts", "_lock", "_watching")

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._watching: set[Signal] = set()
        self._interrupts: set[Callable[[], object]] = set()

    def is_set(self) -> bool:
        """True once the run was left."""
        return self._event.is_set()

    def set(self) -> None:
        """Stop the run's jobs: cut the operations they are blocked in, wake those waiting."""
        with self._lock:
            self._event.set()
            watching = list(self._watching)
            # Cut under the lock: an operation cannot end (and its socket be closed or reused)
            # while it is being cut, since ending it takes the lock (`end`).
            for interrupt in self._interrupts:
                try:
                    interrupt()
                except Exception:  # pragma: no cover - an interrupt must not stop the others
                    continue
            self._interrupts.clear()
        for signal in watching:
            signal.notify()

    def wait(self, timeout: float | None) -> bool:
        """Until the run is left or `timeout` seconds pass; True if it was left."""
        return self._event.wait(timeout)

    def begin(self, interrupt: Callable[[], object]) -> None:
        """A job starts a blocking operation that `interrupt()` cuts (from another thread);
        raises `Abandoned` instead when the run was already left."""
        with self._lock:
            if self._event.is_set():
                raise Abandoned(_LEFT)
            self._interrupts.add(interrupt)

    def end(self, interrupt: Callable[[], object]) -> None:
        """The operation `begin` announced is over: it is no longer cut when the run is left."""
        with self._lock:
            self._interrupts.discard(interrupt)

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


def current_stop() -> StopFlag | None:
    """The stop flag of the embed_many run whose job this thread runs (None outside a job)."""
    return _run_stop.get()


def raise_if_stopped() -> None:
    """Raise `Abandoned` in a job of an embed_many run that was left (else nothing)."""
    flag = _run_stop.get()
    if flag is not None and flag.is_set():
        raise Abandoned(_LEFT)


def interruptible(operation: Callable[..., T], interrupt: Callable[[], object], *args: Any) -> T:
    """`operation(*args)`, a blocking call (a socket's `recv`, `sendall`), cut when the run
    whose job calls it is left: the leaving thread calls `interrupt()`, which must make the
    operation return or fail at once (shut the socket down), and `Abandoned` is raised here
    whatever the operation returned. Outside a job it is simply `operation(*args)`."""
    flag = _run_stop.get()
    if flag is None:
        return operation(*args)
    flag.begin(interrupt)
    try:
        result = operation(*args)
    except Exception:
        if flag.is_set():
            raise Abandoned(_LEFT) from None
        raise
    finally:
        flag.end(interrupt)
    if flag.is_set():
        raise Abandoned(_LEFT)  # what the operation returned may be the cut's doing
    return result


def cut_socket(sock: socket.socket) -> None:
    """The usual `interrupt` for `interruptible`: make a `recv` or `sendall` blocked on `sock`
    in another thread end now by shutting it down (not closing it: that thread still owns
    it; the plain socket's call, also under TLS). Nothing happens once it is disconnected."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        return  # not connected any more: nothing is blocked on it


def sleep(seconds: float) -> None:
    """`time.sleep`, except that in a job of a run that is left it ends at once (`Abandoned`)."""
    flag = _run_stop.get()
    if flag is None:
        time.sleep(seconds)
    elif flag.wait(seconds):
        raise Abandoned(_LEFT)


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


_Job: TypeAlias = "tuple[contextvars.Context, Callable[..., Any], tuple[Any, ...]]"


class Workers:
    """Runs jobs concurrently in threads; `next_done()` returns (or raises) the result of the
    next job to finish.

    Leaving the `with` block (at the end, or by an exception, Ctrl-C, `break`, a generator
    closed or collected) stops the run: jobs not started are dropped, and the running ones
    are told to stop (`StopFlag`): their waits end, the request each has on the wire is cut
    (its connection closed) and they retry no more. The block then waits for them to end,
    at most `LEAVE_GRACE` seconds; their results are discarded.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self.running = 0
        self.stop = StopFlag()
        # Also run if the Workers are collected without leaving the block: the threads hold
        # none of it, so they would wait for jobs forever.
        self._dismiss = weakref.finalize(self, _dismiss, self.stop, self._jobs, self._threads)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._dismiss()
        deadline = time.monotonic() + LEAVE_GRACE
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def start(self, job: Callable[..., Any], *args: Any) -> None:
        """Start `job(*args)` in a thread (which sees this run's stop flag)."""
        assert self._dismiss.alive, "Workers were used after their with block"
        self.running += 1
        context = contextvars.copy_context()
        context.run(_run_stop.set, self.stop)
        self._jobs.put((context, job, args))
        if len(self._threads) < min(self.running, self.limit):
            thread = threading.Thread(
                target=_serve,
                args=(self._jobs, self._done, self.stop),
                name=f"ollama-lite-worker-{len(self._threads)}",
                # Never holds up the interpreter's exit (a run left open to the end).
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()

    def next_done(self) -> Any:
        """The result of the next job to finish; its exception if it raised one."""
        ok, value = self._done.get()
        self.running -= 1
        if not ok:
            raise value
        return value


def _serve(
    jobs: queue.SimpleQueue[_Job | None],
    done: queue.SimpleQueue[tuple[bool, Any]],
    stop: StopFlag,
) -> None:
    """One worker thread: run jobs until told to end (None); once the run is left, jobs
    not started yet are dropped."""
    while True:
        job = jobs.get()
        if job is None:
            return
        if stop.is_set():
            del job
            continue
        context, function, args = job
        try:
            outcome: tuple[bool, Any] = (True, context.run(function, *args))
        except BaseException as exc:
            outcome = (False, exc)
        done.put(outcome)
        # Hold nothing while waiting for the next job (a result can be large).
        del job, context, function, args, outcome


def _dismiss(
    stop: StopFlag, jobs: queue.SimpleQueue[_Job | None], threads: list[threading.Thread]
) -> None:
    """Stop the run and tell every worker thread to end once its job is over."""
    stop.set()
    for _ in threads:
        jobs.put(None)


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
