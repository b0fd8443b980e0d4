"""One deadline heap for every session on an endpoint, and a single armed loop timer.

Sessions report their next deadline through ``get_timer()``; the heap keeps (deadline, key) entries with lazy
invalidation (an entry whose deadline is no longer the key's current one is skipped when popped), so changing a
deadline is O(log n) and nothing is ever searched. The owner arms ONE ``loop.call_at`` for the earliest entry.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class DeadlineHeap(Generic[K]):
    """Deadlines by key; ``pop_due(now)`` returns the keys whose deadline has passed."""

    __slots__ = ("_heap", "_current", "_counter")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, K]] = []
        self._current: dict[K, float] = {}
        self._counter = 0  # tie-breaker: keys need not be orderable

    def __len__(self) -> int:
        return len(self._current)

    def set(self, key: K, deadline: float | None) -> None:
        """Set (or clear, with None) the deadline of ``key``."""
        if deadline is None:
            self._current.pop(key, None)
            return
        if self._current.get(key) == deadline:
            return
        self._current[key] = deadline
        self._counter += 1
        heapq.heappush(self._heap, (deadline, self._counter, key))
        if len(self._heap) > 2 * len(self._current) + 64:
            self._compact()

    def earliest(self) -> float | None:
        """The earliest live deadline, dropping stale entries on the way."""
        heap = self._heap
        while heap:
            deadline, _, key = heap[0]
            if self._current.get(key) == deadline:
                return deadline
            heapq.heappop(heap)
        return None

    def pop_due(self, now: float) -> list[K]:
        """Remove and return every key whose deadline is at or before ``now``."""
        due: list[K] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            deadline, _, key = heapq.heappop(heap)
            if self._current.get(key) == deadline:
                del self._current[key]
                due.append(key)
        return due

    def _compact(self) -> None:
        self._heap = [e for e in self._heap if self._current.get(e[2]) == e[0]]
        heapq.heapify(self._heap)


class LoopTimer(Generic[K]):
    """A ``DeadlineHeap`` driving ONE ``loop.call_at``: ``set(key, deadline)``, and ``fire(key, now)`` is called
    for each key whose deadline passes. However many sessions, the loop holds at most one timer for them."""

    __slots__ = ("loop", "fire", "_heap", "_handle", "_at", "arms")

    def __init__(self, loop: Any, fire: Callable[[K, float], None]) -> None:
        self.loop = loop
        self.fire = fire
        self._heap: DeadlineHeap[K] = DeadlineHeap()
        self._handle: Any = None
        self._at: float | None = None
        #: how many times the loop timer was (re)armed
        self.arms = 0

    def __len__(self) -> int:
        return len(self._heap)

    def set(self, key: K, deadline: float | None) -> None:
        self._heap.set(key, deadline)
        self._arm()

    def set_no_later(self, key: K, deadline: float | None) -> None:
        """Make sure ``key`` fires no later than ``deadline`` (None clears it). A deadline later than the one set
        changes nothing: the owner, woken early, finds nothing due and sets its real deadline then. So a deadline
        pushed back on every packet (an idle timeout) costs no heap entry per packet."""
        if deadline is not None:
            current = self._heap._current.get(key)
            if current is not None and current <= deadline:
                return
        self.set(key, deadline)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
            self._at = None

    def _arm(self) -> None:
        earliest = self._heap.earliest()
        if earliest is None or (self._at is not None and self._at <= earliest):
            return  # nothing to do, or the armed timer fires first and re-arms for the rest
        if self._handle is not None:
            self._handle.cancel()
        self._handle = self.loop.call_at(earliest, self._on_timer)
        self._at = earliest
        self.arms += 1

    def _on_timer(self) -> None:
        self._handle = None
        self._at = None
        now = self.loop.time()
        for key in self._heap.pop_due(now):
            self.fire(key, now)
        self._arm()
