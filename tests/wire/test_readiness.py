"""The dead-connection check: an idle socket with something to read cannot be reused."""

from __future__ import annotations

import socket

from ollama_lite._backends._readiness import readable_now


def test_an_idle_socket_is_not_readable_until_the_peer_acts() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        assert not readable_now(ours.fileno())
        theirs.sendall(b"unasked")
        assert readable_now(ours.fileno())
    other, peer = socket.socketpair()
    with other:
        peer.close()  # EOF
        assert readable_now(other.fileno())


def test_a_closed_socket_counts_as_dead() -> None:
    assert readable_now(-1)
