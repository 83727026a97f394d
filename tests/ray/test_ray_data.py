"""The adapters in a real local Ray (2 CPUs, one `ray.init` for the module) over fake servers.

Slow (Ray takes tens of seconds to start on a busy machine): deselect with `-m "not slow"`.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ollama_lite import Client
from ollama_lite.ray import OllamaEmbedder, OllamaGenerator
from ollama_lite.testing import FakeOllama, Fault

pytestmark = [
    pytest.mark.slow,
    # Ray 2.60's data context reads its own deprecated flags (use_polars, use_push_based_
    # shuffle, ...) on every job: its notices, not ours.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

ray = pytest.importorskip("ray", reason="Ray is not installed (extra `ray`)")
ray_data = pytest.importorskip("ray.data", reason="Ray Data is not installed (extra `ray`)")
np = pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]
MODEL = "all-minilm"
DIM = 16


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
    )
    ray_data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


def capacity_servers(count: int) -> list[FakeOllama]:
    """One slot each, 10 ms per request + 2 ms per text (as an embedding model on a GPU)."""
    return [
        FakeOllama(
            embedding_dim=DIM, num_parallel=1, request_seconds=0.01, embed_seconds_per_text=0.002
        ).start()
        for _ in range(count)
    ]


@pytest.fixture
def servers() -> Iterator[list[FakeOllama]]:
    started = capacity_servers(4)
    yield started
    for server in started:
        server.stop()


def rows(count: int) -> list[dict[str, str]]:
    return [
        {"id": f"doc-{i}", "text": f"llamas graze in the Andes, note {i}"} for i in range(count)
    ]


def embed_dataset(items: list[dict[str, str]], hosts: list[str], **options: Any) -> Any:
    """The embedded rows as one pyarrow table."""
    kwargs = {"hosts": hosts, "model": MODEL, "id_column": "id", "request_batch_size": 25}
    dataset = ray_data.from_items(items).map_batches(
        OllamaEmbedder,
        fn_constructor_kwargs=kwargs | options,
        batch_size=250,
        compute=ray_data.ActorPoolStrategy(size=2),
        num_cpus=0.5,
        batch_format="pyarrow",
    )
    return pa.concat_tables(ray.get(dataset.to_arrow_refs()))


def embed_requests(server: FakeOllama) -> int:
    return server.stats().served.get("/api/embed", 0)


def check_every_row_once(table: Any, items: list[dict[str, str]], reference: FakeOllama) -> None:
    ids = table.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == len(items)
    assert set(ids) == {item["id"] for item in items}
    by_id = dict(zip(ids, table.column("embedding").to_pylist(), strict=True))
    sample = items[:: len(items) // 5]
    with Client(reference.url) as client:
        vectors = client.embed(MODEL, [item["text"] for item in sample]).embeddings
    got = np.asarray([by_id[item["id"]] for item in sample], dtype=np.float32)
    assert np.array_equal(got, np.asarray(vectors, dtype=np.float32))


def test_output_schema_and_every_row(servers: list[FakeOllama]) -> None:
    items = rows(600)
    table = embed_dataset(items, [s.url for s in servers[:2]])
    assert table.schema.field("embedding").type == pa.list_(pa.float32(), DIM)
    assert table.schema.field("id").type == pa.string()
    check_every_row_once(table, items, servers[3])


def test_a_server_killed_mid_job_loses_and_repeats_nothing(servers: list[FakeOllama]) -> None:
    items = rows(3000)
    victim = servers[3]

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 120
        while embed_requests(victim) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.kill()

    killer = threading.Thread(target=kill_when_busy, daemon=True)
    killer.start()
    table = embed_dataset(items, [s.url for s in servers])
    killer.join(timeout=5)
    assert not victim.accepting
    served = [embed_requests(server) for server in servers]
    assert 3 <= served[3] < sum(served) // 4  # it died early; the others did the rest
    assert sum(served) >= 3000 // 25
    check_every_row_once(table, items, servers[0])


def test_a_503_storm_on_one_host(servers: list[FakeOllama]) -> None:
    sick = servers[1]
    sick.inject(Fault.busy(), path="/api/embed", times=None)
    items = rows(1000)
    table = embed_dataset(items, [s.url for s in servers[:3]], cooldown=0.2)
    assert sick.stats().busy_responses > 0
    assert embed_requests(sick) == 0
    check_every_row_once(table, items, servers[3])


def test_pandas_batches(servers: list[FakeOllama]) -> None:
    items = rows(100)
    dataset = ray_data.from_items(items).map_batches(
        OllamaEmbedder,
        fn_constructor_kwargs={"hosts": [servers[0].url], "model": MODEL, "id_column": "id"},
        batch_size=40,
        compute=ray_data.ActorPoolStrategy(size=1),
        num_cpus=0.5,
        batch_format="pandas",
    )
    out = dataset.take_all()
    assert sorted(row["id"] for row in out) == sorted(item["id"] for item in items)
    assert all(np.asarray(row["embedding"]).shape == (DIM,) for row in out)


def test_generator(servers: list[FakeOllama]) -> None:
    prompts = [{"prompt": f"question {i}"} for i in range(40)]
    dataset = ray_data.from_items(prompts).map_batches(
        OllamaGenerator,
        fn_constructor_kwargs={
            "hosts": [s.url for s in servers[:2]],
            "model": "llama3.2",
            "options": {"seed": 1},
        },
        batch_size=10,
        compute=ray_data.ActorPoolStrategy(size=1),
        num_cpus=0.5,
    )
    out = dataset.take_all()
    assert sorted(row["response"] for row in out) == sorted(
        f"You said: {row['prompt']}" for row in prompts
    )
    assert all(row["response"] == f"You said: {row['prompt']}" for row in out)


def test_the_example_runs(servers: list[FakeOllama], capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        spec = importlib.util.spec_from_file_location("ray_embed", ROOT / "examples/ray_embed.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "examples"))
    module.main([s.url for s in servers])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "First job: 400 rows embedded"
    assert lines[1] == "Rerun: 200 rows left to embed"
    assert lines[2] == "600 of 600 rows embedded, 0 twice"
    assert lines[3] == f"vector column: fixed_size_list<element: float>[{DIM}]"
