"""The pcap analyzer behind ``ipmifast pcap``: who talked IPMI to which BMC, how, and what went wrong.

The fast path never builds Scapy packets: ``capture.CaptureReader`` reads the file, a few slices find Ethernet /
IPv4 / IPv6 / UDP (and ARP), and the compiled core decodes RMCP, ASF and the session wrappers
(``ipmifast.proto.frame``). Key derivation, AuthCode verification and decryption are the core's as well:
``ipmifast.proto.rakp`` (RAKP 2 / 3 auth codes, SIK, K1, K2, the RAKP 4 ICV, IPMI v2.0 §13.31-13.32),
``ipmifast.proto.crypto`` (``SessionCipher.open``: integrity and AES-CBC-128, §13.28-13.29; ``auth_code_v15``,
§22.17.1). Nothing here re-implements them.

Definitions used in the report:

- a *retransmit* is a request sent again with the same netFn, command, rqSeq and data within
  ``RETRANSMIT_WINDOW`` seconds of the previous copy; the latency counts from the first copy;
- a *duplicate* is a second response to a request that already has one;
- a *bad packet* is an RMCP datagram (or a frame) that does not decode; it is counted with its reason and the
  analysis goes on.
"""

from __future__ import annotations

import gc
import ipaddress
import re
import statistics
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipmifast.cmds import completion_code_text
from ipmifast.cmds._common import AuthTypes
from ipmifast.cmds.app import decode_get_channel_authentication_capabilities_rs
from ipmifast.errors import DecodeError, IntegrityCheckFailed, LocalProtocolError
from ipmifast.proto import frame, rakp
from ipmifast.proto.cipher_suites import CIPHER_SUITES
from ipmifast.proto.consts import (
    IPMI_PORT,
    IPMI_SECURE_PORT,
    MAX_V20_PASSWORD_LEN,
    PAYLOAD_AUTHENTICATED,
    PAYLOAD_ENCRYPTED,
    PAYLOAD_TYPE_MASK,
    V15_PASSWORD_LEN,
    AppCmd,
    AsfMessageType,
    AuthAlgorithm,
    AuthType,
    NetFn,
    PayloadType,
    Privilege,
    rmcp_plus_status_text,
)
from ipmifast.proto.crypto import SessionCipher, auth_code_v15
from scapy_layers.arp import GarpTable
from scapy_layers.capture import CaptureReader
from scapy_layers.names import command_name
from scapy_layers.reassembly import Reassembly

__all__ = ["Analysis", "analyze_file", "format_text"]

RETRANSMIT_WINDOW = 10.0
_DIGITS = re.compile(r"(?<![.v\w])(0x)?[0-9a-f]*[0-9][0-9a-f]*\b")
#: entries of each list (BMCs, consoles, sessions, requests, hashes, findings, senders) in the text report; the
#: JSON report lists them all
TEXT_LIMIT = 200

_ETH_IPV4, _ETH_ARP, _ETH_IPV6, _ETH_VLAN, _ETH_QINQ = 0x0800, 0x0806, 0x86DD, 0x8100, 0x88A8
_UDP = 17
_LINKTYPE_NULL, _LINKTYPE_ETHERNET, _LINKTYPE_RAW, _LINKTYPE_LOOP = 0, 1, 101, 108
_LINKTYPE_SLL, _LINKTYPE_IPV4, _LINKTYPE_IPV6, _LINKTYPE_SLL2 = 113, 228, 229, 276
# Ethernet header, IPv4 header without options (IHL 5), UDP header: ethertype, version/IHL, total length,
# flags/fragment offset, protocol, source, destination, source port, destination port, UDP length
_ETH_IPV4_UDP = struct.Struct(">12xHBxH2xHxB2x4s4sHHH")
_ETH_HEADER = 14
_IPV4_MF, _IPV4_OFFSET = 0x2000, 0x1FFF  # flags / fragment offset word (RFC 791 §3.1)
_IPV4_MF_OFFSET = _IPV4_MF | _IPV4_OFFSET
_IPV6_FRAGMENT, _IPV6_FRAGMENT_LEN = 44, 8
_IPV6_OFFSET, _IPV6_OFFSET_M = 0xFFF8, 0xFFF9  # the offset in 8-byte units, already times 8; and the M flag
_UDP_AT = 34
_IPV4_NO_OPTIONS = 0x45
_RMCP_AT = _UDP_AT + 8
_ETH_IPV4_NO_OPTIONS = b"\x08\x00\x45"  # ethertype IPv4, version 4 and IHL 5
_IP_FRAGMENT_AT = 20
_IP_PROTO_AT = 23
_IP_ADDRESSES_AT = 26
_V20_AT = _RMCP_AT + 3  # RMCP class, then the auth type
_RMCP_V20_PREFIX = b"\x07\x06"  # class IPMI, auth type RMCP+
_V20_PTYPE_AT = _RMCP_AT + 5
_V20_SID_AT = _RMCP_AT + 6
_V20_FAST_UDP_MIN = 8 + 10  # UDP header, then RMCP+ up to the end of the session ID
_RMCP_IPMI = 0x07
# constants of the per-packet path as plain ints (an IntEnum member costs an attribute lookup)
_SOL = int(PayloadType.SOL)
_APP_RS = int(NetFn.APP) | 1
_SET_SESSION_PRIVILEGE_LEVEL = int(AppCmd.SET_SESSION_PRIVILEGE_LEVEL)
_CLOSE_SESSION = int(AppCmd.CLOSE_SESSION)
_GROUP_EXTENSION = int(NetFn.GROUP_EXTENSION)
_GET_CHANNEL_AUTH_CAPABILITIES = int(AppCmd.GET_CHANNEL_AUTH_CAPABILITIES)
_RMCP_ASF = 0x06
_RMCP_ACK = 0x80
_RMCP_CLASS_MASK = 0x1F
_V20_SID_END = 10  # RMCP header, auth type, payload type, session ID (Table 13-8)
_NOT_IPMI_OR_SOL = PAYLOAD_TYPE_MASK & ~PayloadType.SOL  # payload types 00h and 01h have no other bit set
#: IPv6 extension headers with the generic layout (next header, length in 8-octet units - 1): hop-by-hop options,
#: routing, destination options (RFC 8200 §4.3-4.6)
_IPV6_OPTION_HEADERS = frozenset((0, 43, 60))
# RAKP 2 HMACs for offline cracking: the formats of hashcat and John the Ripper are the core's (ipmifast.proto.rakp
# RAKP_HASH_FORMATS). The salt is the same for all: SIDm, SIDc, Rm, Rc, GUIDc, role, ULength, user name.
# Get Session Challenge (Table 22-16): request auth type + 16-byte user name, response temporary session ID +
# 16-byte challenge; Activate Session response (Table 22-17): auth type, session ID, inbound sequence, privilege
_CHALLENGE_RQ_LEN = 17
_CHALLENGE_RS_LEN = 20
_ACTIVATE_SESSION_RS_LEN = 10
_ACTIVATE_RS_SESSION_ID = slice(1, 5)
_ACTIVATE_RS_PRIVILEGE_AT = 9
_ARP_LEN = 28

_AUTH_TYPE_NAMES: dict[int, str] = {
    AuthType.NONE: "NONE",
    AuthType.MD2: "MD2",
    AuthType.MD5: "MD5",
    AuthType.PASSWORD: "straight password",
    AuthType.OEM: "OEM",
}
_SUITE_BY_ALGORITHMS: dict[tuple[int, int, int], int] = {
    (s.auth, s.integrity, s.confidentiality): s.id for s in CIPHER_SUITES.values()
}


def _privilege_name(level: int) -> str:
    try:
        return Privilege(level & 0x0F).name.lower().replace("_", " ")
    except ValueError:
        return f"privilege 0x{level:02x}"


