"""A FastAPI app that streams a chat reply to the browser as server-sent events (SSE).

`python examples/fastapi_sse.py` serves the app on 127.0.0.1, asks it one question and prints
the events as they arrive; `--serve` keeps it running (try
`curl -N "http://127.0.0.1:8000/chat?q=hello"`). Needs `pip install fastapi uvicorn`.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from _connect import CHAT_MODEL, ollama_host
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

import ollama_lite


def create_app(host: str | None) -> FastAPI:
    """The app: one shared AsyncClient, opened and closed with the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with ollama_lite.AsyncClient(host) as client:
            app.state.ollama = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/chat")
    async def chat(q: str, request: Request) -> StreamingResponse:
        client: ollama_lite.AsyncClient = request.app.state.ollama
        # Start the stream here, so a bad request or a missing model is an HTTP error
        # before the 200 and the first event are sent.
        stream = await client.chat(CHAT_MODEL, [{"role": "user", "content": q}], stream=True)

        async def events() -> AsyncIterator[str]:
            async with stream:  # closes the Ollama stream if the browser goes away
                async for part in stream:
                    if part.message.content:
                        yield f"data: {json.dumps({'token': part.message.content})}\n\n"
                    if part.done:
                        usage = {"eval_count": part.eval_count, "reason": part.done_reason}
                        yield f"event: done\ndata: {json.dumps(usage)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def serve_in_background(app: FastAPI) -> tuple[uvicorn.Server, str]:
    """Run `app` on a free port of 127.0.0.1 in a thread; return the server and its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the app did not start")
        threading.Event().wait(0.01)
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}"


with ollama_host() as host:
    app = create_app(host)
    if "--serve" in sys.argv:
        uvicorn.run(app, host="127.0.0.1", port=8000)
        raise SystemExit
    server, url = serve_in_background(app)
    try:
        question = {"q": "Tell me about llamas"}
        with httpx.stream("GET", f"{url}/chat", params=question, timeout=60) as response:
            print(f"GET /chat -> {response.status_code} {response.headers['content-type']}")
            event = "message"
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = json.loads(line.removeprefix("data: "))
                    print(f"{event}: {data}")
                    event = "message"
    finally:
        server.should_exit = True
