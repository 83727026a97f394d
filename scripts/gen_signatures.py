"""Write the client methods' keyword parameters from the TypedDicts in `types/params.py`.

`ChatParams`, `GenerateParams`, ... and `RequestOptions` are the one definition of what each
endpoint takes. The methods in `ollama_lite/_async/` list those keys as explicit parameters
(so `help()`, `inspect.signature`, IDE signature help and completion show each one, which
`**params: Unpack[...]` does not), between marker comments this script fills in:

    # BEGIN params generated from ChatParams, RequestOptions by scripts/gen_signatures.py
    ...one `name: annotation = default,` line per key, in the TypedDict's order...
    # END generated params

A key's default is None, except `RequestOptions` keys: `NOT_GIVEN` (the client's setting).
Run it after editing `types/params.py` (`scripts/unasync.py` runs it first, then generates
`_sync/`); `--check` exits 1 when a marked block is out of date.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMS_FILE = ROOT / "ollama_lite" / "types" / "params.py"
SOURCE_DIR = ROOT / "ollama_lite" / "_async"
SCRIPT = "scripts/gen_signatures.py"
BEGIN = re.compile(
    r"^(?P<indent>[ ]*)# BEGIN params generated from (?P<names>\w+(?:, \w+)*) by "
    + re.escape(SCRIPT)
    + r"\n$"
)
END = "# END generated params"
LINE_LENGTH = 100

#: TypedDicts whose keys default to a sentinel rather than None: (type, default).
SENTINELS: dict[str, tuple[str, str]] = {"RequestOptions": ("NotGiven", "NOT_GIVEN")}

Fields = dict[str, list[tuple[str, str]]]


def typed_dict_fields(source: str) -> Fields:
    """Each class of `source` -> its (key, annotation) pairs, inherited keys first."""
    classes: Fields = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: list[tuple[str, str]] = []
        for base in node.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                fields += classes[base.id]
        for statement in node.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                fields.append((statement.target.id, ast.unparse(statement.annotation)))
        classes[node.name] = fields
    return classes


def parameter_lines(names: list[str], fields: Fields, indent: str, where: str) -> list[str]:
    """The parameter lines for the keys of the TypedDicts `names`."""
    lines: list[str] = []
    for name in names:
        if name not in fields:
            raise SystemExit(f"{where}: no class {name} in {PARAMS_FILE.relative_to(ROOT)}")
        sentinel = SENTINELS.get(name)
        for key, annotation in fields[name]:
            if sentinel is None:
                line = f"{indent}{key}: {annotation} = None,\n"
            else:
                # The sentinel's type goes before a trailing None (ruff RUF036).
                head, none, _ = annotation.rpartition(" | None")
                typed = f"{head} | {sentinel[0]}{none}" if none else f"{annotation} | {sentinel[0]}"
                line = f"{indent}{key}: {typed} = {sentinel[1]},\n"
            if len(line) - 1 > LINE_LENGTH:
                raise SystemExit(f"{where}: the line for {key!r} is over {LINE_LENGTH} chars")
            lines.append(line)
    return lines


def rewrite(text: str, fields: Fields, where: str = "<text>") -> str:
    """`text` with every marked block filled in from `fields`."""
    out: list[str] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        begin = BEGIN.match(line)
        if begin is None:
            if "# BEGIN params generated" in line:
                raise SystemExit(f"{where}:{index}: malformed marker: {line.strip()!r}")
            continue
        names = begin["names"].split(", ")
        place = f"{where}:{index}"
        out += parameter_lines(names, fields, begin["indent"], place)
        while index < len(lines) and lines[index].strip() != END:
            if BEGIN.match(lines[index]):
                raise SystemExit(f"{place}: BEGIN without its {END!r}")
            index += 1
        if index == len(lines):
            raise SystemExit(f"{place}: BEGIN without its {END!r}")
    return "".join(out)


def expected_sources(fields: Fields | None = None) -> dict[Path, str]:
    """Every `_async/` source that has markers, with its blocks filled in."""
    fields = fields if fields is not None else typed_dict_fields(PARAMS_FILE.read_text())
    result: dict[Path, str] = {}
    for path in sorted(SOURCE_DIR.glob("*.py")):
        text = path.read_text()
        if "# BEGIN params generated" in text:
            result[path] = rewrite(text, fields, str(path.relative_to(ROOT)))
    if not result:
        raise SystemExit(f"no marker in {SOURCE_DIR.relative_to(ROOT)}: nothing to generate")
    return result


def main(argv: list[str]) -> int:
    stale = [path for path, text in expected_sources().items() if path.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)}: parameters out of date: run python {SCRIPT}")
        return 1 if stale else 0
    for path, text in expected_sources().items():
        if path in stale:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
