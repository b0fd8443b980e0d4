"""RMCP, ASF and IPMI session framing: the pure-Python reference (IPMI v2.0 rev 1.1 §13.1-13.8).

Same API, results and exception types as the compiled ``_frame_c``; ``frame.py`` picks one of the two.

- RMCP header: §13.1.3, Table 13-1.
- ASF messages inside RMCP class 06h: §13.2.3, Table 13-2, with Presence Ping / Pong from ASF 2.0 §3.2.4
  (ASF fields are big-endian, the IANA number is 4542).
- IPMI v1.5 session wrapper: §13.6, Table 13-4 (with the legacy pad byte).
- RMCP+ session wrapper: §13.6, Table 13-8 (OEM explicit payloads carry an OEM IANA and payload ID).
- IPMI LAN messages and their two checksums: §13.8.

Session header integers are little-endian. Decoders raise ``DecodeError`` on truncated or invalid input, encoders
raise ``LocalProtocolError`` on out-of-range arguments.
"""

from __future__ import annotations

import operator
from struct import Struct

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto.consts import (
    ASF_IANA,
    PAYLOAD_TYPE_MASK,
    RMCP_HEADER_LEN,
    RMCP_SEQ_NO_ACK,
    RMCP_VERSION,
    V15_AUTH_CODE_LEN,
    AsfMessageType,
    AuthType,
    PayloadType,
    RmcpClass,
)
from ipmifast.proto.records import AsfMessage, AsfPong, IpmiRequest, IpmiResponse, V15Packet, V20Packet

__impl__ = "py"

__all__ = [
    "decode_asf",
    "decode_asf_pong_data",
    "decode_ipmi_request",
    "decode_ipmi_response",
    "decode_v15_session",
    "decode_v20_session",
    "encode_asf_ping",
    "encode_asf_pong",
    "encode_ipmi_request",
    "encode_ipmi_response",
    "encode_v15_session",
    "encode_v20_session",
    "ipmi_checksum",
    "peek",
]

# RMCP header (Table 13-1)
_RMCP_VERSION_AT = 0
_RMCP_CLASS_AT = 3
_RMCP = Struct("BBBB")

# ASF message (Table 13-2): IANA (4, big-endian), type, tag, reserved, data length, data
_ASF_HEADER = Struct(">IBBBB")
_ASF_DATA_AT = RMCP_HEADER_LEN + _ASF_HEADER.size
# Presence Pong data (ASF 2.0 Table 3-11): IANA, OEM defined, entities, interactions, 6 reserved bytes.
# Only the first 10 bytes are required when decoding: the reserved tail carries nothing.
_ASF_PONG = Struct(">IIBB6x")
_ASF_PONG_MIN_LEN = 10

# Session headers start with the authentication type (Tables 13-4 and 13-8)
_AUTH_TYPE_AT = RMCP_HEADER_LEN

# IPMI v1.5 session header (Table 13-4): auth type, session seq, session ID, [AuthCode], message length
_V15_HEADER = Struct("<BII")
_V15_SESSION_ID_AT = _AUTH_TYPE_AT + 5
_V15_NO_AUTH_LEN = RMCP_HEADER_LEN + _V15_HEADER.size + 1
_V15_AUTH_LEN = _V15_NO_AUTH_LEN + V15_AUTH_CODE_LEN
_V15_MAX_MSG_LEN = 0xFF
_V15_AUTH_TYPES = frozenset((AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.PASSWORD, AuthType.OEM))
# §13.6 "legacy pad": some early LAN controllers mishandle these UDP payload lengths
_V15_LEGACY_PAD_LENGTHS = frozenset((56, 84, 112, 128, 156))

# RMCP+ session header (Table 13-8): auth type 06h, payload type, [OEM IANA (3 + 1 reserved), OEM payload ID],
# session ID, session sequence number, payload length
_V20_PAYLOAD_TYPE_AT = _AUTH_TYPE_AT + 1
_V20_OEM = Struct("<IH")
_V20_SESSION = Struct("<IIH")
_V20_OEM_AT = _V20_PAYLOAD_TYPE_AT + 1
_V20_NO_OEM_LEN = _V20_OEM_AT + _V20_SESSION.size
_V20_OEM_LEN = _V20_NO_OEM_LEN + _V20_OEM.size
_V20_MAX_PAYLOAD_LEN = 0xFFFF
_OEM_IANA_MASK = 0xFFFFFF

