"""Application (NetFn 06h) command codecs: IPM device global commands, the BMC watchdog timer, and the messaging
support, user management and RMCP+ payload commands.

IPMI v2.0 rev 1.1 chapters 20 (IPM Device "Global" Commands), 21 (BMC Watchdog Timer Commands) and 22 (BMC
Device and Messaging Commands); Activate/Deactivate Payload and the other payload commands are §24. Command
numbers are those of Appendix G, Table G-1.

For every command: ``encode_<cmd>_rq(...) -> bytes`` and ``decode_<cmd>_rs(data)`` for a console, and
``decode_<cmd>_rq(data)`` / ``encode_<cmd>_rs(result)`` for a BMC (the simulator). Response data never includes
the completion code: the session layer carries it. Decoders raise ``DecodeError`` on truncated or invalid data and
accept the optional trailing fields real BMCs omit; encoders raise ``LocalProtocolError`` on out-of-range arguments.
Requests decode strictly (a BMC answers C7h "request data length invalid" to a wrong length); responses ignore
trailing bytes beyond the spec's layout, as ipmitool and FreeIPMI do.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from ipaddress import IPv4Address

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto.consts import AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm, PayloadType

from ._common import (
    AUTH_TYPES_MASK,
    AuthTypes,
    PrivilegeLevel,
    check_bits,
    check_bytes,
    check_enum,
    check_flags,
    check_int,
    cstring,
    exactly,
    flag,
    format_mac,
    lenient,
    need,
    no_data,
    padded,
    parse_mac,
    strict,
)


class AppCommand(IntEnum):
    """Application command numbers implemented here (Table G-1)."""

    GET_DEVICE_ID = 0x01
    COLD_RESET = 0x02
    WARM_RESET = 0x03
    GET_SELF_TEST_RESULTS = 0x04
    GET_DEVICE_GUID = 0x08
    RESET_WATCHDOG_TIMER = 0x22
    SET_WATCHDOG_TIMER = 0x24
    GET_WATCHDOG_TIMER = 0x25
    GET_SYSTEM_GUID = 0x37
    GET_CHANNEL_AUTHENTICATION_CAPABILITIES = 0x38
    SET_SESSION_PRIVILEGE_LEVEL = 0x3B
    CLOSE_SESSION = 0x3C
    GET_SESSION_INFO = 0x3D
    SET_CHANNEL_ACCESS = 0x40
    GET_CHANNEL_ACCESS = 0x41
    GET_CHANNEL_INFO = 0x42
    SET_USER_ACCESS = 0x43
    GET_USER_ACCESS = 0x44
    SET_USER_NAME = 0x45
    GET_USER_NAME = 0x46
    SET_USER_PASSWORD = 0x47
    ACTIVATE_PAYLOAD = 0x48
    DEACTIVATE_PAYLOAD = 0x49
    GET_PAYLOAD_ACTIVATION_STATUS = 0x4A
    SET_USER_PAYLOAD_ACCESS = 0x4C
    GET_USER_PAYLOAD_ACCESS = 0x4D
    GET_CHANNEL_PAYLOAD_SUPPORT = 0x4E
    GET_CHANNEL_CIPHER_SUITES = 0x54


CURRENT_CHANNEL = 0x0E  # §6.3: "channel number Eh = the channel this request was received on"
USER_NAME_LEN = 16  # §22.28/§22.29
PASSWORD_SIZES = (16, 20)  # §22.30: 16-byte (IPMI v1.5) and 20-byte (IPMI v2.0) passwords
NO_VLAN = 0xFFFF  # §24.1: payload VLAN number FFFFh = no VLAN
CIPHER_SUITE_RECORD_BLOCK = 16  # §22.15: record data comes in 16-byte blocks

# ==================================================================================================== §20 device

_DEVICE_ID_LEN = 11  # bytes 2:12 of Table 20-2; the 4-byte auxiliary firmware revision is optional
_AUX_FW_LEN = 4


class DeviceSupport(IntFlag):
    """Get Device ID "Additional Device Support" (Table 20-2, byte 7)."""

    SENSOR = 0x01
    SDR_REPOSITORY = 0x02
    SEL = 0x04
    FRU_INVENTORY = 0x08
    IPMB_EVENT_RECEIVER = 0x10
    IPMB_EVENT_GENERATOR = 0x20
    BRIDGE = 0x40
    CHASSIS = 0x80


@dataclass(frozen=True)
class DeviceId:
    """Get Device ID response (§20.1, Table 20-2).

    ``firmware_minor`` is decoded from BCD (0x15 -> 15) and ``ipmi_version`` from the BCD nibbles (02h -> "2.0",
    51h -> "1.5"). ``aux_firmware_revision`` is None when the BMC omits the optional last four bytes.
    """

    device_id: int
    device_revision: int
    provides_sdrs: bool
    device_available: bool
    firmware_major: int
    firmware_minor: int
    ipmi_version: str
    additional_device_support: DeviceSupport
    manufacturer_id: int
    product_id: int
    aux_firmware_revision: bytes | None = None

    @property
    def firmware_revision(self) -> str:
        """``"2.15"``, as ipmitool and FreeIPMI print it."""
        return f"{self.firmware_major}.{self.firmware_minor:02d}"


def encode_get_device_id_rq() -> bytes:
    """Get Device ID request (§20.1): no data."""
    return b""


def decode_get_device_id_rq(data: bytes) -> None:
    """Get Device ID request (§20.1): no data."""
    no_data(data, "Get Device ID request")


def _bcd(value: int, what: str) -> int:
    hi, lo = value >> 4, value & 0x0F
    if hi > 9 or lo > 9:
        raise DecodeError(f"{what} 0x{value:02x} is not BCD")
    return hi * 10 + lo


def _to_bcd(name: str, value: int) -> int:
    v = check_int(name, value, 0, 99)
    return (v // 10) << 4 | v % 10


def _parse_version(value: str) -> int:
    """``"2.0"`` -> 02h: major in bits 3:0, minor in bits 7:4 (Table 20-2 byte 5)."""
    try:
        major_s, minor_s = value.split(".")
        major, minor = int(major_s), int(minor_s)
    except (AttributeError, ValueError):
        raise LocalProtocolError(f"ipmi_version {value!r} is not like '2.0'") from None
    return check_bits("ipmi_version minor", minor, 4) << 4 | check_bits("ipmi_version major", major, 4)


def encode_get_device_id_rs(result: DeviceId) -> bytes:
    """Get Device ID response data (§20.1, Table 20-2)."""
    out = bytes(
        (
            check_bits("device_id", result.device_id, 8),
            flag(result.provides_sdrs, 7) | check_bits("device_revision", result.device_revision, 4),
            flag(not result.device_available, 7) | check_bits("firmware_major", result.firmware_major, 7),
            _to_bcd("firmware_minor", result.firmware_minor),
            _parse_version(result.ipmi_version),
            check_flags("additional_device_support", result.additional_device_support, DeviceSupport, 0xFF),
        )
    )
    out += check_bits("manufacturer_id", result.manufacturer_id, 20).to_bytes(3, "little")
    out += check_bits("product_id", result.product_id, 16).to_bytes(2, "little")
    if result.aux_firmware_revision is not None:
        out += check_bytes("aux_firmware_revision", result.aux_firmware_revision, _AUX_FW_LEN, _AUX_FW_LEN)
    return out


def decode_get_device_id_rs(data: bytes) -> DeviceId:
    """Get Device ID response data (§20.1, Table 20-2); the auxiliary firmware revision is optional."""
    need(data, _DEVICE_ID_LEN, "Get Device ID response")
    version = data[4]
    return DeviceId(
        device_id=data[0],
        device_revision=data[1] & 0x0F,
        provides_sdrs=bool(data[1] & 0x80),
        device_available=not data[2] & 0x80,
        firmware_major=data[2] & 0x7F,
        firmware_minor=_bcd(data[3], "firmware minor revision"),
        ipmi_version=f"{version & 0x0F}.{version >> 4}",
        additional_device_support=DeviceSupport(data[5]),
        manufacturer_id=int.from_bytes(data[6:9], "little") & 0x0FFFFF,  # bits 23:20 reserved
        product_id=int.from_bytes(data[9:11], "little"),
        aux_firmware_revision=bytes(data[11:15]) if len(data) >= _DEVICE_ID_LEN + _AUX_FW_LEN else None,
    )


def encode_cold_reset_rq() -> bytes:
    """Cold Reset request (§20.2): no data."""
    return b""


def decode_cold_reset_rq(data: bytes) -> None:
    """Cold Reset request (§20.2): no data."""
    no_data(data, "Cold Reset request")


def encode_cold_reset_rs() -> bytes:
    """Cold Reset response (§20.2): completion code only."""
    return b""


def decode_cold_reset_rs(data: bytes) -> None:
    """Cold Reset response (§20.2): completion code only."""


def encode_warm_reset_rq() -> bytes:
    """Warm Reset request (§20.3): no data."""
    return b""


def decode_warm_reset_rq(data: bytes) -> None:
    """Warm Reset request (§20.3): no data."""
    no_data(data, "Warm Reset request")


def encode_warm_reset_rs() -> bytes:
    """Warm Reset response (§20.3): completion code only."""
    return b""


def decode_warm_reset_rs(data: bytes) -> None:
    """Warm Reset response (§20.3): completion code only."""


@dataclass(frozen=True)
class Guid:
    """Get Device GUID (§20.8) / Get System GUID (§22.14) response: 16 bytes, as sent."""

    guid: bytes

    @property
    def uuid(self) -> str:
        """The GUID in the spec's byte order (node first, every field LS byte first) as FreeIPMI prints it:
        the 16 bytes reversed, in RFC 4122 text form."""
        h = self.guid[::-1].hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _encode_guid(result: Guid) -> bytes:
    return check_bytes("guid", result.guid, 16, 16)


def _decode_guid(data: bytes, what: str) -> Guid:
    need(data, 16, what)
    return Guid(bytes(data[:16]))


class SelfTestResult(IntEnum):
    """Get Self Test Results byte 2 (§20.4, Table 20-6); other values are device-specific failures."""

    NO_ERROR = 0x55
    NOT_IMPLEMENTED = 0x56
    CORRUPTED_OR_INACCESSIBLE = 0x57
    FATAL_HARDWARE_ERROR = 0x58


class SelfTestFailure(IntFlag):
    """Get Self Test Results byte 3 when byte 2 is 57h (Table 20-6)."""

    OPERATIONAL_FIRMWARE_CORRUPTED = 0x01
    BOOT_BLOCK_FIRMWARE_CORRUPTED = 0x02
    FRU_INTERNAL_USE_AREA_CORRUPTED = 0x04
    SDR_REPOSITORY_EMPTY = 0x08
    IPMB_SIGNAL_LINES_DO_NOT_RESPOND = 0x10
    CANNOT_ACCESS_FRU = 0x20
    CANNOT_ACCESS_SDR_REPOSITORY = 0x40
    CANNOT_ACCESS_SEL = 0x80


@dataclass(frozen=True)
class SelfTestResults:
    """Get Self Test Results response (§20.4): ``result`` (byte 2) and ``detail`` (byte 3: 00h when passed, a
    ``SelfTestFailure`` set for 57h, device-specific otherwise)."""

    result: SelfTestResult | int
    detail: int = 0

    @property
    def failures(self) -> SelfTestFailure:
        return SelfTestFailure(self.detail) if self.result == SelfTestResult.CORRUPTED_OR_INACCESSIBLE else (
            SelfTestFailure(0))


def encode_get_self_test_results_rq() -> bytes:
    """Get Self Test Results request (§20.4): no data."""
    return b""


def decode_get_self_test_results_rq(data: bytes) -> None:
    """Get Self Test Results request (§20.4): no data."""
    no_data(data, "Get Self Test Results request")


def encode_get_self_test_results_rs(result: SelfTestResults) -> bytes:
    """Get Self Test Results response data (§20.4, Table 20-6)."""
    return bytes((check_bits("result", result.result, 8), check_bits("detail", result.detail, 8)))


def decode_get_self_test_results_rs(data: bytes) -> SelfTestResults:
    """Get Self Test Results response data (§20.4, Table 20-6)."""
    need(data, 2, "Get Self Test Results response")
    return SelfTestResults(lenient(SelfTestResult, data[0]), data[1])


def encode_get_device_guid_rq() -> bytes:
    """Get Device GUID request (§20.8): no data."""
    return b""


def decode_get_device_guid_rq(data: bytes) -> None:
    """Get Device GUID request (§20.8): no data."""
    no_data(data, "Get Device GUID request")


def encode_get_device_guid_rs(result: Guid) -> bytes:
    """Get Device GUID response data (§20.8)."""
    return _encode_guid(result)


def decode_get_device_guid_rs(data: bytes) -> Guid:
    """Get Device GUID response data (§20.8)."""
    return _decode_guid(data, "Get Device GUID response")


def encode_get_system_guid_rq() -> bytes:
    """Get System GUID request (§22.14): no data."""
    return b""


def decode_get_system_guid_rq(data: bytes) -> None:
    """Get System GUID request (§22.14): no data."""
    no_data(data, "Get System GUID request")


def encode_get_system_guid_rs(result: Guid) -> bytes:
    """Get System GUID response data (§22.14)."""
    return _encode_guid(result)


def decode_get_system_guid_rs(data: bytes) -> Guid:
    """Get System GUID response data (§22.14)."""
    return _decode_guid(data, "Get System GUID response")


# ================================================================================================== §21 watchdog


class TimerUse(IntEnum):
    """Watchdog timer use (§21.6/§21.7, byte 1 bits 2:0). ipmi_sim reports 0 ("reserved") before any Set."""

    RESERVED = 0
    BIOS_FRB2 = 1
    BIOS_POST = 2
    OS_LOAD = 3
    SMS_OS = 4
    OEM = 5


class TimeoutAction(IntEnum):
    """Watchdog timeout action (§21.6, byte 2 bits 2:0)."""

    NO_ACTION = 0
    HARD_RESET = 1
    POWER_DOWN = 2
    POWER_CYCLE = 3


class PreTimeoutInterrupt(IntEnum):
    """Watchdog pre-timeout interrupt (§21.6, byte 2 bits 6:4)."""

    NONE = 0
    SMI = 1
    NMI = 2  # "NMI / Diagnostic Interrupt"
    MESSAGING_INTERRUPT = 3


class TimerUseFlags(IntFlag):
    """Timer use expiration flags (§21.6/§21.7, byte 4)."""

    BIOS_FRB2 = 0x02
    BIOS_POST = 0x04
    OS_LOAD = 0x08
    SMS_OS = 0x10
    OEM = 0x20


_TIMER_USE_FLAGS_MASK = 0x3E
NO_TIMER_USE_FLAGS = TimerUseFlags(0)


@dataclass(frozen=True)
class SetWatchdogTimerRequest:
    """Set Watchdog Timer request (§21.6).

    ``initial_countdown`` is in 100 ms units. ``dont_stop`` is byte 1 bit 6 (new in IPMI v2.0: do not stop a
    running timer), ``expiration_flags_clear`` the flags to clear (byte 4).
    """

    timer_use: TimerUse
    timeout_action: TimeoutAction
    initial_countdown: int
    pre_timeout_interrupt: PreTimeoutInterrupt = PreTimeoutInterrupt.NONE
    pre_timeout_interval: int = 0
    expiration_flags_clear: TimerUseFlags = NO_TIMER_USE_FLAGS
    dont_log: bool = False
    dont_stop: bool = False


@dataclass(frozen=True)
class WatchdogTimer:
    """Get Watchdog Timer response (§21.7). Countdowns are in 100 ms units.

    ``present_countdown`` is None when the BMC omits the last two bytes (ipmi_sim 2.0.33 does: ipmitool then
    prints whatever follows in its buffer as "Present Countdown").
    """

    timer_use: TimerUse
    dont_log: bool
    running: bool
    timeout_action: TimeoutAction
    pre_timeout_interrupt: PreTimeoutInterrupt
    pre_timeout_interval: int
    expiration_flags: TimerUseFlags
    initial_countdown: int
    present_countdown: int | None = None


def _watchdog_bytes(
    timer_use: int,
    bit6: bool,
    dont_log: bool,
    timeout_action: int,
    pre_timeout_interrupt: int,
    pre_timeout_interval: int,
    flags: int,
    initial_countdown: int,
) -> bytes:
    return struct.pack(
        "<BBBBH",
        flag(dont_log, 7) | flag(bit6, 6) | check_enum("timer_use", timer_use, TimerUse, 3),
        check_enum("pre_timeout_interrupt", pre_timeout_interrupt, PreTimeoutInterrupt, 3) << 4
        | check_enum("timeout_action", timeout_action, TimeoutAction, 3),
        check_bits("pre_timeout_interval", pre_timeout_interval, 8),
        check_flags("timer use expiration flags", flags, TimerUseFlags, _TIMER_USE_FLAGS_MASK),
        check_bits("initial_countdown", initial_countdown, 16),
    )


def encode_reset_watchdog_timer_rq() -> bytes:
    """Reset Watchdog Timer request (§21.5): no data."""
    return b""


def decode_reset_watchdog_timer_rq(data: bytes) -> None:
    """Reset Watchdog Timer request (§21.5): no data."""
    no_data(data, "Reset Watchdog Timer request")


def encode_reset_watchdog_timer_rs() -> bytes:
    """Reset Watchdog Timer response (§21.5): completion code only (80h: timer not initialized)."""
    return b""


def decode_reset_watchdog_timer_rs(data: bytes) -> None:
    """Reset Watchdog Timer response (§21.5): completion code only."""


def encode_set_watchdog_timer_rq(
    timer_use: TimerUse,
    timeout_action: TimeoutAction,
    initial_countdown: int,
    pre_timeout_interrupt: PreTimeoutInterrupt = PreTimeoutInterrupt.NONE,
    pre_timeout_interval: int = 0,
    expiration_flags_clear: TimerUseFlags = NO_TIMER_USE_FLAGS,
    dont_log: bool = False,
    dont_stop: bool = False,
) -> bytes:
    """Set Watchdog Timer request (§21.6)."""
    if timer_use == TimerUse.RESERVED:
        raise LocalProtocolError("timer_use 0 is reserved in Set Watchdog Timer")
    return _watchdog_bytes(
        timer_use,
        dont_stop,
        dont_log,
        timeout_action,
        pre_timeout_interrupt,
        pre_timeout_interval,
        expiration_flags_clear,
        initial_countdown,
    )


def decode_set_watchdog_timer_rq(data: bytes) -> SetWatchdogTimerRequest:
    """Set Watchdog Timer request (§21.6)."""
    exactly(data, (6,), "Set Watchdog Timer request")
    use = strict(TimerUse, data[0] & 0x07, "timer use")
    if use == TimerUse.RESERVED:
        raise DecodeError("Set Watchdog Timer request: timer use 0 is reserved")
    return SetWatchdogTimerRequest(
        timer_use=use,
        timeout_action=strict(TimeoutAction, data[1] & 0x07, "timeout action"),
        initial_countdown=int.from_bytes(data[4:6], "little"),
        pre_timeout_interrupt=strict(PreTimeoutInterrupt, data[1] >> 4 & 0x07, "pre-timeout interrupt"),
        pre_timeout_interval=data[2],
        expiration_flags_clear=TimerUseFlags(data[3] & _TIMER_USE_FLAGS_MASK),
        dont_log=bool(data[0] & 0x80),
        dont_stop=bool(data[0] & 0x40),
    )


def encode_set_watchdog_timer_rs() -> bytes:
    """Set Watchdog Timer response (§21.6): completion code only."""
    return b""


def decode_set_watchdog_timer_rs(data: bytes) -> None:
    """Set Watchdog Timer response (§21.6): completion code only."""


def encode_get_watchdog_timer_rq() -> bytes:
    """Get Watchdog Timer request (§21.7): no data."""
    return b""


def decode_get_watchdog_timer_rq(data: bytes) -> None:
    """Get Watchdog Timer request (§21.7): no data."""
    no_data(data, "Get Watchdog Timer request")


def encode_get_watchdog_timer_rs(result: WatchdogTimer) -> bytes:
    """Get Watchdog Timer response data (§21.7)."""
    out = _watchdog_bytes(
        result.timer_use,
        result.running,
        result.dont_log,
        result.timeout_action,
        result.pre_timeout_interrupt,
        result.pre_timeout_interval,
        result.expiration_flags,
        result.initial_countdown,
    )
    if result.present_countdown is None:
        return out
    return out + check_bits("present_countdown", result.present_countdown, 16).to_bytes(2, "little")


def decode_get_watchdog_timer_rs(data: bytes) -> WatchdogTimer:
    """Get Watchdog Timer response data (§21.7); the present countdown (bytes 7:8) may be missing."""
    need(data, 6, "Get Watchdog Timer response")
    return WatchdogTimer(
        timer_use=strict(TimerUse, data[0] & 0x07, "timer use"),
        dont_log=bool(data[0] & 0x80),
        running=bool(data[0] & 0x40),
        timeout_action=strict(TimeoutAction, data[1] & 0x07, "timeout action"),
        pre_timeout_interrupt=strict(PreTimeoutInterrupt, data[1] >> 4 & 0x07, "pre-timeout interrupt"),
        pre_timeout_interval=data[2],
        expiration_flags=TimerUseFlags(data[3] & _TIMER_USE_FLAGS_MASK),
        initial_countdown=int.from_bytes(data[4:6], "little"),
        present_countdown=int.from_bytes(data[6:8], "little") if len(data) >= 8 else None,
    )


# ================================================================================================ §22 messaging


@dataclass(frozen=True)
class GetChannelAuthenticationCapabilitiesRequest:
    """Get Channel Authentication Capabilities request (§22.13, Table 22-15).

    ``ipmi_v20_extended`` (byte 1 bit 7) asks an IPMI v2.0 BMC for the extended form of the response.
    """

    channel: int = CURRENT_CHANNEL
    privilege: PrivilegeLevel = PrivilegeLevel.ADMINISTRATOR
    ipmi_v20_extended: bool = True


@dataclass(frozen=True)
class ChannelAuthenticationCapabilities:
    """Get Channel Authentication Capabilities response (§22.13, Table 22-15), v1.5 and v2.0 extended forms.

    ``ipmi_v20_extended_available`` is byte 2 bit 7; when it is clear (v1.5 form), byte 4 is reserved and
    ``supports_ipmi_v15``/``supports_ipmi_v20`` are whatever the BMC put there (normally False).
    """

    channel: int
    auth_types: AuthTypes
    ipmi_v20_extended_available: bool
    kg_nonzero: bool
    per_message_authentication_disabled: bool
    user_level_authentication_disabled: bool
    non_null_usernames: bool
    null_usernames: bool
    anonymous_login: bool
    supports_ipmi_v15: bool
    supports_ipmi_v20: bool
    oem_id: int = 0
    oem_auxiliary_data: int = 0


def encode_get_channel_authentication_capabilities_rq(
    channel: int = CURRENT_CHANNEL,
    privilege: PrivilegeLevel = PrivilegeLevel.ADMINISTRATOR,
    ipmi_v20_extended: bool = True,
) -> bytes:
    """Get Channel Authentication Capabilities request (§22.13, Table 22-15)."""
    return bytes(
        (
            flag(ipmi_v20_extended, 7) | check_bits("channel", channel, 4),
            check_enum("privilege", privilege, PrivilegeLevel, 4),
        )
    )


def decode_get_channel_authentication_capabilities_rq(data: bytes) -> GetChannelAuthenticationCapabilitiesRequest:
    """Get Channel Authentication Capabilities request (§22.13, Table 22-15)."""
    exactly(data, (2,), "Get Channel Authentication Capabilities request")
    return GetChannelAuthenticationCapabilitiesRequest(
        channel=data[0] & 0x0F,
        privilege=strict(PrivilegeLevel, data[1] & 0x0F, "requested maximum privilege"),
        ipmi_v20_extended=bool(data[0] & 0x80),
    )


def encode_get_channel_authentication_capabilities_rs(result: ChannelAuthenticationCapabilities) -> bytes:
    """Get Channel Authentication Capabilities response data (§22.13, Table 22-15)."""
    return (
        bytes(
            (
                check_bits("channel", result.channel, 8),
                flag(result.ipmi_v20_extended_available, 7)
                | check_flags("auth_types", result.auth_types, AuthTypes, AUTH_TYPES_MASK),
                flag(result.kg_nonzero, 5)
                | flag(result.per_message_authentication_disabled, 4)
                | flag(result.user_level_authentication_disabled, 3)
                | flag(result.non_null_usernames, 2)
                | flag(result.null_usernames, 1)
                | flag(result.anonymous_login, 0),
                flag(result.supports_ipmi_v20, 1) | flag(result.supports_ipmi_v15, 0),
            )
        )
        + check_bits("oem_id", result.oem_id, 24).to_bytes(3, "little")
        + bytes((check_bits("oem_auxiliary_data", result.oem_auxiliary_data, 8),))
    )


def decode_get_channel_authentication_capabilities_rs(data: bytes) -> ChannelAuthenticationCapabilities:
    """Get Channel Authentication Capabilities response data (§22.13, Table 22-15)."""
    need(data, 8, "Get Channel Authentication Capabilities response")
    return ChannelAuthenticationCapabilities(
        channel=data[0],
        auth_types=AuthTypes(data[1] & AUTH_TYPES_MASK),
        ipmi_v20_extended_available=bool(data[1] & 0x80),
        kg_nonzero=bool(data[2] & 0x20),
        per_message_authentication_disabled=bool(data[2] & 0x10),
        user_level_authentication_disabled=bool(data[2] & 0x08),
        non_null_usernames=bool(data[2] & 0x04),
        null_usernames=bool(data[2] & 0x02),
        anonymous_login=bool(data[2] & 0x01),
        supports_ipmi_v15=bool(data[3] & 0x01),
        supports_ipmi_v20=bool(data[3] & 0x02),
        oem_id=int.from_bytes(data[4:7], "little"),
        oem_auxiliary_data=data[7],
    )


# ---------------------------------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SetSessionPrivilegeLevelRequest:
    """Set Session Privilege Level request (§22.18). UNSPECIFIED (0h) asks for the present level."""

    privilege: PrivilegeLevel


@dataclass(frozen=True)
class SessionPrivilegeLevel:
    """Set Session Privilege Level response (§22.18): the new (or present) privilege level."""

    privilege: PrivilegeLevel


def encode_set_session_privilege_level_rq(privilege: PrivilegeLevel) -> bytes:
    """Set Session Privilege Level request (§22.18)."""
    v = check_enum("privilege", privilege, PrivilegeLevel, 4)
    if v == PrivilegeLevel.NO_ACCESS:
        raise LocalProtocolError("privilege NO_ACCESS is not a session privilege level")
    return bytes((v,))


def decode_set_session_privilege_level_rq(data: bytes) -> SetSessionPrivilegeLevelRequest:
    """Set Session Privilege Level request (§22.18)."""
    exactly(data, (1,), "Set Session Privilege Level request")
    v = strict(PrivilegeLevel, data[0] & 0x0F, "requested privilege level")
    if v == PrivilegeLevel.NO_ACCESS:
        raise DecodeError("Set Session Privilege Level request: privilege 0Fh is reserved")
    return SetSessionPrivilegeLevelRequest(v)


def encode_set_session_privilege_level_rs(result: SessionPrivilegeLevel) -> bytes:
    """Set Session Privilege Level response data (§22.18)."""
    return bytes((check_enum("privilege", result.privilege, PrivilegeLevel, 4),))


def decode_set_session_privilege_level_rs(data: bytes) -> SessionPrivilegeLevel:
    """Set Session Privilege Level response data (§22.18)."""
    need(data, 1, "Set Session Privilege Level response")
    return SessionPrivilegeLevel(strict(PrivilegeLevel, data[0] & 0x0F, "new privilege level"))


@dataclass(frozen=True)
class CloseSessionRequest:
    """Close Session request (§22.19). The session handle is sent only when ``session_id`` is 0."""

    session_id: int
    session_handle: int | None = None


def encode_close_session_rq(session_id: int, session_handle: int | None = None) -> bytes:
    """Close Session request (§22.19)."""
    out = check_bits("session_id", session_id, 32).to_bytes(4, "little")
    if session_handle is not None:
        if session_id != 0:
            raise LocalProtocolError("Close Session: a session handle is only sent with session ID 0")
        out += bytes((check_bits("session_handle", session_handle, 8),))
    return out


def decode_close_session_rq(data: bytes) -> CloseSessionRequest:
    """Close Session request (§22.19)."""
    exactly(data, (4, 5), "Close Session request")
    session_id = int.from_bytes(data[:4], "little")
    if len(data) == 5 and session_id != 0:
        raise DecodeError("Close Session request: session handle with a non-zero session ID")
    return CloseSessionRequest(session_id, data[4] if len(data) == 5 else None)


def encode_close_session_rs() -> bytes:
    """Close Session response (§22.19): completion code only (87h/88h: no such session ID/handle)."""
    return b""


def decode_close_session_rs(data: bytes) -> None:
    """Close Session response (§22.19): completion code only."""


class SessionProtocol(IntEnum):
    """Get Session Info byte 6 bits 7:4 on a LAN channel: the session's protocol (§22.20)."""

    IPMI_V15 = 0
    IPMI_V20 = 1  # "IPMI v2.0/RMCP+"


