"""Security: secrets never leak, credentials do not follow a redirect to another host, TLS is
verified by default, tool arguments are data, strings are never opened as files, and wrong
input is refused before anything is sent."""

from __future__ import annotations

import base64
import builtins
import io
import logging
import os
import pathlib
import shutil
import ssl
import subprocess
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

import ollama_lite
from ollama_lite import (
    AsyncClient,
    Client,
    ConnectError,
    Image,
    InvalidResponseError,
    OllamaError,
    RequestError,
)
from ollama_lite.testing import FakeOllama, Fault

from .._transports import httpx_client_of
from ._rawserver import (
    RawServer,
    Request,
    chunked_stream,
    http,
    no_client_sockets,
    silent,
    wait_until,
)

MSGS = [{"role": "user", "content": "hi"}]
MODEL = "llama3.2"
USER, PASSWORD = "alice", "hunter2-Pw-7f3a9c"
API_KEY = "sk-live-SECRET-4b1d9e0c"
SECRETS = [
    PASSWORD,
    API_KEY,
    base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
    base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()[:12],
]


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def describe(error: BaseException) -> str:
    """Everything an error shows: str, repr, args, attributes and the whole printed chain."""
    return "\n".join(
        [
            str(error),
            repr(error),
            repr(error.args),
            repr({k: v for k, v in vars(error).items()}),
            "".join(traceback.format_exception(error)),
        ]
    )


