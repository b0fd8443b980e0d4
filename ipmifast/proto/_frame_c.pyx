# cython: language_level=3
"""RMCP, ASF and IPMI session framing, compiled (IPMI v2.0 rev 1.1 §13.1-13.8).

Same API, results and exception types as the reference ``_frame_py``; ``frame.py`` picks one of the two.
Every function checks the length of its input once, at entry, and then reads through raw pointers.

- RMCP header: §13.1.3, Table 13-1.
- ASF messages inside RMCP class 06h: §13.2.3, Table 13-2, with Presence Ping / Pong from ASF 2.0 §3.2.4
  (ASF fields are big-endian, the IANA number is 4542).
- IPMI v1.5 session wrapper: §13.6, Table 13-4 (with the legacy pad byte).
- RMCP+ session wrapper: §13.6, Table 13-8 (OEM explicit payloads carry an OEM IANA and payload ID).
- IPMI LAN messages and their two checksums: §13.8.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.number cimport PyNumber_Index
from libc.stdint cimport uint8_t, uint32_t
from libc.string cimport memcpy, memset

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto.records import AsfMessage, AsfPong, IpmiRequest, IpmiResponse, V15Packet, V20Packet

__impl__ = "c"

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

cdef enum:
    # Spec constants (ipmifast.proto.consts)
    RMCP_VERSION = 0x06
    RMCP_SEQ_NO_ACK = 0xFF
    CLASS_ASF = 0x06
    CLASS_IPMI = 0x07
    ASF_IANA = 4542
    ASF_PRESENCE_PONG = 0x40
    ASF_PRESENCE_PING = 0x80
    AUTH_NONE = 0x00
    AUTH_MD2 = 0x01
    AUTH_MD5 = 0x02
    AUTH_PASSWORD = 0x04
    AUTH_OEM = 0x05
    AUTH_RMCP_PLUS = 0x06
    PAYLOAD_OEM_EXPLICIT = 0x02
    PAYLOAD_TYPE_MASK = 0x3F

    # RMCP header (Table 13-1)
    RMCP_HEADER_LEN = 4
    RMCP_VERSION_AT = 0
    RMCP_RESERVED_AT = 1
    RMCP_SEQ_AT = 2
    RMCP_CLASS_AT = 3

    # ASF message (Table 13-2): IANA (4, big-endian), type, tag, reserved, data length, data
    ASF_IANA_AT = 4
    ASF_TYPE_AT = 8
    ASF_TAG_AT = 9
    ASF_RESERVED_AT = 10
    ASF_LENGTH_AT = 11
    ASF_DATA_AT = 12
    # Presence Pong data (ASF 2.0 Table 3-11); the 6 reserved bytes are not required when decoding
    PONG_DATA_LEN = 16
    PONG_MIN_LEN = 10
    PONG_OEM_DEFINED_AT = 4
    PONG_ENTITIES_AT = 8
    PONG_INTERACTIONS_AT = 9

    # Session headers start with the authentication type (Tables 13-4 and 13-8)
    AUTH_TYPE_AT = 4

    # IPMI v1.5 session header (Table 13-4)
    V15_SEQ_AT = 5
    V15_SESSION_ID_AT = 9
    V15_AUTH_CODE_AT = 13
    V15_AUTH_CODE_LEN = 16
    V15_NO_AUTH_LEN = 14
    V15_AUTH_LEN = 30
    V15_MAX_MSG_LEN = 0xFF

    # RMCP+ session header (Table 13-8)
    V20_PAYLOAD_TYPE_AT = 5
    V20_OEM_AT = 6
    V20_OEM_LEN = 6
    V20_SESSION_LEN = 10
    V20_NO_OEM_LEN = 16
    V20_WITH_OEM_LEN = 22
    V20_MAX_PAYLOAD_LEN = 0xFFFF

    # IPMI LAN message (§13.8)
    IPMI_CHECKSUM1_END = 3
    IPMI_REQUEST_HEADER_LEN = 6
    IPMI_RESPONSE_HEADER_LEN = 7

# namedtuple instances are built as their own _make does, without a Python-level __new__ frame
cdef object _tuple_new = tuple.__new__


cdef inline uint32_t _le32(const uint8_t* p) noexcept nogil:
    return <uint32_t>p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16) | (<uint32_t>p[3] << 24)


cdef inline uint32_t _be32(const uint8_t* p) noexcept nogil:
    return (<uint32_t>p[0] << 24) | (<uint32_t>p[1] << 16) | (<uint32_t>p[2] << 8) | <uint32_t>p[3]


cdef inline void _put_le32(uint8_t* w, uint32_t v) noexcept nogil:
    w[0] = <uint8_t>v
    w[1] = <uint8_t>(v >> 8)
    w[2] = <uint8_t>(v >> 16)
    w[3] = <uint8_t>(v >> 24)


cdef inline void _put_be32(uint8_t* w, uint32_t v) noexcept nogil:
    w[0] = <uint8_t>(v >> 24)
    w[1] = <uint8_t>(v >> 16)
    w[2] = <uint8_t>(v >> 8)
    w[3] = <uint8_t>v


cdef inline void _put_rmcp(uint8_t* w, uint8_t rmcp_class) noexcept nogil:
    w[RMCP_VERSION_AT] = RMCP_VERSION
    w[RMCP_RESERVED_AT] = 0
    w[RMCP_SEQ_AT] = RMCP_SEQ_NO_ACK
    w[RMCP_CLASS_AT] = rmcp_class


cdef inline uint8_t _checksum(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    cdef uint8_t total = 0
    cdef Py_ssize_t i
    for i in range(n):
        total += p[i]
    return <uint8_t>(0x100 - total)


cdef inline bytes _slice(const uint8_t* p, Py_ssize_t n):
    return PyBytes_FromStringAndSize(<char*>p, n)


cdef inline uint8_t* _buffer(bytes out) noexcept:
    return <uint8_t*>PyBytes_AS_STRING(out)


cdef long long _field(object value, long long maximum, str name) except -1:
    """``value`` as an integer in 0..maximum, or LocalProtocolError (the caller broke the protocol)."""
    cdef long long v
    try:
        # PyNumber_Index first: like operator.index in the reference, floats are a TypeError, not truncated
        v = PyNumber_Index(value)
    except OverflowError:
        v = -1
    if v < 0 or v > maximum:
        raise LocalProtocolError(f"{name} must be in 0..{maximum:#x}, got {value!r}")
    return v


cdef int _check_rmcp(bytes data, uint8_t rmcp_class, Py_ssize_t minimum, str what) except -1:
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    if n < minimum:
        raise DecodeError(f"{what}: {n} bytes, need at least {minimum}")
    if p[RMCP_VERSION_AT] != RMCP_VERSION:
        raise DecodeError(f"{what}: RMCP version {p[RMCP_VERSION_AT]:#04x}, expected 0x06")
    if p[RMCP_CLASS_AT] != rmcp_class:
        raise DecodeError(f"{what}: RMCP class {p[RMCP_CLASS_AT]:#04x}, expected {rmcp_class:#04x}")
    return 0


def peek(bytes data not None):
    """(rmcp_class, auth_type, payload_type, session_id) of a datagram, for the engine's demux.

    rmcp_class is the class byte as sent (bit 7 is the RMCP ACK bit). Classes other than IPMI give
    ``(class, 0, 0, 0)``; IPMI v1.5 gives ``(7, auth_type, 0, session_id)``; RMCP+ gives ``(7, 6, payload type byte
    including bits 7/6, session_id)``, skipping the OEM IANA and payload ID of OEM explicit payloads.
    """
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef uint8_t rmcp_class, auth_type, payload_type
    cdef Py_ssize_t at
    if n < RMCP_HEADER_LEN:
        raise DecodeError(f"RMCP header: {n} bytes, need {RMCP_HEADER_LEN}")
    if p[RMCP_VERSION_AT] != RMCP_VERSION:
        raise DecodeError(f"RMCP version {p[RMCP_VERSION_AT]:#04x}, expected 0x06")
    rmcp_class = p[RMCP_CLASS_AT]
    if rmcp_class != CLASS_IPMI:
        return (rmcp_class, 0, 0, 0)
    if n <= AUTH_TYPE_AT:
        raise DecodeError("IPMI session header truncated before the authentication type")
    auth_type = p[AUTH_TYPE_AT]
    if auth_type == AUTH_RMCP_PLUS:
        if n <= V20_PAYLOAD_TYPE_AT:
            raise DecodeError("RMCP+ session header truncated before the payload type")
        payload_type = p[V20_PAYLOAD_TYPE_AT]
        at = V20_OEM_AT
        if payload_type & PAYLOAD_TYPE_MASK == PAYLOAD_OEM_EXPLICIT:
            at += V20_OEM_LEN
        if n < at + 4:
            raise DecodeError("RMCP+ session header truncated before the end of the session ID")
        return (rmcp_class, auth_type, payload_type, _le32(p + at))
    if n < V15_SESSION_ID_AT + 4:
        raise DecodeError("IPMI v1.5 session header truncated before the end of the session ID")
    return (rmcp_class, auth_type, 0, _le32(p + V15_SESSION_ID_AT))


def encode_asf_ping(message_tag):
    """ASF Presence Ping datagram (§13.2.3, ASF 2.0 §3.2.4.1)."""
    cdef uint8_t tag = <uint8_t>_field(message_tag, 0xFF, "message_tag")
    cdef bytes out = PyBytes_FromStringAndSize(NULL, ASF_DATA_AT)
    cdef uint8_t* w = _buffer(out)
    _put_rmcp(w, CLASS_ASF)
    _put_be32(w + ASF_IANA_AT, ASF_IANA)
    w[ASF_TYPE_AT] = ASF_PRESENCE_PING
    w[ASF_TAG_AT] = tag
    w[ASF_RESERVED_AT] = 0
    w[ASF_LENGTH_AT] = 0
    return out


def encode_asf_pong(message_tag, oem_iana=0, oem_defined=0, supported_entities=0x81, supported_interactions=0):
    """ASF Presence Pong datagram (§13.2.4, ASF 2.0 §3.2.4.2, Table 3-11).

    supported_entities 81h: IPMI supported (bit 7), ASF version 1.0 (bits 3:0).
    """
    cdef uint32_t iana = <uint32_t>_field(oem_iana, 0xFFFFFFFF, "oem_iana")
    cdef uint32_t defined = <uint32_t>_field(oem_defined, 0xFFFFFFFF, "oem_defined")
    cdef uint8_t entities = <uint8_t>_field(supported_entities, 0xFF, "supported_entities")
    cdef uint8_t interactions = <uint8_t>_field(supported_interactions, 0xFF, "supported_interactions")
    cdef uint8_t tag = <uint8_t>_field(message_tag, 0xFF, "message_tag")
    cdef bytes out = PyBytes_FromStringAndSize(NULL, ASF_DATA_AT + PONG_DATA_LEN)
    cdef uint8_t* w = _buffer(out)
    _put_rmcp(w, CLASS_ASF)
    _put_be32(w + ASF_IANA_AT, ASF_IANA)
    w[ASF_TYPE_AT] = ASF_PRESENCE_PONG
    w[ASF_TAG_AT] = tag
    w[ASF_RESERVED_AT] = 0
    w[ASF_LENGTH_AT] = PONG_DATA_LEN
    w += ASF_DATA_AT
    memset(w, 0, PONG_DATA_LEN)
    _put_be32(w, iana)
    _put_be32(w + PONG_OEM_DEFINED_AT, defined)
    w[PONG_ENTITIES_AT] = entities
    w[PONG_INTERACTIONS_AT] = interactions
    return out


def decode_asf(bytes data not None):
    """ASF message of an RMCP class 06h datagram (Table 13-2). Bytes after the declared data length are ignored."""
    _check_rmcp(data, CLASS_ASF, ASF_DATA_AT, "ASF message")
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef uint32_t iana = _be32(p + ASF_IANA_AT)
    cdef Py_ssize_t length = p[ASF_LENGTH_AT]
    if iana != ASF_IANA:
        raise DecodeError(f"ASF message: IANA {iana}, expected {ASF_IANA}")
    if n < ASF_DATA_AT + length:
        raise DecodeError(f"ASF message: data length {length} but only {n - ASF_DATA_AT} bytes follow")
    return _tuple_new(AsfMessage, (p[ASF_TYPE_AT], p[ASF_TAG_AT], _slice(p + ASF_DATA_AT, length)))


def decode_asf_pong_data(bytes data not None):
    """Presence Pong data (the ``data`` of a pong AsfMessage; ASF 2.0 Table 3-11)."""
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    if n < PONG_MIN_LEN:
        raise DecodeError(f"Presence Pong data: {n} bytes, need at least {PONG_MIN_LEN}")
    return _tuple_new(
        AsfPong, (_be32(p), _be32(p + PONG_OEM_DEFINED_AT), p[PONG_ENTITIES_AT], p[PONG_INTERACTIONS_AT])
    )


cdef inline bint _v15_auth_type(long long auth_type) noexcept nogil:
    return (
        auth_type == AUTH_NONE or auth_type == AUTH_MD2 or auth_type == AUTH_MD5
        or auth_type == AUTH_PASSWORD or auth_type == AUTH_OEM
    )


def encode_v15_session(auth_type, session_seq, session_id, bytes auth_code not None, bytes msg not None):
    """IPMI v1.5 session wrapper datagram (§13.6, Table 13-4), with the legacy pad byte when needed.

    auth_code is 16 bytes when auth_type is not NONE, b"" when it is NONE.
    """
    cdef long long auth = _field(auth_type, 0xFF, "auth_type")
    if not _v15_auth_type(auth):
        raise LocalProtocolError(f"auth_type {auth:#04x} is not an IPMI v1.5 authentication type")
    cdef Py_ssize_t code_len = PyBytes_GET_SIZE(auth_code)
    cdef Py_ssize_t expected = 0 if auth == AUTH_NONE else V15_AUTH_CODE_LEN
    if code_len != expected:
        raise LocalProtocolError(f"auth_code must be {expected} bytes for auth_type {auth}, got {code_len}")
    cdef Py_ssize_t msg_len = PyBytes_GET_SIZE(msg)
    if msg_len > V15_MAX_MSG_LEN:
        raise LocalProtocolError(f"IPMI v1.5 message is {msg_len} bytes, the limit is {V15_MAX_MSG_LEN}")
    cdef uint32_t seq = <uint32_t>_field(session_seq, 0xFFFFFFFF, "session_seq")
    cdef uint32_t sid = <uint32_t>_field(session_id, 0xFFFFFFFF, "session_id")
    cdef Py_ssize_t header_len = V15_NO_AUTH_LEN + code_len
    cdef Py_ssize_t total = header_len + msg_len
    # §13.6 "legacy pad": some early LAN controllers mishandle these UDP payload lengths
    cdef bint pad = total in (56, 84, 112, 128, 156)
    cdef bytes out = PyBytes_FromStringAndSize(NULL, total + pad)
    cdef uint8_t* w = _buffer(out)
    _put_rmcp(w, CLASS_IPMI)
    w[AUTH_TYPE_AT] = <uint8_t>auth
    _put_le32(w + V15_SEQ_AT, seq)
    _put_le32(w + V15_SESSION_ID_AT, sid)
    memcpy(w + V15_AUTH_CODE_AT, PyBytes_AS_STRING(auth_code), code_len)
    w[header_len - 1] = <uint8_t>msg_len
    memcpy(w + header_len, PyBytes_AS_STRING(msg), msg_len)
    if pad:
        w[total] = 0
    return out


def decode_v15_session(bytes data not None):
    """IPMI v1.5 session wrapper (Table 13-4). Bytes after the message (the legacy pad) are ignored."""
    _check_rmcp(data, CLASS_IPMI, V15_NO_AUTH_LEN, "IPMI v1.5 session")
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef uint8_t auth = p[AUTH_TYPE_AT]
    cdef Py_ssize_t header_len = V15_NO_AUTH_LEN
    cdef Py_ssize_t length
    if not _v15_auth_type(auth):
        raise DecodeError(f"IPMI v1.5 session: authentication type {auth:#04x}")
    if auth != AUTH_NONE:
        header_len = V15_AUTH_LEN
        if n < header_len:
            raise DecodeError(f"IPMI v1.5 session: {n} bytes, need {header_len} with an AuthCode")
    length = p[header_len - 1]
    if n < header_len + length:
        raise DecodeError(f"IPMI v1.5 session: message length {length} exceeds the datagram")
    return _tuple_new(
        V15Packet,
        (
            auth,
            _le32(p + V15_SEQ_AT),
            _le32(p + V15_SESSION_ID_AT),
            _slice(p + V15_AUTH_CODE_AT, header_len - V15_NO_AUTH_LEN),
            _slice(p + header_len, length),
        ),
    )


def encode_v20_session(payload_type, session_id, session_seq, bytes payload not None, oem_iana=0, oem_payload_id=0):
    """RMCP+ session wrapper datagram without integrity trailer (§13.6, Table 13-8).

    oem_iana (3 bytes) and oem_payload_id go on the wire only for OEM explicit payloads (type 02h) and must be 0
    for every other payload type.
    """
    cdef uint8_t ptype = <uint8_t>_field(payload_type, 0xFF, "payload_type")
    cdef uint32_t iana = <uint32_t>_field(oem_iana, 0xFFFFFF, "oem_iana")
    cdef uint32_t payload_id = <uint32_t>_field(oem_payload_id, 0xFFFF, "oem_payload_id")
    cdef Py_ssize_t payload_len = PyBytes_GET_SIZE(payload)
    if payload_len > V20_MAX_PAYLOAD_LEN:
        raise LocalProtocolError(f"RMCP+ payload is {payload_len} bytes, the limit is {V20_MAX_PAYLOAD_LEN}")
    cdef bint oem = ptype & PAYLOAD_TYPE_MASK == PAYLOAD_OEM_EXPLICIT
    if not oem and (iana or payload_id):
        raise LocalProtocolError("oem_iana and oem_payload_id are only sent with OEM explicit payloads (type 02h)")
    cdef uint32_t sid = <uint32_t>_field(session_id, 0xFFFFFFFF, "session_id")
    cdef uint32_t seq = <uint32_t>_field(session_seq, 0xFFFFFFFF, "session_seq")
    cdef Py_ssize_t header_len = V20_WITH_OEM_LEN if oem else V20_NO_OEM_LEN
    cdef bytes out = PyBytes_FromStringAndSize(NULL, header_len + payload_len)
    cdef uint8_t* w = _buffer(out)
    _put_rmcp(w, CLASS_IPMI)
    w[AUTH_TYPE_AT] = AUTH_RMCP_PLUS
    w[V20_PAYLOAD_TYPE_AT] = ptype
    w += V20_OEM_AT
    if oem:
        _put_le32(w, iana)
        w[4] = <uint8_t>(payload_id & 0xFF)
        w[5] = <uint8_t>(payload_id >> 8)
        w += V20_OEM_LEN
    _put_le32(w, sid)
    _put_le32(w + 4, seq)
    w[8] = <uint8_t>(payload_len & 0xFF)
    w[9] = <uint8_t>(payload_len >> 8)
    memcpy(w + V20_SESSION_LEN, PyBytes_AS_STRING(payload), payload_len)
    return out


def decode_v20_session(bytes data not None):
    """RMCP+ session wrapper (Table 13-8), neither verified nor decrypted. trailer = the bytes after the payload."""
    _check_rmcp(data, CLASS_IPMI, V20_NO_OEM_LEN, "RMCP+ session")
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    cdef uint8_t ptype = p[V20_PAYLOAD_TYPE_AT]
    cdef uint32_t iana = 0
    cdef uint32_t payload_id = 0
    cdef Py_ssize_t at = V20_OEM_AT
    cdef Py_ssize_t length, end
    if p[AUTH_TYPE_AT] != AUTH_RMCP_PLUS:
        raise DecodeError(f"RMCP+ session: authentication type {p[AUTH_TYPE_AT]:#04x}, expected 0x06")
    if ptype & PAYLOAD_TYPE_MASK == PAYLOAD_OEM_EXPLICIT:
        if n < V20_WITH_OEM_LEN:
            raise DecodeError(f"RMCP+ session: {n} bytes, need {V20_WITH_OEM_LEN} for an OEM explicit payload")
        iana = _le32(p + at) & 0xFFFFFF
        payload_id = p[at + 4] | (<uint32_t>p[at + 5] << 8)
        at += V20_OEM_LEN
    length = p[at + 8] | (<Py_ssize_t>p[at + 9] << 8)
    end = at + V20_SESSION_LEN + length
    if n < end:
        raise DecodeError(
            f"RMCP+ session: payload length {length} but only {n - at - V20_SESSION_LEN} bytes follow"
        )
    return _tuple_new(
        V20Packet,
        (
            ptype,
            iana,
            payload_id,
            _le32(p + at),
            _le32(p + at + 4),
            _slice(p + at + V20_SESSION_LEN, length),
            _slice(p + end, n - end),
        ),
    )


def ipmi_checksum(bytes data not None):
    """Two's complement checksum (§13.8): the byte that makes ``sum(data) + checksum`` a multiple of 256."""
    return _checksum(<const uint8_t*>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data))


