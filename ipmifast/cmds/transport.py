"""Transport (NetFn 0Ch) command codecs: LAN configuration parameters and SOL configuration parameters.

IPMI v2.0 rev 1.1 §23.1-23.2 (Set/Get LAN Configuration Parameters, parameters in Table 23-4) and §26.2-26.3
(Set/Get SOL Configuration Parameters, parameters in Table 26-5). Command numbers are those of Appendix G,
Table G-1. Conventions as in ``ipmifast.cmds.app``.

Each parameter has a typed value (``LanValue``, ``SolValue``): ``encode_lan_parameter(parameter, value)`` and
``decode_lan_parameter(parameter, data)`` (and the SOL pair) convert between the value and the parameter data, and
the command codecs use them. A Get response does not name its parameter, so ``decode_get_..._rs`` takes the
parameter that was asked for. Parameters without a typed codec here (LAN destinations, IPv6, OEM) travel as bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from ipaddress import IPv4Address

from ipmifast.errors import DecodeError, LocalProtocolError

from ._common import (
    AUTH_TYPES_MASK,
    AuthTypes,
    PrivilegeLevel,
    SetInProgress,
    check_bits,
    check_enum,
    check_flags,
    check_int,
    cstring,
    exactly,
    flag,
    format_mac,
    need,
    padded,
    parse_mac,
    strict,
)


class TransportCommand(IntEnum):
    """Transport command numbers implemented here (Table G-1)."""

    SET_LAN_CONFIGURATION_PARAMETERS = 0x01
    GET_LAN_CONFIGURATION_PARAMETERS = 0x02
    SET_SOL_CONFIGURATION_PARAMETERS = 0x21
    GET_SOL_CONFIGURATION_PARAMETERS = 0x22


PARAMETER_REVISION = 0x11  # present revision 1, oldest compatible revision 1 (§23.2, §26.3)
_REVISION_ONLY = 0x80  # Get ... Configuration Parameters byte 1 bit 7: "get parameter revision only"

# ========================================================================================= LAN parameters (§23)


class LanParameter(IntEnum):
    """LAN configuration parameter selectors (Table 23-4) with typed codecs here."""

    SET_IN_PROGRESS = 0
    AUTHENTICATION_TYPE_SUPPORT = 1
    AUTHENTICATION_TYPE_ENABLES = 2
    IP_ADDRESS = 3
    IP_ADDRESS_SOURCE = 4
    MAC_ADDRESS = 5
    SUBNET_MASK = 6
    IPV4_HEADER_PARAMETERS = 7
    PRIMARY_RMCP_PORT = 8
    SECONDARY_RMCP_PORT = 9
    BMC_GENERATED_ARP_CONTROL = 10
    GRATUITOUS_ARP_INTERVAL = 11
    DEFAULT_GATEWAY_ADDRESS = 12
    DEFAULT_GATEWAY_MAC_ADDRESS = 13
    BACKUP_GATEWAY_ADDRESS = 14
    BACKUP_GATEWAY_MAC_ADDRESS = 15
    COMMUNITY_STRING = 16
    NUMBER_OF_DESTINATIONS = 17
    VLAN_ID = 20
    VLAN_PRIORITY = 21
    CIPHER_SUITE_ENTRY_SUPPORT = 22
    CIPHER_SUITE_ENTRIES = 23
    CIPHER_SUITE_PRIVILEGE_LEVELS = 24


class IpAddressSource(IntEnum):
    """LAN parameter 4, IP address source (Table 23-4, bits 3:0)."""

    UNSPECIFIED = 0
    STATIC = 1
    DHCP = 2
    BIOS = 3  # "address loaded by BIOS or system software"
    OTHER = 4  # "address obtained by BMC running other address assignment protocol"


@dataclass(frozen=True)
class AuthTypeEnables:
    """LAN parameter 2: the IPMI v1.5 authentication types enabled for each maximum privilege level."""

    callback: AuthTypes = AuthTypes(0)
    user: AuthTypes = AuthTypes(0)
    operator: AuthTypes = AuthTypes(0)
    administrator: AuthTypes = AuthTypes(0)
    oem: AuthTypes = AuthTypes(0)


@dataclass(frozen=True)
class Ipv4HeaderParameters:
    """LAN parameter 7 (Table 23-4): TTL, the IP header flags (3 bits), precedence (3 bits) and type of service
    (4 bits). The spec's defaults are TTL 40h, flags 010b (don't fragment), precedence 000b, TOS 1000b."""

    time_to_live: int = 0x40
    flags: int = 0b010
    precedence: int = 0
    type_of_service: int = 0b1000


@dataclass(frozen=True)
class BmcArpControl:
    """LAN parameter 10, BMC-generated ARP control (Table 23-4): bit 1 ARP responses, bit 0 gratuitous ARPs."""

    arp_responses: bool = False
    gratuitous_arps: bool = False


@dataclass(frozen=True)
class VlanId:
    """LAN parameter 20, 802.1q VLAN ID (Table 23-4): 12-bit ID, LS byte first, enable in bit 7 of byte 2."""

    vlan_id: int = 0
    enabled: bool = False


LanValue = (
    SetInProgress
    | AuthTypes
    | AuthTypeEnables
    | IPv4Address
    | IpAddressSource
    | str
    | Ipv4HeaderParameters
    | int
    | BmcArpControl
    | bytes
    | VlanId
    | tuple[int, ...]
    | tuple[PrivilegeLevel, ...]
)
"""Typed value of a LAN configuration parameter (Table 23-4):