SESSION_INDEX_CURRENT = 0x00  # §22.20 request byte 1: 00h = the session this request is sent on
SESSION_INDEX_BY_HANDLE = 0xFE
SESSION_INDEX_BY_ID = 0xFF


@dataclass(frozen=True)
class GetSessionInfoRequest:
    """Get Session Info request (§22.20).

    ``session_index``: 00h = this session, 01h-3Fh = the Nth active session, FEh = by ``session_handle``,
    FFh = by ``session_id``.
    """

    session_index: int = SESSION_INDEX_CURRENT
    session_handle: int | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class SessionLanInfo:
    """Get Session Info bytes 7:18 for an 802.3 LAN channel (§22.20)."""

    console_ip: IPv4Address
    console_mac: str
    console_port: int


@dataclass(frozen=True)
class ActiveSession:
    """Get Session Info bytes 4:N, present when the selected session is active (§22.20).

    ``lan`` holds the remote console's address on a LAN channel (absent from ipmi_sim's answers);
    ``other_channel_data`` keeps the channel-specific bytes of other media (serial/modem) undecoded.
    """

    user_id: int
    privilege: PrivilegeLevel
    session_protocol: SessionProtocol | int
    channel: int
    lan: SessionLanInfo | None = None
    other_channel_data: bytes = b""


