"""RMCP+ session establishment payloads (IPMI v2.0 rev 1.1 §13.17-13.23): Open Session Request / Response
(Tables 13-9, 13-10) and RAKP Messages 1-4 (Tables 13-11 to 13-14). Integers are little-endian.

A message whose status code is not zero may stop after any complete field (ipmi_sim fills them all, other BMCs
stop after the status or the session ID): the fields the bytes do not reach are left out of the dissection.
``answers()`` pairs each response with its request on the message tag.
"""

from __future__ import annotations

from typing import Any

from scapy.fields import (
    BitEnumField,
    BitField,
    ByteEnumField,
    ByteField,
    ConditionalField,
    FieldLenField,
    StrField,
    StrFixedLenField,
    StrLenField,
    XByteField,
    XLEIntField,
    XShortField,
)
from scapy.packet import Packet, bind_layers

from ipmifast.proto.consts import (
    GUID_LEN,
    RAKP_RANDOM_LEN,
    AuthAlgorithm,
    ConfidentialityAlgorithm,
    IntegrityAlgorithm,
    PayloadType,
    Privilege,
    RmcpPlusStatus,
    rmcp_plus_status_text,
)
from scapy_layers.ipmi import RMCPPlusSession, _WireLength

__all__ = ["RAKP1", "RAKP2", "RAKP3", "RAKP4", "OpenSessionRequest", "OpenSessionResponse"]

PRIVILEGES = {p.value: p.name for p in Privilege}
STATUS_CODES = {s.value: rmcp_plus_status_text(s.value) for s in RmcpPlusStatus}
AUTH_ALGORITHMS = {a.value: a.name for a in AuthAlgorithm}
INTEGRITY_ALGORITHMS = {a.value: a.name for a in IntegrityAlgorithm}
CONFIDENTIALITY_ALGORITHMS = {a.value: a.name for a in ConfidentialityAlgorithm}
_ALGORITHM_PAYLOAD_LEN = 8

# end offsets of the optional fields of short error messages
_OPEN_SESSION_RS_SID_M_END = 8
_OPEN_SESSION_RS_SID_C_END = 12
_OPEN_SESSION_RS_END = 36
_RAKP_SID_END = 8
_RAKP2_RC_END = _RAKP_SID_END + RAKP_RANDOM_LEN
_RAKP2_GUID_END = _RAKP2_RC_END + GUID_LEN


def _algorithm(prefix: str, payload_type: int, name: str, names: dict[int, str], when: Any = None) -> list[Any]:
    """One algorithm "payload" of Tables 13-9 / 13-10: type, 2 reserved, length 08h, algorithm (bits 5:0),
    3 reserved."""
    fields: list[Any] = [
        ByteField(f"{prefix}_payload_type", payload_type),
        XShortField(f"{prefix}_reserved1", 0),
        ByteField(f"{prefix}_payload_len", _ALGORITHM_PAYLOAD_LEN),
        BitField(f"{prefix}_reserved2", 0, 2),
        BitEnumField(name, 0, 6, names),
        StrFixedLenField(f"{prefix}_reserved3", b"\x00" * 3, 3),
    ]
    return fields if when is None else [ConditionalField(f, when) for f in fields]


def _algorithms(when: Any = None) -> list[Any]:
    return (
        _algorithm("auth", 0, "auth", AUTH_ALGORITHMS, when)
        + _algorithm("integrity", 1, "integrity", INTEGRITY_ALGORITHMS, when)
        + _algorithm("conf", 2, "confidentiality", CONFIDENTIALITY_ALGORITHMS, when)
    )


def _reaches(end: int) -> Any:
    return lambda pkt: pkt.wire_has(end)


def _rakp_header(sid_name: str) -> list[Any]:
    """RAKP 2-4 (Tables 13-12 to 13-14): message tag, status code, 2 reserved bytes, a session ID."""
    return [
        ByteField("message_tag", 0),
        ByteEnumField("status", 0, STATUS_CODES),
        ConditionalField(XShortField("reserved1", 0), _reaches(4)),
        ConditionalField(XLEIntField(sid_name, 0), _reaches(_RAKP_SID_END)),
    ]


class _Establishment(_WireLength):
    _pair = b""

    def hashret(self) -> bytes:
        return self._pair + bytes((self.message_tag,))

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return b"", s

    def answers(self, other: Any) -> int:
        request = _REQUESTS.get(type(self))
        return int(request is not None and isinstance(other, request) and other.message_tag == self.message_tag)

    def mysummary(self) -> str:
        return f"{self.name} tag={self.message_tag} status={STATUS_CODES.get(self.status, self.status)}"


