"""Real clients drive the simulator on loopback: ipmitool (``-I lanplus -C 3``, ``-C 17``, ``-I lan -A MD5``),
FreeIPMI and pyghmi, and what they print is checked against the simulated BMC's state."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from ipmifast.cmds import chassis
from ipmifast.cmds._common import PrivilegeLevel
from ipmifast.cmds.app import Guid, TimeoutAction, TimerUse
from ipmifast.sim.fleet import Fleet

from .conftest import INTERFACES, freeipmi, ipmitool, on_loop, run_ipmitool

pytestmark = pytest.mark.interop
HOST = "127.88.0.2"
PTY_RUN = Path(__file__).resolve().parent.parent / "data" / "testbed" / "pty-run.py"


def fields(text: str) -> dict[str, str]:
    """``Label : value`` lines of ipmitool/FreeIPMI output (first occurrence of each label)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        label, sep, value = line.partition(":")
        if sep and label.strip() and label.strip() not in out:
            out[label.strip()] = value.strip()
    return out


def power_on(sim: Fleet, host: str = HOST) -> None:
    def set_on() -> None:
        bmc = sim.bmc(host)
        bmc.state.chassis.pending = None
        bmc.power(True, bmc.clock(), "power-on")

    on_loop(sim, set_on)


def wait_for(predicate: object, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


# ----------------------------------------------------------------------------------------------------- chassis


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_power_commands_change_the_state(sim: Fleet, interface: list[str]) -> None:
    state = sim.bmc(HOST).state.chassis
    power_on(sim)
    assert ipmitool(sim, HOST, *interface, "power", "status").strip() == "Chassis Power is on"
    assert ipmitool(sim, HOST, *interface, "power", "off").strip() == "Chassis Power Control: Down/Off"
    assert state.power_on is False
    assert ipmitool(sim, HOST, *interface, "power", "status").strip() == "Chassis Power is off"
    ipmitool(sim, HOST, *interface, "power", "on")
    assert state.power_on is True
    assert ipmitool(sim, HOST, *interface, "power", "cycle").strip() == "Chassis Power Control: Cycle"
    assert state.power_on is False
    assert wait_for(lambda: state.power_on, state.cycle_delay + 2)  # back on by itself
    assert ipmitool(sim, HOST, *interface, "power", "soft").strip() == "Chassis Power Control: Soft"
    assert ipmitool(sim, HOST, *interface, "power", "status").strip() == "Chassis Power is on"  # shutting down
    assert wait_for(lambda: not state.power_on, state.soft_off_delay + 2)
    assert ipmitool(sim, HOST, *interface, "power", "status").strip() == "Chassis Power is off"


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_chassis_status_prints_the_state(sim: Fleet, interface: list[str]) -> None:
    power_on(sim)

    def faults() -> None:
        c = sim.bmc(HOST).state.chassis
        c.intrusion, c.cooling_fault, c.restore_policy = True, True, chassis.PowerRestorePolicy.ALWAYS_ON

    on_loop(sim, faults)
    try:
        out = fields(ipmitool(sim, HOST, *interface, "chassis", "status"))
        assert out["System Power"] == "on"
        assert out["Chassis Intrusion"] == "active"
        assert out["Cooling/Fan Fault"] == "true"
        assert out["Drive Fault"] == "false"
        assert out["Power Restore Policy"] == "always-on"
        assert out["Power Button Disable"] == "allowed"
    finally:
        def clear() -> None:
            c = sim.bmc(HOST).state.chassis
            c.intrusion, c.cooling_fault, c.restore_policy = False, False, chassis.PowerRestorePolicy.PREVIOUS

        on_loop(sim, clear)


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_bootdev_identify_restart_cause_and_poh(sim: Fleet, interface: list[str]) -> None:
    lanplus = interface
    bmc = sim.bmc(HOST)
    assert ipmitool(sim, HOST, *lanplus, "chassis", "bootdev", "pxe").strip() == "Set Boot Device to pxe"
    flags = bmc.state.chassis.boot.flags
    assert (flags.boot_device, flags.boot_flags_valid, flags.persistent) == (chassis.BootDevice.PXE, True, False)
    out = ipmitool(sim, HOST, *lanplus, "chassis", "bootparam", "get", "5")
    assert "Boot Device Selector : Force PXE" in out and "Options apply to only next boot" in out
    ipmitool(sim, HOST, *lanplus, "chassis", "bootdev", "disk", "options=persistent,efiboot")
    flags = bmc.state.chassis.boot.flags
    assert (flags.boot_device, flags.persistent, flags.efi) == (chassis.BootDevice.DISK, True, True)
    assert "BIOS EFI boot" in ipmitool(sim, HOST, *lanplus, "chassis", "bootparam", "get", "5")
    before = time.monotonic()
    assert "default (15 seconds)" in ipmitool(sim, HOST, *lanplus, "chassis", "identify")
    assert bmc.state.chassis.identify_until - bmc.clock() > 13 - (time.monotonic() - before)
    status = fields(freeipmi("ipmi-chassis", sim, HOST, "--get-chassis-status"))
    assert status["Chassis Identify state"] == "Timed on"
    assert "indefinite" in ipmitool(sim, HOST, *lanplus, "chassis", "identify", "force")
    assert bmc.state.chassis.identify_forced
    ipmitool(sim, HOST, *lanplus, "chassis", "identify", "0")
    assert not bmc.state.chassis.identify_forced
    power_on(sim)
    ipmitool(sim, HOST, *lanplus, "power", "reset")
    assert ipmitool(sim, HOST, *lanplus, "chassis", "restart_cause").strip() == (
        "System restart cause: chassis power control command")
    hours = bmc.state.chassis.poh(bmc.clock()) // 60
    poh = ipmitool(sim, HOST, *lanplus, "chassis", "poh")
    assert poh.strip() == f"POH Counter  : {hours // 24} days, {hours % 24} hours"
    ipmitool(sim, HOST, *lanplus, "chassis", "policy", "always-off")
    assert bmc.state.chassis.restore_policy == chassis.PowerRestorePolicy.ALWAYS_OFF
    ipmitool(sim, HOST, *lanplus, "chassis", "policy", "previous")


# -------------------------------------------------------------------------------------------------------- mc


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_mc_info_guid_and_raw(sim: Fleet, interface: list[str]) -> None:
    s = sim.bmc(HOST).state
    out = fields(ipmitool(sim, HOST, *interface, "mc", "info"))
    assert out["Manufacturer ID"] == str(s.manufacturer_id)
    assert out["Product ID"] == f"{s.product_id} (0x{s.product_id:04x})"
    assert out["Firmware Revision"] == f"{s.firmware[0]}.{s.firmware[1]:02d}"
    assert out["Device ID"] == str(s.device_id) and out["IPMI Version"] == "2.0"
    guid = fields(ipmitool(sim, HOST, *interface, "mc", "guid"))
    assert guid["System GUID"] == Guid(s.system_guid).uuid  # a version 4 GUID, decoded the IPMI way
    assert (guid["GUID Encoding"], guid["GUID Version"]) == ("IPMI", "Random or pseudo-random")
    raw = ipmitool(sim, HOST, *interface, "raw", "0x06", "0x01").split()
    assert int(raw[0], 16) == s.device_id
    assert int(raw[8] + raw[7] + raw[6], 16) == s.manufacturer_id
    assert int(raw[10] + raw[9], 16) == s.product_id


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_watchdog_get_shows_the_running_countdown(sim: Fleet, interface: list[str]) -> None:
    def start() -> None:
        bmc = sim.bmc(HOST)
        w = bmc.state.watchdog
        w.timer_use, w.timeout_action, w.initial_countdown, w.initialized = (
            TimerUse.OS_LOAD, TimeoutAction.NO_ACTION, 600, True)
        w.start(bmc.clock())
        bmc.timers_changed()

    on_loop(sim, start)
    time.sleep(0.3)
    out = fields(ipmitool(sim, HOST, *interface, "mc", "watchdog", "get"))
    assert out["Watchdog Timer Use"] == "OS Load (0x43)"  # ipmitool shows the byte, running bit (40h) included
    assert out["Watchdog Timer Is"] == "Started/Running"
    assert out["Initial Countdown"] == "60.0 sec"
    present = float(out["Present Countdown"].split()[0])
    assert 50.0 < present < 59.8  # it really counts down
    assert ipmitool(sim, HOST, *interface, "mc", "watchdog", "off")
    assert not sim.bmc(HOST).state.watchdog.running


# -------------------------------------------------------------------------------------------- channel and LAN


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_channel_info(sim: Fleet, interface: list[str]) -> None:
    out = ipmitool(sim, HOST, *interface, "channel", "info", "1")
    f = fields(out)
    assert f["Channel Medium Type"] == "802.3 LAN" and f["Session Support"] == "multi-session"
    assert f["Active Session Count"] == "1"  # ipmitool's own
    assert f["Per-message Auth"] == "enabled" and f["Access Mode"] == "always available"


def expected_lan_print(sim: Fleet, host: str) -> dict[str, str]:
    lan = sim.bmc(host).state.lan
    source = {1: "Static Address", 2: "DHCP Address"}[int(lan.ip_address_source)]
    arp = lan.bmc_generated_arp_control
    letters = {0: "X", 1: "c", 2: "u", 3: "o", 4: "a", 5: "O"}
    return {
        "Set in Progress": "Set Complete",
        "Auth Type Support": "NONE MD2 MD5 PASSWORD",
        "Auth Type Enable": "Callback : MD5",
        "IP Address Source": source,
        "IP Address": str(lan.ip_address),
        "Subnet Mask": str(lan.subnet_mask),
        "MAC Address": lan.mac_address,
        "SNMP Community String": lan.community_string.decode(),
        "BMC ARP Control": f"ARP Responses {'Enabled' if arp.arp_responses else 'Disabled'}, Gratuitous ARP "
                           f"{'Enabled' if arp.gratuitous_arps else 'Disabled'}",
        # 0-based 500 ms units; ipmitool divides as integers
        "Gratituous ARP Intrvl": f"{(lan.gratuitous_arp_interval + 1) // 2:.1f} seconds",
        "Default Gateway IP": str(lan.default_gateway_address),
        "Default Gateway MAC": lan.default_gateway_mac_address,
        "Backup Gateway IP": str(lan.backup_gateway_address),
        "Backup Gateway MAC": lan.backup_gateway_mac_address,
        "802.1q VLAN ID": "Disabled",
        "802.1q VLAN Priority": str(lan.vlan_priority),
        "RMCP+ Cipher Suites": ",".join(str(s) for s in lan.cipher_suite_entries),
        "Cipher Suite Priv Max": "".join(letters[int(p)] for p in lan.cipher_suite_privilege_levels[:15]),
    }


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_lan_print_matches_every_line_of_the_state(sim: Fleet, interface: list[str]) -> None:
    out = fields(ipmitool(sim, HOST, *interface, "lan", "print", "1"))
    expected = expected_lan_print(sim, HOST)
    assert {k: out.get(k) for k in expected} == expected
    assert out["IP Header"] == "TTL=0x40 Flags=0x40 Precedence=0x00 TOS=0x10"


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_lan_set_changes_the_state(sim: Fleet, interface: list[str]) -> None:
    host = "127.88.0.3"
    lanplus = interface
    lan = sim.bmc(host).state.lan
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "ipaddr", "10.20.30.40")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "netmask", "255.255.252.0")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "defgw", "ipaddr", "10.20.28.1")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "defgw", "macaddr", "02:aa:00:00:00:01")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "snmp", "s3cret-community")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "arp", "generate", "on")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "arp", "interval", "10")
    ipmitool(sim, host, *lanplus, "lan", "set", "1", "ipsrc", "dhcp")
    assert (str(lan.ip_address), str(lan.subnet_mask), str(lan.default_gateway_address)) == (
        "10.20.30.40", "255.255.252.0", "10.20.28.1")
    assert lan.default_gateway_mac_address == "02:aa:00:00:00:01"
    assert lan.community_string == b"s3cret-community"
    assert lan.bmc_generated_arp_control.gratuitous_arps and lan.gratuitous_arp_interval == 19  # 10 s
    assert int(lan.ip_address_source) == 2
    assert lan.set_in_progress == 0  # ipmitool's lock/commit/unlock left it complete
    out = fields(ipmitool(sim, host, *lanplus, "lan", "print", "1"))
    expected = expected_lan_print(sim, host)
    assert {k: out.get(k) for k in expected} == expected


