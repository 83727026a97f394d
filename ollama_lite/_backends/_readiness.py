"""Whether an idle socket has something to read (EOF, a reset, unasked-for bytes): then it
cannot carry another request. Shared by both network backends."""

from __future__ import annotations

import select

__all__ = ["readable_now"]


def readable_now(fd: int) -> bool:
    """True when `fd` is closed (-1), in error, or readable without waiting.

    `poll` has no descriptor limit (`select` fails above 1023, which a busy process
    reaches); platforms without it (Windows) use `select`.
    """
    if fd < 0:
        return True
    try:
        poller = select.poll()
    except AttributeError:  # pragma: no cover - Windows
        try:
            readable, _, _ = select.select([fd], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
