"""Random bytes for the engine's sessions (session IDs, Rm, AES-CBC IVs), drawn from the OS in blocks.

Every encrypted packet needs a fresh 16-byte IV and every handshake a session ID and Rm: one ``getrandom()`` call
each is most of a packet's crypto cost in Python (257 ns for 16 bytes against 7 us for 4 KiB here). ``RandomPool``
hands out slices of one ``os.urandom`` block; the bytes are the kernel's CSPRNG output either way, each used once.
A forked child starts with an empty pool, so parent and child never share bytes.
"""

from __future__ import annotations

import os
import weakref

_POOLS: weakref.WeakSet[RandomPool] = weakref.WeakSet()


class RandomPool:
    """``pool(n)``: ``n`` bytes from the OS CSPRNG, fetched ``block`` bytes at a time. Not thread-safe (one per
    event loop, as the engine's ``Endpoint`` uses it)."""

    __slots__ = ("_block", "_buffer", "_at", "__weakref__")

    def __init__(self, block: int = 4096) -> None:
        self._block = block
        self._buffer = b""
        self._at = 0
        _POOLS.add(self)

    def __call__(self, n: int) -> bytes:
        at = self._at
        end = at + n
        if end > len(self._buffer):
            self._buffer = os.urandom(max(self._block, n))
            at, end = 0, n
        self._at = end
        return self._buffer[at:end]

    def _forget(self) -> None:
        self._buffer = b""
        self._at = 0


def _after_fork() -> None:
    for pool in list(_POOLS):
        pool._forget()


os.register_at_fork(after_in_child=_after_fork)