def test_ipmitool_cipher_privs_remove_a_suite(sim: Fleet) -> None:
    host = "127.88.0.3"
    ipmitool(sim, host, "-I", "lanplus", "-C", "3", "lan", "set", "1", "cipher_privs", "aXXXXXXXXXXXXXX")
    try:
        refused = run_ipmitool(sim, host, "-I", "lanplus", "-C", "17", "power", "status", retries="1")
        assert refused.returncode != 0
        assert "invalid authentication algorithm" in refused.stderr
    finally:
        ipmitool(sim, host, "-I", "lanplus", "-C", "3", "lan", "set", "1", "cipher_privs", "aaXXXXXXXXXXXXX")
    assert ipmitool(sim, host, "-I", "lanplus", "-C", "17", "power", "status")


def test_ipmitool_cipher_privs_cap_the_privilege_a_suite_may_open(sim: Fleet) -> None:
    """Parameter 24 caps suite 3 at OPERATOR: an administrator session with -C 3 is refused in RAKP 2 (status 0Ah),
    an operator session with -C 3 and an administrator session with -C 17 are not."""
    host = "127.88.0.3"
    ipmitool(sim, host, "-I", "lanplus", "-C", "17", "lan", "set", "1", "cipher_privs", "oaXXXXXXXXXXXXX")
    try:
        refused = run_ipmitool(sim, host, "-v", "-I", "lanplus", "-C", "3", "power", "status", retries="1")
        assert refused.returncode != 0
        assert "RAKP 2 message indicates an error : unauthorized role requested" in refused.stderr, refused.stderr
        assert ipmitool(sim, host, "-I", "lanplus", "-C", "3", "-L", "OPERATOR", "power", "status").startswith(
            "Chassis Power is")
        assert ipmitool(sim, host, "-I", "lanplus", "-C", "17", "power", "status").startswith("Chassis Power is")
    finally:
        ipmitool(sim, host, "-I", "lanplus", "-C", "17", "lan", "set", "1", "cipher_privs", "aaXXXXXXXXXXXXX")
    assert ipmitool(sim, host, "-I", "lanplus", "-C", "3", "power", "status")


