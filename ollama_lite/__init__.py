"""ollama_lite: a fast, typed, async-first client for the Ollama REST API.

```
import ollama_lite as ollama

reply = ollama.chat("llama3.2", [{"role": "user", "content": "Why is the sky blue?"}])
print(reply.message.content)
```

`Client` and `AsyncClient` cover every endpoint; the module-level functions use a default
`Client` created on first use. Importing this package opens no connection and imports
neither pydantic nor LangChain.
"""

from typing import TYPE_CHECKING

from ._async.client import AsyncClient
from ._async.embed_many import AsyncEmbedBatches
from ._async.hostpool import AsyncHostPool
from ._async.streams import AsyncStream
from ._errors import (
    AllHostsFailedError,
    AuthenticationError,
    BatchEmbedError,
    BatchInputError,
    ConnectError,
    InvalidResponseError,
    ModelNotFoundError,
    OllamaError,
    RequestError,
    ResponseError,
    ServerBusyError,
    StreamClosedError,
    StreamError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)
from ._host_url import HostConfig, parse_host
from ._hosts.results import EmbedBatch, EmbedProgress
from ._hosts.stats import HostStats, PoolStats
from ._images import Image
from ._matrix import EmbedMatrix
from ._parse import parse
from ._progress import PullProgress
from ._sync.client import Client
from ._sync.embed_many import EmbedBatches
from ._sync.hostpool import HostPool
from ._sync.streams import Stream
from ._version import __version__
from .types import (
    ChatResponse,
    EmbeddingsResponse,
    EmbedResponse,
    GenerateResponse,
    ListResponse,
    Logprob,
    Message,
    ModelDetails,
    Options,
    ProcessResponse,
    ProgressResponse,
    RawOptions,
    ShowResponse,
    StatusResponse,
    SystemOneAnswer,
    SystemOneChoiceAnswer,
    SystemOneChoiceQuestion,
    SystemOneContent,
    SystemOneNoulAnswer,
    SystemOneNoulQuestion,
    SystemOneQuestion,
    SystemOneRequest,
    SystemOneResponse,
    SystemOneScoreAnswer,
    SystemOneScoreQuestion,
    SystemOneUsage,
    TokenLogprob,
    Tool,
    ToolCall,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)

if TYPE_CHECKING:
    from typing import Final

    _client = Client()
    generate: Final = _client.generate
    chat: Final = _client.chat
    embed: Final = _client.embed
    embeddings: Final = _client.embeddings
    pull: Final = _client.pull
    push: Final = _client.push
    create: Final = _client.create
    create_blob: Final = _client.create_blob
    delete: Final = _client.delete
    list: Final = _client.list
    copy: Final = _client.copy
    show: Final = _client.show
    ps: Final = _client.ps
    version: Final = _client.version
    web_search: Final = _client.web_search
    web_fetch: Final = _client.web_fetch
    systemone: Final = _client.systemone
    blob_exists: Final = _client.blob_exists
else:
    from ._default import forward as _forward

    generate = _forward("generate")
    chat = _forward("chat")
    embed = _forward("embed")
    embeddings = _forward("embeddings")
    pull = _forward("pull")
    push = _forward("push")
    create = _forward("create")
    create_blob = _forward("create_blob")
    delete = _forward("delete")
    list = _forward("list")
    copy = _forward("copy")
    show = _forward("show")
    ps = _forward("ps")
    version = _forward("version")
    web_search = _forward("web_search")
    web_fetch = _forward("web_fetch")
    systemone = _forward("systemone")
    blob_exists = _forward("blob_exists")

__all__ = [
    "AllHostsFailedError",
    "AsyncClient",
    "AsyncEmbedBatches",
    "AsyncHostPool",
    "AsyncStream",
    "AuthenticationError",
    "BatchEmbedError",
    "BatchInputError",
    "ChatResponse",
    "Client",
    "ConnectError",
    "EmbedBatch",
    "EmbedBatches",
    "EmbedMatrix",
    "EmbedProgress",
    "EmbedResponse",
    "EmbeddingsResponse",
    "GenerateResponse",
    "HostConfig",
    "HostPool",
    "HostStats",
    "Image",
    "InvalidResponseError",
    "ListResponse",
    "Logprob",
    "Message",
    "ModelDetails",
    "ModelNotFoundError",
    "OllamaError",
    "Options",
    "PoolStats",
    "ProcessResponse",
    "ProgressResponse",
    "PullProgress",
    "RawOptions",
    "RequestError",
    "ResponseError",
    "ServerBusyError",
    "ShowResponse",
    "StatusResponse",
    "Stream",
    "SystemOneAnswer",
    "SystemOneChoiceAnswer",
    "SystemOneChoiceQuestion",
    "SystemOneContent",
    "SystemOneNoulAnswer",
    "SystemOneNoulQuestion",
    "SystemOneQuestion",
    "SystemOneRequest",
    "SystemOneResponse",
    "SystemOneScoreAnswer",
    "SystemOneScoreQuestion",
    "SystemOneUsage",
    "StreamClosedError",
    "StreamError",
    "StreamInterrupted",
    "TimeoutError",
    "TokenLogprob",
    "Tool",
    "ToolCall",
    "TransportError",
    "VersionResponse",
    "WebFetchResponse",
    "WebSearchResponse",
    "__version__",
    "blob_exists",
    "chat",
    "copy",
    "create",
    "create_blob",
    "delete",
    "embed",
    "embeddings",
    "generate",
    "list",
    "parse",
    "parse_host",
    "ps",
    "pull",
    "push",
    "show",
    "systemone",
    "version",
    "web_fetch",
    "web_search",
]


def _present_as_ollama_lite(namespace: dict[str, object]) -> None:
    """Exports defined in private modules say `ollama_lite.X` in reprs and tracebacks
    (`ollama_lite.ResponseError`, not `ollama_lite._errors.ResponseError`), as httpx does.

    msgspec Structs and dataclasses keep their module: msgspec, pydantic and `typing` resolve
    their field annotations in it. Their modules (`ollama_lite.types.*`) are public anyway.
    """
    for name in __all__:
        value = namespace[name]
        if not callable(value) or not getattr(value, "__module__", "").startswith("ollama_lite._"):
            continue
        if hasattr(value, "__struct_fields__") or hasattr(value, "__dataclass_fields__"):
            continue
        value.__module__ = __name__


_present_as_ollama_lite(globals())