# IPMI LAN message (§13.8): the first checksum covers bytes 0-1, the second covers byte 3 to the end
_IPMI_CHECKSUM1_END = 3
_IPMI_REQUEST_HEADER_LEN = 6
_IPMI_RESPONSE_HEADER_LEN = 7
_IPMI_REQUEST_MIN_LEN = _IPMI_REQUEST_HEADER_LEN + 1
_IPMI_RESPONSE_MIN_LEN = _IPMI_RESPONSE_HEADER_LEN + 1

_U8 = 0xFF
_U16 = 0xFFFF
_U32 = 0xFFFFFFFF
_NETFN_MAX = 0x3F
_LUN_MAX = 0x03
_RQ_SEQ_MAX = 0x3F


def _field(value: int, maximum: int, name: str) -> int:
    """``value`` as an int in 0..maximum, or LocalProtocolError (the caller broke the protocol)."""
    value = operator.index(value)
    if value < 0 or value > maximum:
        raise LocalProtocolError(f"{name} must be in 0..{maximum:#x}, got {value!r}")
    return value


def _rmcp(rmcp_class: int) -> bytes:
    return _RMCP.pack(RMCP_VERSION, 0, RMCP_SEQ_NO_ACK, rmcp_class)


def _check_rmcp(data: bytes, rmcp_class: int, minimum: int, what: str) -> None:
    if len(data) < minimum:
        raise DecodeError(f"{what}: {len(data)} bytes, need at least {minimum}")
    if data[_RMCP_VERSION_AT] != RMCP_VERSION:
        raise DecodeError(f"{what}: RMCP version {data[_RMCP_VERSION_AT]:#04x}, expected 0x06")
    if data[_RMCP_CLASS_AT] != rmcp_class:
        raise DecodeError(f"{what}: RMCP class {data[_RMCP_CLASS_AT]:#04x}, expected {rmcp_class:#04x}")


def peek(data: bytes) -> tuple[int, int, int, int]:
    """(rmcp_class, auth_type, payload_type, session_id) of a datagram, for the engine's demux.

    rmcp_class is the class byte as sent (bit 7 is the RMCP ACK bit). Classes other than IPMI give
    ``(class, 0, 0, 0)``; IPMI v1.5 gives ``(7, auth_type, 0, session_id)``; RMCP+ gives ``(7, 6, payload type byte
    including bits 7/6, session_id)``, skipping the OEM IANA and payload ID of OEM explicit payloads.
    """
    n = len(data)
    if n < RMCP_HEADER_LEN:
        raise DecodeError(f"RMCP header: {n} bytes, need {RMCP_HEADER_LEN}")
    if data[_RMCP_VERSION_AT] != RMCP_VERSION:
        raise DecodeError(f"RMCP version {data[_RMCP_VERSION_AT]:#04x}, expected 0x06")
    rmcp_class = data[_RMCP_CLASS_AT]
    if rmcp_class != RmcpClass.IPMI:
        return (rmcp_class, 0, 0, 0)
    if n <= _AUTH_TYPE_AT:
        raise DecodeError("IPMI session header truncated before the authentication type")
    auth_type = data[_AUTH_TYPE_AT]
    if auth_type == AuthType.RMCP_PLUS:
        if n <= _V20_PAYLOAD_TYPE_AT:
            raise DecodeError("RMCP+ session header truncated before the payload type")
        payload_type = data[_V20_PAYLOAD_TYPE_AT]
        at = _V20_OEM_AT
        if payload_type & PAYLOAD_TYPE_MASK == PayloadType.OEM_EXPLICIT:
            at += _V20_OEM.size
        if n < at + 4:
            raise DecodeError("RMCP+ session header truncated before the end of the session ID")
        return (rmcp_class, auth_type, payload_type, int.from_bytes(data[at : at + 4], "little"))
    if n < _V15_SESSION_ID_AT + 4:
        raise DecodeError("IPMI v1.5 session header truncated before the end of the session ID")
    session_id = int.from_bytes(data[_V15_SESSION_ID_AT : _V15_SESSION_ID_AT + 4], "little")
    return (rmcp_class, auth_type, 0, session_id)


