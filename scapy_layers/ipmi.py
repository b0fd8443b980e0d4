"""IPMI session wrappers and IPMI messages (IPMI v2.0 rev 1.1 §13.6, §13.8).

- ``IPMISession15``: IPMI v1.5 session header (Table 13-4): auth type, session sequence, session ID, AuthCode
  (only when the auth type is not NONE), message length.
- ``RMCPPlusSession``: RMCP+ session header (Table 13-8): auth type 06h, payload type with the encrypted and
  authenticated bits, OEM IANA and OEM payload ID (only for OEM explicit payloads), session ID, session sequence,
  payload length. It dispatches on the payload type; an encrypted payload is ``IPMIEncryptedPayload`` (IV and
  ciphertext: decrypting needs the session keys, which only the analyzer derives, through the core).
- ``IntegrityTrailer``: integrity pad, pad length, next header, AuthCode (Table 13-8), after the payload.
- ``IPMIRequest`` / ``IPMIResponse``: the LAN message (§13.8), told apart by the netfn's low bit, with both
  checksums computed on build.

Lengths and checksums default to ``None`` and are computed in ``post_build``. AuthCodes are not computed here
(they need keys): pass them in, or leave them empty.
"""

from __future__ import annotations

import struct
from typing import Any

from scapy.fields import (
    BitEnumField,
    BitField,
    ByteEnumField,
    ByteField,
    ConditionalField,
    LEIntField,
    LEShortField,
    StrField,
    StrFixedLenField,
    StrLenField,
    XByteField,
    XLE3BytesField,
    XLEIntField,
    XLEShortField,
)
from scapy.packet import Packet, Raw, bind_layers

from ipmifast.proto.consts import (
    BMC_SLAVE_ADDR,
    NEXT_HEADER,
    REMOTE_SWID,
    V15_AUTH_CODE_LEN,
    AuthType,
    PayloadType,
    RmcpClass,
    completion_code_text,
)
from ipmifast.proto.frame import ipmi_checksum
from scapy_layers.names import NETFN_NAMES, command_name
from scapy_layers.rmcp import RMCP, with_length_byte

__all__ = [
    "AUTH_TYPES",
    "PAYLOAD_TYPES",
    "IPMIEncryptedPayload",
    "IPMIRequest",
    "IPMIResponse",
    "IPMISession15",
    "IntegrityTrailer",
    "RMCPPlusSession",
]

AUTH_TYPES = {t.value: t.name for t in AuthType}
PAYLOAD_TYPES = {t.value: t.name for t in PayloadType}

# Table 13-8: auth type .. next header is a multiple of 4 bytes; the fixed part before the payload is 12 bytes
_V20_HEADER_AFTER_RMCP = 12
_TRAILER_FIXED = 2  # pad length, next header
_MAX_INTEGRITY_PAD = 3
# AuthCode lengths of the integrity algorithms (Table 13-18): HMAC-SHA1-96, then the 128-bit ones
_AUTH_CODE_LENGTHS = (12, 16)
_IV_LEN = 16  # §13.29: the AES-CBC-128 IV leads the encrypted payload

_CHECKSUM1_AT = 2
_REQUEST_HEADER_LEN = 6  # rsAddr .. cmd
_RESPONSE_HEADER_LEN = 7  # rqAddr .. completion code


class _WireLength(Packet):
    """Remembers the length of the bytes it was dissected from, for fields whose length is "the rest but the
    last byte" or which an error message may leave out."""

    _wire_len: int | None = None

    def do_dissect(self, s: bytes) -> bytes:
        self._wire_len = len(s)
        return super().do_dissect(s)

    def wire_has(self, end: int) -> bool:
        """Built packets have every field; dissected ones those that the bytes reached."""
        return self._wire_len is None or self._wire_len >= end


# ---------------------------------------------------------------------------------------------- sessions


def _dispatch_session(cls: type[Packet], _pkt: bytes | None = None, *args: Any, **kargs: Any) -> type[Packet]:
    """The byte after the RMCP header tells the two session formats apart (Table 13-3: 06h is RMCP+)."""
    if _pkt:
        return RMCPPlusSession if _pkt[0] == AuthType.RMCP_PLUS else IPMISession15
    return cls


