"""embed_many's batch planning, input checks and reorder buffer (pure)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ollama_lite._errors import BatchInputError, RequestError
from ollama_lite._hosts import BatchPlanner, PlannedBatch, ReorderBuffer


def plan(items: list[object], **limits: int) -> list[PlannedBatch]:
    planner = BatchPlanner(**limits)
    batches = [b for b in map(planner.add, items) if b is not None]
    last = planner.finish()
    return batches + ([last] if last else [])


def test_batches_by_count_and_by_characters() -> None:
    texts = ["a" * 10] * 7
    assert [len(b.texts) for b in plan(texts, batch_size=3, max_batch_chars=1000)] == [3, 3, 1]
    assert [len(b.texts) for b in plan(texts, batch_size=10, max_batch_chars=25)] == [2] * 3 + [1]
    # A text longer than the character cap travels alone.
    sizes = [len(b.texts) for b in plan(["a", "b" * 50, "c"], batch_size=10, max_batch_chars=20)]
    assert sizes == [1, 1, 1]


def test_ids_are_positions_or_the_callers() -> None:
    batches = plan(["x", "y", "z"], batch_size=2)
    assert [(b.index, b.ids, b.first_position) for b in batches] == [(0, [0, 1], 0), (1, [2], 2)]
    paired = plan([("a", "x"), ("b", "y"), ["c", "z"]], batch_size=2)
    assert [b.ids for b in paired] == [["a", "b"], ["c"]]
    assert [b.texts for b in paired] == [["x", "y"], ["z"]]


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 40), max_size=80),
    batch_size=st.integers(1, 9),
    max_chars=st.integers(1, 120),
)
def test_every_text_once_in_order_and_boundaries_are_a_pure_function(
    lengths: list[int], batch_size: int, max_chars: int
) -> None:
    texts = ["t" * n for n in lengths]
    first = plan(texts, batch_size=batch_size, max_batch_chars=max_chars)
    again = plan(texts, batch_size=batch_size, max_batch_chars=max_chars)
    assert first == again
    assert [i for b in first for i in b.ids] == list(range(len(texts)))
    assert [b.index for b in first] == list(range(len(first)))
    for b in first:
        assert 1 <= len(b.texts) <= batch_size
        assert b.chars <= max_chars or len(b.texts) == 1


@pytest.mark.parametrize(
    "items,position,batch,words",
    [
        (["a", "b", "", "d"], 2, 1, "empty string"),
        (["a", "b", "c", ("i", "d")], 3, 1, "began with strings"),
        ([("i", "a"), "b"], 1, 0, "began with (id, text) pairs"),
        (["a", 5], 1, 0, "int"),
        ([("i", "a"), ("j", 3)], 1, 0, "text of type int"),
        ([("i", "a"), ("j", "b", "c")], 1, 0, "tuple of 3"),
        ([(["unhashable"], "a")], 0, 0, "unhashable id"),
        (["a", "b", None], 2, 1, "NoneType"),
    ],
)
def test_bad_items_name_batch_and_position(
    items: list[object], position: int, batch: int, words: str
) -> None:
    with pytest.raises(BatchInputError) as info:
        plan(items, batch_size=2)
    error = info.value
    assert (error.position, error.batch_index) == (position, batch)
    assert words in str(error) and f"position {position}" in str(error)
    assert f"batch {batch}" in str(error)
    assert isinstance(error, RequestError) and isinstance(error, ValueError)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3"])
def test_bad_limits(bad: object) -> None:
    with pytest.raises(RequestError, match="batch_size"):
        BatchPlanner(batch_size=bad)  # type: ignore[arg-type]
    with pytest.raises(RequestError, match="max_batch_chars"):
        BatchPlanner(max_batch_chars=bad)  # type: ignore[arg-type]


def test_reorder_buffer_restores_submission_order() -> None:
    buffer: ReorderBuffer[str] = ReorderBuffer()
    order = [0, 1, 2, 5, 6]  # 3 and 4 were skipped
    for index in order:
        buffer.expect(index)
    done = order[:]
    random.Random(3).shuffle(done)
    out: list[int] = []
    for index in done:
        buffer.complete(index, f"r{index}")
        out += [i for i, _ in buffer.ready()]
        assert len(buffer) <= len(order)
    assert out == order
    assert len(buffer) == 0


def test_reorder_buffer_holds_back_only_behind_a_slow_batch() -> None:
    buffer: ReorderBuffer[int] = ReorderBuffer()
    for index in range(3):
        buffer.expect(index)
    buffer.complete(1, 1)
    buffer.complete(2, 2)
    assert buffer.ready() == [] and len(buffer) == 2
    buffer.complete(0, 0)
    assert buffer.ready() == [(0, 0), (1, 1), (2, 2)]


def test_completion_order_on_request() -> None:
    buffer: ReorderBuffer[int] = ReorderBuffer(ordered=False)
    buffer.expect(0)
    buffer.expect(1)
    buffer.complete(1, 10)
    assert buffer.ready() == [(1, 10)]
    buffer.complete(0, 0)
    assert buffer.ready() == [(0, 0)]
