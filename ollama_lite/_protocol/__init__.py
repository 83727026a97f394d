"""The Ollama protocol without I/O: what to send for each endpoint, and what answers mean.

`requests` holds one builder per endpoint: it checks the caller's arguments and returns a
`Call` carrying everything the request needs (method, path, headers, body, base URL for the
hosted endpoints, the API-key requirement, the result type, whether it streams). It reads
no file: the clients read image files and stat blobs first and pass what they read.
`responses` maps a status, a transport failure or a body to a result or an exception.
"""

from .call import NDJSON_ACCEPT, Call
from .requests import (
    blob_head,
    blob_upload,
    chat,
    copy,
    create,
    delete,
    embed,
    embeddings,
    generate,
    list_models,
    ps,
    pull,
    push,
    show,
    version,
    web_fetch,
    web_search,
)
from .responses import (
    declared_length,
    decode_body,
    error_for_status,
    is_connect_failure,
    too_large,
    transport_error,
)

__all__ = [
    "NDJSON_ACCEPT",
    "Call",
    "blob_head",
    "blob_upload",
    "chat",
    "copy",
    "create",
    "declared_length",
    "decode_body",
    "delete",
    "embed",
    "embeddings",
    "error_for_status",
    "generate",
    "is_connect_failure",
    "list_models",
    "ps",
    "pull",
    "push",
    "show",
    "too_large",
    "transport_error",
    "version",
    "web_fetch",
    "web_search",
]
