"""Serial over LAN: payload codec and stop-and-wait window, the pure-Python reference (IPMI v2.0 rev 1.1 §15).

Same API, results and exception types as the compiled ``_sol_c``; ``sol.py`` picks one of the two.

- SOL payload (§15.9): Table 15-2 (remote console to BMC) and Table 15-3 (BMC to remote console). Byte 1: packet
  sequence number (bits 3:0, 0 = ack-only packet), byte 2: packet ACK/NACK sequence number (bits 3:0, 0 = no
  packet is acknowledged), byte 3: accepted character count, byte 4: operation (console) or status (BMC),
  then the character data. Reserved bits are ignored on receipt.
- Sequencing (§15.9): one packet in flight per direction; a retry keeps its sequence number and its characters;
  a new packet takes the next number, 1..15 (0 is the ack-only packet). What a partial ACK or a NACK leaves
  unaccepted goes out again in a new packet, as ipmi_sim, FreeIPMI ipmiconsole and ipmitool do (ipmi_sim ignores
  the characters of a retry it has already acknowledged).
- Retry count / interval and the Character Accumulate Interval are SOL configuration parameters 4 and 3 (Set SOL
  Configuration Parameters); typical BMCs default to 7 retries at 500 ms.
"""

from __future__ import annotations

from enum import IntFlag

from ipmifast.errors import DecodeError, LocalProtocolError

__impl__ = "py"

__all__ = [
    "SOL_HEADER_LEN",
    "SOL_MAX_ACCEPTED",
    "SOL_MAX_DATA",
    "SOL_SEQ_MASK",
    "SOL_SEQ_MAX",
    "SolOperation",
    "SolStatus",
    "SolWindow",
    "decode_sol",
    "encode_sol",
]


class SolOperation(IntFlag):
    """Operation bits, remote console to BMC (Table 15-2, byte 4). Bit 7 is reserved."""

    FLUSH_OUTBOUND = 0x01
    FLUSH_INBOUND = 0x02
    DROP_DCD_DSR = 0x04
    CTS_PAUSE = 0x08
    GENERATE_BREAK = 0x10
    RING_WOR = 0x20
    NACK = 0x40


class SolStatus(IntFlag):
    """Status bits, BMC to remote console (Table 15-3, byte 4). Bits 7 and 1:0 are reserved."""

    BREAK_DETECTED = 0x04
    TRANSMIT_OVERRUN = 0x08
    SOL_DEACTIVATING = 0x10
    CHARACTER_TRANSFER_UNAVAILABLE = 0x20
    NACK = 0x40


# Table 15-2 / 15-3 layout
SOL_HEADER_LEN = 4
_SEQ_AT = 0
_ACK_SEQ_AT = 1
_ACCEPTED_AT = 2
_STATUS_AT = 3
SOL_SEQ_MASK = 0x0F
SOL_SEQ_MAX = 15
SOL_MAX_ACCEPTED = 0xFF  # the accepted character count is one byte
SOL_MAX_DATA = 0xFFFF - SOL_HEADER_LEN  # the RMCP+ payload length is 16 bits (Table 13-8)

_NACK = 0x40
# A new packet is at most this far ahead of the last one accepted; further "ahead" is an old copy that the
# network delayed (a 4-bit sequence space cannot tell more than half of it apart).
_SEQ_AHEAD = 7

# Level bits a caller may hold on every outbound packet (set_status); the one-shot bits go through send_break.
_CONSOLE_LEVELS = SolOperation.CTS_PAUSE | SolOperation.DROP_DCD_DSR | SolOperation.RING_WOR
_BMC_LEVELS = SolStatus.CHARACTER_TRANSFER_UNAVAILABLE | SolStatus.SOL_DEACTIVATING | SolStatus.TRANSMIT_OVERRUN