@dataclass(frozen=True)
class SessionInfo:
    """Get Session Info response (§22.20). ``session`` is None when no session matches."""

    session_handle: int
    session_slot_count: int
    active_session_count: int
    session: ActiveSession | None = None


_LAN_SESSION_LEN = 12


def encode_get_session_info_rq(
    session_index: int = SESSION_INDEX_CURRENT, session_handle: int | None = None, session_id: int | None = None
) -> bytes:
    """Get Session Info request (§22.20)."""
    index = check_bits("session_index", session_index, 8)
    if index == SESSION_INDEX_BY_HANDLE:
        if session_handle is None or session_id is not None:
            raise LocalProtocolError("Get Session Info by handle (FEh) takes session_handle only")
        return bytes((index, check_bits("session_handle", session_handle, 8)))
    if index == SESSION_INDEX_BY_ID:
        if session_id is None or session_handle is not None:
            raise LocalProtocolError("Get Session Info by ID (FFh) takes session_id only")
        return bytes((index,)) + check_bits("session_id", session_id, 32).to_bytes(4, "little")
    if session_handle is not None or session_id is not None:
        raise LocalProtocolError("session_handle/session_id need session_index FEh/FFh")
    if index > 0x3F:
        raise LocalProtocolError(f"session_index 0x{index:02x} is reserved (00h-3Fh, FEh, FFh)")
    return bytes((index,))


