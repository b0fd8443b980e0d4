"""Chassis (NetFn 00h) command codecs: capabilities, status, power control, identify, power restore policy,
restart cause, system boot options and the power-on hours counter.

IPMI v2.0 rev 1.1 chapter 28 (Chassis Device Commands); boot option parameters are Table 28-14. Command numbers are
those of Appendix G, Table G-1. The conventions (``encode_<cmd>_rq`` / ``decode_<cmd>_rs`` for a console,
``decode_<cmd>_rq`` / ``encode_<cmd>_rs`` for the simulator, no completion code in response data, DecodeError /
LocalProtocolError) are those of ``ipmifast.cmds.app``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, IntFlag

from ipmifast.errors import DecodeError, LocalProtocolError

from ._common import (
    SetInProgress,
    check_bits,
    check_bytes,
    check_enum,
    check_flags,
    exactly,
    flag,
    lenient,
    need,
    no_data,
    strict,
)


class ChassisCommand(IntEnum):
    """Chassis command numbers implemented here (Table G-1)."""

    GET_CHASSIS_CAPABILITIES = 0x00
    GET_CHASSIS_STATUS = 0x01
    CHASSIS_CONTROL = 0x02
    CHASSIS_IDENTIFY = 0x04
    SET_POWER_RESTORE_POLICY = 0x06
    GET_SYSTEM_RESTART_CAUSE = 0x07
    SET_SYSTEM_BOOT_OPTIONS = 0x08
    GET_SYSTEM_BOOT_OPTIONS = 0x09
    GET_POH_COUNTER = 0x0F


# ==================================================================================================== §28.1


@dataclass(frozen=True)
class ChassisCapabilities:
    """Get Chassis Capabilities response (§28.1): capability flags and the IPMB addresses of the chassis FRU info,
    SDR, SEL, system management and (optional) bridge devices."""

    intrusion_sensor: bool
    front_panel_lockout: bool
    diagnostic_interrupt: bool
    power_interlock: bool
    fru_info_device_address: int
    sdr_device_address: int
    sel_device_address: int
    system_management_device_address: int
    bridge_device_address: int | None = None


def encode_get_chassis_capabilities_rq() -> bytes:
    """Get Chassis Capabilities request (§28.1): no data."""
    return b""


def decode_get_chassis_capabilities_rq(data: bytes) -> None:
    """Get Chassis Capabilities request (§28.1): no data."""
    no_data(data, "Get Chassis Capabilities request")


def encode_get_chassis_capabilities_rs(result: ChassisCapabilities) -> bytes:
    """Get Chassis Capabilities response data (§28.1)."""
    out = bytes(
        (
            flag(result.power_interlock, 3)
            | flag(result.diagnostic_interrupt, 2)
            | flag(result.front_panel_lockout, 1)
            | flag(result.intrusion_sensor, 0),
            check_bits("fru_info_device_address", result.fru_info_device_address, 8),
            check_bits("sdr_device_address", result.sdr_device_address, 8),
            check_bits("sel_device_address", result.sel_device_address, 8),
            check_bits("system_management_device_address", result.system_management_device_address, 8),
        )
    )
    if result.bridge_device_address is not None:
        out += bytes((check_bits("bridge_device_address", result.bridge_device_address, 8),))
    return out


def decode_get_chassis_capabilities_rs(data: bytes) -> ChassisCapabilities:
    """Get Chassis Capabilities response data (§28.1); the bridge device address is optional."""
    need(data, 5, "Get Chassis Capabilities response")
    return ChassisCapabilities(
        intrusion_sensor=bool(data[0] & 0x01),
        front_panel_lockout=bool(data[0] & 0x02),
        diagnostic_interrupt=bool(data[0] & 0x04),
        power_interlock=bool(data[0] & 0x08),
        fru_info_device_address=data[1],
        sdr_device_address=data[2],
        sel_device_address=data[3],
        system_management_device_address=data[4],
        bridge_device_address=data[5] if len(data) > 5 else None,
    )


# ==================================================================================================== §28.2


class PowerRestorePolicy(IntEnum):
    """Power restore policy (§28.2 byte 1 bits 6:5; §28.8 request byte 1 bits 2:0).

    In Set Power Restore Policy, 3 means "no change" (ask which policies are supported): ``NO_CHANGE`` is an
    alias of ``UNKNOWN``.
    """

    ALWAYS_OFF = 0  # "chassis stays powered off after AC/mains returns"
    PREVIOUS = 1  # "after AC returns, power is restored to the state that was in effect when AC was lost"
    ALWAYS_ON = 2  # "chassis always powers up after AC/mains returns"
    UNKNOWN = 3
    NO_CHANGE = 3


class LastPowerEvent(IntFlag):
    """Get Chassis Status "Last Power Event" (§28.2, byte 2)."""

    AC_FAILED = 0x01
    POWER_OVERLOAD = 0x02  # "last power down caused by a power overload"
    POWER_INTERLOCK = 0x04  # "last power down caused by a power interlock being activated"
    POWER_FAULT = 0x08  # "last power down caused by power fault"
    POWER_ON_BY_IPMI = 0x10  # "last 'Power is on' state was entered via IPMI command"


_LAST_POWER_EVENT_MASK = 0x1F


class ChassisIdentifyState(IntEnum):
    """Chassis identify state (§28.2, byte 3 bits 5:4), reported when byte 3 bit 6 says it is supported."""

    OFF = 0
    TEMPORARY_ON = 1  # "Temporary (timed) On"
    INDEFINITE_ON = 2


@dataclass(frozen=True)
class FrontPanelButtons:
    """Get Chassis Status optional byte 4: front panel button capabilities and disable/enable status (§28.2)."""

    power_off_disabled: bool = False
    reset_disabled: bool = False
    diagnostic_interrupt_disabled: bool = False
    standby_disabled: bool = False
    power_off_disable_allowed: bool = False
    reset_disable_allowed: bool = False
    diagnostic_interrupt_disable_allowed: bool = False
    standby_disable_allowed: bool = False


@dataclass(frozen=True)
class ChassisStatus:
    """Get Chassis Status response (§28.2).

    ``identify_state`` is None unless the BMC sets "chassis identify command and state info supported" (byte 3
    bit 6); ``front_panel`` is None when the BMC omits the optional byte 4 (ipmi_sim does).
    """

    power_on: bool
    power_overload: bool = False
    interlock: bool = False
    power_fault: bool = False
    power_control_fault: bool = False
    restore_policy: PowerRestorePolicy = PowerRestorePolicy.ALWAYS_OFF
    last_power_event: LastPowerEvent = LastPowerEvent(0)
    intrusion: bool = False
    front_panel_lockout: bool = False
    drive_fault: bool = False
    cooling_fault: bool = False
    identify_state: ChassisIdentifyState | None = None
    front_panel: FrontPanelButtons | None = None


def encode_get_chassis_status_rq() -> bytes:
    """Get Chassis Status request (§28.2): no data."""
    return b""


def decode_get_chassis_status_rq(data: bytes) -> None:
    """Get Chassis Status request (§28.2): no data."""
    no_data(data, "Get Chassis Status request")


def encode_get_chassis_status_rs(result: ChassisStatus) -> bytes:
    """Get Chassis Status response data (§28.2)."""
    misc = (
        flag(result.cooling_fault, 3)
        | flag(result.drive_fault, 2)
        | flag(result.front_panel_lockout, 1)
        | flag(result.intrusion, 0)
    )
    if result.identify_state is not None:
        misc |= 0x40 | check_enum("identify_state", result.identify_state, ChassisIdentifyState, 2) << 4
    out = bytes(
        (
            check_enum("restore_policy", result.restore_policy, PowerRestorePolicy, 2) << 5
            | flag(result.power_control_fault, 4)
            | flag(result.power_fault, 3)
            | flag(result.interlock, 2)
            | flag(result.power_overload, 1)
            | flag(result.power_on, 0),
            check_flags("last_power_event", result.last_power_event, LastPowerEvent, _LAST_POWER_EVENT_MASK),
            misc,
        )
    )
    fp = result.front_panel
    if fp is not None:
        out += bytes(
            (
                flag(fp.standby_disable_allowed, 7)
                | flag(fp.diagnostic_interrupt_disable_allowed, 6)
                | flag(fp.reset_disable_allowed, 5)
                | flag(fp.power_off_disable_allowed, 4)
                | flag(fp.standby_disabled, 3)
                | flag(fp.diagnostic_interrupt_disabled, 2)
                | flag(fp.reset_disabled, 1)
                | flag(fp.power_off_disabled, 0),
            )
        )
    return out


def decode_get_chassis_status_rs(data: bytes) -> ChassisStatus:
    """Get Chassis Status response data (§28.2); byte 4 (front panel buttons) is optional."""
    need(data, 3, "Get Chassis Status response")
    power, event, misc = data[0], data[1], data[2]
    front_panel = None
    if len(data) > 3:
        b = data[3]
        front_panel = FrontPanelButtons(
            power_off_disabled=bool(b & 0x01),
            reset_disabled=bool(b & 0x02),
            diagnostic_interrupt_disabled=bool(b & 0x04),
            standby_disabled=bool(b & 0x08),
            power_off_disable_allowed=bool(b & 0x10),
            reset_disable_allowed=bool(b & 0x20),
            diagnostic_interrupt_disable_allowed=bool(b & 0x40),
            standby_disable_allowed=bool(b & 0x80),
        )
    return ChassisStatus(
        power_on=bool(power & 0x01),
        power_overload=bool(power & 0x02),
        interlock=bool(power & 0x04),
        power_fault=bool(power & 0x08),
        power_control_fault=bool(power & 0x10),
        restore_policy=PowerRestorePolicy(power >> 5 & 0x03),
        last_power_event=LastPowerEvent(event & _LAST_POWER_EVENT_MASK),
        intrusion=bool(misc & 0x01),
        front_panel_lockout=bool(misc & 0x02),
        drive_fault=bool(misc & 0x04),
        cooling_fault=bool(misc & 0x08),
        identify_state=strict(ChassisIdentifyState, misc >> 4 & 0x03, "chassis identify state")
        if misc & 0x40
        else None,
        front_panel=front_panel,
    )


# ==================================================================================================== §28.3


class ChassisControl(IntEnum):
    """Chassis Control command values (§28.3, byte 1 bits 3:0)."""

    POWER_DOWN = 0
    POWER_UP = 1
    POWER_CYCLE = 2
    HARD_RESET = 3
    DIAGNOSTIC_INTERRUPT = 4  # "pulse Diagnostic Interrupt"
    SOFT_SHUTDOWN = 5  # "initiate a soft-shutdown of OS via ACPI by emulating a fatal overtemperature"


@dataclass(frozen=True)
class ChassisControlRequest:
    """Chassis Control request (§28.3)."""

    control: ChassisControl


def encode_chassis_control_rq(control: ChassisControl) -> bytes:
    """Chassis Control request (§28.3)."""
    return bytes((check_enum("control", control, ChassisControl, 4),))


def decode_chassis_control_rq(data: bytes) -> ChassisControlRequest:
    """Chassis Control request (§28.3)."""
    exactly(data, (1,), "Chassis Control request")
    return ChassisControlRequest(strict(ChassisControl, data[0] & 0x0F, "chassis control"))


def encode_chassis_control_rs() -> bytes:
    """Chassis Control response (§28.3): completion code only."""
    return b""


def decode_chassis_control_rs(data: bytes) -> None:
    """Chassis Control response (§28.3): completion code only."""


# ==================================================================================================== §28.5


@dataclass(frozen=True)
class ChassisIdentifyRequest:
    """Chassis Identify request (§28.5). Both bytes are optional and sent only when not None.

    No data: identify for the BMC's default interval (15 s). ``interval`` in seconds, 0 = off. ``force_on``
    (byte 2 bit 0) turns identify on indefinitely and needs byte 1 (ipmitool sends ``interval=0``).
    """

    interval: int | None = None
    force_on: bool | None = None


def encode_chassis_identify_rq(interval: int | None = None, force_on: bool | None = None) -> bytes:
    """Chassis Identify request (§28.5)."""
    if interval is None:
        if force_on is not None:
            raise LocalProtocolError("Chassis Identify: force_on needs an interval byte (use interval=0)")
        return b""
    out = bytes((check_bits("interval", interval, 8),))
    if force_on is not None:
        out += bytes((flag(force_on, 0),))
    return out


def decode_chassis_identify_rq(data: bytes) -> ChassisIdentifyRequest:
    """Chassis Identify request (§28.5)."""
    exactly(data, (0, 1, 2), "Chassis Identify request")
    return ChassisIdentifyRequest(
        interval=data[0] if data else None,
        force_on=bool(data[1] & 0x01) if len(data) > 1 else None,
    )


def encode_chassis_identify_rs() -> bytes:
    """Chassis Identify response (§28.5): completion code only."""
    return b""


def decode_chassis_identify_rs(data: bytes) -> None:
    """Chassis Identify response (§28.5): completion code only."""


# ==================================================================================================== §28.8


@dataclass(frozen=True)
class SetPowerRestorePolicyRequest:
    """Set Power Restore Policy request (§28.8). NO_CHANGE only asks which policies are supported."""

    policy: PowerRestorePolicy


@dataclass(frozen=True)
class PowerRestorePolicySupport:
    """Set Power Restore Policy response (§28.8): the policies the BMC supports."""

    always_off: bool
    previous: bool
    always_on: bool


def encode_set_power_restore_policy_rq(policy: PowerRestorePolicy) -> bytes:
    """Set Power Restore Policy request (§28.8)."""
    return bytes((check_enum("policy", policy, PowerRestorePolicy, 3),))


def decode_set_power_restore_policy_rq(data: bytes) -> SetPowerRestorePolicyRequest:
    """Set Power Restore Policy request (§28.8)."""
    exactly(data, (1,), "Set Power Restore Policy request")
    return SetPowerRestorePolicyRequest(strict(PowerRestorePolicy, data[0] & 0x07, "power restore policy"))


def encode_set_power_restore_policy_rs(result: PowerRestorePolicySupport) -> bytes:
    """Set Power Restore Policy response data (§28.8)."""
    return bytes((flag(result.always_on, 2) | flag(result.previous, 1) | flag(result.always_off, 0),))


def decode_set_power_restore_policy_rs(data: bytes) -> PowerRestorePolicySupport:
    """Set Power Restore Policy response data (§28.8)."""
    need(data, 1, "Set Power Restore Policy response")
    return PowerRestorePolicySupport(
        always_off=bool(data[0] & 0x01), previous=bool(data[0] & 0x02), always_on=bool(data[0] & 0x04)
    )


# ==================================================================================================== §28.11


class RestartCause(IntEnum):
    """System restart cause (§28.11, byte 1 bits 3:0). Values the spec reserves decode as plain ints."""

    UNKNOWN = 0x0
    CHASSIS_CONTROL = 0x1  # "Chassis Control command"
    RESET_BUTTON = 0x2  # "reset via pushbutton"
    POWER_BUTTON = 0x3  # "power-up via power pushbutton"
    WATCHDOG = 0x4  # "Watchdog expiration"
    OEM = 0x5
    ALWAYS_RESTORE = 0x6  # "power-up due to 'always restore' power restore policy"
    RESTORE_PREVIOUS = 0x7  # "power-up due to 'restore previous power state' power restore policy"
    PEF_RESET = 0x8
    PEF_POWER_CYCLE = 0x9
    SOFT_RESET = 0xA  # "e.g. CTRL-ALT-DEL"
    RTC_WAKEUP = 0xB  # "power-up via RTC (system real time clock) wakeup"


@dataclass(frozen=True)
class SystemRestartCause:
    """Get System Restart Cause response (§28.11)."""

    restart_cause: RestartCause | int
    channel: int


def encode_get_system_restart_cause_rq() -> bytes:
    """Get System Restart Cause request (§28.11): no data."""
    return b""


def decode_get_system_restart_cause_rq(data: bytes) -> None:
    """Get System Restart Cause request (§28.11): no data."""
    no_data(data, "Get System Restart Cause request")


def encode_get_system_restart_cause_rs(result: SystemRestartCause) -> bytes:
    """Get System Restart Cause response data (§28.11)."""
    return bytes((check_bits("restart_cause", result.restart_cause, 4), check_bits("channel", result.channel, 8)))


def decode_get_system_restart_cause_rs(data: bytes) -> SystemRestartCause:
    """Get System Restart Cause response data (§28.11)."""
    need(data, 2, "Get System Restart Cause response")
    return SystemRestartCause(lenient(RestartCause, data[0] & 0x0F), data[1])


# ==================================================================================================== §28.14


@dataclass(frozen=True)
class PohCounter:
    """Get POH Counter response (§28.14): minutes per count and the counter reading."""

    minutes_per_count: int
    counter_reading: int

    @property
    def minutes(self) -> int:
        """Power-on time in minutes."""
        return self.minutes_per_count * self.counter_reading


def encode_get_poh_counter_rq() -> bytes:
    """Get POH Counter request (§28.14): no data."""
    return b""


def decode_get_poh_counter_rq(data: bytes) -> None:
    """Get POH Counter request (§28.14): no data."""
    no_data(data, "Get POH Counter request")


def encode_get_poh_counter_rs(result: PohCounter) -> bytes:
    """Get POH Counter response data (§28.14)."""
    return bytes((check_bits("minutes_per_count", result.minutes_per_count, 8),)) + check_bits(
        "counter_reading", result.counter_reading, 32
    ).to_bytes(4, "little")


def decode_get_poh_counter_rs(data: bytes) -> PohCounter:
    """Get POH Counter response data (§28.14)."""
    need(data, 5, "Get POH Counter response")
    return PohCounter(data[0], int.from_bytes(data[1:5], "little"))


# ====================================================================================== §28.12-28.13 boot options


class BootOptionParameter(IntEnum):
    """Boot option parameter selectors (Table 28-14)."""

    SET_IN_PROGRESS = 0
    SERVICE_PARTITION_SELECTOR = 1
    SERVICE_PARTITION_SCAN = 2
    BOOT_FLAG_VALID_BIT_CLEARING = 3
    BOOT_INFO_ACKNOWLEDGE = 4
    BOOT_FLAGS = 5
    BOOT_INITIATOR_INFO = 6
    BOOT_INITIATOR_MAILBOX = 7


@dataclass(frozen=True)
class ServicePartitionScan:
    """Boot option parameter 2 (Table 28-14)."""

    scan_requested: bool = False  # bit 1: "request BIOS to scan for specified service partition"
    discovered: bool = False  # bit 0: "service partition discovered"


class BootFlagValidBitClearing(IntFlag):
    """Boot option parameter 3 (Table 28-14): events that must NOT clear the boot flags' valid bit."""

    POWER_BUTTON = 0x01  # "don't clear valid bit on power up via power pushbutton or wake event"
    RESET_BUTTON = 0x02  # "... on pushbutton reset / soft reset (e.g. Ctrl-Alt-Del)"
    WATCHDOG = 0x04  # "... on reset/power cycle caused by watchdog timeout"
    TIMEOUT = 0x08  # "don't automatically clear ... if Chassis Control command not received within 60 s"
    PEF = 0x10  # "... on reset/power cycle caused by PEF"


