"""Chassis command codecs (IPMI v2.0 ch. 28): codec tables both ways, decoder and encoder errors.

Provenance as in test_app: captures name their file and frame, "ipmi_sim" rows are ipmi_sim 2.0.33's answers
(also what ipmitool printed in VERIFIED.md), the others were laid out by hand from the spec.
"""

from __future__ import annotations

import pytest

from ipmifast.cmds import SetInProgress
from ipmifast.cmds import chassis as c
from ipmifast.errors import DecodeError, LocalProtocolError

from .table import Rq, Rs, check_rq, check_rs

SIM = "ipmi_sim 2.0.33, probed over RMCP+ suite 3"
BF = c.BootFlags

SIMPLE_RQ = [
    Rq("get_chassis_capabilities", None, ""),
    Rq("get_chassis_status", None, "", "c-lanplus-c1-chassis-power frame 19"),
    Rq("chassis_control", c.ChassisControlRequest(c.ChassisControl.POWER_DOWN), "00", "ipmitool power off"),
    Rq("chassis_control", c.ChassisControlRequest(c.ChassisControl.POWER_UP), "01", "ipmitool power on"),
    Rq("chassis_control", c.ChassisControlRequest(c.ChassisControl.POWER_CYCLE), "02"),
    Rq("chassis_control", c.ChassisControlRequest(c.ChassisControl.HARD_RESET), "03"),
    Rq("chassis_control", c.ChassisControlRequest(c.ChassisControl.DIAGNOSTIC_INTERRUPT), "04"),
    Rq("chassis_control", c.ChassisControlRequest(c.ChassisControl.SOFT_SHUTDOWN), "05"),
    Rq("chassis_identify", c.ChassisIdentifyRequest(), "", "ipmitool chassis identify (default 15 s)"),
    Rq("chassis_identify", c.ChassisIdentifyRequest(0, True), "0001", "ipmitool chassis identify force"),
    Rq("chassis_identify", c.ChassisIdentifyRequest(0), "00", "ipmitool chassis identify 0"),
    Rq("chassis_identify", c.ChassisIdentifyRequest(240, False), "f000"),
    Rq("set_power_restore_policy", c.SetPowerRestorePolicyRequest(c.PowerRestorePolicy.PREVIOUS), "01"),
    Rq("set_power_restore_policy", c.SetPowerRestorePolicyRequest(c.PowerRestorePolicy.NO_CHANGE), "03"),
    Rq("get_system_restart_cause", None, ""),
    Rq("get_poh_counter", None, ""),
    Rq("get_system_boot_options", c.GetSystemBootOptionsRequest(5), "050000", "ipmitool chassis bootparam get 5"),
    Rq("get_system_boot_options", c.GetSystemBootOptionsRequest(7, 2, 0), "070200"),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(5, BF(c.BootDevice.PXE)),
        "058004000000",
        "ipmitool chassis bootdev pxe",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(5, BF(c.BootDevice.CDROM, True, True, True)),
        "05e014000000",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(
            5,
            BF(
                boot_device=c.BootDevice.BIOS,
                cmos_clear=True,
                lock_keyboard=True,
                screen_blank=True,
                lock_out_reset_button=True,
                lock_out_power_button=True,
                firmware_verbosity=c.FirmwareVerbosity.VERBOSE,
                force_progress_event_traps=True,
                user_password_bypass=True,
                lock_out_sleep_button=True,
                console_redirection=c.ConsoleRedirection.SUPPRESS,
                bios_shared_mode_override=True,
                bios_mux_control_override=3,
                device_instance=0x11,
            ),
        ),
        "0580dbdd0b11",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(5, BF(boot_flags_valid=False), parameter_locked=True),
        "850000000000",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(0, SetInProgress.SET_IN_PROGRESS),
        "0001",
        "ipmitool chassis bootdev (set in progress before the flags)",
    ),
    Rq("set_system_boot_options", c.SetSystemBootOptionsRequest(0, SetInProgress.COMMIT_WRITE), "0002"),
    Rq("set_system_boot_options", c.SetSystemBootOptionsRequest(1, 0x42), "0142"),
    Rq("set_system_boot_options", c.SetSystemBootOptionsRequest(2, c.ServicePartitionScan(True, False)), "0202"),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(3, c.BootFlagValidBitClearing.POWER_BUTTON | c.BootFlagValidBitClearing.PEF),
        "0311",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(4, c.BootInfoAcknowledge(c.BootInitiators.BIOS_POST, c.BootInitiators.BIOS_POST)),
        "040101",
        "ipmitool chassis bootdev (clears the BIOS/POST acknowledge)",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(6, c.BootInitiatorInfo(1, 0x01020304, 0x11223344)),
        "06010403020144332211",
    ),
    Rq(
        "set_system_boot_options",
        c.SetSystemBootOptionsRequest(7, c.BootInitiatorMailbox(0, b"IPMI")),
        "0700" + b"IPMI".hex(),
    ),
    Rq("set_system_boot_options", c.SetSystemBootOptionsRequest(0x60, b"\xde\xad"), "60dead"),
]

