"""Batched UDP sends, the pure-Python reference: one ``sendto`` per datagram, same API as ``_batch_c``."""

from __future__ import annotations

import socket

__impl__ = "py"


def send_batch(fd: int, datagrams: list[bytes], addresses: list[tuple[str, int]]) -> int:
    """Send ``datagrams[i]`` to ``addresses[i]``; the number sent (stops when the socket buffer is full)."""
    if len(addresses) != len(datagrams):
        raise ValueError("one address per datagram")
    family = socket.AF_INET6 if any(":" in a[0] for a in addresses) else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM, fileno=fd)
    try:
        for i, (data, addr) in enumerate(zip(datagrams, addresses, strict=True)):
            try:
                sock.sendto(data, addr)
            except (BlockingIOError, InterruptedError):
                return i
        return len(datagrams)
    finally:
        sock.detach()
