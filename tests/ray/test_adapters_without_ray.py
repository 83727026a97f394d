"""The Ray adapter classes called directly (as Spark, Dask or a Ray worker would), no Ray."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest

from ollama_lite import Client
from ollama_lite.ray import OllamaEmbedder, OllamaGenerator
from ollama_lite.testing import FakeOllama

np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

MODEL = "all-minilm"
DIM = 16
TEXTS = [f"llamas and alpacas, note {i}" for i in range(10)]


@pytest.fixture(scope="module")
def servers() -> Iterator[list[FakeOllama]]:
    started = [FakeOllama(embedding_dim=DIM).start() for _ in range(2)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def embedder(servers: list[FakeOllama]) -> Iterator[OllamaEmbedder]:
    hosts = [server.url for server in servers]
    made = OllamaEmbedder(hosts, MODEL, id_column="id", request_batch_size=3)
    yield made
    made.close()


def expected(server: FakeOllama) -> object:
    with Client(server.url) as client:
        return np.asarray(client.embed(MODEL, TEXTS).embeddings, dtype=np.float32)


def test_pyarrow_batch_gets_a_fixed_size_float32_list(
    servers: list[FakeOllama], embedder: OllamaEmbedder
) -> None:
    batch = pa.table({"id": [f"d{i}" for i in range(10)], "text": TEXTS})
    out = embedder(batch)
    assert out.column_names == ["id", "text", "embedding"]
    assert out.schema.field("embedding").type == pa.list_(pa.float32(), DIM)
    assert out.column("id").to_pylist() == batch.column("id").to_pylist()
    vectors = np.asarray(out.column("embedding").to_pylist(), dtype=np.float32)
    assert np.array_equal(vectors, expected(servers[0]))
    # 10 texts in requests of 3: four requests, over both servers.
    assert sum(host.done for host in embedder.stats().hosts) >= 4


def test_pandas_and_numpy_batches(servers: list[FakeOllama], embedder: OllamaEmbedder) -> None:
    frame = pd.DataFrame({"id": list(range(10)), "text": TEXTS})
    out = embedder(frame)
    assert list(out.columns) == ["id", "text", "embedding"]
    assert out["embedding"].iloc[0].dtype == np.float32
    assert np.array_equal(np.stack(out["embedding"].to_list()), expected(servers[0]))
    assert "embedding" not in frame.columns  # the input is left alone

    arrays = {"id": np.arange(10), "text": np.asarray(TEXTS, dtype=object)}
    matrix = embedder(arrays)["embedding"]
    assert matrix.shape == (10, DIM) and matrix.dtype == np.float32


def test_float64_output_and_missing_columns(servers: list[FakeOllama]) -> None:
    made = OllamaEmbedder([servers[0].url], MODEL, float32=False, text_column="body")
    try:
        out = made(pa.table({"body": TEXTS[:2]}))
        assert out.schema.field("embedding").type == pa.list_(pa.float64(), DIM)
        with pytest.raises(KeyError, match="no column 'body'"):
            made(pa.table({"text": TEXTS[:2]}))
    finally:
        made.close()
    with_ids = OllamaEmbedder([servers[0].url], MODEL, id_column="doc")
    with pytest.raises(KeyError, match="no column 'doc'"):
        with_ids(pa.table({"text": TEXTS[:2]}))
    with_ids.close()


def test_bad_request_size_is_refused_at_once() -> None:
    with pytest.raises(Exception, match="batch_size must be a positive int"):
        OllamaEmbedder(["http://127.0.0.1:9"], MODEL, request_batch_size=0)


def test_an_instance_pickles_as_its_settings(
    servers: list[FakeOllama], embedder: OllamaEmbedder
) -> None:
    embedder(pa.table({"id": ["a"], "text": ["llamas"]}))  # its pool is running now
    copy = pickle.loads(pickle.dumps(embedder))  # what Spark and Dask do to a task's function
    try:
        out = copy(pd.DataFrame({"id": ["a"], "text": ["llamas"]}))
        assert out["embedding"].iloc[0].shape == (DIM,)
    finally:
        copy.close()


def test_generator_one_reply_per_row_in_order(servers: list[FakeOllama]) -> None:
    for server in servers:
        server.clear_requests()
    made = OllamaGenerator(
        [server.url for server in servers],
        "llama3.2",
        options={"temperature": 0, "seed": 7},
        format="json",
        system="Reply in JSON.",
    )
    try:
        prompts = [f"prompt {i}" for i in range(8)]
        out = made(pa.table({"prompt": prompts}))
        replies = out.column("response").to_pylist()
        assert len(replies) == 8 and all(isinstance(reply, str) and reply for reply in replies)
        frame = made(pd.DataFrame({"prompt": ["hello"]}))
        assert frame["response"].iloc[0]
    finally:
        made.close()
    bodies = [r.json for s in servers for r in s.requests if r.path == "/api/generate"]
    assert len(bodies) == 9
    for body in bodies:
        assert body["stream"] is False and body["format"] == "json"
        assert body["options"] == {"temperature": 0, "seed": 7}
        assert body["system"] == "Reply in JSON."
    assert sorted(body["prompt"] for body in bodies) == sorted([*prompts, "hello"])


def test_generator_replies_follow_the_rows(servers: list[FakeOllama]) -> None:
    made = OllamaGenerator(",".join(s.url for s in servers), "llama3.2", output_column="reply")
    try:
        prompts = [f"question {i}" for i in range(12)]
        out = made({"prompt": np.asarray(prompts, dtype=object)})
        assert out["reply"].tolist() == [f"You said: {p}" for p in prompts]
    finally:
        made.close()