class BootInitiators(IntFlag):
    """Boot option parameter 4 (Table 28-14): who has handled the boot info."""

    BIOS_POST = 0x01
    OS_LOADER = 0x02
    OS_SERVICE_PARTITION = 0x04
    SMS = 0x08
    OEM = 0x10


@dataclass(frozen=True)
class BootInfoAcknowledge:
    """Boot option parameter 4 (Table 28-14): a write mask and the acknowledge bits it enables."""

    write_mask: BootInitiators
    acknowledged: BootInitiators


class BootDevice(IntEnum):
    """Boot device selector (Table 28-14, parameter 5 data 2 bits 5:2); ipmitool's ``chassis bootdev`` names in
    the comments. Reserved values decode as plain ints."""

    NO_OVERRIDE = 0x0  # none
    PXE = 0x1  # pxe
    DISK = 0x2  # disk: "force boot from default hard-drive"
    SAFE = 0x3  # safe: "... default hard-drive, request Safe Mode"
    DIAG = 0x4  # diag: "... default diagnostic partition"
    CDROM = 0x5  # cdrom: "... default CD/DVD"
    BIOS = 0x6  # bios: "force boot into BIOS setup"
    REMOTE_FLOPPY = 0x7  # "... remotely connected (redirected) floppy / primary removable media"
    REMOTE_CDROM = 0x8  # "... remotely connected CD/DVD"
    REMOTE_PRIMARY_MEDIA = 0x9  # "... primary remote media"
    REMOTE_DISK = 0xB  # "... remotely connected hard drive"
    FLOPPY = 0xF  # floppy: "force boot from floppy / primary removable media"