def decode_get_session_info_rq(data: bytes) -> GetSessionInfoRequest:
    """Get Session Info request (§22.20)."""
    need(data, 1, "Get Session Info request")
    index = data[0]
    if index == SESSION_INDEX_BY_HANDLE:
        exactly(data, (2,), "Get Session Info request by handle")
        return GetSessionInfoRequest(index, session_handle=data[1])
    if index == SESSION_INDEX_BY_ID:
        exactly(data, (5,), "Get Session Info request by ID")
        return GetSessionInfoRequest(index, session_id=int.from_bytes(data[1:5], "little"))
    exactly(data, (1,), "Get Session Info request")
    if index > 0x3F:
        raise DecodeError(f"Get Session Info request: session index 0x{index:02x} is reserved")
    return GetSessionInfoRequest(index)


def encode_get_session_info_rs(result: SessionInfo) -> bytes:
    """Get Session Info response data (§22.20)."""
    out = bytes(
        (
            check_bits("session_handle", result.session_handle, 8),
            check_bits("session_slot_count", result.session_slot_count, 6),
            check_bits("active_session_count", result.active_session_count, 6),
        )
    )
    s = result.session
    if s is None:
        return out
    out += bytes(
        (
            check_bits("user_id", s.user_id, 6),
            check_enum("privilege", s.privilege, PrivilegeLevel, 4),
            check_bits("session_protocol", s.session_protocol, 4) << 4 | check_bits("channel", s.channel, 4),
        )
    )
    if s.lan is not None:
        if s.other_channel_data:
            raise LocalProtocolError("Get Session Info: LAN data and other channel data are exclusive")
        out += s.lan.console_ip.packed + parse_mac("console_mac", s.lan.console_mac)
        out += check_bits("console_port", s.lan.console_port, 16).to_bytes(2, "little")
    else:
        other = check_bytes("other_channel_data", s.other_channel_data, 255)
        if len(other) == _LAN_SESSION_LEN:
            raise LocalProtocolError("other_channel_data of 12 bytes would read back as LAN session data")
        out += other
    return out


def decode_get_session_info_rs(data: bytes) -> SessionInfo:
    """Get Session Info response data (§22.20).

    Three bytes when no session matches; six more for an active session; on a LAN channel twelve more (remote
    console IP, MAC and port). Trailing bytes of any other length are kept as ``other_channel_data``.
    """
    need(data, 3, "Get Session Info response")
    handle, slots, active = data[0], data[1] & 0x3F, data[2] & 0x3F
    if len(data) == 3:
        return SessionInfo(handle, slots, active)
    need(data, 6, "Get Session Info response for an active session")
    tail = bytes(data[6:])
    lan = None
    if len(tail) == _LAN_SESSION_LEN:
        lan = SessionLanInfo(
            console_ip=IPv4Address(tail[0:4]),
            console_mac=format_mac(tail[4:10]),
            console_port=int.from_bytes(tail[10:12], "little"),
        )
        tail = b""
    session = ActiveSession(
        user_id=data[3] & 0x3F,
        privilege=strict(PrivilegeLevel, data[4] & 0x0F, "session privilege level"),
        session_protocol=lenient(SessionProtocol, data[5] >> 4),
        channel=data[5] & 0x0F,
        lan=lan,
        other_channel_data=tail,
    )
    return SessionInfo(handle, slots, active, session)


# ---------------------------------------------------------------------------------------------------- channels


class ChannelAccessMode(IntEnum):
    """Channel access mode (§22.22/§22.23, bits 2:0)."""

    DISABLED = 0
    PRE_BOOT_ONLY = 1
    ALWAYS_AVAILABLE = 2
    SHARED = 3


class ChannelAccessSelector(IntEnum):
    """Which channel access settings a Set changes or a Get reads (§22.22 bits 7:6, §22.23 byte 2 bits 7:6)."""

    DONT_SET = 0  # Set Channel Access only: leave this group unchanged
    NON_VOLATILE = 1
    VOLATILE = 2  # "present volatile (active) setting"


@dataclass(frozen=True)
class SetChannelAccessRequest:
    """Set Channel Access request (§22.22).

    ``access_set`` selects what happens to byte 2 (alerting, authentication, access mode) and
    ``privilege_limit_set`` to byte 3 (channel privilege limit): don't set, set non-volatile, set volatile.
    """

    channel: int
    access_set: ChannelAccessSelector = ChannelAccessSelector.DONT_SET
    access_mode: ChannelAccessMode = ChannelAccessMode.DISABLED
    alerting_disabled: bool = False
    per_message_authentication_disabled: bool = False
    user_level_authentication_disabled: bool = False
    privilege_limit_set: ChannelAccessSelector = ChannelAccessSelector.DONT_SET
    privilege_limit: PrivilegeLevel = PrivilegeLevel.UNSPECIFIED


@dataclass(frozen=True)
class GetChannelAccessRequest:
    """Get Channel Access request (§22.23): NON_VOLATILE or VOLATILE settings of ``channel``."""

    channel: int
    access_type: ChannelAccessSelector = ChannelAccessSelector.VOLATILE


@dataclass(frozen=True)
class ChannelAccess:
    """Get Channel Access response (§22.23)."""

    access_mode: ChannelAccessMode
    alerting_disabled: bool
    per_message_authentication_disabled: bool
    user_level_authentication_disabled: bool
    privilege_limit: PrivilegeLevel


def _access_byte(
    access_mode: int, alerting_disabled: bool, per_message_disabled: bool, user_level_disabled: bool
) -> int:
    return (
        flag(alerting_disabled, 5)
        | flag(per_message_disabled, 4)
        | flag(user_level_disabled, 3)
        | check_enum("access_mode", access_mode, ChannelAccessMode, 3)
    )


