"""Bad arguments raise `RequestError` (also a ValueError) naming the problem, before any request.

Every test runs against a respx router whose catch-all route answers anything; the assertion
that it saw no call proves the error was raised before sending. Image inputs are covered here
too, including the rule that a plain string is never opened as a file.
"""

import base64
import builtins
import json
import pathlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import respx

from ollama_lite import (
    AsyncClient,
    Client,
    Image,
    Message,
    Options,
    RequestError,
    Tool,
    ToolCall,
)

HOST = "http://127.0.0.1:11434"
DIGEST = "sha256:" + "c" * 64
OK_CHAT = {
    "model": "m",
    "created_at": "2026-01-01T00:00:00Z",
    "message": {"role": "assistant", "content": "ok"},
    "done": True,
}
OK_GENERATE = {"model": "m", "created_at": "2026-01-01T00:00:00Z", "response": "", "done": True}


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    monkeypatch.delenv("OLLAMA_HOST", raising=False)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=HOST, assert_all_called=False) as mock:
        mock.post("/api/chat").respond(200, json=OK_CHAT)
        mock.post("/api/generate").respond(200, json=OK_GENERATE)
        mock.route().respond(200, json={"status": "success"})
        yield mock


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # api_key="" keeps an OLLAMA_API_KEY from the outer environment out of this shared client.
    with Client(HOST, api_key="") as c:
        yield c


def rejected(router: respx.MockRouter, call: Callable[[], object], *fragments: str) -> str:
    """Run `call`, expect a RequestError mentioning every fragment, and no request sent."""
    with pytest.raises(RequestError) as info:
        call()
    error = info.value
    assert isinstance(error, ValueError)
    message = str(error)
    assert error.error == message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert router.calls.call_count == 0, "a request was sent despite the bad input"
    return message


def sent_json(router: respx.MockRouter) -> Any:
    assert router.calls.call_count == 1
    return json.loads(router.calls.last.request.content)


# --------------------------------------------------------------------------- model


@pytest.mark.parametrize("model", ["", "   "])
@pytest.mark.parametrize("method", ["chat", "generate", "embed", "embeddings", "show", "pull"])
def test_empty_model(router: respx.MockRouter, client: Client, method: str, model: str) -> None:
    rejected(router, lambda: getattr(client, method)(model), "model", "required")


@pytest.mark.parametrize("model", [None, 3, b"llama3.2", ["llama3.2"]])
def test_non_string_model(router: respx.MockRouter, client: Client, model: object) -> None:
    message = rejected(router, lambda: client.chat(model, []), "model must be a string")  # type: ignore[arg-type]
    assert type(model).__name__ in message


def test_model_with_whitespace(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.generate("llama 3.2", "hi"), "'llama 3.2'", "whitespace")


def test_copy_names_the_bad_argument(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.copy("llama3.2", ""), "destination")
    rejected(router, lambda: client.copy(None, "b"), "source")  # type: ignore[arg-type]


def test_delete_and_create_check_the_model(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.delete(""), "model")
    rejected(router, lambda: client.create("", from_="llama3.2"), "model")
    rejected(router, lambda: client.create("x", from_=""), "from_")


# --------------------------------------------------------------------------- options


def test_unknown_option_is_named(router: respx.MockRouter, client: Client) -> None:
    rejected(
        router,
        lambda: client.generate("m", "hi", options={"temprature": 0.1}),
        "unknown option",
        "temprature",
    )


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"num_ctx": "4096"}, "num_ctx"),
        ({"num_ctx": 4096.5}, "num_ctx"),
        ({"num_ctx": True}, "num_ctx"),
        ({"temperature": "hot"}, "temperature"),
        ({"stop": [1]}, "stop"),
        ({"use_mmap": "yes"}, "use_mmap"),
        (Options(seed="7"), "seed"),  # type: ignore[arg-type]
    ],
)
def test_option_of_wrong_type_names_the_field(
    router: respx.MockRouter, client: Client, options: object, field: str
) -> None:
    rejected(router, lambda: client.chat("m", [], options=options), "options", field)  # type: ignore[arg-type]


def test_options_not_a_mapping(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.chat("m", [], options=[("seed", 1)]), "options")  # type: ignore[arg-type]


def test_create_parameters_errors_say_parameters(router: respx.MockRouter, client: Client) -> None:
    rejected(
        router,
        lambda: client.create("x", from_="llama3.2", parameters={"bogus": 1}),
        "parameters",
        "bogus",
    )


