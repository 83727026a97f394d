"""Several Ollama servers behind one client, and embed_many's batching: the pure parts.

No I/O here. `routing.Scheduler` picks hosts and queues callers, `health.HostHealth` rests
failed hosts, `failures.classify` reads a host's exception, `calls` reads what a `Call` means
for routing, `batching.BatchPlanner` numbers batches and `reorder.ReorderBuffer` restores
input order. `HostPool`/`AsyncHostPool` (`_async/pool_routing.py`, `pool_session.py`) and
`embed_many` drive them.
"""

from .batching import DEFAULT_BATCH_SIZE, DEFAULT_MAX_BATCH_CHARS, BatchPlanner, PlannedBatch
from .failures import CallKind, Failure, classify
from .health import HostHealth
from .reorder import ReorderBuffer
from .routing import Scheduler, Ticket
from .stats import HostStats, PoolStats

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MAX_BATCH_CHARS",
    "BatchPlanner",
    "CallKind",
    "Failure",
    "HostHealth",
    "HostStats",
    "PlannedBatch",
    "PoolStats",
    "ReorderBuffer",
    "Scheduler",
    "Ticket",
    "classify",
]
