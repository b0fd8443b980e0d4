"""The engine's single deadline heap."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ipmifast.engine.timers import DeadlineHeap


def test_set_replace_clear_and_pop() -> None:
    heap: DeadlineHeap[str] = DeadlineHeap()
    heap.set("a", 5.0)
    heap.set("b", 3.0)
    heap.set("a", 1.0)  # moved earlier: the old entry becomes stale
    heap.set("c", 4.0)
    heap.set("c", None)
    assert heap.earliest() == 1.0
    assert heap.pop_due(3.0) == ["a", "b"]
    assert heap.earliest() is None
    assert len(heap) == 0


@given(st.lists(st.tuples(st.integers(0, 20), st.one_of(st.none(), st.floats(0, 100))), max_size=300))
def test_matches_a_dict_model(ops: list[tuple[int, float | None]]) -> None:
    heap: DeadlineHeap[int] = DeadlineHeap()
    model: dict[int, float] = {}
    for key, deadline in ops:
        heap.set(key, deadline)
        if deadline is None:
            model.pop(key, None)
        else:
            model[key] = deadline
        assert heap.earliest() == (min(model.values()) if model else None)
    due = heap.pop_due(50.0)
    assert sorted(due) == sorted(k for k, d in model.items() if d <= 50.0)
    assert len(heap._heap) <= 2 * len(model) + 64 + len(ops)  # stale entries are compacted


class _Loop:
    """``call_at`` and ``time`` on a clock the test sets."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[tuple[float, object]] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: object) -> _Loop._Handle:
        self.calls.append((when, callback))
        return _Loop._Handle()

    class _Handle:
        def cancel(self) -> None:
            pass


def test_set_no_later_keeps_the_earlier_wake_up() -> None:
    from ipmifast.engine.timers import LoopTimer

    fired: list[tuple[str, float]] = []
    loop = _Loop()
    timer: LoopTimer[str] = LoopTimer(loop, lambda key, now: fired.append((key, now)))
    timer.set_no_later("s", 60.0)
    arms = timer.arms
    for t in range(1, 50):  # an idle deadline pushed back by every packet: nothing re-armed, nothing pushed
        timer.set_no_later("s", 60.0 + t)
    assert timer.arms == arms and len(timer._heap._heap) == 1
    timer.set_no_later("s", 30.0)  # an earlier deadline is taken at once
    assert timer._heap._current["s"] == 30.0 and loop.calls[-1][0] == 30.0
    loop.now = 30.0
    timer._on_timer()
    assert fired == [("s", 30.0)]  # woken early: the owner looks, and sets its real deadline again
    timer.set_no_later("s", 109.0)
    assert timer._heap._current["s"] == 109.0
    timer.set_no_later("s", None)
    assert len(timer) == 0