def test_embed_options_checked(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.embed("m", "x", options={"nm_ctx": 1}), "nm_ctx")


# --------------------------------------------------------------------------- think, keep_alive


@pytest.mark.parametrize("think", ["", "  ", 1, 0.5, ["low"]])
def test_bad_think_value(router: respx.MockRouter, client: Client, think: object) -> None:
    rejected(router, lambda: client.chat("m", [], think=think), "think", repr(think))  # type: ignore[arg-type]
    rejected(router, lambda: client.generate("m", "hi", think=think), "think")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "keep_alive",
    ["3600", "5 minutes", "m5", "", "1d", True, False, [5], {"m": 5}, float("nan")],
)
def test_bad_keep_alive(router: respx.MockRouter, client: Client, keep_alive: object) -> None:
    rejected(router, lambda: client.generate("m", keep_alive=keep_alive), "keep_alive")
    rejected(router, lambda: client.embed("m", "x", keep_alive=keep_alive), "keep_alive")


def test_keep_alive_missing_unit_message_suggests_a_unit(
    router: respx.MockRouter, client: Client
) -> None:
    rejected(router, lambda: client.chat("m", [], keep_alive="3600"), "'3600'", "unit", '"5m"')


@pytest.mark.parametrize("top_logprobs", [21, -1, 100, True, 2.0, "3"])
def test_bad_top_logprobs(router: respx.MockRouter, client: Client, top_logprobs: object) -> None:
    rejected(
        router,
        lambda: client.chat("m", [], logprobs=True, top_logprobs=top_logprobs),  # type: ignore[arg-type]
        "top_logprobs",
    )


def test_top_logprobs_21_names_the_range(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.generate("m", "x", top_logprobs=21), "0", "20", "21")


@pytest.mark.parametrize("top_logprobs", [0, 20])
def test_top_logprobs_bounds_are_accepted(
    router: respx.MockRouter, client: Client, top_logprobs: int
) -> None:
    client.generate("m", "x", logprobs=True, top_logprobs=top_logprobs)
    assert sent_json(router)["top_logprobs"] == top_logprobs


# --------------------------------------------------------------------------- images


def test_string_that_is_a_real_file_path_is_not_opened(
    router: respx.MockRouter, client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"QUJDRA==")  # looks like valid base64: would be sent if it were read
    opened: list[object] = []
    real_open, real_read_bytes = builtins.open, pathlib.Path.read_bytes

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(file)
        return real_open(file, *args, **kwargs)

    def spy_read_bytes(self: pathlib.Path) -> bytes:
        opened.append(self)
        return real_read_bytes(self)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(pathlib.Path, "read_bytes", spy_read_bytes)
    # A string naming an existing file is refused (the caller meant the file), never opened.
    hint = "pass pathlib.Path("  # a long path is shortened in the message
    rejected(router, lambda: client.generate("llava", "hi", images=[str(photo)]), "images[0]", hint)
    rejected(
        router,
        lambda: client.chat("llava", [{"role": "user", "content": "", "images": [str(photo)]}]),
        "messages[0].images[0]",
        "naming the file",
        hint,
    )
    assert not [f for f in opened if str(f).endswith("photo.png")]


def test_string_naming_a_file_in_cwd_is_refused_even_if_valid_base64(
    router: respx.MockRouter, client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "QUJD" is valid base64 *and* the name of a file here: ambiguous, so refused, unread.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "QUJD").write_bytes(b"secret file content")
    message = rejected(
        router, lambda: client.generate("llava", "hi", images=["QUJD"]), "'QUJD'", "Path"
    )
    assert "secret" not in message
    (tmp_path / "QUJD").unlink()
    client.generate("llava", "hi", images=["QUJD"])  # no such file: plain base64, sent
    assert sent_json(router)["images"] == ["QUJD"]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("data:image/png;base64,iVBORw0KGgo=", "iVBORw0KGgo="),
        ("DATA:image/jpeg;base64,/9j/4AAQ", "/9j/4AAQ"),
        ("QUJD\nREVG \r\n", "QUJDREVG"),
        ("  QUJD  ", "QUJD"),
        (b"\x89PNG", base64.b64encode(b"\x89PNG").decode()),
        (bytearray(b"abc"), "YWJj"),
        (memoryview(b"abc"), "YWJj"),
        (Image(b"abc"), "YWJj"),
        (Image("data:image/png;base64,YWJj"), "YWJj"),
    ],
    ids=[
        "data-url",
        "data-url-uppercase",
        "whitespace",
        "surrounding-spaces",
        "bytes",
        "bytearray",
        "memoryview",
        "Image-bytes",
        "Image-data-url",
    ],
)
def test_image_normalisation(
    router: respx.MockRouter, client: Client, image: object, expected: str
) -> None:
    client.generate("llava", "hi", images=[image])  # type: ignore[list-item]
    assert sent_json(router)["images"] == [expected]


