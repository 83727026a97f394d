"""The raw ASGI application: routing, request recording, fault application, error mapping."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import msgspec

from ._asgi import AbortConnection, Exchange, Receive, Scope, Send
from ._control import PREFIX as CONTROL_PREFIX
from ._control import Control
from ._embed import Embedding
from ._faults import Fault, FaultPlan, FaultRules
from ._inference import Inference
from ._manage import Manage
from ._names import name_key
from ._state import State
from ._transfer import Transfer
from ._uvicorn import Server
from ._validate import HTTPError
from ._wire import TEXT_PLAIN, encode

Handler = Callable[[Exchange], Awaitable[None]]

logger = logging.getLogger("ollama_lite.testing")

_BLOBS_PREFIX = "/api/blobs/"
_NOT_FOUND = b"404 page not found"
_NOT_ALLOWED = b"405 method not allowed"


class FakeOllamaApp:
    """ASGI 3 application implementing Ollama's REST API on top of :class:`State`."""

    def __init__(
        self, state: State, faults: FaultRules, server: Callable[[], Server | None]
    ) -> None:
        self.state = state
        self.faults = faults
        self.server = server
        inference = Inference(state, state.settings)
        embedding = Embedding(state, inference)
        manage = Manage(state)
        transfer = Transfer(state)
        self.routes: dict[str, dict[str, Handler]] = {
            "/": {"GET": manage.root, "HEAD": manage.root},
            "/api/version": {"GET": manage.version, "HEAD": manage.version},
            "/api/status": {"GET": manage.status},
            "/api/generate": {"POST": inference.generate},
            "/api/chat": {"POST": inference.chat},
            "/api/embed": {"POST": embedding.embed},
            "/api/embeddings": {"POST": embedding.embeddings},
            "/api/tags": {"GET": manage.tags, "HEAD": manage.tags},
            "/api/ps": {"GET": manage.ps},
            "/api/show": {"POST": manage.show},
            "/api/create": {"POST": transfer.create},
            "/api/copy": {"POST": manage.copy},
            "/api/delete": {"DELETE": manage.delete},
            "/api/pull": {"POST": transfer.pull},
            "/api/push": {"POST": transfer.push},
            "/api/experimental/web_search": {"POST": manage.web_search},
            "/api/experimental/web_fetch": {"POST": manage.web_fetch},
            **Control(state, server).routes(),
        }
        self.blob_routes: dict[str, Handler] = {
            "HEAD": transfer.blob_head,
            "POST": transfer.blob_post,
        }
        # Handlers that read the request body themselves (uploads are hashed as they stream).
        self.raw_body: set[Handler] = {transfer.blob_post}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        ex = Exchange(scope, receive, send, self.state)
        try:
            await self._dispatch(ex)
            if ex.completed and 200 <= ex.status < 300 and not ex.dropped and not ex.control:
                self.state.counters.completed(ex.path)
        except HTTPError as exc:
            if not ex.started:
                await ex.error(exc.status, exc.message)
            elif ex.streaming:
                await ex.finish(encode({"error": exc.message}) + b"\n")
        except AbortConnection:
            if not ex.dropped:
                raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("fake Ollama handler failed for %s %s", ex.method, ex.path)
            if ex.started:
                raise AbortConnection from exc
            await ex.error(500, str(exc) or type(exc).__name__)
        finally:
            ex.close()

    async def _dispatch(self, ex: Exchange) -> None:
        path = ex.path
        ex.control = path.startswith(CONTROL_PREFIX)
        if not ex.control:  # control requests are neither counted nor recorded
            self.state.counters.received(path)
        methods = self.routes.get(path)
        if methods is None and path.startswith(_BLOBS_PREFIX) and len(path) > len(_BLOBS_PREFIX):
            methods = self.blob_routes
        ex.headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in ex.scope["headers"]}
        client = ex.scope.get("client")
        if client:
            self.state.clients.add((client[0], client[1]))
        handler = methods.get(ex.method) if methods is not None else None
        raw_body = handler in self.raw_body
        if not raw_body:
            ex.body = await ex.read_body()
            if ex.body:
                try:
                    ex.data = msgspec.json.decode(ex.body)
                except msgspec.DecodeError:
                    ex.data = None
            if not ex.control:
                ex.record(ex.body, len(ex.body))

        plan = self._plan(ex)
        if plan is not None:
            ex.plan = plan
            if plan.delay > 0:
                if raw_body:
                    await asyncio.sleep(plan.delay)
                elif await ex.pause(plan.delay):
                    ex.cancelled()
                    return
            if plan.kill is not None:
                server = self.server()
                if server is not None:  # this request's connection is dropped with the rest
                    server.kill(True, plan.kill.revive_after)
                    ex.dropped = True
                    return
            if plan.response is not None:
                if raw_body:
                    ex.record(b"", 0)
                await ex.respond_fault(plan.response)
                return

        if methods is None:
            await ex.respond(404, _NOT_FOUND, TEXT_PLAIN)
        elif handler is None:
            allow = ", ".join(sorted(methods)).encode()
            await ex.respond(405, _NOT_ALLOWED, TEXT_PLAIN, [(b"allow", allow)])
        else:
            await handler(ex)

    def _plan(self, ex: Exchange) -> FaultPlan | None:
        header = ex.headers.get("x-fake-fault")
        if header is None and not self.faults:
            return None
        faults: list[Fault] = []
        if header:
            try:
                faults.extend(Fault.from_header(header))
            except ValueError as exc:
                raise HTTPError(400, f"invalid x-fake-fault header: {exc}") from None
        data = ex.data
        model_key = None
        if isinstance(data, dict):
            model = data.get("model") or data.get("name") or data.get("source")
            if isinstance(model, str):
                model_key = name_key(model)
        faults.extend(self.faults.take(ex.path, model_key))
        return FaultPlan.of(faults)
