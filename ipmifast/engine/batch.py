"""Batched UDP sends (Linux ``sendmmsg``): the selector (STYLE.md §3). ``__impl__`` says which is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipmifast._impl import load

_mod = load("ipmifast.engine", "batch")

if TYPE_CHECKING:
    from ipmifast.engine._batch_c import send_batch
else:
    send_batch = _mod.send_batch

__impl__: str = _mod.__impl__
__all__ = ["send_batch", "__impl__"]
