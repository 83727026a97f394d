"""A misbehaving HTTP server on raw sockets, and a way to see the client's own sockets.

`RawServer` listens on 127.0.0.1 and runs one scripted *behaviour* per accepted connection
on its own thread. A behaviour gets a `RawConnection` and does whatever the test needs at
byte level: answer properly, close before the status line, cut a chunked body, reset the
connection (SO_LINGER 0), stay silent, trickle bytes... When a behaviour returns without
closing, the server keeps the connection until the *client* closes it, so
`open_connections` going back to 0 proves that the client closed its socket.

`client_sockets(port)` counts the sockets of this process that are connected *to* `port`
(the client side; the server's accepted sockets have `port` as their local port), by
matching /proc/net/tcp inodes against /proc/self/fd. It sees a socket the client forgot to
close even when the server closed its side first.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = [
    "Flood",
    "RawConnection",
    "RawServer",
    "Request",
    "client_sockets",
    "no_client_sockets",
    "open_fds",
    "shut_client_sockets",
    "wait_until",
]

JSON = "application/json; charset=utf-8"
NDJSON = "application/x-ndjson"


def open_fds() -> int:
    """File descriptors open in this process."""
    return len(os.listdir("/proc/self/fd"))


def _client_sockets(port: int, shutdown: bool = False) -> int:
    count = 0
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
            with socket.socket(fileno=os.dup(fd)) as sock:
                if sock.type != socket.SOCK_STREAM:
                    continue
                peer = sock.getpeername()
                if isinstance(peer, tuple) and peer[1] == port:
                    count += 1
                    if shutdown:
                        sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            continue
    return count


def client_sockets(port: int) -> int:
    """Sockets of this process whose peer is 127.0.0.1:`port` (i.e. client sockets to it).

    Each socket descriptor in /proc/self/fd is duplicated and asked for its peer; the server
    side of a connection has the client's ephemeral port as its peer, so it is not counted.
    A socket the server already closed (CLOSE_WAIT) still counts until the client closes it.
    """
    return _client_sockets(port)


def shut_client_sockets(port: int) -> int:
    """Clean-up after a client that leaked sockets to `port`: shut them down (the server sees
    the connections end; the descriptors stay until their owner is collected)."""
    return _client_sockets(port, shutdown=True)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `predicate` until it holds (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def no_client_sockets(port: int, timeout: float = 5.0) -> bool:
    """True once this process holds no socket connected to `port`. No garbage collection is
    forced: the client must close its socket itself."""
    return wait_until(lambda: client_sockets(port) == 0, timeout)


@dataclass
class Request:
    """One HTTP/1.1 request as the raw server read it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    port: int = 0


class Closed(Exception):
    """The client closed the connection while the server was reading."""


