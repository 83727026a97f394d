"""The default transport: a linear-pool httpx transport that keeps the caller's settings."""

from __future__ import annotations

import ssl

import httpx
import pytest

import ollama_lite
from ollama_lite._pool import linear_pool_classes, supported

pytestmark = pytest.mark.skipif(not supported(), reason="httpcore is not 1.0.x")


def pool_of(client: ollama_lite.Client | ollama_lite.AsyncClient) -> object:
    return client._http._transport._pool  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", [ollama_lite.Client, ollama_lite.AsyncClient])
def test_default_transport_uses_the_linear_pool(cls: type) -> None:
    classes = linear_pool_classes()
    assert classes is not None
    assert type(pool_of(cls())) in set(classes.values())


def test_transport_settings_are_forwarded() -> None:
    limits = httpx.Limits(max_connections=3, max_keepalive_connections=2, keepalive_expiry=1.5)
    client = ollama_lite.Client(limits=limits, verify=False)
    pool = pool_of(client)
    assert pool._max_connections == 3 and pool._max_keepalive_connections == 2  # type: ignore[attr-defined]
    assert pool._keepalive_expiry == 1.5  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode == ssl.CERT_NONE  # type: ignore[attr-defined]
    default = pool_of(ollama_lite.Client())
    assert default._ssl_context.verify_mode == ssl.CERT_REQUIRED  # type: ignore[attr-defined]


def test_a_callers_transport_is_used_as_given() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"version": "9"}))
    client = ollama_lite.Client(transport=transport)
    assert client._http._transport is transport  # type: ignore[attr-defined]
    assert client.version().version == "9"