def encode_set_channel_access_rq(
    channel: int,
    access_set: ChannelAccessSelector = ChannelAccessSelector.DONT_SET,
    access_mode: ChannelAccessMode = ChannelAccessMode.DISABLED,
    alerting_disabled: bool = False,
    per_message_authentication_disabled: bool = False,
    user_level_authentication_disabled: bool = False,
    privilege_limit_set: ChannelAccessSelector = ChannelAccessSelector.DONT_SET,
    privilege_limit: PrivilegeLevel = PrivilegeLevel.UNSPECIFIED,
) -> bytes:
    """Set Channel Access request (§22.22)."""
    return bytes(
        (
            check_bits("channel", channel, 4),
            check_enum("access_set", access_set, ChannelAccessSelector, 2) << 6
            | _access_byte(
                access_mode,
                alerting_disabled,
                per_message_authentication_disabled,
                user_level_authentication_disabled,
            ),
            check_enum("privilege_limit_set", privilege_limit_set, ChannelAccessSelector, 2) << 6
            | check_enum("privilege_limit", privilege_limit, PrivilegeLevel, 4),
        )
    )


def decode_set_channel_access_rq(data: bytes) -> SetChannelAccessRequest:
    """Set Channel Access request (§22.22)."""
    exactly(data, (3,), "Set Channel Access request")
    return SetChannelAccessRequest(
        channel=data[0] & 0x0F,
        access_set=strict(ChannelAccessSelector, data[1] >> 6, "channel access set selector"),
        access_mode=strict(ChannelAccessMode, data[1] & 0x07, "access mode"),
        alerting_disabled=bool(data[1] & 0x20),
        per_message_authentication_disabled=bool(data[1] & 0x10),
        user_level_authentication_disabled=bool(data[1] & 0x08),
        privilege_limit_set=strict(ChannelAccessSelector, data[2] >> 6, "privilege limit set selector"),
        privilege_limit=strict(PrivilegeLevel, data[2] & 0x0F, "channel privilege limit"),
    )


def encode_set_channel_access_rs() -> bytes:
    """Set Channel Access response (§22.22): completion code only (82h, 83h: see completion_code_text)."""
    return b""


def decode_set_channel_access_rs(data: bytes) -> None:
    """Set Channel Access response (§22.22): completion code only."""


def encode_get_channel_access_rq(
    channel: int, access_type: ChannelAccessSelector = ChannelAccessSelector.VOLATILE
) -> bytes:
    """Get Channel Access request (§22.23)."""
    kind = check_enum("access_type", access_type, ChannelAccessSelector, 2)
    if kind == ChannelAccessSelector.DONT_SET:
        raise LocalProtocolError("Get Channel Access reads NON_VOLATILE or VOLATILE settings")
    return bytes((check_bits("channel", channel, 4), kind << 6))


def decode_get_channel_access_rq(data: bytes) -> GetChannelAccessRequest:
    """Get Channel Access request (§22.23)."""
    exactly(data, (2,), "Get Channel Access request")
    kind = strict(ChannelAccessSelector, data[1] >> 6, "channel access get selector")
    if kind == ChannelAccessSelector.DONT_SET:
        raise DecodeError("Get Channel Access request: access type 00b is reserved")
    return GetChannelAccessRequest(data[0] & 0x0F, kind)


def encode_get_channel_access_rs(result: ChannelAccess) -> bytes:
    """Get Channel Access response data (§22.23)."""
    return bytes(
        (
            _access_byte(
                result.access_mode,
                result.alerting_disabled,
                result.per_message_authentication_disabled,
                result.user_level_authentication_disabled,
            ),
            check_enum("privilege_limit", result.privilege_limit, PrivilegeLevel, 4),
        )
    )


def decode_get_channel_access_rs(data: bytes) -> ChannelAccess:
    """Get Channel Access response data (§22.23)."""
    need(data, 2, "Get Channel Access response")
    return ChannelAccess(
        access_mode=strict(ChannelAccessMode, data[0] & 0x07, "access mode"),
        alerting_disabled=bool(data[0] & 0x20),
        per_message_authentication_disabled=bool(data[0] & 0x10),
        user_level_authentication_disabled=bool(data[0] & 0x08),
        privilege_limit=strict(PrivilegeLevel, data[1] & 0x0F, "channel privilege limit"),
    )


class ChannelMediumType(IntEnum):
    """Channel medium type numbers (§6.5, Table 6-3). 60h-7Fh are OEM and decode as plain ints."""

    IPMB = 0x01
    ICMB_V10 = 0x02
    ICMB_V09 = 0x03
    LAN_802_3 = 0x04
    SERIAL = 0x05  # "Asynch. Serial/Modem (RS-232)"
    OTHER_LAN = 0x06
    PCI_SMBUS = 0x07
    SMBUS_V1 = 0x08  # "SMBus v1.0/1.1"
    SMBUS_V2 = 0x09
    USB_1 = 0x0A
    USB_2 = 0x0B
    SYSTEM_INTERFACE = 0x0C  # "System Interface (KCS, SMIC, or BT)"


class ChannelProtocolType(IntEnum):
    """Channel protocol type numbers (§6.4, Table 6-2). 1Ch-1Fh are OEM and decode as plain ints."""

    IPMB = 0x01  # "IPMB-1.0", also what LAN channels report
    ICMB = 0x02
    SMBUS = 0x04  # "IPMI-SMBus"
    KCS = 0x05
    SMIC = 0x06
    BT_10 = 0x07
    BT_15 = 0x08
    TMODE = 0x09


class SessionSupport(IntEnum):
    """Get Channel Info byte 4 bits 7:6 (§22.24)."""

    SESSION_LESS = 0
    SINGLE_SESSION = 1
    MULTI_SESSION = 2
    SESSION_BASED = 3


@dataclass(frozen=True)
class GetChannelInfoRequest:
    """Get Channel Info request (§22.24)."""

    channel: int = CURRENT_CHANNEL


@dataclass(frozen=True)
class ChannelInfo:
    """Get Channel Info response (§22.24). ``vendor_id`` is 7154 (001BF2h) for IPMI-defined
    protocols; ``auxiliary_info`` is meaningful for the system interface channel only (Fh)."""

    channel: int
    medium_type: ChannelMediumType | int
    protocol_type: ChannelProtocolType | int
    session_support: SessionSupport
    active_session_count: int
    vendor_id: int
    auxiliary_info: bytes = b"\x00\x00"


def encode_get_channel_info_rq(channel: int = CURRENT_CHANNEL) -> bytes:
    """Get Channel Info request (§22.24)."""
    return bytes((check_bits("channel", channel, 4),))


def decode_get_channel_info_rq(data: bytes) -> GetChannelInfoRequest:
    """Get Channel Info request (§22.24)."""
    exactly(data, (1,), "Get Channel Info request")
    return GetChannelInfoRequest(data[0] & 0x0F)


def encode_get_channel_info_rs(result: ChannelInfo) -> bytes:
    """Get Channel Info response data (§22.24)."""
    return (
        bytes(
            (
                check_bits("channel", result.channel, 4),
                check_bits("medium_type", result.medium_type, 7),
                check_bits("protocol_type", result.protocol_type, 5),
                check_enum("session_support", result.session_support, SessionSupport, 2) << 6
                | check_bits("active_session_count", result.active_session_count, 6),
            )
        )
        + check_bits("vendor_id", result.vendor_id, 24).to_bytes(3, "little")
        + check_bytes("auxiliary_info", result.auxiliary_info, 2, 2)
    )


def decode_get_channel_info_rs(data: bytes) -> ChannelInfo:
    """Get Channel Info response data (§22.24)."""
    need(data, 9, "Get Channel Info response")
    return ChannelInfo(
        channel=data[0] & 0x0F,
        medium_type=lenient(ChannelMediumType, data[1] & 0x7F),
        protocol_type=lenient(ChannelProtocolType, data[2] & 0x1F),
        session_support=SessionSupport(data[3] >> 6),
        active_session_count=data[3] & 0x3F,
        vendor_id=int.from_bytes(data[4:7], "little"),
        auxiliary_info=bytes(data[7:9]),
    )


# ------------------------------------------------------------------------------------------------------- users


class UserEnableStatus(IntEnum):
    """Get User Access byte 2 bits 7:6: how the user ID was last enabled or disabled (§22.27)."""

    UNSPECIFIED = 0
    ENABLED = 1  # "enabled via Set User Password command"
    DISABLED = 2  # "disabled via Set User Password command"


@dataclass(frozen=True)
class SetUserAccessRequest:
    """Set User Access request (§22.26).

    ``change_access_bits`` (byte 1 bit 7) enables changing the three flags; without it only the privilege limit
    (and the optional session limit) change. ``privilege_limit`` NO_ACCESS (Fh) removes the user's access.
    """

    channel: int
    user_id: int
    privilege_limit: PrivilegeLevel
    change_access_bits: bool = True
    callback_only: bool = False
    link_authentication: bool = False
    ipmi_messaging: bool = True
    session_limit: int | None = None


@dataclass(frozen=True)
class GetUserAccessRequest:
    """Get User Access request (§22.27)."""

    channel: int
    user_id: int


@dataclass(frozen=True)
class UserAccess:
    """Get User Access response (§22.27).

    ``callback_only`` is "user restricted to callback" (ipmitool's "Callin" column is its negation).
    """

    max_user_ids: int
    enable_status: UserEnableStatus
    enabled_user_ids: int
    fixed_name_user_ids: int
    callback_only: bool
    link_authentication: bool
    ipmi_messaging: bool
    privilege_limit: PrivilegeLevel