def _dispatch_message(cls: type[Packet], _pkt: bytes | None = None, *args: Any, **kargs: Any) -> type[Packet]:
    """Requests have an even netfn, responses an odd one (Table 5-1)."""
    if _pkt and len(_pkt) > 1:
        return IPMIResponse if _pkt[1] >> 2 & 1 else IPMIRequest
    return cls


class _Session(Packet):
    """Base of the two session wrappers (Scapy looks ``dispatch_hook`` up in each class's own namespace)."""


class IPMISession15(_Session):
    """IPMI v1.5 session header (Table 13-4). A trailing legacy pad byte (§13.6) dissects as Padding."""

    name = "IPMI v1.5 Session"
    dispatch_hook = classmethod(_dispatch_session)
    fields_desc = [
        ByteEnumField("auth_type", AuthType.NONE, AUTH_TYPES),
        LEIntField("session_seq", 0),
        XLEIntField("session_id", 0),
        ConditionalField(
            StrFixedLenField("auth_code", b"\x00" * V15_AUTH_CODE_LEN, V15_AUTH_CODE_LEN),
            lambda pkt: pkt.auth_type != AuthType.NONE,
        ),
        ByteField("msg_len", None),
    ]

    def post_build(self, pkt: bytes, pay: bytes) -> bytes:
        return with_length_byte(pkt, pay, self.msg_len)

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return s[: self.msg_len], s[self.msg_len :]

    def mysummary(self) -> str:
        auth = AUTH_TYPES.get(self.auth_type, f"{self.auth_type:#x}")
        return f"IPMI v1.5 {auth} session={self.session_id:#010x} seq={self.session_seq}"


class RMCPPlusSession(_Session):
    """RMCP+ session header (Table 13-8), followed by the payload and, when authenticated, ``IntegrityTrailer``."""

    name = "RMCP+ Session"
    dispatch_hook = classmethod(_dispatch_session)
    fields_desc = [
        ByteEnumField("auth_type", AuthType.RMCP_PLUS, AUTH_TYPES),
        BitField("encrypted", 0, 1),
        BitField("authenticated", 0, 1),
        BitEnumField("payload_type", PayloadType.IPMI, 6, PAYLOAD_TYPES),
        ConditionalField(XLE3BytesField("oem_iana", 0), lambda pkt: pkt.payload_type == PayloadType.OEM_EXPLICIT),
        ConditionalField(XByteField("oem_reserved", 0), lambda pkt: pkt.payload_type == PayloadType.OEM_EXPLICIT),
        ConditionalField(
            XLEShortField("oem_payload_id", 0), lambda pkt: pkt.payload_type == PayloadType.OEM_EXPLICIT
        ),
        XLEIntField("session_id", 0),
        LEIntField("session_seq", 0),
        LEShortField("payload_len", None),
    ]

    def dissect(self, s: bytes) -> None:
        # as Packet.dissect, except that what follows the payload is the integrity trailer, not padding
        s = self.pre_dissect(s)
        s = self.do_dissect(s)
        s = self.post_dissect(s)
        payload, trailer = self.extract_padding(s)
        self.do_dissect_payload(payload)
        if trailer:
            cls = IntegrityTrailer if self.authenticated else Raw
            self.add_payload(cls(trailer, _internal=1, _underlayer=self))

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return s[: self.payload_len], s[self.payload_len :]

    def guess_payload_class(self, payload: bytes) -> type[Packet]:
        if self.encrypted:
            return IPMIEncryptedPayload
        return Packet.guess_payload_class(self, payload)

    def post_build(self, pkt: bytes, pay: bytes) -> bytes:
        trailer = self.getlayer(IntegrityTrailer)
        if trailer is not None:
            built = bytes(trailer.copy())
            body = pay[: len(pay) - len(built)]
            fixed = trailer.copy()
            if fixed.integrity_pad is None:
                pad = -(_V20_HEADER_AFTER_RMCP + len(body) + _TRAILER_FIXED) % 4
                fixed.integrity_pad = b"\xff" * pad
            pay = body + bytes(fixed)
        else:
            body = pay
        if self.payload_len is None:
            pkt = pkt[:-2] + len(body).to_bytes(2, "little")
        return pkt + pay

    def mysummary(self) -> str:
        kind = PAYLOAD_TYPES.get(self.payload_type, f"type {self.payload_type:#x}")
        flags = ("E" if self.encrypted else "") + ("A" if self.authenticated else "")
        return f"RMCP+ {kind}{' ' + flags if flags else ''} session={self.session_id:#010x} seq={self.session_seq}"


