"""RMCP+ integrity and confidentiality, IPMI v1.5 AuthCodes: the pure-Python reference.

IPMI v2.0 §13.28 (integrity: HMAC-SHA1-96, HMAC-MD5-128, MD5-128, HMAC-SHA256-128), §13.29 (AES-CBC-128
confidentiality, Table 13-20), §13.6 / Table 13-8 (the RMCP+ session header and trailer), §22.17.1 and
Table 13-4 (IPMI v1.5 AuthCodes). Built on ``hashlib``/``hmac`` and ``cryptography``; ``_crypto_c.pyx`` has
the same API, the same results and the same exception types.
"""

from __future__ import annotations

import hashlib
import hmac
import operator
import struct
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ipmifast.errors import DecodeError, IntegrityCheckFailed, LocalProtocolError
from ipmifast.proto.consts import (
    AES_BLOCK,
    INTEGRITY_PAD_BYTE,
    MAX_V20_PASSWORD_LEN,
    NEXT_HEADER,
    PAYLOAD_AUTHENTICATED,
    PAYLOAD_ENCRYPTED,
    PAYLOAD_TYPE_MASK,
    RMCP_SEQ_NO_ACK,
    RMCP_VERSION,
    V15_PASSWORD_LEN,
    AuthAlgorithm,
    AuthType,
    ConfidentialityAlgorithm,
    IntegrityAlgorithm,
    PayloadType,
    RmcpClass,
)

__impl__ = "py"

__all__ = [
    "SessionCipher",
    "aes_cbc_decrypt",
    "aes_cbc_encrypt",
    "auth_code_v15",
    "crack_rakp2",
    "hmac_digest",
]

_RMCP_HEADER = bytes((RMCP_VERSION, 0x00, RMCP_SEQ_NO_ACK, RmcpClass.IPMI))
_OFFSET_AUTH_TYPE = 4  # Table 13-8: the AuthCode covers the session header from here
_OFFSET_PAYLOAD_TYPE = 5
_OFFSET_PAYLOAD = 16  # RMCP header (4) + auth type, payload type, SID, seq (10) + payload length (2)
_TRAILER_FIXED = 2  # pad length, next header
_MAX_PAYLOAD_LEN = 0xFFFF  # Table 13-8: the payload length field is 2 bytes
_AES_KEY_LEN = 16  # §13.29: the AES-128 key is the first 128 bits of K2
_MAX_CONF_PAD = AES_BLOCK - 1
_U32 = 0xFFFFFFFF

# (hashlib name, K1 bytes used as the HMAC key, AuthCode length) per Table 13-18 / §13.28
_HMAC_INTEGRITY: dict[int, tuple[str, int, int]] = {
    IntegrityAlgorithm.HMAC_SHA1_96: ("sha1", 20, 12),
    IntegrityAlgorithm.HMAC_MD5_128: ("md5", 16, 16),
    IntegrityAlgorithm.HMAC_SHA256_128: ("sha256", 32, 16),
}
_MD5_128_AUTH_CODE_LEN = 16

_HMAC_HASH: dict[int, str] = {
    AuthAlgorithm.RAKP_HMAC_SHA1: "sha1",
    AuthAlgorithm.RAKP_HMAC_MD5: "md5",
    AuthAlgorithm.RAKP_HMAC_SHA256: "sha256",
}

_HEADER = struct.Struct("<4sBBIIH")

# RFC 1319 §3.2: the MD2 S table, a permutation of 0..255 built from the digits of pi.
_MD2_S = bytes.fromhex(
    "292e43c9a2d87c013d3654a1ecf0061362a705f3c0c7738c98932bd9bc4c82ca"
    "1e9b573cfdd4e01667426f188a17e512be4ec4d6da9ede49a0fbf58ebb2fee7a"
    "a968799115b2073f94c210890b225f21807f5d9a5a903227353ecce7bff79703"
    "ff1930b348a5b5d1d75e922aac56aac64fb838d296a47db676fc6be29c7404f1"
    "459d705964718720865bcf65e62da8021b6025adaeb0b9f61c46616934407e0f"
    "5547a323dd51af3ac35cf9cebac5ea262c530d6e85288409d3dfcdf441814d52"
    "6adc37c86cc1abfa24e17b080cbdb14a7888958be363e86de9cbd5fe3b001d39"
    "f2efb70e6658d0e4a67772f8eb754b0a314450b48fed1f1adb998d339f118314"
)