def _access_flags(callback_only: bool, link_authentication: bool, ipmi_messaging: bool) -> int:
    return flag(callback_only, 6) | flag(link_authentication, 5) | flag(ipmi_messaging, 4)


def encode_set_user_access_rq(
    channel: int,
    user_id: int,
    privilege_limit: PrivilegeLevel,
    change_access_bits: bool = True,
    callback_only: bool = False,
    link_authentication: bool = False,
    ipmi_messaging: bool = True,
    session_limit: int | None = None,
) -> bytes:
    """Set User Access request (§22.26)."""
    out = bytes(
        (
            flag(change_access_bits, 7)
            | _access_flags(callback_only, link_authentication, ipmi_messaging)
            | check_bits("channel", channel, 4),
            check_int("user_id", user_id, 1, 0x3F),
            check_enum("privilege_limit", privilege_limit, PrivilegeLevel, 4),
        )
    )
    if session_limit is not None:
        out += bytes((check_bits("session_limit", session_limit, 4),))
    return out


def decode_set_user_access_rq(data: bytes) -> SetUserAccessRequest:
    """Set User Access request (§22.26)."""
    exactly(data, (3, 4), "Set User Access request")
    user_id = data[1] & 0x3F
    if user_id == 0:
        raise DecodeError("Set User Access request: user ID 0 is reserved")
    return SetUserAccessRequest(
        channel=data[0] & 0x0F,
        user_id=user_id,
        privilege_limit=strict(PrivilegeLevel, data[2] & 0x0F, "user privilege limit"),
        change_access_bits=bool(data[0] & 0x80),
        callback_only=bool(data[0] & 0x40),
        link_authentication=bool(data[0] & 0x20),
        ipmi_messaging=bool(data[0] & 0x10),
        session_limit=data[3] & 0x0F if len(data) == 4 else None,
    )


def encode_set_user_access_rs() -> bytes:
    """Set User Access response (§22.26): completion code only."""
    return b""


def decode_set_user_access_rs(data: bytes) -> None:
    """Set User Access response (§22.26): completion code only."""


def encode_get_user_access_rq(channel: int, user_id: int) -> bytes:
    """Get User Access request (§22.27)."""
    return bytes((check_bits("channel", channel, 4), check_int("user_id", user_id, 1, 0x3F)))


def decode_get_user_access_rq(data: bytes) -> GetUserAccessRequest:
    """Get User Access request (§22.27)."""
    exactly(data, (2,), "Get User Access request")
    if data[1] & 0x3F == 0:
        raise DecodeError("Get User Access request: user ID 0 is reserved")
    return GetUserAccessRequest(data[0] & 0x0F, data[1] & 0x3F)


def encode_get_user_access_rs(result: UserAccess) -> bytes:
    """Get User Access response data (§22.27)."""
    return bytes(
        (
            check_bits("max_user_ids", result.max_user_ids, 6),
            check_enum("enable_status", result.enable_status, UserEnableStatus, 2) << 6
            | check_bits("enabled_user_ids", result.enabled_user_ids, 6),
            check_bits("fixed_name_user_ids", result.fixed_name_user_ids, 6),
            _access_flags(result.callback_only, result.link_authentication, result.ipmi_messaging)
            | check_enum("privilege_limit", result.privilege_limit, PrivilegeLevel, 4),
        )
    )


def decode_get_user_access_rs(data: bytes) -> UserAccess:
    """Get User Access response data (§22.27)."""
    need(data, 4, "Get User Access response")
    return UserAccess(
        max_user_ids=data[0] & 0x3F,
        enable_status=strict(UserEnableStatus, data[1] >> 6, "user ID enable status"),
        enabled_user_ids=data[1] & 0x3F,
        fixed_name_user_ids=data[2] & 0x3F,
        callback_only=bool(data[3] & 0x40),
        link_authentication=bool(data[3] & 0x20),
        ipmi_messaging=bool(data[3] & 0x10),
        privilege_limit=strict(PrivilegeLevel, data[3] & 0x0F, "user privilege limit"),
    )


@dataclass(frozen=True)
class SetUserNameRequest:
    """Set User Name request (§22.28): up to 16 bytes, sent NUL-padded."""

    user_id: int
    user_name: bytes


@dataclass(frozen=True)
class GetUserNameRequest:
    """Get User Name request (§22.29)."""

    user_id: int


@dataclass(frozen=True)
class UserName:
    """Get User Name response (§22.29): the name up to its first NUL (empty for an unnamed slot)."""

    user_name: bytes


def encode_set_user_name_rq(user_id: int, user_name: bytes) -> bytes:
    """Set User Name request (§22.28)."""
    return bytes((check_int("user_id", user_id, 1, 0x3F),)) + padded("user_name", user_name, USER_NAME_LEN)


def decode_set_user_name_rq(data: bytes) -> SetUserNameRequest:
    """Set User Name request (§22.28)."""
    exactly(data, (1 + USER_NAME_LEN,), "Set User Name request")
    if data[0] & 0x3F == 0:
        raise DecodeError("Set User Name request: user ID 0 is reserved")
    return SetUserNameRequest(data[0] & 0x3F, cstring(data[1:]))


def encode_set_user_name_rs() -> bytes:
    """Set User Name response (§22.28): completion code only."""
    return b""


def decode_set_user_name_rs(data: bytes) -> None:
    """Set User Name response (§22.28): completion code only."""


def encode_get_user_name_rq(user_id: int) -> bytes:
    """Get User Name request (§22.29)."""
    return bytes((check_int("user_id", user_id, 1, 0x3F),))


def decode_get_user_name_rq(data: bytes) -> GetUserNameRequest:
    """Get User Name request (§22.29)."""
    exactly(data, (1,), "Get User Name request")
    if data[0] & 0x3F == 0:
        raise DecodeError("Get User Name request: user ID 0 is reserved")
    return GetUserNameRequest(data[0] & 0x3F)


def encode_get_user_name_rs(result: UserName) -> bytes:
    """Get User Name response data (§22.29): 16 bytes, NUL-padded."""
    return padded("user_name", result.user_name, USER_NAME_LEN)


def decode_get_user_name_rs(data: bytes) -> UserName:
    """Get User Name response data (§22.29)."""
    need(data, USER_NAME_LEN, "Get User Name response")
    return UserName(cstring(data[:USER_NAME_LEN]))


class PasswordOperation(IntEnum):
    """Set User Password operation (§22.30, byte 2 bits 1:0)."""

    DISABLE_USER = 0
    ENABLE_USER = 1
    SET_PASSWORD = 2
    TEST_PASSWORD = 3


@dataclass(frozen=True)
class SetUserPasswordRequest:
    """Set User Password request (§22.30).

    ``password_size`` is 16 (IPMI v1.5) or 20 (IPMI v2.0), byte 1 bit 7. SET_PASSWORD and TEST_PASSWORD always
    carry the NUL-padded password (an empty one clears it); DISABLE_USER and ENABLE_USER carry it only when
    ``password`` is not empty (ipmitool sends none).
    """

    user_id: int
    operation: PasswordOperation
    password: bytes = b""
    password_size: int = 16


def encode_set_user_password_rq(
    user_id: int, operation: PasswordOperation, password: bytes = b"", password_size: int = 16
) -> bytes:
    """Set User Password request (§22.30)."""
    if password_size not in PASSWORD_SIZES:
        raise LocalProtocolError(f"password_size {password_size}: 16 or 20")
    op = check_enum("operation", operation, PasswordOperation, 2)
    out = bytes((flag(password_size == 20, 7) | check_int("user_id", user_id, 1, 0x3F), op))
    if op in (PasswordOperation.SET_PASSWORD, PasswordOperation.TEST_PASSWORD) or password:
        raw = check_bytes("password", password, password_size)
        if raw.endswith(b"\x00"):
            raise LocalProtocolError("password must not end with NUL: the field is NUL-padded")
        out += raw.ljust(password_size, b"\x00")
    return out


def decode_set_user_password_rq(data: bytes) -> SetUserPasswordRequest:
    """Set User Password request (§22.30). The password is the field without its NUL padding."""
    need(data, 2, "Set User Password request")
    size = 20 if data[0] & 0x80 else 16
    op = PasswordOperation(data[1] & 0x03)
    with_password = op in (PasswordOperation.SET_PASSWORD, PasswordOperation.TEST_PASSWORD)
    exactly(data, (2 + size,) if with_password else (2, 2 + size), f"Set User Password request ({size}-byte)")
    if data[0] & 0x3F == 0:
        raise DecodeError("Set User Password request: user ID 0 is reserved")
    return SetUserPasswordRequest(data[0] & 0x3F, op, bytes(data[2:]).rstrip(b"\x00"), size)


def encode_set_user_password_rs() -> bytes:
    """Set User Password response (§22.30): completion code only (80h/81h: test password failed)."""
    return b""


def decode_set_user_password_rs(data: bytes) -> None:
    """Set User Password response (§22.30): completion code only."""


# ================================================================================================ §24 payloads


@dataclass(frozen=True)
class ActivatePayloadRequest:
    """Activate Payload request (§24.1). ``auxiliary_data`` is 4 bytes, payload-specific; for SOL
    build it with ``encode_sol_activation``."""

    payload_type: PayloadType | int
    payload_instance: int = 1
    auxiliary_data: bytes = b"\x00\x00\x00\x00"


@dataclass(frozen=True)
class PayloadActivation:
    """Activate Payload response (§24.1). Sizes are the maximum payload data the BMC accepts
    (inbound) and sends (outbound); ``payload_vlan_number`` is NO_VLAN (FFFFh) without a VLAN."""

    auxiliary_data: bytes
    inbound_payload_size: int
    outbound_payload_size: int
    payload_udp_port: int
    payload_vlan_number: int = NO_VLAN


