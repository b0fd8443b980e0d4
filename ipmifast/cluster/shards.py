"""Cutting a host set into shards: what one Dask task runs.

Hosts keep their order; hosts of one segment go to shards of that segment only (a shard is placed on workers that
reach its segment); every host is in exactly one shard. No Dask here: planning is plain data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: a shard never holds fewer hosts than this (unless the segment has fewer): a task costs the scheduler ~1 ms
MIN_SHARD = 64
#: nor more than this: a lost worker re-runs at most this many hosts, and results arrive at least this often
MAX_SHARD = 2048


@dataclass(frozen=True)
class Shard(Generic[T]):
    """``targets`` to run as one task; ``segment`` names the worker resource it needs (None: any worker)."""

    index: int
    segment: str | None
    targets: tuple[T, ...]

    def __len__(self) -> int:
        return len(self.targets)

    def __repr__(self) -> str:  # a shard of 2,000 hosts in a log line is noise
        return f"Shard({self.index}, segment={self.segment!r}, {len(self.targets)} hosts)"


def shard_size(hosts: int, slots: int) -> int:
    """About four shards per worker slot (so a slow or lost worker costs a quarter of its share), clamped to
    ``MIN_SHARD``..``MAX_SHARD``."""
    if hosts < 1:
        return MIN_SHARD
    return max(MIN_SHARD, min(MAX_SHARD, math.ceil(hosts / (4 * max(slots, 1)))))


def plan(targets: Sequence[T], size: int, segment_of: Callable[[T], str | None] | None = None) -> list[Shard[T]]:
    """``targets`` in shards of at most ``size``, one run of shards per segment (first appearance order)."""
    if size < 1:
        raise ValueError("shard size must be at least 1")
    by_segment: dict[str | None, list[T]] = {}
    for t in targets:
        by_segment.setdefault(segment_of(t) if segment_of is not None else None, []).append(t)
    shards: list[Shard[T]] = []
    for segment, members in by_segment.items():
        for start in range(0, len(members), size):
            shards.append(Shard(len(shards), segment, tuple(members[start:start + size])))
    return shards
