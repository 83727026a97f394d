"""Differences between the fake and the real test server, each listed once with its reason.

The fake plays Ollama 0.32.15; the real test server is 0.9.3 (the newest build installable from
PyPI here) and has no network. ``case`` is a regex matched against the whole case name,
``difference`` a regex searched in the difference line. Anything not listed here fails the suite,
and so does an entry that matches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    """One allowed difference and why it exists."""

    case: str
    difference: str
    reason: str
    kind: str = "version"  # "version" (0.32.15 vs 0.9.3) or "offline" (no registry access)


KNOWN: list[Known] = [
    Known(
        "tags",
        r"field models\[\]\.capabilities",
        "/api/tags lists each model's capabilities since 0.10; 0.9.3 only has them in /api/show",
    ),
    Known(
        "tags|show.*|ps",
        r"field (models\[\]\.)?details\.(context|embedding)_length",
        "ModelDetails gained context_length and embedding_length after 0.9.3",
    ),
    Known(
        "ps",
        r"field models\[\]\.context_length",
        "/api/ps reports each loaded model's context length since 0.10",
    ),
    Known(
        "chat tools.*",
        r"tool_calls\[\]\.(function\.index|id): only fake",
        "tool calls carry an id and function.index since 0.12; 0.9.3 sends neither",
    ),
    Known(
        "chat( stream)? unknown model",
        r"^error: fake \[\"model 'nope' not found\"\]",
        "0.32 looks the model up before scheduling (model 'x' not found); 0.9.3 fails in the "
        'scheduler (model "x" not found, try pulling it first)',
    ),
    Known(
        "chat think unsupported",
        r"^error: fake \['\"llama3.2\" does not support thinking'\]",
        "0.32 names the model as requested; 0.9.3 names it fully qualified",
    ),
    Known(
        "chat think level",
        r".",
        'think accepts "low"/"medium"/"high" since 0.11; 0.9.3 only decodes a bool (400)',
    ),
    Known(
        "embed too long no truncate",
        r"^error: fake \['the input length exceeds the context length'\]",
        "the embed context error was reworded when embedding moved to the new runner (0.12)",
    ),
    Known(
        "create from unknown",
        r".",
        "create from a name the server lacks pulls it first: the fake pretends to download, the "
        "test server has no network and fails",
        "offline",
    ),
    Known(
        "pull( stream)?",
        r".",
        "the fake pretends to download; the test server has no network and fails",
        "offline",
    ),
    Known(
        "push",
        r"^error: ",
        "the fake refuses a push to the library namespace like ollama.com would; the test "
        "server cannot reach the registry at all",
        "offline",
    ),
]
