"""A protocol-faithful fake Ollama server for tests, demos and benchmarks (extra: ``testing``).

Real HTTP/1.1 (uvicorn) on 127.0.0.1 and a free port, from a background thread::

    from ollama_lite.testing import FakeOllama, Fault

    with FakeOllama() as server:             # or: async with (asyncio and trio)
        client = ollama_lite.Client(server.url)
        server.inject(Fault.busy(retry_after=1), model="llama3.2")
        ...
        assert server.last_request.json["model"] == "llama3.2"

It plays Ollama 0.32.15 (``/api/version`` says so; ``FakeOllama(version=...)`` changes only
the string): routes, status codes, error texts, omitted-when-zero fields and field sets follow
that release. ``tests/real`` in ollama_lite's repository compares it, request by request, with a
real Ollama and lists every difference with its reason.

Models (deterministic; names match real Ollama so demos work against both):
``llama3.2`` (completion, tools), ``qwen3`` (completion, tools, thinking; thinks unless
``think: false``), ``nomic-embed-text`` (embedding, 768-d, 2048-token context) and
``all-minilm`` (embedding, 384-d, 512 tokens). Replies echo the last user message
(``"You said: ..."``), one word per streamed token; tools get one schema-valid call; ``format``
gets a schema-valid document. ``FakeModel`` adds more; ``/api/pull`` of any valid name adds
one, except names starting with ``nonexistent``, which fail like a missing manifest.

Reply length: ``FakeOllama(reply_tokens=N)`` or the request header ``x-fake-reply-tokens: N``
make text replies exactly N tokens; ``options.num_predict`` cuts with ``done_reason: length``.

Faults: ``server.inject(Fault.<kind>(...), model=None, path=None, times=1)``, or per request
the header ``x-fake-fault: <kind>[;key=value...][, <kind>...]`` (values URL-decoded), with
kinds ``delay;seconds``, ``slow_tokens;seconds``, ``disconnect;after``,
``busy;retry_after``, ``html_error;status;body``, ``malformed_line;after``,
``error_line;after;message``, ``endless;seconds``, ``status;status;body;content_type`` and
``kill;revive_after``.

Capacity (off by default): ``FakeOllama(num_parallel=1, max_queue=512, request_seconds=0.01,
embed_seconds_per_text=0.002)`` gives each chat model ``num_parallel`` slots and each embedding
model one (as Ollama does), queues requests beyond that in order, answers 503 ``server busy,
please try again.  maximum pending requests exceeded`` (no ``Retry-After``) once ``max_queue``
requests wait, and holds the slot for the simulated work (``token_delay`` per generated token).
``server.kill()`` closes the listening socket and cuts open connections, ``server.revive()``
listens again on the same port (``server.wait_for_revive()`` waits for a ``revive_after``),
``server.drop_connections()`` only cuts; ``server.stats()`` counts requests and complete
responses per route, concurrency, 503s and dropped connections;
``server.wait_for_cancelled_requests(n)`` waits until clients have abandoned n responses.
From another process: ``GET /_fake/stats``, ``POST /_fake/kill`` (``{"revive_after": 1}``),
``POST /_fake/drop``, ``GET``/``POST /_fake/capacity``, or the ``kill`` fault header.

Embeddings are deterministic unit vectors that carry meaning: texts sharing words (or word
stems and character trigrams) are closer, so a query about llamas retrieves the llama document
(see ``_embeddings``); ``/api/embeddings`` returns the same direction, unnormalised.

Standalone: ``python -m ollama_lite.testing [--host H] [--port P] [--token-delay S]
[--reply-tokens N] [--embedding-dim D] [--num-parallel N] [--max-queue N] [--request-seconds S]
[--embed-seconds-per-text S] [--no-record]`` prints its URL on the first line and serves until
Ctrl-C or SIGTERM; SIGUSR1 kills it (as ``kill()``), SIGUSR2 revives it.
"""

from typing import TYPE_CHECKING, Any

from ._capacity import Capacity
from ._faults import Fault, FaultRule
from ._models import FakeModel
from ._state import RecordedRequest
from ._stats import ServerStats

if TYPE_CHECKING:
    from ._server import FakeOllama

__all__ = [
    "Capacity",
    "FakeModel",
    "FakeOllama",
    "Fault",
    "FaultRule",
    "RecordedRequest",
    "ServerStats",
]


def __getattr__(name: str) -> Any:
    # FakeOllama needs uvicorn (the `testing` extra): imported on first use, so the pytest
    # plugin in this package loads, and pytest starts, in environments without it.
    if name == "FakeOllama":
        from ._server import FakeOllama

        return FakeOllama
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