def encode_asf_ping(message_tag: int) -> bytes:
    """ASF Presence Ping datagram (§13.2.3, ASF 2.0 §3.2.4.1)."""
    tag = _field(message_tag, _U8, "message_tag")
    return _rmcp(RmcpClass.ASF) + _ASF_HEADER.pack(ASF_IANA, AsfMessageType.PRESENCE_PING, tag, 0, 0)


def encode_asf_pong(
    message_tag: int,
    oem_iana: int = 0,
    oem_defined: int = 0,
    supported_entities: int = 0x81,
    supported_interactions: int = 0,
) -> bytes:
    """ASF Presence Pong datagram (§13.2.4, ASF 2.0 §3.2.4.2, Table 3-11).

    supported_entities 81h: IPMI supported (bit 7), ASF version 1.0 (bits 3:0).
    """
    body = _ASF_PONG.pack(
        _field(oem_iana, _U32, "oem_iana"),
        _field(oem_defined, _U32, "oem_defined"),
        _field(supported_entities, _U8, "supported_entities"),
        _field(supported_interactions, _U8, "supported_interactions"),
    )
    tag = _field(message_tag, _U8, "message_tag")
    header = _ASF_HEADER.pack(ASF_IANA, AsfMessageType.PRESENCE_PONG, tag, 0, len(body))
    return _rmcp(RmcpClass.ASF) + header + body


def decode_asf(data: bytes) -> AsfMessage:
    """ASF message of an RMCP class 06h datagram (Table 13-2). Bytes after the declared data length are ignored."""
    _check_rmcp(data, RmcpClass.ASF, _ASF_DATA_AT, "ASF message")
    iana, message_type, message_tag, _reserved, length = _ASF_HEADER.unpack_from(data, RMCP_HEADER_LEN)
    if iana != ASF_IANA:
        raise DecodeError(f"ASF message: IANA {iana}, expected {ASF_IANA}")
    end = _ASF_DATA_AT + length
    if len(data) < end:
        raise DecodeError(f"ASF message: data length {length} but only {len(data) - _ASF_DATA_AT} bytes follow")
    return AsfMessage(message_type, message_tag, bytes(data[_ASF_DATA_AT:end]))


def decode_asf_pong_data(data: bytes) -> AsfPong:
    """Presence Pong data (the ``data`` of a pong AsfMessage; ASF 2.0 Table 3-11)."""
    if len(data) < _ASF_PONG_MIN_LEN:
        raise DecodeError(f"Presence Pong data: {len(data)} bytes, need at least {_ASF_PONG_MIN_LEN}")
    iana = int.from_bytes(data[0:4], "big")
    oem_defined = int.from_bytes(data[4:8], "big")
    return AsfPong(iana, oem_defined, data[8], data[9])


def encode_v15_session(auth_type: int, session_seq: int, session_id: int, auth_code: bytes, msg: bytes) -> bytes:
    """IPMI v1.5 session wrapper datagram (§13.6, Table 13-4), with the legacy pad byte when needed.

    auth_code is 16 bytes when auth_type is not NONE, b"" when it is NONE.
    """
    auth_type = _field(auth_type, _U8, "auth_type")
    if auth_type not in _V15_AUTH_TYPES:
        raise LocalProtocolError(f"auth_type {auth_type:#04x} is not an IPMI v1.5 authentication type")
    expected = 0 if auth_type == AuthType.NONE else V15_AUTH_CODE_LEN
    if len(auth_code) != expected:
        raise LocalProtocolError(f"auth_code must be {expected} bytes for auth_type {auth_type}, got {len(auth_code)}")
    if len(msg) > _V15_MAX_MSG_LEN:
        raise LocalProtocolError(f"IPMI v1.5 message is {len(msg)} bytes, the limit is {_V15_MAX_MSG_LEN}")
    header = _V15_HEADER.pack(
        auth_type, _field(session_seq, _U32, "session_seq"), _field(session_id, _U32, "session_id")
    )
    packet = _rmcp(RmcpClass.IPMI) + header + bytes(auth_code) + bytes((len(msg),)) + bytes(msg)
    if len(packet) in _V15_LEGACY_PAD_LENGTHS:
        packet += b"\x00"
    return packet