class FirmwareVerbosity(IntEnum):
    """BIOS verbosity (Table 28-14, parameter 5 data 3 bits 6:5)."""

    DEFAULT = 0
    QUIET = 1
    VERBOSE = 2


class ConsoleRedirection(IntEnum):
    """Console redirection control (Table 28-14, parameter 5 data 3 bits 1:0)."""

    BIOS_SETTING = 0  # "console redirection occurs per BIOS configuration setting (default)"
    SUPPRESS = 1
    ENABLE = 2


@dataclass(frozen=True)
class BootFlags:
    """Boot option parameter 5, boot flags (Table 28-14), five data bytes.

    ``boot_flags_valid`` is data 1 bit 7, ``persistent`` bit 6 (0 = next boot only), ``efi`` bit 5 (boot type:
    0 = PC compatible / legacy, 1 = EFI).
    """

    boot_device: BootDevice | int = BootDevice.NO_OVERRIDE
    boot_flags_valid: bool = True
    persistent: bool = False
    efi: bool = False
    cmos_clear: bool = False
    lock_keyboard: bool = False
    screen_blank: bool = False
    lock_out_reset_button: bool = False
    lock_out_power_button: bool = False
    firmware_verbosity: FirmwareVerbosity = FirmwareVerbosity.DEFAULT
    force_progress_event_traps: bool = False
    user_password_bypass: bool = False
    lock_out_sleep_button: bool = False
    console_redirection: ConsoleRedirection = ConsoleRedirection.BIOS_SETTING
    bios_shared_mode_override: bool = False
    bios_mux_control_override: int = 0
    device_instance: int = 0