SIMPLE_RS = [
    Rs("get_chassis_status", c.ChassisStatus(power_on=True), "010000", "c-lanplus-c1-chassis-power frame 20"),
    Rs("get_chassis_status", c.ChassisStatus(power_on=False), "000000", f"{SIM}: after Chassis Control power down"),
    Rs(
        "get_chassis_status",
        c.ChassisStatus(
            power_on=True,
            power_overload=True,
            interlock=True,
            power_fault=True,
            power_control_fault=True,
            restore_policy=c.PowerRestorePolicy.PREVIOUS,
            last_power_event=c.LastPowerEvent.POWER_ON_BY_IPMI | c.LastPowerEvent.AC_FAILED,
            intrusion=True,
            front_panel_lockout=True,
            drive_fault=True,
            cooling_fault=True,
            identify_state=c.ChassisIdentifyState.INDEFINITE_ON,
            front_panel=c.FrontPanelButtons(
                reset_disabled=True, reset_disable_allowed=True, standby_disable_allowed=True
            ),
        ),
        "3f116fa2",
    ),
    Rs(
        "get_chassis_status",
        c.ChassisStatus(
            False, restore_policy=c.PowerRestorePolicy.ALWAYS_ON, identify_state=c.ChassisIdentifyState.TEMPORARY_ON
        ),
        "400050",
    ),
    Rs(
        "get_chassis_status",
        c.ChassisStatus(True, restore_policy=c.PowerRestorePolicy.UNKNOWN, front_panel=c.FrontPanelButtons()),
        "61000000",
    ),
    Rs("chassis_control", None, ""),
    Rs(
        "get_chassis_capabilities",
        c.ChassisCapabilities(True, False, False, True, 0x20, 0x20, 0x20, 0x20),
        "0920202020",
    ),
    Rs(
        "get_chassis_capabilities",
        c.ChassisCapabilities(False, True, True, False, 0x20, 0x22, 0x24, 0x26, 0x28),
        "062022242628",
    ),
    Rs("set_power_restore_policy", c.PowerRestorePolicySupport(True, True, True), "07"),
    Rs("set_power_restore_policy", c.PowerRestorePolicySupport(True, False, True), "05"),
    Rs("get_system_restart_cause", c.SystemRestartCause(c.RestartCause.RESTORE_PREVIOUS, 1), "0701"),
    Rs("get_system_restart_cause", c.SystemRestartCause(0x0C, 0x0F), "0c0f"),  # reserved cause kept as an int
    Rs("get_poh_counter", c.PohCounter(60, 10000), "3c10270000"),
    Rs(
        "get_system_boot_options",
        c.SystemBootOption(5, BF(c.BootDevice.PXE, boot_flags_valid=False)),
        "01050004000000",
        f"{SIM} after bootdev pxe; ipmitool: 'Boot parameter data: 0004000000', 'Force PXE'",
    ),
    Rs(
        "get_system_boot_options",
        c.SystemBootOption(5, BF(c.BootDevice.DISK, boot_flags_valid=False)),
        "01050008000000",
        f"{SIM}: a new BMC (chassis-control.sh 'default')",
    ),
    Rs("get_system_boot_options", c.SystemBootOption(1, 0), "010100", f"{SIM}: service partition selector"),
    Rs("get_system_boot_options", c.SystemBootOption(0, SetInProgress.SET_COMPLETE, True), "018000"),
    Rs("get_system_boot_options", c.SystemBootOption(0x61, b""), "0161"),
    Rs(
        "get_system_boot_options",
        c.SystemBootOption(7, c.BootInitiatorMailbox(1, bytes(range(16)))),
        "010701" + bytes(range(16)).hex(),
    ),
]


