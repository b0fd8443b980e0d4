"""What the remote console and the BMC side of an RMCP+ session share: the established-session data path.

Sealing and opening session packets (§13.28-13.29), the receive window (§6.12.13), payload-type policy, SOL
plumbing, events and drop counters. The handshakes differ and live in ``session.py`` and ``bmc.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from ipmifast.errors import DecodeError, IntegrityCheckFailed
from ipmifast.proto.cipher_suites import CipherSuite
from ipmifast.proto.consts import PAYLOAD_AUTHENTICATED, PAYLOAD_ENCRYPTED, PAYLOAD_TYPE_MASK, PayloadType
from ipmifast.proto.crypto import SessionCipher
from ipmifast.proto.events import Event, PacketDropped, SolDataReceived
from ipmifast.proto.replay import ReplayWindow, next_seq
from ipmifast.proto.sol import SolWindow

Rng = Callable[[int], bytes]


class SessionBase:
    """Established-session data path shared by ``ClientSession`` and ``BmcSession``."""

    # slots: an engine holds thousands of sessions, and a __dict__ of 30 attributes is 1.5 KB each
    __slots__ = ("_rng", "_cipher", "_seq", "_window", "_outbox", "_events", "_sol", "_drops")
    suite: CipherSuite

    def __init__(self, rng: Rng) -> None:
        self._rng = rng
        self._cipher: SessionCipher | None = None
        self._seq = 0
        self._window = ReplayWindow()
        self._outbox: list[bytes] = []
        self._events: list[Event] = []  # a list: an empty deque costs 760 bytes per session
        self._sol: SolWindow | None = None
        self._drops: dict[str, int] | None = None  # made at the first drop: most sessions never drop one

    @property
    def drops(self) -> dict[str, int]:
        """Counters of dropped datagrams by reason (STYLE.md §5)."""
        return self._drops if self._drops is not None else {}

    def next_event(self) -> Event | None:
        """The next event, or None."""
        return self._events.pop(0) if self._events else None

    # ---------------------------------------------------------------- SOL plumbing
    def _sol_payloads(self, now: float) -> None:
        if self._sol is not None:
            for payload in self._sol.payloads_to_send(now):
                self._outbox.append(self._seal(PayloadType.SOL, payload))

    def detach_sol(self, now: float) -> None:
        """Stop carrying SOL (Deactivate Payload, §24.3): what the window has ready now still goes out (a final
        "SOL deactivating" status), later SOL payloads of the peer are dropped and counted."""
        self._sol_payloads(now)
        self._sol = None

    def _sol_timer(self, deadline: float | None) -> float | None:
        if self._sol is not None:
            sol_timer = self._sol.get_timer()
            if sol_timer is not None and (deadline is None or sol_timer < deadline):
                return sol_timer
        return deadline

    def _sol_handle_timer(self, now: float) -> None:
        if self._sol is not None:
            sol_timer = self._sol.get_timer()
            if sol_timer is not None and sol_timer <= now:
                self._sol.handle_timer(now)

    def _sol_receive(self, payload: bytes, now: float) -> None:
        if self._sol is None:
            self._drop("SOL payload while SOL is not active")
            return
        self._sol.receive(payload, now)
        chars = self._sol.read()
        if chars:
            self._events.append(SolDataReceived(chars))

    # ---------------------------------------------------------------- packets
    def _seal(self, ptype: int, payload: bytes) -> bytes:
        assert self._cipher is not None
        self._seq = next_seq(self._seq)
        iv = self._rng(16) if self.suite.confidentiality else b""
        return self._cipher.seal(ptype, self._peer_session_id(), self._seq, payload, iv)

    def _open(self, data: bytes) -> tuple[int, bytes] | None:
        """Verify, decrypt and window-check a session packet: (payload type, payload), or None if dropped."""
        assert self._cipher is not None
        try:
            ptype_byte, _sid, seq, payload = self._cipher.open(data)
        except IntegrityCheckFailed:
            self._drop("AuthCode does not verify")
            return None
        except DecodeError as exc:
            self._drop(f"malformed session packet: {exc}")
            return None
        if self.suite.integrity and not ptype_byte & PAYLOAD_AUTHENTICATED:
            self._drop("unauthenticated packet in a session with integrity")
            return None
        ptype = ptype_byte & PAYLOAD_TYPE_MASK
        if self.suite.confidentiality and not ptype_byte & PAYLOAD_ENCRYPTED and ptype in (0, 1):
            self._drop("unencrypted payload in a session with confidentiality")
            return None
        reason = self._window.check(seq)
        if reason is not None:
            self._drop(reason)
            return None
        return ptype, payload

    def _peer_session_id(self) -> int:
        """The session ID the peer assigned: it goes in every packet we send (Table 13-8)."""
        raise NotImplementedError

    def _drop(self, reason: str) -> None:
        drops = self._drops
        if drops is None:
            drops = self._drops = {}
        drops[reason] = drops.get(reason, 0) + 1
        self._events.append(PacketDropped(reason))