class IntegrityTrailer(Packet):
    """Session trailer of an authenticated RMCP+ packet (Table 13-8): integrity pad (FFh bytes, so that auth
    type .. next header is a multiple of 4), pad length, next header (07h), AuthCode.

    The AuthCode's length depends on the session's integrity algorithm, which the packet does not carry: the
    dissector takes the one of 12 or 16 bytes for which the pad length byte agrees with the pad.
    """

    name = "RMCP+ Integrity Trailer"
    fields_desc = [
        StrField("integrity_pad", None),
        ByteField("pad_length", None),
        XByteField("next_header", NEXT_HEADER),
        StrField("auth_code", b""),
    ]

    def do_dissect(self, s: bytes) -> bytes:
        n = len(s)
        split = None
        for code_len in _AUTH_CODE_LENGTHS:
            at = n - code_len - _TRAILER_FIXED
            if 0 <= at <= _MAX_INTEGRITY_PAD and s[at] == at:
                split = at
                break
        if split is None:  # not a trailer the spec allows: keep the bytes, guess nothing more
            split = 0
        self.integrity_pad = s[:split]
        self.pad_length = s[split] if split < n else None
        self.next_header = s[split + 1] if split + 1 < n else None
        self.auth_code = s[split + _TRAILER_FIXED :]
        self.raw_packet_cache = None
        return b""

    def post_build(self, pkt: bytes, pay: bytes) -> bytes:
        pad = self.integrity_pad or b""
        if self.pad_length is None:
            pkt = pad + bytes((len(pad),)) + pkt[len(pad) + 1 :]
        return pkt + pay

    def mysummary(self) -> str:
        return f"integrity trailer pad={self.pad_length} auth_code={bytes(self.auth_code).hex()}"


class IPMIEncryptedPayload(Packet):
    """An AES-CBC-128 encrypted payload (§13.29, Table 13-20): the IV, then the ciphertext (payload and
    confidentiality pad), opaque without the session's K2."""

    name = "IPMI Encrypted Payload"
    fields_desc = [StrFixedLenField("iv", b"\x00" * _IV_LEN, _IV_LEN), StrField("data", b"")]

    def mysummary(self) -> str:
        return f"encrypted payload ({len(self.data)} bytes)"


# ---------------------------------------------------------------------------------------------- messages


class _CmdField(XByteField):
    """The command byte, shown with its Appendix G name for the message's netfn."""

    def i2repr(self, pkt: Packet | None, x: int) -> str:
        if pkt is None or x is None:
            return super().i2repr(pkt, x)
        return f"{x:#04x} ({pkt.command()})"


class _CcField(XByteField):
    def i2repr(self, pkt: Packet | None, x: int) -> str:
        if x is None:
            return super().i2repr(pkt, x)
        return f"{x:#04x} ({completion_code_text(x)})"