def test_ipmitool_channel_getciphers_and_best_suite_discovery(sim: Fleet) -> None:
    out = ipmitool(sim, HOST, "-I", "lanplus", "channel", "getciphers", "ipmi", "1")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["3", "17"]
    verbose = run_ipmitool(sim, HOST, "-v", "-I", "lanplus", "power", "status")  # no -C: asks before a session
    assert verbose.returncode == 0 and "Using best available cipher suite 17" in verbose.stderr


# -------------------------------------------------------------------------------------------------------- SOL


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_sol_info_and_set(sim: Fleet, interface: list[str]) -> None:
    lanplus = interface
    sol = sim.bmc(HOST).state.sol

    def relax() -> None:
        sol.sol_authentication = replace(sol.sol_authentication, force_encryption=False)

    on_loop(sim, relax)
    out = fields(ipmitool(sim, HOST, *lanplus, "sol", "info", "1"))
    assert out["Enabled"] == "true" and out["Force Encryption"] == "false"
    assert out["Privilege Level"] == "USER" and out["Payload Port"] == str(sim.port)
    assert out["Character Accumulate Level (ms)"] == "60" and out["Retry Interval (ms)"] == "500"
    assert out["Volatile Bit Rate (kbps)"] == "115.2"
    ipmitool(sim, HOST, *lanplus, "sol", "set", "force-encryption", "true", "1")
    assert sol.sol_authentication.force_encryption
    assert sol.set_in_progress == 0
    ipmitool(sim, HOST, *lanplus, "sol", "set", "privilege-level", "operator", "1")
    assert sol.sol_authentication.privilege == PrivilegeLevel.OPERATOR
    ipmitool(sim, HOST, *lanplus, "sol", "set", "volatile-bit-rate", "57.6", "1")
    out = fields(ipmitool(sim, HOST, *lanplus, "sol", "info", "1"))
    assert out["Force Encryption"] == "true" and out["Privilege Level"] == "OPERATOR"
    assert out["Volatile Bit Rate (kbps)"] == "57.6"
    ipmitool(sim, HOST, *lanplus, "sol", "set", "privilege-level", "user", "1")
    ipmitool(sim, HOST, *lanplus, "sol", "set", "volatile-bit-rate", "115.2", "1")