cdef bytes _encode_message(
    uint8_t addr1, uint8_t netfn_lun, uint8_t addr2, uint8_t seq_lun, uint8_t cmd, int cc, bytes data
):
    """The §13.8 message layout shared by requests and responses (cc < 0: a request, no completion code)."""
    cdef Py_ssize_t header_len = IPMI_RESPONSE_HEADER_LEN if cc >= 0 else IPMI_REQUEST_HEADER_LEN
    cdef Py_ssize_t data_len = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t total = header_len + data_len + 1
    cdef bytes out = PyBytes_FromStringAndSize(NULL, total)
    cdef uint8_t* w = _buffer(out)
    w[0] = addr1
    w[1] = netfn_lun
    w[2] = _checksum(w, 2)
    w[3] = addr2
    w[4] = seq_lun
    w[5] = cmd
    if cc >= 0:
        w[6] = <uint8_t>cc
    memcpy(w + header_len, PyBytes_AS_STRING(data), data_len)
    w[total - 1] = _checksum(w + IPMI_CHECKSUM1_END, total - 1 - IPMI_CHECKSUM1_END)
    return out


def encode_ipmi_request(rs_addr, netfn, rs_lun, rq_addr, rq_seq, rq_lun, cmd, bytes data not None):
    """IPMI LAN request message (§13.8).

    rsAddr, netFn/rsLUN, checksum, rqAddr, rqSeq/rqLUN, cmd, data, checksum.
    """
    cdef uint8_t a1 = <uint8_t>_field(rs_addr, 0xFF, "rs_addr")
    cdef uint8_t nl = <uint8_t>(_field(netfn, 0x3F, "netfn") << 2 | _field(rs_lun, 0x03, "rs_lun"))
    cdef uint8_t a2 = <uint8_t>_field(rq_addr, 0xFF, "rq_addr")
    cdef uint8_t sl = <uint8_t>(_field(rq_seq, 0x3F, "rq_seq") << 2 | _field(rq_lun, 0x03, "rq_lun"))
    cdef uint8_t c = <uint8_t>_field(cmd, 0xFF, "cmd")
    return _encode_message(a1, nl, a2, sl, c, -1, data)


