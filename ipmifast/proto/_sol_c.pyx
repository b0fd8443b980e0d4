# cython: language_level=3
"""Serial over LAN: payload codec and stop-and-wait window, compiled (IPMI v2.0 rev 1.1 §15).

Same API, results and exception types as the reference ``_sol_py`` (whose docstrings describe the protocol
choices); ``sol.py`` picks one of the two. Payload lengths are checked once at entry, then read through raw
pointers; the window keeps its state in C fields and its characters in two bytearrays.

- SOL payload (§15.9): Table 15-2 (remote console to BMC) and Table 15-3 (BMC to remote console).
- Sequencing, ACK/NACK and partial acceptance: §15.9.
"""

from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE, PyByteArray_Resize
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.string cimport memcpy

from ipmifast.errors import DecodeError, LocalProtocolError

# One definition of the byte-4 flags for both implementations.
from ipmifast.proto._sol_py import SolOperation, SolStatus

__impl__ = "c"

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

cdef enum:
    # Table 15-2 / 15-3 layout
    _HEADER = 4
    _SEQ_AT = 0
    _ACK_SEQ_AT = 1
    _ACCEPTED_AT = 2
    _STATUS_AT = 3
    _SEQ_MASK = 0x0F
    _SEQ_MAX = 15
    _MAX_ACCEPTED = 0xFF
    _MAX_DATA = 0xFFFF - 4
    _NACK = 0x40
    # a new packet is at most this far ahead of the last one accepted (see _sol_py)
    _SEQ_AHEAD = 7
    # Table 15-2 (console) and Table 15-3 (BMC) bits the window itself reads or writes
    _OP_GENERATE_BREAK = 0x10
    _ST_BREAK_DETECTED = 0x04
    _ST_SOL_DEACTIVATING = 0x10
    _ST_CHARACTER_TRANSFER_UNAVAILABLE = 0x20
    _CONSOLE_LEVELS = 0x08 | 0x04 | 0x20  # CTS_PAUSE | DROP_DCD_DSR | RING_WOR
    _BMC_LEVELS = 0x20 | 0x10 | 0x08  # CHARACTER_TRANSFER_UNAVAILABLE | SOL_DEACTIVATING | TRANSMIT_OVERRUN

SOL_HEADER_LEN = _HEADER
SOL_SEQ_MASK = _SEQ_MASK
SOL_SEQ_MAX = _SEQ_MAX
SOL_MAX_ACCEPTED = _MAX_ACCEPTED
SOL_MAX_DATA = _MAX_DATA


cdef inline bytes _header_and(unsigned char seq, unsigned char ack_seq, unsigned char accepted,
                              unsigned char status, const char* data, Py_ssize_t size):
    cdef bytes out = PyBytes_FromStringAndSize(NULL, _HEADER + size)
    cdef unsigned char* p = <unsigned char*>PyBytes_AS_STRING(out)
    p[_SEQ_AT] = seq
    p[_ACK_SEQ_AT] = ack_seq
    p[_ACCEPTED_AT] = accepted
    p[_STATUS_AT] = status
    if size:
        memcpy(p + _HEADER, data, size)
    return out


def encode_sol(seq, ack_seq, accepted, status, data):
    """SOL payload (Table 15-2 / 15-3): ``status`` is the operation byte (console) or the status byte (BMC)."""
    if not 0 <= seq <= _SEQ_MAX:
        raise LocalProtocolError(f"SOL packet sequence number {seq} out of range 0..15")
    if not 0 <= ack_seq <= _SEQ_MAX:
        raise LocalProtocolError(f"SOL ACK/NACK sequence number {ack_seq} out of range 0..15")
    if not 0 <= accepted <= _MAX_ACCEPTED:
        raise LocalProtocolError(f"SOL accepted character count {accepted} out of range 0..255")
    if not 0 <= status <= 0xFF:
        raise LocalProtocolError(f"SOL operation/status byte {status} out of range 0..255")
    cdef const unsigned char[::1] view
    cdef Py_ssize_t size
    if type(data) is bytes:
        size = PyBytes_GET_SIZE(data)
        if size > _MAX_DATA:
            raise LocalProtocolError(f"SOL character data of {size} bytes exceeds {_MAX_DATA}")
        return _header_and(seq, ack_seq, accepted, status, PyBytes_AS_STRING(data), size)
    view = data
    size = view.shape[0]
    if size > _MAX_DATA:
        raise LocalProtocolError(f"SOL character data of {size} bytes exceeds {_MAX_DATA}")
    if size == 0:
        return _header_and(seq, ack_seq, accepted, status, NULL, 0)
    return _header_and(seq, ack_seq, accepted, status, <const char*>&view[0], size)