def pty_run(steps: list[str], command: list[str]) -> str:
    out = subprocess.run([sys.executable, str(PTY_RUN), *steps, "--", *command], capture_output=True, text=True,
                         timeout=60)
    return out.stdout


def test_ipmitool_sol_activate_reaches_the_host_console(sim: Fleet) -> None:
    power_on(sim)
    from .conftest import require

    tool = require("ipmitool")
    out = pty_run(["wait:1.5", "send:\\r", "wait:0.5", "send:root\\r", "wait:0.5", "send:\\r~.", "wait:1"],
                  [tool, "-I", "lanplus", "-C", "3", "-H", HOST, "-p", str(sim.port), "-U", "admin", "-P",
                   "ipmifast", "sol", "activate"])
    assert "[SOL Session operational." in out
    assert f"ipmifast virtual host {HOST} (ttyS1)" in out
    assert "sim-host login: root" in out and "Password:" in out
    assert "[pty-run: command exit status 0]" in out
    assert wait_for(lambda: sim.bmc(HOST).sol_active() is None)  # deactivated with its session


def test_sol_deactivate_from_another_session_ends_the_console(sim: Fleet) -> None:
    """``ipmitool sol deactivate`` in a second session while FreeIPMI's ipmiconsole holds SOL: Deactivate Payload
    detaches SOL from the first session and the BMC tells its console (status "SOL deactivating", Table 15-3), which
    ipmiconsole reports as a stolen session and exits on."""
    power_on(sim)
    from .conftest import require

    tool = require("ipmiconsole")
    console: list[str] = []
    thread = threading.Thread(target=lambda: console.append(pty_run(
        ["wait:1.5", "send:root\\r", "wait:8"],
        [tool, "-h", f"{HOST}:{sim.port}", "-u", "admin", "-p", "ipmifast", "-I", "17"])))
    thread.start()
    try:
        assert wait_for(lambda: sim.bmc(HOST).sol_active() is not None)
        time.sleep(2.0)
        ipmitool(sim, HOST, "-I", "lanplus", "-C", "3", "sol", "deactivate")
        assert sim.bmc(HOST).sol_active() is None
    finally:
        thread.join(30)
    out = console[0]
    assert "[SOL established]" in out and "sim-host login: root" in out, out
    assert "SOL session stolen" in out, out
    assert "[pty-run: command exit status" in out


