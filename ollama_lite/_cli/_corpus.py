"""Reading a corpus file as `(id, text)` pairs: JSONL, plain text, CSV or parquet.

Readers are lazy (one pass, constant memory) and strict: invalid JSON, a missing field and an
empty or non-string text are reported with the file and the line (or row) number, so the
command can check a whole file before any work starts.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CorpusError", "CorpusSpec", "FORMATS", "read_corpus"]

FORMATS = ("jsonl", "text", "csv", "parquet")
_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".txt": "text",
    ".text": "text",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


class CorpusError(ValueError):
    """The corpus file cannot be read as asked; the message names the file and the line."""


@dataclass(frozen=True)
class CorpusSpec:
    """Where the texts are and how to read them.

    `text_field` and `id_field` name a JSONL key or a CSV/parquet column; without
    `id_field` a text's id is its 1-based line (or row) number. `fmt` is one of `FORMATS`,
    or `None` to pick by the file's suffix.
    """

    path: Path
    text_field: str = "text"
    id_field: str | None = None
    fmt: str | None = None

    @property
    def format(self) -> str:
        """The format to read: the explicit one, else the one the suffix names."""
        if self.fmt is not None:
            if self.fmt not in FORMATS:
                raise CorpusError(f"unknown input format {self.fmt!r}: use one of {FORMATS}")
            return self.fmt
        try:
            return _SUFFIXES[self.path.suffix.lower()]
        except KeyError:
            raise CorpusError(
                f"{self.path}: cannot tell the format from the suffix "
                f"{self.path.suffix!r}; pass --format ({', '.join(FORMATS)})"
            ) from None


def read_corpus(spec: CorpusSpec) -> Iterator[tuple[str, str]]:
    """Yield `(id, text)` for every document in the file, in file order."""
    if not spec.path.is_file():
        raise CorpusError(f"{spec.path}: no such file")
    fmt = spec.format
    if fmt == "jsonl":
        return _jsonl(spec)
    if fmt == "text":
        return _text(spec)
    if fmt == "csv":
        return _csv(spec)
    return _parquet(spec)


def _checked(spec: CorpusSpec, where: str, text: Any, doc_id: Any) -> tuple[str, str]:
    if not isinstance(text, str):
        kind = type(text).__name__
        raise CorpusError(f"{where}: {spec.text_field!r} must be a string, not {kind}")
    if not text.strip():
        raise CorpusError(f"{where}: the text is empty (the server cannot embed it)")
    if doc_id is None or isinstance(doc_id, (dict, list)):
        raise CorpusError(f"{where}: id field {spec.id_field!r} must be a string or a number")
    return str(doc_id), text


def _jsonl(spec: CorpusSpec) -> Iterator[tuple[str, str]]:
    with spec.path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{spec.path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: invalid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{where}: expected a JSON object per line")
            if spec.text_field not in record:
                raise CorpusError(f"{where}: no field {spec.text_field!r} (use --text-field)")
            if spec.id_field is not None and spec.id_field not in record:
                raise CorpusError(f"{where}: no id field {spec.id_field!r} (use --id-field)")
            doc_id = record[spec.id_field] if spec.id_field is not None else number
            yield _checked(spec, where, record[spec.text_field], doc_id)


def _text(spec: CorpusSpec) -> Iterator[tuple[str, str]]:
    if spec.id_field is not None:
        raise CorpusError("plain text input has no fields: drop --id-field (ids are line numbers)")
    with spec.path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            text = line.rstrip("\r\n")
            if text.strip():
                yield str(number), text


def _csv(spec: CorpusSpec) -> Iterator[tuple[str, str]]:
    with spec.path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for name in (spec.text_field, spec.id_field):
            if name is not None and name not in columns:
                raise CorpusError(f"{spec.path}: no column {name!r} (columns: {columns})")
        for row in reader:
            where = f"{spec.path}:{reader.line_num}"
            doc_id = row[spec.id_field] if spec.id_field is not None else reader.line_num - 1
            yield _checked(spec, where, row[spec.text_field], doc_id)


def _parquet(spec: CorpusSpec) -> Iterator[tuple[str, str]]:
    from .._extras import require

    parquet = require("pyarrow.parquet", "cli")
    table_file = parquet.ParquetFile(spec.path)
    columns = table_file.schema_arrow.names
    wanted = [spec.text_field] + ([spec.id_field] if spec.id_field is not None else [])
    for name in wanted:
        if name not in columns:
            raise CorpusError(f"{spec.path}: no column {name!r} (columns: {columns})")
    row = 0
    for batch in table_file.iter_batches(columns=wanted, batch_size=4096):
        texts = batch.column(0).to_pylist()
        ids = batch.column(1).to_pylist() if spec.id_field is not None else None
        for offset, text in enumerate(texts):
            row += 1
            doc_id = ids[offset] if ids is not None else row
            yield _checked(spec, f"{spec.path}: row {row}", text, doc_id)