@dataclass(frozen=True)
class BootInitiatorInfo:
    """Boot option parameter 6 (Table 28-14): the channel and session that set the boot options, and when."""

    channel: int
    session_id: int
    boot_info_timestamp: int


@dataclass(frozen=True)
class BootInitiatorMailbox:
    """Boot option parameter 7 (Table 28-14): one 16-byte block of the mailbox."""

    set_selector: int
    block_data: bytes


BootOptionValue = (
    SetInProgress
    | int
    | ServicePartitionScan
    | BootFlagValidBitClearing
    | BootInfoAcknowledge
    | BootFlags
    | BootInitiatorInfo
    | BootInitiatorMailbox
    | bytes
)
"""Typed value of a boot option parameter: parameters 0-7 as above (1 is the service partition selector, an
int), raw bytes for the others (OEM parameters 96-127)."""

_BOOT_FLAGS_LEN = 5


def encode_boot_option_value(parameter: int, value: BootOptionValue) -> bytes:
    """The configuration parameter data of boot option ``parameter`` (Table 28-14)."""
    p = check_bits("parameter", parameter, 7)
    if p == BootOptionParameter.SET_IN_PROGRESS and isinstance(value, int):
        return bytes((check_enum("set in progress", value, SetInProgress, 2),))
    if p == BootOptionParameter.SERVICE_PARTITION_SELECTOR and isinstance(value, int):
        return bytes((check_bits("service partition selector", value, 8),))
    if p == BootOptionParameter.SERVICE_PARTITION_SCAN and isinstance(value, ServicePartitionScan):
        return bytes((flag(value.scan_requested, 1) | flag(value.discovered, 0),))
    if p == BootOptionParameter.BOOT_FLAG_VALID_BIT_CLEARING and isinstance(value, int):
        return bytes((check_flags("boot flag valid bit clearing", value, BootFlagValidBitClearing, 0x1F),))
    if p == BootOptionParameter.BOOT_INFO_ACKNOWLEDGE and isinstance(value, BootInfoAcknowledge):
        return bytes(
            (
                check_flags("write_mask", value.write_mask, BootInitiators, 0x1F),
                check_flags("acknowledged", value.acknowledged, BootInitiators, 0x1F),
            )
        )
    if p == BootOptionParameter.BOOT_FLAGS and isinstance(value, BootFlags):
        return bytes(
            (
                flag(value.boot_flags_valid, 7) | flag(value.persistent, 6) | flag(value.efi, 5),
                flag(value.cmos_clear, 7)
                | flag(value.lock_keyboard, 6)
                | check_bits("boot_device", value.boot_device, 4) << 2
                | flag(value.screen_blank, 1)
                | flag(value.lock_out_reset_button, 0),
                flag(value.lock_out_power_button, 7)
                | check_enum("firmware_verbosity", value.firmware_verbosity, FirmwareVerbosity, 2) << 5
                | flag(value.force_progress_event_traps, 4)
                | flag(value.user_password_bypass, 3)
                | flag(value.lock_out_sleep_button, 2)
                | check_enum("console_redirection", value.console_redirection, ConsoleRedirection, 2),
                flag(value.bios_shared_mode_override, 3)
                | check_bits("bios_mux_control_override", value.bios_mux_control_override, 3),
                check_bits("device_instance", value.device_instance, 5),
            )
        )
    if p == BootOptionParameter.BOOT_INITIATOR_INFO and isinstance(value, BootInitiatorInfo):
        return (
            bytes((check_bits("channel", value.channel, 4),))
            + check_bits("session_id", value.session_id, 32).to_bytes(4, "little")
            + check_bits("boot_info_timestamp", value.boot_info_timestamp, 32).to_bytes(4, "little")
        )
    if p == BootOptionParameter.BOOT_INITIATOR_MAILBOX and isinstance(value, BootInitiatorMailbox):
        return bytes((check_bits("set_selector", value.set_selector, 8),)) + check_bytes(
            "block_data", value.block_data, 16
        )
    if p > BootOptionParameter.BOOT_INITIATOR_MAILBOX and isinstance(value, bytes):
        return value
    raise LocalProtocolError(f"boot option parameter {p} does not take a {type(value).__name__}")


