"""The console side's request queue, shared by the RMCP+ and the IPMI v1.5 client sessions.

Requests go out one at a time (``_inflight``), the rest wait in ``_queue``; when the session fails or closes,
every request still owed to the caller gets a ``RequestFailed`` event, and the session's own (internal) requests
are dropped silently.

Bridging (IPMI v2.0 §6.12, ipmitool ``-b/-t``): a Send Message with "track request" set (§22.7) that the BMC
accepts without embedding the target's answer stays in flight until the BMC sends that answer as a separate
message in the session (ipmi_sim does this); the caller then gets it as the Send Message response's data, as
if the BMC had embedded it, so ``bridge.decode_send_message_rs`` reads both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ipmifast.errors import IpmiError, SessionTimeout
from ipmifast.proto import frame
from ipmifast.proto.consts import AppCmd, NetFn
from ipmifast.proto.events import Event, RequestFailed, SessionClosed, SessionFailed
from ipmifast.proto.records import IpmiResponse

# Send Message request data (Table 22-10): channel byte (bits 7:6 tracking), then the IPMB request whose netFn,
# rqSeq and cmd the bridged answer carries back
_TRACK_REQUEST = 0b01
_SEND_MESSAGE_NETFN_AT, _SEND_MESSAGE_SEQ_AT, _SEND_MESSAGE_CMD_AT = 2, 5, 6


@dataclass
class Pending:
    """One request of the queue."""

    rq_seq: int
    netfn: int
    cmd: int
    data: bytes
    tries: int = 0
    internal: bool = False  # handshake, Set Session Privilege, Close Session, keep-alive: consumed by the session
    #: (rq_seq, netfn, cmd) of the bridged answer still owed after the BMC accepted this tracked Send Message
    bridged: tuple[int, int, int] | None = None


class RequestQueue:
    """Failure and close bookkeeping over ``_queue`` / ``_inflight``; subclasses name their end states."""

    __slots__ = ()

    _queue: list[Pending]
    _inflight: Pending | None
    _events: list[Event]
    _deadline: float | None
    state: Any
    _FAILED: Any
    _CLOSED: Any

    _drop: Callable[[str], None]  # the session's: a PacketDropped event and a count

    def _answers(self, rs: IpmiResponse) -> IpmiResponse | None:
        """What ``rs`` completes of the in-flight request: ``rs`` itself or, for a tracked Send Message the BMC
        accepted, the bridged answer as the Send Message response. None: keep waiting (``rs`` is dropped unless it
        is the BMC accepting, or re-accepting after a retransmit, a tracked Send Message)."""
        p = self._inflight
        if p is None:
            self._drop("response to no outstanding request")
            return None
        own = rs.rq_seq == p.rq_seq and rs.netfn == p.netfn | 1 and rs.cmd == p.cmd
        if p.bridged is not None and not own:
            seq, netfn, cmd = p.bridged
            # the target's rqSeq, or the Send Message's: ipmi_sim 2.0.33 answers with the latter (ipmitool uses
            # one number for both, so either works with it)
            if rs.netfn != netfn or rs.cmd != cmd or rs.rq_seq not in (seq, p.rq_seq):
                self._drop("response to no outstanding request")
                return None
            inner = frame.encode_ipmi_response(*rs)
            return rs._replace(netfn=p.netfn | 1, rq_seq=p.rq_seq, cmd=p.cmd, cc=0, data=inner)
        if not own:
            self._drop("response to no outstanding request")
            return None
        data = p.data
        if (
            p.netfn == NetFn.APP and p.cmd == AppCmd.SEND_MESSAGE and rs.cc == 0 and not rs.data
            and len(data) > _SEND_MESSAGE_CMD_AT and data[0] >> 6 == _TRACK_REQUEST
        ):  # fmt: skip
            p.bridged = (data[_SEND_MESSAGE_SEQ_AT] >> 2, data[_SEND_MESSAGE_NETFN_AT] >> 2 | 1,
                         data[_SEND_MESSAGE_CMD_AT])  # fmt: skip
            return None
        return rs

    def _fail(self, error: IpmiError) -> None:
        self._abandon(error)
        self.state = self._FAILED
        self._events.append(SessionFailed(error))

    def _finish(self, event: SessionClosed) -> None:
        self._abandon(SessionTimeout("session closed"))
        self.state = self._CLOSED
        self._events.append(event)

    def _abandon(self, error: IpmiError) -> None:
        pending = list(self._queue)
        if self._inflight is not None:
            pending.insert(0, self._inflight)
        for p in pending:
            if not p.internal:
                self._events.append(RequestFailed(p.rq_seq, p.netfn, p.cmd, error))
        self._queue.clear()
        self._inflight = None  # type: ignore[misc]  # a slot of the concrete session class (this is a mixin)
        self._deadline = None  # type: ignore[misc]
