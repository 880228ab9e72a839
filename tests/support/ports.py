"""Loopback ports, without Django: `make screenshots` imports this with no settings configured."""

import socket


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
