"""IP fragment reassembly for the pcap analyzer: IPv4 (RFC 791 §3.2) and the IPv6 Fragment header (RFC 8200
§4.5). A UDP datagram larger than the link MTU (a long SOL payload, a large OEM response) reaches the capture as
fragments, and only the first one carries the UDP header: without reassembly its RMCP message is lost.

Hostile or broken fragments must not cost memory or time without bound, nor become a datagram that the sender
never sent, so every rule here drops rather than guesses, and counts why:

- at most ``MAX_PENDING`` datagrams in reassembly at once (the oldest is dropped), each at most ``MAX_DATAGRAM``
  bytes in at most ``MAX_PARTS`` fragments, each given up ``TIMEOUT`` seconds (capture time) after its first
  fragment, as Linux does (``ipfrag_time``, 30 s);
- fragments that overlap with different bytes drop the datagram (RFC 5722 makes overlaps fatal for IPv6; for
  IPv4 the two readings would differ, so neither is chosen); an exact duplicate is ignored, also when it comes
  after its datagram was completed (within ``TIMEOUT``; the last ``MAX_PENDING`` datagrams are remembered);
- a non-last fragment whose length is not a multiple of 8, or two last fragments that disagree on the end,
  drop the datagram.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_DATAGRAM", "MAX_PARTS", "MAX_PENDING", "TIMEOUT", "Reassembly"]

MAX_DATAGRAM = 65535
MAX_PARTS = 256
MAX_PENDING = 1024
TIMEOUT = 30.0
_UNIT = 8  # fragment offsets count 8-byte units

INCOMPLETE = "IP fragments never completed (datagram dropped)"
OVERLAP = "IP fragments overlap with different bytes (datagram dropped)"
BAD_FRAGMENT = "IP fragment beyond 65535 bytes, misaligned or with two ends (datagram dropped)"
TOO_MANY = "IP datagram in too many fragments or too many in reassembly (dropped)"


@dataclass
class _Partial:
    t_first: float
    end: int | None = None
    parts: list[tuple[int, bytes]] = field(default_factory=list)


class Reassembly:
    """Fragments in, whole IP payloads out (``add``); ``dropped`` counts what never became a datagram."""

    def __init__(self) -> None:
        self._pending: dict[bytes, _Partial] = {}
        self._done: dict[bytes, tuple[float, bytes]] = {}  # recently completed: first fragment's time, payload
        self.fragments = 0
        self.duplicates = 0
        self.reassembled = 0
        self.dropped: Counter[str] = Counter()

    def add(self, key: bytes, t: float, offset: int, more: bool, data: bytes) -> bytes | None:
        """One fragment of the datagram ``key`` (addresses, identification, protocol): its payload starts at
        byte ``offset`` of the datagram's; ``more`` is the More Fragments flag. Returns the whole payload when
        this fragment completes it."""
        self.fragments += 1
        self._expire(t)
        done = self._done.get(key)
        if done is not None:
            if t - done[0] <= TIMEOUT and done[1][offset : offset + len(data)] == data and (more or offset + len(
                    data) == len(done[1])):
                self.duplicates += 1
                return None
            del self._done[key]  # the identification is in use again
        partial = self._pending.get(key)
        if partial is None:
            if len(self._pending) >= MAX_PENDING:
                del self._pending[next(iter(self._pending))]
                self.dropped[TOO_MANY] += 1
            partial = self._pending[key] = _Partial(t)
        end = offset + len(data)
        if end > MAX_DATAGRAM or (more and len(data) % _UNIT) or (
            not more and partial.end is not None and partial.end != end
        ):
            self._drop(key, BAD_FRAGMENT)
            return None
        for at, part in partial.parts:
            if at < end and offset < at + len(part):  # they overlap: the common bytes must be the same
                lo, hi = max(at, offset), min(at + len(part), end)
                if part[lo - at : hi - at] != data[lo - offset : hi - offset]:
                    self._drop(key, OVERLAP)
                    return None
                if at == offset and len(part) == len(data):
                    self.duplicates += 1
                    return None
        if len(partial.parts) >= MAX_PARTS:
            self._drop(key, TOO_MANY)
            return None
        partial.parts.append((offset, data))
        if not more:
            partial.end = end
        if partial.end is None:
            return None
        covered = 0
        for at, part in sorted(partial.parts):
            if at > covered:
                return None  # a hole
            covered = max(covered, at + len(part))
        if covered < partial.end:
            return None
        whole = bytearray(partial.end)
        for at, part in partial.parts:
            whole[at : at + len(part)] = part
        del self._pending[key]
        self.reassembled += 1
        if len(self._done) >= MAX_PENDING:
            del self._done[next(iter(self._done))]
        self._done[key] = (partial.t_first, bytes(whole))
        return self._done[key][1]

    def _drop(self, key: bytes, why: str) -> None:
        self._pending.pop(key, None)
        self.dropped[why] += 1

    def _expire(self, t: float) -> None:
        # insertion order is the order of first fragments, which capture time follows (nearly: captures are
        # written in order of arrival)
        while self._pending:
            key = next(iter(self._pending))
            if t - self._pending[key].t_first <= TIMEOUT:
                break
            self._drop(key, INCOMPLETE)

    def finish(self) -> None:
        """The capture ended: what is still in reassembly never completed."""
        for key in list(self._pending):
            self._drop(key, INCOMPLETE)

    def as_dict(self) -> dict[str, Any]:
        return {"fragments": self.fragments, "reassembled": self.reassembled, "duplicates": self.duplicates,
                "dropped": dict(self.dropped)}