def hmac_digest(algorithm: int, key: bytes, data: bytes) -> bytes:
    """HMAC (RFC 2104) with the hash of an RMCP+ authentication algorithm (Table 13-17), untruncated.

    ``algorithm`` is 1 (HMAC-SHA1), 2 (HMAC-MD5) or 3 (HMAC-SHA256); others raise LocalProtocolError.
    """
    _need_bytes(key, data)
    name = _HMAC_HASH.get(algorithm)
    if name is None:
        raise LocalProtocolError(f"no HMAC for authentication algorithm {algorithm}")
    return hmac.new(key, data, name).digest()


def crack_rakp2(algorithm: int, salts: list[bytes], codes: list[bytes], words: list[bytes]) -> list[int]:
    """Offline check of candidate passwords against captured RAKP 2 auth codes (§13.31; ``ipmifast audit``).

    ``salts[i]`` is the HMAC message of capture ``i`` and ``codes[i]`` its auth code; the result's ``i``-th item is
    the index in ``words`` of the first password whose HMAC_Kuid(salt) equals the code, or -1. Words longer than
    20 bytes cannot be IPMI v2.0 passwords and are skipped.
    """
    name = _HMAC_HASH.get(algorithm)
    if name is None:
        raise LocalProtocolError(f"no HMAC for authentication algorithm {algorithm}")
    if len(codes) != len(salts):
        raise LocalProtocolError("crack_rakp2 needs one auth code per salt")
    digest_len = hashlib.new(name).digest_size
    for i, (salt, code) in enumerate(zip(salts, codes, strict=True)):
        if type(salt) is not bytes or type(code) is not bytes:
            raise TypeError("salts and codes must be bytes")
        if not 0 < len(code) <= digest_len:
            raise LocalProtocolError(f"auth code {i} of {len(code)} bytes for a {digest_len}-byte HMAC")
    result = [-1] * len(salts)
    left = len(salts)
    for w, word in enumerate(words):
        if not left:
            break
        if type(word) is not bytes:
            raise TypeError("words must be bytes")
        if len(word) > 20:
            continue
        keyed = hmac.new(word.ljust(20, b"\0"), digestmod=name)
        for i, salt in enumerate(salts):
            if result[i] < 0:
                mac = keyed.copy()
                mac.update(salt)
                if hmac.compare_digest(mac.digest()[: len(codes[i])], codes[i]):
                    result[i] = w
                    left -= 1
    return result


def aes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-128 in CBC mode without padding (§13.29; RFC 3602). ``data`` must be whole 16-byte blocks."""
    _need_bytes(key, iv, data)
    _check_aes_args(key, iv)
    if len(data) % AES_BLOCK:
        raise LocalProtocolError(f"AES-CBC plaintext of {len(data)} bytes is not a multiple of {AES_BLOCK}")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Inverse of :func:`aes_cbc_encrypt`. A ciphertext that is not whole blocks raises DecodeError."""
    _need_bytes(key, iv, data)
    _check_aes_args(key, iv)
    if len(data) % AES_BLOCK:
        raise DecodeError(f"AES-CBC ciphertext of {len(data)} bytes is not a multiple of {AES_BLOCK}")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def _need_bytes(*values: object) -> None:
    """The compiled module takes ``bytes`` only (no bytearray, memoryview or None); so does the reference."""
    for value in values:
        if not isinstance(value, bytes):
            raise TypeError(f"expected bytes, not {type(value).__name__}")


def _check_aes_args(key: bytes, iv: bytes) -> None:
    if len(key) != _AES_KEY_LEN:
        raise LocalProtocolError(f"AES-128 key must be {_AES_KEY_LEN} bytes, not {len(key)}")
    if len(iv) != AES_BLOCK:
        raise LocalProtocolError(f"AES-CBC IV must be {AES_BLOCK} bytes, not {len(iv)}")


