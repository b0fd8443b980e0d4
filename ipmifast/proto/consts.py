"""Constants of the IPMI v2.0 specification (rev 1.1 with errata), one IntEnum per spec table.

Section and table numbers refer to "IPMI v2.0 rev. 1.1" (Intel, HP, NEC, Dell, 2013 markup).
"""

from __future__ import annotations

from enum import IntEnum

RMCP_VERSION = 0x06  # §13.1.3, "RMCP version 1.0"
RMCP_SEQ_NO_ACK = 0xFF  # §13.1.3: 255 means "no RMCP ACK"
ASF_IANA = 4542  # §13.2.3, the ASF IANA enterprise number
IPMI_PORT = 623  # §13.1.2, primary RMCP port
IPMI_SECURE_PORT = 664  # secure auxiliary bus port (ASF)

BMC_SLAVE_ADDR = 0x20  # §5.1, BMC responder address
REMOTE_SWID = 0x81  # §5.5, software ID used by remote consoles

# Lengths (bytes) fixed by the specification
RMCP_HEADER_LEN = 4
V15_AUTH_CODE_LEN = 16  # Table 13-4
RAKP_RANDOM_LEN = 16  # Rm, Rc: Table 13-11, 13-12
GUID_LEN = 16
MAX_USERNAME_LEN = 16  # Table 13-11
MAX_V20_PASSWORD_LEN = 20  # §13.30, IPMI v2.0 passwords are 20 bytes
V15_PASSWORD_LEN = 16
AES_BLOCK = 16


class RmcpClass(IntEnum):
    """RMCP message class (Table 13-1, class bits 3:0; bit 7 is the ACK bit)."""

    ASF = 0x06
    IPMI = 0x07
    OEM = 0x08


RMCP_ACK_BIT = 0x80


class AsfMessageType(IntEnum):
    """ASF message types (ASF 2.0 §3.2.4, Table 13-2)."""

    PRESENCE_PONG = 0x40
    PRESENCE_PING = 0x80


class AuthType(IntEnum):
    """Session authentication type (Table 13-3, the session header's first byte)."""

    NONE = 0x00
    MD2 = 0x01
    MD5 = 0x02
    PASSWORD = 0x04  # "straight password / key"
    OEM = 0x05
    RMCP_PLUS = 0x06  # "Format = RMCP+ (IPMI v2.0 only)"


class PayloadType(IntEnum):
    """RMCP+ payload types (Table 13-16)."""

    IPMI = 0x00
    SOL = 0x01
    OEM_EXPLICIT = 0x02
    OPEN_SESSION_REQUEST = 0x10
    OPEN_SESSION_RESPONSE = 0x11
    RAKP_1 = 0x12
    RAKP_2 = 0x13
    RAKP_3 = 0x14
    RAKP_4 = 0x15


PAYLOAD_ENCRYPTED = 0x80  # Table 13-8, payload type bit 7
PAYLOAD_AUTHENTICATED = 0x40  # Table 13-8, payload type bit 6
PAYLOAD_TYPE_MASK = 0x3F

NEXT_HEADER = 0x07  # Table 13-8: "Next Header: reserved, set to 07h"
INTEGRITY_PAD_BYTE = 0xFF  # §13.28.1, integrity pad bytes are FFh


class AuthAlgorithm(IntEnum):
    """RMCP+ authentication algorithm numbers (Table 13-17)."""

    RAKP_NONE = 0x00
    RAKP_HMAC_SHA1 = 0x01
    RAKP_HMAC_MD5 = 0x02
    RAKP_HMAC_SHA256 = 0x03


class IntegrityAlgorithm(IntEnum):
    """RMCP+ integrity algorithm numbers (Table 13-18)."""

    NONE = 0x00
    HMAC_SHA1_96 = 0x01
    HMAC_MD5_128 = 0x02
    MD5_128 = 0x03
    HMAC_SHA256_128 = 0x04


