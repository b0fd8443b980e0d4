"""RMCP+ session establishment: Open Session and RAKP 1-4 payloads, and the key schedule.

IPMI v2.0 §13.17-13.20 (Open Session Request / Response, Tables 13-9 and 13-10; RAKP Messages 1-4,
Tables 13-11 to 13-14), §13.31 (RAKP-HMAC-SHA1 / -MD5 / -SHA256 auth codes and the session integrity key),
§13.32 (K1, K2 and the other additional keying material).

The codecs take and return payload bytes (no session wrapper). Multi-byte integers are little-endian.
Decoders raise ``DecodeError`` on truncated or invalid input; a message whose status code is not zero may
be short (some BMCs stop after the status or the session ID, OpenIPMI's ipmi_sim fills every field), and its
missing fields decode as 0 or b"". Encoders and the key schedule raise ``LocalProtocolError`` on arguments
out of range.
"""

from __future__ import annotations

import operator
import struct
from dataclasses import dataclass

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto.consts import (
    GUID_LEN,
    MAX_USERNAME_LEN,
    MAX_V20_PASSWORD_LEN,
    RAKP_RANDOM_LEN,
    AuthAlgorithm,
    RmcpPlusStatus,
)
from ipmifast.proto.crypto import hmac_digest

__all__ = [
    "OpenSessionRequest",
    "OpenSessionResponse",
    "Rakp1",
    "Rakp2",
    "Rakp3",
    "Rakp4",
    "decode_open_session_rq",
    "decode_open_session_rs",
    "decode_rakp1",
    "decode_rakp2",
    "decode_rakp3",
    "decode_rakp4",
    "derive_k1",
    "derive_k2",
    "encode_open_session_rq",
    "encode_open_session_rs",
    "encode_rakp1",
    "encode_rakp2",
    "encode_rakp3",
    "encode_rakp4",
    "pad_password",
    "rakp2_auth_code",
    "rakp3_auth_code",
    "rakp4_icv",
    "session_integrity_key",
]

# Tables 13-9 / 13-10: each proposed algorithm is an 8-byte "payload": type, 2 reserved, length 08h,
# algorithm (bits 5:0), 3 reserved.
_ALGORITHM_PAYLOAD = struct.Struct("<B2xBB3x")
_ALGORITHM_PAYLOAD_LEN = 0x08
_AUTH_PAYLOAD_TYPE = 0x00
_INTEGRITY_PAYLOAD_TYPE = 0x01
_CONFIDENTIALITY_PAYLOAD_TYPE = 0x02
_ALGORITHM_MASK = 0x3F
_PRIVILEGE_MASK = 0x0F

_OPEN_SESSION_RQ = struct.Struct("<BBxxI")  # tag, max privilege, reserved, SIDm
_OPEN_SESSION_RQ_LEN = _OPEN_SESSION_RQ.size + 3 * _ALGORITHM_PAYLOAD.size  # 32
_OPEN_SESSION_RS = struct.Struct("<BBBxII")  # tag, status, max privilege, reserved, SIDm, SIDc
_OPEN_SESSION_RS_LEN = _OPEN_SESSION_RS.size + 3 * _ALGORITHM_PAYLOAD.size  # 36
_RAKP1 = struct.Struct("<BxxxI16sBxxB")  # tag, reserved, SIDc, Rm, role, reserved, username length
_RAKP_HEADER = struct.Struct("<BBxxI")  # RAKP 2-4: tag, status, reserved, session ID
_RAKP2_FIXED = _RAKP_HEADER.size + RAKP_RANDOM_LEN + GUID_LEN  # 40
_STATUS_LEN = 2  # an error message carries at least its tag and status