class Request:
    """One request and what became of it."""

    # no reference to the Session (which lists its requests): no reference cycles, so that millions of requests
    # are freed by reference counting, not by a garbage collection walking them all
    __slots__ = ("bmc", "body_code", "cc", "cmd", "console", "data_key", "dup", "encrypted", "frame", "last_t",
                 "netfn", "rq_seq", "rs_frame", "rs_t", "sends", "session", "t")

    def __init__(self, session: Session, frame_no: int, t: float, netfn: int, cmd: int, rq_seq: int,
                 data: bytes, encrypted: bool) -> None:
        self.session = session.number
        self.bmc, self.console = session.bmc, session.console
        self.body_code = data[0] if netfn == _GROUP_EXTENSION and data else None
        self.frame = frame_no
        self.t = self.last_t = t
        self.netfn, self.cmd, self.rq_seq = netfn, cmd, rq_seq
        self.data_key = hash(data)
        self.encrypted = encrypted
        self.sends = 1
        self.rs_frame: int | None = None
        self.rs_t: float | None = None
        self.cc: int | None = None
        self.dup = 0

    @property
    def name(self) -> str:
        return command_name(self.netfn, self.cmd, self.body_code)

    @property
    def latency(self) -> float | None:
        return None if self.rs_t is None else self.rs_t - self.t

    def as_dict(self, names: _Names) -> dict[str, Any]:
        return {
            "frame": self.frame,
            "time": self.t,
            "bmc": names.endpoint(self.bmc),
            "console": names.endpoint(self.console),
            "session": self.session,
            "netfn": self.netfn,
            "cmd": self.cmd,
            "command": self.name,
            "rq_seq": self.rq_seq,
            "encrypted": self.encrypted,
            "response_frame": self.rs_frame,
            "cc": self.cc,
            "completion": None if self.cc is None else completion_code_text(self.netfn, self.cmd, self.cc),
            "latency": self.latency,
            "retransmits": self.sends - 1,
            "duplicates": self.dup,
        }


@dataclass(eq=False, slots=True)
class Session:
    """An RMCP+ or IPMI v1.5 session, or (kind "none") the session-less messages of a console and a BMC."""

    kind: str
    console: tuple[bytes, int]
    bmc: tuple[bytes, int]
    t_start: float
    frame: int
    number: int = 0
    sid_m: int | None = None
    sid_c: int | None = None
    t_end: float = 0.0
    suite: int | None = None
    algorithms: tuple[int, int, int] | None = None
    auth_type: int | None = None
    username: bytes | None = None
    requested_privilege: int | None = None
    privilege: int | None = None
    role: int | None = None
    status: int | None = None
    stage: str = ""
    outcome: str = ""
    established: bool = False
    closed: bool = False
    password: str = "not checked"
    password_value: str | None = None
    kg: str = ""
    rakp_salt: bytes | None = None  # the RAKP 2 HMAC's input and the HMAC, for the hash lines
    rakp_hmac: bytes = b""
    rakp_auth: int = 0
    cipher: SessionCipher | None = None
    v15_password: bytes | None = None
    sik: bytes = b""
    osrq: rakp.OpenSessionRequest | None = None
    r1: rakp.Rakp1 | None = None
    r2: rakp.Rakp2 | None = None
    r4: rakp.Rakp4 | None = None
    packets: int = 0
    encrypted: int = 0
    decrypted: int = 0
    auth_ok: int = 0
    auth_failed: int = 0
    opaque: int = 0
    sol_packets: int = 0
    sol_clear: int = 0
    sol_to_bmc: bytearray = field(default_factory=bytearray)
    sol_from_bmc: bytearray = field(default_factory=bytearray)
    pending: dict[tuple[int, int, int], Request] = field(default_factory=dict)
    request_count: int = 0

    def as_dict(self, names: _Names) -> dict[str, Any]:
        out: dict[str, Any] = {
            "number": self.number,
            "kind": self.kind,
            "console": names.endpoint(self.console),
            "bmc": names.endpoint(self.bmc),
            "sid_m": self.sid_m,
            "sid_c": self.sid_c,
            "first_frame": self.frame,
            "start": self.t_start,
            "duration": self.t_end - self.t_start,
            "cipher_suite": self.suite,
            "algorithms": list(self.algorithms) if self.algorithms else None,
            "auth_type": _AUTH_TYPE_NAMES.get(self.auth_type, self.auth_type) if self.auth_type is not None else None,
            "user": None if self.username is None else self.username.decode("latin-1"),
            "requested_privilege": None if self.role is None else _privilege_name(self.role),
            "privilege": None if self.privilege is None else _privilege_name(self.privilege),
            "outcome": self.outcome,
            "status": self.status,
            "established": self.established,
            "closed": self.closed,
            "password": self.password,
            "password_value": self.password_value,
            "kg": self.kg or None,
            "packets": self.packets,
            "encrypted_packets": self.encrypted,
            "decrypted_packets": self.decrypted,
            "auth_code_verified": self.auth_ok,
            "auth_code_failed": self.auth_failed,
            "opaque_packets": self.opaque,
            "requests": self.request_count,
            "sol_packets": self.sol_packets,
        }
        if self.sol_to_bmc or self.sol_from_bmc:
            out["sol_to_bmc"] = self.sol_to_bmc.decode("latin-1")
            out["sol_from_bmc"] = self.sol_from_bmc.decode("latin-1")
        return out


class _Names:
    """Text for addresses (cached: the fast path keeps raw address bytes)."""

    def __init__(self) -> None:
        self._ips: dict[bytes, str] = {}

    def ip(self, raw: bytes) -> str:
        text = self._ips.get(raw)
        if text is None:
            text = self._ips[raw] = str(ipaddress.ip_address(raw))
        return text

    def endpoint(self, ep: tuple[bytes, int]) -> str:
        ip = self.ip(ep[0])
        return f"[{ip}]:{ep[1]}" if ":" in ip else f"{ip}:{ep[1]}"


@dataclass
class Finding:
    """One weakness, with every BMC it was seen on and the first frame that shows it."""

    severity: str
    text: str
    frame: int
    bmcs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "text": self.text, "frame": self.frame, "bmcs": self.bmcs}