def decode_boot_option_value(parameter: int, data: bytes) -> BootOptionValue:
    """The typed value of boot option ``parameter`` from its configuration parameter data (Table 28-14)."""
    what = f"boot option parameter {parameter}"
    if parameter > BootOptionParameter.BOOT_INITIATOR_MAILBOX:
        return bytes(data)
    if parameter == BootOptionParameter.BOOT_FLAGS:
        need(data, _BOOT_FLAGS_LEN, what)
        return BootFlags(
            boot_flags_valid=bool(data[0] & 0x80),
            persistent=bool(data[0] & 0x40),
            efi=bool(data[0] & 0x20),
            cmos_clear=bool(data[1] & 0x80),
            lock_keyboard=bool(data[1] & 0x40),
            boot_device=lenient(BootDevice, data[1] >> 2 & 0x0F),
            screen_blank=bool(data[1] & 0x02),
            lock_out_reset_button=bool(data[1] & 0x01),
            lock_out_power_button=bool(data[2] & 0x80),
            firmware_verbosity=strict(FirmwareVerbosity, data[2] >> 5 & 0x03, "firmware verbosity"),
            force_progress_event_traps=bool(data[2] & 0x10),
            user_password_bypass=bool(data[2] & 0x08),
            lock_out_sleep_button=bool(data[2] & 0x04),
            console_redirection=strict(ConsoleRedirection, data[2] & 0x03, "console redirection"),
            bios_shared_mode_override=bool(data[3] & 0x08),
            bios_mux_control_override=data[3] & 0x07,
            device_instance=data[4] & 0x1F,
        )
    if parameter == BootOptionParameter.BOOT_INITIATOR_INFO:
        need(data, 9, what)
        return BootInitiatorInfo(
            data[0] & 0x0F, int.from_bytes(data[1:5], "little"), int.from_bytes(data[5:9], "little")
        )
    if parameter == BootOptionParameter.BOOT_INITIATOR_MAILBOX:
        need(data, 1, what)
        return BootInitiatorMailbox(data[0], bytes(data[1:17]))
    if parameter == BootOptionParameter.BOOT_INFO_ACKNOWLEDGE:
        need(data, 2, what)
        return BootInfoAcknowledge(BootInitiators(data[0] & 0x1F), BootInitiators(data[1] & 0x1F))
    need(data, 1, what)
    if parameter == BootOptionParameter.SET_IN_PROGRESS:
        return strict(SetInProgress, data[0] & 0x03, "set in progress")
    if parameter == BootOptionParameter.SERVICE_PARTITION_SELECTOR:
        return data[0]
    if parameter == BootOptionParameter.SERVICE_PARTITION_SCAN:
        return ServicePartitionScan(scan_requested=bool(data[0] & 0x02), discovered=bool(data[0] & 0x01))
    return BootFlagValidBitClearing(data[0] & 0x1F)