def test_image_normalisation_in_dict_messages(router: respx.MockRouter, client: Client) -> None:
    client.chat(
        "llava",
        [{"role": "user", "content": "", "images": ["data:image/png;base64,QU JD\n", b"abc"]}],
    )
    assert sent_json(router)["messages"][0]["images"] == ["QUJD", "YWJj"]


def test_image_normalisation_in_message_objects(router: respx.MockRouter, client: Client) -> None:
    # Message objects must get the same treatment as dict messages.
    client.chat("llava", [Message(role="user", content="", images=["data:image/png;base64,QUJD"])])
    assert sent_json(router)["messages"][0]["images"] == ["QUJD"]


def test_invalid_base64_in_message_object_is_rejected(
    router: respx.MockRouter, client: Client
) -> None:
    rejected(
        router,
        lambda: client.chat("llava", [Message(role="user", images=["photo.png"])]),
        "messages[0].images[0]",
        "base64",
    )


@pytest.mark.parametrize(
    "image", ["not base64!", "photo.png", "QUJ", "", "   ", "data:image/png;base64,"]
)
def test_invalid_image_string(router: respx.MockRouter, client: Client, image: str) -> None:
    rejected(router, lambda: client.generate("llava", "hi", images=[image]), "images[0]")


def test_missing_image_file(router: respx.MockRouter, client: Client, tmp_path: Path) -> None:
    missing = tmp_path / "nope.png"
    rejected(
        router,
        lambda: client.generate("llava", "hi", images=[missing]),
        "images[0]",
        str(missing),
    )
    rejected(
        router,
        lambda: client.chat("llava", [{"role": "user", "images": [Image(missing)]}]),
        "messages[0].images[0]",
        str(missing),
    )


@pytest.mark.anyio
async def test_missing_image_file_async(
    anyio_backend: str, router: respx.MockRouter, tmp_path: Path
) -> None:
    missing = tmp_path / "nope.png"
    async with AsyncClient(HOST) as client:
        with pytest.raises(RequestError, match=r"nope\.png"):
            await client.chat("llava", [Message(role="user", images=[missing])])  # type: ignore[list-item]
    assert router.calls.call_count == 0


@pytest.mark.parametrize("images", ["QUJD", b"abc", Path("x.png"), Image(b"abc")])
def test_single_image_instead_of_list(
    router: respx.MockRouter, client: Client, images: object
) -> None:
    rejected(router, lambda: client.generate("llava", "hi", images=images), "list")  # type: ignore[arg-type]


def test_images_from_a_one_pass_iterable_are_refused_clearly(
    router: respx.MockRouter, client: Client, tmp_path: Path
) -> None:
    # A generator of paths would be consumed by the scan for image files: refused by name.
    picture = tmp_path / "a.png"
    picture.write_bytes(b"png")
    rejected(
        router,
        lambda: client.generate("llava", "hi", images=(p for p in [picture])),  # type: ignore[arg-type]
        "images must be a list or tuple",
        "generator",
    )
    message = {"role": "user", "content": "hi", "images": iter([picture])}
    rejected(router, lambda: client.chat("llava", [message]), "messages[0].images", "list")
    client.generate("llava", "hi", images=(picture,))  # a tuple is read and sent
    assert router.calls.call_count == 1


def test_image_of_wrong_type(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.generate("llava", "hi", images=[42]), "images[0]", "int")  # type: ignore[list-item]


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    "messages",
    ["Hi", b"Hi", {"role": "user", "content": "Hi"}, Message(role="user", content="Hi"), 5],
)
def test_messages_not_a_list(router: respx.MockRouter, client: Client, messages: object) -> None:
    rejected(router, lambda: client.chat("m", messages), "messages")  # type: ignore[arg-type]