def test_ipmitool_mc_selftest_and_sol_payload_access(sim: Fleet) -> None:
    """``mc selftest`` (Get Self Test Results) and ``sol payload disable|status|enable`` (Set/Get User Payload
    Access): the simulated user table changes, and a user whose SOL payload is disabled cannot activate SOL."""
    host = "127.88.0.3"
    lanplus = INTERFACES["lanplus-C17"]
    assert ipmitool(sim, host, *lanplus, "mc", "selftest").strip() == "Selftest: passed"
    slot = sim.bmc(host).state.user(2)
    assert slot is not None and slot.name == b"admin"
    status = ipmitool(sim, host, *lanplus, "sol", "payload", "status", "1", "2")
    assert status.strip() == "User 2 on channel 1 is enabled"
    ipmitool(sim, host, *lanplus, "sol", "payload", "disable", "1", "2")
    try:
        assert 1 not in slot.payloads
        assert ipmitool(sim, host, *lanplus, "sol", "payload", "status", "1", "2").strip() == (
            "User 2 on channel 1 is disabled")
        refused = run_ipmitool(sim, host, *lanplus, "sol", "activate")
        assert refused.returncode != 0
        assert "Error activating SOL payload: Insufficient privilege level" in refused.stdout + refused.stderr
    finally:
        ipmitool(sim, host, *lanplus, "sol", "payload", "enable", "1", "2")
    assert 1 in slot.payloads


