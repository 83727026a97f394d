"""The corpus readers (every format, every bad input with its line) and the part store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ollama_lite._cli._corpus import CorpusError, CorpusSpec, read_corpus
from ollama_lite._cli._parts import PartsError, PartStore

np = pytest.importorskip("numpy")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_jsonl_with_ids_and_blank_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.jsonl",
        '{"id": "a", "body": "llamas"}\n\n{"id": 7, "body": "alpacas"}\n',
    )
    pairs = list(read_corpus(CorpusSpec(path, text_field="body", id_field="id")))
    assert pairs == [("a", "llamas"), ("7", "alpacas")]


def test_jsonl_ids_default_to_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "c.ndjson", '{"text": "x"}\n\n{"text": "y"}\n')
    assert list(read_corpus(CorpusSpec(path))) == [("1", "x"), ("3", "y")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok"}\n{"text": \n', "c.jsonl:2: invalid JSON"),
        ('{"text": "ok"}\n{"body": "x"}\n', "c.jsonl:2: no field 'text'"),
        ('{"text": "ok"}\n{"text": "  "}\n', "c.jsonl:2: the text is empty"),
        ('{"text": 3}\n', "c.jsonl:1: 'text' must be a string, not int"),
        ('["text"]\n', "c.jsonl:1: expected a JSON object"),
    ],
)
def test_jsonl_errors_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path / "c.jsonl", content)
    with pytest.raises(CorpusError) as caught:
        list(read_corpus(CorpusSpec(path)))
    assert message in str(caught.value)


def test_missing_id_field_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", '{"text": "x"}\n')
    with pytest.raises(CorpusError, match=r"c.jsonl:1: no id field 'doc'"):
        list(read_corpus(CorpusSpec(path, id_field="doc")))


def test_plain_text_one_document_per_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "first line\n\nthird line\r\n")
    assert list(read_corpus(CorpusSpec(path))) == [("1", "first line"), ("3", "third line")]


def test_csv_columns_and_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'id,text\nx1,"hello, world"\nx2,bye\n')
    assert list(read_corpus(CorpusSpec(path, id_field="id"))) == [
        ("x1", "hello, world"),
        ("x2", "bye"),
    ]
    with pytest.raises(CorpusError, match=r"no column 'body'"):
        list(read_corpus(CorpusSpec(path, text_field="body")))
    empty = write(tmp_path / "e.csv", 'text\nok\n""\n')
    with pytest.raises(CorpusError, match=r"e.csv:3: the text is empty"):
        list(read_corpus(CorpusSpec(empty)))


def test_parquet_columns(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "c.parquet"
    parquet.write_table(pa.table({"doc": [10, 11], "text": ["a b", "c d"]}), path)
    assert list(read_corpus(CorpusSpec(path, id_field="doc"))) == [("10", "a b"), ("11", "c d")]
    assert list(read_corpus(CorpusSpec(path))) == [("1", "a b"), ("2", "c d")]


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file"):
        list(read_corpus(CorpusSpec(tmp_path / "nope.jsonl")))
    odd = write(tmp_path / "c.xml", "<a/>")
    with pytest.raises(CorpusError, match="pass --format"):
        list(read_corpus(CorpusSpec(odd)))
    assert list(read_corpus(CorpusSpec(odd, fmt="text"))) == [("1", "<a/>")]


def matrix(rows: int, start: float) -> object:
    return np.arange(start, start + rows * 3, dtype=np.float32).reshape(rows, 3)


def test_parts_assemble_to_parquet_in_index_order(tmp_path: Path) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    store = PartStore(tmp_path / "v.parquet")
    assert store.open({"model": "m"}, resume=False) == set()
    store.write(1, ["c"], matrix(1, 100))
    store.write(0, ["a", "b"], matrix(2, 0))
    assert store.assemble(2) == 3
    table = parquet.read_table(tmp_path / "v.parquet")
    assert table.column("id").to_pylist() == ["a", "b", "c"]
    vectors = np.asarray(table.column("vector").to_pylist(), dtype=np.float32)
    assert vectors.tolist() == [[0, 1, 2], [3, 4, 5], [100, 101, 102]]
    vector_type = table.schema.field("vector").type
    assert vector_type.list_size == 3 and str(vector_type.value_type) == "float"
    assert not store.folder.exists()


def test_parts_assemble_to_npy_with_ids(tmp_path: Path) -> None:
    store = PartStore(tmp_path / "v.npy")
    store.open({}, resume=False)
    store.write(0, ["a"], matrix(1, 0))
    store.write(1, ["b", "c"], matrix(2, 10))
    assert store.assemble(2) == 3
    loaded = np.load(tmp_path / "v.npy")
    assert loaded.dtype == np.float32 and loaded.shape == (3, 3)
    ids = [json.loads(line) for line in (tmp_path / "v.ids.jsonl").read_text().splitlines()]
    assert ids == ["a", "b", "c"]


def test_resume_needs_the_flag_and_the_same_settings(tmp_path: Path) -> None:
    store = PartStore(tmp_path / "v.npy")
    store.open({"model": "m", "batch_size": 4}, resume=False)
    store.write(3, ["x"], matrix(1, 0))
    (store.folder / ".part-00000004.tmp").write_bytes(b"torn")
    with pytest.raises(PartsError, match="pass --resume"):
        PartStore(tmp_path / "v.npy").open({"model": "m", "batch_size": 4}, resume=False)
    with pytest.raises(PartsError, match="batch_size changed"):
        PartStore(tmp_path / "v.npy").open({"model": "m", "batch_size": 8}, resume=True)
    again = PartStore(tmp_path / "v.npy")
    assert again.open({"model": "m", "batch_size": 4}, resume=True) == {3}
    assert not (store.folder / ".part-00000004.tmp").exists()
    with pytest.raises(PartsError, match="3 batches are not on disk yet"):
        again.assemble(4)


def test_output_suffix_is_checked(tmp_path: Path) -> None:
    with pytest.raises(PartsError, match="must end in one of"):
        PartStore(tmp_path / "v.csv")