@pytest.mark.parametrize("row", SIMPLE_RQ, ids=lambda r: f"{r.cmd}-{r.hex or 'empty'}")
def test_request_table(row: Rq) -> None:
    check_rq(c, row)


@pytest.mark.parametrize("row", SIMPLE_RS, ids=lambda r: f"{r.cmd}-{r.hex or 'empty'}")
def test_response_table(row: Rs) -> None:
    check_rs(c, row)


def test_poh_minutes_and_restore_policy_alias() -> None:
    assert c.PohCounter(60, 10000).minutes == 600000
    assert c.PowerRestorePolicy.NO_CHANGE is c.PowerRestorePolicy.UNKNOWN


@pytest.mark.parametrize(
    "cmd,hex_",
    [
        ("get_chassis_status", "0100"),
        ("get_chassis_status", "010070"),  # identify state 11b reserved
        ("get_chassis_capabilities", "09202020"),
        ("set_power_restore_policy", ""),
        ("get_system_restart_cause", "07"),
        ("get_poh_counter", "3c102700"),
        ("get_system_boot_options", "01"),
        ("get_system_boot_options", "0104"),  # ipmi_sim's answer for parameter 4: no data
        ("get_system_boot_options", "010500040000"),  # boot flags need 5 bytes
        ("get_system_boot_options", "01050000600000"),  # BIOS verbosity 11b reserved
        ("get_system_boot_options", "01050000030000"),  # console redirection 11b reserved
        ("get_system_boot_options", "010003"),  # set in progress 11b reserved
    ],
)
def test_truncated_or_reserved_responses_raise_decode_error(cmd: str, hex_: str) -> None:
    with pytest.raises(DecodeError):
        getattr(c, f"decode_{cmd}_rs")(bytes.fromhex(hex_))


@pytest.mark.parametrize(
    "cmd,hex_",
    [
        ("get_chassis_status", "00"),
        ("chassis_control", ""),
        ("chassis_control", "06"),
        ("chassis_identify", "000100"),
        ("set_power_restore_policy", "04"),
        ("get_system_boot_options", "0500"),
        ("set_system_boot_options", ""),
        ("set_system_boot_options", "0580040000"),
        ("set_system_boot_options", "00"),
        ("set_system_boot_options", "0700" + "00" * 17),
    ],
)
def test_malformed_requests_raise_decode_error(cmd: str, hex_: str) -> None:
    with pytest.raises(DecodeError):
        getattr(c, f"decode_{cmd}_rq")(bytes.fromhex(hex_))


@pytest.mark.parametrize(
    "call",
    [
        lambda: c.encode_chassis_control_rq(6),  # type: ignore[arg-type]
        lambda: c.encode_chassis_identify_rq(force_on=True),
        lambda: c.encode_chassis_identify_rq(256),
        lambda: c.encode_set_power_restore_policy_rq(4),  # type: ignore[arg-type]
        lambda: c.encode_set_system_boot_options_rq(5, SetInProgress.SET_COMPLETE),
        lambda: c.encode_set_system_boot_options_rq(0, BF()),
        lambda: c.encode_set_system_boot_options_rq(1, b"\x00"),
        lambda: c.encode_set_system_boot_options_rq(128, b""),
        lambda: c.encode_set_system_boot_options_rq(5, BF(boot_device=16)),
        lambda: c.encode_set_system_boot_options_rq(5, BF(device_instance=32)),
        lambda: c.encode_set_system_boot_options_rq(7, c.BootInitiatorMailbox(0, bytes(17))),
        lambda: c.encode_get_chassis_status_rs(c.ChassisStatus(True, last_power_event=0x20)),  # type: ignore[arg-type]
        lambda: c.encode_get_system_restart_cause_rs(c.SystemRestartCause(16, 0)),
    ],
)
def test_encoders_refuse_out_of_range_arguments(call: object) -> None:
    with pytest.raises(LocalProtocolError):
        call()  # type: ignore[operator]