def encode_ipmi_response(rq_addr, netfn, rq_lun, rs_addr, rq_seq, rs_lun, cmd, cc, bytes data not None):
    """IPMI LAN response message (§13.8).

    rqAddr, netFn/rqLUN, checksum, rsAddr, rqSeq/rsLUN, cmd, completion code, data, checksum.
    """
    cdef uint8_t a1 = <uint8_t>_field(rq_addr, 0xFF, "rq_addr")
    cdef uint8_t nl = <uint8_t>(_field(netfn, 0x3F, "netfn") << 2 | _field(rq_lun, 0x03, "rq_lun"))
    cdef uint8_t a2 = <uint8_t>_field(rs_addr, 0xFF, "rs_addr")
    cdef uint8_t sl = <uint8_t>(_field(rq_seq, 0x3F, "rq_seq") << 2 | _field(rs_lun, 0x03, "rs_lun"))
    cdef uint8_t c = <uint8_t>_field(cmd, 0xFF, "cmd")
    cdef int code = <int>_field(cc, 0xFF, "cc")
    return _encode_message(a1, nl, a2, sl, c, code, data)


cdef int _check_checksums(const uint8_t* p, Py_ssize_t n, str what) except -1:
    if _checksum(p, IPMI_CHECKSUM1_END) != 0:
        raise DecodeError(f"{what}: bad header checksum")
    if _checksum(p + IPMI_CHECKSUM1_END, n - IPMI_CHECKSUM1_END) != 0:
        raise DecodeError(f"{what}: bad data checksum")
    return 0


