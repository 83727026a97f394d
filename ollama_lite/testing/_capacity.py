"""The capacity model: slots per model, a bounded wait queue, simulated work time, statistics.

Modelled on Ollama's scheduler: a loaded model serves ``OLLAMA_NUM_PARALLEL`` requests at once,
except embedding-only models, which always run in one slot (``server/sched.go``); further
requests wait their turn (first come, first served) and a server with ``OLLAMA_MAX_QUEUE``
requests already waiting answers 503 ``server busy, please try again.  maximum pending
requests exceeded`` with no ``Retry-After``.

Where the fake is stricter than Ollama: the fake applies ``max_queue`` to every waiting request.
Real Ollama bounds only requests waiting for its scheduler (a model still loading); requests
for an already-loaded model wait on the runner's slots without limit and never get that 503
(ollama/ollama#7758).
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._faults import Fault
from ._stats import Counters

if TYPE_CHECKING:
    from ._asgi import Exchange


@dataclass(frozen=True)
class Capacity:
    """How much work a :class:`FakeOllama` does at once and how long the work takes.

    ``num_parallel``: slots per model that can complete (chat/generate); a model without the
    ``completion`` capability (an embedding model) always has one slot, as in Ollama. ``None``
    (the default) means no limit at all. ``max_queue``: requests allowed to wait for a slot,
    across the server; one more is answered 503 at once. ``None`` means no limit; ``0`` refuses
    any request that finds its model's slots busy. This is stricter than real Ollama, whose
    ``OLLAMA_MAX_QUEUE`` only bounds requests waiting for its scheduler (a model loading):
    requests for an already-loaded model queue on its slots without limit, so real Ollama
    rarely answers this 503 in steady state (ollama/ollama#7758). Use ``max_queue`` to test a
    client's handling of 503 (as during a load burst); use ``None`` to model a loaded model.

    ``request_seconds``: time each request holds its slot for, on chat, generate and both
    embedding routes; ``embed_seconds_per_text``: extra time per input text on the embedding
    routes. Generation time per token is the server's ``token_delay`` (also spent holding the
    slot, streamed or not).
    """

    num_parallel: int | None = None
    max_queue: int | None = None
    request_seconds: float = 0.0
    embed_seconds_per_text: float = 0.0

    def __post_init__(self) -> None:
        for name in ("num_parallel", "max_queue"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{name} must be an integer or None, got {value!r}")
        for name in ("request_seconds", "embed_seconds_per_text"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number of seconds, got {value!r}")
        if self.num_parallel is not None and self.num_parallel < 1:
            raise ValueError(f"num_parallel must be at least 1, got {self.num_parallel}")
        if self.max_queue is not None and self.max_queue < 0:
            raise ValueError(f"max_queue must be 0 or more, got {self.max_queue}")
        if self.request_seconds < 0 or self.embed_seconds_per_text < 0:
            raise ValueError("request_seconds and embed_seconds_per_text must be 0 or more")

    def slots_for(self, completion: bool) -> int | None:
        """Slots of one model (``None`` = unlimited)."""
        if self.num_parallel is None:
            return None
        return self.num_parallel if completion else 1


class _Slots:
    """The slots of one model: free count and a FIFO of waiters (futures on the loop)."""

    __slots__ = ("free", "waiters")

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiters: deque[asyncio.Future[None]] = deque()

    def release(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes straight to the next in line
                return
        self.free += 1


class Scheduler:
    """Admits model requests to slots on the server's loop, per :class:`Capacity`."""

    def __init__(self, counters: Counters) -> None:
        self.capacity = Capacity()
        self.counters = counters
        self._pools: dict[str, _Slots] = {}

    def configure(self, capacity: Capacity) -> None:
        """Use ``capacity`` for requests arriving from now on."""
        self.capacity = capacity
        self._pools = {}

    def reset(self) -> None:
        """Forget waiters and slots (a new event loop serves from now on)."""
        self._pools = {}

    async def admit(self, ex: Exchange, model: str, completion: bool, texts: int = 0) -> bool:
        """Take a slot of ``model`` for ``ex`` and spend the simulated work time in it.

        False when the request was answered 503 (queue full) or its client left: the handler
        must return at once. The slot is given back when the exchange closes
        (:meth:`Exchange.close`), however the handler ends. ``texts`` counts embedding inputs.
        """
        pool = await self._acquire(ex, model, completion)
        if pool is False:
            return False
        counters = self.counters
        counters.started(model)
        holder = pool if isinstance(pool, _Slots) else None

        def release() -> None:
            counters.ended(model)
            if holder is not None:
                holder.release()

        ex.on_close(release)
        capacity = self.capacity
        seconds = capacity.request_seconds + texts * capacity.embed_seconds_per_text
        if seconds > 0 and await ex.pause(seconds):
            ex.cancelled()
            return False
        return True

    async def _acquire(self, ex: Exchange, model: str, completion: bool) -> _Slots | bool | None:
        """A pool holding our slot, ``None`` when unlimited, False when not admitted."""
        capacity = self.capacity
        size = capacity.slots_for(completion)
        if size is None:
            return None
        pool = self._pools.get(model)
        if pool is None:
            pool = self._pools[model] = _Slots(size)
        if pool.free > 0 and not pool.waiters:
            pool.free -= 1
            return pool
        counters = self.counters
        if capacity.max_queue is not None and counters.queued >= capacity.max_queue:
            await ex.respond_fault(Fault.busy())
            return False
        waiter = asyncio.get_running_loop().create_future()
        pool.waiters.append(waiter)
        counters.queued += 1
        counters.max_queued = max(counters.max_queued, counters.queued)
        try:
            left = await ex.wait_or_leave(waiter)
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                pool.release()
            waiter.cancel()
            raise
        finally:
            counters.queued -= 1
        if left and not waiter.done():
            waiter.cancel()  # release() skips it
            ex.cancelled()
            return False
        return pool