class _Message(_WireLength):
    """IPMI LAN message (§13.8). Requests have an even netfn, responses an odd one (Table 5-1)."""

    _header_len = _REQUEST_HEADER_LEN

    def _data_len(self) -> int:
        return max((self._wire_len or 0) - self._header_len - 1, 0)

    def post_build(self, pkt: bytes, pay: bytes) -> bytes:
        if self.checksum1 is None:
            pkt = pkt[:_CHECKSUM1_AT] + bytes((ipmi_checksum(pkt[:_CHECKSUM1_AT]),)) + pkt[_CHECKSUM1_AT + 1 :]
        if self.checksum2 is None:
            pkt = pkt[:-1] + bytes((ipmi_checksum(pkt[_CHECKSUM1_AT + 1 : -1]),))
        return pkt + pay

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return b"", s

    def hashret(self) -> bytes:
        return bytes((self.netfn & 0x3E, self.cmd, self.rq_seq))

    def body(self) -> Packet:
        """The data as its command's body layer (``scapy_layers.cmds``), or Raw when there is none for it, the
        response carries an error completion code, or the data are too short for the body's fixed fields."""
        from scapy_layers.cmds import body_class

        is_response = isinstance(self, IPMIResponse)
        data = bytes(self.data)
        cls = body_class(self.netfn, self.cmd, is_response, data)
        if cls is None or (is_response and self.cc) or len(data) < cls.fixed_length():
            return Raw(data)
        try:
            return cls(data)
        except struct.error:  # a bit field past the end of the data: a peer's short body, not a dissector bug
            return Raw(data)

    def command(self) -> str:
        """The command's name (Group Extension commands by their defining body code, the first data byte)."""
        data = bytes(self.data or b"")
        return command_name(self.netfn, self.cmd, data[0] if data else None)


def _message_fields(first: tuple[str, int], second: tuple[str, int], netfn: int, extra: list[Any]) -> list[Any]:
    """§13.8: the responder's / requester's address and LUN come first or second depending on the direction."""
    return [
        XByteField(f"{first[0]}_addr", first[1]),
        BitEnumField("netfn", netfn, 6, NETFN_NAMES),
        BitField(f"{first[0]}_lun", 0, 2),
        XByteField("checksum1", None),
        XByteField(f"{second[0]}_addr", second[1]),
        BitField("rq_seq", 0, 6),
        BitField(f"{second[0]}_lun", 0, 2),
        _CmdField("cmd", 0x01),
        *extra,
        StrLenField("data", b"", length_from=lambda pkt: pkt._data_len()),
        XByteField("checksum2", None),
    ]


class IPMIRequest(_Message):
    """IPMI LAN request (§13.8): rsAddr, netFn/rsLUN, checksum 1, rqAddr, rqSeq/rqLUN, cmd, data, checksum 2."""

    name = "IPMI Request"
    dispatch_hook = classmethod(_dispatch_message)
    fields_desc = _message_fields(("rs", BMC_SLAVE_ADDR), ("rq", REMOTE_SWID), 0x06, [])

    def mysummary(self) -> str:
        return f"IPMI {self.command()} rq rq_seq={self.rq_seq}"


class IPMIResponse(_Message):
    """IPMI LAN response (§13.8): rqAddr, netFn/rqLUN, checksum 1, rsAddr, rqSeq/rsLUN, cmd, completion code,
    data, checksum 2."""

    name = "IPMI Response"
    dispatch_hook = classmethod(_dispatch_message)
    _header_len = _RESPONSE_HEADER_LEN
    fields_desc = _message_fields(("rq", REMOTE_SWID), ("rs", BMC_SLAVE_ADDR), 0x07, [_CcField("cc", 0)])

    def answers(self, other: Any) -> int:
        return int(
            isinstance(other, IPMIRequest)
            and self.netfn == other.netfn | 1
            and self.cmd == other.cmd
            and self.rq_seq == other.rq_seq
        )

    def mysummary(self) -> str:
        return f"IPMI {self.command()} rs rq_seq={self.rq_seq} cc={self.cc:#04x} ({completion_code_text(self.cc)})"


def _answers_below(self: Packet, other: Any) -> int:
    return int(isinstance(other, _Session) and self.payload.answers(other.payload))


IPMISession15.answers = _answers_below  # type: ignore[method-assign]
RMCPPlusSession.answers = _answers_below  # type: ignore[method-assign]

bind_layers(RMCP, IPMISession15, rmcp_class=RmcpClass.IPMI)
bind_layers(RMCP, RMCPPlusSession, rmcp_class=RmcpClass.IPMI)
bind_layers(IPMISession15, IPMIRequest)
bind_layers(IPMISession15, IPMIResponse)
bind_layers(RMCPPlusSession, IPMIRequest, payload_type=PayloadType.IPMI)
bind_layers(RMCPPlusSession, IPMIResponse, payload_type=PayloadType.IPMI)