class Capture(logging.Handler):
    """Formats every record it sees (message, arguments and exception)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + repr(record.args))


@pytest.fixture
def captured_logs() -> Iterator[Capture]:
    handler = Capture()
    loggers = [logging.getLogger(name) for name in ("ollama_lite", "httpx", "httpcore")]
    levels = [log.level for log in loggers]
    for log in loggers:
        log.setLevel(logging.DEBUG)
        log.addHandler(handler)
    try:
        yield handler
    finally:
        for log, level in zip(loggers, levels, strict=True):
            log.removeHandler(handler)
            log.setLevel(level)


def with_credentials(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{USER}:{PASSWORD}@{rest}"


# --- secrets ------------------------------------------------------------------------------


def test_secrets_appear_in_no_repr_error_log_or_warning(
    fake: FakeOllama, raw: RawServer, captured_logs: Capture
) -> None:
    seen: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clients = [
            Client(with_credentials(fake.url), max_retries=0),
            Client(fake.url, api_key=API_KEY, max_retries=0),
            AsyncClient(with_credentials(fake.url), api_key=API_KEY),
            Client(f"{USER}:{PASSWORD}@127.0.0.1:notaport", max_retries=0),  # warns
        ]
        for client in clients:
            seen += [repr(client), str(client), client.host]
        client = clients[0]
        errors: list[BaseException] = []

        def expect(action: Callable[[], object]) -> None:
            try:
                action()
            except OllamaError as exc:
                errors.append(exc)
            else:
                raise AssertionError("expected an error")

        # A normal call, then one of every kind of error, all through the same credentials.
        assert client.chat(MODEL, MSGS).done
        assert list(client.chat(MODEL, MSGS, stream=True))[-1].done
        expect(lambda: client.chat("no-such-model", MSGS))
        fake.inject(Fault.status(401, '{"error":"unauthorized"}'))
        expect(lambda: client.list())
        fake.inject(Fault.html_error(500))
        expect(lambda: client.ps())
        fake.inject(Fault.error_line(after=1))
        expect(lambda: list(client.chat(MODEL, MSGS, stream=True)))
        fake.inject(Fault.status(200, b'{"version": 1}'))
        expect(lambda: client.version())
        expect(lambda: client.chat(MODEL, MSGS, options={"temprature": 0}))
        expect(lambda: client.web_search("q"))  # needs an API key
        keyed = clients[1]
        fake.inject(Fault.disconnect(after=1))
        expect(lambda: list(keyed.chat(MODEL, MSGS, stream=True)))
        raw.script(silent(), chunked_stream([b'{"model":"m"}\n']))
        for creds in (
            Client(with_credentials(raw.url), max_retries=0, timeout=0.2),
            Client(raw.url, api_key=API_KEY, max_retries=0, timeout=0.2),
        ):
            expect(creds.version)  # a read timeout (silent server), then a broken stream
        refused = RawServer(listen=False)
        try:
            expect(Client(with_credentials(refused.url), api_key=API_KEY, max_retries=0).version)
        finally:
            refused.close()
        expect(lambda: Client(with_credentials(fake.url)).chat(MODEL, "not a list"))  # type: ignore[arg-type]
        for c in clients[:2] + clients[3:]:
            c.close()
    kinds = {type(e).__name__ for e in errors}
    assert {
        "ModelNotFoundError",
        "AuthenticationError",
        "ResponseError",
        "StreamError",
        "InvalidResponseError",
        "RequestError",
        "StreamInterrupted",
        "TimeoutError",
        "ConnectError",
    } <= kinds, kinds
    seen += [describe(e) for e in errors]
    seen += captured_logs.lines
    seen += [str(w.message) for w in caught]
    assert captured_logs.lines, "DEBUG logging was not captured"
    assert any("notaport" in str(w.message) for w in caught), "the port warning was not seen"
    assert not leaked("\n".join(seen)), [s for s in seen if leaked(s)][:3]
    # Credentials did reach the server, as they should.
    auth = {r.headers.get("authorization") for r in fake.requests}
    assert f"Bearer {API_KEY}" in auth and any(a and a.startswith("Basic ") for a in auth)


def test_environment_credentials_do_not_leak(
    fake: FakeOllama, monkeypatch: pytest.MonkeyPatch, captured_logs: Capture
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", with_credentials(fake.url))
    monkeypatch.setenv("OLLAMA_API_KEY", API_KEY)
    with Client(max_retries=0) as client:
        assert client.chat(MODEL, MSGS).done
        try:
            client.chat("no-such-model", MSGS)
        except OllamaError as exc:
            text = describe(exc)
    assert not leaked(text + repr(client) + "\n".join(captured_logs.lines))


@pytest.mark.parametrize(
    "host",
    [
        f"ftp://{USER}:{PASSWORD}@example.com",
        f"ws://{USER}:{PASSWORD}@127.0.0.1:11434",
    ],
)
def test_an_invalid_host_error_does_not_repeat_the_password(host: str) -> None:
    with pytest.raises(RequestError) as info:
        Client(host)
    assert not leaked(describe(info.value)), str(info.value)


# --- Authorization across redirects -----------------------------------------------------


@pytest.fixture
def target() -> Iterator[RawServer]:
    """A second server, on another port: where redirects point."""
    server = RawServer(http(lambda request: (200, [], b'{"version":"0.12.6"}')))
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
@pytest.mark.parametrize("status", [302, 307, 308])
@pytest.mark.parametrize("credentials", ["api_key", "userinfo", "header"])
def test_authorization_is_not_sent_to_another_host_on_redirect(
    raw: RawServer, target: RawServer, host: str, status: int, credentials: str
) -> None:
    location = f"http://{host}:{target.port}/api/version"
    raw.default = http(lambda request: (status, [("Location", location)], b""))
    kwargs: dict[str, Any] = {"max_retries": 0}
    url = raw.url
    if credentials == "api_key":
        kwargs["api_key"] = API_KEY
    elif credentials == "userinfo":
        url = with_credentials(raw.url)
    else:
        kwargs["headers"] = {"Authorization": f"Bearer {API_KEY}"}
    with Client(url, **kwargs) as client:
        assert client.version().version == "0.12.6"  # the redirect was followed...
    assert raw.requests[0].headers.get("authorization")  # ...the first hop had credentials
    assert len(target.requests) == 1
    forwarded: Request = target.requests[0]
    assert "authorization" not in forwarded.headers, forwarded.headers  # ...the other host not
    assert not leaked(repr(forwarded.headers))


@pytest.mark.anyio
async def test_async_authorization_is_not_sent_to_another_host_on_redirect(
    raw: RawServer, target: RawServer
) -> None:
    location = f"http://localhost:{target.port}/api/version"
    raw.default = http(lambda request: (307, [("Location", location)], b""))
    async with AsyncClient(raw.url, api_key=API_KEY, max_retries=0) as client:
        assert (await client.version()).version == "0.12.6"
    assert "authorization" not in target.requests[0].headers


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command line)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[RawServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    server = RawServer(tls=context)
    try:
        yield server
    finally:
        server.close()


def https(server: RawServer) -> str:
    return f"https://127.0.0.1:{server.port}"


def test_tls_is_verified_by_default(tls_server: RawServer) -> None:
    client = Client(https(tls_server), max_retries=0, api_key=API_KEY)
    with client, pytest.raises(ConnectError) as info:
        client.version()
    assert "CERTIFICATE_VERIFY_FAILED" in "".join(traceback.format_exception(info.value))
    assert wait_until(lambda: bool(tls_server.handshake_failures))
    assert tls_server.requests == []  # not a byte of HTTP (nor the API key) was sent
    assert no_client_sockets(tls_server.port)


@pytest.mark.anyio
async def test_async_tls_is_verified_by_default(tls_server: RawServer) -> None:
    async with AsyncClient(https(tls_server), max_retries=0) as client:
        with pytest.raises(ConnectError):
            await client.version()
    assert tls_server.requests == []


def test_tls_verification_is_turned_off_only_on_request(
    tls_server: RawServer, certificate: tuple[Path, Path]
) -> None:
    with Client(https(tls_server), max_retries=0, verify=False) as client:
        assert client.version().version == "0.12.6"
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    with Client(https(tls_server), max_retries=0, verify=trusted) as client:
        assert client.version().version == "0.12.6"


def test_configured_ssl_context_requires_certificates() -> None:
    """The same property without a server: the transport's SSL context (httpx internals,
    so an implementation probe) verifies certificates and host names."""
    for client in (Client("https://example.invalid"), AsyncClient("https://example.invalid")):
        context = httpx_client_of(client)._transport._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    off = Client("https://example.invalid", verify=False)
    assert httpx_client_of(off)._transport._pool._ssl_context.verify_mode == ssl.CERT_NONE


# --- tool-call arguments are data ---------------------------------------------------------

PAYLOADS: list[dict[str, Any]] = [
    {"x": "__import__('os').system('touch {sentinel}')"},
    {"code": "eval(compile('open(\"{sentinel}\", \"w\")', 'x', 'exec'))", "n": 1},
    {"nested": {"cmd": ["exec('import os; os.system(\"touch {sentinel}\")')"]}},
]


@pytest.fixture
def no_eval(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """eval/exec/compile record any call (and refuse it) while the test runs."""
    calls: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise AssertionError(f"{name} called with {args!r}")

        return call

    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, refuse(name))
    return calls


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("payload", range(len(PAYLOADS)))
def test_tool_call_arguments_stay_strings(
    fake: FakeOllama, tmp_path: Path, no_eval: list[str], payload: int, stream: bool
) -> None:
    sentinel = tmp_path / "pwned"
    arguments = msgspec.json.decode(
        msgspec.json.encode(PAYLOADS[payload]).replace(b"{sentinel}", str(sentinel).encode())
    )
    call = {"function": {"name": "get_weather", "arguments": arguments}}
    reply = {
        "model": MODEL,
        "message": {"role": "assistant", "content": "", "tool_calls": [call]},
        "done": True,
    }
    body = msgspec.json.encode(reply) + (b"\n" if stream else b"")
    fake.inject(Fault.status(200, body, "application/x-ndjson" if stream else "application/json"))
    with Client(fake.url, max_retries=0) as client:
        if stream:
            message = list(client.chat(MODEL, MSGS, stream=True))[-1].message
        else:
            message = client.chat(MODEL, MSGS).message
        assert message.tool_calls is not None
        received = message.tool_calls[0].function.arguments
        assert received == arguments  # exactly the JSON that was sent: strings stay strings
        # Sending the reply back as history keeps them as they are, too.
        client.chat(MODEL, [*MSGS, message, {"role": "tool", "content": "21"}])
    history = fake.requests[-1].json["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert history == arguments
    assert not sentinel.exists() and no_eval == []


def test_tool_call_arguments_that_are_not_a_json_object(
    fake: FakeOllama, no_eval: list[str]
) -> None:
    code = "__import__('os').system('echo pwned')"
    reply = {
        "model": MODEL,
        "message": {
            "role": "assistant",
            "tool_calls": [{"function": {"name": "f", "arguments": code}}],
        },
        "done": True,
    }
    fake.inject(Fault.status(200, msgspec.json.encode(reply)))
    with Client(fake.url, max_retries=0) as client:
        with pytest.raises(InvalidResponseError, match="arguments"):
            client.chat(MODEL, MSGS)
        # A history message with string arguments is parsed as JSON, never evaluated.
        history = {
            "role": "assistant",
            "tool_calls": [{"function": {"name": "f", "arguments": code}}],
        }
        with pytest.raises(RequestError, match="not a JSON object"):
            client.chat(MODEL, [*MSGS, history])
    assert no_eval == []
    assert [r.path for r in fake.requests] == ["/api/chat"]  # the bad history was not sent


# --- strings are never opened as image files ---------------------------------------------


@pytest.fixture
def file_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths opened or read through open(), io.open, os.open, Path.open and Path.read_bytes."""
    reads: list[str] = []

    def spy(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(target: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(target, (str, bytes, os.PathLike)):
                reads.append(os.fsdecode(target))
            return original(target, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", spy(builtins.open))
    monkeypatch.setattr(io, "open", spy(io.open))
    monkeypatch.setattr(os, "open", spy(os.open))
    monkeypatch.setattr(pathlib.Path, "open", spy(pathlib.Path.open))
    monkeypatch.setattr(pathlib.Path, "read_bytes", spy(pathlib.Path.read_bytes))
    return reads


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "holiday.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n private picture bytes")
    return path


def test_a_path_object_is_read_so_the_spy_works(
    fake: FakeOllama, picture: Path, file_reads: list[str]
) -> None:
    with Client(fake.url, max_retries=0) as client:
        client.generate(MODEL, "describe", images=[picture])
    assert str(picture) in file_reads
    sent = fake.requests[-1].json["images"]
    assert sent == [base64.b64encode(picture.read_bytes()).decode()]


STRING_IMAGE_CALLS: dict[str, Callable[[Any, str], Any]] = {
    "generate-images": lambda c, s: c.generate(MODEL, "describe", images=[s]),
    "chat-message-images": lambda c, s: c.chat(
        MODEL, [{"role": "user", "content": "describe", "images": [s]}]
    ),
    "Image(str)": lambda c, s: c.generate(MODEL, "describe", images=[Image(s)]),
    "chat-Message-images": lambda c, s: c.chat(
        MODEL, [ollama_lite.Message(role="user", content="x", images=[s])]
    ),
}


@pytest.mark.parametrize("name", list(STRING_IMAGE_CALLS))
def test_a_string_naming_a_file_is_refused_and_not_read(
    fake: FakeOllama, picture: Path, file_reads: list[str], name: str
) -> None:
    client = Client(fake.url, max_retries=0)
    with client, pytest.raises(RequestError, match="never opened as files"):
        STRING_IMAGE_CALLS[name](client, str(picture))
    assert str(picture) not in file_reads
    assert fake.requests == []


@pytest.mark.anyio
async def test_async_a_string_naming_a_file_is_refused_and_not_read(
    fake: FakeOllama, picture: Path, file_reads: list[str]
) -> None:
    async with AsyncClient(fake.url, max_retries=0) as client:
        with pytest.raises(RequestError):
            await client.generate(MODEL, "describe", images=[str(picture)])
        with pytest.raises(RequestError):
            await client.chat(MODEL, [{"role": "user", "content": "x", "images": [str(picture)]}])
    assert str(picture) not in file_reads and fake.requests == []


def test_a_file_whose_name_is_valid_base64_is_refused_not_read(
    fake: FakeOllama, tmp_path: Path, file_reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "QUJD").write_bytes(b"private file contents")  # "QUJD" is base64 for "ABC"
    file_reads.clear()
    with Client(fake.url, max_retries=0) as client, pytest.raises(RequestError, match="Path"):
        client.generate(MODEL, "describe", images=["QUJD"])
    assert fake.requests == []
    assert not any(read.endswith("QUJD") for read in file_reads)


# --- wrong input is refused before sending ------------------------------------------------

BAD_CALLS: dict[str, Callable[[Any], Any]] = {
    "model-int": lambda c: c.chat(123, MSGS),
    "model-empty": lambda c: c.chat("", MSGS),
    "model-space": lambda c: c.chat("llama 3", MSGS),
    "messages-str": lambda c: c.chat(MODEL, "hello"),
    "messages-dict": lambda c: c.chat(MODEL, {"role": "user", "content": "x"}),
    "messages-item-int": lambda c: c.chat(MODEL, [42]),
    "messages-role-missing": lambda c: c.chat(MODEL, [{"content": "x"}]),
    "messages-content-int": lambda c: c.chat(MODEL, [{"role": "user", "content": 5}]),
    "options-str": lambda c: c.chat(MODEL, MSGS, options="fast"),
    "options-unknown": lambda c: c.chat(MODEL, MSGS, options={"temprature": 0.1}),
    "options-wrong-type": lambda c: c.chat(MODEL, MSGS, options={"temperature": "hot"}),
    "stream-str": lambda c: c.chat(MODEL, MSGS, stream="yes"),
    "think-level": lambda c: c.chat(MODEL, MSGS, think=""),
    "message-key": lambda c: c.chat(MODEL, [{"role": "user", "text": "hi"}]),
    "message-role": lambda c: c.chat(MODEL, [{"role": "bot", "content": "hi"}]),
    "request-timeout": lambda c: c.chat(MODEL, MSGS, timeout="5"),
    "tools-str": lambda c: c.chat(MODEL, MSGS, tools="get_weather"),
    "tools-int": lambda c: c.chat(MODEL, MSGS, tools=[42]),
    "format-int": lambda c: c.chat(MODEL, MSGS, format=42),
    "keep-alive-list": lambda c: c.chat(MODEL, MSGS, keep_alive=[5]),
    "keep-alive-unitless": lambda c: c.chat(MODEL, MSGS, keep_alive="5"),
    "top-logprobs": lambda c: c.chat(MODEL, MSGS, top_logprobs=99),
    "images-single": lambda c: c.generate(MODEL, "x", images=b"\x89PNG"),
    "images-int": lambda c: c.generate(MODEL, "x", images=[123]),
    "images-not-base64": lambda c: c.generate(MODEL, "x", images=["not base64!"]),
    "prompt-int": lambda c: c.generate(MODEL, 42),
    "embed-input-ints": lambda c: c.embed("nomic-embed-text", [1, 2]),
    "embed-input-bytes": lambda c: c.embed("nomic-embed-text", b"x"),
    "embed-dimensions": lambda c: c.embed("nomic-embed-text", "x", dimensions=0),
    "create-nothing": lambda c: c.create("new"),
    "create-bad-digest": lambda c: c.create("new", files={"a.gguf": "md5:1"}),
    "create-path-escape": lambda c: c.create("new", files={"../a": "sha256:" + "0" * 64}),
    "copy-int": lambda c: c.copy(1, "x"),
    "pull-none": lambda c: c.pull(None),
    "show-empty": lambda c: c.show(""),
    "blob-digest": lambda c: c.blob_exists("sha256:xyz"),
    "web-search-empty": lambda c: c.web_search("  "),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_wrong_input_is_refused_before_sending(fake: FakeOllama, name: str) -> None:
    client = Client(fake.url, max_retries=0, api_key="k")
    with client, pytest.raises(RequestError) as info:
        BAD_CALLS[name](client)
    assert isinstance(info.value, ValueError) and str(info.value)
    assert fake.requests == []


@pytest.mark.anyio
async def test_async_wrong_input_is_refused_before_sending(fake: FakeOllama) -> None:
    async with AsyncClient(fake.url, max_retries=0, api_key="k") as client:
        for name, call in BAD_CALLS.items():
            with pytest.raises(RequestError):
                await call(client)
            assert fake.requests == [], name


def test_wrong_client_configuration_is_refused() -> None:
    for kwargs in ({"max_retries": -1}, {"max_retries": "3"}, {"host": 11434}):
        with pytest.raises(RequestError):
            Client(**kwargs)  # type: ignore[arg-type]