# §13.31: RAKP 4 integrity check values are truncated (HMAC-SHA1-96, HMAC-MD5-128, HMAC-SHA256-128)
_ICV_LEN: dict[int, int] = {
    AuthAlgorithm.RAKP_HMAC_SHA1: 12,
    AuthAlgorithm.RAKP_HMAC_MD5: 16,
    AuthAlgorithm.RAKP_HMAC_SHA256: 16,
}
# §13.32: K1 and K2 are HMAC(SIK, constant), the constants being 20 bytes of 01h / 02h (as ipmitool, FreeIPMI
# and pyghmi compute them for every authentication algorithm).
_KEY_CONSTANT_LEN = 20
#: RAKP 2 key exchange auth code length by authentication algorithm (HMAC-SHA1, HMAC-MD5, HMAC-SHA256)
_RAKP2_CODE_LEN = {1: 20, 2: 16, 3: 32}
#: hashcat -m 7300: "IPMI2 RAKP HMAC-SHA1"
HASHCAT_RAKP_HMAC_SHA1 = 7300
#: the RAKP 2 HMAC as the crackers take it, by authentication algorithm: (name, hashcat mode, John the Ripper format).
#: hashcat 7300 "IPMI2 RAKP HMAC-SHA1" is ``salt:hmac``, 7350 "IPMI2 RAKP HMAC-MD5" ``hmac:salt``
#: (hashcat src/modules/module_07350.c); hashcat has no mode for HMAC-SHA256. John the Ripper (jumbo) takes
#: ``$rakp$salt$hmac`` for all three (formats RAKP, RAKP-MD5, RAKP-SHA256).
RAKP_HASH_FORMATS: dict[int, tuple[str, int | None, str]] = {
    1: ("RAKP-HMAC-SHA1", 7300, "RAKP"),
    2: ("RAKP-HMAC-MD5", 7350, "RAKP-MD5"),
    3: ("RAKP-HMAC-SHA256", None, "RAKP-SHA256"),
}
_HASHCAT_HMAC_FIRST = 7350


def rakp_hash_lines(auth: int, salt: bytes, code: bytes) -> tuple[str, str]:
    """The hashcat line (``salt:hmac``, or ``hmac:salt`` for mode 7350) and the John ``$rakp$`` line of a capture."""
    mode = RAKP_HASH_FORMATS[auth][1]
    salt_hex, code_hex = salt.hex(), code.hex()
    hashcat = f"{code_hex}:{salt_hex}" if mode == _HASHCAT_HMAC_FIRST else f"{salt_hex}:{code_hex}"
    return hashcat, f"$rakp${salt_hex}${code_hex}"


@dataclass(frozen=True)
class OpenSessionRequest:
    """RMCP+ Open Session Request (§13.17, Table 13-9)."""

    message_tag: int
    max_privilege: int
    sid_m: int
    auth: int
    integrity: int
    confidentiality: int


@dataclass(frozen=True)
class OpenSessionResponse:
    """RMCP+ Open Session Response (§13.18, Table 13-10)."""

    message_tag: int
    status: int
    max_privilege: int
    sid_m: int
    sid_c: int
    auth: int
    integrity: int
    confidentiality: int


@dataclass(frozen=True)
class Rakp1:
    """RAKP Message 1 (§13.20, Table 13-11). ``role`` is the whole byte, name-only lookup bit 4 included."""

    message_tag: int
    sid_c: int
    r_m: bytes
    role: int
    username: bytes


@dataclass(frozen=True)
class Rakp2:
    """RAKP Message 2 (§13.21, Table 13-12). ``auth_code`` is the key exchange authentication code."""

    message_tag: int
    status: int
    sid_m: int
    r_c: bytes
    guid_c: bytes
    auth_code: bytes


