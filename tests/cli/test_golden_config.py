"""Golden tests for lan, channel, user, sol and session: for the same OpenIPMI ipmi_sim (with SOL), ``ipmifast VERB``
prints what ``ipmitool VERB`` prints, byte for byte; each write made by ipmifast is then read back with ipmitool.

What legitimately differs is asserted, not skipped:
- ``channel authcap``: ipmi_sim answers Get Channel Authentication Capabilities only outside a session (D5h inside
  one), so both tools fail; the messages differ (ipmifast's one-line error format).
- ``sol info``: ipmitool reports each parameter ipmi_sim does not support on stderr ("Info: SOL parameter ... not
  supported"); ipmifast keeps stderr clean and lists them in --json ``not_supported``.
- ``lan set ... snmp``: ipmi_sim ignores the write; ipmitool re-reads for 33 s, ipmifast for about one second; both
  fail, ipmifast with one line and nothing on stdout (ipmitool has printed "Setting LAN ..." first).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.conftest import TESTBED, SimBmc, _unique_addr, require, stop_ipmi_sim

from .conftest import ipmifast

pytestmark = pytest.mark.interop

SLOT = 13  # distinct loopback address from the other CLI modules' BMCs (11, 12) and the sensor module's (14)
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
ADMIN = ("admin", "ipmifast-admin")


@pytest.fixture(scope="module")
def bmc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """ipmi_sim with SOL: start-bmc.sh starts the fake serial console first (no --no-sol)."""
    require("ipmi_sim")
    require("python3")
    addr, port = _unique_addr(SLOT)
    state = tmp_path_factory.mktemp("cli-golden-config")
    out = subprocess.run(["sh", str(TESTBED / "start-bmc.sh"), addr, str(port), str(state), "--timeout", "20"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    if out.returncode != 0:
        pytest.fail(f"ipmi_sim (with SOL) did not start: {out.stderr.strip()}", pytrace=False)
    sim = SimBmc(addr, port, state, int(out.stdout.strip().splitlines()[-1]))
    try:
        yield sim
    finally:
        stop_ipmi_sim(sim)


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pw") / "password"
    path.write_text("ipmifast-admin\n")
    path.chmod(0o600)
    return path


def ipmitool(bmc: SimBmc, *verb: str, user: tuple[str, str] = ADMIN, privilege: str = "ADMINISTRATOR"
             ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [require("ipmitool"), "-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", user[0], "-P", user[1],
         "-C", "3", "-L", privilege, *verb],
        capture_output=True, text=True, timeout=120, env=ENV,
    )  # fmt: skip


def ours(bmc: SimBmc, password_file: Path, *verb: str) -> subprocess.CompletedProcess[str]:
    return ipmifast("-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-f", str(password_file),
                    "-C", "3", *verb, env=ENV)  # fmt: skip


def fields(text: str) -> dict[str, str]:
    """``Key : value`` lines (the first of each key)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and key.strip() not in out:
            out[key.strip()] = value.strip()
    return out


def same(bmc: SimBmc, password_file: Path, *verb: str) -> subprocess.CompletedProcess[str]:
    theirs = ipmitool(bmc, *verb)
    mine = ours(bmc, password_file, *verb)
    assert theirs.returncode == 0, theirs.stderr
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == theirs.stdout
    assert mine.stderr == ""
    return mine


def fails_one_line(result: subprocess.CompletedProcess[str], code: int, *parts: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


# ---------------------------------------------------------------------------------------------------- reads

SAME = [
    ("lan", "print", "1"),
    ("lan", "print"),
    ("channel", "info", "1"),
    ("channel", "info"),
    ("channel", "info", "0"),
    ("channel", "info", "15"),
    ("channel", "getaccess", "1", "2"),
    ("channel", "getaccess", "1"),
    ("user", "list", "1"),
    ("user", "list"),
    ("user", "summary", "1"),
    ("user", "summary"),
    ("sol", "info", "1"),
    ("sol", "info"),
    ("session", "info", "active"),
    ("session", "info", "handle", "1"),
]


@pytest.mark.parametrize("verb", SAME, ids=" ".join)
def test_same_output_as_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...]) -> None:
    same(bmc, password_file, *verb)