class SerialAlertBehavior(IntEnum):
    """SOL activation: shared serial alert behaviour (§24.1, SOL auxiliary request data byte 1 bits 3:2)."""

    FAIL = 0  # "serial/modem alerts fail while SOL active"
    DEFERRED = 1  # "deferred while SOL active"
    SUCCEED = 2  # "succeed while SOL active"


@dataclass(frozen=True)
class SolActivation:
    """The SOL payload's Activate Payload auxiliary request data (§24.1, byte 3)."""

    encrypt: bool = True
    authenticate: bool = True
    test_mode: bool = False
    serial_alert_behavior: SerialAlertBehavior = SerialAlertBehavior.FAIL
    deassert_handshake: bool = False  # bit 1: "BMC deasserts CTS and DCD/DSR" at activation


def encode_sol_activation(value: SolActivation) -> bytes:
    """SOL auxiliary request data for Activate Payload (§24.1): 4 bytes."""
    return bytes(
        (
            flag(value.encrypt, 7)
            | flag(value.authenticate, 6)
            | flag(value.test_mode, 5)
            | check_enum("serial_alert_behavior", value.serial_alert_behavior, SerialAlertBehavior, 2) << 2
            | flag(value.deassert_handshake, 1),
            0,
            0,
            0,
        )
    )


def decode_sol_activation(data: bytes) -> SolActivation:
    """SOL auxiliary request data of Activate Payload (§24.1)."""
    need(data, 1, "SOL activation data")
    return SolActivation(
        encrypt=bool(data[0] & 0x80),
        authenticate=bool(data[0] & 0x40),
        test_mode=bool(data[0] & 0x20),
        serial_alert_behavior=strict(SerialAlertBehavior, data[0] >> 2 & 0x03, "shared serial alert behavior"),
        deassert_handshake=bool(data[0] & 0x02),
    )


def _payload_head(payload_type: int, payload_instance: int, auxiliary_data: bytes) -> bytes:
    return bytes(
        (check_bits("payload_type", payload_type, 6), check_bits("payload_instance", payload_instance, 4))
    ) + check_bytes("auxiliary_data", auxiliary_data, 4, 4)


def encode_activate_payload_rq(
    payload_type: PayloadType | int, payload_instance: int = 1, auxiliary_data: bytes = b"\x00\x00\x00\x00"
) -> bytes:
    """Activate Payload request (§24.1)."""
    return _payload_head(payload_type, payload_instance, auxiliary_data)


def decode_activate_payload_rq(data: bytes) -> ActivatePayloadRequest:
    """Activate Payload request (§24.1)."""
    exactly(data, (6,), "Activate Payload request")
    return ActivatePayloadRequest(lenient(PayloadType, data[0] & 0x3F), data[1] & 0x0F, bytes(data[2:6]))


def encode_activate_payload_rs(result: PayloadActivation) -> bytes:
    """Activate Payload response data (§24.1)."""
    return check_bytes("auxiliary_data", result.auxiliary_data, 4, 4) + struct.pack(
        "<HHHH",
        check_bits("inbound_payload_size", result.inbound_payload_size, 16),
        check_bits("outbound_payload_size", result.outbound_payload_size, 16),
        check_bits("payload_udp_port", result.payload_udp_port, 16),
        check_bits("payload_vlan_number", result.payload_vlan_number, 16),
    )


def decode_activate_payload_rs(data: bytes) -> PayloadActivation:
    """Activate Payload response data (§24.1)."""
    need(data, 12, "Activate Payload response")
    inbound, outbound, port, vlan = struct.unpack_from("<HHHH", data, 4)
    return PayloadActivation(bytes(data[0:4]), inbound, outbound, port, vlan)


@dataclass(frozen=True)
class DeactivatePayloadRequest:
    """Deactivate Payload request (§24.2)."""

    payload_type: PayloadType | int
    payload_instance: int = 1
    auxiliary_data: bytes = b"\x00\x00\x00\x00"


def encode_deactivate_payload_rq(
    payload_type: PayloadType | int, payload_instance: int = 1, auxiliary_data: bytes = b"\x00\x00\x00\x00"
) -> bytes:
    """Deactivate Payload request (§24.2)."""
    return _payload_head(payload_type, payload_instance, auxiliary_data)


def decode_deactivate_payload_rq(data: bytes) -> DeactivatePayloadRequest:
    """Deactivate Payload request (§24.2)."""
    exactly(data, (6,), "Deactivate Payload request")
    return DeactivatePayloadRequest(lenient(PayloadType, data[0] & 0x3F), data[1] & 0x0F, bytes(data[2:6]))


def encode_deactivate_payload_rs() -> bytes:
    """Deactivate Payload response (§24.2): completion code only (80h: already deactivated)."""
    return b""


def decode_deactivate_payload_rs(data: bytes) -> None:
    """Deactivate Payload response (§24.2): completion code only."""


@dataclass(frozen=True)
class GetPayloadActivationStatusRequest:
    """Get Payload Activation Status request (§24.4)."""

    payload_type: PayloadType | int


@dataclass(frozen=True)
class PayloadActivationStatus:
    """Get Payload Activation Status response (§24.4): how many instances the BMC supports and which
    instance numbers (1-16) are active."""

    instance_capacity: int
    active_instances: frozenset[int]


def encode_get_payload_activation_status_rq(payload_type: PayloadType | int) -> bytes:
    """Get Payload Activation Status request (§24.4)."""
    return bytes((check_bits("payload_type", payload_type, 6),))


def decode_get_payload_activation_status_rq(data: bytes) -> GetPayloadActivationStatusRequest:
    """Get Payload Activation Status request (§24.4)."""
    exactly(data, (1,), "Get Payload Activation Status request")
    return GetPayloadActivationStatusRequest(lenient(PayloadType, data[0] & 0x3F))


def _bitmap(values: frozenset[int], base: int, name: str) -> int:
    out = 0
    for v in values:
        out |= 1 << (check_int(name, v, base, base + 15) - base)
    return out


def _from_bitmap(bits: int, base: int) -> frozenset[int]:
    return frozenset(base + i for i in range(16) if bits >> i & 1)


def encode_get_payload_activation_status_rs(result: PayloadActivationStatus) -> bytes:
    """Get Payload Activation Status response data (§24.4)."""
    return bytes((check_bits("instance_capacity", result.instance_capacity, 4),)) + _bitmap(
        result.active_instances, 1, "active instance"
    ).to_bytes(2, "little")


def decode_get_payload_activation_status_rs(data: bytes) -> PayloadActivationStatus:
    """Get Payload Activation Status response data (§24.4)."""
    need(data, 3, "Get Payload Activation Status response")
    return PayloadActivationStatus(data[0] & 0x0F, _from_bitmap(int.from_bytes(data[1:3], "little"), 1))


class UserPayloadOperation(IntEnum):
    """Set User Payload Access byte 2 bits 7:6 (§24.6, Table 24-8)."""

    ENABLE = 0
    DISABLE = 1


@dataclass(frozen=True)
class UserPayloadAccess:
    """Which payload types a user may activate on a channel (§24.6-24.7): standard payload types (1 = SOL; bits
    for types 1-7 of the first byte, type 0 is IPMI and always allowed) and OEM payload types 20h-27h."""

    standard: frozenset[int] = frozenset()
    oem: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SetUserPayloadAccessRequest:
    """Set User Payload Access request (§24.6, Table 24-8): enable or disable the payloads listed for a user."""

    channel: int
    user_id: int
    operation: UserPayloadOperation
    payloads: UserPayloadAccess


@dataclass(frozen=True)
class GetUserPayloadAccessRequest:
    """Get User Payload Access request (§24.7, Table 24-9)."""

    channel: int
    user_id: int


def _payload_bits(payloads: UserPayloadAccess) -> bytes:
    standard = 0
    for t in payloads.standard:
        standard |= 1 << check_int("standard payload type", t, 1, 7)
    oem = 0
    for t in payloads.oem:
        oem |= 1 << (check_int("OEM payload type", t, 0x20, 0x27) - 0x20)
    return bytes((standard, 0, oem, 0))


def _payloads_from(data: bytes) -> UserPayloadAccess:
    return UserPayloadAccess(frozenset(t for t in range(1, 8) if data[0] >> t & 1),
                             frozenset(0x20 + t for t in range(8) if data[2] >> t & 1))


def encode_set_user_payload_access_rq(channel: int, user_id: int, operation: UserPayloadOperation | int,
                                      payloads: UserPayloadAccess) -> bytes:
    """Set User Payload Access request (§24.6, Table 24-8)."""
    return bytes((
        check_bits("channel", channel, 4),
        check_enum("operation", operation, UserPayloadOperation, 2) << 6 | check_int("user_id", user_id, 1, 63),
    )) + _payload_bits(payloads)


def decode_set_user_payload_access_rq(data: bytes) -> SetUserPayloadAccessRequest:
    """Set User Payload Access request (§24.6, Table 24-8); operations 10b and 11b are reserved."""
    exactly(data, (6,), "Set User Payload Access request")
    return SetUserPayloadAccessRequest(
        data[0] & 0x0F, data[1] & 0x3F, strict(UserPayloadOperation, data[1] >> 6, "operation"),
        _payloads_from(data[2:6]),
    )


def encode_set_user_payload_access_rs() -> bytes:
    """Set User Payload Access response (§24.6): completion code only."""
    return b""


