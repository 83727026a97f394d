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
from ._async.streams import AsyncStream
from ._errors import (
    AuthenticationError,
    ConnectError,
    InvalidResponseError,
    ModelNotFoundError,
    OllamaError,
    RequestError,
    ResponseError,
    ServerBusyError,
    StreamError,
    StreamInterrupted,
    TimeoutError,
    TransportError,
)
from ._host_url import HostConfig, parse_host
from ._images import Image
from ._parse import parse
from ._sync.client import Client
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
    ShowResponse,
    StatusResponse,
    TokenLogprob,
    Tool,
    ToolCall,
    VersionResponse,
    WebFetchResponse,
    WebSearchResponse,
)

if TYPE_CHECKING:
    _client = Client()
    generate = _client.generate
    chat = _client.chat
    embed = _client.embed
    embeddings = _client.embeddings
    pull = _client.pull
    push = _client.push
    create = _client.create
    create_blob = _client.create_blob
    delete = _client.delete
    list = _client.list
    copy = _client.copy
    show = _client.show
    ps = _client.ps
    version = _client.version
    web_search = _client.web_search
    web_fetch = _client.web_fetch
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

__all__ = [
    "AsyncClient",
    "AsyncStream",
    "AuthenticationError",
    "ChatResponse",
    "Client",
    "ConnectError",
    "EmbedResponse",
    "EmbeddingsResponse",
    "GenerateResponse",
    "HostConfig",
    "Image",
    "InvalidResponseError",
    "ListResponse",
    "Logprob",
    "Message",
    "ModelDetails",
    "ModelNotFoundError",
    "OllamaError",
    "Options",
    "ProcessResponse",
    "ProgressResponse",
    "RequestError",
    "ResponseError",
    "ServerBusyError",
    "ShowResponse",
    "StatusResponse",
    "Stream",
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
    "version",
    "web_fetch",
    "web_search",
]