@dataclass(frozen=True)
class Rakp2Capture:
    """What a remote console learns from a RAKP 2 without knowing the password (IPMI v2.0 design, §13.31): the
    inputs of the key exchange auth code and the code itself, HMAC_Kuid(SIDm ‖ SIDc ‖ Rm ‖ Rc ‖ GUIDc ‖ role ‖
    ULen ‖ user). Anyone who can start a handshake for a user name can test passwords offline against it."""

    auth: int
    sid_m: int
    sid_c: int
    r_m: bytes
    r_c: bytes
    guid_c: bytes
    role: int
    username: bytes
    auth_code: bytes

    @property
    def salt(self) -> bytes:
        """The HMAC's message: what hashcat calls the salt."""
        return (struct.pack("<II", self.sid_m, self.sid_c) + self.r_m + self.r_c + self.guid_c
                + _username_field(self.role, self.username))

    @property
    def code(self) -> bytes:
        """The auth code at the algorithm's length (some BMCs send one byte too many: FreeIPMI's supermicro20)."""
        return self.auth_code[: _RAKP2_CODE_LEN.get(self.auth, len(self.auth_code))]

    @property
    def hashcat_mode(self) -> int | None:
        """hashcat's mode for this HMAC: 7300 (HMAC-SHA1), 7350 (HMAC-MD5), None (HMAC-SHA256: hashcat has none)."""
        return RAKP_HASH_FORMATS[self.auth][1]

    def hash_line(self) -> str:
        """The hashcat line: ``salt:hmac`` in hex (mode 7300, and HMAC-SHA256), ``hmac:salt`` for mode 7350."""
        return rakp_hash_lines(self.auth, self.salt, self.code)[0]

    def john_line(self) -> str:
        """John the Ripper's ``$rakp$salt$hmac`` (format ``RAKP_HASH_FORMATS[auth][2]``)."""
        return rakp_hash_lines(self.auth, self.salt, self.code)[1]

    def __repr__(self) -> str:
        return f"Rakp2Capture(auth={self.auth}, username={self.username!r}, sid_c=0x{self.sid_c:08x})"


@dataclass(frozen=True)
class Rakp3:
    """RAKP Message 3 (§13.22, Table 13-13)."""

    message_tag: int
    status: int
    sid_c: int
    auth_code: bytes


@dataclass(frozen=True)
class Rakp4:
    """RAKP Message 4 (§13.23, Table 13-14). ``auth_code`` is the integrity check value."""

    message_tag: int
    status: int
    sid_m: int
    auth_code: bytes


# ---------------------------------------------------------------------------------------------- checks


def _check_int(name: str, value: int, maximum: int) -> int:
    value = operator.index(value)
    if not 0 <= value <= maximum:
        raise LocalProtocolError(f"{name} {value} is out of range 0..{maximum:#x}")
    return value


def _check_bytes(name: str, value: bytes, length: int) -> bytes:
    value = bytes(value)
    if len(value) != length:
        raise LocalProtocolError(f"{name} must be {length} bytes, not {len(value)}")
    return value


def _check_username(username: bytes) -> bytes:
    username = bytes(username)
    if len(username) > MAX_USERNAME_LEN:
        raise LocalProtocolError(f"user names are at most {MAX_USERNAME_LEN} bytes")
    return username


def _encode_algorithms(auth: int, integrity: int, confidentiality: int) -> bytes:
    return b"".join(
        _ALGORITHM_PAYLOAD.pack(payload_type, _ALGORITHM_PAYLOAD_LEN, _check_int(name, value, _ALGORITHM_MASK))
        for payload_type, name, value in (
            (_AUTH_PAYLOAD_TYPE, "authentication algorithm", auth),
            (_INTEGRITY_PAYLOAD_TYPE, "integrity algorithm", integrity),
            (_CONFIDENTIALITY_PAYLOAD_TYPE, "confidentiality algorithm", confidentiality),
        )
    )


def _decode_algorithms(data: bytes, offset: int) -> tuple[int, int, int]:
    algorithms = []
    for expected_type in (_AUTH_PAYLOAD_TYPE, _INTEGRITY_PAYLOAD_TYPE, _CONFIDENTIALITY_PAYLOAD_TYPE):
        payload_type, _length, algorithm = _ALGORITHM_PAYLOAD.unpack_from(data, offset)
        if payload_type != expected_type:
            raise DecodeError(f"algorithm payload type 0x{payload_type:02x}, expected 0x{expected_type:02x}")
        algorithms.append(algorithm & _ALGORITHM_MASK)
        offset += _ALGORITHM_PAYLOAD.size
    return algorithms[0], algorithms[1], algorithms[2]


def _u32(name: str, value: int) -> int:
    return _check_int(name, value, 0xFFFFFFFF)


def _u8(name: str, value: int) -> int:
    return _check_int(name, value, 0xFF)


# ---------------------------------------------------------------------------------------- Open Session