def decode_set_user_payload_access_rs(data: bytes) -> None:
    """Set User Payload Access response (§24.6): completion code only."""


def encode_get_user_payload_access_rq(channel: int, user_id: int) -> bytes:
    """Get User Payload Access request (§24.7, Table 24-9)."""
    return bytes((check_bits("channel", channel, 4), check_int("user_id", user_id, 1, 63)))


def decode_get_user_payload_access_rq(data: bytes) -> GetUserPayloadAccessRequest:
    """Get User Payload Access request (§24.7, Table 24-9)."""
    exactly(data, (2,), "Get User Payload Access request")
    return GetUserPayloadAccessRequest(data[0] & 0x0F, data[1] & 0x3F)


def encode_get_user_payload_access_rs(result: UserPayloadAccess) -> bytes:
    """Get User Payload Access response data (§24.7, Table 24-9)."""
    return _payload_bits(result)


def decode_get_user_payload_access_rs(data: bytes) -> UserPayloadAccess:
    """Get User Payload Access response data (§24.7, Table 24-9)."""
    need(data, 4, "Get User Payload Access response")
    return _payloads_from(data)


@dataclass(frozen=True)
class GetChannelPayloadSupportRequest:
    """Get Channel Payload Support request (§24.8).

    Use the channel's number, not Eh: ipmi_sim 2.0.33 crashes on channel Eh when SOL is configured
    (tests/data/testbed/README.md, limitation 4).
    """

    channel: int


@dataclass(frozen=True)
class ChannelPayloadSupport:
    """Get Channel Payload Support response (§24.8): the payload type numbers the channel supports:
    standard (00h-0Fh), session setup (10h-1Fh) and OEM (20h-2Fh)."""

    standard_payload_types: frozenset[int]
    session_setup_payload_types: frozenset[int] = frozenset()
    oem_payload_types: frozenset[int] = frozenset()


def encode_get_channel_payload_support_rq(channel: int) -> bytes:
    """Get Channel Payload Support request (§24.8)."""
    return bytes((check_bits("channel", channel, 4),))


def decode_get_channel_payload_support_rq(data: bytes) -> GetChannelPayloadSupportRequest:
    """Get Channel Payload Support request (§24.8)."""
    exactly(data, (1,), "Get Channel Payload Support request")
    return GetChannelPayloadSupportRequest(data[0] & 0x0F)


def encode_get_channel_payload_support_rs(result: ChannelPayloadSupport) -> bytes:
    """Get Channel Payload Support response data (§24.8); bytes 7:8 reserved."""
    return struct.pack(
        "<HHHH",
        _bitmap(result.standard_payload_types, 0x00, "standard payload type"),
        _bitmap(result.session_setup_payload_types, 0x10, "session setup payload type"),
        _bitmap(result.oem_payload_types, 0x20, "OEM payload type"),
        0,
    )


def decode_get_channel_payload_support_rs(data: bytes) -> ChannelPayloadSupport:
    """Get Channel Payload Support response data (§24.8)."""
    need(data, 6, "Get Channel Payload Support response")
    standard, setup, oem = struct.unpack_from("<HHH", data, 0)
    return ChannelPayloadSupport(_from_bitmap(standard, 0x00), _from_bitmap(setup, 0x10), _from_bitmap(oem, 0x20))


# ============================================================================================ §22.15 cipher suites


@dataclass(frozen=True)
class GetChannelCipherSuitesRequest:
    """Get Channel Cipher Suites request (§22.15).

    ``list_by_cipher_suite`` (byte 3 bit 7) asks for cipher suite records; otherwise the BMC lists the algorithms
    it supports. ``list_index`` selects the 16-byte block of the list (00h-3Fh).
    """

    channel: int = CURRENT_CHANNEL
    payload_type: PayloadType | int = PayloadType.IPMI
    list_index: int = 0
    list_by_cipher_suite: bool = True


@dataclass(frozen=True)
class ChannelCipherSuites:
    """Get Channel Cipher Suites response (§22.15): one block (up to 16 bytes) of record data.

    Fetch list_index 0, 1, ... until a block is shorter than 16 bytes, concatenate the blocks and parse them with
    ``decode_cipher_suite_records``.
    """

    channel: int
    record_data: bytes = b""


@dataclass(frozen=True)
class CipherSuiteRecord:
    """One cipher suite record (§22.15.1): start of record C0h (standard) or C1h (OEM, with the OEM
    IANA number), the cipher suite ID and its algorithm numbers, each tagged in bits 7:6 (00b authentication,
    01b integrity, 10b confidentiality)."""

    cipher_suite_id: int
    authentication_algorithms: tuple[AuthAlgorithm | int, ...]
    integrity_algorithms: tuple[IntegrityAlgorithm | int, ...]
    confidentiality_algorithms: tuple[ConfidentialityAlgorithm | int, ...]
    oem_iana: int | None = None


_RECORD_STANDARD = 0xC0
_RECORD_OEM = 0xC1
_TAG_MASK = 0xC0
_TAG_AUTHENTICATION = 0x00
_TAG_INTEGRITY = 0x40
_TAG_CONFIDENTIALITY = 0x80


def encode_get_channel_cipher_suites_rq(
    channel: int = CURRENT_CHANNEL,
    payload_type: PayloadType | int = PayloadType.IPMI,
    list_index: int = 0,
    list_by_cipher_suite: bool = True,
) -> bytes:
    """Get Channel Cipher Suites request (§22.15)."""
    return bytes(
        (
            check_bits("channel", channel, 4),
            check_bits("payload_type", payload_type, 6),
            flag(list_by_cipher_suite, 7) | check_bits("list_index", list_index, 6),
        )
    )


def decode_get_channel_cipher_suites_rq(data: bytes) -> GetChannelCipherSuitesRequest:
    """Get Channel Cipher Suites request (§22.15)."""
    exactly(data, (3,), "Get Channel Cipher Suites request")
    return GetChannelCipherSuitesRequest(
        channel=data[0] & 0x0F,
        payload_type=lenient(PayloadType, data[1] & 0x3F),
        list_index=data[2] & 0x3F,
        list_by_cipher_suite=bool(data[2] & 0x80),
    )


def encode_get_channel_cipher_suites_rs(result: ChannelCipherSuites) -> bytes:
    """Get Channel Cipher Suites response data (§22.15)."""
    return bytes((check_bits("channel", result.channel, 8),)) + check_bytes(
        "record_data", result.record_data, CIPHER_SUITE_RECORD_BLOCK
    )


def decode_get_channel_cipher_suites_rs(data: bytes) -> ChannelCipherSuites:
    """Get Channel Cipher Suites response data (§22.15)."""
    need(data, 1, "Get Channel Cipher Suites response")
    return ChannelCipherSuites(data[0], bytes(data[1 : 1 + CIPHER_SUITE_RECORD_BLOCK]))


def encode_cipher_suite_records(records: tuple[CipherSuiteRecord, ...] | list[CipherSuiteRecord]) -> bytes:
    """Cipher suite records (§22.15.1), for the BMC to serve in 16-byte blocks."""
    out = bytearray()
    for r in records:
        if r.oem_iana is None:
            out += bytes((_RECORD_STANDARD, check_bits("cipher_suite_id", r.cipher_suite_id, 8)))
        else:
            out += bytes((_RECORD_OEM, check_bits("cipher_suite_id", r.cipher_suite_id, 8)))
            out += check_bits("oem_iana", r.oem_iana, 24).to_bytes(3, "little")
        for tag, algorithms in (
            (_TAG_AUTHENTICATION, r.authentication_algorithms),
            (_TAG_INTEGRITY, r.integrity_algorithms),
            (_TAG_CONFIDENTIALITY, r.confidentiality_algorithms),
        ):
            for a in algorithms:
                out.append(tag | check_bits("algorithm number", a, 6))
    return bytes(out)


def decode_cipher_suite_records(data: bytes) -> tuple[CipherSuiteRecord, ...]:
    """Parse the concatenated record data of Get Channel Cipher Suites (§22.15.1).

    Algorithm bytes never have both tag bits set, so every byte with bits 7:6 = 11b starts a record.
    """
    records: list[CipherSuiteRecord] = []
    i = 0
    while i < len(data):
        start = data[i]
        if start not in (_RECORD_STANDARD, _RECORD_OEM):
            raise DecodeError(f"cipher suite record at offset {i}: start byte 0x{start:02x}, C0h or C1h expected")
        head = 2 if start == _RECORD_STANDARD else 5
        need(data[i:], head, "cipher suite record")
        suite_id = data[i + 1]
        oem = int.from_bytes(data[i + 2 : i + 5], "little") if start == _RECORD_OEM else None
        i += head
        algorithms: dict[int, list[int]] = {_TAG_AUTHENTICATION: [], _TAG_INTEGRITY: [], _TAG_CONFIDENTIALITY: []}
        while i < len(data) and data[i] & _TAG_MASK != _TAG_MASK:
            algorithms[data[i] & _TAG_MASK].append(data[i] & 0x3F)
            i += 1
        records.append(
            CipherSuiteRecord(
                cipher_suite_id=suite_id,
                authentication_algorithms=tuple(lenient(AuthAlgorithm, a) for a in algorithms[_TAG_AUTHENTICATION]),
                integrity_algorithms=tuple(lenient(IntegrityAlgorithm, a) for a in algorithms[_TAG_INTEGRITY]),
                confidentiality_algorithms=tuple(
                    lenient(ConfidentialityAlgorithm, a) for a in algorithms[_TAG_CONFIDENTIALITY]
                ),
                oem_iana=oem,
            )
        )
    return tuple(records)