class OpenSessionRequest(_Establishment):
    """RMCP+ Open Session Request (Table 13-9)."""

    name = "RMCP+ Open Session Request"
    _pair = b"open"
    fields_desc = [
        ByteField("message_tag", 0),
        BitField("reserved1", 0, 4),
        BitEnumField("max_privilege", Privilege.ADMINISTRATOR, 4, PRIVILEGES),
        XShortField("reserved2", 0),
        XLEIntField("sid_m", 0),
        *_algorithms(),
    ]

    def mysummary(self) -> str:
        return f"Open Session Request tag={self.message_tag} sid_m={self.sid_m:#010x}"


class OpenSessionResponse(_Establishment):
    """RMCP+ Open Session Response (Table 13-10)."""

    name = "RMCP+ Open Session Response"
    _pair = b"open"
    fields_desc = [
        ByteField("message_tag", 0),
        ByteEnumField("status", 0, STATUS_CODES),
        ConditionalField(BitField("reserved1", 0, 4), _reaches(3)),
        ConditionalField(BitEnumField("max_privilege", Privilege.ADMINISTRATOR, 4, PRIVILEGES), _reaches(3)),
        ConditionalField(XByteField("reserved2", 0), _reaches(4)),
        ConditionalField(XLEIntField("sid_m", 0), _reaches(_OPEN_SESSION_RS_SID_M_END)),
        ConditionalField(XLEIntField("sid_c", 0), _reaches(_OPEN_SESSION_RS_SID_C_END)),
        *_algorithms(_reaches(_OPEN_SESSION_RS_END)),
    ]



class RAKP1(_Establishment):
    """RAKP Message 1 (Table 13-11): the console's random number Rm, the requested role and the user name."""

    name = "RAKP Message 1"
    _pair = b"rakp12"
    fields_desc = [
        ByteField("message_tag", 0),
        StrFixedLenField("reserved1", b"\x00" * 3, 3),
        XLEIntField("sid_c", 0),
        StrFixedLenField("r_m", b"\x00" * RAKP_RANDOM_LEN, RAKP_RANDOM_LEN),
        BitField("reserved_role", 0, 3),
        BitField("name_only_lookup", 0, 1),
        BitEnumField("role", Privilege.ADMINISTRATOR, 4, PRIVILEGES),
        XShortField("reserved2", 0),
        FieldLenField("username_len", None, length_of="username", fmt="B"),
        StrLenField("username", b"", length_from=lambda pkt: pkt.username_len),
    ]

    def mysummary(self) -> str:
        return f"{self.name} tag={self.message_tag} user={bytes(self.username)!r} role={self.role}"


class RAKP2(_Establishment):
    """RAKP Message 2 (Table 13-12): the BMC's random number Rc, its GUID and the key exchange auth code."""

    name = "RAKP Message 2"
    _pair = b"rakp12"
    fields_desc = [
        *_rakp_header("sid_m"),
        ConditionalField(
            StrFixedLenField("r_c", b"\x00" * RAKP_RANDOM_LEN, RAKP_RANDOM_LEN), _reaches(_RAKP2_RC_END)
        ),
        ConditionalField(StrFixedLenField("guid_c", b"\x00" * GUID_LEN, GUID_LEN), _reaches(_RAKP2_GUID_END)),
        StrField("auth_code", b""),
    ]



class RAKP3(_Establishment):
    """RAKP Message 3 (Table 13-13): the console's key exchange auth code."""

    name = "RAKP Message 3"
    _pair = b"rakp34"
    fields_desc = [*_rakp_header("sid_c"), StrField("auth_code", b"")]



class RAKP4(_Establishment):
    """RAKP Message 4 (Table 13-14): the integrity check value over Rm, SIDc and GUIDc, keyed with the SIK."""

    name = "RAKP Message 4"
    _pair = b"rakp34"
    fields_desc = [*_rakp_header("sid_m"), StrField("auth_code", b"")]



#: each response's request
_REQUESTS: dict[type[Packet], type[Packet]] = {OpenSessionResponse: OpenSessionRequest, RAKP2: RAKP1, RAKP4: RAKP3}

for _cls, _type in (
    (OpenSessionRequest, PayloadType.OPEN_SESSION_REQUEST),
    (OpenSessionResponse, PayloadType.OPEN_SESSION_RESPONSE),
    (RAKP1, PayloadType.RAKP_1),
    (RAKP2, PayloadType.RAKP_2),
    (RAKP3, PayloadType.RAKP_3),
    (RAKP4, PayloadType.RAKP_4),
):
    bind_layers(RMCPPlusSession, _cls, payload_type=_type)
