"""Bodies of the session-management commands (IPMI v2.0 rev 1.1 §22.13-22.19, Tables 22-15 to 22-20): the data of
``IPMIRequest`` / ``IPMIResponse`` shown field by field. ``IPMIRequest.body()`` and ``IPMIResponse.body()`` give
the body layer of a message (Raw for other commands and for error responses).

Field names are those of ``ipmifast.cmds.app``'s structures; multi-byte integers are little-endian.
"""

from __future__ import annotations

from typing import Any

from scapy.fields import (
    BitEnumField,
    BitField,
    ConditionalField,
    LEThreeBytesField,
    StrFixedLenField,
    XByteField,
    XLEIntField,
)
from scapy.packet import Packet

from ipmifast.proto.consts import AppCmd, AuthType, NetFn, Privilege

__all__ = [
    "BODIES",
    "ActivateSessionRq",
    "ActivateSessionRs",
    "CloseSessionRq",
    "GetChannelAuthCapabilitiesRq",
    "GetChannelAuthCapabilitiesRs",
    "GetSessionChallengeRq",
    "GetSessionChallengeRs",
    "SetSessionPrivilegeLevelRq",
    "SetSessionPrivilegeLevelRs",
]

PRIVILEGES = {p.value: p.name for p in Privilege}
AUTH_TYPES = {t.value: t.name for t in AuthType}
_NAME_LEN = 16
_CHALLENGE_LEN = 16


def _nibble(name: str, names: dict[int, str], default: int) -> list[Any]:
    """A byte whose bits 3:0 hold ``name`` and bits 7:4 are reserved."""
    return [BitField(f"reserved_{name}", 0, 4), BitEnumField(name, default, 4, names)]


class _Body(Packet):
    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return b"", s


class GetChannelAuthCapabilitiesRq(_Body):
    """Get Channel Authentication Capabilities request (Table 22-15)."""

    name = "Get Channel Authentication Capabilities Request"
    fields_desc = [
        BitField("ipmi_v20_extended", 1, 1),
        BitField("reserved1", 0, 3),
        BitField("channel", 0x0E, 4),
        *_nibble("privilege", PRIVILEGES, Privilege.ADMINISTRATOR),
    ]


class GetChannelAuthCapabilitiesRs(_Body):
    """Get Channel Authentication Capabilities response (Table 22-15), v1.5 and v2.0 extended forms."""

    name = "Get Channel Authentication Capabilities Response"
    fields_desc = [
        XByteField("channel", 1),
        BitField("ipmi_v20_extended_available", 1, 1),
        BitField("reserved1", 0, 1),
        BitField("auth_oem", 0, 1),
        BitField("auth_password", 0, 1),
        BitField("reserved2", 0, 1),
        BitField("auth_md5", 1, 1),
        BitField("auth_md2", 0, 1),
        BitField("auth_none", 0, 1),
        BitField("reserved3", 0, 2),
        BitField("kg_nonzero", 0, 1),
        BitField("per_message_authentication_disabled", 0, 1),
        BitField("user_level_authentication_disabled", 0, 1),
        BitField("non_null_usernames", 1, 1),
        BitField("null_usernames", 0, 1),
        BitField("anonymous_login", 0, 1),
        BitField("reserved4", 0, 6),
        BitField("supports_ipmi_v20", 1, 1),
        BitField("supports_ipmi_v15", 1, 1),
        LEThreeBytesField("oem_id", 0),
        XByteField("oem_auxiliary_data", 0),
    ]


class GetSessionChallengeRq(_Body):
    """Get Session Challenge request (Table 22-16): authentication type, user name (16 bytes, NUL padded)."""

    name = "Get Session Challenge Request"
    fields_desc = [*_nibble("auth_type", AUTH_TYPES, AuthType.MD5),
                   StrFixedLenField("username", b"", _NAME_LEN)]


class GetSessionChallengeRs(_Body):
    """Get Session Challenge response (Table 22-16): temporary session ID, challenge string."""

    name = "Get Session Challenge Response"
    fields_desc = [XLEIntField("temp_session_id", 0), StrFixedLenField("challenge", b"", _CHALLENGE_LEN)]


class ActivateSessionRq(_Body):
    """Activate Session request (Table 22-17)."""

    name = "Activate Session Request"
    fields_desc = [
        *_nibble("auth_type", AUTH_TYPES, AuthType.MD5),
        *_nibble("max_privilege", PRIVILEGES, Privilege.ADMINISTRATOR),
        StrFixedLenField("challenge", b"", _CHALLENGE_LEN),
        XLEIntField("initial_outbound_seq", 0),
    ]


class ActivateSessionRs(_Body):
    """Activate Session response (Table 22-17)."""

    name = "Activate Session Response"
    fields_desc = [
        *_nibble("auth_type", AUTH_TYPES, AuthType.MD5),
        XLEIntField("session_id", 0),
        XLEIntField("initial_inbound_seq", 0),
        *_nibble("max_privilege", PRIVILEGES, Privilege.ADMINISTRATOR),
    ]


class SetSessionPrivilegeLevelRq(_Body):
    """Set Session Privilege Level request (Table 22-18)."""

    name = "Set Session Privilege Level Request"
    fields_desc = _nibble("privilege", PRIVILEGES, Privilege.ADMINISTRATOR)


class SetSessionPrivilegeLevelRs(_Body):
    """Set Session Privilege Level response (Table 22-18): the new privilege level."""

    name = "Set Session Privilege Level Response"
    fields_desc = _nibble("privilege", PRIVILEGES, Privilege.ADMINISTRATOR)


class CloseSessionRq(_Body):
    """Close Session request (Table 22-19): session ID, and the session handle when the ID is 0."""

    name = "Close Session Request"
    fields_desc = [
        XLEIntField("session_id", 0),
        ConditionalField(XByteField("session_handle", 0), lambda pkt: pkt.session_id == 0),
    ]


#: (request netfn, cmd, is a response) -> body layer
BODIES: dict[tuple[int, int, bool], type[Packet]] = {
    (NetFn.APP, AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, False): GetChannelAuthCapabilitiesRq,
    (NetFn.APP, AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, True): GetChannelAuthCapabilitiesRs,
    (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE, False): GetSessionChallengeRq,
    (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE, True): GetSessionChallengeRs,
    (NetFn.APP, AppCmd.ACTIVATE_SESSION, False): ActivateSessionRq,
    (NetFn.APP, AppCmd.ACTIVATE_SESSION, True): ActivateSessionRs,
    (NetFn.APP, AppCmd.SET_SESSION_PRIVILEGE_LEVEL, False): SetSessionPrivilegeLevelRq,
    (NetFn.APP, AppCmd.SET_SESSION_PRIVILEGE_LEVEL, True): SetSessionPrivilegeLevelRs,
    (NetFn.APP, AppCmd.CLOSE_SESSION, False): CloseSessionRq,
}