@dataclass(frozen=True)
class SetSystemBootOptionsRequest:
    """Set System Boot Options request (§28.12). ``parameter_locked`` is byte 1 bit 7 ("mark parameter invalid /
    locked"); ``value`` is typed as ``BootOptionValue``."""

    parameter: int
    value: BootOptionValue
    parameter_locked: bool = False


@dataclass(frozen=True)
class GetSystemBootOptionsRequest:
    """Get System Boot Options request (§28.13)."""

    parameter: int
    set_selector: int = 0
    block_selector: int = 0


@dataclass(frozen=True)
class SystemBootOption:
    """Get System Boot Options response (§28.13): parameter version (1), the parameter selector, whether the
    parameter is marked invalid/locked (byte 2 bit 7) and the typed value."""

    parameter: int
    value: BootOptionValue
    parameter_locked: bool = False
    parameter_version: int = 1


def encode_set_system_boot_options_rq(parameter: int, value: BootOptionValue, parameter_locked: bool = False) -> bytes:
    """Set System Boot Options request (§28.12)."""
    return bytes((flag(parameter_locked, 7) | check_bits("parameter", parameter, 7),)) + encode_boot_option_value(
        parameter, value
    )


def decode_set_system_boot_options_rq(data: bytes) -> SetSystemBootOptionsRequest:
    """Set System Boot Options request (§28.12)."""
    need(data, 1, "Set System Boot Options request")
    parameter = data[0] & 0x7F
    lengths: dict[int, int] = {
        BootOptionParameter.SET_IN_PROGRESS: 1,
        BootOptionParameter.SERVICE_PARTITION_SELECTOR: 1,
        BootOptionParameter.SERVICE_PARTITION_SCAN: 1,
        BootOptionParameter.BOOT_FLAG_VALID_BIT_CLEARING: 1,
        BootOptionParameter.BOOT_INFO_ACKNOWLEDGE: 2,
        BootOptionParameter.BOOT_FLAGS: _BOOT_FLAGS_LEN,
        BootOptionParameter.BOOT_INITIATOR_INFO: 9,
    }
    expected = lengths.get(parameter)
    if expected is not None:
        exactly(data, (1 + expected,), f"Set System Boot Options request, parameter {parameter}")
    elif parameter == BootOptionParameter.BOOT_INITIATOR_MAILBOX:
        exactly(data, tuple(range(2, 19)), "Set System Boot Options request, parameter 7")
    return SetSystemBootOptionsRequest(parameter, decode_boot_option_value(parameter, data[1:]), bool(data[0] & 0x80))