def decode_v15_session(data: bytes) -> V15Packet:
    """IPMI v1.5 session wrapper (Table 13-4). Bytes after the message (the legacy pad) are ignored."""
    _check_rmcp(data, RmcpClass.IPMI, _V15_NO_AUTH_LEN, "IPMI v1.5 session")
    auth_type, session_seq, session_id = _V15_HEADER.unpack_from(data, _AUTH_TYPE_AT)
    if auth_type not in _V15_AUTH_TYPES:
        raise DecodeError(f"IPMI v1.5 session: authentication type {auth_type:#04x}")
    header_len = _V15_NO_AUTH_LEN
    auth_code = b""
    if auth_type != AuthType.NONE:
        header_len = _V15_AUTH_LEN
        if len(data) < header_len:
            raise DecodeError(f"IPMI v1.5 session: {len(data)} bytes, need {header_len} with an AuthCode")
        auth_code = bytes(data[header_len - 1 - V15_AUTH_CODE_LEN : header_len - 1])
    end = header_len + data[header_len - 1]
    if len(data) < end:
        raise DecodeError(f"IPMI v1.5 session: message length {data[header_len - 1]} exceeds the datagram")
    return V15Packet(auth_type, session_seq, session_id, auth_code, bytes(data[header_len:end]))


def encode_v20_session(
    payload_type: int,
    session_id: int,
    session_seq: int,
    payload: bytes,
    oem_iana: int = 0,
    oem_payload_id: int = 0,
) -> bytes:
    """RMCP+ session wrapper datagram without integrity trailer (§13.6, Table 13-8).

    oem_iana (3 bytes) and oem_payload_id go on the wire only for OEM explicit payloads (type 02h) and must be 0
    for every other payload type.
    """
    payload_type = _field(payload_type, _U8, "payload_type")
    oem_iana = _field(oem_iana, _OEM_IANA_MASK, "oem_iana")
    oem_payload_id = _field(oem_payload_id, _U16, "oem_payload_id")
    if len(payload) > _V20_MAX_PAYLOAD_LEN:
        raise LocalProtocolError(f"RMCP+ payload is {len(payload)} bytes, the limit is {_V20_MAX_PAYLOAD_LEN}")
    header = _rmcp(RmcpClass.IPMI) + bytes((AuthType.RMCP_PLUS, payload_type))
    if payload_type & PAYLOAD_TYPE_MASK == PayloadType.OEM_EXPLICIT:
        header += _V20_OEM.pack(oem_iana, oem_payload_id)
    elif oem_iana or oem_payload_id:
        raise LocalProtocolError("oem_iana and oem_payload_id are only sent with OEM explicit payloads (type 02h)")
    session = _V20_SESSION.pack(
        _field(session_id, _U32, "session_id"), _field(session_seq, _U32, "session_seq"), len(payload)
    )
    return header + session + bytes(payload)


def decode_v20_session(data: bytes) -> V20Packet:
    """RMCP+ session wrapper (Table 13-8), neither verified nor decrypted. trailer = the bytes after the payload."""
    _check_rmcp(data, RmcpClass.IPMI, _V20_NO_OEM_LEN, "RMCP+ session")
    if data[_AUTH_TYPE_AT] != AuthType.RMCP_PLUS:
        raise DecodeError(f"RMCP+ session: authentication type {data[_AUTH_TYPE_AT]:#04x}, expected 0x06")
    payload_type = data[_V20_PAYLOAD_TYPE_AT]
    at = _V20_OEM_AT
    oem_iana = oem_payload_id = 0
    if payload_type & PAYLOAD_TYPE_MASK == PayloadType.OEM_EXPLICIT:
        if len(data) < _V20_OEM_LEN:
            raise DecodeError(f"RMCP+ session: {len(data)} bytes, need {_V20_OEM_LEN} for an OEM explicit payload")
        oem_iana, oem_payload_id = _V20_OEM.unpack_from(data, at)
        oem_iana &= _OEM_IANA_MASK
        at += _V20_OEM.size
    session_id, session_seq, length = _V20_SESSION.unpack_from(data, at)
    at += _V20_SESSION.size
    end = at + length
    if len(data) < end:
        raise DecodeError(f"RMCP+ session: payload length {length} but only {len(data) - at} bytes follow")
    return V20Packet(
        payload_type, oem_iana, oem_payload_id, session_id, session_seq, bytes(data[at:end]), bytes(data[end:])
    )