def test_message_without_role(router: respx.MockRouter, client: Client) -> None:
    rejected(
        router,
        lambda: client.chat("m", [{"role": "user", "content": "a"}, {"content": "Hi"}]),
        "messages[1]",
        "role",
    )


@pytest.mark.parametrize("message", ["Hi", 3, None, ("user", "Hi")])
def test_message_of_wrong_type(router: respx.MockRouter, client: Client, message: object) -> None:
    rejected(router, lambda: client.chat("m", [message]), "messages[0]")  # type: ignore[list-item]


def test_message_field_of_wrong_type(router: respx.MockRouter, client: Client) -> None:
    rejected(
        router,
        lambda: client.chat("m", [{"role": "user", "content": 5}]),
        "messages[0].content",
    )


def test_history_arguments_that_are_not_json(router: respx.MockRouter, client: Client) -> None:
    rejected(
        router,
        lambda: client.chat(
            "m",
            [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{"}}]}],
        ),
        "messages[0].tool_calls[0].function.arguments",
    )


def test_create_messages_checked(router: respx.MockRouter, client: Client) -> None:
    rejected(
        router,
        lambda: client.create("x", from_="llama3.2", messages=[{"content": "no role"}]),
        "messages[0]",
    )


# --------------------------------------------------------------------------- tools


@pytest.mark.parametrize("tool", [42, "get_weather", None, ["function"]])
def test_tool_entry_of_wrong_type(router: respx.MockRouter, client: Client, tool: object) -> None:
    rejected(router, lambda: client.chat("m", [], tools=[tool]), "tools[0]")


@pytest.mark.parametrize("tools", [{"type": "function"}, "tool", 3])
def test_tools_not_a_list(router: respx.MockRouter, client: Client, tools: object) -> None:
    rejected(router, lambda: client.chat("m", [], tools=tools), "tools")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tool",
    [
        {"type": "function", "function": {"description": "no name"}},
        {"type": "function", "function": {"name": ""}},
        {"type": "function", "function": {"name": 3}},
        {"type": "function"},
        Tool(function=Tool.Function(name="")),
    ],
    ids=["missing", "empty", "not-a-string", "no-function", "Tool-empty-name"],
)
def test_tool_without_function_name(router: respx.MockRouter, client: Client, tool: object) -> None:
    ok_tool = {"type": "function", "function": {"name": "ok"}}
    rejected(router, lambda: client.chat("m", [], tools=[ok_tool, tool]), "tools[1]", "function")


# --------------------------------------------------------------------------- embed


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(["a", 1], "input[1]"), (["a", None], "input[1]"), ([b"a"], "input[0]"), (None, "input")],
)
def test_embed_input_items(
    router: respx.MockRouter, client: Client, value: object, fragment: str
) -> None:
    rejected(router, lambda: client.embed("m", value), fragment)  # type: ignore[arg-type]


@pytest.mark.parametrize("dimensions", [0, -3, True, 1.5, "256"])
def test_embed_bad_dimensions(router: respx.MockRouter, client: Client, dimensions: object) -> None:
    rejected(router, lambda: client.embed("m", "x", dimensions=dimensions), "dimensions")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- create


def test_create_needs_from_or_files(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.create("x"), "from_", "files")
    rejected(router, lambda: client.create("x", files={}), "from_", "files")


@pytest.mark.parametrize(
    "name", ["/etc/model.gguf", "../model.gguf", "a/../../model.gguf", "sub/.."]
)
def test_create_files_must_be_relative(router: respx.MockRouter, client: Client, name: str) -> None:
    rejected(router, lambda: client.create("x", files={name: DIGEST}), "files", repr(name))
    rejected(
        router,
        lambda: client.create("x", from_="llama3.2", adapters={name: DIGEST}),
        "adapters",
    )


@pytest.mark.parametrize(
    "digest",
    [
        "c" * 64,
        "sha256-" + "c" * 64,
        "sha256:" + "C" * 64,
        "sha256:" + "c" * 63,
        "sha256:" + "g" * 64,
        "",
        None,
    ],
)
def test_create_bad_digest(router: respx.MockRouter, client: Client, digest: object) -> None:
    rejected(router, lambda: client.create("x", files={"m.gguf": digest}), "digest")  # type: ignore[dict-item]


def test_create_files_not_a_mapping(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.create("x", files=[("m.gguf", DIGEST)]), "files")  # type: ignore[arg-type]


