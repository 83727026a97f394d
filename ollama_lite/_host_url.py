"""The host-URL grammar, in one place: what `OLLAMA_HOST`, `Client(host=...)` and the
LangChain adapter's `base_url` accept.

It follows the Ollama server's own rules for `OLLAMA_HOST` (envconfig.Host), so a value
that works for `ollama serve` works here too. Pure: no sockets.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from ._constants import DEFAULT_HOST, DEFAULT_PORT
from ._errors import RequestError

__all__ = ["HostConfig", "parse_host", "resolve_host"]

_BIND_ADDRESSES = {"0.0.0.0": "127.0.0.1", "::": "::1"}
_HOSTNAME = re.compile(r"^[A-Za-z0-9_.%~-]+$")
_IPV6 = re.compile(r"^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$")


@dataclass(frozen=True, slots=True)
class HostConfig:
    """A parsed host: the base URL to send requests to, and Basic credentials taken from it."""

    base_url: str
    authorization: str | None = None

    def __repr__(self) -> str:
        # The credentials never show up in a repr.
        auth = ", authorization=<redacted>" if self.authorization else ""
        return f"HostConfig(base_url={self.base_url!r}{auth})"


def _strip(value: str) -> str:
    return value.strip().strip("\"'").strip()


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """Split `host:port` like Go's net.SplitHostPort; None when there is no port."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end == -1 or not hostport[end + 1 :].startswith(":"):
            return None
        return hostport[1:end], hostport[end + 2 :]
    if hostport.count(":") != 1:
        return None
    host, _, port = hostport.partition(":")
    return host, port


def _format_host(host: str) -> str:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed


def _without_credentials(value: str) -> str:
    """`value` with any `user:password@` replaced, for messages."""
    return re.sub(r"(?<=://)[^/@]*@", "<credentials>@", value)


def _check_strictly(hostport: str, split: tuple[str, str] | None, shown: str) -> None:
    """Raise for what the lenient parse would silently repair or replace."""
    if hostport.startswith("["):
        end = hostport.find("]")
        tail = hostport[end + 1 :] if end != -1 else "?"
        if end == -1 or (tail and not tail.startswith(":")):
            raise RequestError(f"host {shown!r} has a malformed IPv6 address")
        host = hostport[1:end]
        valid = ":" in host and bool(_IPV6.match(host))
    elif split is None and hostport.count(":") > 1:  # a bare IPv6 address
        host, valid = hostport, bool(_IPV6.match(hostport))
    else:
        host = split[0] if split is not None else hostport
        valid = bool(_HOSTNAME.match(host))
    if not valid:
        raise RequestError(f"host {shown!r} has no valid host name")
    if split is not None:
        port = split[1]
        if not port:
            raise RequestError(f"host {shown!r} has an empty port")
        if not port.isdigit() or not 0 < int(port) <= 65535:
            raise RequestError(f"host {shown!r} has an invalid port {port!r}")


def parse_host(value: str, *, strict: bool = False) -> HostConfig:
    """Parse a host URL the way the Ollama server parses `OLLAMA_HOST`.

    - surrounding whitespace and quotes are removed;
    - no scheme: `http` and port 11434, except bare `ollama.com`, which is `https` on 443;
    - `http://` defaults to port 80 and `https://` to 443; an explicit port is kept;
    - a path after the host is kept as a prefix (`https://example.com/ollama`);
    - bare or bracketed IPv6 works (`::1`, `[::1]:8080`);
    - bind addresses (`0.0.0.0`, `::`) become loopback addresses to connect to;
    - `user:password@` becomes a Basic `Authorization` header and is removed from the URL.

    Like the server, the lenient default maps an empty value to the default host and an
    invalid port to the scheme's default (with a warning). `strict=True` raises
    `RequestError` (a `ValueError`) for those instead, and for a malformed host name or
    IPv6 address; it drops a `?query` or `#fragment`. A scheme other than http(s) is always
    an error.
    """
    if not isinstance(value, str):
        raise RequestError(f"host must be a string, not {type(value).__name__}")
    value = _strip(value)
    shown = _without_credentials(value)
    if not value:
        if strict:
            raise RequestError("host is empty")
        return HostConfig(DEFAULT_HOST)

    scheme, sep, rest = value.partition("://")
    default_port = str(DEFAULT_PORT)
    if not sep:
        scheme, rest = "http", value
        if value.lower() == "ollama.com":
            scheme, rest = "https", "ollama.com:443"
    else:
        scheme = scheme.lower()
        if scheme == "http":
            default_port = "80"
        elif scheme == "https":
            default_port = "443"
        else:
            raise RequestError(f"host {shown!r} has scheme {scheme!r}; use http:// or https://")
    if strict:
        rest = rest.split("#", 1)[0].split("?", 1)[0]

    hostport, _, path = rest.partition("/")
    authorization = None
    if "@" in hostport:
        userinfo, _, hostport = hostport.rpartition("@")
        user, _, password = userinfo.partition(":")
        token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
        authorization = f"Basic {token}"

    split = _split_host_port(hostport)
    if strict:
        _check_strictly(hostport, split, shown)
    if split is None:
        hostname, port = hostport.strip("[]"), default_port
    else:
        hostname, port = split
    hostname = _BIND_ADDRESSES.get(hostname, hostname) or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) <= 65535:
        warnings.warn(
            f"invalid port {port!r} in host {hostname!r}; using {default_port}",
            stacklevel=3,
        )
        port = default_port

    base = f"{scheme}://{_format_host(hostname)}:{int(port)}"
    path = path.strip("/")
    if path:
        base = f"{base}/{path}"
    return HostConfig(base, authorization)


def resolve_host(host: str | None = None, env: Mapping[str, str] | None = None) -> HostConfig:
    """`parse_host(host)`, or of `OLLAMA_HOST` when `host` is None (else the default host)."""
    if host is None:
        host = (os.environ if env is None else env).get("OLLAMA_HOST", "")
    return parse_host(host)