def test_session_info_all_walks_every_slot_like_ipmitool(bmc: SimBmc, password_file: Path) -> None:
    mine = same(bmc, password_file, "session", "info", "all")
    assert mine.stdout.count("session handle") == 63  # ipmi_sim's slot count: one block per slot


def test_channel_authcap_fails_in_a_session_for_both(bmc: SimBmc, password_file: Path) -> None:
    # ipmi_sim answers Get Channel Authentication Capabilities only session-less: D5h, also for ipmitool's retry
    # without the IPMI v2.0 bit
    theirs = ipmitool(bmc, "channel", "authcap", "1", "4")
    assert theirs.returncode == 1 and theirs.stdout == ""
    assert "Command not supported in present state" in theirs.stderr
    fails_one_line(ours(bmc, password_file, "channel", "authcap", "1", "4"), 1,
                   "Get Channel Authentication Capabilities", "completion code 0xd5")  # fmt: skip


def test_sol_info_reports_unsupported_parameters_in_json_not_stderr(bmc: SimBmc, password_file: Path) -> None:
    theirs = ipmitool(bmc, "sol", "info", "1")
    info_lines = [line for line in theirs.stderr.splitlines() if line.startswith("Info: SOL parameter")]
    named = [line.split("'")[1] for line in info_lines]
    assert named == ["Authentication (2)", "Character Interval (3)", "Retry (4)", "Payload Channel (7)",
                     "Payload Port (8)"]  # fmt: skip
    value = json.loads(ours(bmc, password_file, "--json", "sol", "info", "1").stdout)
    assert value["not_supported"] == named
    assert value["payload_port"] == bmc.port  # ipmitool's default: the session's port
    assert value["enabled"] is True and value["volatile_bit_rate_kbps"] == "serial"


# ---------------------------------------------------------------------------------------------------- lan set


