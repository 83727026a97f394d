"""`ollama-lite embed` as a subprocess against fake Ollama servers on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli_run import corpus, run_cli, start_cli, write_jsonl

from ollama_lite import Client
from ollama_lite.testing import FakeOllama, Fault

np = pytest.importorskip("numpy")
parquet = pytest.importorskip("pyarrow.parquet")

MODEL = "all-minilm"
DIM = 16


@pytest.fixture(scope="module")
def servers() -> Iterator[list[FakeOllama]]:
    """Three quick servers for the module (no test kills them)."""
    started = [FakeOllama(embedding_dim=DIM).start() for _ in range(3)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture(autouse=True)
def _clean(servers: list[FakeOllama]) -> None:
    for server in servers:
        server.clear_requests()
        server.reset_stats()


def hosts(servers: list[FakeOllama]) -> str:
    return ",".join(server.url for server in servers)


def embed_requests(servers: list[FakeOllama]) -> int:
    return sum(1 for s in servers for r in s.requests if r.path == "/api/embed")


def expected_vectors(server: FakeOllama, texts: list[str]) -> object:
    with Client(server.url) as client:
        return np.asarray(client.embed(MODEL, texts).embeddings, dtype=np.float32)


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_embeds_a_jsonl_corpus_over_three_servers(
    servers: list[FakeOllama], tmp_path: Path
) -> None:
    docs = corpus(300)
    source = write_jsonl(tmp_path / "corpus.jsonl", docs)
    out = tmp_path / "vectors.parquet"
    args = ["embed", str(source), "-m", MODEL, "--hosts", hosts(servers), "-o", str(out)]
    result = run_cli(*args, "--id-field", "id", "--batch-size", "16")
    assert result.returncode == 0, result.stderr
    # 19 batches of at most 16 texts, spread over every server.
    per_server = [sum(r.path == "/api/embed" for r in s.requests) for s in servers]
    assert sum(per_server) == 19
    assert all(count > 0 for count in per_server)

    table = parquet.read_table(out)
    assert table.column("id").to_pylist() == [doc["id"] for doc in docs]
    vector_type = table.schema.field("vector").type
    assert vector_type.list_size == DIM and str(vector_type.value_type) == "float"
    vectors = np.asarray(table.column("vector").to_pylist(), dtype=np.float32)
    assert np.array_equal(vectors, expected_vectors(servers[0], [d["text"] for d in docs]))
    assert not (tmp_path / "vectors.parquet.parts").exists()


def test_summary_and_progress(servers: list[FakeOllama], tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", corpus(100))
    out = tmp_path / "v.npy"
    result = run_cli("embed", str(source), "-m", MODEL, "--hosts", hosts(servers), "-o", str(out))
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "embedding 100 texts in 2 batches with all-minilm on 3 host(s)" in err
    assert f"wrote 100 vectors to {out}" in err
    assert "embedded 100 texts in 2 batches in" in err and "texts/s" in err
    assert "0 failed attempts retried" in err
    host_lines = [line for line in err.splitlines() if line.startswith("  127.0.0.1:")]
    assert len(host_lines) == 3
    assert sum(int(line.split(": ")[1].split()[0]) for line in host_lines) == 100
    assert "100/100" in err  # the progress bar's last state

    matrix = np.load(out)
    assert matrix.dtype == np.float32 and matrix.shape == (100, DIM)
    ids = [json.loads(line) for line in (tmp_path / "v.ids.jsonl").read_text().splitlines()]
    assert ids == [str(n) for n in range(1, 101)]  # line numbers without --id-field


def test_summary_counts_the_retries(servers: list[FakeOllama], tmp_path: Path) -> None:
    docs = corpus(96)
    source = write_jsonl(tmp_path / "corpus.jsonl", docs)
    out = tmp_path / "v.parquet"
    sick = servers[1]
    sick.inject(Fault.busy(), path="/api/embed", times=2)
    try:
        result = run_cli(
            "embed", str(source), "-m", MODEL, "--hosts", hosts(servers[:2]), "-o", str(out),
            "--id-field", "id", "--batch-size", "8", "--no-progress",
        )  # fmt: skip
    finally:
        sick.clear_faults()
    assert result.returncode == 0, result.stderr
    assert sick.stats().busy_responses == 2
    assert "2 failed attempts retried" in result.stderr
    sick_line = next(line for line in result.stderr.splitlines() if sick.url[7:] + ":" in line)
    assert sick_line.endswith("failures: http_503 2")
    assert parquet.read_table(out).column("id").to_pylist() == [d["id"] for d in docs]


def test_plain_text_input_and_module_entry(servers: list[FakeOllama], tmp_path: Path) -> None:
    source = tmp_path / "docs.txt"
    source.write_text("llamas hum\n\nalpacas graze\n", encoding="utf-8")
    out = tmp_path / "v.parquet"
    result = run_cli(
        "embed", str(source), "-m", MODEL, "--hosts", servers[0].url, "-o", str(out),
        "--no-progress",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = parquet.read_table(out)
    assert table.column("id").to_pylist() == ["1", "3"]
    assert "%|" not in result.stderr  # no bar with --no-progress


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a"}\n{"text": "b"}\n{"text": \n', "corpus.jsonl:3: invalid JSON"),
        ('{"text": "a"}\n{"body": "b"}\n', "corpus.jsonl:2: no field 'text'"),
        ('{"text": "a"}\n{"text": "b"}\n\n{"text": " "}\n', "corpus.jsonl:4: the text"),
    ],
)
def test_bad_input_names_the_line_before_any_request(
    servers: list[FakeOllama], tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "corpus.jsonl"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "v.parquet"
    result = run_cli("embed", str(source), "-m", MODEL, "--hosts", hosts(servers), "-o", str(out))
    assert result.returncode == 2
    assert message in result.stderr
    assert all(server.requests == [] for server in servers)  # not even the preflight
    assert not out.exists() and not (tmp_path / "v.parquet.parts").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--batch-size", "0"], "must be 1 or more"),
        (["--format", "xml"], "unknown input format 'xml'"),
    ],
)
def test_bad_arguments_exit_2(
    servers: list[FakeOllama], tmp_path: Path, extra: list[str], message: str
) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", corpus(3))
    out = tmp_path / "v.parquet"
    args = ["embed", str(source), "-m", MODEL, "--hosts", servers[0].url, "-o", str(out), *extra]
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert servers[0].requests == []


def test_bad_output_suffix(servers: list[FakeOllama], tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", corpus(3))
    result = run_cli("embed", str(source), "-m", MODEL, "--hosts", servers[0].url, "-o", "v.csv")
    assert result.returncode == 2
    assert "must end in one of ('.parquet', '.npy')" in result.stderr


def test_unreachable_hosts_fail_before_any_work(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", corpus(3))
    out = tmp_path / "v.parquet"
    dead = [closed_port(), closed_port()]
    result = run_cli("embed", str(source), "-m", MODEL, "--hosts", ",".join(dead), "-o", str(out))
    assert result.returncode == 1
    assert "no host can embed with 'all-minilm'" in result.stderr
    for url in dead:
        assert url in result.stderr
    assert not (tmp_path / "v.parquet.parts").exists()


def test_missing_model_fails_before_any_work(servers: list[FakeOllama], tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", corpus(3))
    out = tmp_path / "v.parquet"
    result = run_cli(
        "embed", str(source), "-m", "no-such-model", "--hosts", hosts(servers), "-o", str(out)
    )
    assert result.returncode == 1
    assert "does not have 'no-such-model'" in result.stderr
    assert "ollama-lite pull no-such-model" in result.stderr
    assert embed_requests(servers) == 0
    assert not (tmp_path / "v.parquet.parts").exists()


def test_one_dead_host_is_left_to_the_pool(servers: list[FakeOllama], tmp_path: Path) -> None:
    docs = corpus(64)
    source = write_jsonl(tmp_path / "corpus.jsonl", docs)
    out = tmp_path / "v.parquet"
    dead = closed_port()
    result = run_cli(
        "embed", str(source), "-m", MODEL, "--hosts", f"{dead},{servers[0].url}", "-o", str(out),
        "--id-field", "id", "--batch-size", "8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"warning: {dead}" in result.stderr
    assert parquet.read_table(out).column("id").to_pylist() == [d["id"] for d in docs]


def test_earlier_parts_need_resume(servers: list[FakeOllama], tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl", corpus(10))
    out = tmp_path / "v.parquet"
    (tmp_path / "v.parquet.parts").mkdir()
    result = run_cli("embed", str(source), "-m", MODEL, "--hosts", servers[0].url, "-o", str(out))
    assert result.returncode == 2
    assert "pass --resume" in result.stderr
    assert servers[0].requests == []


def slow_servers(count: int) -> list[FakeOllama]:
    """Servers with one slot each and 10 ms per text: a 16-text batch takes ~0.17 s."""
    return [
        FakeOllama(
            embedding_dim=DIM,
            num_parallel=1,
            request_seconds=0.01,
            embed_seconds_per_text=0.01,
        ).start()
        for _ in range(count)
    ]


def test_interrupt_then_resume_equals_an_uninterrupted_run(
    servers: list[FakeOllama], tmp_path: Path
) -> None:
    docs = corpus(960)  # 60 batches of 16: ~5 s over two slow servers
    source = write_jsonl(tmp_path / "corpus.jsonl", docs)
    reference = tmp_path / "reference.parquet"
    common = ["-m", MODEL, "--id-field", "id", "--batch-size", "16"]
    done = run_cli("embed", str(source), *common, "--hosts", hosts(servers), "-o", str(reference))
    assert done.returncode == 0, done.stderr

    slow = slow_servers(2)
    try:
        out = tmp_path / "v.parquet"
        parts = tmp_path / "v.parquet.parts"
        args = ["embed", str(source), *common, "--hosts", hosts(slow), "-o", str(out)]
        process = start_cli(*args)
        deadline = time.monotonic() + 60
        while len(list(parts.glob("part-*.npz"))) < 4 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[1]
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        kept = len(list(parts.glob("part-*.npz")))
        assert 4 <= kept < 60
        assert f"interrupted: {kept} of 60 batches are on disk" in err
        assert not out.exists()
        assert not list(parts.glob(".part-*"))  # no torn part left behind

        for server in slow:
            server.clear_requests()
        resumed = run_cli(*args, "--resume")
        assert resumed.returncode == 0, resumed.stderr
        assert f"{kept} batches already on disk" in resumed.stderr
        assert f"in {60 - kept} batches" in resumed.stderr
        assert embed_requests(slow) == 60 - kept  # exactly the missing batches
    finally:
        for server in slow:
            server.stop()
    assert parquet.read_table(out).equals(parquet.read_table(reference))