def ipmi_checksum(data: bytes) -> int:
    """Two's complement checksum (§13.8): the byte that makes ``sum(data) + checksum`` a multiple of 256."""
    return -sum(data) & 0xFF


def encode_ipmi_request(
    rs_addr: int, netfn: int, rs_lun: int, rq_addr: int, rq_seq: int, rq_lun: int, cmd: int, data: bytes
) -> bytes:
    """IPMI LAN request message (§13.8).

    rsAddr, netFn/rsLUN, checksum, rqAddr, rqSeq/rqLUN, cmd, data, checksum.
    """
    header = bytes(
        (
            _field(rs_addr, _U8, "rs_addr"),
            _field(netfn, _NETFN_MAX, "netfn") << 2 | _field(rs_lun, _LUN_MAX, "rs_lun"),
        )
    )
    body = bytes(
        (
            _field(rq_addr, _U8, "rq_addr"),
            _field(rq_seq, _RQ_SEQ_MAX, "rq_seq") << 2 | _field(rq_lun, _LUN_MAX, "rq_lun"),
            _field(cmd, _U8, "cmd"),
        )
    ) + bytes(data)
    return header + bytes((ipmi_checksum(header),)) + body + bytes((ipmi_checksum(body),))


def _check_checksums(msg: bytes, what: str) -> None:
    if sum(msg[:_IPMI_CHECKSUM1_END]) & 0xFF:
        raise DecodeError(f"{what}: bad header checksum")
    if sum(msg[_IPMI_CHECKSUM1_END:]) & 0xFF:
        raise DecodeError(f"{what}: bad data checksum")


def decode_ipmi_request(msg: bytes) -> IpmiRequest:
    """IPMI LAN request message (§13.8); both checksums are verified."""
    if len(msg) < _IPMI_REQUEST_MIN_LEN:
        raise DecodeError(f"IPMI request: {len(msg)} bytes, need at least {_IPMI_REQUEST_MIN_LEN}")
    _check_checksums(msg, "IPMI request")
    return IpmiRequest(
        msg[0],
        msg[1] >> 2,
        msg[1] & 3,
        msg[3],
        msg[4] >> 2,
        msg[4] & 3,
        msg[5],
        bytes(msg[_IPMI_REQUEST_HEADER_LEN:-1]),
    )


def encode_ipmi_response(
    rq_addr: int, netfn: int, rq_lun: int, rs_addr: int, rq_seq: int, rs_lun: int, cmd: int, cc: int, data: bytes
) -> bytes:
    """IPMI LAN response message (§13.8).

    rqAddr, netFn/rqLUN, checksum, rsAddr, rqSeq/rsLUN, cmd, completion code, data, checksum.
    """
    header = bytes(
        (
            _field(rq_addr, _U8, "rq_addr"),
            _field(netfn, _NETFN_MAX, "netfn") << 2 | _field(rq_lun, _LUN_MAX, "rq_lun"),
        )
    )
    body = bytes(
        (
            _field(rs_addr, _U8, "rs_addr"),
            _field(rq_seq, _RQ_SEQ_MAX, "rq_seq") << 2 | _field(rs_lun, _LUN_MAX, "rs_lun"),
            _field(cmd, _U8, "cmd"),
            _field(cc, _U8, "cc"),
        )
    ) + bytes(data)
    return header + bytes((ipmi_checksum(header),)) + body + bytes((ipmi_checksum(body),))


def decode_ipmi_response(msg: bytes, check_checksums: bool = True) -> IpmiResponse:
    """IPMI LAN response message (§13.8). check_checksums=False is FreeIPMI's ``nochecksumcheck`` quirk."""
    if len(msg) < _IPMI_RESPONSE_MIN_LEN:
        raise DecodeError(f"IPMI response: {len(msg)} bytes, need at least {_IPMI_RESPONSE_MIN_LEN}")
    if check_checksums:
        _check_checksums(msg, "IPMI response")
    return IpmiResponse(
        msg[0],
        msg[1] >> 2,
        msg[1] & 3,
        msg[3],
        msg[4] >> 2,
        msg[4] & 3,
        msg[5],
        msg[6],
        bytes(msg[_IPMI_RESPONSE_HEADER_LEN:-1]),
    )