@pytest.mark.parametrize(
    ("verb", "label", "shown"),
    [
        (("netmask", "255.255.0.0"), "Subnet Mask", "255.255.0.0"),
        (("defgw", "ipaddr", "127.1.2.253"), "Default Gateway IP", "127.1.2.253"),
        (("defgw", "macaddr", "02:00:00:00:00:fd"), "Default Gateway MAC", "02:00:00:00:00:fd"),
        (("bakgw", "ipaddr", "127.1.2.252"), "Backup Gateway IP", "127.1.2.252"),
        (("ipsrc", "dhcp"), "IP Address Source", "DHCP Address"),
        (("ipsrc", "static"), "IP Address Source", "Static Address"),
        (("netmask", "255.255.255.0"), "Subnet Mask", "255.255.255.0"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_lan_set_is_seen_by_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...], label: str,
                                     shown: str) -> None:  # fmt: skip
    mine = ours(bmc, password_file, "lan", "set", "1", *verb)
    assert mine.returncode == 0, mine.stderr
    assert fields(ipmitool(bmc, "lan", "print", "1").stdout)[label] == shown
    # and ipmitool, doing the same, says the same
    theirs = ipmitool(bmc, "lan", "set", "1", *verb)
    assert theirs.returncode == 0, theirs.stderr
    assert mine.stdout == theirs.stdout
    # the guard was given back: "set in progress" is complete again
    assert fields(ipmitool(bmc, "lan", "print", "1").stdout)["Set in Progress"] == "Set Complete"


def test_lan_set_cipher_privs(bmc: SimBmc, password_file: Path) -> None:
    # suite 14's slot: ipmi_sim looks the table up by privilege level (README, limitation 5), so this one is harmless
    mine = ours(bmc, password_file, "lan", "set", "1", "cipher_privs", "aaaaaaaaaaaaaaX")
    assert mine.returncode == 0 and mine.stdout == "", mine.stderr
    assert fields(ipmitool(bmc, "lan", "print", "1").stdout)["Cipher Suite Priv Max"] == "aaaaaaaaaaaaaaX"
    assert ours(bmc, password_file, "lan", "set", "1", "cipher_privs", "aaaaaaaaaaaaaaa").returncode == 0
    assert fields(ipmitool(bmc, "lan", "print", "1").stdout)["Cipher Suite Priv Max"] == "aaaaaaaaaaaaaaa"


def test_lan_set_access_on(bmc: SimBmc, password_file: Path) -> None:
    mine = ours(bmc, password_file, "lan", "set", "1", "access", "on")
    theirs = ipmitool(bmc, "lan", "set", "1", "access", "on")
    assert mine.returncode == theirs.returncode == 0, mine.stderr
    assert mine.stdout == theirs.stdout == "Set Channel Access for channel 1 was successful.\n"
    assert "always available" in ipmitool(bmc, "channel", "info", "1").stdout


def test_lan_set_password_sets_user_1(bmc: SimBmc, password_file: Path) -> None:
    mine = ours(bmc, password_file, "lan", "set", "1", "password", "lan-secret")
    theirs = ipmitool(bmc, "lan", "set", "1", "password", "lan-secret")
    assert mine.returncode == theirs.returncode == 0, mine.stderr
    assert mine.stdout == theirs.stdout == "Password set for user 1\n"


def test_lan_set_snmp_is_ignored_by_ipmi_sim(bmc: SimBmc, password_file: Path) -> None:
    # ipmi_sim keeps "public" whatever is written (README, limitation 6); ipmitool would re-read for 33 s
    fails_one_line(ours(bmc, password_file, "lan", "set", "1", "snmp", "private"), 1,
                   "SNMP Community String", "does not match")  # fmt: skip
    printed = fields(ipmitool(bmc, "lan", "print", "1").stdout)
    assert printed["SNMP Community String"] == "public"
    assert printed["Set in Progress"] == "Set Complete"


@pytest.mark.parametrize("verb", [("arp", "respond", "on"), ("arp", "generate", "off"), ("arp", "interval", "5")],
                         ids=" ".join)  # fmt: skip
def test_lan_set_arp_is_not_supported_by_ipmi_sim(bmc: SimBmc, password_file: Path, verb: tuple[str, ...]) -> None:
    # parameters 10 and 11 answer 80h: ipmitool exits 1 silently, ipmifast says why
    theirs = ipmitool(bmc, "lan", "set", "1", *verb)
    assert theirs.returncode == 1 and theirs.stdout == ""
    fails_one_line(ours(bmc, password_file, "lan", "set", "1", *verb), 1, "parameter not supported",
                   "completion code 0x80")  # fmt: skip


# ---------------------------------------------------------------------------------------------------- users

TESTER = ("tester", "testpass6")


def test_user_written_by_ipmifast_logs_in_with_ipmitool(bmc: SimBmc, password_file: Path) -> None:
    for verb, expected in (
        (("user", "set", "name", "6", TESTER[0]), ""),
        (("user", "set", "password", "6", TESTER[1]), "Set User Password command successful (user 6)\n"),
        (("user", "enable", "6"), ""),
        (("user", "priv", "6", "4", "1"), "Set Privilege Level command successful (user 6)\n"),
    ):
        mine = ours(bmc, password_file, *verb)
        assert mine.returncode == 0, mine.stderr
        assert mine.stdout == expected
        theirs = ipmitool(bmc, *verb)  # ipmitool, repeating it, prints the same
        assert theirs.returncode == 0 and theirs.stdout == expected, theirs.stderr
    row = next(line for line in ipmitool(bmc, "user", "list", "1").stdout.splitlines() if line.startswith("6 "))
    assert row.split() == ["6", "tester", "true", "false", "true", "ADMINISTRATOR"]
    login = ipmitool(bmc, "power", "status", user=TESTER)
    assert login.returncode == 0 and login.stdout == "Chassis Power is on\n", login.stderr
    # user test: ipmi_sim's "test password" accepts any password (README), so only the success text is checked
    mine = ours(bmc, password_file, "user", "test", "6", "16", TESTER[1])
    assert mine.returncode == 0 and mine.stdout == ipmitool(bmc, "user", "test", "6", "16", TESTER[1]).stdout
    assert mine.stdout == "Success\n"


def test_user_disable_then_enable(bmc: SimBmc, password_file: Path) -> None:
    assert ours(bmc, password_file, "user", "set", "name", "7", "seven").returncode == 0
    assert ours(bmc, password_file, "user", "set", "password", "7", "sevenpass", "20").returncode == 0
    assert ours(bmc, password_file, "user", "priv", "7", "3", "1").returncode == 0
    assert ours(bmc, password_file, "user", "enable", "7").returncode == 0
    assert ipmitool(bmc, "power", "status", user=("seven", "sevenpass"), privilege="OPERATOR").returncode == 0
    assert ours(bmc, password_file, "user", "disable", "7").returncode == 0
    refused = ipmitool(bmc, "power", "status", user=("seven", "sevenpass"), privilege="OPERATOR")
    assert refused.returncode == 1 and "Unable to establish" in refused.stderr


def test_user_list_json_is_typed(bmc: SimBmc, password_file: Path) -> None:
    users = json.loads(ours(bmc, password_file, "--json", "user", "list", "1").stdout)
    admin = next(u for u in users if u["user_id"] == 2)
    assert admin == {"user_id": 2, "name": "admin", "callin": True, "link_authentication": False,
                     "ipmi_messaging": True, "privilege_limit": "administrator", "enable_status": "unspecified"}
    summary = json.loads(ours(bmc, password_file, "--json", "user", "summary", "1").stdout)
    assert summary["max_user_ids"] == 63 and isinstance(summary["enabled_user_ids"], int)


# ---------------------------------------------------------------------------------------------------- sol set


def test_sol_set_enabled_and_bit_rate_are_seen_by_ipmitool(bmc: SimBmc, password_file: Path) -> None:
    for verb, key, shown in (
        (("enabled", "false", "1"), "Enabled", "false"),
        (("volatile-bit-rate", "57.6", "1"), "Volatile Bit Rate (kbps)", "57.6"),
        (("non-volatile-bit-rate", "115.2", "1"), "Non-Volatile Bit Rate (kbps)", "115.2"),
        (("enabled", "true", "1"), "Enabled", "true"),
        (("volatile-bit-rate", "9.6", "1"), "Volatile Bit Rate (kbps)", "9.6"),
        (("non-volatile-bit-rate", "19.2", "1"), "Non-Volatile Bit Rate (kbps)", "19.2"),
    ):
        mine = ours(bmc, password_file, "sol", "set", *verb)
        assert mine.returncode == 0 and mine.stdout == "", mine.stderr
        shown_by_ipmitool = fields(ipmitool(bmc, "sol", "info", "1").stdout)
        assert shown_by_ipmitool[key] == shown
        assert shown_by_ipmitool["Set in progress"] == "set-complete"  # guarded: commit write, set complete


def test_sol_set_unsupported_parameter_leaves_ipmi_sim_stuck_as_ipmitool_does(bmc: SimBmc, password_file: Path
                                                                             ) -> None:  # fmt: skip
    # ipmi_sim has no SOL parameter 2: the write fails; like ipmitool, ipmifast then writes "set complete", which
    # ipmi_sim ignores (only "commit write" leaves "set in progress" there: README, limitation 7)
    fails_one_line(ours(bmc, password_file, "sol", "set", "force-encryption", "true", "1"), 1,
                   "Error setting SOL parameter 'force-encryption': Parameter not supported")  # fmt: skip
    assert fields(ipmitool(bmc, "sol", "info", "1").stdout)["Set in progress"] == "set-in-progress"
    fails_one_line(ours(bmc, password_file, "sol", "set", "enabled", "true", "1"), 1,
                   "Error setting SOL parameter 'set-in-progress'", "not in set-complete state")  # fmt: skip
    theirs = ipmitool(bmc, "sol", "set", "enabled", "true", "1")
    assert theirs.returncode == 1 and "Attempt to set set-in-progress when not in set-complete state" in theirs.stderr
    # "set-in-progress commit-write" unguarded is the way out, for both tools
    assert ours(bmc, password_file, "sol", "set", "set-in-progress", "commit-write", "1").returncode == 0
    assert fields(ipmitool(bmc, "sol", "info", "1").stdout)["Set in progress"] == "set-complete"


def test_sol_set_serial_bit_rate_is_refused_by_ipmi_sim(bmc: SimBmc, password_file: Path) -> None:
    # ipmi_sim reports bit rate 0 ("serial") but refuses to have it written (CCh), for both tools alike
    theirs = ipmitool(bmc, "sol", "set", "volatile-bit-rate", "serial", "1")
    assert theirs.returncode == 1
    assert "Error setting SOL parameter 'volatile-bit-rate' to 'serial': Invalid data field in request" in theirs.stderr
    assert ipmitool(bmc, "raw", "0x0c", "0x21", "0x01", "0x00", "0x02").returncode == 0  # commit write: unstuck
    fails_one_line(ours(bmc, password_file, "sol", "set", "volatile-bit-rate", "serial", "1"), 1,
                   "Error setting SOL parameter 'volatile-bit-rate' to 'serial': invalid data field in request")
    assert ours(bmc, password_file, "sol", "set", "set-in-progress", "commit-write", "1").returncode == 0


# ---------------------------------------------------------------------------------------------------- json, usage


def test_json_is_typed(bmc: SimBmc, password_file: Path) -> None:
    lan = json.loads(ours(bmc, password_file, "--json", "lan", "print", "1").stdout)
    assert lan["ip_address"] == bmc.addr and lan["ip_address_source"] == "static"
    assert lan["cipher_suites"] == list(range(1, 16)) and lan["cipher_suite_count"] == 15
    assert lan["auth_type_support"] == ["none", "md2", "md5", "password"]
    assert lan["bmc_arp_control"] is None and lan["snmp_community"] == "public"
    channel = json.loads(ours(bmc, password_file, "--json", "channel", "info", "1").stdout)
    assert channel["info"]["medium_type"] == "lan_802_3" and channel["info"]["vendor_id"] == 7154
    assert channel["volatile"]["access_mode"] == "always_available"
    session = json.loads(ours(bmc, password_file, "--json", "session", "info", "active").stdout)
    assert session["session"]["user_id"] == 2 and session["session"]["privilege"] == "administrator"
    assert session["session_slot_count"] == 63


@pytest.mark.parametrize(
    ("verb", "says"),
    [
        (("lan", "frob"), "lan: unknown subcommand 'frob'; usage: lan print"),
        (("lan", "set", "1", "frob", "x"), "lan: set: unknown parameter 'frob'; usage: lan print"),
        (("lan", "set", "1", "netmask", "255.255.0"), "lan: invalid IP address '255.255.0'; usage: lan print"),
        (("lan", "set", "1", "cipher_privs", "aaa"), "lan: set cipher_privs: give 15 characters"),
        (("channel", "info", "12"), "channel: channel '12' is invalid or out of range"),
        (("channel", "getaccess"), "channel: getaccess takes a channel"),
        (("user", "set", "name", "64", "x"), "user: user ID '64' is invalid or out of range (1-63)"),
        (("user", "priv", "6", "9"), "user: privilege limit '9' is invalid"),
        (("user", "set", "password", "6", "x" * 21), "user: set password: the password is too long (> 20 bytes)"),
        (("sol", "set", "enabled", "maybe", "1"), "sol: set enabled: give true or false"),
        (("sol", "set", "frob", "1", "1"), "sol: set: unknown parameter 'frob'"),
        (("session", "info", "frob"), "session: info: give active, all"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_bad_arguments_are_one_line_with_the_usage(bmc: SimBmc, password_file: Path, verb: tuple[str, ...],
                                                   says: str) -> None:  # fmt: skip
    result = ours(bmc, password_file, *verb)
    fails_one_line(result, 64, f"ipmifast: {bmc.addr}: {says}", "usage: ")
