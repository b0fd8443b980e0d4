"""Session sequence numbers and the receive window (IPMI v2.0 §6.12.13)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ipmifast.proto.replay import AHEAD, BEHIND, ReplayWindow, next_seq

CASES = [
    # (sequence numbers offered, which are accepted)
    ([1, 2, 3], [True, True, True]),
    ([1, 1], [True, False]),
    ([5, 3, 4, 3], [True, True, True, False]),  # reordered inside the window, then a duplicate
    ([100, 100 - BEHIND], [True, False]),  # just outside the window below
    ([100, 100 - BEHIND + 1], [True, True]),  # just inside
    ([100, 100 + AHEAD], [True, True]),
    ([100, 100 + AHEAD + 1], [True, False]),  # an injected jump far ahead is refused
    ([0], [False]),  # 0 is reserved for pre-session packets
    ([0xFFFFFFFF, 1, 0xFFFFFFFE], [True, True, True]),  # wrap-around skips 0
]


def test_window_table() -> None:
    for offered, accepted in CASES:
        window = ReplayWindow()
        assert [window.check(seq) is None for seq in offered] == accepted, offered


def test_next_seq_skips_zero() -> None:
    assert next_seq(0) == 1
    assert next_seq(0xFFFFFFFE) == 0xFFFFFFFF
    assert next_seq(0xFFFFFFFF) == 1


@given(st.lists(st.integers(1, 60), max_size=200))
def test_never_accepts_a_number_twice_while_in_window(offered: list[int]) -> None:
    window = ReplayWindow()
    accepted: list[int] = []
    for seq in offered:
        if window.check(seq) is None:
            assert seq not in accepted
            accepted.append(seq)


@given(st.permutations(list(range(1, 17))))
def test_any_reordering_within_the_window_is_accepted_once(order: list[int]) -> None:
    window = ReplayWindow()
    assert all(window.check(seq) is None for seq in order)
    assert all(window.check(seq) is not None for seq in order)