@dataclass(eq=False)
class RawConnection:
    """The server side of one accepted connection."""

    sock: socket.socket
    server: RawServer
    buffer: bytes = b""
    closed: bool = False
    requests: list[Request] = field(default_factory=list)

    # -- reading ---------------------------------------------------------------------------
    def _recv(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise Closed
        return data

    def read_request(self) -> Request | None:
        """Read one request (Content-Length or chunked body); None if the client closed."""
        try:
            while b"\r\n\r\n" not in self.buffer:
                self.buffer += self._recv()
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = self._read_chunked()
            else:
                size = int(headers.get("content-length", "0"))
                while len(self.buffer) < size:
                    self.buffer += self._recv()
                body, self.buffer = self.buffer[:size], self.buffer[size:]
        except (Closed, OSError):
            return None
        request = Request(method, path, headers, body, self.server.port)
        self.requests.append(request)
        self.server.record(request)
        return request

    def _read_chunked(self) -> bytes:
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                self.buffer += self._recv()
            size_line, _, self.buffer = self.buffer.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(self.buffer) < size + 2:
                self.buffer += self._recv()
            body += self.buffer[:size]
            self.buffer = self.buffer[size + 2 :]
            if size == 0:
                return body

    def wait_client_close(self, timeout: float) -> bool:
        """Read (and drop) whatever comes until the client closes; False on timeout."""
        deadline = time.monotonic() + timeout
        while not self.server.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.sock.settimeout(min(remaining, 0.1))
            try:
                if not self.sock.recv(65536):
                    return True
            except TimeoutError:
                continue
            except OSError:
                return True
        return False

    # -- writing ---------------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_head(
        self, status: int = 200, headers: Iterable[tuple[str, str]] = (), reason: str = "OK"
    ) -> None:
        lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def respond(
        self,
        status: int = 200,
        body: bytes = b"",
        content_type: str = JSON,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        all_headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        self.send_head(status, [*all_headers, *headers])
        self.send(body)

    def chunk(self, data: bytes) -> None:
        self.send(b"%x\r\n%s\r\n" % (len(data), data))

    def close(self) -> None:
        """Close the server side gracefully (FIN)."""
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()

    def reset(self) -> None:
        """Abort the connection: SO_LINGER 0 then close sends a TCP RST."""
        if not self.closed:
            self.closed = True
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()


Behaviour = Callable[[RawConnection], None]


class RawServer:
    """A threaded TCP server on 127.0.0.1 whose connections follow scripted behaviours.

    Each new connection takes the next behaviour from the script (`script(...)`), or
    `default` when the script is empty. `accepted` counts accepted connections;
    `open_connections` those still open (neither the behaviour nor the client closed them).
    """

    def __init__(
        self,
        default: Behaviour | None = None,
        *,
        backlog: int = 128,
        tls: ssl.SSLContext | None = None,
        hold: float = 30.0,
        accepting: bool = True,
        listen: bool = True,
    ) -> None:
        self.default = default or ok()
        self.tls = tls
        self.hold = hold
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.backlog = backlog
        if listen:
            self.listener.listen(backlog)
        self.listener.settimeout(0.02)
        self.port: int = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stopping = threading.Event()
        self.accepting = threading.Event()
        if accepting and listen:
            self.accepting.set()
        self._lock = threading.Lock()
        self._script: deque[Behaviour] = deque()
        self._connections: set[RawConnection] = set()
        self._threads: list[threading.Thread] = []
        self.accepted = 0
        self.handshake_failures: list[BaseException] = []
        self.requests: list[Request] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def listen(self) -> None:
        """Start listening (a server built with `listen=False` refuses connections until then)."""
        self.listener.listen(self.backlog)
        self.accepting.set()

    # -- script ----------------------------------------------------------------------------
    def script(self, *behaviours: Behaviour) -> RawServer:
        """The behaviours of the next connections, in order."""
        with self._lock:
            self._script.extend(behaviours)
        return self

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def wait_for_connections(self, count: int = 0, timeout: float = 5.0) -> bool:
        """Wait until at most `count` connections are open; False on timeout."""
        return wait_until(lambda: self.open_connections <= count, timeout)

    # -- serving ---------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            if not self.accepting.wait(0.02):
                continue
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.accepted += 1
                behaviour = self._script.popleft() if self._script else self.default
                conn = RawConnection(sock, self)
                self._connections.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn, behaviour), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: RawConnection, behaviour: Behaviour) -> None:
        try:
            if self.tls is not None:
                try:
                    conn.sock = self.tls.wrap_socket(conn.sock, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    self.handshake_failures.append(exc)
                    return
            with contextlib.suppress(OSError):
                behaviour(conn)
                if not conn.closed:
                    conn.wait_client_close(self.hold)
        finally:
            conn.close()
            with self._lock:
                self._connections.discard(conn)

    def close(self) -> None:
        self.stopping.set()
        self.accepting.set()
        self._acceptor.join(5)
        self.listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- behaviours --------------------------------------------------------------------------

Route = Callable[[Request], "tuple[int, list[tuple[str, str]], bytes]"]
VERSION = b'{"version":"0.12.6"}'


def http(route: Route) -> Behaviour:
    """A well-behaved keep-alive HTTP/1.1 server: `route(request)` gives status, headers, body."""

    def behaviour(conn: RawConnection) -> None:
        while (request := conn.read_request()) is not None:
            status, headers, body = route(request)
            conn.respond(status, body, headers=headers)

    return behaviour


def ok(body: bytes = VERSION) -> Behaviour:
    """Answer every request with 200 and `body` (JSON), keeping the connection alive."""
    return http(lambda request: (200, [], body))


def close_before_status() -> Behaviour:
    """Read the request, then close without a byte of response."""

    def behaviour(conn: RawConnection) -> None:
        conn.read_request()
        conn.close()

    return behaviour


def close_after_headers(content_length: int = 1000, body: bytes = b"") -> Behaviour:
    """Send the status line and headers promising `content_length` bytes, `body`, then close."""

    def behaviour(conn: RawConnection) -> None:
        conn.read_request()
        conn.send_head(200, [("Content-Type", JSON), ("Content-Length", str(content_length))])
        if body:
            conn.send(body)
        conn.close()

    return behaviour


def chunked_stream(
    lines: Iterable[bytes], then: str = "close", pause: float = 0.02, interval: float = 0.0
) -> Behaviour:
    """A chunked NDJSON stream of `lines` (one every `interval` seconds), then: `close` (no
    terminating chunk), `truncate` (a chunk shorter than its announced size, then close),
    `garbage` (an invalid chunk size), `reset` (RST), `silence` (say nothing more until the
    client leaves) or `finish` (a proper end)."""

    def behaviour(conn: RawConnection) -> None:
        conn.read_request()
        conn.send_head(200, [("Content-Type", NDJSON), ("Transfer-Encoding", "chunked")])
        for line in lines:
            conn.chunk(line)
            if interval and conn.server.stopping.wait(interval):
                return
        time.sleep(pause)  # let the client read what was sent before the fault
        if then == "silence":
            return
        if then == "finish":
            conn.send(b"0\r\n\r\n")
            return
        if then == "truncate":
            conn.send(b"400\r\n" + b'{"model":"m","message":{"role":"assist')
            conn.close()
        elif then == "garbage":
            conn.send(b"zz-not-hex\r\nhello\r\n")
            conn.close()
        elif then == "reset":
            conn.reset()
        else:
            conn.close()

    return behaviour


def reset_before_status() -> Behaviour:
    """Read the request, then abort the connection with a TCP RST."""

    def behaviour(conn: RawConnection) -> None:
        conn.read_request()
        conn.reset()

    return behaviour


def silent(read: bool = True) -> Behaviour:
    """Accept (and read the request when `read`), then say nothing until the client leaves."""

    def behaviour(conn: RawConnection) -> None:
        if read:
            conn.read_request()

    return behaviour


def trickle(
    response: bytes, interval: float, *, gap_after: int | None = None, gap: float = 0.0
) -> Behaviour:
    """Send the whole `response` one byte every `interval` seconds; after `gap_after` bytes
    (if given) pause `gap` seconds instead."""

    def behaviour(conn: RawConnection) -> None:
        conn.read_request()
        for index in range(len(response)):
            conn.send(response[index : index + 1])
            pause = gap if gap_after is not None and index + 1 == gap_after else interval
            if conn.server.stopping.wait(pause):
                return

    return behaviour


class Flood:
    """Answer `status` with a `total`-byte body of `fill` (no newline), sent from one reused
    64 KiB buffer so the server itself allocates nothing per chunk; `sent` counts the bytes
    that went out before the client hung up."""

    def __init__(
        self, status: int = 200, *, total: int, content_type: str = NDJSON, fill: bytes = b"a"
    ) -> None:
        self.status = status
        self.total = total
        self.content_type = content_type
        self.block = memoryview(fill * (65536 // len(fill)))
        self.sent = 0

    def __call__(self, conn: RawConnection) -> None:
        conn.read_request()
        headers = [("Content-Type", self.content_type), ("Content-Length", str(self.total))]
        conn.send_head(self.status, headers)
        block = self.block
        while self.sent < self.total:
            piece = (
                block if self.total - self.sent >= len(block) else block[: self.total - self.sent]
            )
            conn.sock.sendall(piece)
            self.sent += len(piece)


def http_response(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> bytes:
    """The bytes of a complete HTTP/1.1 response with a Content-Length."""
    lines = [f"HTTP/1.1 {status} OK", *(f"{k}: {v}" for k, v in headers)]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
