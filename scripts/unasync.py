"""Generate `ollama_lite/_sync/` from `ollama_lite/_async/`, file for file, line for line.

The async package is the one source of both clients, so nothing is written twice by hand.
Run this after editing `ollama_lite/_async/` or `ollama_lite/types/params.py`: it first runs
`scripts/gen_signatures.py` (the methods' keyword parameters), then writes `_sync/`.
`--check` exits 1 when a signature or a generated file is out of date, missing or left over,
or when a generated file still holds async code (`await`, `async`, `anyio`, `asyncio`,
`trio` outside comments and docstrings); CI and a test run it.

Each output line is the source line with the substitutions below applied (a line never
disappears, so line N of a source is line N + 2 of its output, after the header). A rule
that matches nothing any more is an error: rules must not outlive the code they were for.
What really differs between the two sides is hand-written in `ollama_lite/_async_backend.py`
and `ollama_lite/_sync_backend.py`.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import tokenize
from pathlib import Path
from types import ModuleType

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
    (r"\b_async_workers\b", "_sync_workers"),
    (r"\bAsyncHostPool\b", "HostPool"),
    (r"\bAsyncPoolSession\b", "PoolSession"),
    (r"\bAsyncPooledStream\b", "PooledStream"),
    (r"\bAsyncPoolRouter\b", "PoolRouter"),
    (r"\bAsyncEmbedBatches\b", "EmbedBatches"),
    (r"\bAsyncSender\b", "Sender"),
    (r"\bStopAsyncIteration\b", "StopIteration"),
    (r"\bAsyncStream\b", "Stream"),
    (r"\bAsyncClient\b", "Client"),
    (r"\bAsyncSession\b", "Session"),
    (r"\bAsync(\w+Endpoints)\b", r"\1"),
    (r"\bLoopTransports\b", "SingleTransports"),
    # The fast path (wire_*.py); its network backends are hand-written per side.
    (r"\banyio_network\b", "socket_network"),
    (r"\bAsyncSocket\b", "Socket"),
    (r"\bAsyncSlots\b", "Slots"),
    (r"\bAsyncConnectionPool\b", "ConnectionPool"),
    (r"\bAsyncConnection\b", "Connection"),
    (r"\bAsyncBody\b", "Body"),
    (r"\bAsyncResponse\b", "Response"),
    (r"\bAsyncWireClient\b", "WireClient"),
    (r"\bAsyncTransports\b", "Transports"),
    (r"\bAsyncIterable\b", "Iterable"),
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
    (r"\bag_frame\b", "gi_frame"),
    (r"\bag_running\b", "gi_running"),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\bAn asynchronous client\b", "A synchronous client"),
    (r" \(runs on asyncio and trio\)", ""),
    (r", or a cancellation\)", ")"),
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


ASYNC_WORDS = frozenset({"await", "async", "anyio", "asyncio", "trio"})
_ASYNC_WORD = re.compile(r"\b(?:" + "|".join(sorted(ASYNC_WORDS)) + r")\b")
# Tokens after which a string is a statement of its own (a docstring), not a value.
_STATEMENT_START = {tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE, tokenize.NL}


def async_leftovers(text: str) -> list[str]:
    """`line N: word` for each async word in code (not in comments or docstrings)."""
    found: list[str] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NAME and token.string in ASYNC_WORDS:
            found.append(f"line {token.start[0]}: {token.string}")
        elif token.type == tokenize.STRING and previous not in _STATEMENT_START:
            found += [f"line {token.start[0]}: {m}" for m in _ASYNC_WORD.findall(token.string)]
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return found


def problems(files: dict[Path, str]) -> list[str]:
    """What is wrong with the generated package as it would be written."""
    found: list[str] = []
    for path, text in files.items():
        found += [
            f"{path.relative_to(ROOT)}: async code left: {where}" for where in async_leftovers(text)
        ]
    leftovers = [p for p in TARGET_DIR.iterdir() if p.name != "__pycache__" and p.suffix != ".py"]
    found += [f"{path.relative_to(ROOT)}: not generated, remove it" for path in sorted(leftovers)]
    return found


def _signature_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_signatures", ROOT / "scripts" / "gen_signatures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    check = "--check" in argv
    if _signature_script().main(["--check"] if check else []):
        return 1
    files = expected_files()
    present = set(TARGET_DIR.glob("*.py"))
    bad = problems(files)
    for problem in bad:
        print(problem)
    if check:
        stale = [
            path for path, text in files.items() if not path.exists() or path.read_text() != text
        ]
        stale += sorted(present - set(files))
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/unasync.py")
        return 1 if stale or bad else 0
    TARGET_DIR.mkdir(exist_ok=True)
    for path in present - set(files):
        path.unlink()
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
