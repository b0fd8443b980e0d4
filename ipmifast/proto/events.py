"""Events returned by the sans-IO sessions' ``next_event()`` (STYLE.md §2, §4: past tense, frozen)."""

from __future__ import annotations

from dataclasses import dataclass

from ipmifast.errors import IpmiError


class Event:
    """Base class of every session event."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class SessionEstablished(Event):
    """RAKP 4 verified (and, on the client, the session privilege level set)."""

    sid_m: int
    sid_c: int
    cipher_suite: int
    privilege: int


@dataclass(frozen=True, slots=True)
class RequestReceived(Event):
    """BMC side: an IPMI request arrived in the session; answer it with ``BmcSession.respond``."""

    rq_seq: int
    netfn: int
    cmd: int
    data: bytes
    rq_addr: int = 0x81
    rq_lun: int = 0
    rs_addr: int = 0x20
    rs_lun: int = 0


@dataclass(frozen=True, slots=True)
class ResponseReceived(Event):
    """Client side: the response to ``request()`` number ``rq_seq`` (cc may be non-zero)."""

    rq_seq: int
    netfn: int
    cmd: int
    cc: int
    data: bytes


@dataclass(frozen=True, slots=True)
class RequestFailed(Event):
    """Client side: a request got no response after every retransmit."""

    rq_seq: int
    netfn: int
    cmd: int
    error: IpmiError


@dataclass(frozen=True, slots=True)
class SolDataReceived(Event):
    """New Serial-over-LAN characters, in order, each delivered once."""

    data: bytes


@dataclass(frozen=True, slots=True)
class PacketDropped(Event):
    """A datagram was discarded as the specification says (bad AuthCode, replay, unknown session...)."""

    reason: str


@dataclass(frozen=True, slots=True)
class SessionFailed(Event):
    """The session cannot continue; ``error`` says why (an AuthenticationError, IpmiTimeout, ...)."""

    error: IpmiError


@dataclass(frozen=True, slots=True)
class SessionClosed(Event):
    """Close Session was answered (or the peer closed the session, or it expired)."""

    reason: str = "closed"