class ConfidentialityAlgorithm(IntEnum):
    """RMCP+ confidentiality algorithm numbers (Table 13-19)."""

    NONE = 0x00
    AES_CBC_128 = 0x01
    XRC4_128 = 0x02
    XRC4_40 = 0x03


class Privilege(IntEnum):
    """Privilege levels (Table 6-1; RAKP 1 "requested maximum privilege", Table 13-11)."""

    HIGHEST_MATCHING = 0x00  # Open Session Request: "highest level matching proposed algorithms"
    CALLBACK = 0x01
    USER = 0x02
    OPERATOR = 0x03
    ADMINISTRATOR = 0x04
    OEM = 0x05


PRIVILEGE_MASK = 0x0F
NAME_ONLY_LOOKUP = 0x10  # RAKP 1 role bit 4: "name-only lookup" (1) vs username/privilege lookup (0)


class RmcpPlusStatus(IntEnum):
    """RMCP+ and RAKP message status codes (Table 13-15)."""

    NO_ERRORS = 0x00
    INSUFFICIENT_RESOURCES = 0x01
    INVALID_SESSION_ID = 0x02
    INVALID_PAYLOAD_TYPE = 0x03
    INVALID_AUTHENTICATION_ALGORITHM = 0x04
    INVALID_INTEGRITY_ALGORITHM = 0x05
    NO_MATCHING_AUTHENTICATION_PAYLOAD = 0x06
    NO_MATCHING_INTEGRITY_PAYLOAD = 0x07
    INACTIVE_SESSION_ID = 0x08
    INVALID_ROLE = 0x09
    UNAUTHORIZED_ROLE = 0x0A
    INSUFFICIENT_RESOURCES_FOR_ROLE = 0x0B
    INVALID_NAME_LENGTH = 0x0C
    UNAUTHORIZED_NAME = 0x0D
    UNAUTHORIZED_GUID = 0x0E
    INVALID_INTEGRITY_CHECK_VALUE = 0x0F
    INVALID_CONFIDENTIALITY_ALGORITHM = 0x10
    NO_CIPHER_SUITE_MATCH = 0x11
    ILLEGAL_PARAMETER = 0x12


_RMCP_PLUS_STATUS_TEXT = {
    0x00: "no errors",
    0x01: "insufficient resources to create a session",
    0x02: "invalid session ID",
    0x03: "invalid payload type",
    0x04: "invalid authentication algorithm",
    0x05: "invalid integrity algorithm",
    0x06: "no matching authentication payload",
    0x07: "no matching integrity payload",
    0x08: "inactive session ID",
    0x09: "invalid role",
    0x0A: "unauthorized role or privilege level requested",
    0x0B: "insufficient resources to create a session at the requested role",
    0x0C: "invalid name length",
    0x0D: "unauthorized name",
    0x0E: "unauthorized GUID",
    0x0F: "invalid integrity check value",
    0x10: "invalid confidentiality algorithm",
    0x11: "no cipher suite match with proposed security algorithms",
    0x12: "illegal or unrecognized parameter",
}


def rmcp_plus_status_text(status: int) -> str:
    """The specification's text for an RMCP+ status code (Table 13-15)."""
    return _RMCP_PLUS_STATUS_TEXT.get(status, f"reserved status code 0x{status:02x}")


class NetFn(IntEnum):
    """Network function codes, request values (Table 5-1). Responses are the request + 1."""

    CHASSIS = 0x00
    BRIDGE = 0x02
    SENSOR_EVENT = 0x04
    APP = 0x06
    FIRMWARE = 0x08
    STORAGE = 0x0A
    TRANSPORT = 0x0C
    GROUP_EXTENSION = 0x2C
    OEM_GROUP = 0x2E