def encode_open_session_rq(rq: OpenSessionRequest) -> bytes:
    """Open Session Request payload (Table 13-9), 32 bytes."""
    return _OPEN_SESSION_RQ.pack(
        _u8("message tag", rq.message_tag),
        _check_int("maximum privilege", rq.max_privilege, _PRIVILEGE_MASK),
        _u32("SIDm", rq.sid_m),
    ) + _encode_algorithms(rq.auth, rq.integrity, rq.confidentiality)


def decode_open_session_rq(data: bytes) -> OpenSessionRequest:
    """Inverse of :func:`encode_open_session_rq`. Bytes after the 32 are ignored."""
    data = bytes(data)
    if len(data) < _OPEN_SESSION_RQ_LEN:
        raise DecodeError(f"Open Session Request of {len(data)} bytes, expected {_OPEN_SESSION_RQ_LEN}")
    tag, privilege, sid_m = _OPEN_SESSION_RQ.unpack_from(data)
    auth, integrity, confidentiality = _decode_algorithms(data, _OPEN_SESSION_RQ.size)
    return OpenSessionRequest(tag, privilege & _PRIVILEGE_MASK, sid_m, auth, integrity, confidentiality)


def encode_open_session_rs(rs: OpenSessionResponse) -> bytes:
    """Open Session Response payload (Table 13-10), always the full 36 bytes."""
    return _OPEN_SESSION_RS.pack(
        _u8("message tag", rs.message_tag),
        _u8("status", rs.status),
        _check_int("maximum privilege", rs.max_privilege, _PRIVILEGE_MASK),
        _u32("SIDm", rs.sid_m),
        _u32("SIDc", rs.sid_c),
    ) + _encode_algorithms(rs.auth, rs.integrity, rs.confidentiality)


def decode_open_session_rs(data: bytes) -> OpenSessionResponse:
    """Inverse of :func:`encode_open_session_rs`; an error response may stop after any complete field."""
    data = bytes(data)
    if len(data) >= _OPEN_SESSION_RS_LEN:
        tag, status, privilege, sid_m, sid_c = _OPEN_SESSION_RS.unpack_from(data)
        try:
            auth, integrity, confidentiality = _decode_algorithms(data, _OPEN_SESSION_RS.size)
        except DecodeError:
            if status == RmcpPlusStatus.NO_ERRORS:
                raise
            auth = integrity = confidentiality = 0
        return OpenSessionResponse(
            tag, status, privilege & _PRIVILEGE_MASK, sid_m, sid_c, auth, integrity, confidentiality
        )
    if len(data) < _STATUS_LEN or data[1] == RmcpPlusStatus.NO_ERRORS:
        raise DecodeError(f"Open Session Response of {len(data)} bytes, expected {_OPEN_SESSION_RS_LEN}")
    privilege = data[2] & _PRIVILEGE_MASK if len(data) > 2 else 0
    sid_m = _le32_at(data, 4)
    sid_c = _le32_at(data, 8)
    return OpenSessionResponse(data[0], data[1], privilege, sid_m, sid_c, 0, 0, 0)


def _le32_at(data: bytes, offset: int) -> int:
    """A 32-bit field of a short error message, or 0 when the message stops before its end."""
    if len(data) < offset + 4:
        return 0
    value: int = struct.unpack_from("<I", data, offset)[0]
    return value


# ------------------------------------------------------------------------------------------------ RAKP


def encode_rakp1(rq: Rakp1) -> bytes:
    """RAKP Message 1 payload (Table 13-11): 28 bytes and the user name (0-16 bytes, not padded)."""
    username = _check_username(rq.username)
    return (
        _RAKP1.pack(
            _u8("message tag", rq.message_tag),
            _u32("SIDc", rq.sid_c),
            _check_bytes("Rm", rq.r_m, RAKP_RANDOM_LEN),
            _u8("role", rq.role),
            len(username),
        )
        + username
    )


def decode_rakp1(data: bytes) -> Rakp1:
    """Inverse of :func:`encode_rakp1`. Bytes after the user name (a zero-padded name field) are ignored."""
    data = bytes(data)
    if len(data) < _RAKP1.size:
        raise DecodeError(f"RAKP Message 1 of {len(data)} bytes, expected at least {_RAKP1.size}")
    tag, sid_c, r_m, role, username_len = _RAKP1.unpack_from(data)
    if username_len > MAX_USERNAME_LEN:
        raise DecodeError(f"RAKP Message 1 user name length {username_len} is more than {MAX_USERNAME_LEN}")
    if len(data) < _RAKP1.size + username_len:
        raise DecodeError("RAKP Message 1 is shorter than its user name")
    return Rakp1(tag, sid_c, r_m, role, data[_RAKP1.size : _RAKP1.size + username_len])


