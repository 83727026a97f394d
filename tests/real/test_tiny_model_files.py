"""The tiny models' files and tables, without a server (these always run)."""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import pytest

gguf = pytest.importorskip("gguf", reason="the tiny-models extra (gguf) is missing")

import ollama_lite  # noqa: E402
from ollama_lite.testing import tiny_models  # noqa: E402
from ollama_lite.testing.tiny_models import __main__ as cli  # noqa: E402
from ollama_lite.testing.tiny_models import _chat, _vocab  # noqa: E402
from ollama_lite.testing.tiny_models._template import CALL, REASON, REPLY  # noqa: E402


def _field(reader: object, key: str) -> object:
    field = reader.fields[key]  # type: ignore[attr-defined]
    return field.contents()


def test_pieces_are_words_and_repeats_merge() -> None:
    assert _vocab.split_pieces("Hello big world!") == ["Hello", "▁big", "▁world!"]
    vocab = _vocab.Vocab()
    ids = vocab.add_chain("go go go now")
    assert [vocab.texts[i] for i in ids] == ["go", "▁go▁go", "▁now"]  # still "go go go now"
    for bad in ("", " lead", "trail ", "two  spaces"):
        with pytest.raises(ValueError, match="spaces"):
            _vocab.split_pieces(bad)


def test_designed_successors_win_and_the_ranking_survives_a_repeat_penalty() -> None:
    vocab, reply, thinking, call = _chat.build_chat_vocab("Hello world!", "Let me think.", "{}")
    table = _chat.logit_table(vocab, reply, thinking, call)

    def best(prev: int) -> int:
        row = table[prev]
        return max(range(len(row)), key=row.__getitem__)

    def follow(start: str, steps: int) -> list[str]:
        token, out = vocab.id(start), []
        for _ in range(steps):
            token = best(token)
            out.append(vocab.texts[token])
        return out

    assert follow(REPLY, 3) == ["Hello", "▁world!", "</s>"]
    assert follow(CALL, 2) == ["{}", "</s>"]
    assert follow(REASON, 7) == [
        "<think>", "Let", "▁me", "▁think.", "</think>", "Hello", "▁world!",
    ]  # fmt: skip
    ranked = sorted({v for v in table[vocab.id("<0x7B>")] if v}, reverse=True)
    assert len(ranked) >= 16
    assert all(high / 1.1 - low > 29.9 for high, low in itertools.pairwise(ranked))
    assert best(vocab.id("<0x7B>")) == vocab.id("</s>")  # a grammar masks it: then "}"


def test_chat_file_is_small_fast_and_well_formed(tmp_path: Path) -> None:
    started = time.perf_counter()
    path = tiny_models.write_chat_model(tmp_path / "chat.gguf", thinking="Hmm.", endless=True)
    assert time.perf_counter() - started < 10 and path.stat().st_size < 5_000_000
    reader = gguf.GGUFReader(str(path))
    assert _field(reader, "general.architecture") == "llama"
    tokens = _field(reader, "tokenizer.ggml.tokens")
    assert _field(reader, "llama.embedding_length") == len(tokens)  # type: ignore[arg-type]
    assert {"▁tick", "▁tock", "<think>"} <= set(tokens)  # type: ignore[arg-type]
    names = {t.name for t in reader.tensors}
    assert {"token_embd.weight", "output.weight", "blk.0.attn_q.weight"} <= names


def test_embedding_file_is_a_mean_pooled_bert(tmp_path: Path) -> None:
    path = tiny_models.write_embedding_model(tmp_path / "e.gguf", dimensions=32, seed=3)
    reader = gguf.GGUFReader(str(path))
    assert _field(reader, "general.architecture") == "bert"
    assert _field(reader, "bert.pooling_type") == 1
    assert _field(reader, "bert.embedding_length") == 32
    assert (
        path.read_bytes()
        == tiny_models.write_embedding_model(
            tmp_path / "again.gguf", dimensions=32, seed=3
        ).read_bytes()
    )
    with pytest.raises(ValueError, match="multiple of 4"):
        tiny_models.write_embedding_model(tmp_path / "x.gguf", dimensions=30)


def test_templates_expose_the_capabilities() -> None:
    plain, thinking = (tiny_models.chat_template(thinking=t) for t in (False, True))
    assert ".Tools" in plain and ".Suffix" in plain and ".Thinking" not in plain
    assert ".Thinking" in thinking and "$.Think" in thinking


def test_missing_gguf_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "gguf", None)
    with pytest.raises(ImportError, match=r"ollama-lite\[tiny-models\]"):
        tiny_models.write_chat_model(tmp_path / "x.gguf")


def test_cli_help_and_a_host_that_does_not_answer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as shown:
        cli.main(["--help"])
    assert shown.value.code == 0 and "--endless" in capsys.readouterr().out
    with pytest.raises(ollama_lite.ConnectError):
        cli.main(["--host", "http://127.0.0.1:9"])
