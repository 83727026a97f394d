# Generated from ollama_lite/_async/hostpool.py by scripts/unasync.py. Do not edit: edit the
# async source and run `python scripts/unasync.py`.
"""`HostPool`: one client over several Ollama servers, with failover.

It is an `Client` whose session routes every call to one of its hosts (see
`pool_session.py`), so it has every endpoint method of the client, unchanged, plus
`stats()`, `hosts` and `clients`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from .._constants import (
    DEFAULT_COOLDOWN,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_COOLDOWN,
    DEFAULT_MAX_IN_FLIGHT_PER_HOST,
)
from .._errors import RequestError
from .._hosts import PoolStats
from .._hosts.hosts import pool_hosts
from .._inputs import positive_int
from .client import Client
from .pool_session import PoolSession

__all__ = ["HostPool"]


class HostPool(Client):
    """A synchronous client over several Ollama servers.

    ```
    with HostPool(["http://gpu1:11434", "http://gpu2:11434"]) as pool:
        reply = pool.embed("nomic-embed-text", ["a", "b"])
        print(reply.host, pool.stats())
    ```

    `hosts` is a list of host strings (or one comma-separated string), each parsed like
    `OLLAMA_HOST`; without it, `OLLAMA_HOSTS` (comma-separated), else `OLLAMA_HOST`. Each
    host gets an ordinary `Client` with `max_retries=0` (other keywords, e.g.
    `timeout`, `headers`, `api_key`, go to every one of them): the pool is the only retry
    loop.

    Routing: each call goes to the healthy host with the fewest calls in flight (ties at
    random, from `rng`), never more than `max_in_flight_per_host` at once on one host;
    callers beyond that wait their turn, in order. A stream stays on its host, and holds
    its place there until it ends.

    Health: a host that refuses connections, times out connecting or answers 429, 502, 503
    or 504 rests for `cooldown` seconds, doubled per consecutive failure up to
    `max_cooldown` (or for what its `Retry-After` says, up to `max_cooldown`), then is
    probed (`GET /api/version`, unless `probe=False`) before it gets traffic again; a
    success resets it. A 404 for a model marks that host as lacking the model for
    `max_cooldown` seconds (or until a `pull`/`create` of it through the pool lands
    there), and the call goes to another host. Other errors are raised at once. When every
    host has failed `max_attempts` times in a row, waiting calls fail at once with
    `AllHostsFailedError` (until a host's cooldown ends and a probe finds it back).

    Retries: a call that failed before a server did any work is retried on another host;
    `embed` (and other calls that only read) also after a connection broke once the
    request was sent; non-streamed `chat`/`generate` only with
    `retry_nonstreamed_generation=True` (the first server may have done the work); never a
    stream that has delivered a part. When every host has failed a call `max_attempts`
    times, `AllHostsFailedError` names each host and its last failure.

    Responses (and every part of a stream) carry `host`: the server that answered.
    Failovers are logged at DEBUG on the `ollama_lite` logger, without credentials.
    """

    def __init__(
        self,
        hosts: Sequence[str] | str | None = None,
        *,
        max_in_flight_per_host: int = DEFAULT_MAX_IN_FLIGHT_PER_HOST,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        retry_nonstreamed_generation: bool = False,
        cooldown: float = DEFAULT_COOLDOWN,
        max_cooldown: float = DEFAULT_MAX_COOLDOWN,
        probe: bool = True,
        rng: random.Random | None = None,
        **client_options: Any,
    ) -> None:
        if "max_retries" in client_options:
            raise RequestError(
                "a pool is the only retry loop (its hosts use max_retries=0): "
                "use max_attempts instead of max_retries"
            )
        if "host" in client_options:
            raise RequestError("a pool takes `hosts` (a list), not `host`")
        positive_int(max_in_flight_per_host, "max_in_flight_per_host")
        positive_int(max_attempts, "max_attempts")
        for name, value in (("cooldown", cooldown), ("max_cooldown", max_cooldown)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise RequestError(f"{name} must be a number >= 0; got {value!r}")
        clients = [Client(host, max_retries=0, **client_options) for host in pool_hosts(hosts)]
        self._pool = PoolSession(
            clients,
            max_in_flight_per_host=max_in_flight_per_host,
            max_attempts=max_attempts,
            retry_nonstreamed_generation=retry_nonstreamed_generation,
            cooldown=float(cooldown),
            max_cooldown=float(max_cooldown),
            probe=probe,
            rng=rng,
        )
        self._session = self._pool
        self._max_in_flight_per_host = max_in_flight_per_host

    @property
    def host(self) -> str:
        """Every host's base URL, comma-separated (as `OLLAMA_HOSTS` takes them)."""
        return ",".join(self._pool.names)

    @property
    def hosts(self) -> list[str]:
        """The hosts' base URLs (without credentials), in the order given."""
        return list(self._pool.names)

    @property
    def clients(self) -> list[Client]:
        """One client per host, to address a server directly (e.g. `pull` on each)."""
        return list(self._pool.clients)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(hosts={self.hosts!r})"

    def stats(self) -> PoolStats:
        """Per host: calls in flight and done, failures by kind, health, cooldown left."""
        return self._pool.stats()

    def _embed_concurrency(self) -> int:
        return self._max_in_flight_per_host * len(self._pool.names)