def decode_sol(payload):
    """(seq, ack_seq, accepted, status, data) of a SOL payload (Table 15-2 / 15-3). Reserved bits are dropped."""
    if not isinstance(payload, bytes):
        raise TypeError(f"decode_sol() needs bytes, not {type(payload).__name__}")
    cdef Py_ssize_t size = PyBytes_GET_SIZE(payload)
    if size < _HEADER:
        raise DecodeError(f"SOL payload of {size} bytes is shorter than its 4-byte header")
    cdef const unsigned char* p = <const unsigned char*>PyBytes_AS_STRING(payload)
    return (
        p[_SEQ_AT] & _SEQ_MASK,
        p[_ACK_SEQ_AT] & _SEQ_MASK,
        p[_ACCEPTED_AT],
        p[_STATUS_AT],
        PyBytes_FromStringAndSize(<const char*>p + _HEADER, size - _HEADER),
    )


cdef inline void _append(bytearray buf, const unsigned char* src, Py_ssize_t size) except *:
    cdef Py_ssize_t old = PyByteArray_GET_SIZE(buf)
    PyByteArray_Resize(buf, old + size)
    memcpy(PyByteArray_AS_STRING(buf) + old, src, size)


cdef class SolWindow:
    """One direction pair of a SOL payload instance: stop-and-wait sender and in-order receiver (§15.9).

    See ``ipmifast.proto._sol_py.SolWindow`` for the behaviour; this class is its compiled twin.
    """

    cdef int _max_data
    cdef int _retry_count
    cdef double _retry_interval
    cdef double _ack_delay
    cdef bint _bmc
    cdef Py_ssize_t _rx_limit
    # sender: _out holds every unacknowledged character; the in-flight packet carries its first _inflight_len
    cdef bytearray _out
    cdef long long _out_base
    cdef list _breaks
    cdef int _status
    cdef int _seq
    cdef bint _inflight
    cdef Py_ssize_t _inflight_len
    cdef int _inflight_ops
    cdef double _deadline
    cdef int _tries
    cdef bint _retransmit_due
    cdef bint _held
    cdef double _hold_until
    cdef bint _accum_started
    cdef double _accum_start
    # receiver: last packet accepted (_rx_seq, 0 = none yet), its length and how much of it was accepted
    cdef bytearray _rx
    cdef int _rx_seq
    cdef Py_ssize_t _rx_len
    cdef Py_ssize_t _rx_count
    cdef bint _ack_pending
    cdef double _ack_due
    cdef bint _told_full
    cdef bint _resume_pending
    # observable state
    cdef readonly int peer_status
    cdef readonly bint deactivated
    cdef readonly Py_ssize_t breaks
    cdef readonly bint failed
    cdef readonly Py_ssize_t retransmits
    cdef readonly Py_ssize_t duplicates
    cdef readonly Py_ssize_t dropped

    def __init__(self, max_data=255, retry_count=7, retry_interval=0.5, ack_delay=0.0, *, bmc=False,
                 rx_limit=None):
        if not 1 <= max_data <= _MAX_ACCEPTED:
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
        self._retry_interval = retry_interval
        self._ack_delay = ack_delay
        self._bmc = bool(bmc)
        self._rx_limit = -1 if rx_limit is None else int(rx_limit)
        self._out = bytearray()
        self._out_base = 0
        self._breaks = []
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
        self._rx = bytearray()
        self._rx_seq = 0
        self._rx_len = 0
        self._rx_count = 0
        self._ack_pending = False
        self._ack_due = 0.0
        self._told_full = False
        self._resume_pending = False
        self.peer_status = 0
        self.deactivated = False
        self.breaks = 0
        self.failed = False
        self.retransmits = 0
        self.duplicates = 0
        self.dropped = 0

    @property
    def max_data(self):
        """Most characters per packet."""
        return self._max_data

    @property
    def pending(self):
        """Characters queued by ``send`` and not yet acknowledged by the peer."""
        return PyByteArray_GET_SIZE(self._out)

    # ------------------------------------------------------------------ caller input
    def send(self, data):
        """Queue characters for the peer."""
        if self.failed:
            raise LocalProtocolError("send() on a failed SOL window")
        self._out += data

    def send_break(self):
        """Queue a break after the characters queued so far (a packet of its own, without characters)."""
        if self.failed:
            raise LocalProtocolError("send_break() on a failed SOL window")
        self._breaks.append(self._out_base + PyByteArray_GET_SIZE(self._out))

    def set_status(self, int bits):
        """Level bits carried by every outbound packet from now on."""
        cdef int allowed = _BMC_LEVELS if self._bmc else _CONSOLE_LEVELS
        if bits & ~allowed:
            raise LocalProtocolError(f"SOL status bits 0x{bits & ~allowed:02x} cannot be set with set_status()")
        cdef bint changed = bits != self._status
        self._status = bits
        if changed or (self._told_full and self._room() > 0):
            self._resume_pending = True  # a status-only packet tells the peer now, not with the next characters

    def read(self):
        """Characters received in order since the last call."""
        cdef Py_ssize_t size = PyByteArray_GET_SIZE(self._rx)
        if size == 0:
            return b""
        cdef bytes data = PyBytes_FromStringAndSize(PyByteArray_AS_STRING(self._rx), size)
        PyByteArray_Resize(self._rx, 0)
        if self._told_full and self._room() > 0:
            self._resume_pending = True
        return data

    # ------------------------------------------------------------------ peer input
    def receive(self, payload, double now):
        """Process one SOL payload from the peer. Never raises on peer bytes."""
        if not isinstance(payload, bytes):
            raise TypeError(f"receive() needs bytes, not {type(payload).__name__}")
        if self.failed:
            return
        cdef Py_ssize_t size = PyBytes_GET_SIZE(payload)
        if size < _HEADER:
            self.dropped += 1
            return
        cdef const unsigned char* p = <const unsigned char*>PyBytes_AS_STRING(payload)
        cdef int seq = p[_SEQ_AT] & _SEQ_MASK
        cdef int ack_seq = p[_ACK_SEQ_AT] & _SEQ_MASK
        cdef Py_ssize_t accepted = p[_ACCEPTED_AT]
        cdef int status = p[_STATUS_AT]
        cdef Py_ssize_t data_len = size - _HEADER
        cdef Py_ssize_t room, take, start
        cdef bint unavailable = False
        if seq != 0 and self._rx_seq != 0:
            if (seq - self._rx_seq + _SEQ_MAX) % _SEQ_MAX > _SEQ_AHEAD:
                self.duplicates += 1
                return
        self.peer_status = status
        if not self._bmc:
            unavailable = (status & _ST_CHARACTER_TRANSFER_UNAVAILABLE) != 0
            if status & _ST_SOL_DEACTIVATING:
                self.deactivated = True
        if self._held and not (status & _NACK) and not unavailable:
            self._held = False
        if ack_seq != 0 and self._inflight and ack_seq == self._seq:
            take = accepted if accepted < self._inflight_len else self._inflight_len
            if take:
                del self._out[:take]
                self._out_base += take
            if self._inflight_ops:
                del self._breaks[0]
            self._inflight = False
            self._retransmit_due = False
            self._tries = 0
        if (unavailable or (ack_seq != 0 and (status & _NACK))) and not self._held:
            self._held = True
            self._hold_until = now + self._retry_interval
        if seq == 0:
            return
        room = self._room()
        if seq == self._rx_seq:
            self.duplicates += 1
            if self._rx_count == self._rx_len and data_len > self._rx_len:
                # the peer appended characters to its retry: those are new
                start = self._rx_len
                take = data_len - start
                if room < take:
                    take = room
                if _MAX_ACCEPTED - self._rx_len < take:
                    take = _MAX_ACCEPTED - self._rx_len
                if take > 0:
                    _append(self._rx, p + _HEADER + start, take)
                else:
                    take = 0
                self._rx_count = self._rx_len + take
                self._rx_len = data_len
        else:
            take = data_len
            if room < take:
                take = room
            if _MAX_ACCEPTED < take:
                take = _MAX_ACCEPTED
            if take > 0:
                _append(self._rx, p + _HEADER, take)
            self._rx_seq = seq
            self._rx_len = data_len
            self._rx_count = take
            if self._bmc:
                if status & _OP_GENERATE_BREAK:
                    self.breaks += 1
            elif status & _ST_BREAK_DETECTED:
                self.breaks += 1
        if not self._ack_pending:
            self._ack_pending = True
            self._ack_due = now + self._ack_delay

    # ------------------------------------------------------------------ output and timers
    def payloads_to_send(self, double now):
        """SOL payloads to send now: a retry, a new packet, an ack-only packet, or a "ready again" notice."""
        if self.failed:
            return []
        cdef Py_ssize_t unsent = PyByteArray_GET_SIZE(self._out)
        cdef Py_ssize_t count
        cdef int ops
        if self._inflight:
            unsent -= self._inflight_len
        if unsent and self._ack_delay > 0.0 and not self._accum_started:
            self._accum_started = True
            self._accum_start = now
        if self._inflight:
            if self._retransmit_due:
                self._retransmit_due = False
                self._tries += 1
                self.retransmits += 1
                self._deadline = now + self._retry_interval
                return [self._packet(self._seq, self._inflight_len, self._inflight_ops)]
        elif not self._held and (unsent or self._breaks):
            count = unsent
            ops = 0
            if self._breaks:
                count = <Py_ssize_t>(<long long>self._breaks[0] - self._out_base)
                if count == 0:
                    ops = _ST_BREAK_DETECTED if self._bmc else _OP_GENERATE_BREAK
            if count > self._max_data:
                count = self._max_data
            if (
                self._breaks
                or count == self._max_data
                or self._ack_delay == 0.0
                or now >= self._accum_start + self._ack_delay
                or (self._ack_pending and now >= self._ack_due)
            ):
                self._seq = self._seq % _SEQ_MAX + 1
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

    def get_timer(self):
        """When ``handle_timer`` (or ``payloads_to_send``) next has work, or None."""
        if self.failed:
            return None
        cdef double timer = -1.0
        if self._inflight:
            if not self._retransmit_due:
                timer = self._deadline
        elif self._held:
            if PyByteArray_GET_SIZE(self._out) or self._breaks:
                timer = self._hold_until
        elif self._accum_started:
            timer = self._accum_start + self._ack_delay
        if self._ack_pending and (timer < 0.0 or self._ack_due < timer):
            timer = self._ack_due
        if timer < 0.0:
            return None
        return timer

    def handle_timer(self, double now):
        """Retry the packet in flight after ``retry_interval``, fail after ``retry_count`` retries, end a hold."""
        if self.failed:
            return
        if self._inflight and not self._retransmit_due and now >= self._deadline:
            if self._tries >= self._retry_count:
                self.failed = True
                return
            self._retransmit_due = True
        if self._held and now >= self._hold_until:
            self._held = False

    # ------------------------------------------------------------------ internals
    cdef Py_ssize_t _room(self):
        cdef Py_ssize_t room
        if self._bmc and (self._status & _ST_CHARACTER_TRANSFER_UNAVAILABLE):
            return 0
        if self._rx_limit < 0:
            return _MAX_DATA
        room = self._rx_limit - PyByteArray_GET_SIZE(self._rx)
        return room if room > 0 else 0

    cdef bytes _packet(self, int seq, Py_ssize_t count, int ops):
        cdef int ack_seq = 0
        cdef int accepted = 0
        cdef int status
        if self._ack_pending:
            self._ack_pending = False
            ack_seq = self._rx_seq
            accepted = <int>self._rx_count
        status = self._status | ops
        if self._room() == 0:
            status |= _NACK
            self._told_full = True
        else:
            self._told_full = False
        self._resume_pending = False
        return _header_and(seq, ack_seq, accepted, status, PyByteArray_AS_STRING(self._out), count)
