"""Output written in parts, so a crash never leaves a torn file and a rerun can resume.

Each embedded batch becomes `<out>.parts/part-<index>.npz` (ids and a float32 matrix),
written to a temporary name and renamed into place, so a part on disk is always whole. A
`manifest.json` beside the parts records the run's settings; `--resume` refuses parts made
with other settings (other batches would not line up). When every batch is on disk the parts
are assembled into the final parquet or `.npy` file (again through a temporary name), and the
parts folder is removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._extras import require

__all__ = ["OUTPUT_SUFFIXES", "PartStore", "PartsError"]

OUTPUT_SUFFIXES = (".parquet", ".npy")
_PART = re.compile(r"^part-(\d{8})\.npz$")


class PartsError(ValueError):
    """The output folder holds parts that cannot be continued or assembled as asked."""


class PartStore:
    """The parts of one run's output, kept in `<out>.parts/` until assembled into `out`."""

    def __init__(self, out: Path) -> None:
        if out.suffix.lower() not in OUTPUT_SUFFIXES:
            raise PartsError(f"{out}: the output must end in one of {OUTPUT_SUFFIXES}")
        self.out = out
        self.folder = out.with_name(out.name + ".parts")
        self._manifest = self.folder / "manifest.json"

    def check(self, settings: Mapping[str, Any], *, resume: bool) -> None:
        """Refuse to start over an earlier run's parts, or to resume with other settings.

        Touches nothing on disk, so it can run before the hosts are checked.
        """
        if not self.folder.exists():
            return
        if not resume:
            raise PartsError(
                f"{self.folder} holds an earlier run's parts: pass --resume to continue "
                "it, or delete the folder to start again"
            )
        try:
            recorded = json.loads(self._manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PartsError(f"cannot resume: {self._manifest} is unreadable ({exc})") from None
        changed = sorted(
            key for key in set(recorded) | set(settings) if recorded.get(key) != settings.get(key)
        )
        if changed:
            raise PartsError(
                f"cannot resume: {', '.join(changed)} changed since the parts in "
                f"{self.folder} were written (the batches would not line up)"
            )

    def open(self, settings: Mapping[str, Any], *, resume: bool) -> set[int]:
        """Start or continue a run; returns the batch indices already written."""
        self.check(settings, resume=resume)
        if self.folder.exists():
            self._remove_temporaries()
            return self.written()
        self.folder.mkdir(parents=True)
        self._atomic_write(self._manifest, json.dumps(dict(settings), sort_keys=True).encode())
        return set()

    def write(self, index: int, ids: Sequence[str], vectors: Any) -> None:
        """Store one batch's ids and `(len(ids), dim)` float32 vectors as one whole part."""
        np = require("numpy", "cli")
        final = self.folder / f"part-{index:08d}.npz"
        temporary = self.folder / f".part-{index:08d}.tmp"
        with temporary.open("wb") as handle:
            np.savez(handle, ids=np.asarray(list(ids), dtype=str), vectors=vectors)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)

    def assemble(self, batches: int) -> int:
        """Join parts 0..batches-1 into the output file; returns the number of rows."""
        missing = sorted(set(range(batches)) - self.written())
        if missing:
            raise PartsError(f"{len(missing)} batches are not on disk yet (first: {missing[0]})")
        if self.out.suffix.lower() == ".parquet":
            rows = self._to_parquet(batches)
        else:
            rows = self._to_npy(batches)
        shutil.rmtree(self.folder)
        return rows

    def _parts(self, batches: int) -> Iterator[tuple[Any, Any]]:
        np = require("numpy", "cli")
        for index in range(batches):
            with np.load(self.folder / f"part-{index:08d}.npz") as part:
                yield part["ids"], part["vectors"]

    def _to_parquet(self, batches: int) -> int:
        pa = require("pyarrow", "cli")
        parquet = require("pyarrow.parquet", "cli")
        temporary = self.out.with_name(f".{self.out.name}.tmp")
        rows = 0
        writer = None
        try:
            for ids, vectors in self._parts(batches):
                dim = vectors.shape[1]
                column = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim)
                table = pa.table({"id": pa.array(ids.tolist(), pa.string()), "vector": column})
                if writer is None:
                    writer = parquet.ParquetWriter(temporary, table.schema)
                writer.write_table(table)
                rows += len(ids)
        finally:
            if writer is not None:
                writer.close()
        os.replace(temporary, self.out)
        return rows

    def _to_npy(self, batches: int) -> int:
        np = require("numpy", "cli")
        shapes = [(len(ids), vectors.shape[1]) for ids, vectors in self._parts(batches)]
        rows = sum(count for count, _ in shapes)
        dim = shapes[0][1] if shapes else 0
        temporary = self.out.with_name(f".{self.out.name}.tmp")
        ids_out = self.out.with_suffix(".ids.jsonl")
        ids_temporary = ids_out.with_name(f".{ids_out.name}.tmp")
        matrix = np.lib.format.open_memmap(
            temporary, mode="w+", dtype=np.float32, shape=(rows, dim)
        )
        start = 0
        with ids_temporary.open("w", encoding="utf-8") as ids_file:
            for ids, vectors in self._parts(batches):
                matrix[start : start + len(ids)] = vectors
                start += len(ids)
                ids_file.writelines(json.dumps(str(doc_id)) + "\n" for doc_id in ids)
        matrix.flush()
        del matrix
        os.replace(ids_temporary, ids_out)
        os.replace(temporary, self.out)
        return rows

    def written(self) -> set[int]:
        """The batch indices whose parts are on disk."""
        if not self.folder.is_dir():
            return set()
        return {
            int(match.group(1))
            for match in (_PART.match(path.name) for path in self.folder.iterdir())
            if match
        }

    def _remove_temporaries(self) -> None:
        for path in self.folder.glob(".part-*.tmp"):
            path.unlink()

    def _atomic_write(self, path: Path, data: bytes) -> None:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