class Analysis:
    """Feed it frames (``feed``) or a whole file (``analyze_file``), then read ``report()``."""

    def __init__(self, passwords: Sequence[bytes] = (), kg: bytes | None = None,
                 ports: Iterable[int] = (IPMI_PORT,), keep_plaintext: bool = False) -> None:
        self.passwords = [p for p in passwords]
        self.kg = kg
        self.ports = frozenset(ports)
        self.keep_plaintext = keep_plaintext
        self.plaintext: dict[int, tuple[int, bytes]] = {}
        self.names = _Names()
        self.frames = 0
        self.udp_datagrams = 0
        self.rmcp_datagrams = 0
        self.secure_asf = 0
        self.bad: Counter[str] = Counter()
        self.truncated: str | None = None
        self.t_first: float | None = None
        self.t_last = 0.0
        self.sessions: list[Session] = []
        self._sessionless: dict[tuple[tuple[bytes, int], tuple[bytes, int]], Session] = {}
        self._open: dict[tuple[tuple[bytes, int], tuple[bytes, int], int], Session] = {}
        self._by_sid_c: dict[tuple[tuple[bytes, int], tuple[bytes, int], int], Session] = {}
        self._by_sid_m: dict[tuple[tuple[bytes, int], tuple[bytes, int], int], Session] = {}
        #: (source, destination, session ID) of an RMCP+ payload datagram -> (session, towards the BMC)
        self._flows: dict[bytes, tuple[Session, bool]] = {}
        self._v15_sessions: dict[tuple[tuple[bytes, int], tuple[bytes, int], int], Session] = {}
        self._challenge: dict[tuple[tuple[bytes, int], tuple[bytes, int]], Session] = {}
        self._latest: dict[tuple[tuple[bytes, int], tuple[bytes, int]], Session] = {}
        self.bmcs: dict[bytes, dict[str, Any]] = {}
        self.consoles: dict[bytes, dict[str, Any]] = {}
        self._findings: dict[tuple[str, str], Finding] = {}
        self._finding_bmcs: dict[tuple[str, str], set[bytes]] = {}
        self.garp = GarpTable()
        self.reassembly = Reassembly()
        self.unmatched_responses = 0
        #: every request, in capture order
        self.requests: list[Request] = []
        self.retransmits = 0
        self.duplicates = 0

    # ------------------------------------------------------------------------------------------------ frames

    def feed_file(self, path: str | Path) -> None:
        """Analyze every frame of a capture file.

        The loop itself takes the common case, an RMCP+ IPMI or SOL payload of a session already known, in
        Ethernet / IPv4 / UDP, straight to ``_payload``; everything else goes through ``feed``.
        """
        reader = CaptureReader(path)
        flows, payload_of, frame_of = self._flows, self._payload, self._frame
        frames = fast = 0
        t = 0.0
        # the analysis allocates millions of small objects and frees none of them before the end: the cyclic
        # garbage collector would only walk them again and again (a fifth of the time on 1,000,000 packets)
        collecting = gc.isenabled()
        gc.disable()
        try:
            for number, t, linktype, data in reader:
                frames += 1
                if frames == 1:
                    self.t_first = t
                if (
                    linktype == _LINKTYPE_ETHERNET
                    and data[12:15] == _ETH_IPV4_NO_OPTIONS
                    and data[_V20_AT : _V20_AT + 2] == _RMCP_V20_PREFIX
                ):
                    # the flow key is the wire's own bytes: addresses and ports, then the session ID
                    flow = flows.get(data[_IP_ADDRESSES_AT:_UDP_AT + 4] + data[_V20_SID_AT : _V20_SID_AT + 4])
                    if flow is not None and data[_IP_PROTO_AT] == _UDP and not data[_V20_PTYPE_AT] & _NOT_IPMI_OR_SOL:
                        ulen = data[_UDP_AT + 4] << 8 | data[_UDP_AT + 5]
                        total = data[16] << 8 | data[17]
                        if (
                            not (data[_IP_FRAGMENT_AT] & 0x3F or data[_IP_FRAGMENT_AT + 1])
                            and _V20_FAST_UDP_MIN <= ulen <= total - 20
                            and ulen <= len(data) - _UDP_AT
                        ):
                            fast += 1
                            try:
                                payload_of(flow[0], flow[1], number, t, data[_RMCP_AT : _UDP_AT + ulen],
                                           data[_V20_PTYPE_AT])
                            except (DecodeError, IndexError, struct.error) as exc:
                                self._bad(exc)
                            continue
                frame_of(number, t, linktype, data)
        finally:
            if collecting:
                gc.enable()
            self.frames += frames
            self.udp_datagrams += fast
            self.rmcp_datagrams += fast
            if frames:
                self.t_last = t
            self.truncated = reader.truncated
            if reader.bad_records:
                self.bad["corrupt capture record"] += reader.bad_records
            reader.close()

    def feed(self, number: int, t: float, linktype: int, data: bytes) -> None:
        """One captured frame: find UDP (RMCP) or ARP in it."""
        self.frames += 1
        if self.t_first is None:
            self.t_first = t
        self.t_last = t
        self._frame(number, t, linktype, data)

    def _frame(self, number: int, t: float, linktype: int, data: bytes) -> None:
        n = len(data)
        if linktype == _LINKTYPE_ETHERNET and n >= _ETH_IPV4_UDP.size:
            # the common case in one unpack: Ethernet, IPv4 without options, not a fragment, UDP
            ethertype, vihl, total, fragment, proto, src, dst, sport, dport, ulen = _ETH_IPV4_UDP.unpack_from(data)
            if ethertype == _ETH_IPV4 and vihl == _IPV4_NO_OPTIONS and proto == _UDP and not fragment & 0x3FFF:
                self.udp_datagrams += 1
                if sport in self.ports or dport in self.ports:
                    end = min(n, _ETH_HEADER + total)
                    stop = _UDP_AT + ulen if 8 <= ulen <= end - _UDP_AT else end
                    self.datagram(number, t, (src, sport), (dst, dport), data[_UDP_AT + 8 : stop])
                elif sport == IPMI_SECURE_PORT or dport == IPMI_SECURE_PORT:
                    self.secure_asf += 1
                return
        if linktype == _LINKTYPE_ETHERNET:
            if n < 14:
                self.bad["short Ethernet frame"] += 1
                return
            ethertype = data[12] << 8 | data[13]
            at = 14
            while ethertype in (_ETH_VLAN, _ETH_QINQ) and at + 4 <= n:
                ethertype = data[at + 2] << 8 | data[at + 3]
                at += 4
        elif linktype == _LINKTYPE_SLL:
            if n < 16:
                self.bad["short Linux cooked header"] += 1
                return
            ethertype, at = data[14] << 8 | data[15], 16
        elif linktype == _LINKTYPE_SLL2:
            if n < 20:
                self.bad["short Linux cooked header"] += 1
                return
            ethertype, at = data[0] << 8 | data[1], 20
        elif linktype in (_LINKTYPE_RAW, _LINKTYPE_IPV4, _LINKTYPE_IPV6):
            if not n:
                return
            ethertype, at = (_ETH_IPV6 if data[0] >> 4 == 6 else _ETH_IPV4), 0
        elif linktype in (_LINKTYPE_NULL, _LINKTYPE_LOOP):
            if n < 4:
                return
            ethertype, at = (_ETH_IPV6 if data[4:5] and data[4] >> 4 == 6 else _ETH_IPV4), 4
        else:
            self.bad[f"link type {linktype} not supported"] += 1
            return
        if ethertype == _ETH_IPV4:
            if n < at + 20:
                return
            ihl = (data[at] & 0x0F) * 4
            if data[at + 9] != _UDP or ihl < 20:
                return
            total = data[at + 2] << 8 | data[at + 3]
            src, dst = data[at + 12 : at + 16], data[at + 16 : at + 20]
            flags_offset = data[at + 6] << 8 | data[at + 7]
            end = min(n, at + total) if total else n
            if flags_offset & _IPV4_MF_OFFSET:  # more fragments, or an offset: one piece of a datagram
                whole = self.reassembly.add(src + dst + data[at + 4 : at + 6] + b"\x04", t,
                                            (flags_offset & _IPV4_OFFSET) * 8, bool(flags_offset & _IPV4_MF),
                                            data[at + ihl : end])
                if whole is None:
                    return
                data, at, end = whole, 0, len(whole)
            else:
                at += ihl
        elif ethertype == _ETH_IPV6:
            if n < at + 40:
                return
            next_header = data[at + 6]
            src, dst = data[at + 8 : at + 24], data[at + 24 : at + 40]
            end = min(n, at + 40 + (data[at + 4] << 8 | data[at + 5]))
            at += 40
            while next_header in _IPV6_OPTION_HEADERS:  # hop-by-hop, routing, destination options (RFC 8200 §4)
                if end < at + 8:
                    self.bad["IPv6 extension header cut short"] += 1
                    return
                next_header, at = data[at], at + (data[at + 1] + 1) * 8
            if next_header == _IPV6_FRAGMENT and end >= at + _IPV6_FRAGMENT_LEN:
                # a Fragment header right after the fixed header (RFC 8200 §4.5): next header, reserved,
                # offset (13 bits) / M flag, identification
                next_header = data[at]
                offset_flags = data[at + 2] << 8 | data[at + 3]
                ident = data[at + 4 : at + 8]
                at += _IPV6_FRAGMENT_LEN
                if next_header != _UDP:
                    return
                if offset_flags & _IPV6_OFFSET_M:  # not an atomic fragment (offset 0, M 0: RFC 6946)
                    whole = self.reassembly.add(src + dst + ident + b"\x06", t, offset_flags & _IPV6_OFFSET,
                                                bool(offset_flags & 1), data[at:end])
                    if whole is None:
                        return
                    data, at, end = whole, 0, len(whole)
            elif next_header != _UDP:
                return
        elif ethertype == _ETH_ARP:
            self._arp(number, t, data, at)
            return
        else:
            return
        if end < at + 8:
            return
        self.udp_datagrams += 1
        sport = data[at] << 8 | data[at + 1]
        dport = data[at + 2] << 8 | data[at + 3]
        ports = self.ports
        if sport in ports or dport in ports:
            ulen = data[at + 4] << 8 | data[at + 5]
            stop = at + ulen if 8 <= ulen <= end - at else end
            self.datagram(number, t, (src, sport), (dst, dport), data[at + 8 : stop])
        elif sport == IPMI_SECURE_PORT or dport == IPMI_SECURE_PORT:
            self.secure_asf += 1

    def _arp(self, number: int, t: float, data: bytes, at: int) -> None:
        if len(data) < at + _ARP_LEN:
            self.bad["short ARP packet"] += 1
            return
        htype, ptype, hlen, plen, op = struct.unpack_from(">HHBBH", data, at)
        if (htype, ptype, hlen, plen) != (1, _ETH_IPV4, 6, 4):
            return
        sha = ":".join(f"{b:02x}" for b in data[at + 8 : at + 14])
        spa = self.names.ip(data[at + 14 : at + 18])
        tpa = self.names.ip(data[at + 24 : at + 28])
        self.garp.add(number, t, op, sha, spa, tpa)

    # -------------------------------------------------------------------------------------------- datagrams

    def datagram(self, number: int, t: float, src: tuple[bytes, int], dst: tuple[bytes, int], payload: bytes) -> None:
        """One UDP datagram to or from an RMCP port. Never raises on what the datagram holds."""
        self.rmcp_datagrams += 1
        try:
            if len(payload) < 4 or payload[0] != 0x06:
                self.bad["not RMCP (version byte)"] += 1
                return
            rmcp_class = payload[3]
            if rmcp_class & _RMCP_ACK:
                return
            rmcp_class &= _RMCP_CLASS_MASK
            if rmcp_class == _RMCP_IPMI:
                if len(payload) > 4 and payload[4] == AuthType.RMCP_PLUS:
                    if len(payload) >= _V20_SID_END and not payload[5] & _NOT_IPMI_OR_SOL:
                        flow = self._flows.get(src[0] + dst[0] + struct.pack(">HH", src[1], dst[1])
                                               + payload[6:_V20_SID_END])
                        if flow is not None:
                            self._payload(flow[0], flow[1], number, t, payload, payload[5])
                            return
                    self._v20(number, t, src, dst, payload)
                else:
                    self._v15(number, t, src, dst, payload)
            elif rmcp_class == _RMCP_ASF:
                self._asf(number, t, src, dst, payload)
            else:
                self.bad[f"RMCP class 0x{rmcp_class:02x}"] += 1
        except (DecodeError, IndexError, struct.error) as exc:
            self._bad(exc)

    def _bad(self, exc: Exception) -> None:
        reason = _DIGITS.sub("N", str(exc)) if isinstance(exc, DecodeError) else "truncated field"
        self.bad[reason] += 1

    def _bmc(self, ep: tuple[bytes, int], t: float, what: str) -> dict[str, Any]:
        info = self.bmcs.get(ep[0])
        if info is None:
            info = self.bmcs[ep[0]] = {"ports": set(), "first": t, "last": t, "seen": set(), "pong": None}
        info["ports"].add(ep[1])
        info["last"] = t
        info["seen"].add(what)
        return info

    def _console(self, ep: tuple[bytes, int], t: float) -> None:
        info = self.consoles.get(ep[0])
        if info is None:
            info = self.consoles[ep[0]] = {"first": t, "last": t, "users": set(), "sessions": 0}
        info["last"] = t

    def _to_bmc(self, src: tuple[bytes, int], dst: tuple[bytes, int]) -> bool:
        if dst[1] in self.ports and src[1] not in self.ports:
            return True
        if src[1] in self.ports and dst[1] not in self.ports:
            return False
        return dst[0] in self.bmcs or src[0] not in self.bmcs

    def _asf(self, number: int, t: float, src: tuple[bytes, int], dst: tuple[bytes, int], payload: bytes) -> None:
        msg = frame.decode_asf(payload)
        if msg.message_type == AsfMessageType.PRESENCE_PONG:
            info = self._bmc(src, t, "presence pong")
            pong = frame.decode_asf_pong_data(msg.data)
            info["pong"] = {"oem_iana": pong.oem_iana, "ipmi": bool(pong.supported_entities & 0x80),
                            "supported_entities": pong.supported_entities}
        elif msg.message_type == AsfMessageType.PRESENCE_PING:
            self._console(src, t)

    def _new_session(self, kind: str, console: tuple[bytes, int], bmc: tuple[bytes, int], number: int,
                     t: float) -> Session:
        s = Session(kind, console, bmc, t, number, number=len(self.sessions) + 1, t_end=t)
        self.sessions.append(s)
        self._latest[(console, bmc)] = s
        self._console(console, t)
        self.consoles[console[0]]["sessions"] += 1
        self._bmc(bmc, t, "IPMI v1.5" if kind == "ipmi1.5" else "RMCP+")
        return s

    def _conversation(self, console: tuple[bytes, int], bmc: tuple[bytes, int], number: int, t: float) -> Session:
        s = self._sessionless.get((console, bmc))
        if s is None:
            s = Session("none", console, bmc, t, number, t_end=t)
            self._sessionless[(console, bmc)] = s
            self._console(console, t)
            self._bmc(bmc, t, "IPMI")
        return s

    def _finding(self, severity: str, bmc: tuple[bytes, int], kind: str, text: str, number: int) -> None:
        finding = self._findings.get((kind, text))
        if finding is None:
            finding = self._findings[(kind, text)] = Finding(severity, text, number)
        if bmc[0] not in self._finding_bmcs.setdefault((kind, text), set()):
            self._finding_bmcs[(kind, text)].add(bmc[0])
            finding.bmcs.append(self.names.ip(bmc[0]))

    # -------------------------------------------------------------------------------------------- IPMI v1.5

    def _v15(self, number: int, t: float, src: tuple[bytes, int], dst: tuple[bytes, int], payload: bytes) -> None:
        packet = frame.decode_v15_session(payload)
        msg = packet.msg
        if len(msg) < 2:
            raise DecodeError("IPMI message: shorter than its header")
        is_rs = bool(msg[1] >> 2 & 1)
        console, bmc = (dst, src) if is_rs else (src, dst)
        sid = packet.session_id
        s = self._v15_sessions.get((console, bmc, sid)) if sid else None
        if s is None and sid:
            s = self._new_session("ipmi1.5", console, bmc, number, t)
            s.sid_c = sid
            s.outcome = "seen in progress (its start is not in the capture)"
            s.established = True
            self._v15_sessions[(console, bmc, sid)] = s
        if s is None:
            s = self._conversation(console, bmc, number, t)
        s.packets += 1
        s.t_end = t
        if packet.auth_type != AuthType.NONE and sid:
            self._v15_auth(number, s, packet)
        if is_rs:
            rs = frame.decode_ipmi_response(msg)
            self._response(s, number, t, rs.netfn, rs.cmd, rs.rq_seq, rs.cc)
            if rs.netfn == NetFn.APP | 1 and rs.cc == 0:
                self._v15_session_rs(number, t, console, bmc, rs.cmd, rs.data)
            elif rs.netfn == NetFn.APP | 1 and rs.cmd in (AppCmd.GET_SESSION_CHALLENGE, AppCmd.ACTIVATE_SESSION):
                c = self._challenge.get((console, bmc)) if rs.cmd == AppCmd.GET_SESSION_CHALLENGE else s
                if c is not None and c.kind == "ipmi1.5":
                    c.status = rs.cc
                    c.outcome = f"refused at {command_name(rs.netfn, rs.cmd)}: " + completion_code_text(
                        rs.netfn, rs.cmd, rs.cc)
        else:
            rq = frame.decode_ipmi_request(msg)
            self._request(s, number, t, rq.netfn, rq.cmd, rq.rq_seq, rq.data, False)
            if rq.netfn == NetFn.APP and rq.cmd == AppCmd.GET_SESSION_CHALLENGE and len(rq.data) >= _CHALLENGE_RQ_LEN:
                c = self._challenge.get((console, bmc))
                if c is None or c.sid_c is not None:
                    c = self._new_session("ipmi1.5", console, bmc, number, t)
                    self._challenge[(console, bmc)] = c
                c.auth_type = rq.data[0] & 0x0F
                c.username = rq.data[1:_CHALLENGE_RQ_LEN].rstrip(b"\x00")
                c.stage = "Get Session Challenge sent"
                c.outcome = "no answer to Get Session Challenge"
            elif rq.netfn == NetFn.APP and rq.cmd == AppCmd.ACTIVATE_SESSION and len(rq.data) >= 2:
                if s.kind == "ipmi1.5":
                    s.role = rq.data[1] & 0x0F
                    s.outcome = "no answer to Activate Session"
            elif rq.netfn == NetFn.APP and rq.cmd == AppCmd.SET_SESSION_PRIVILEGE_LEVEL and rq.data:
                s.requested_privilege = rq.data[0] & 0x0F

    def _auth_capabilities(self, number: int, t: float, bmc: tuple[bytes, int], data: bytes) -> None:
        """Get Channel Authentication Capabilities (§22.13): what the BMC admits to before any session."""
        try:
            caps = decode_get_channel_authentication_capabilities_rs(data)
        except DecodeError:
            self.bad["Get Channel Authentication Capabilities response does not decode"] += 1
            return
        self._bmc(bmc, t, "IPMI")["auth_capabilities"] = {
            "auth_types": [(a.name or "").lower() for a in AuthTypes if a in caps.auth_types],
            "anonymous_login": caps.anonymous_login, "null_usernames": caps.null_usernames,
            "per_message_authentication_disabled": caps.per_message_authentication_disabled,
            "user_level_authentication_disabled": caps.user_level_authentication_disabled,
            "kg_nonzero": caps.kg_nonzero, "ipmi_v15": caps.supports_ipmi_v15, "ipmi_v20": caps.supports_ipmi_v20,
        }
        for enabled, text in (
            (caps.anonymous_login, "anonymous login enabled"),
            (caps.null_usernames, "null user names enabled"),
            (AuthTypes.NONE in caps.auth_types, "IPMI v1.5 authentication type NONE enabled"),
            (AuthTypes.PASSWORD in caps.auth_types, "IPMI v1.5 straight password authentication enabled"),
            (caps.per_message_authentication_disabled, "per-message authentication disabled"),
            (caps.user_level_authentication_disabled, "user-level authentication disabled"),
        ):
            if enabled:
                self._finding("medium", bmc, "caps", f"Get Channel Authentication Capabilities: {text}", number)

    def _v15_session_rs(self, number: int, t: float, console: tuple[bytes, int], bmc: tuple[bytes, int],
                        cmd: int, data: bytes) -> None:
        if cmd == AppCmd.GET_CHANNEL_AUTH_CAPABILITIES:
            self._auth_capabilities(number, t, bmc, data)
        elif cmd == AppCmd.GET_SESSION_CHALLENGE and len(data) >= _CHALLENGE_RS_LEN:
            c = self._challenge.get((console, bmc))
            if c is not None:
                c.sid_c = int.from_bytes(data[:4], "little")
                self._v15_sessions[(console, bmc, c.sid_c)] = c
                c.stage = "challenge received"
                c.outcome = "no Activate Session after the challenge"
        elif cmd == AppCmd.ACTIVATE_SESSION and len(data) >= _ACTIVATE_SESSION_RS_LEN:
            c = self._challenge.get((console, bmc))
            if c is None:
                return
            c.auth_type = data[0] & 0x0F
            c.sid_c = int.from_bytes(data[_ACTIVATE_RS_SESSION_ID], "little")
            c.privilege = data[_ACTIVATE_RS_PRIVILEGE_AT] & 0x0F
            c.established = True
            c.outcome = "established"
            self._v15_sessions[(console, bmc, c.sid_c)] = c
            if c.username is not None:
                self.consoles[console[0]]["users"].add(c.username)
            if c.auth_type == AuthType.NONE:
                self._finding("high", bmc, "v15-none", "IPMI v1.5 session with authentication type NONE "
                              "(no AuthCode: anyone on the network can inject commands)", number)
            if not c.username:
                self._finding("high", bmc, "anonymous", "anonymous login (null user name) accepted over IPMI v1.5",
                              number)
        elif cmd == AppCmd.SET_SESSION_PRIVILEGE_LEVEL and data:
            s = self._latest.get((console, bmc))
            if s is not None and s.kind == "ipmi1.5":
                s.privilege = data[0] & 0x0F
        elif cmd == AppCmd.CLOSE_SESSION:
            s = self._latest.get((console, bmc))
            if s is not None and s.kind == "ipmi1.5":
                s.closed = True
                s.outcome = "established, closed"

    def _v15_auth(self, number: int, s: Session, packet: Any) -> None:
        """AuthCode of an IPMI v1.5 session packet: straight passwords are read, MD5 / MD2 checked."""
        if packet.auth_type == AuthType.PASSWORD:
            shown = packet.auth_code.rstrip(b"\x00").decode("latin-1")
            self._finding("high", s.bmc, "straight", f"IPMI v1.5 straight password authentication: the password "
                          f"{shown!r} is in clear text in every session header", number)
            if s.password == "not checked":
                s.password, s.password_value = "read from the capture (straight password)", shown
            return
        if packet.auth_type not in (AuthType.MD5, AuthType.MD2):
            return
        if s.v15_password is None:
            for candidate in self.passwords:
                if len(candidate) <= V15_PASSWORD_LEN and auth_code_v15(
                    packet.auth_type, candidate, packet.session_id, packet.msg, packet.session_seq
                ) == packet.auth_code:
                    s.v15_password = candidate
                    s.password, s.password_value = "matches", candidate.decode("latin-1")
                    break
            else:
                if self.passwords and s.auth_ok == 0:
                    s.password = _no_match(self.passwords)
                s.auth_failed += bool(self.passwords)
                return
        ok = auth_code_v15(packet.auth_type, s.v15_password, packet.session_id, packet.msg,
                           packet.session_seq) == packet.auth_code
        if ok:
            s.auth_ok += 1
        else:
            s.auth_failed += 1

    # -------------------------------------------------------------------------------------------------- RMCP+

    def _v20(self, number: int, t: float, src: tuple[bytes, int], dst: tuple[bytes, int], payload: bytes) -> None:
        packet = frame.decode_v20_session(payload)
        ptype = packet.payload_type & PAYLOAD_TYPE_MASK
        if ptype in (PayloadType.IPMI, PayloadType.SOL):
            self._v20_payload(number, t, src, dst, payload, packet)
        elif ptype == PayloadType.OPEN_SESSION_REQUEST:
            rq = rakp.decode_open_session_rq(packet.payload)
            s = self._open.get((src, dst, rq.sid_m))
            if s is None or s.stage != "Open Session Request sent":
                s = self._new_session("rmcp+", src, dst, number, t)
                self._open[(src, dst, rq.sid_m)] = s
            s.sid_m, s.osrq, s.requested_privilege = rq.sid_m, rq, rq.max_privilege
            s.algorithms = (rq.auth, rq.integrity, rq.confidentiality)
            s.suite = _SUITE_BY_ALGORITHMS.get(s.algorithms)
            s.stage, s.outcome = "Open Session Request sent", "no answer to Open Session Request"
            s.packets += 1
        elif ptype == PayloadType.OPEN_SESSION_RESPONSE:
            rs = rakp.decode_open_session_rs(packet.payload)
            s = self._open.get((dst, src, rs.sid_m)) or self._latest.get((dst, src))
            if s is None or s.kind != "rmcp+":
                s = self._new_session("rmcp+", dst, src, number, t)
                s.sid_m = rs.sid_m
            self._touch(s, t)
            if self._refused(s, "Open Session", rs.status):
                return
            s.sid_c = rs.sid_c
            s.algorithms = (rs.auth, rs.integrity, rs.confidentiality)
            s.suite = _SUITE_BY_ALGORITHMS.get(s.algorithms)
            s.privilege = rs.max_privilege
            s.stage, s.outcome = "Open Session Response received", "no RAKP 1 after the Open Session Response"
            self._register(s, rs.sid_c, rs.sid_m)
            if rs.auth == AuthAlgorithm.RAKP_NONE:
                self._finding("high", s.bmc, "cipher0", "cipher suite 0 accepted (RAKP-none, no integrity, no "
                              "encryption): any password logs in", number)
        elif ptype == PayloadType.RAKP_1:
            r1 = rakp.decode_rakp1(packet.payload)
            s = self._session_for(src, dst, r1.sid_c, self._by_sid_c, t)
            s.r1, s.username, s.role = r1, r1.username, r1.role & 0x0F
            s.stage, s.outcome = "RAKP 1 sent", "no answer to RAKP 1"
            self.consoles[src[0]]["users"].add(r1.username)
        elif ptype == PayloadType.RAKP_2:
            r2 = rakp.decode_rakp2(packet.payload)
            s = self._session_for(dst, src, r2.sid_m, self._by_sid_m, t)
            s.r2 = r2
            if self._refused(s, "RAKP 2", r2.status):
                if s.username is not None:
                    self._finding("low", s.bmc, "enum", f"RAKP 2 status tells whether a user exists "
                                  f"(user {s.username.decode('latin-1')!r}: {rmcp_plus_status_text(r2.status)})",
                                  number)
                return
            s.stage, s.outcome = "RAKP 2 received", "console sent no RAKP 3 (it rejected RAKP 2: wrong password?)"
            self._keys(s, number)
        elif ptype == PayloadType.RAKP_3:
            r3 = rakp.decode_rakp3(packet.payload)
            s = self._session_for(src, dst, r3.sid_c, self._by_sid_c, t)
            if r3.status:
                s.stage = "aborted"
                s.outcome = f"console aborted at RAKP 3: {rmcp_plus_status_text(r3.status)}"
            else:
                s.stage, s.outcome = "RAKP 3 sent", "no answer to RAKP 3"
        elif ptype == PayloadType.RAKP_4:
            r4 = rakp.decode_rakp4(packet.payload)
            s = self._session_for(dst, src, r4.sid_m, self._by_sid_m, t)
            s.r4 = r4
            if self._refused(s, "RAKP 4", r4.status):
                return
            s.stage, s.outcome, s.established = "established", "established (not closed in the capture)", True
            self._check_rakp4(s)
            if s.username == b"":
                self._finding("high", s.bmc, "anonymous", "anonymous login (null user name) accepted over RMCP+",
                              number)
        else:
            self.bad[f"RMCP+ payload type 0x{ptype:02x}"] += 1

    def _register(self, s: Session, sid_c: int | None, sid_m: int | None) -> None:
        """Index an RMCP+ session by the session IDs its packets carry: SIDc towards the BMC, SIDm back."""
        if sid_c is not None:
            self._by_sid_c[(s.console, s.bmc, sid_c)] = s
            self._flows[_flow_key(s.console, s.bmc, sid_c)] = (s, True)
        if sid_m is not None:
            self._by_sid_m[(s.console, s.bmc, sid_m)] = s
            self._flows[_flow_key(s.bmc, s.console, sid_m)] = (s, False)

    def _touch(self, s: Session, t: float) -> None:
        s.packets += 1
        s.t_end = t

    def _session_for(self, console: tuple[bytes, int], bmc: tuple[bytes, int], sid: int,
                     index: dict[tuple[tuple[bytes, int], tuple[bytes, int], int], Session], t: float) -> Session:
        """The session a RAKP message belongs to, its packet counted."""
        s = index.get((console, bmc, sid))
        if s is None:  # short error messages may carry no session ID; else the capture began mid-handshake
            s = self._latest.get((console, bmc))
            if s is None or s.kind != "rmcp+":
                s = self._new_session("rmcp+", console, bmc, 0, 0.0)
        self._touch(s, t)
        return s

    def _refused(self, s: Session, step: str, status: int) -> bool:
        """Record the RMCP+ status code of the BMC's answer; True when it refuses the session."""
        s.status = status
        if status:
            s.stage = "refused"
            s.outcome = f"refused at {step}: {rmcp_plus_status_text(status)}"
        return bool(status)

    def _keys(self, s: Session, number: int) -> None:
        """RAKP 2 received: offer the hash, find the password among the candidates, derive SIK, K1, K2."""
        r1, r2, algorithms = s.r1, s.r2, s.algorithms
        if r1 is None or r2 is None or algorithms is None or s.sid_m is None or s.sid_c is None:
            return
        auth, integrity, confidentiality = algorithms
        if auth == AuthAlgorithm.RAKP_NONE:
            s.password = "not verifiable (RAKP-none: the BMC accepts any password)"
            self._cipher(s, integrity, confidentiality, b"", b"")
            return
        salt = (
            struct.pack("<II", s.sid_m, s.sid_c) + r1.r_m + r2.r_c + r2.guid_c
            + bytes((r1.role, len(r1.username))) + r1.username
        )
        s.rakp_salt, s.rakp_hmac, s.rakp_auth = salt, r2.auth_code, auth
        self._finding("medium", s.bmc, "rakp", "RAKP 2 hands out an HMAC of the password for offline cracking "
                      "(IPMI v2.0 design; see the RAKP hashes)", number)
        if not self.passwords:
            return
        for candidate in self.passwords:
            if len(candidate) > MAX_V20_PASSWORD_LEN:
                continue
            kuid = rakp.pad_password(candidate)
            expected = rakp.rakp2_auth_code(auth, kuid, s.sid_m, s.sid_c, r1.r_m, r2.r_c, r2.guid_c, r1.role,
                                            r1.username)
            if expected and r2.auth_code[: len(expected)] == expected:
                break
        else:
            s.password = _no_match(self.passwords)
            return
        s.password, s.password_value = "matches", candidate.decode("latin-1")
        kg = rakp.pad_password(self.kg) if self.kg is not None else kuid
        sik = rakp.session_integrity_key(auth, kg, r1.r_m, r2.r_c, r1.role, r1.username)
        s.kg = "given" if self.kg is not None else "none (SIK keyed with the password)"
        self._cipher(s, integrity, confidentiality, rakp.derive_k1(auth, sik), rakp.derive_k2(auth, sik),
                     candidate, sik)

    def _cipher(self, s: Session, integrity: int, confidentiality: int, k1: bytes, k2: bytes,
                password: bytes = b"", sik: bytes = b"") -> None:
        try:
            s.cipher = SessionCipher(integrity, confidentiality, k1, k2, password)
        except LocalProtocolError as exc:
            s.password += f"; cannot decrypt: {exc}"
        s.sik = sik

    def _check_rakp4(self, s: Session) -> None:
        """The RAKP 4 ICV proves the SIK, hence the Kg (§13.31)."""
        r1, r2, r4, algorithms = s.r1, s.r2, s.r4, s.algorithms
        sik = s.sik
        if not sik or r1 is None or r2 is None or r4 is None or algorithms is None or s.sid_c is None:
            return
        icv = rakp.rakp4_icv(algorithms[0], sik, r1.r_m, s.sid_c, r2.guid_c)
        if r4.auth_code[: len(icv)] == icv:
            s.kg += ", RAKP 4 verifies"
        else:
            s.kg = ("given Kg does not match (RAKP 4 does not verify)" if self.kg is not None
                    else "RAKP 4 does not verify: the BMC uses a Kg (pass --kg)")
            s.cipher = None

    def _v20_payload(self, number: int, t: float, src: tuple[bytes, int], dst: tuple[bytes, int], payload: bytes,
                     packet: Any) -> None:
        """An IPMI or SOL payload of a session whose packets were not seen before (or outside a session)."""
        sid = packet.session_id
        if sid == 0:
            console, bmc = (src, dst) if self._to_bmc(src, dst) else (dst, src)
            s = self._conversation(console, bmc, number, t)
            to_bmc = console == src
        else:
            to_bmc = self._to_bmc(src, dst)
            console, bmc = (src, dst) if to_bmc else (dst, src)
            s = self._new_session("rmcp+", console, bmc, number, t)
            s.outcome = "seen in progress (its handshake is not in the capture)"
            s.established = True
            if to_bmc:
                s.sid_c = sid
            else:
                s.sid_m = sid
            self._register(s, s.sid_c, s.sid_m)
        self._payload(s, to_bmc, number, t, payload, packet.payload_type)

    def _payload(self, s: Session, to_bmc: bool, number: int, t: float, payload: bytes, ptype: int) -> None:
        """The fast path: an RMCP+ IPMI or SOL payload datagram of a known session."""
        s.packets += 1
        s.t_end = t
        encrypted = ptype & PAYLOAD_ENCRYPTED
        if encrypted:
            s.encrypted += 1
        cipher = s.cipher
        if cipher is not None and ptype & (PAYLOAD_ENCRYPTED | PAYLOAD_AUTHENTICATED):
            try:
                body = cipher.open(payload)[3]
            except IntegrityCheckFailed:
                s.auth_failed += 1
                return
            except DecodeError:
                s.opaque += 1
                self.bad["RMCP+ payload does not decrypt"] += 1
                return
            if ptype & PAYLOAD_AUTHENTICATED:
                s.auth_ok += 1
            if encrypted:
                s.decrypted += 1
        elif encrypted:
            s.opaque += 1
            return
        else:
            body = frame.decode_v20_session(payload).payload
        if self.keep_plaintext and encrypted:
            self.plaintext[number] = (ptype & PAYLOAD_TYPE_MASK, body)
        if ptype & PAYLOAD_TYPE_MASK == _SOL:
            self._sol(s, number, body, to_bmc, bool(encrypted))
            return
        if len(body) < 2:
            raise DecodeError("IPMI message: shorter than its header")
        if body[1] & 0x04:  # an odd netFn: a response
            _rq_addr, netfn, _rq_lun, _rs_addr, rq_seq, _rs_lun, cmd, cc, data = frame.decode_ipmi_response(body)
            self._response(s, number, t, netfn, cmd, rq_seq, cc)
            if netfn == _APP_RS and cc == 0:
                if cmd == _SET_SESSION_PRIVILEGE_LEVEL and data:
                    s.privilege = data[0] & 0x0F
                elif cmd == _CLOSE_SESSION and s.kind == "rmcp+":
                    s.closed = True
                    s.outcome = "established, closed"
                elif cmd == _GET_CHANNEL_AUTH_CAPABILITIES:
                    self._auth_capabilities(number, t, s.bmc, data)
        else:
            _rs_addr, netfn, _rs_lun, _rq_addr, rq_seq, _rq_lun, cmd, data = frame.decode_ipmi_request(body)
            self._request(s, number, t, netfn, cmd, rq_seq, data, bool(encrypted))

    def _sol(self, s: Session, number: int, body: bytes, to_bmc: bool, encrypted: bool) -> None:
        s.sol_packets += 1
        if len(body) < 4:
            raise DecodeError("SOL payload: shorter than its header")
        if body[0] & 0x0F:  # a packet that carries characters (sequence number 0 is an ACK-only packet)
            (s.sol_to_bmc if to_bmc else s.sol_from_bmc).extend(body[4:])
        if not encrypted:
            s.sol_clear += 1
            self._finding("high", s.bmc, "sol", "Serial over LAN in clear text (the console's keystrokes and "
                          "output, passwords included, can be read)", number)

    # ----------------------------------------------------------------------------------------------- requests

    def _request(self, s: Session, number: int, t: float, netfn: int, cmd: int, rq_seq: int, data: bytes,
                 encrypted: bool) -> None:
        key = (netfn, cmd, rq_seq)
        old = s.pending.get(key)
        if old is not None and old.data_key == hash(data) and t - old.last_t <= RETRANSMIT_WINDOW:
            old.sends += 1
            old.last_t = t
            self.retransmits += 1
            return
        req = Request(s, number, t, netfn, cmd, rq_seq, data, encrypted)
        s.pending[key] = req
        s.request_count += 1
        self.requests.append(req)

    def _response(self, s: Session, number: int, t: float, netfn: int, cmd: int, rq_seq: int, cc: int) -> None:
        req = s.pending.get((netfn & 0x3E, cmd, rq_seq))
        if req is None:
            self.unmatched_responses += 1
            return
        if req.rs_t is None:
            req.rs_t, req.rs_frame, req.cc = t, number, cc
        else:
            req.dup += 1
            self.duplicates += 1

    # ------------------------------------------------------------------------------------------------- report

    def report(self, path: str = "", all_requests: bool = True) -> dict[str, Any]:
        """The report as plain data; ``all_requests=False`` lists only the first ``TEXT_LIMIT`` requests
        (the text report's), ``requests_total`` still counting them all."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._report(path, all_requests)
        finally:
            if collecting:
                gc.enable()

    def _report(self, path: str, all_requests: bool) -> dict[str, Any]:
        names = self.names
        self.reassembly.finish()
        for why, count in self.reassembly.dropped.items():
            self.bad[why] = count
        self.garp.mark_bmcs(names.ip(ip) for ip in self.bmcs)
        for s in self.sessions:
            if s.outcome.startswith("established") and s.closed:
                s.outcome = "established, closed"
            elif s.established and not s.closed and s.opaque:
                s.outcome = "established (payloads not decrypted, so its end is not visible)"
        requests = self.requests
        by_key: dict[tuple[int, int, int | None], list[Request]] = {}
        for r in requests:
            by_key.setdefault((r.netfn, r.cmd, r.body_code), []).append(r)
        commands: dict[str, dict[str, Any]] = {}
        for (netfn, cmd, body_code), group in by_key.items():
            name = command_name(netfn, cmd, body_code)
            c = commands.setdefault(name, {"count": 0, "answered": 0, "errors": 0, "retransmits": 0})
            answered = [r for r in group if r.rs_t is not None]
            c["count"] += len(group)
            c["retransmits"] += sum(r.sends for r in group) - len(group)
            c["answered"] += len(answered)
            c["errors"] += sum(1 for r in answered if r.cc)
            if answered:
                values = sorted(r.rs_t - r.t for r in answered)  # type: ignore[operator]
                c["latency_median"] = statistics.median(values)
                c["latency_max"] = values[-1]
        per_bmc = Counter(s.bmc[0] for s in self.sessions)
        for s in (*self.sessions, *self._sessionless.values()):  # the fast path updates sessions only
            for info in (self.bmcs.get(s.bmc[0]), self.consoles.get(s.console[0])):
                if info is not None and s.t_end > info["last"]:
                    info["last"] = s.t_end
        bmcs = [
            {"ip": names.ip(ip), "ports": sorted(info["ports"]), "seen": sorted(info["seen"]),
             "first": info["first"], "last": info["last"], "presence_pong": info["pong"],
             "auth_capabilities": info.get("auth_capabilities"),
             "sessions": per_bmc[ip]}
            for ip, info in self.bmcs.items()
        ]
        consoles = [
            {"ip": names.ip(ip), "users": sorted(u.decode("latin-1") for u in info["users"]),
             "sessions": info["sessions"], "first": info["first"], "last": info["last"]}
            for ip, info in self.consoles.items()
        ]
        hashes = [
            {"session": s.number, "bmc": names.endpoint(s.bmc), "user": s.username.decode("latin-1"),
             **rakp_hash(s.rakp_auth, s.rakp_salt, s.rakp_hmac)}
            for s in self.sessions if s.rakp_salt is not None and s.rakp_hmac and s.username is not None
            and s.rakp_auth in rakp.RAKP_HASH_FORMATS
        ]
        return {
            "file": path,
            "frames": self.frames,
            "duration": (self.t_last - self.t_first) if self.t_first is not None else 0.0,
            "udp_datagrams": self.udp_datagrams,
            "rmcp_datagrams": self.rmcp_datagrams,
            "secure_asf_datagrams": self.secure_asf,
            "bad_packets": sum(self.bad.values()),
            "bad_reasons": dict(self.bad.most_common()),
            "truncated": self.truncated,
            "ip_fragments": self.reassembly.as_dict(),
            "bmcs": bmcs,
            "consoles": consoles,
            "sessions": [s.as_dict(names) for s in self.sessions],
            "requests": [r.as_dict(names) for r in (requests if all_requests else requests[:TEXT_LIMIT])],
            "requests_total": len(requests),
            "commands": commands,
            "retransmits": self.retransmits,
            "duplicates": self.duplicates,
            "unmatched_responses": self.unmatched_responses,
            "hashes": hashes,
            "findings": [f.as_dict() for f in self._findings.values()],
            "garp": self.garp.as_list(),
        }


def rakp_hash(auth: int, salt: bytes, auth_code: bytes) -> dict[str, Any]:
    """A RAKP 2 HMAC as the crackers take it: ``algorithm``; ``hashcat_mode`` (7300 for HMAC-SHA1, 7350 for
    HMAC-MD5, None for HMAC-SHA256, which hashcat has no mode for); ``hash``, the hashcat line (``salt:hmac`` for
    7300, ``hmac:salt`` for 7350, and for HMAC-SHA256 the 7300 layout ``salt:hmac``, labelled by ``algorithm``);
    ``john``, John the Ripper's ``$rakp$salt$hmac``, and ``john_format`` (RAKP, RAKP-MD5, RAKP-SHA256). The
    salt is SIDm, SIDc, Rm, Rc, GUIDc, role, ULength and the user name, as RAKP 2's HMAC covers them (§13.31)."""
    name, mode, john_format = rakp.RAKP_HASH_FORMATS[auth]
    line, john = rakp.rakp_hash_lines(auth, salt, auth_code)
    return {"algorithm": name, "hashcat_mode": mode, "hash": line, "john_format": john_format, "john": john}