- 0 ``SetInProgress``; 1 ``AuthTypes``; 2 ``AuthTypeEnables``
- 3, 6, 12, 14 ``IPv4Address``; 5, 13, 15 MAC address ``str`` ("02:00:7f:00:0a:01")
- 4 ``IpAddressSource``; 7 ``Ipv4HeaderParameters``; 10 ``BmcArpControl``; 20 ``VlanId``
- 8, 9 port ``int``; 11 gratuitous ARP interval ``int`` (500 ms units); 17 number of destinations ``int``;
  21 VLAN priority ``int``; 22 number of cipher suite entries ``int``
- 16 community string ``bytes`` (up to 18, NUL-padded on the wire)
- 23 cipher suite IDs ``tuple[int, ...]`` (all entries the BMC sends, unused ones included; parameter 22 says
  how many are valid)
- 24 maximum privilege per cipher suite entry ``tuple[PrivilegeLevel, ...]`` (16 nibbles, UNSPECIFIED = unused)
- any other parameter: its data as ``bytes``
"""

COMMUNITY_STRING_LEN = 18
CIPHER_SUITE_ENTRY_MAX = 16
_IP_PARAMETERS = (
    LanParameter.IP_ADDRESS,
    LanParameter.SUBNET_MASK,
    LanParameter.DEFAULT_GATEWAY_ADDRESS,
    LanParameter.BACKUP_GATEWAY_ADDRESS,
)
_MAC_PARAMETERS = (
    LanParameter.MAC_ADDRESS,
    LanParameter.DEFAULT_GATEWAY_MAC_ADDRESS,
    LanParameter.BACKUP_GATEWAY_MAC_ADDRESS,
)
_BYTE_PARAMETERS: dict[int, int] = {  # one-byte integer parameters: bits of the value
    LanParameter.GRATUITOUS_ARP_INTERVAL: 8,
    LanParameter.NUMBER_OF_DESTINATIONS: 4,
    LanParameter.VLAN_PRIORITY: 3,
    LanParameter.CIPHER_SUITE_ENTRY_SUPPORT: 5,
}


def _privilege_nibbles(levels: tuple[int, ...]) -> bytes:
    if len(levels) != CIPHER_SUITE_ENTRY_MAX:
        raise LocalProtocolError(f"cipher suite privilege levels: {len(levels)} entries, 16 expected")
    nibbles = [check_enum("cipher suite privilege level", v, PrivilegeLevel, 4) for v in levels]
    return bytes(nibbles[i] | nibbles[i + 1] << 4 for i in range(0, CIPHER_SUITE_ENTRY_MAX, 2))


def encode_lan_parameter(parameter: int, value: LanValue) -> bytes:
    """The configuration parameter data of LAN ``parameter`` (Table 23-4)."""
    p = check_bits("parameter", parameter, 8)
    if p == LanParameter.SET_IN_PROGRESS and isinstance(value, int):
        return bytes((check_enum("set in progress", value, SetInProgress, 2),))
    if p == LanParameter.AUTHENTICATION_TYPE_SUPPORT and isinstance(value, int):
        return bytes((check_flags("authentication type support", value, AuthTypes, AUTH_TYPES_MASK),))
    if p == LanParameter.AUTHENTICATION_TYPE_ENABLES and isinstance(value, AuthTypeEnables):
        levels = (value.callback, value.user, value.operator, value.administrator, value.oem)
        return bytes(check_flags("authentication type enables", v, AuthTypes, AUTH_TYPES_MASK) for v in levels)
    if p in _IP_PARAMETERS and isinstance(value, IPv4Address):
        return value.packed
    if p == LanParameter.IP_ADDRESS_SOURCE and isinstance(value, int):
        return bytes((check_enum("IP address source", value, IpAddressSource, 4),))
    if p in _MAC_PARAMETERS and isinstance(value, str):
        return parse_mac("MAC address", value)
    if p == LanParameter.IPV4_HEADER_PARAMETERS and isinstance(value, Ipv4HeaderParameters):
        return bytes(
            (
                check_bits("time_to_live", value.time_to_live, 8),
                check_bits("flags", value.flags, 3) << 5,
                check_bits("precedence", value.precedence, 3) << 5
                | check_bits("type_of_service", value.type_of_service, 4) << 1,
            )
        )
    if p in (LanParameter.PRIMARY_RMCP_PORT, LanParameter.SECONDARY_RMCP_PORT) and isinstance(value, int):
        return check_bits("RMCP port", value, 16).to_bytes(2, "little")
    if p == LanParameter.BMC_GENERATED_ARP_CONTROL and isinstance(value, BmcArpControl):
        return bytes((flag(value.arp_responses, 1) | flag(value.gratuitous_arps, 0),))
    if p in _BYTE_PARAMETERS and isinstance(value, int):
        return bytes((check_bits(LanParameter(p).name.lower(), value, _BYTE_PARAMETERS[p]),))
    if p == LanParameter.COMMUNITY_STRING and isinstance(value, bytes):
        return padded("community string", value, COMMUNITY_STRING_LEN)
    if p == LanParameter.VLAN_ID and isinstance(value, VlanId):
        vid = check_bits("vlan_id", value.vlan_id, 12)
        return bytes((vid & 0xFF, flag(value.enabled, 7) | vid >> 8))
    if p == LanParameter.CIPHER_SUITE_ENTRIES and isinstance(value, tuple):
        if len(value) > CIPHER_SUITE_ENTRY_MAX:
            raise LocalProtocolError(f"cipher suite entries: {len(value)}, at most 16")
        return bytes((0,)) + bytes(check_bits("cipher suite ID", v, 8) for v in value)
    if p == LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS and isinstance(value, tuple):
        return bytes((0,)) + _privilege_nibbles(value)
    if p not in LanParameter._value2member_map_ and isinstance(value, bytes):
        return value
    raise LocalProtocolError(f"LAN parameter {p} does not take a {type(value).__name__}")


def decode_lan_parameter(parameter: int, data: bytes) -> LanValue:
    """The typed value of LAN ``parameter`` from its configuration parameter data (Table 23-4)."""
    what = f"LAN parameter {parameter}"
    if parameter not in LanParameter._value2member_map_:
        return bytes(data)
    p = LanParameter(parameter)
    if p in _IP_PARAMETERS:
        need(data, 4, what)
        return IPv4Address(bytes(data[:4]))
    if p in _MAC_PARAMETERS:
        need(data, 6, what)
        return format_mac(data[:6])
    if p == LanParameter.AUTHENTICATION_TYPE_ENABLES:
        need(data, 5, what)
        return AuthTypeEnables(*(AuthTypes(b & AUTH_TYPES_MASK) for b in data[:5]))
    if p == LanParameter.IPV4_HEADER_PARAMETERS:
        need(data, 3, what)
        return Ipv4HeaderParameters(data[0], data[1] >> 5, data[2] >> 5, data[2] >> 1 & 0x0F)
    if p in (LanParameter.PRIMARY_RMCP_PORT, LanParameter.SECONDARY_RMCP_PORT):
        need(data, 2, what)
        return int.from_bytes(data[:2], "little")
    if p == LanParameter.COMMUNITY_STRING:
        need(data, 1, what)
        return cstring(data[:COMMUNITY_STRING_LEN])
    if p == LanParameter.VLAN_ID:
        need(data, 2, what)
        return VlanId(vlan_id=(data[1] & 0x0F) << 8 | data[0], enabled=bool(data[1] & 0x80))
    if p == LanParameter.CIPHER_SUITE_ENTRIES:
        need(data, 1, what)
        return tuple(data[1 : 1 + CIPHER_SUITE_ENTRY_MAX])
    if p == LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS:
        need(data, 9, what)
        return tuple(
            strict(PrivilegeLevel, b >> shift & 0x0F, "cipher suite privilege level")
            for b in data[1:9]
            for shift in (0, 4)
        )
    need(data, 1, what)
    if p == LanParameter.SET_IN_PROGRESS:
        return strict(SetInProgress, data[0] & 0x03, "set in progress")
    if p == LanParameter.AUTHENTICATION_TYPE_SUPPORT:
        return AuthTypes(data[0] & AUTH_TYPES_MASK)
    if p == LanParameter.IP_ADDRESS_SOURCE:
        return strict(IpAddressSource, data[0] & 0x0F, "IP address source")
    if p == LanParameter.BMC_GENERATED_ARP_CONTROL:
        return BmcArpControl(arp_responses=bool(data[0] & 0x02), gratuitous_arps=bool(data[0] & 0x01))
    return data[0] & ((1 << _BYTE_PARAMETERS[p]) - 1)


@dataclass(frozen=True)
class SetLanConfigurationParametersRequest:
    """Set LAN Configuration Parameters request (§23.1)."""

    channel: int
    parameter: int
    value: LanValue


@dataclass(frozen=True)
class GetLanConfigurationParametersRequest:
    """Get LAN Configuration Parameters request (§23.2). ``revision_only`` asks for the parameter revision only."""

    channel: int
    parameter: int
    set_selector: int = 0
    block_selector: int = 0
    revision_only: bool = False


@dataclass(frozen=True)
class LanConfigurationParameter:
    """Get LAN Configuration Parameters response (§23.2): the parameter asked for, its revision byte and its
    typed value (None when only the revision was asked for)."""

    parameter: int
    value: LanValue | None
    parameter_revision: int = PARAMETER_REVISION


def encode_set_lan_configuration_parameters_rq(channel: int, parameter: int, value: LanValue) -> bytes:
    """Set LAN Configuration Parameters request (§23.1)."""
    return bytes((check_bits("channel", channel, 4), check_bits("parameter", parameter, 8))) + encode_lan_parameter(
        parameter, value
    )


def _expected_lan_length(parameter: int) -> tuple[int, ...] | None:
    fixed: dict[int, int] = {
        LanParameter.SET_IN_PROGRESS: 1,
        LanParameter.AUTHENTICATION_TYPE_SUPPORT: 1,
        LanParameter.AUTHENTICATION_TYPE_ENABLES: 5,
        LanParameter.IP_ADDRESS_SOURCE: 1,
        LanParameter.IPV4_HEADER_PARAMETERS: 3,
        LanParameter.PRIMARY_RMCP_PORT: 2,
        LanParameter.SECONDARY_RMCP_PORT: 2,
        LanParameter.BMC_GENERATED_ARP_CONTROL: 1,
        LanParameter.COMMUNITY_STRING: COMMUNITY_STRING_LEN,
        LanParameter.VLAN_ID: 2,
        LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS: 9,
        **{p: 4 for p in _IP_PARAMETERS},
        **{p: 6 for p in _MAC_PARAMETERS},
        **{p: 1 for p in _BYTE_PARAMETERS},
    }
    if parameter == LanParameter.CIPHER_SUITE_ENTRIES:
        return tuple(range(1, 2 + CIPHER_SUITE_ENTRY_MAX))
    n = fixed.get(parameter)
    return None if n is None else (n,)


def decode_set_lan_configuration_parameters_rq(data: bytes) -> SetLanConfigurationParametersRequest:
    """Set LAN Configuration Parameters request (§23.1)."""
    need(data, 2, "Set LAN Configuration Parameters request")
    parameter = data[1]
    expected = _expected_lan_length(parameter)
    if expected is not None:
        exactly(data[2:], expected, f"Set LAN Configuration Parameters request, parameter {parameter} data")
    return SetLanConfigurationParametersRequest(data[0] & 0x0F, parameter, decode_lan_parameter(parameter, data[2:]))


def encode_set_lan_configuration_parameters_rs() -> bytes:
    """Set LAN Configuration Parameters response (§23.1): completion code only (80h-83h: completion_code_text)."""
    return b""


def decode_set_lan_configuration_parameters_rs(data: bytes) -> None:
    """Set LAN Configuration Parameters response (§23.1): completion code only."""


def _get_parameters_rq(
    channel: int, parameter: int, set_selector: int, block_selector: int, revision_only: bool
) -> bytes:
    return bytes(
        (
            flag(revision_only, 7) | check_bits("channel", channel, 4),
            check_bits("parameter", parameter, 8),
            check_bits("set_selector", set_selector, 8),
            check_bits("block_selector", block_selector, 8),
        )
    )


def encode_get_lan_configuration_parameters_rq(
    channel: int, parameter: int, set_selector: int = 0, block_selector: int = 0, revision_only: bool = False
) -> bytes:
    """Get LAN Configuration Parameters request (§23.2)."""
    return _get_parameters_rq(channel, parameter, set_selector, block_selector, revision_only)


def decode_get_lan_configuration_parameters_rq(data: bytes) -> GetLanConfigurationParametersRequest:
    """Get LAN Configuration Parameters request (§23.2)."""
    exactly(data, (4,), "Get LAN Configuration Parameters request")
    revision_only = bool(data[0] & _REVISION_ONLY)
    return GetLanConfigurationParametersRequest(data[0] & 0x0F, data[1], data[2], data[3], revision_only)


def encode_get_lan_configuration_parameters_rs(result: LanConfigurationParameter) -> bytes:
    """Get LAN Configuration Parameters response data (§23.2)."""
    head = bytes((check_bits("parameter_revision", result.parameter_revision, 8),))
    return head if result.value is None else head + encode_lan_parameter(result.parameter, result.value)


def decode_get_lan_configuration_parameters_rs(data: bytes, parameter: int) -> LanConfigurationParameter:
    """Get LAN Configuration Parameters response data (§23.2) for the ``parameter`` that was asked for.

    A response with the revision byte only (the answer to ``revision_only``) has ``value`` None.
    """
    need(data, 1, "Get LAN Configuration Parameters response")
    if len(data) == 1:
        return LanConfigurationParameter(parameter, None, data[0])
    try:
        value = decode_lan_parameter(parameter, data[1:])
    except DecodeError as e:
        raise DecodeError(f"Get LAN Configuration Parameters response: {e}") from None
    return LanConfigurationParameter(parameter, value, data[0])


# ========================================================================================= SOL parameters (§26)


class SolParameter(IntEnum):
    """SOL configuration parameter selectors (Table 26-5)."""

    SET_IN_PROGRESS = 0
    SOL_ENABLE = 1
    SOL_AUTHENTICATION = 2
    CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD = 3
    SOL_RETRY = 4
    SOL_NON_VOLATILE_BIT_RATE = 5
    SOL_VOLATILE_BIT_RATE = 6
    SOL_PAYLOAD_CHANNEL = 7
    SOL_PAYLOAD_PORT_NUMBER = 8


@dataclass(frozen=True)
class SolAuthentication:
    """SOL parameter 2 (Table 26-5): force encryption (bit 7), force authentication (bit 6) and the minimum
    privilege level required to activate SOL (bits 3:0)."""

    force_encryption: bool = False
    force_authentication: bool = False
    privilege: PrivilegeLevel = PrivilegeLevel.USER


@dataclass(frozen=True)
class SolCharacterParameters:
    """SOL parameter 3 (Table 26-5): character accumulate interval (5 ms units, 1-based) and send threshold."""

    accumulate_interval: int = 12
    send_threshold: int = 96


@dataclass(frozen=True)
class SolRetry:
    """SOL parameter 4 (Table 26-5): retry count (0-7) and retry interval (10 ms units)."""

    retry_count: int = 7
    retry_interval: int = 50


class SolBitRate(IntEnum):
    """SOL parameters 5 and 6, bit rate (Table 26-5, bits 3:0)."""

    SERIAL_SETTING = 0x0  # "use the setting used by the IPMI over Serial Channel"
    BAUD_9600 = 0x6
    BAUD_19200 = 0x7
    BAUD_38400 = 0x8
    BAUD_57600 = 0x9
    BAUD_115200 = 0xA


SolValue = SetInProgress | bool | SolAuthentication | SolCharacterParameters | SolRetry | SolBitRate | int | bytes
"""Typed value of a SOL configuration parameter (Table 26-5): 0 ``SetInProgress``, 1 ``bool`` (SOL enable),
2 ``SolAuthentication``, 3 ``SolCharacterParameters``, 4 ``SolRetry``, 5 and 6 ``SolBitRate``, 7 payload channel
``int``, 8 payload port ``int``; any other parameter: its data as ``bytes``."""


def encode_sol_parameter(parameter: int, value: SolValue) -> bytes:
    """The configuration parameter data of SOL ``parameter`` (Table 26-5)."""
    p = check_bits("parameter", parameter, 8)
    if p == SolParameter.SOL_ENABLE and isinstance(value, bool):
        return bytes((flag(value, 0),))
    if isinstance(value, bool):
        raise LocalProtocolError(f"SOL parameter {p} does not take a bool")
    if p == SolParameter.SET_IN_PROGRESS and isinstance(value, int):
        return bytes((check_enum("set in progress", value, SetInProgress, 2),))
    if p == SolParameter.SOL_AUTHENTICATION and isinstance(value, SolAuthentication):
        return bytes(
            (
                flag(value.force_encryption, 7)
                | flag(value.force_authentication, 6)
                | check_enum("privilege", value.privilege, PrivilegeLevel, 4),
            )
        )
    if p == SolParameter.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD and isinstance(value, SolCharacterParameters):
        return bytes(
            (
                check_bits("accumulate_interval", value.accumulate_interval, 8),
                check_bits("send_threshold", value.send_threshold, 8),
            )
        )
    if p == SolParameter.SOL_RETRY and isinstance(value, SolRetry):
        return bytes(
            (check_bits("retry_count", value.retry_count, 3), check_bits("retry_interval", value.retry_interval, 8))
        )
    if p in (SolParameter.SOL_NON_VOLATILE_BIT_RATE, SolParameter.SOL_VOLATILE_BIT_RATE) and isinstance(value, int):
        return bytes((check_enum("bit rate", value, SolBitRate, 4),))
    if p == SolParameter.SOL_PAYLOAD_CHANNEL and isinstance(value, int):
        return bytes((check_bits("payload channel", value, 4),))
    if p == SolParameter.SOL_PAYLOAD_PORT_NUMBER and isinstance(value, int):
        return check_int("payload port", value, 0, 0xFFFF).to_bytes(2, "little")
    if p not in SolParameter._value2member_map_ and isinstance(value, bytes):
        return value
    raise LocalProtocolError(f"SOL parameter {p} does not take a {type(value).__name__}")


def decode_sol_parameter(parameter: int, data: bytes) -> SolValue:
    """The typed value of SOL ``parameter`` from its configuration parameter data (Table 26-5)."""
    what = f"SOL parameter {parameter}"
    if parameter not in SolParameter._value2member_map_:
        return bytes(data)
    p = SolParameter(parameter)
    if p == SolParameter.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD:
        need(data, 2, what)
        return SolCharacterParameters(data[0], data[1])
    if p == SolParameter.SOL_RETRY:
        need(data, 2, what)
        return SolRetry(data[0] & 0x07, data[1])
    if p == SolParameter.SOL_PAYLOAD_PORT_NUMBER:
        need(data, 2, what)
        return int.from_bytes(data[:2], "little")
    need(data, 1, what)
    if p == SolParameter.SET_IN_PROGRESS:
        return strict(SetInProgress, data[0] & 0x03, "set in progress")
    if p == SolParameter.SOL_ENABLE:
        return bool(data[0] & 0x01)
    if p == SolParameter.SOL_AUTHENTICATION:
        return SolAuthentication(
            force_encryption=bool(data[0] & 0x80),
            force_authentication=bool(data[0] & 0x40),
            privilege=strict(PrivilegeLevel, data[0] & 0x0F, "SOL privilege level"),
        )
    if p in (SolParameter.SOL_NON_VOLATILE_BIT_RATE, SolParameter.SOL_VOLATILE_BIT_RATE):
        return strict(SolBitRate, data[0] & 0x0F, "SOL bit rate")
    return data[0] & 0x0F  # payload channel


@dataclass(frozen=True)
class SetSolConfigurationParametersRequest:
    """Set SOL Configuration Parameters request (§26.2)."""

    channel: int
    parameter: int
    value: SolValue


@dataclass(frozen=True)
class GetSolConfigurationParametersRequest:
    """Get SOL Configuration Parameters request (§26.3)."""

    channel: int
    parameter: int
    set_selector: int = 0
    block_selector: int = 0
    revision_only: bool = False


@dataclass(frozen=True)
class SolConfigurationParameter:
    """Get SOL Configuration Parameters response (§26.3): the parameter asked for, its revision byte and its typed
    value (None when only the revision was asked for)."""

    parameter: int
    value: SolValue | None
    parameter_revision: int = PARAMETER_REVISION


_SOL_LENGTHS: dict[int, int] = {
    SolParameter.SET_IN_PROGRESS: 1,
    SolParameter.SOL_ENABLE: 1,
    SolParameter.SOL_AUTHENTICATION: 1,
    SolParameter.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD: 2,
    SolParameter.SOL_RETRY: 2,
    SolParameter.SOL_NON_VOLATILE_BIT_RATE: 1,
    SolParameter.SOL_VOLATILE_BIT_RATE: 1,
    SolParameter.SOL_PAYLOAD_CHANNEL: 1,
    SolParameter.SOL_PAYLOAD_PORT_NUMBER: 2,
}


def encode_set_sol_configuration_parameters_rq(channel: int, parameter: int, value: SolValue) -> bytes:
    """Set SOL Configuration Parameters request (§26.2)."""
    return bytes((check_bits("channel", channel, 4), check_bits("parameter", parameter, 8))) + encode_sol_parameter(
        parameter, value
    )


def decode_set_sol_configuration_parameters_rq(data: bytes) -> SetSolConfigurationParametersRequest:
    """Set SOL Configuration Parameters request (§26.2)."""
    need(data, 2, "Set SOL Configuration Parameters request")
    parameter = data[1]
    n = _SOL_LENGTHS.get(parameter)
    if n is not None:
        exactly(data[2:], (n,), f"Set SOL Configuration Parameters request, parameter {parameter} data")
    return SetSolConfigurationParametersRequest(data[0] & 0x0F, parameter, decode_sol_parameter(parameter, data[2:]))


def encode_set_sol_configuration_parameters_rs() -> bytes:
    """Set SOL Configuration Parameters response (§26.2): completion code only (80h-83h: completion_code_text)."""
    return b""


def decode_set_sol_configuration_parameters_rs(data: bytes) -> None:
    """Set SOL Configuration Parameters response (§26.2): completion code only."""


def encode_get_sol_configuration_parameters_rq(
    channel: int, parameter: int, set_selector: int = 0, block_selector: int = 0, revision_only: bool = False
) -> bytes:
    """Get SOL Configuration Parameters request (§26.3)."""
    return _get_parameters_rq(channel, parameter, set_selector, block_selector, revision_only)


def decode_get_sol_configuration_parameters_rq(data: bytes) -> GetSolConfigurationParametersRequest:
    """Get SOL Configuration Parameters request (§26.3)."""
    exactly(data, (4,), "Get SOL Configuration Parameters request")
    revision_only = bool(data[0] & _REVISION_ONLY)
    return GetSolConfigurationParametersRequest(data[0] & 0x0F, data[1], data[2], data[3], revision_only)


def encode_get_sol_configuration_parameters_rs(result: SolConfigurationParameter) -> bytes:
    """Get SOL Configuration Parameters response data (§26.3)."""
    head = bytes((check_bits("parameter_revision", result.parameter_revision, 8),))
    return head if result.value is None else head + encode_sol_parameter(result.parameter, result.value)


def decode_get_sol_configuration_parameters_rs(data: bytes, parameter: int) -> SolConfigurationParameter:
    """Get SOL Configuration Parameters response data (§26.3) for the ``parameter`` that was asked for."""
    need(data, 1, "Get SOL Configuration Parameters response")
    if len(data) == 1:
        return SolConfigurationParameter(parameter, None, data[0])
    try:
        value = decode_sol_parameter(parameter, data[1:])
    except DecodeError as e:
        raise DecodeError(f"Get SOL Configuration Parameters response: {e}") from None
    return SolConfigurationParameter(parameter, value, data[0])
