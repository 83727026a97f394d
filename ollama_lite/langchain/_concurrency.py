"""Running several requests at once: failures surface as themselves, results keep order."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

import anyio

if sys.version_info >= (3, 11):
    from builtins import BaseExceptionGroup
else:  # pragma: no cover - anyio depends on the backport there
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found,unused-ignore]

__all__ = ["map_bounded", "run_concurrently"]

T = TypeVar("T")
R = TypeVar("R")


async def run_concurrently(calls: Sequence[Callable[[], Coroutine[Any, Any, None]]]) -> None:
    """Run `calls` at once; a failure is raised as itself, as langchain-ollama's would be,
    not wrapped in an ExceptionGroup (the others are cancelled)."""
    try:
        async with anyio.create_task_group() as group:
            for call in calls:
                group.start_soon(call)
    except BaseExceptionGroup as errors:
        first: BaseException = errors
        while isinstance(first, BaseExceptionGroup) and first.exceptions:
            first = first.exceptions[0]
        raise first from None


async def map_bounded(
    function: Callable[[T], Awaitable[R]],
    items: Sequence[T],
    limit: int,
    done: Callable[[], None] | None = None,
) -> list[R]:
    """`function` applied to each item with at most `limit` calls in flight; the results
    in input order. `done` is called after each call completes (a progress bar)."""
    results: list[Any] = [None] * len(items)
    cursor = 0

    async def worker() -> None:
        nonlocal cursor
        while cursor < len(items):
            index = cursor
            cursor += 1
            results[index] = await function(items[index])
            if done is not None:
                done()

    await run_concurrently([worker] * min(limit, len(items)))
    return results