class AppCmd(IntEnum):
    """Application (NetFn 06h) commands used by the session layer (Table G-1)."""

    GET_DEVICE_ID = 0x01
    GET_DEVICE_GUID = 0x08
    GET_SYSTEM_GUID = 0x37
    GET_MESSAGE = 0x33
    SEND_MESSAGE = 0x34
    GET_CHANNEL_AUTH_CAPABILITIES = 0x38
    GET_SESSION_CHALLENGE = 0x39
    ACTIVATE_SESSION = 0x3A
    SET_SESSION_PRIVILEGE_LEVEL = 0x3B
    CLOSE_SESSION = 0x3C
    GET_SESSION_INFO = 0x3D
    ACTIVATE_PAYLOAD = 0x48
    DEACTIVATE_PAYLOAD = 0x49
    GET_PAYLOAD_ACTIVATION_STATUS = 0x4A
    GET_CHANNEL_PAYLOAD_SUPPORT = 0x4E
    GET_CHANNEL_CIPHER_SUITES = 0x54


class CompletionCode(IntEnum):
    """Generic completion codes (Table 5-2)."""

    OK = 0x00
    NODE_BUSY = 0xC0
    INVALID_COMMAND = 0xC1
    INVALID_FOR_LUN = 0xC2
    TIMEOUT = 0xC3
    OUT_OF_SPACE = 0xC4
    RESERVATION_CANCELLED = 0xC5
    REQUEST_DATA_TRUNCATED = 0xC6
    REQUEST_DATA_LENGTH_INVALID = 0xC7
    REQUEST_DATA_FIELD_LENGTH_EXCEEDED = 0xC8
    PARAMETER_OUT_OF_RANGE = 0xC9
    CANNOT_RETURN_REQUESTED_BYTES = 0xCA
    NOT_PRESENT = 0xCB
    INVALID_DATA_FIELD = 0xCC
    ILLEGAL_COMMAND_FOR_SENSOR = 0xCD
    CANNOT_PROVIDE_RESPONSE = 0xCE
    DUPLICATE_REQUEST = 0xCF
    SDR_IN_UPDATE_MODE = 0xD0
    FIRMWARE_UPDATE_MODE = 0xD1
    BMC_INITIALIZING = 0xD2
    DESTINATION_UNAVAILABLE = 0xD3
    INSUFFICIENT_PRIVILEGE = 0xD4
    NOT_SUPPORTED_IN_PRESENT_STATE = 0xD5
    SUBFUNCTION_DISABLED = 0xD6
    UNSPECIFIED = 0xFF


_COMPLETION_CODE_TEXT = {
    0x00: "command completed normally",
    0xC0: "node busy",
    0xC1: "invalid command",
    0xC2: "command invalid for given LUN",
    0xC3: "timeout while processing command",
    0xC4: "out of space",
    0xC5: "reservation canceled or invalid reservation ID",
    0xC6: "request data truncated",
    0xC7: "request data length invalid",
    0xC8: "request data field length limit exceeded",
    0xC9: "parameter out of range",
    0xCA: "cannot return number of requested data bytes",
    0xCB: "requested sensor, data, or record not present",
    0xCC: "invalid data field in request",
    0xCD: "command illegal for specified sensor or record type",
    0xCE: "command response could not be provided",
    0xCF: "cannot execute duplicated request",
    0xD0: "SDR repository in update mode",
    0xD1: "device in firmware update mode",
    0xD2: "BMC initialization in progress",
    0xD3: "destination unavailable",
    0xD4: "insufficient privilege level",
    0xD5: "command not supported in present state",
    0xD6: "command sub-function disabled or unavailable",
    0xFF: "unspecified error",
}


def completion_code_text(cc: int) -> str:
    """The specification's text for a completion code (Table 5-2)."""
    if cc in _COMPLETION_CODE_TEXT:
        return _COMPLETION_CODE_TEXT[cc]
    if 0x01 <= cc <= 0x7E:
        return "device-specific (OEM) completion code"
    if 0x80 <= cc <= 0xBE:
        return "command-specific completion code"
    return "reserved completion code"