def encode_sol(seq: int, ack_seq: int, accepted: int, status: int, data: bytes) -> bytes:
    """SOL payload (Table 15-2 / 15-3): ``status`` is the operation byte (console) or the status byte (BMC)."""
    if not 0 <= seq <= SOL_SEQ_MAX:
        raise LocalProtocolError(f"SOL packet sequence number {seq} out of range 0..15")
    if not 0 <= ack_seq <= SOL_SEQ_MAX:
        raise LocalProtocolError(f"SOL ACK/NACK sequence number {ack_seq} out of range 0..15")
    if not 0 <= accepted <= SOL_MAX_ACCEPTED:
        raise LocalProtocolError(f"SOL accepted character count {accepted} out of range 0..255")
    if not 0 <= status <= 0xFF:
        raise LocalProtocolError(f"SOL operation/status byte {status} out of range 0..255")
    if len(data) > SOL_MAX_DATA:
        raise LocalProtocolError(f"SOL character data of {len(data)} bytes exceeds {SOL_MAX_DATA}")
    return bytes((seq, ack_seq, accepted, status)) + data


def decode_sol(payload: bytes) -> tuple[int, int, int, int, bytes]:
    """(seq, ack_seq, accepted, status, data) of a SOL payload (Table 15-2 / 15-3). Reserved bits are dropped."""
    if not isinstance(payload, bytes):
        raise TypeError(f"decode_sol() needs bytes, not {type(payload).__name__}")
    if len(payload) < SOL_HEADER_LEN:
        raise DecodeError(f"SOL payload of {len(payload)} bytes is shorter than its 4-byte header")
    return (
        payload[_SEQ_AT] & SOL_SEQ_MASK,
        payload[_ACK_SEQ_AT] & SOL_SEQ_MASK,
        payload[_ACCEPTED_AT],
        payload[_STATUS_AT],
        payload[SOL_HEADER_LEN:],
    )