def _encode_rakp_header(message_tag: int, status: int, session_id: int, name: str) -> bytes:
    return _RAKP_HEADER.pack(_u8("message tag", message_tag), _u8("status", status), _u32(name, session_id))


def encode_rakp2(rs: Rakp2) -> bytes:
    """RAKP Message 2 payload (Table 13-12). An error (status != 0) with empty Rc and GUIDc stops after SIDm."""
    header = _encode_rakp_header(rs.message_tag, rs.status, rs.sid_m, "SIDm")
    if rs.status != RmcpPlusStatus.NO_ERRORS and not rs.r_c and not rs.guid_c and not rs.auth_code:
        return header
    r_c = _check_bytes("Rc", rs.r_c, RAKP_RANDOM_LEN)
    guid_c = _check_bytes("GUIDc", rs.guid_c, GUID_LEN)
    return header + r_c + guid_c + bytes(rs.auth_code)


def decode_rakp2(data: bytes) -> Rakp2:
    """Inverse of :func:`encode_rakp2`; everything after GUIDc is the auth code (0, 16, 20 or 32 bytes)."""
    data = bytes(data)
    if len(data) >= _RAKP2_FIXED:
        tag, status, sid_m = _RAKP_HEADER.unpack_from(data)
        r_c = data[_RAKP_HEADER.size : _RAKP_HEADER.size + RAKP_RANDOM_LEN]
        guid_c = data[_RAKP_HEADER.size + RAKP_RANDOM_LEN : _RAKP2_FIXED]
        return Rakp2(tag, status, sid_m, r_c, guid_c, data[_RAKP2_FIXED:])
    if len(data) < _STATUS_LEN or data[1] == RmcpPlusStatus.NO_ERRORS:
        raise DecodeError(f"RAKP Message 2 of {len(data)} bytes, expected at least {_RAKP2_FIXED}")
    return Rakp2(data[0], data[1], _le32_at(data, 4), b"", b"", b"")


def encode_rakp3(rq: Rakp3) -> bytes:
    """RAKP Message 3 payload (Table 13-13): 8 bytes and the auth code."""
    return _encode_rakp_header(rq.message_tag, rq.status, rq.sid_c, "SIDc") + bytes(rq.auth_code)


def decode_rakp3(data: bytes) -> Rakp3:
    """Inverse of :func:`encode_rakp3`; an error (status != 0) may stop after its status."""
    tag, status, sid_c, auth_code = _decode_rakp_short(bytes(data), "RAKP Message 3")
    return Rakp3(tag, status, sid_c, auth_code)


def encode_rakp4(rs: Rakp4) -> bytes:
    """RAKP Message 4 payload (Table 13-14): 8 bytes and the integrity check value."""
    return _encode_rakp_header(rs.message_tag, rs.status, rs.sid_m, "SIDm") + bytes(rs.auth_code)


def decode_rakp4(data: bytes) -> Rakp4:
    """Inverse of :func:`encode_rakp4`; an error (status != 0) may stop after its status."""
    tag, status, sid_m, auth_code = _decode_rakp_short(bytes(data), "RAKP Message 4")
    return Rakp4(tag, status, sid_m, auth_code)


def _decode_rakp_short(data: bytes, name: str) -> tuple[int, int, int, bytes]:
    if len(data) >= _RAKP_HEADER.size:
        tag, status, session_id = _RAKP_HEADER.unpack_from(data)
        return tag, status, session_id, data[_RAKP_HEADER.size :]
    if len(data) < _STATUS_LEN or data[1] == RmcpPlusStatus.NO_ERRORS:
        raise DecodeError(f"{name} of {len(data)} bytes, expected at least {_RAKP_HEADER.size}")
    return data[0], data[1], 0, b""


