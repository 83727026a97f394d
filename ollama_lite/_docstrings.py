"""Google-style docstrings -> a tool's description and its parameters' descriptions."""

from __future__ import annotations

import inspect
import re

__all__ = ["parse_docstring"]

_SECTION_RE = re.compile(
    r"^(args|arguments|parameters|params|keyword args|keyword arguments|other parameters|"
    r"returns?|yields?|raises|examples?|notes?|attributes|warnings?|see also|references|todo)"
    r"\s*:\s*$",
    re.IGNORECASE,
)
_ARG_SECTIONS = frozenset(
    {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments"}
)
_ARG_ENTRY_RE = re.compile(r"^\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Google-style docstring -> (description, {param name: description})."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    description: list[str] = []
    args: dict[str, list[str]] = {}
    section: str | None = None
    section_indent = 0
    entry_indent: int | None = None
    current: list[str] | None = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        header = _SECTION_RE.match(stripped)
        if header and (section is None or indent <= max(section_indent, 0)):
            # cleandoc dedents lines after the first, so a header on line 1 has lost its
            # indentation relative to its entries: accept entries at column 0 then.
            section, section_indent = header.group(1).lower(), -1 if number == 0 else indent
            entry_indent, current = None, None
            continue
        if section is None:
            description.append(line)
            continue
        if not stripped or section not in _ARG_SECTIONS:
            continue
        if indent <= section_indent:  # dedented text ends the section
            section, current = "", None
            continue
        if entry_indent is None:
            entry_indent = indent
        match = _ARG_ENTRY_RE.match(stripped) if indent <= entry_indent else None
        if match:
            current = args.setdefault(match.group(1), [])
            if match.group(2):
                current.append(match.group(2).strip())
        elif current is not None:
            current.append(stripped)
    text = inspect.cleandoc("\n".join(description)).strip()
    return text, {name: " ".join(parts) for name, parts in args.items()}