def test_ipmiconsole_reaches_the_host_console(sim: Fleet) -> None:
    power_on(sim)
    from .conftest import require

    tool = require("ipmiconsole")
    out = pty_run(["wait:2", "send:hello\\r", "wait:1", "send:&.", "wait:1"],
                  [tool, "-h", f"{HOST}:{sim.port}", "-u", "admin", "-p", "ipmifast", "-I", "17"])
    assert "[SOL established]" in out and "sim-host login: hello" in out


# ------------------------------------------------------------------------------------------------------ users


@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_user_list_and_set_password(sim: Fleet, interface: list[str]) -> None:
    host = "127.88.0.3"
    lanplus = interface
    out = ipmitool(sim, host, *lanplus, "user", "list", "1")
    rows = [line.split() for line in out.splitlines()[1:]]
    state = sim.bmc(host).state
    assert len(rows) == len(state.users)
    assert rows[1] == ["2", "admin", "true", "false", "true", "ADMINISTRATOR"]
    assert rows[0][-2:] == ["NO", "ACCESS"]
    ipmitool(sim, host, *lanplus, "user", "set", "name", "4", "carol")
    ipmitool(sim, host, *lanplus, "user", "set", "password", "4", "carol-pw")
    ipmitool(sim, host, *lanplus, "channel", "setaccess", "1", "4", "ipmi=on", "privilege=3")
    ipmitool(sim, host, *lanplus, "user", "enable", "4")
    slot = state.user(4)
    assert slot is not None
    assert (slot.name, slot.password, slot.privilege, slot.enabled) == (b"carol", b"carol-pw", 3, True)
    row = ipmitool(sim, host, *lanplus, "user", "list", "1").splitlines()[4].split()
    assert row == ["4", "carol", "true", "false", "true", "OPERATOR"]
    assert ipmitool(sim, host, "-I", "lanplus", "-C", "3", "-L", "OPERATOR", "power", "status",
                    user="carol", password="carol-pw")
    assert ipmitool(sim, host, "-I", "lan", "-A", "MD5", "-L", "OPERATOR", "power", "status",
                    user="carol", password="carol-pw")
    assert run_ipmitool(sim, host, "-I", "lanplus", "-C", "3", "-L", "ADMINISTRATOR", "power", "status",
                        user="carol", password="carol-pw", retries="1").returncode != 0
    ipmitool(sim, host, *lanplus, "user", "set", "password", "4", "a-20-byte-password!!", "20")
    assert slot.password_size == 20
    assert ipmitool(sim, host, "-I", "lanplus", "-C", "3", "-L", "OPERATOR", "power", "status",
                    user="carol", password="a-20-byte-password!!")
    assert "Success" in ipmitool(sim, host, *lanplus, "user", "test", "4", "20", "a-20-byte-password!!")
    ipmitool(sim, host, *lanplus, "user", "disable", "4")
    assert run_ipmitool(sim, host, "-I", "lanplus", "-C", "3", "-L", "OPERATOR", "power", "status",
                        user="carol", password="a-20-byte-password!!", retries="1").returncode != 0


def test_ipmitool_session_info(sim: Fleet) -> None:
    out = fields(ipmitool(sim, HOST, "-I", "lanplus", "-C", "3", "session", "info", "active"))
    assert out["user id"] == "2" and out["privilege level"] == "ADMINISTRATOR"
    assert out["session type"] == "IPMIv2/RMCP+" and out["console ip"] == "127.0.0.1"


