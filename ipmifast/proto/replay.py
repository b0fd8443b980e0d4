"""Session sequence numbers and the receive (replay) window (IPMI v2.0 §6.12.13, §13.6 note on sequence numbers).

RMCP+ session sequence numbers are 32-bit, start at 1 after activation (0 is reserved for pre-session packets)
and grow by one per packet. The receiver keeps the highest number accepted and a bitmap of the numbers below it:
a packet is accepted when it is new and no more than ``BEHIND`` below the highest, or ahead of the highest by at
most ``AHEAD``. Everything else (duplicates, replays, numbers far out of the window) is discarded. The spec
requires at least a 16-packet window below the highest accepted number; the ``AHEAD`` bound keeps an injected
packet from dragging the window forward by 2^31 in integrity-less sessions.
"""

from __future__ import annotations

SEQ_MOD = 1 << 32
BEHIND = 16
AHEAD = 32


class ReplayWindow:
    """Accepts each 32-bit session sequence number at most once, within the sliding window."""

    __slots__ = ("highest", "_seen")

    def __init__(self) -> None:
        self.highest = 0  # 0: nothing accepted yet
        self._seen = 0  # bit i set: highest - i was accepted

    def check(self, seq: int) -> str | None:
        """Return ``None`` if ``seq`` is acceptable (and record it), else the drop reason."""
        if seq == 0:
            return "session sequence number 0 in an established session"
        if self.highest == 0:
            self.highest = seq
            self._seen = 1
            return None
        delta = (seq - self.highest) % SEQ_MOD
        if delta == 0:
            return "duplicate session sequence number"
        if delta <= AHEAD:
            self._seen = ((self._seen << delta) | 1) & ((1 << BEHIND) - 1)
            self.highest = seq
            return None
        behind = SEQ_MOD - delta
        if behind >= BEHIND:
            return "session sequence number outside the receive window"
        bit = 1 << behind
        if self._seen & bit:
            return "duplicate session sequence number"
        self._seen |= bit
        return None


def next_seq(seq: int) -> int:
    """The sequence number after ``seq``, skipping 0 on wrap-around."""
    seq = (seq + 1) % SEQ_MOD
    return seq or 1