def _flow_key(src: tuple[bytes, int], dst: tuple[bytes, int], sid: int) -> bytes:
    """The bytes a datagram of the flow carries: source and destination addresses, ports, RMCP+ session ID."""
    return src[0] + dst[0] + struct.pack(">HH", src[1], dst[1]) + struct.pack("<I", sid)


def _no_match(passwords: Sequence[bytes]) -> str:
    return "does not match" if len(passwords) == 1 else f"does not match any of the {len(passwords)} passwords"


def analyze_file(path: str | Path, passwords: Sequence[bytes] = (), kg: bytes | None = None,
                 ports: Iterable[int] = (IPMI_PORT,), keep_plaintext: bool = False) -> Analysis:
    """Analyze a pcap or pcapng file; ``CaptureError`` when it is not one."""
    analysis = Analysis(passwords, kg, ports, keep_plaintext)
    analysis.feed_file(path)
    return analysis


# ----------------------------------------------------------------------------------------------------- text


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.3f} ms"


def _more(add: Any, total: int) -> None:
    if total > TEXT_LIMIT:
        add(f"  ... {total - TEXT_LIMIT} more (--json lists them all)")


def format_text(report: dict[str, Any]) -> str:
    """The human report: capture, BMCs, consoles, sessions, requests, hashes, findings, gratuitous ARP."""
    out: list[str] = []
    add = out.append
    add(f"capture {report['file']}: {report['frames']} frames over {report['duration']:.3f} s, "
        f"{report['rmcp_datagrams']} RMCP datagrams")
    if report["bad_packets"]:
        reasons = ", ".join(f"{k} ({v})" for k, v in report["bad_reasons"].items())
        add(f"bad packets: {report['bad_packets']}: {reasons}")
    if report["truncated"]:
        add(f"capture truncated {report['truncated']}: the report covers the frames before it")
    fragments = report["ip_fragments"]
    if fragments["fragments"]:
        add(f"IP fragments: {fragments['fragments']}, {fragments['reassembled']} datagrams reassembled")
    if report["secure_asf_datagrams"]:
        add(f"secure ASF (UDP 664): {report['secure_asf_datagrams']} datagrams, not decrypted")
    add("")
    add(f"BMCs ({len(report['bmcs'])}):")
    for b in report["bmcs"][:TEXT_LIMIT]:
        pong = " presence pong" + (" (IPMI)" if b["presence_pong"]["ipmi"] else "") if b["presence_pong"] else ""
        add(f"  {b['ip']} ports {','.join(map(str, b['ports']))}: {b['sessions']} sessions{pong}")
    _more(add, len(report["bmcs"]))
    add(f"consoles ({len(report['consoles'])}):")
    for c in report["consoles"][:TEXT_LIMIT]:
        users = ", ".join(repr(u) for u in c["users"]) or "-"
        add(f"  {c['ip']}: {c['sessions']} sessions, users {users}")
    _more(add, len(report["consoles"]))
    add("")
    add(f"sessions ({len(report['sessions'])}):")
    for s in report["sessions"][:TEXT_LIMIT]:
        kind = f"cipher suite {s['cipher_suite']}" if s["kind"] == "rmcp+" else f"IPMI v1.5 {s['auth_type'] or ''}"
        if s["kind"] == "rmcp+" and s["cipher_suite"] is None and s["algorithms"]:
            kind = "algorithms " + "/".join(map(str, s["algorithms"]))
        sid = "/".join(f"{x:#010x}" if x is not None else "-" for x in (s["sid_m"], s["sid_c"]))
        add(f"  #{s['number']} {s['console']} -> {s['bmc']} {kind.strip()} sid_m/sid_c {sid} "
            f"user {s['user']!r} privilege {s['privilege'] or s['requested_privilege'] or '-'}: {s['outcome']}, "
            f"{s['duration']:.3f} s, {s['packets']} packets, {s['requests']} requests")
        detail = [f"password {s['password']}" + (f" ({s['password_value']!r})" if s["password_value"] else "")]
        if s["kg"]:
            detail.append(f"Kg {s['kg']}")
        if s["encrypted_packets"]:
            detail.append(f"{s['decrypted_packets']}/{s['encrypted_packets']} encrypted payloads decrypted")
        if s["auth_code_verified"] or s["auth_code_failed"]:
            detail.append(f"AuthCodes {s['auth_code_verified']} verified, {s['auth_code_failed']} failed")
        add("      " + "; ".join(detail))
        if s.get("sol_to_bmc") or s.get("sol_from_bmc"):
            add(f"      SOL to BMC {s['sol_to_bmc'][:200]!r}")
            add(f"      SOL from BMC {s['sol_from_bmc'][:200]!r}")
    _more(add, len(report["sessions"]))
    add("")
    reqs = report["requests"]
    add(f"requests ({report['requests_total']}; {report['retransmits']} retransmits, "
        f"{report['duplicates']} duplicate responses, {report['unmatched_responses']} responses without a request):")
    for r in reqs[:TEXT_LIMIT]:
        result = "no response" if r["cc"] is None else f"{r['completion']} (0x{r['cc']:02x})"
        extra = f" ({r['retransmits']} retransmits)" if r["retransmits"] else ""
        extra += f" ({r['duplicates']} duplicates)" if r["duplicates"] else ""
        add(f"  frame {r['frame']} {r['console']} -> {r['bmc']} {r['command']} rq_seq {r['rq_seq']}: {result}, "
            f"{_ms(r['latency'])}{extra}")
    _more(add, report["requests_total"])
    if report["commands"]:
        add("by command:")
        for name, c in sorted(report["commands"].items(), key=lambda kv: -kv[1]["count"]):
            add(f"  {name}: {c['count']} sent, {c['answered']} answered, {c['errors']} errors, "
                f"median {_ms(c.get('latency_median'))}, max {_ms(c.get('latency_max'))}")
    add("")
    add(f"RAKP hashes ({len(report['hashes'])}):")
    for h in report["hashes"][:TEXT_LIMIT]:
        mode = f"hashcat -m {h['hashcat_mode']}" if h["hashcat_mode"] else "no hashcat mode (salt:hmac)"
        add(f"  session #{h['session']} {h['bmc']} user {h['user']!r} {h['algorithm']} "
            f"[{mode}; john --format={h['john_format']}]")
        add(f"  {h['hash']}")
        add(f"  {h['john']}")
    _more(add, len(report["hashes"]))
    add("")
    add(f"findings ({len(report['findings'])}):")
    for f in report["findings"][:TEXT_LIMIT]:
        bmcs = ", ".join(f["bmcs"][:5]) + (f" and {len(f['bmcs']) - 5} more" if len(f["bmcs"]) > 5 else "")
        add(f"  [{f['severity']}] {f['text']} (BMC {bmcs}; frame {f['frame']})")
    _more(add, len(report["findings"]))
    add("")
    add(f"gratuitous ARP ({len(report['garp'])} senders):")
    for g in report["garp"][:TEXT_LIMIT]:
        gaps = "" if g["interval_mean"] is None else (
            f", interval mean {g['interval_mean']:.3f} s (min {g['interval_min']:.3f}, max {g['interval_max']:.3f})")
        kinds = ", ".join(f"{k} {v}" for k, v in g["kinds"].items())
        bmc = f", BMC: {g['bmc_reason']}" if g["bmc"] else ""
        vendor = f" ({g['vendor']})" if g["vendor"] else ""
        add(f"  {g['ip']} {g['mac']}{vendor}: {g['count']} ({kinds}){gaps}{bmc}")
    _more(add, len(report["garp"]))
    return "\n".join(out) + "\n"


