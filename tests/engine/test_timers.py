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