def decode_ipmi_request(bytes msg not None):
    """IPMI LAN request message (§13.8); both checksums are verified."""
    cdef Py_ssize_t n = PyBytes_GET_SIZE(msg)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(msg)
    if n < IPMI_REQUEST_HEADER_LEN + 1:
        raise DecodeError(f"IPMI request: {n} bytes, need at least {IPMI_REQUEST_HEADER_LEN + 1}")
    _check_checksums(p, n, "IPMI request")
    return _tuple_new(
        IpmiRequest,
        (
            p[0], p[1] >> 2, p[1] & 3, p[3], p[4] >> 2, p[4] & 3, p[5],
            _slice(p + IPMI_REQUEST_HEADER_LEN, n - IPMI_REQUEST_HEADER_LEN - 1),
        ),
    )


def decode_ipmi_response(bytes msg not None, bint check_checksums=True):
    """IPMI LAN response message (§13.8). check_checksums=False is FreeIPMI's ``nochecksumcheck`` quirk."""
    cdef Py_ssize_t n = PyBytes_GET_SIZE(msg)
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(msg)
    if n < IPMI_RESPONSE_HEADER_LEN + 1:
        raise DecodeError(f"IPMI response: {n} bytes, need at least {IPMI_RESPONSE_HEADER_LEN + 1}")
    if check_checksums:
        _check_checksums(p, n, "IPMI response")
    return _tuple_new(
        IpmiResponse,
        (
            p[0], p[1] >> 2, p[1] & 3, p[3], p[4] >> 2, p[4] & 3, p[5], p[6],
            _slice(p + IPMI_RESPONSE_HEADER_LEN, n - IPMI_RESPONSE_HEADER_LEN - 1),
        ),
    )