def encode_set_system_boot_options_rs() -> bytes:
    """Set System Boot Options response (§28.12): completion code only (80h-82h: see completion_code_text)."""
    return b""


def decode_set_system_boot_options_rs(data: bytes) -> None:
    """Set System Boot Options response (§28.12): completion code only."""


def encode_get_system_boot_options_rq(parameter: int, set_selector: int = 0, block_selector: int = 0) -> bytes:
    """Get System Boot Options request (§28.13)."""
    return bytes(
        (
            check_bits("parameter", parameter, 7),
            check_bits("set_selector", set_selector, 8),
            check_bits("block_selector", block_selector, 8),
        )
    )


def decode_get_system_boot_options_rq(data: bytes) -> GetSystemBootOptionsRequest:
    """Get System Boot Options request (§28.13)."""
    exactly(data, (3,), "Get System Boot Options request")
    return GetSystemBootOptionsRequest(data[0] & 0x7F, data[1], data[2])


def encode_get_system_boot_options_rs(result: SystemBootOption) -> bytes:
    """Get System Boot Options response data (§28.13)."""
    return bytes(
        (
            check_bits("parameter_version", result.parameter_version, 4),
            flag(result.parameter_locked, 7) | check_bits("parameter", result.parameter, 7),
        )
    ) + encode_boot_option_value(result.parameter, result.value)


def decode_get_system_boot_options_rs(data: bytes) -> SystemBootOption:
    """Get System Boot Options response data (§28.13); the parameter selector is echoed in byte 2."""
    need(data, 2, "Get System Boot Options response")
    parameter = data[1] & 0x7F
    try:
        value = decode_boot_option_value(parameter, data[2:])
    except DecodeError as e:
        raise DecodeError(f"Get System Boot Options response: {e}") from None
    return SystemBootOption(parameter, value, bool(data[1] & 0x80), data[0] & 0x0F)