# -------------------------------------------------------------------------------------- key schedule


def pad_password(password: bytes, length: int = MAX_V20_PASSWORD_LEN) -> bytes:
    """A password zero-padded to ``length`` bytes (20 for RMCP+ Kuid/Kg, §13.31; 16 for IPMI v1.5)."""
    password = bytes(password)
    if len(password) > length:
        raise LocalProtocolError(f"password of {len(password)} bytes is longer than {length}")
    return password.ljust(length, b"\x00")


def _hmac(auth: int, key: bytes, data: bytes) -> bytes:
    """HMAC with the authentication algorithm's hash; RAKP-none has no auth codes at all (b"")."""
    if operator.index(auth) == AuthAlgorithm.RAKP_NONE:
        return b""
    return hmac_digest(auth, bytes(key), data)


def _username_field(role: int, username: bytes) -> bytes:
    username = _check_username(username)
    return bytes((_u8("role", role), len(username))) + username


def rakp2_auth_code(
    auth: int,
    kuid: bytes,
    sid_m: int,
    sid_c: int,
    r_m: bytes,
    r_c: bytes,
    guid_c: bytes,
    role: int,
    username: bytes,
) -> bytes:
    """RAKP 2 key exchange auth code (§13.31): HMAC_Kuid(SIDm ‖ SIDc ‖ Rm ‖ Rc ‖ GUIDc ‖ role ‖ ULen ‖ user)."""
    data = (
        struct.pack("<II", _u32("SIDm", sid_m), _u32("SIDc", sid_c))
        + _check_bytes("Rm", r_m, RAKP_RANDOM_LEN)
        + _check_bytes("Rc", r_c, RAKP_RANDOM_LEN)
        + _check_bytes("GUIDc", guid_c, GUID_LEN)
        + _username_field(role, username)
    )
    return _hmac(auth, kuid, data)


def rakp3_auth_code(auth: int, kuid: bytes, r_c: bytes, sid_m: int, role: int, username: bytes) -> bytes:
    """RAKP 3 key exchange auth code (§13.31): HMAC_Kuid(Rc ‖ SIDm ‖ role ‖ ULen ‖ user)."""
    data = (
        _check_bytes("Rc", r_c, RAKP_RANDOM_LEN)
        + struct.pack("<I", _u32("SIDm", sid_m))
        + _username_field(role, username)
    )
    return _hmac(auth, kuid, data)


def session_integrity_key(auth: int, kg: bytes, r_m: bytes, r_c: bytes, role: int, username: bytes) -> bytes:
    """SIK (§13.31): HMAC_Kg(Rm ‖ Rc ‖ role ‖ ULen ‖ user). Pass Kuid as ``kg`` when the BMC has no Kg."""
    data = (
        _check_bytes("Rm", r_m, RAKP_RANDOM_LEN)
        + _check_bytes("Rc", r_c, RAKP_RANDOM_LEN)
        + _username_field(role, username)
    )
    return _hmac(auth, kg, data)


def derive_k1(auth: int, sik: bytes) -> bytes:
    """K1, the integrity key (§13.32): HMAC_SIK(20 bytes of 01h)."""
    return _hmac(auth, sik, b"\x01" * _KEY_CONSTANT_LEN)


def derive_k2(auth: int, sik: bytes) -> bytes:
    """K2, the confidentiality key (§13.32): HMAC_SIK(20 bytes of 02h); AES-CBC-128 uses its first 16 bytes."""
    return _hmac(auth, sik, b"\x02" * _KEY_CONSTANT_LEN)


def rakp4_icv(auth: int, sik: bytes, r_m: bytes, sid_c: int, guid_c: bytes) -> bytes:
    """RAKP 4 integrity check value (§13.31): HMAC_SIK(Rm ‖ SIDc ‖ GUIDc), truncated to 12 / 16 / 16 bytes."""
    data = (
        _check_bytes("Rm", r_m, RAKP_RANDOM_LEN)
        + struct.pack("<I", _u32("SIDc", sid_c))
        + _check_bytes("GUIDc", guid_c, GUID_LEN)
    )
    icv = _hmac(auth, sik, data)
    return icv[: _ICV_LEN.get(auth, 0)]