def plot_timeline(report: dict[str, Any], path: str | Path) -> None:
    """PNG timeline: each request at its time, its latency on a log scale, one colour per BMC; requests without
    a response sit on the top edge as crosses."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = min((r["time"] for r in report["requests"]), default=0.0)
    by_bmc: dict[str, tuple[list[float], list[float], list[float]]] = {}
    for r in report["requests"]:
        ip = r["bmc"].rsplit(":", 1)[0]
        xs, ys, lost = by_bmc.setdefault(ip, ([], [], []))
        if r["latency"] is None:
            lost.append(r["time"] - t0)
        else:
            xs.append(r["time"] - t0)
            ys.append(max(r["latency"] * 1000, 1e-3))
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    top = max((max(v[1]) for v in by_bmc.values() if v[1]), default=1.0) * 2
    for ip, (xs, ys, lost) in sorted(by_bmc.items()):
        label = ip if len(by_bmc) <= 12 else None
        points = ax.scatter(xs, ys, s=8, label=label)
        if lost:
            ax.scatter(lost, [top] * len(lost), marker="x", color=points.get_facecolor()[0], s=20)
    ax.set_yscale("log")
    ax.set_xlabel("time since the first request (s)")
    ax.set_ylabel("latency (ms); x = no response")
    ax.set_title(f"{Path(str(report['file'])).name}: {len(report['requests'])} requests, {len(by_bmc)} BMCs")
    if 0 < len(by_bmc) <= 12:
        ax.legend(fontsize="small", loc="upper right")
    fig.tight_layout()
    fig.savefig(str(path), format="png")
    plt.close(fig)
