"""The raw requests the differential suite sends, in order, to the fake and to the real server.

Every route, its success path, and the main error cases. Requests that change state (create,
copy, delete, blobs) use names of their own and clean up after themselves.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from ._real import CHAT, EMBED, THINKER

BLOB = f"differential blob {uuid.uuid4()}".encode()  # new on every run: upload answers 201
BLOB_DIGEST = "sha256:" + hashlib.sha256(BLOB).hexdigest()
MISSING_DIGEST = "sha256:" + "0" * 64
USER = [{"role": "user", "content": "hi"}]
TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
UNARY = {"stream": False}
LONG_TEXT = "ab " * 3000  # over the context of both servers' embedding models


@dataclass(frozen=True)
class Case:
    """One raw request: ``body`` is JSON-encoded unless it is bytes."""

    name: str
    method: str
    path: str
    body: Any = None


def _chat(**extra: Any) -> dict[str, Any]:
    return {"model": CHAT, "messages": USER, "stream": False, **extra}


def _gen(**extra: Any) -> dict[str, Any]:
    return {"model": CHAT, "prompt": "hi", "stream": False, **extra}


CASES: list[Case] = [
    # read-only routes
    Case("version", "GET", "/api/version"),
    Case("root", "GET", "/"),
    Case("head root", "HEAD", "/"),
    Case("tags", "GET", "/api/tags"),
    Case("show", "POST", "/api/show", {"model": CHAT}),
    Case("show verbose", "POST", "/api/show", {"model": CHAT, "verbose": True}),
    Case("show embedding", "POST", "/api/show", {"model": EMBED}),
    # inference
    Case("chat", "POST", "/api/chat", _chat()),
    Case("chat stream", "POST", "/api/chat", _chat(stream=True)),
    Case("chat tools", "POST", "/api/chat", _chat(tools=[TOOL])),
    Case("chat tools stream", "POST", "/api/chat", _chat(tools=[TOOL], stream=True)),
    Case("chat format json", "POST", "/api/chat", _chat(format="json")),
    Case("chat format schema", "POST", "/api/chat", _chat(format=SCHEMA)),
    Case("chat think", "POST", "/api/chat", _chat(model=THINKER, think=True)),
    Case("chat think stream", "POST", "/api/chat", _chat(model=THINKER, think=True, stream=True)),
    Case("chat think false", "POST", "/api/chat", _chat(model=THINKER, think=False)),
    Case("chat think unsupported", "POST", "/api/chat", _chat(think=True)),
    Case("chat think level", "POST", "/api/chat", _chat(model=THINKER, think="high")),
    Case("chat load (no messages)", "POST", "/api/chat", _chat(messages=[])),
    Case("chat unload", "POST", "/api/chat", _chat(messages=[], keep_alive=0)),
    Case("chat options", "POST", "/api/chat", _chat(options={"temperature": 0, "seed": 1})),
    Case("generate", "POST", "/api/generate", _gen()),
    Case("generate stream", "POST", "/api/generate", _gen(stream=True)),
    Case("generate suffix", "POST", "/api/generate", _gen(suffix="end")),
    Case("generate raw", "POST", "/api/generate", _gen(raw=True)),
    Case("generate think", "POST", "/api/generate", _gen(model=THINKER, think=True)),
    Case("generate load (empty prompt)", "POST", "/api/generate", _gen(prompt="")),
    Case("generate bad image", "POST", "/api/generate", _gen(images=["not base64!"])),
    Case("chat bad image", "POST", "/api/chat", _chat(messages=[{**USER[0], "images": ["%%"]}])),
    Case("embed", "POST", "/api/embed", {"model": EMBED, "input": ["a", "b"]}),
    Case("embed one", "POST", "/api/embed", {"model": EMBED, "input": "a"}),
    Case("embed empty list", "POST", "/api/embed", {"model": EMBED, "input": []}),
    Case("embed empty text", "POST", "/api/embed", {"model": EMBED, "input": ""}),
    Case("embed too long", "POST", "/api/embed", {"model": EMBED, "input": LONG_TEXT}),
    Case(
        "embed too long no truncate",
        "POST",
        "/api/embed",
        {"model": EMBED, "input": LONG_TEXT, "truncate": False},
    ),
    Case("embed wrong input type", "POST", "/api/embed", {"model": EMBED, "input": 5}),
    Case("embed with chat model", "POST", "/api/embed", {"model": CHAT, "input": "a"}),
    Case("embeddings legacy", "POST", "/api/embeddings", {"model": EMBED, "prompt": "a"}),
    Case("embeddings legacy empty", "POST", "/api/embeddings", {"model": EMBED, "prompt": ""}),
    Case("ps", "GET", "/api/ps"),
    # unknown model
    Case("chat unknown model", "POST", "/api/chat", _chat(model="nope")),
    Case("chat stream unknown model", "POST", "/api/chat", _chat(model="nope", stream=True)),
    Case("generate unknown model", "POST", "/api/generate", _gen(model="nope")),
    Case("embed unknown model", "POST", "/api/embed", {"model": "nope", "input": "a"}),
    Case("embeddings unknown model", "POST", "/api/embeddings", {"model": "nope", "prompt": "a"}),
    Case("show unknown model", "POST", "/api/show", {"model": "nope"}),
    Case("delete unknown model", "DELETE", "/api/delete", {"model": "nope"}),
    Case("copy unknown model", "POST", "/api/copy", {"source": "nope", "destination": "x"}),
    # invalid JSON and missing fields
    Case("chat invalid json", "POST", "/api/chat", b"{bad"),
    Case("generate invalid json", "POST", "/api/generate", b"{bad"),
    Case("embed invalid json", "POST", "/api/embed", b"{bad"),
    Case("show invalid json", "POST", "/api/show", b"{bad"),
    Case("create invalid json", "POST", "/api/create", b"{bad"),
    Case("chat empty body", "POST", "/api/chat", b""),
    Case("chat missing model", "POST", "/api/chat", {"messages": USER}),
    Case("generate missing model", "POST", "/api/generate", {"prompt": "hi"}),
    Case("embed missing model", "POST", "/api/embed", {"input": "a"}),
    Case("embed missing input", "POST", "/api/embed", {"model": EMBED}),
    Case("show missing model", "POST", "/api/show", {}),
    Case("copy missing destination", "POST", "/api/copy", {"source": CHAT}),
    Case("delete missing model", "DELETE", "/api/delete", {}),
    Case("create missing model", "POST", "/api/create", {"from": CHAT}),
    Case("pull missing model", "POST", "/api/pull", {}),
    Case("chat wrong messages type", "POST", "/api/chat", _chat(messages="hi")),
    # wrong option types
    Case("chat option string for float", "POST", "/api/chat", _chat(options={"temperature": "x"})),
    Case("chat option string for int", "POST", "/api/chat", _chat(options={"num_ctx": "big"})),
    Case("generate option float for int", "POST", "/api/generate", _gen(options={"top_k": 1.5})),
    Case("chat bad keep_alive", "POST", "/api/chat", _chat(keep_alive="soon")),
    # model management
    Case("create from", "POST", "/api/create", {"model": "diff-made", "from": CHAT, **UNARY}),
    Case("create from stream", "POST", "/api/create", {"model": "diff-made2", "from": CHAT}),
    Case("create from unknown", "POST", "/api/create", {"model": "x", "from": "nope", **UNARY}),
    Case("copy", "POST", "/api/copy", {"source": "diff-made", "destination": "diff-copy"}),
    Case("delete", "DELETE", "/api/delete", {"model": "diff-made"}),
    Case("delete copy", "DELETE", "/api/delete", {"model": "diff-copy"}),
    Case("delete made2", "DELETE", "/api/delete", {"model": "diff-made2"}),
    Case("blob missing", "HEAD", f"/api/blobs/{MISSING_DIGEST}"),
    Case("blob upload", "POST", f"/api/blobs/{BLOB_DIGEST}", BLOB),
    Case("blob exists", "HEAD", f"/api/blobs/{BLOB_DIGEST}"),
    Case("blob wrong digest", "POST", f"/api/blobs/{MISSING_DIGEST}", BLOB),
    Case("blob bad digest", "POST", "/api/blobs/sha256:xyz", BLOB),
    Case(
        "create from missing blob",
        "POST",
        "/api/create",
        {"model": "diff-y", "files": {"m.gguf": MISSING_DIGEST}, "stream": False},
    ),
    Case("pull", "POST", "/api/pull", {"model": "diff-pulled", "stream": False}),
    Case("pull stream", "POST", "/api/pull", {"model": "diff-pulled"}),
    Case("push", "POST", "/api/push", {"model": CHAT, "stream": False}),
    # wrong methods and routes
    Case("GET chat", "GET", "/api/chat"),
    Case("GET embed", "GET", "/api/embed"),
    Case("POST tags", "POST", "/api/tags", {}),
    Case("PUT version", "PUT", "/api/version"),
    Case("GET delete", "GET", "/api/delete"),
    Case("unknown route", "GET", "/api/nope"),
]