def test_ipmitool_wrong_password_fails(sim: Fleet) -> None:
    out = run_ipmitool(sim, HOST, "-I", "lanplus", "-C", "3", "power", "status", password="wrong", retries="1")
    assert out.returncode != 0
    assert "Unable to establish IPMI v2 / RMCP+ session" in out.stderr


# ---------------------------------------------------------------------------------------------------- FreeIPMI


@pytest.mark.parametrize("suite", ["3", "17"])
def test_freeipmi_ipmipower(sim: Fleet, suite: str) -> None:
    state = sim.bmc(HOST).state.chassis
    power_on(sim)
    assert freeipmi("ipmipower", sim, HOST, "-I", suite, "--stat").strip() == f"{HOST}: on"
    assert freeipmi("ipmipower", sim, HOST, "-I", suite, "--off").strip() == f"{HOST}: ok"
    assert state.power_on is False
    assert freeipmi("ipmipower", sim, HOST, "-I", suite, "--stat").strip() == f"{HOST}: off"
    assert freeipmi("ipmipower", sim, HOST, "-I", suite, "--on").strip() == f"{HOST}: ok"
    assert state.power_on is True


def test_freeipmi_ipmipower_over_ipmi15(sim: Fleet) -> None:
    power_on(sim)
    assert freeipmi("ipmipower", sim, HOST, "--stat", driver="LAN").strip() == f"{HOST}: on"


def test_freeipmi_chassis_status_and_bmc_info(sim: Fleet) -> None:
    power_on(sim)
    s = sim.bmc(HOST).state
    status = fields(freeipmi("ipmi-chassis", sim, HOST, "-I", "3", "--get-chassis-status"))
    assert status["System Power"] == "on" and status["Power restore policy"] == "Restore"
    assert status["Chassis intrusion"] == "inactive"
    info = fields(freeipmi("bmc-info", sim, HOST, "-I", "17", "--get-device-id"))
    assert info["Firmware Revision"] == f"{s.firmware[0]}.{s.firmware[1]:02d}"
    assert info["Manufacturer ID"].endswith(f"({s.manufacturer_id})")
    assert info["Product ID"] == str(s.product_id)
    device_guid = freeipmi("bmc-info", sim, HOST, "--get-device-guid").strip()
    assert device_guid == Guid(s.guid).uuid
    system_guid = freeipmi("bmc-info", sim, HOST, "--get-system-guid").strip()
    assert system_guid == Guid(s.system_guid).uuid
    channels = freeipmi("bmc-info", sim, HOST, "--get-channel-info")
    assert "Channel Number       : 1\nMedium Type          : 802.3 LAN" in channels


def test_freeipmi_config_reads_lan_and_sol(sim: Fleet) -> None:
    lan = sim.bmc(HOST).state.lan
    out = freeipmi("ipmi-config", sim, HOST, "--checkout", "-S", "Lan_Conf")
    assert re.search(rf"IP_Address\s+{re.escape(str(lan.ip_address))}$", out, re.M)
    assert re.search(rf"MAC_Address\s+{lan.mac_address.upper()}$", out, re.M)


# ------------------------------------------------------------------------------------------------------ pyghmi


def test_pyghmi_get_power_and_bootdev(sim: Fleet) -> None:
    from pyghmi.ipmi import command

    on_loop(sim, lambda: sim.bmc(HOST).power(False, sim.bmc(HOST).clock(), "power-off"))
    bmc = command.Command(bmc=HOST, port=sim.port, userid="admin", password="ipmifast")
    try:
        assert bmc.get_power() == {"powerstate": "off"}
        bmc.set_bootdev("network")
        assert sim.bmc(HOST).state.chassis.boot.flags.boot_device == chassis.BootDevice.PXE
        assert bmc.get_bootdev()["bootdev"] == "network"
        config = bmc.get_net_configuration()
        assert config["mac_address"] == sim.bmc(HOST).state.lan.mac_address
    finally:
        bmc.ipmi_session.logout()
    power_on(sim)
