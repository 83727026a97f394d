"""Generate `ollama_lite/_sync/` from `ollama_lite/_async/`, file for file, line for line.

The async package is the one source of both clients, so nothing is written twice by hand.
Run this after editing `ollama_lite/_async/`; `--check` exits 1 when a generated file is
out of date, missing or left over (CI and a test run it).

Each output line is the source line with the substitutions below applied (a line never
disappears, so line N of a source is line N + 2 of its output, after the header). A rule
that matches nothing any more is an error: rules must not outlive the code they were for.
What really differs between the two sides is hand-written in `ollama_lite/_async_backend.py`
and `ollama_lite/_sync_backend.py`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "ollama_lite" / "_async"
TARGET_DIR = ROOT / "ollama_lite" / "_sync"

# (pattern, replacement), applied in order to every line.
RULES: list[tuple[str, str]] = [
    # `aclose = close  # async alias: ...`: the sync side has one name; keep the line.
    (r"^(\s*)\w+ = \w+  # async alias: .*$", r"\1# (the async twin also has an alias here)"),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    (r"\b_async_backend\b", "_sync_backend"),
    (r"\bAsyncStream\b", "Stream"),
    (r"\bAsyncClient\b", "Client"),
    (r"\bAsyncSession\b", "Session"),
    (r"\bAsyncModelEndpoints\b", "ModelEndpoints"),
    (r"\bLoopHttpClients\b", "SingleHttpClient"),
    (r"\bis_async=True\b", "is_async=False"),
    (r"\bAsyncGenerator\[(.+?), None\]", r"Generator[\1, None, None]"),
    (r"\bAsyncGenerator\b", "Generator"),
    (r"\bAsyncIterator, Awaitable\b", "Iterator"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAwaitable\[T\]", "T"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\b__aiter__\b", "__iter__"),
    (r"\b__anext__\b", "__next__"),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\bAn asynchronous client\b", "A synchronous client"),
    (r" \(runs on asyncio and trio\)", ""),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in RULES]

HEADER = (
    "# Generated from ollama_lite/_async/{name} by scripts/unasync.py. Do not edit: edit the\n"
    "# async source and run `python scripts/unasync.py`.\n"
)


def generate(name: str, source: str, used: set[int]) -> str:
    """The sync twin of one source file; records the indexes of the rules that matched."""
    out: list[str] = []
    for line in source.splitlines(keepends=True):
        for index, (pattern, replacement) in enumerate(_COMPILED):
            line, count = pattern.subn(replacement, line)
            if count:
                used.add(index)
        out.append(line)
    return HEADER.format(name=name) + "".join(out)


def expected_files() -> dict[Path, str]:
    """Every file `_sync/` should hold, with its text; fails on a rule that matched nothing."""
    used: set[int] = set()
    files = {
        TARGET_DIR / source.name: generate(source.name, source.read_text(), used)
        for source in sorted(SOURCE_DIR.glob("*.py"))
    }
    unused = [RULES[index][0] for index in range(len(RULES)) if index not in used]
    if unused:
        raise SystemExit(f"unasync: these rules match nothing any more: {unused}")
    return files


def main(argv: list[str]) -> int:
    files = expected_files()
    present = set(TARGET_DIR.glob("*.py"))
    if "--check" in argv:
        stale = [
            path for path, text in files.items() if not path.exists() or path.read_text() != text
        ]
        stale += sorted(present - set(files))
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/unasync.py")
        return 1 if stale else 0
    TARGET_DIR.mkdir(exist_ok=True)
    for path in present - set(files):
        path.unlink()
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