def _md2(data: bytes) -> bytes:
    """MD2 (RFC 1319, with the published erratum: the checksum step XORs into C[j])."""
    pad = 16 - len(data) % 16
    message = data + bytes((pad,)) * pad
    checksum = bytearray(16)
    last = 0
    for block in range(0, len(message), 16):
        for j in range(16):
            checksum[j] ^= _MD2_S[message[block + j] ^ last]
            last = checksum[j]
    message += bytes(checksum)
    state = bytearray(48)
    for block in range(0, len(message), 16):
        for j in range(16):
            state[16 + j] = message[block + j]
            state[32 + j] = state[16 + j] ^ state[j]
        t = 0
        for round_ in range(18):
            for k in range(48):
                state[k] ^= _MD2_S[t]
                t = state[k]
            t = (t + round_) & 0xFF
    return bytes(state[:16])


def _u32(value: int) -> int:
    value = operator.index(value)
    if not 0 <= value <= _U32:
        raise LocalProtocolError("session ID and session sequence number are 32-bit values")
    return value


def auth_code_v15(auth_type: int, password: bytes, session_id: int, msg: bytes, session_seq: int) -> bytes:
    """IPMI v1.5 session AuthCode (§22.17.1, Table 13-4 notes; the password is zero-padded to 16 bytes).

    NONE gives b"", PASSWORD the padded password, MD5 and MD2 the hash of
    ``pw16 ‖ session_id (LE) ‖ msg ‖ session_seq (LE) ‖ pw16``.
    """
    _need_bytes(password, msg)
    session_id, session_seq = _u32(session_id), _u32(session_seq)
    if len(password) > V15_PASSWORD_LEN:
        raise LocalProtocolError(f"IPMI v1.5 passwords are at most {V15_PASSWORD_LEN} bytes")
    if auth_type == AuthType.NONE:
        return b""
    pw16 = password.ljust(V15_PASSWORD_LEN, b"\x00")
    if auth_type == AuthType.PASSWORD:
        return pw16
    data = pw16 + struct.pack("<I", session_id) + msg + struct.pack("<I", session_seq) + pw16
    if auth_type == AuthType.MD5:
        return hashlib.md5(data).digest()
    if auth_type == AuthType.MD2:
        return _md2(data)
    raise LocalProtocolError(f"no IPMI v1.5 AuthCode for authentication type {auth_type}")