@pytest.mark.parametrize("license", [5, ["MIT", 1]])
def test_create_bad_license(router: respx.MockRouter, client: Client, license: object) -> None:
    rejected(router, lambda: client.create("x", from_="llama3.2", license=license), "license")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- format, stream


@pytest.mark.parametrize("fmt", ["yaml", "JSON", "xml", 5, ["json"]])
def test_bad_format(router: respx.MockRouter, client: Client, fmt: object) -> None:
    rejected(router, lambda: client.chat("m", [], format=fmt), "format")  # type: ignore[arg-type]


def test_format_yaml_message_names_the_value(router: respx.MockRouter, client: Client) -> None:
    rejected(router, lambda: client.generate("m", "x", format="yaml"), "format", "'yaml'")


@pytest.mark.parametrize("stream", ["yes", 1, None, "true"])
@pytest.mark.parametrize("method", ["chat", "generate", "pull", "push", "create"])
def test_bad_stream(router: respx.MockRouter, client: Client, method: str, stream: object) -> None:
    kwargs: dict[str, Any] = {"stream": stream}
    if method == "create":
        kwargs["from_"] = "llama3.2"
    rejected(router, lambda: getattr(client, method)("m", **kwargs), "stream", repr(stream))


# --------------------------------------------------------------------------- other scalars


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda c: c.generate("m", "x", raw="yes"), "raw"),
        (lambda c: c.generate("m", "x", logprobs="yes"), "logprobs"),
        (lambda c: c.chat("m", [], logprobs=1), "logprobs"),
        (lambda c: c.generate("m", "x", context=[1, "a"]), "context"),
        (lambda c: c.generate("m", "x", context="1,2"), "context"),
        (lambda c: c.generate("m", "x", width="512"), "width"),
        (lambda c: c.embed("m", "x", truncate="no"), "truncate"),
        (lambda c: c.pull("m", insecure="yes"), "insecure"),
        (lambda c: c.show("m", verbose="yes"), "verbose"),
    ],
    ids=[
        "raw",
        "logprobs",
        "chat-logprobs",
        "context-item",
        "context-str",
        "width",
        "truncate",
        "insecure",
        "verbose",
    ],
)
def test_scalar_of_wrong_type(
    router: respx.MockRouter, client: Client, call: Callable[[Client], object], name: str
) -> None:
    rejected(router, lambda: call(client), name)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda c: c.generate("m", 5), "prompt"),
        (lambda c: c.generate("m", "x", 5), "suffix"),
        (lambda c: c.generate("m", "x", system=["a"]), "system"),
        (lambda c: c.generate("m", "x", template=1), "template"),
        (lambda c: c.embeddings("m", 5), "prompt"),
        (lambda c: c.create("x", from_="y", system=1), "system"),
        (lambda c: c.create("x", from_="y", quantize=4), "quantize"),
    ],
)
def test_string_argument_of_wrong_type(
    router: respx.MockRouter, client: Client, call: Callable[[Client], object], name: str
) -> None:
    rejected(router, lambda: call(client), name, "string")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda c: c.web_search(""), "query"),
        (lambda c: c.web_search("q", max_results=0), "max_results"),
        (lambda c: c.web_fetch(""), "url"),
    ],
)
def test_web_arguments(
    call: Callable[[Client], object], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().respond(200, json={})
        with Client(HOST, api_key="k") as client, pytest.raises(RequestError, match=name):
            call(client)
        assert route.call_count == 0


# --------------------------------------------------------------------------- positive controls


def test_good_inputs_do_reach_the_server(router: respx.MockRouter, client: Client) -> None:
    # Guards the tests above: the router does record calls, so "no call" is meaningful.
    client.chat(
        "m",
        [{"role": "user", "content": "hi", "images": [b"abc"]}],
        tools=[{"type": "function", "function": {"name": "f"}}],
        think="max",
        keep_alive="-1m",
        options={"num_ctx": 2048, "stop": "x"},
        format="json",
    )
    body = sent_json(router)
    assert body["think"] == "max"
    assert body["keep_alive"] == "-1m"
    assert body["options"] == {"num_ctx": 2048, "stop": ["x"]}


def test_tool_call_objects_in_dict_message_are_accepted(
    router: respx.MockRouter, client: Client
) -> None:
    call = ToolCall(function=ToolCall.Function(name="f", arguments={"a": 1}))
    client.chat("m", [{"role": "assistant", "tool_calls": [call]}])
    assert sent_json(router)["messages"] == [
        {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": {"a": 1}}}]}
    ]
