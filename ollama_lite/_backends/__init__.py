"""Network backends of the fast path, written by hand for each side.

`anyio_network` (async: anyio streams, so asyncio and trio) and `socket_network` (sync:
blocking sockets, no event loop and no threads) offer the same names (`connect`, a socket
with `send_all`/`receive`/`close`, `Slots`) so the generated sync code calls its twin.
"""
