"""Reduce an HTTP response to what the differential suite compares: status, media type,
framing, JSON field names and types, and error texts (values other than errors are ignored)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

_BLOB_PATH = re.compile(r"\S*/blobs/sha256-")  # the models directory is configuration


def error_text(message: str) -> str:
    """An error text with the server's models directory replaced by ``<models>``."""
    return _BLOB_PATH.sub("<models>/blobs/sha256-", message)


# Maps whose keys depend on the model, not on the protocol: only their type is compared.
FREE_FORM = {"model_info", "arguments", "projector_info", "modelinfo"}


def json_type(value: Any) -> str:
    """JSON type name ("number" for ints and floats: Go writes a float 0 as ``0``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def flatten(value: Any, prefix: str, out: dict[str, set[str]]) -> None:
    """Collect ``path -> {types}`` for every field (``[]`` stands for any list element)."""
    out.setdefault(prefix or ".", set()).add(json_type(value))
    if isinstance(value, dict) and prefix.rsplit(".", 1)[-1] not in FREE_FORM:
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list):
        for item in value:
            flatten(item, f"{prefix}[]", out)


@dataclass
class Observed:
    """One response, reduced."""

    status: int
    media_type: str
    framing: str  # "json", "ndjson", "text" or "empty"
    fields: dict[str, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    text: str = ""


def observe(response: httpx.Response) -> Observed:
    """Reduce ``response`` (fully read) to an :class:`Observed`."""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    body = response.content
    seen = Observed(response.status_code, media, "empty")
    if not body:
        return seen
    if media == "application/x-ndjson":
        seen.framing = "ndjson"
        for line in body.decode().splitlines():
            chunk = json.loads(line)
            part = "final" if chunk.get("done") or "error" in chunk else "chunk"
            if isinstance(chunk, dict) and "status" in chunk and "done" not in chunk:
                part = "progress"
            flatten(chunk, part, seen.fields)
            if "error" in chunk:
                seen.errors.append(error_text(chunk["error"]))
        return seen
    try:
        data = json.loads(body)
    except ValueError:
        seen.framing, seen.text = "text", body.decode(errors="replace")[:200]
        return seen
    seen.framing = "json"
    flatten(data, "", seen.fields)
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        seen.errors.append(error_text(data["error"]))
    return seen


def differences(fake: Observed, real: Observed) -> list[str]:
    """Human-readable differences, each one line starting with its aspect."""
    found = []
    if fake.status != real.status:
        found.append(f"status: fake {fake.status}, real {real.status}")
    if fake.media_type != real.media_type:
        found.append(f"content-type: fake {fake.media_type!r}, real {real.media_type!r}")
    if fake.framing != real.framing:
        found.append(f"framing: fake {fake.framing}, real {real.framing}")
    if fake.errors != real.errors:
        found.append(f"error: fake {fake.errors!r}, real {real.errors!r}")
    if fake.text != real.text:
        found.append(f"text: fake {fake.text!r}, real {real.text!r}")
    for path in sorted(set(fake.fields) | set(real.fields)):
        mine, theirs = fake.fields.get(path), real.fields.get(path)
        if mine is None:
            found.append(f"field {path}: only real sends it ({sorted(theirs or ())})")
        elif theirs is None:
            found.append(f"field {path}: only fake sends it ({sorted(mine)})")
        elif mine != theirs:
            found.append(f"field {path}: fake {sorted(mine)}, real {sorted(theirs)}")
    return found