class SolWindow:
    """One direction pair of a SOL payload instance: stop-and-wait sender and in-order receiver (§15.9).

    The same class serves the remote console (``bmc=False``) and the BMC (``bmc=True``): the side only chooses
    which byte-4 bits mean what (Table 15-2 for what the console sends, Table 15-3 for what the BMC sends).

    Sending: ``send`` queues characters; ``pending`` counts those not yet acknowledged (callers apply back-pressure
    on it). Packets carry at most ``max_data`` characters; one is in flight at a time. Without an ACK within
    ``retry_interval`` the packet is sent again unchanged, ``retry_count`` times, then ``failed`` is set and the
    window stops. An ACK that accepts only part of a packet, or a NACK, releases what was accepted; the rest goes
    in a new packet, at once after a partial ACK, and after a NACK (or "character transfer unavailable") once the
    peer sends a packet without NACK or ``retry_interval`` has passed (a probe, which does not count as a retry).

    Receiving: characters of each new packet are delivered once, in order (``read``); a repeated packet is
    acknowledged again but not delivered again, except characters a peer appended to its retry (ipmi_sim does
    this; the FreeIPMI and ipmitool consoles accept it). A packet numbered up to 7 ahead of the last one is new
    (peers skip numbers when they give up on a packet); further ahead, it is an old copy the network delayed and is
    ignored: a 4-bit sequence number cannot order more. ``rx_limit`` bounds the characters waiting for ``read``:
    beyond it a packet is accepted in part and NACKed. Every ACK goes in the next outbound packet, data or ack-only;
    ``ack_delay`` (Character Accumulate Interval) holds back ACKs and short packets for that long, so that
    characters typed together and their echo share a packet.

    Byte 4's NACK bit reflects, on every packet we send, whether we can take characters (ipmi_sim does the same).
    The spec gives the bit a meaning only next to a non-zero ACK/NACK sequence number, so other packets with it
    are ignored by peers; a packet with it clear is how a held sender learns that room is back. After ``read`` (or
    clearing "character transfer unavailable") frees room, the next ``payloads_to_send`` says so.

    Malformed payloads are counted in ``dropped`` and never raise.
    """

    __slots__ = (
        "_accum_start",
        "_accum_started",
        "_ack_delay",
        "_ack_due",
        "_ack_pending",
        "_bmc",
        "_breaks",
        "_breaks_rx",
        "_deactivated",
        "_deadline",
        "_dropped",
        "_duplicates",
        "_failed",
        "_held",
        "_hold_until",
        "_inflight",
        "_inflight_len",
        "_inflight_ops",
        "_max_data",
        "_out",
        "_out_base",
        "_peer_status",
        "_resume_pending",
        "_retransmit_due",
        "_retransmits",
        "_retry_count",
        "_retry_interval",
        "_rx",
        "_rx_count",
        "_rx_len",
        "_rx_limit",
        "_rx_seq",
        "_seq",
        "_status",
        "_told_full",
        "_tries",
    )

    def __init__(
        self,
        max_data: int = 255,
        retry_count: int = 7,
        retry_interval: float = 0.5,
        ack_delay: float = 0.0,
        *,
        bmc: bool = False,
        rx_limit: int | None = None,
    ) -> None:
        if not 1 <= max_data <= SOL_MAX_ACCEPTED:
            raise LocalProtocolError(f"max_data {max_data} out of range 1..255 (the accepted count is one byte)")
        if retry_count < 0:
            raise LocalProtocolError(f"retry_count {retry_count} is negative")
        if not retry_interval > 0.0:
            raise LocalProtocolError(f"retry_interval {retry_interval} must be positive")
        if not ack_delay >= 0.0:
            raise LocalProtocolError(f"ack_delay {ack_delay} is negative")
        if rx_limit is not None and rx_limit < 1:
            raise LocalProtocolError(f"rx_limit {rx_limit} must be at least 1")
        self._max_data = int(max_data)
        self._retry_count = int(retry_count)
        self._retry_interval = float(retry_interval)
        self._ack_delay = float(ack_delay)
        self._bmc = bool(bmc)
        self._rx_limit = -1 if rx_limit is None else int(rx_limit)
        # sender: _out holds every unacknowledged character; the in-flight packet carries its first _inflight_len
        self._out = bytearray()
        self._out_base = 0  # stream offset of _out[0]
        self._breaks: list[int] = []  # stream offsets at which a break goes out
        self._status = 0
        self._seq = 0
        self._inflight = False
        self._inflight_len = 0
        self._inflight_ops = 0
        self._deadline = 0.0
        self._tries = 0
        self._retransmit_due = False
        self._held = False
        self._hold_until = 0.0
        self._accum_started = False
        self._accum_start = 0.0
        # receiver: last packet accepted (_rx_seq, 0 = none yet), its length and how much of it was accepted
        self._rx = bytearray()
        self._rx_seq = 0
        self._rx_len = 0
        self._rx_count = 0
        self._ack_pending = False
        self._ack_due = 0.0
        self._told_full = False
        self._resume_pending = False
        # observable state
        self._peer_status = 0
        self._deactivated = False
        self._breaks_rx = 0
        self._failed = False
        self._retransmits = 0
        self._duplicates = 0
        self._dropped = 0

    # ------------------------------------------------------------------ observable state
    @property
    def max_data(self) -> int:
        """Most characters per packet."""
        return self._max_data

    @property
    def pending(self) -> int:
        """Characters queued by ``send`` and not yet acknowledged by the peer."""
        return len(self._out)

    @property
    def failed(self) -> bool:
        """A packet went unacknowledged through every retry: the window has stopped."""
        return self._failed

    @property
    def peer_status(self) -> int:
        """Byte 4 (operation or status) of the latest packet from the peer (SolStatus / SolOperation bits)."""
        return self._peer_status

    @property
    def deactivated(self) -> bool:
        """Console side: the BMC has said "SOL deactivating" (Table 15-3); it stays set."""
        return self._deactivated

    @property
    def breaks(self) -> int:
        """Breaks the peer signalled: break detected (console side) or generate break (BMC side)."""
        return self._breaks_rx

    @property
    def retransmits(self) -> int:
        """Packets sent again after ``retry_interval`` without an ACK."""
        return self._retransmits

    @property
    def duplicates(self) -> int:
        """Received packets that repeated one already accepted (or an older one): not delivered again."""
        return self._duplicates

    @property
    def dropped(self) -> int:
        """Received payloads too short to be SOL payloads."""
        return self._dropped

    # ------------------------------------------------------------------ caller input
    def send(self, data: bytes) -> None:
        """Queue characters for the peer."""
        if self._failed:
            raise LocalProtocolError("send() on a failed SOL window")
        self._out += data

    def send_break(self) -> None:
        """Queue a break after the characters queued so far: "generate break" from the console (Table 15-2),
        "break detected" from the BMC (Table 15-3). It goes in a packet of its own, without characters."""
        if self._failed:
            raise LocalProtocolError("send_break() on a failed SOL window")
        self._breaks.append(self._out_base + len(self._out))

    def set_status(self, bits: int) -> None:
        """Level bits carried by every outbound packet from now on; a change goes out at once in a status-only
        packet (sequence number 0).

        Console: CTS_PAUSE, DROP_DCD_DSR, RING_WOR. BMC: CHARACTER_TRANSFER_UNAVAILABLE (the window then accepts
        no characters and NACKs), SOL_DEACTIVATING, TRANSMIT_OVERRUN.
        """
        allowed = int(_BMC_LEVELS if self._bmc else _CONSOLE_LEVELS)
        if bits & ~allowed:
            raise LocalProtocolError(f"SOL status bits 0x{bits & ~allowed:02x} cannot be set with set_status()")
        changed = int(bits) != self._status
        self._status = int(bits)
        if changed or (self._told_full and self._room() > 0):
            self._resume_pending = True  # a status-only packet tells the peer now, not with the next characters

    def read(self) -> bytes:
        """Characters received in order since the last call."""
        data = bytes(self._rx)
        if data:
            del self._rx[:]
            if self._told_full and self._room() > 0:
                self._resume_pending = True
        return data

    # ------------------------------------------------------------------ peer input
    def receive(self, payload: bytes, now: float) -> None:
        """Process one SOL payload from the peer. Never raises on peer bytes."""
        if not isinstance(payload, bytes):
            raise TypeError(f"receive() needs bytes, not {type(payload).__name__}")
        if self._failed:
            return
        size = len(payload)
        if size < SOL_HEADER_LEN:
            self._dropped += 1
            return
        seq = payload[_SEQ_AT] & SOL_SEQ_MASK
        ack_seq = payload[_ACK_SEQ_AT] & SOL_SEQ_MASK
        accepted = payload[_ACCEPTED_AT]
        status = payload[_STATUS_AT]
        if seq != 0 and self._rx_seq != 0:
            ahead = (seq - self._rx_seq + SOL_SEQ_MAX) % SOL_SEQ_MAX
            if ahead > _SEQ_AHEAD:
                self._duplicates += 1
                return
        self._peer_status = status
        unavailable = False
        if not self._bmc:
            unavailable = bool(status & SolStatus.CHARACTER_TRANSFER_UNAVAILABLE)
            if status & SolStatus.SOL_DEACTIVATING:
                self._deactivated = True
        if self._held and not status & _NACK and not unavailable:
            self._held = False
        if ack_seq != 0 and self._inflight and ack_seq == self._seq:
            taken = accepted if accepted < self._inflight_len else self._inflight_len
            if taken:
                del self._out[:taken]
                self._out_base += taken
            if self._inflight_ops:
                del self._breaks[0]
            self._inflight = False
            self._retransmit_due = False
            self._tries = 0
        if (unavailable or (ack_seq != 0 and status & _NACK)) and not self._held:
            self._held = True
            self._hold_until = now + self._retry_interval
        if seq == 0:
            return
        room = self._room()
        if seq == self._rx_seq:
            self._duplicates += 1
            if self._rx_count == self._rx_len and size - SOL_HEADER_LEN > self._rx_len:
                # the peer appended characters to its retry: those are new
                start = SOL_HEADER_LEN + self._rx_len
                take = min(size - start, room, SOL_MAX_ACCEPTED - self._rx_len)
                if take > 0:
                    self._rx += payload[start : start + take]
                else:
                    take = 0
                self._rx_count = self._rx_len + take
                self._rx_len = size - SOL_HEADER_LEN
        else:
            take = min(size - SOL_HEADER_LEN, room, SOL_MAX_ACCEPTED)
            if take > 0:
                self._rx += payload[SOL_HEADER_LEN : SOL_HEADER_LEN + take]
            else:
                take = 0
            self._rx_seq = seq
            self._rx_len = size - SOL_HEADER_LEN
            self._rx_count = take
            if self._bmc:
                if status & SolOperation.GENERATE_BREAK:
                    self._breaks_rx += 1
            elif status & SolStatus.BREAK_DETECTED:
                self._breaks_rx += 1
        if not self._ack_pending:
            self._ack_pending = True
            self._ack_due = now + self._ack_delay

    # ------------------------------------------------------------------ output and timers
    def payloads_to_send(self, now: float) -> list[bytes]:
        """SOL payloads to send now: a retry, a new packet, an ack-only packet, or a "ready again" notice."""
        if self._failed:
            return []
        unsent = len(self._out) - self._inflight_len if self._inflight else len(self._out)
        if unsent and self._ack_delay > 0.0 and not self._accum_started:
            self._accum_started = True
            self._accum_start = now
        if self._inflight:
            if self._retransmit_due:
                self._retransmit_due = False
                self._tries += 1
                self._retransmits += 1
                self._deadline = now + self._retry_interval
                return [self._packet(self._seq, self._inflight_len, self._inflight_ops)]
        elif not self._held and (unsent or self._breaks):
            count = unsent
            ops = 0
            if self._breaks:
                count = self._breaks[0] - self._out_base
                if count == 0:
                    ops = int(SolStatus.BREAK_DETECTED if self._bmc else SolOperation.GENERATE_BREAK)
            if count > self._max_data:
                count = self._max_data
            if (
                self._breaks
                or count == self._max_data
                or self._ack_delay == 0.0
                or now >= self._accum_start + self._ack_delay
                or (self._ack_pending and now >= self._ack_due)
            ):
                self._seq = self._seq % SOL_SEQ_MAX + 1
                self._inflight = True
                self._inflight_len = count
                self._inflight_ops = ops
                self._tries = 0
                self._deadline = now + self._retry_interval
                self._accum_started = False
                return [self._packet(self._seq, count, ops)]
        if (self._ack_pending and now >= self._ack_due) or self._resume_pending:
            return [self._packet(0, 0, 0)]
        return []

    def get_timer(self) -> float | None:
        """When ``handle_timer`` (or ``payloads_to_send``) next has work, or None."""
        if self._failed:
            return None
        timer = -1.0
        if self._inflight:
            if not self._retransmit_due:
                timer = self._deadline
        elif self._held:
            if self._out or self._breaks:
                timer = self._hold_until
        elif self._accum_started:
            timer = self._accum_start + self._ack_delay
        if self._ack_pending and (timer < 0.0 or self._ack_due < timer):
            timer = self._ack_due
        return None if timer < 0.0 else timer

    def handle_timer(self, now: float) -> None:
        """Retry the packet in flight after ``retry_interval``, fail after ``retry_count`` retries, end a hold."""
        if self._failed:
            return
        if self._inflight and not self._retransmit_due and now >= self._deadline:
            if self._tries >= self._retry_count:
                self._failed = True
                return
            self._retransmit_due = True
        if self._held and now >= self._hold_until:
            self._held = False

    # ------------------------------------------------------------------ internals
    def _room(self) -> int:
        if self._bmc and self._status & SolStatus.CHARACTER_TRANSFER_UNAVAILABLE:
            return 0
        if self._rx_limit < 0:
            return SOL_MAX_DATA
        room = self._rx_limit - len(self._rx)
        return room if room > 0 else 0

    def _packet(self, seq: int, count: int, ops: int) -> bytes:
        ack_seq = 0
        accepted = 0
        if self._ack_pending:
            self._ack_pending = False
            ack_seq = self._rx_seq
            accepted = self._rx_count
        status = self._status | ops
        if self._room() == 0:
            status |= _NACK
            self._told_full = True
        else:
            self._told_full = False
        self._resume_pending = False
        return bytes((seq, ack_seq, accepted, status)) + self._out[:count]
