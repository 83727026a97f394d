"""One conformance suite, two servers: the same raw requests to the fake and to the real Ollama,
compared on status, content type, framing, JSON field names and types, and error texts.

A difference is allowed only if ``KNOWN`` lists it, once, with its reason: the fake plays a
newer Ollama than the real test server (0.9.3), or the test server is offline. Anything else,
and any ``KNOWN`` entry that no longer matches, fails. The counts are printed in the summary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from ._diff_cases import CASES, Case
from ._known_differences import KNOWN
from ._real import SUMMARY
from ._shape import Observed, differences, observe

testing = pytest.importorskip("ollama_lite.testing")


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    # The fake's llama3.2 gets the capabilities of the tiny model it stands in for (insert).
    chat = testing.FakeModel(
        "llama3.2", capabilities=("completion", "tools", "insert"), license="MIT"
    )
    with testing.FakeOllama(models=[chat]) as server:
        yield server.url


def _send(client: httpx.Client, case: Case) -> Observed:
    if case.body is None:
        content = None
    elif isinstance(case.body, bytes):
        content = case.body
    else:
        content = json.dumps(case.body).encode()
    response = client.request(case.method, case.path, content=content)
    return observe(response)


def _run_all(url: str) -> dict[str, Observed]:
    with httpx.Client(base_url=url, timeout=60.0) as client:
        return {case.name: _send(client, case) for case in CASES}


def test_fake_and_real_server_agree(fake_url: str, real_host: str) -> None:
    fake, real = _run_all(fake_url), _run_all(real_host)
    unexplained, used = [], set()
    for case in CASES:
        for found in differences(fake[case.name], real[case.name]):
            matches = [
                i
                for i, known in enumerate(KNOWN)
                if re.fullmatch(known.case, case.name) and re.search(known.difference, found)
            ]
            if matches:
                used.update(matches)
            else:
                unexplained.append(f"{case.name}: {found}")
    stale = [f"{k.case} / {k.difference}" for i, k in enumerate(KNOWN) if i not in used]
    offline = sum(1 for k in KNOWN if k.kind == "offline")
    SUMMARY.append(
        f"differential conformance: {len(CASES)} cases compared on the fake and the real "
        f"server; {len(KNOWN)} listed differences ({len(KNOWN) - offline} version, "
        f"{offline} offline; {len(used)} seen); {len(unexplained)} unexplained"
    )
    assert not unexplained, "differences nobody explained:\n" + "\n".join(unexplained)
    assert not stale, "listed differences that no longer occur:\n" + "\n".join(stale)


def test_every_case_has_a_distinct_name() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    routes = {case.path.split("/api/")[-1].split("/")[0] for case in CASES}
    assert {"chat", "generate", "embed", "embeddings", "show", "tags", "ps", "version"} <= routes
    assert {"create", "copy", "delete", "pull", "push", "blobs"} <= routes


def test_the_comparison_sees_every_aspect() -> None:
    def seen(status: int, body: bytes, media: str = "application/json") -> Observed:
        return observe(httpx.Response(status, content=body, headers={"content-type": media}))

    same = seen(200, b'{"a": 1, "b": [0.5]}')
    assert differences(same, seen(200, b'{"a": 2, "b": [1]}')) == []
    found = differences(same, seen(201, b'{"a": "x", "c": null}', "text/json"))
    assert [line.split(":")[0] for line in found] == [
        "status",
        "content-type",
        "field a",
        "field b",
        "field b[]",
        "field c",
    ]
    errors = differences(seen(404, b'{"error": "x"}'), seen(404, b'{"error": "y"}'))
    assert errors == ["error: fake ['x'], real ['y']"]
    lines = b'{"done": false, "n": 1}\n{"done": true, "m": 2}\n'
    stream = seen(200, lines, "application/x-ndjson")
    assert stream.framing == "ndjson" and {"chunk.n", "final.m"} <= set(stream.fields)
