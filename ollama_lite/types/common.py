"""Types shared by several endpoints: messages, tool calls, tools, options, logprobs, details."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import msgspec

from ._base import SubscriptableStruct

if TYPE_CHECKING:
    _Properties: TypeAlias = "dict[str, ToolProperty | dict[str, Any]]"
else:
    # Decoded properties stay plain dicts: every JSON-schema key survives a round trip.
    _Properties = dict[str, dict[str, Any]]

__all__ = [
    "Logprob",
    "OptionsValue",
    "RawOptions",
    "Message",
    "ModelDetails",
    "Options",
    "TokenLogprob",
    "Tool",
    "ToolCall",
    "ToolCallFunction",
    "ToolFunction",
    "ToolParameters",
    "ToolProperty",
]


# Garbage collection: response types are built per streamed part and hold only strings,
# numbers and lists of them, so they skip the collector (`gc=False`, less work per part).
# Types whose fields hold user-supplied containers (`arguments` dicts) stay tracked, so a
# reference cycle through them is still collected.


class ToolCallFunction(SubscriptableStruct):
    """The function a model asked to call: its name and arguments (a JSON object)."""

    name: str
    # Required, as in the official package, so `{}` is sent for a call without arguments
    # (older servers render a missing value as null in the prompt).
    arguments: dict[str, Any]
    index: int | None = None


class ToolCall(SubscriptableStruct):
    """One tool call in an assistant message. `id` is set by newer servers."""

    function: ToolCallFunction
    id: str | None = None

    Function: ClassVar[type[ToolCallFunction]]


ToolCall.Function = ToolCallFunction


# Untracked: one per streamed chat part. A cycle through a Message needs user code to put
# the message inside its own fields; its tool calls (user dicts) are tracked themselves.
class Message(SubscriptableStruct, gc=False):
    """A chat message, sent and received.

    `images` are base64 strings on the wire; `chat()` also accepts bytes and `pathlib.Path`
    items in messages it is given and encodes them. `tool_name` and `tool_call_id` identify
    the call a `role="tool"` message answers.
    """

    role: str
    content: str | None = None
    thinking: str | None = None
    images: list[str] | None = None
    tool_name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None

    ToolCall: ClassVar[type[ToolCall]]


Message.ToolCall = ToolCall


class ToolProperty(SubscriptableStruct):
    """One parameter's schema, for code that builds tools as typed objects.

    Any other JSON-schema key can be given as a plain dict in `ToolParameters.properties`.
    """

    type: str | list[str] | None = None
    description: str | None = None
    enum: list[Any] | None = None
    items: Any = None


class ToolParameters(SubscriptableStruct, forbid_unknown_fields=True):
    """The JSON-schema object of a function's parameters (`"type": "object"` is sent).

    Built from a dict (`msgspec.convert`, `Tool.model_validate`), each property stays the
    dict it was, so no JSON-schema key is lost; a top-level key this type has no field
    for is an error, not silently dropped.
    """

    type: str | None = "object"
    properties: _Properties | None = None
    required: list[str] | None = None
    defs: Any = msgspec.field(default=None, name="$defs")
    items: Any = None
    description: str | None = None
    additional_properties: Any = msgspec.field(default=None, name="additionalProperties")
    any_of: list[Any] | None = msgspec.field(default=None, name="anyOf")

    Property: ClassVar[builtins.type[ToolProperty]]


ToolParameters.Property = ToolProperty

if TYPE_CHECKING:
    _Parameters: TypeAlias = "ToolParameters | dict[str, Any]"
else:
    # msgspec decodes what one type can hold; a dict given in Python is sent just the same.
    _Parameters = ToolParameters


class ToolFunction(SubscriptableStruct):
    """A function definition offered to the model: name, description, JSON-schema parameters."""

    name: str | None = None
    description: str | None = None
    parameters: _Parameters | None = None

    Parameters: ClassVar[type[ToolParameters]]


ToolFunction.Parameters = ToolParameters


class Tool(SubscriptableStruct, kw_only=True):
    """A tool definition (`{"type": "function", "function": {...}}`).

    Built like the official package's: `Tool(function=Tool.Function(name=...,
    parameters=Tool.Function.Parameters(properties={...})))`, from a dict with
    `Tool.model_validate(d)` (or `msgspec.convert(d, Tool)`), or pass plain dicts or
    functions to `chat(tools=...)`.
    """

    type: str | None = "function"
    function: ToolFunction | None = None

    Function: ClassVar[builtins.type[ToolFunction]]


Tool.Function = ToolFunction


class Options(SubscriptableStruct, forbid_unknown_fields=True):
    """Model options. Unknown names and wrong types are rejected before a request is sent.

    The first group is what today's server reads; the second group is still accepted by the
    official package and kept so its callers keep working (the server ignores them).
    """

    # load time
    num_ctx: int | None = None
    num_batch: int | None = None
    num_gpu: int | None = None
    main_gpu: int | None = None
    use_mmap: bool | None = None
    num_thread: int | None = None
    # run time
    num_keep: int | None = None
    seed: int | None = None
    num_predict: int | None = None
    top_k: int | None = None
    top_p: float | None = None
    min_p: float | None = None
    typical_p: float | None = None
    repeat_last_n: int | None = None
    temperature: float | None = None
    repeat_penalty: float | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    stop: list[str] | None = None
    draft_num_predict: int | None = None
    # accepted for compatibility with the official package; ignored by current servers
    numa: bool | None = None
    low_vram: bool | None = None
    f16_kv: bool | None = None
    logits_all: bool | None = None
    vocab_only: bool | None = None
    use_mlock: bool | None = None
    embedding_only: bool | None = None
    tfs_z: float | None = None
    mirostat: int | None = None
    mirostat_tau: float | None = None
    mirostat_eta: float | None = None
    penalize_newline: bool | None = None


class RawOptions(dict[str, Any]):
    """Options sent even when ollama_lite does not know a name (a newer server's option).

    `options=RawOptions({"temperature": 0.2, "new_knob": 3})`: names `Options` has are still
    type-checked; any other name is sent as given (the server ignores names it does not
    know). Plain dicts and `Options` keep refusing unknown names, to catch typos.
    """

    def __repr__(self) -> str:
        return f"RawOptions({dict.__repr__(self)})"


if TYPE_CHECKING:
    OptionsValue: TypeAlias = "Options | dict[str, Any]"
else:
    # A request built from RawOptions holds a plain dict; decoding one gives Options.
    OptionsValue = Options


class TokenLogprob(SubscriptableStruct, gc=False):
    """A token with its log probability (and its UTF-8 bytes, when the server sends them)."""

    token: str = ""
    logprob: float = 0.0
    bytes: list[int] | None = None


class Logprob(TokenLogprob, gc=False):
    """A generated token's log probability, with the most likely alternatives."""

    top_logprobs: list[TokenLogprob] | None = None


class ModelDetails(SubscriptableStruct, gc=False):
    """What a model is: format, family, size and quantization."""

    parent_model: str | None = None
    format: str | None = None
    family: str | None = None
    families: list[str] | None = None
    parameter_size: str | None = None
    quantization_level: str | None = None
    context_length: int | None = None
    embedding_length: int | None = None
