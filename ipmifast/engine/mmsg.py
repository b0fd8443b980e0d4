"""The simulator socket's batched I/O (``recvmmsg``/``sendmmsg`` with ``IP_PKTINFO``): the selector (STYLE.md §3).
``__impl__`` says which is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipmifast._impl import load

_mod = load("ipmifast.engine", "mmsg")

if TYPE_CHECKING:
    from ipmifast.engine._mmsg_c import recv_batch, send_batch_from
else:
    recv_batch = _mod.recv_batch
    send_batch_from = _mod.send_batch_from

__impl__: str = _mod.__impl__
__all__ = ["recv_batch", "send_batch_from", "__impl__"]