class SessionCipher:
    """The integrity and confidentiality of one RMCP+ session (§13.28, §13.29), keyed once from K1/K2.

    ``integrity`` is an IntegrityAlgorithm number: HMAC-SHA1-96 keys HMAC with K1[:20], HMAC-MD5-128 with
    K1[:16], HMAC-SHA256-128 with K1[:32]; MD5-128 uses the user password zero-padded to 20 bytes (§13.28.4,
    as FreeIPMI and OpenIPMI do) and ignores K1. ``confidentiality`` 1 is AES-CBC-128 keyed with K2[:16].
    """

    __slots__ = ("_auth_code_len", "_confidentiality", "_encryptor_key", "_hash", "_integrity", "_password")

    def __init__(
        self, integrity: int, confidentiality: int, k1: bytes = b"", k2: bytes = b"", password: bytes = b""
    ) -> None:
        _need_bytes(k1, k2, password)
        self._hash: Any = None
        self._password = b""
        if integrity == IntegrityAlgorithm.NONE:
            self._auth_code_len = 0
        elif integrity in _HMAC_INTEGRITY:
            name, key_len, self._auth_code_len = _HMAC_INTEGRITY[integrity]
            if len(k1) < key_len:
                raise LocalProtocolError(f"integrity algorithm {integrity} needs a K1 of {key_len} bytes")
            self._hash = hmac.new(k1[:key_len], digestmod=name)
        elif integrity == IntegrityAlgorithm.MD5_128:
            if len(password) > MAX_V20_PASSWORD_LEN:
                raise LocalProtocolError(f"RMCP+ passwords are at most {MAX_V20_PASSWORD_LEN} bytes")
            self._auth_code_len = _MD5_128_AUTH_CODE_LEN
            self._password = password.ljust(MAX_V20_PASSWORD_LEN, b"\x00")
            self._hash = hashlib.md5(self._password)
        else:
            raise LocalProtocolError(f"unsupported integrity algorithm {integrity}")
        if confidentiality == ConfidentialityAlgorithm.NONE:
            self._encryptor_key = b""
        elif confidentiality == ConfidentialityAlgorithm.AES_CBC_128:
            if len(k2) < _AES_KEY_LEN:
                raise LocalProtocolError(f"AES-CBC-128 needs a K2 of at least {_AES_KEY_LEN} bytes")
            self._encryptor_key = k2[:_AES_KEY_LEN]
        else:
            raise LocalProtocolError(f"unsupported confidentiality algorithm {confidentiality}")
        self._integrity = int(integrity)
        self._confidentiality = int(confidentiality)

    @property
    def integrity(self) -> int:
        """The IntegrityAlgorithm number (Table 13-18)."""
        return self._integrity

    @property
    def confidentiality(self) -> int:
        """The ConfidentialityAlgorithm number (Table 13-19)."""
        return self._confidentiality

    @property
    def auth_code_len(self) -> int:
        """Length of the AuthCode in the session trailer: 0, 12 or 16."""
        return self._auth_code_len

    def _auth_code(self, data: bytes) -> bytes:
        h = self._hash.copy()
        h.update(data)
        if self._integrity == IntegrityAlgorithm.MD5_128:
            h.update(self._password)
        digest: bytes = h.digest()
        return digest[: self._auth_code_len]

    def seal(self, payload_type: int, session_id: int, session_seq: int, payload: bytes, iv: bytes | None) -> bytes:
        """Build the RMCP+ datagram carrying ``payload`` (Table 13-8), encrypted and authenticated as keyed.

        ``payload_type`` is the bare type (0..3Fh, not OEM explicit); bit 7 / bit 6 are set here when this
        cipher encrypts / authenticates. ``iv`` (16 bytes, the caller's randomness) is used only when
        encrypting, and may be None otherwise.
        """
        _need_bytes(payload)
        if iv is not None:
            _need_bytes(iv)
        payload_type = operator.index(payload_type)
        if not 0 <= payload_type <= PAYLOAD_TYPE_MASK or payload_type == PayloadType.OEM_EXPLICIT:
            raise LocalProtocolError(f"cannot seal payload type 0x{payload_type:02x}")
        session_id, session_seq = _u32(session_id), _u32(session_seq)
        body = payload
        if self._confidentiality:
            if iv is None:
                raise TypeError("object of type 'NoneType' has no len()")
            if len(iv) != AES_BLOCK:
                raise LocalProtocolError(f"AES-CBC IV must be {AES_BLOCK} bytes, not {len(iv)}")
            payload_type |= PAYLOAD_ENCRYPTED
            # Table 13-20: payload ‖ confidentiality pad 01h 02h .. ‖ pad length, to whole AES blocks
            pad = -(len(body) + 1) % AES_BLOCK
            plain = body + bytes(range(1, pad + 1)) + bytes((pad,))
            if AES_BLOCK + len(plain) > _MAX_PAYLOAD_LEN:
                raise LocalProtocolError(f"payload of {len(body)} bytes is too long for RMCP+")
            encryptor = Cipher(algorithms.AES(self._encryptor_key), modes.CBC(iv)).encryptor()
            body = iv + encryptor.update(plain) + encryptor.finalize()
        elif len(body) > _MAX_PAYLOAD_LEN:
            raise LocalProtocolError(f"payload of {len(body)} bytes is too long for RMCP+")
        if not self._auth_code_len:
            header = _HEADER.pack(_RMCP_HEADER, AuthType.RMCP_PLUS, payload_type, session_id, session_seq, len(body))
            return header + body
        payload_type |= PAYLOAD_AUTHENTICATED
        # §13.28: integrity pad so that auth type .. next header is a multiple of 4 bytes (the 12-byte
        # session header already is)
        pad = -(len(body) + _TRAILER_FIXED) % 4
        packet = (
            _HEADER.pack(_RMCP_HEADER, AuthType.RMCP_PLUS, payload_type, session_id, session_seq, len(body))
            + body
            + bytes((INTEGRITY_PAD_BYTE,)) * pad
            + bytes((pad, NEXT_HEADER))
        )
        return packet + self._auth_code(packet[_OFFSET_AUTH_TYPE:])

    def open(self, data: bytes) -> tuple[int, int, int, bytes]:
        """Verify and decrypt a received RMCP+ datagram: (payload_type byte, session_id, session_seq, payload).

        When bit 6 is set the AuthCode (the last ``auth_code_len`` bytes) is checked over auth type .. next
        header, in constant time, before anything else of the trailer is trusted; a mismatch raises
        IntegrityCheckFailed. The integrity pad length must agree with the payload length; the pad bytes and
        the next header byte are covered by the AuthCode and otherwise not checked. When bit 7 is set the
        payload is IV ‖ AES-CBC blocks whose confidentiality pad must read 01h 02h .. (Table 13-20). A
        packet with bit 6 clear must end with its payload. Everything else malformed raises DecodeError.
        """
        _need_bytes(data)
        size = len(data)
        if size < _OFFSET_PAYLOAD:
            raise DecodeError(f"RMCP+ datagram of {size} bytes is shorter than its header")
        rmcp, auth_type, payload_type, session_id, session_seq, payload_len = _HEADER.unpack_from(data)
        if rmcp != _RMCP_HEADER:
            raise DecodeError(f"not an RMCP IPMI-class header: {rmcp.hex()}")
        if auth_type != AuthType.RMCP_PLUS:
            raise DecodeError(f"authentication type 0x{auth_type:02x} is not RMCP+")
        if payload_type & PAYLOAD_TYPE_MASK == PayloadType.OEM_EXPLICIT:
            raise DecodeError("OEM explicit payloads are not handled by SessionCipher")
        end = _OFFSET_PAYLOAD + payload_len
        if payload_type & PAYLOAD_AUTHENTICATED:
            if not self._auth_code_len:
                raise DecodeError("authenticated packet on a session without integrity")
            mac_start = size - self._auth_code_len
            if end + _TRAILER_FIXED > mac_start:
                raise DecodeError("RMCP+ packet too short for its payload length and integrity trailer")
            expected = self._auth_code(data[_OFFSET_AUTH_TYPE:mac_start])
            if not hmac.compare_digest(expected, data[mac_start:]):
                raise IntegrityCheckFailed("AuthCode mismatch")
            if end + data[mac_start - _TRAILER_FIXED] != mac_start - _TRAILER_FIXED:
                raise DecodeError("integrity pad length disagrees with the payload length")
        elif end != size:
            raise DecodeError(f"payload length {payload_len} disagrees with the datagram length {size}")
        if not payload_type & PAYLOAD_ENCRYPTED:
            return payload_type, session_id, session_seq, data[_OFFSET_PAYLOAD:end]
        if not self._confidentiality:
            raise DecodeError("encrypted packet on a session without confidentiality")
        if payload_len < 2 * AES_BLOCK or payload_len % AES_BLOCK:
            raise DecodeError(f"encrypted payload of {payload_len} bytes is not IV + whole AES blocks")
        iv = data[_OFFSET_PAYLOAD : _OFFSET_PAYLOAD + AES_BLOCK]
        decryptor = Cipher(algorithms.AES(self._encryptor_key), modes.CBC(iv)).decryptor()
        plain = decryptor.update(data[_OFFSET_PAYLOAD + AES_BLOCK : end]) + decryptor.finalize()
        pad = plain[-1]
        if pad > _MAX_CONF_PAD:
            raise DecodeError(f"confidentiality pad length {pad} is more than {_MAX_CONF_PAD}")
        stop = len(plain) - 1 - pad
        if plain[stop:-1] != bytes(range(1, pad + 1)):
            raise DecodeError("confidentiality pad is not 01h 02h ...")
        return payload_type, session_id, session_seq, plain[:stop]
