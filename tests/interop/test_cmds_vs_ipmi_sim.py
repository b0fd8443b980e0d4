"""The command codecs against a real BMC, OpenIPMI's ipmi_sim 2.0.33 (configs in tests/data/testbed), through the
blocking driver, cross-checked with ipmitool 1.8.19 against the same BMC.

Every command ipmi_sim implements is sent and its answer decoded; the values are those the test bed documents
(tests/data/testbed/README.md, VERIFIED.md). What ipmi_sim 2.0.33 does not implement, or implements oddly, is asserted
as such so that a change in the peer shows up here:

- no reply at all to Get Chassis Capabilities (so it is never sent); Get Device GUID, Cold/Warm Reset, Get System
  Restart Cause, Get POH Counter and Set Power Restore Policy answer C1h "invalid command";
- Get Chassis Status has 3 bytes (no front panel byte) and only the power bit is live;
- Get Watchdog Timer omits the present countdown; Get Channel Authentication Capabilities is session-less only
  (D5h inside a session); Get Session Info has no LAN data;
- Set User Password keeps 16 bytes of a 20-byte password and "test password" accepts anything;
- LAN parameters 8-11 (RMCP ports, ARP control, gratuitous ARP) and 25-26 are 80h "parameter not supported", 1, 2,
  17, 22, 23 are read-only (82h); the IP, netmask, MAC and gateways only change through "set in progress" and
  "commit write"; the community string is always "public"; parameter 23 lists suites 1-16 (15 valid) while the
  BMC offers 0-14;
- boot options: only parameters 1, 3, 4 (write) and 5 exist; the boot flags' valid bit reads back 0;
- SOL (only on a BMC started with a console): parameters 0, 1, 5 and 6 only; without SOL every SOL and payload
  command is C1h. Get Channel Payload Support counts bit 1 as "IPMI" (payload types {1, 2} with SOL).

A missing peer (ipmi_sim, ipmitool) fails with an install hint; nothing is skipped.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from ipaddress import IPv4Address
from typing import Any

import pytest

from ipmifast.cmds import COMMANDS, AuthTypes, PrivilegeLevel, SetInProgress, completion_code_text
from ipmifast.cmds import app as a
from ipmifast.cmds import chassis as c
from ipmifast.cmds import transport as t
from ipmifast.cmds.app import AppCommand
from ipmifast.cmds.chassis import ChassisCommand
from ipmifast.cmds.transport import LanParameter as LP
from ipmifast.cmds.transport import SolParameter as SP
from ipmifast.cmds.transport import TransportCommand
from ipmifast.engine.blocking import BlockingClient
from ipmifast.errors import CompletionCodeError
from ipmifast.proto import frame
from ipmifast.proto.consts import NetFn, PayloadType
from ipmifast.proto.session import SessionConfig

from .conftest import TESTBED, SimBmc, _unique_addr, require, stop_ipmi_sim

pytestmark = pytest.mark.interop

ADMIN, OPERATOR, USER = PrivilegeLevel.ADMINISTRATOR, PrivilegeLevel.OPERATOR, PrivilegeLevel.USER
LAN_CHANNEL = 1  # tests/data/testbed/lan.conf: "startlan 1"
SOL_SLOT = 3  # a second BMC, with SOL, beside the conftest's (slot 0)
USERS = {
    2: (b"admin", b"ipmifast-admin", ADMIN),
    3: (b"operator", b"ipmifast-oper", OPERATOR),
    4: (b"user", b"ipmifast-user", USER),
}


def config(user: bytes = b"admin", password: bytes = b"ipmifast-admin", privilege: int = 4) -> SessionConfig:
    return SessionConfig(username=user, password=password, cipher_suite=3, privilege=privilege, timeout=0.5, retries=4)


@pytest.fixture
def bmc(ipmi_sim: SimBmc) -> Iterator[BlockingClient]:
    """An ADMINISTRATOR session (admin / ipmifast-admin, cipher suite 3) to the module's ipmi_sim."""
    with BlockingClient(ipmi_sim.addr, config(), port=ipmi_sim.port) as client:
        yield client


@pytest.fixture(scope="module")
def sol_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """A second ipmi_sim with SOL configured (start-bmc.sh starts the fake serial console first)."""
    require("ipmi_sim")
    require("python3")
    addr, port = _unique_addr(SOL_SLOT)
    state = tmp_path_factory.mktemp("ipmi_sim_sol")
    args = ["sh", str(TESTBED / "start-bmc.sh"), addr, str(port), str(state), "--timeout", "20"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.fail(f"ipmi_sim (with SOL) did not start: {out.stderr.strip()}", pytrace=False)
    sim = SimBmc(addr, port, state, int(out.stdout.strip().splitlines()[-1]))
    try:
        yield sim
    finally:
        stop_ipmi_sim(sim)


@pytest.fixture
def sol_bmc(sol_sim: SimBmc) -> Iterator[BlockingClient]:
    with BlockingClient(sol_sim.addr, config(), port=sol_sim.port) as client:
        yield client


# ---------------------------------------------------------------------------------------------------- helpers


def call(client: BlockingClient, module: Any, netfn: int, cmd: int, name: str, *args: Any, **kwargs: Any) -> Any:
    """Encode a request with the codecs, send it, decode the response (CompletionCodeError on a non-zero cc)."""
    data = client.call(netfn, cmd, getattr(module, f"encode_{name}_rq")(*args, **kwargs))
    return getattr(module, f"decode_{name}_rs")(data)


def app_call(client: BlockingClient, name: str, *args: Any, **kwargs: Any) -> Any:
    return call(client, a, NetFn.APP, AppCommand[name.upper()], name, *args, **kwargs)


def chassis_call(client: BlockingClient, name: str, *args: Any, **kwargs: Any) -> Any:
    return call(client, c, NetFn.CHASSIS, ChassisCommand[name.upper()], name, *args, **kwargs)


def lan_get(client: BlockingClient, parameter: int) -> Any:
    rq = t.encode_get_lan_configuration_parameters_rq(LAN_CHANNEL, parameter)
    data = client.call(NetFn.TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS, rq)
    result = t.decode_get_lan_configuration_parameters_rs(data, parameter)
    assert result.parameter_revision == t.PARAMETER_REVISION
    return result.value


def lan_set(client: BlockingClient, parameter: int, value: Any) -> None:
    rq = t.encode_set_lan_configuration_parameters_rq(LAN_CHANNEL, parameter, value)
    t.decode_set_lan_configuration_parameters_rs(
        client.call(NetFn.TRANSPORT, TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS, rq)
    )


def sol_get(client: BlockingClient, parameter: int) -> Any:
    rq = t.encode_get_sol_configuration_parameters_rq(LAN_CHANNEL, parameter)
    data = client.call(NetFn.TRANSPORT, TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS, rq)
    return t.decode_get_sol_configuration_parameters_rs(data, parameter).value


def sol_set(client: BlockingClient, parameter: int, value: Any) -> None:
    rq = t.encode_set_sol_configuration_parameters_rq(LAN_CHANNEL, parameter, value)
    client.call(NetFn.TRANSPORT, TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS, rq)


def rejects(netfn: int, cmd: int, cc: int, text: str, send: Any, *args: Any, **kwargs: Any) -> CompletionCodeError:
    """``send`` fails with completion code ``cc``, whose spec text for the command is ``text``."""
    with pytest.raises(CompletionCodeError) as info:
        send(*args, **kwargs)
    assert (info.value.netfn & ~1, info.value.cmd, info.value.cc) == (netfn, cmd, cc)
    assert completion_code_text(netfn, cmd, cc) == text
    return info.value


def ipmitool(sim: SimBmc, *args: str) -> str:
    """ipmitool -I lanplus ... -C 3 <args> against ``sim``; its stdout (a failure is a test failure)."""
    tool = require("ipmitool")
    base = [
        tool,
        "-I",
        "lanplus",
        "-H",
        sim.addr,
        "-p",
        str(sim.port),
        "-U",
        "admin",
        "-P",
        "ipmifast-admin",
        "-C",
        "3",
    ]
    out = subprocess.run([*base, *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"ipmitool {' '.join(args)}: {out.stderr}"
    return out.stdout


def fields(text: str) -> dict[str, str]:
    """``Key   : value`` lines of ipmitool output (the first occurrence of each key)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            out.setdefault(key.strip(), value.strip())
    return out


def session_less(sim: SimBmc, cmd: int, data: bytes) -> tuple[int, bytes]:
    """One App request outside any session (IPMI v1.5 wrapper, authentication type NONE, session ID 0)."""
    msg = frame.encode_ipmi_request(0x20, NetFn.APP, 0, 0x81, 1, 0, cmd, data)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        for _ in range(3):
            sock.sendto(frame.encode_v15_session(0, 0, 0, b"", msg), (sim.addr, sim.port))
            try:
                answer, _ = sock.recvfrom(1024)
            except TimeoutError:
                continue
            rs = frame.decode_ipmi_response(frame.decode_v15_session(answer).msg)
            return rs.cc, rs.data
    pytest.fail(f"no answer to session-less App command 0x{cmd:02x}")


def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the BMC"
        time.sleep(0.1)


# ===================================================================================================== app


def test_get_device_id_matches_the_test_bed_and_ipmitool(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    d = app_call(bmc, "get_device_id")
    assert (d.device_id, d.firmware_revision, d.ipmi_version) == (0x20, "2.15", "2.0")
    assert (d.manufacturer_id, d.product_id) == (32473, 0x0101)
    assert d.device_available and not d.provides_sdrs and d.aux_firmware_revision == b"\x00\x00\x00\x00"
    text = ipmitool(ipmi_sim, "mc", "info")
    info = fields(text)
    assert int(info["Device ID"]) == d.device_id
    assert int(info["Device Revision"]) == d.device_revision
    assert info["Firmware Revision"] == d.firmware_revision
    assert info["IPMI Version"] == d.ipmi_version
    assert int(info["Manufacturer ID"]) == d.manufacturer_id
    assert info["Product ID"] == f"{d.product_id} (0x{d.product_id:04x})"
    assert info["Device Available"] == ("yes" if d.device_available else "no")
    assert info["Provides Device SDRs"] == ("yes" if d.provides_sdrs else "no")
    names = {
        "Sensor Device": a.DeviceSupport.SENSOR,
        "SDR Repository Device": a.DeviceSupport.SDR_REPOSITORY,
        "SEL Device": a.DeviceSupport.SEL,
        "FRU Inventory Device": a.DeviceSupport.FRU_INVENTORY,
        "IPMB Event Receiver": a.DeviceSupport.IPMB_EVENT_RECEIVER,
        "IPMB Event Generator": a.DeviceSupport.IPMB_EVENT_GENERATOR,
        "Bridge": a.DeviceSupport.BRIDGE,
        "Chassis Device": a.DeviceSupport.CHASSIS,
    }
    listed = text.split("Additional Device Support :")[1].split("Aux Firmware Rev Info")[0].split("\n")
    support = a.DeviceSupport(0)
    for line in listed:
        if line.strip():
            support |= names[line.strip()]
    assert support == d.additional_device_support


def test_guids(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    # start-bmc.sh: GUID = "ipmifast" + the IPv4 address + the port (2 bytes) + 0001
    expected = b"ipmifast" + IPv4Address(ipmi_sim.addr).packed + ipmi_sim.port.to_bytes(2, "big") + b"\x00\x01"
    assert app_call(bmc, "get_system_guid") == a.Guid(expected)
    cc, data = session_less(ipmi_sim, AppCommand.GET_SYSTEM_GUID, a.encode_get_system_guid_rq())
    assert cc == 0 and a.decode_get_system_guid_rs(data).guid == expected
    assert fields(ipmitool(ipmi_sim, "mc", "guid"))["System GUID"] == expected.hex().upper()
    rejects(NetFn.APP, AppCommand.GET_DEVICE_GUID, 0xC1, "invalid command", app_call, bmc, "get_device_guid")


def test_channel_authentication_capabilities_both_forms(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    cmd = AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES
    cc, data = session_less(ipmi_sim, cmd, a.encode_get_channel_authentication_capabilities_rq(0x0E, ADMIN, True))
    v20 = a.decode_get_channel_authentication_capabilities_rs(data)
    assert cc == 0
    assert v20 == a.ChannelAuthenticationCapabilities(
        channel=LAN_CHANNEL,
        auth_types=AuthTypes.MD2 | AuthTypes.MD5,  # lan.conf: allowed_auths_admin md2 md5
        ipmi_v20_extended_available=True,
        kg_nonzero=False,
        per_message_authentication_disabled=False,  # per_msg_auth true
        user_level_authentication_disabled=False,
        non_null_usernames=True,
        null_usernames=False,
        anonymous_login=False,
        supports_ipmi_v15=True,
        supports_ipmi_v20=True,
    )
    cc, data = session_less(ipmi_sim, cmd, a.encode_get_channel_authentication_capabilities_rq(0x0E, USER, False))
    v15 = a.decode_get_channel_authentication_capabilities_rs(data)
    assert cc == 0 and not v15.ipmi_v20_extended_available and not v15.supports_ipmi_v20
    # inside a session ipmi_sim refuses it
    rejects(
        NetFn.APP,
        cmd,
        0xD5,
        "command not supported in present state",
        app_call,
        bmc,
        "get_channel_authentication_capabilities",
    )


def test_channel_info_and_access(bmc: BlockingClient) -> None:
    info = app_call(bmc, "get_channel_info", LAN_CHANNEL)
    assert (info.channel, info.medium_type, info.protocol_type) == (
        LAN_CHANNEL,
        a.ChannelMediumType.LAN_802_3,
        a.ChannelProtocolType.IPMB,
    )
    assert info.session_support == a.SessionSupport.MULTI_SESSION and info.active_session_count >= 1
    assert info.vendor_id == 7154  # the IPMI forum's IANA number
    assert app_call(bmc, "get_channel_info") == info  # Eh: the channel this request came in on
    for access_type in (a.ChannelAccessSelector.VOLATILE, a.ChannelAccessSelector.NON_VOLATILE):
        access = app_call(bmc, "get_channel_access", LAN_CHANNEL, access_type)
        assert access == a.ChannelAccess(a.ChannelAccessMode.ALWAYS_AVAILABLE, False, False, False, ADMIN)


def test_set_channel_access(bmc: BlockingClient) -> None:
    app_call(
        bmc,
        "set_channel_access",
        LAN_CHANNEL,
        a.ChannelAccessSelector.VOLATILE,
        a.ChannelAccessMode.ALWAYS_AVAILABLE,
        privilege_limit_set=a.ChannelAccessSelector.VOLATILE,
        privilege_limit=ADMIN,
    )
    assert app_call(bmc, "get_channel_access", LAN_CHANNEL).privilege_limit == ADMIN
    # ipmi_sim cannot turn per-message authentication off
    rejects(
        NetFn.APP,
        AppCommand.SET_CHANNEL_ACCESS,
        0x83,
        "access mode not supported",
        app_call,
        bmc,
        "set_channel_access",
        LAN_CHANNEL,
        a.ChannelAccessSelector.VOLATILE,
        a.ChannelAccessMode.ALWAYS_AVAILABLE,
        per_message_authentication_disabled=True,
    )


def test_session_info_and_privilege_level(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    info = app_call(bmc, "get_session_info")
    assert info.session is not None and info.session_slot_count == 63  # ipmi_sim's MAX_SESSIONS
    assert info.active_session_count >= 1
    assert (info.session.user_id, info.session.privilege, info.session.channel) == (2, ADMIN, LAN_CHANNEL)
    assert info.session.session_protocol == a.SessionProtocol.IPMI_V20 and info.session.lan is None
    assert app_call(bmc, "get_session_info", 0xFE, session_handle=info.session_handle) == info
    assert app_call(bmc, "get_session_info", 0xFF, session_id=bmc.session.sid_c) == info
    assert app_call(bmc, "get_session_info", 0x3F).session is None

    assert app_call(bmc, "set_session_privilege_level", PrivilegeLevel.UNSPECIFIED).privilege == ADMIN
    assert app_call(bmc, "set_session_privilege_level", OPERATOR).privilege == OPERATOR
    assert app_call(bmc, "get_session_info").session.privilege == OPERATOR
    assert app_call(bmc, "set_session_privilege_level", ADMIN).privilege == ADMIN
    rejects(
        NetFn.APP,
        AppCommand.SET_SESSION_PRIVILEGE_LEVEL,
        0x80,
        "requested level not available for this user",
        app_call,
        bmc,
        "set_session_privilege_level",
        PrivilegeLevel.CALLBACK,
    )
    with BlockingClient(ipmi_sim.addr, config(b"operator", b"ipmifast-oper", 3), port=ipmi_sim.port) as operator:
        rejects(
            NetFn.APP,
            AppCommand.SET_SESSION_PRIVILEGE_LEVEL,
            0x81,
            "requested level exceeds user and/or channel privilege limit",
            app_call,
            operator,
            "set_session_privilege_level",
            ADMIN,
        )
        assert app_call(operator, "get_session_info").session.user_id == 3


def test_close_session_of_an_unknown_session_id(bmc: BlockingClient) -> None:
    rejects(
        NetFn.APP,
        AppCommand.CLOSE_SESSION,
        0x87,
        "invalid session ID in request",
        app_call,
        bmc,
        "close_session",
        0x09090909,
    )


def test_cipher_suites_and_ipmitool_getciphers(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    blocks = []
    for index in range(0x40):
        block = app_call(bmc, "get_channel_cipher_suites", LAN_CHANNEL, list_index=index)
        assert block.channel == LAN_CHANNEL
        blocks.append(block.record_data)
        if len(block.record_data) < a.CIPHER_SUITE_RECORD_BLOCK:
            break
    records = a.decode_cipher_suite_records(b"".join(blocks))
    assert [r.cipher_suite_id for r in records] == list(range(15))
    by_id = {r.cipher_suite_id: r for r in records}
    # ipmitool lists the first 12 (its own limit); every row it prints is one of ours
    names = {
        "none": 0,
        "hmac_sha1": 1,
        "hmac_md5": 2,
        "hmac_sha1_96": 1,
        "hmac_md5_128": 2,
        "md5_128": 3,
        "aes_cbc_128": 1,
        "xrc4_128": 2,
        "xrc4_40": 3,
    }
    rows = [line.split() for line in ipmitool(ipmi_sim, "channel", "getciphers", "ipmi", "1").splitlines()[1:]]
    assert len(rows) >= 12
    for suite_id, _iana, auth, integrity, confidentiality in rows:
        r = by_id[int(suite_id)]
        assert (r.authentication_algorithms, r.integrity_algorithms, r.confidentiality_algorithms) == (
            (names[auth],),
            (names[integrity],),
            (names[confidentiality],),
        )
    supported = app_call(bmc, "get_channel_cipher_suites", LAN_CHANNEL, list_by_cipher_suite=False).record_data
    assert supported == bytes.fromhex("0001024041424380818283")  # every algorithm, tag in bits 7:6
    cc, data = session_less(ipmi_sim, AppCommand.GET_CHANNEL_CIPHER_SUITES, a.encode_get_channel_cipher_suites_rq())
    assert cc == 0 and a.decode_get_channel_cipher_suites_rs(data).record_data == blocks[0]


def test_users_match_the_test_bed_and_ipmitool_user_list(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    decoded = {}
    for user_id in range(1, 9):
        access = app_call(bmc, "get_user_access", LAN_CHANNEL, user_id)
        assert (access.max_user_ids, access.enabled_user_ids) == (63, 3)
        name = app_call(bmc, "get_user_name", user_id).user_name if user_id > 1 else b""  # user 1: ipmi_sim CCh
        decoded[user_id] = (name, access)
    for user_id, (name, _password, privilege) in USERS.items():
        got_name, access = decoded[user_id]
        assert (got_name, access.privilege_limit, access.ipmi_messaging) == (name, privilege, True)
    for user_id in (1, 5, 7, 8):
        assert decoded[user_id][1].privilege_limit == PrivilegeLevel.UNSPECIFIED
    text = {
        ADMIN: "ADMINISTRATOR",
        OPERATOR: "OPERATOR",
        USER: "USER",
        PrivilegeLevel.CALLBACK: "CALLBACK",
        PrivilegeLevel.NO_ACCESS: "NO ACCESS",
        PrivilegeLevel.UNSPECIFIED: "Unknown (0x00)",
    }
    row = re.compile(r"^(\d+)\s+(\S*)\s+(true|false)\s+(true|false)\s+(true|false)\s+(.+?)\s*$")
    listed = {}
    for line in ipmitool(ipmi_sim, "user", "list", "1").splitlines()[1:]:
        m = row.match(line)
        assert m, line
        listed[int(m[1])] = m.groups()[1:]
    for user_id in (1, 2, 3, 4, 5, 7, 8):  # 6 is the write test's slot
        name, access = decoded[user_id]
        assert listed[user_id] == (
            name.decode(),
            str(not access.callback_only).lower(),
            str(access.link_authentication).lower(),
            str(access.ipmi_messaging).lower(),
            text[access.privilege_limit],
        )


def test_user_name_password_and_access_written_and_read_back(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    slot, name, password = 6, b"ipmifast6", b"slot6-password"
    app_call(bmc, "set_user_name", slot, name)
    assert app_call(bmc, "get_user_name", slot) == a.UserName(name)
    app_call(bmc, "set_user_password", slot, a.PasswordOperation.SET_PASSWORD, password)
    app_call(bmc, "set_user_password", slot, a.PasswordOperation.ENABLE_USER)
    app_call(bmc, "set_user_access", LAN_CHANNEL, slot, OPERATOR, ipmi_messaging=True)
    access = app_call(bmc, "get_user_access", LAN_CHANNEL, slot)
    assert (access.privilege_limit, access.ipmi_messaging, access.enabled_user_ids) == (OPERATOR, True, 4)
    with BlockingClient(ipmi_sim.addr, config(name, password, 3), port=ipmi_sim.port) as new_user:
        assert app_call(new_user, "get_session_info").session.user_id == slot
    app_call(bmc, "set_user_password", slot, a.PasswordOperation.TEST_PASSWORD, password)
    # ipmi_sim does not implement the test: a wrong password passes too (the spec says 80h)
    app_call(bmc, "set_user_password", slot, a.PasswordOperation.TEST_PASSWORD, b"wrong")
    # a 20-byte password: ipmi_sim stores its first 16 bytes only
    long_password = b"twenty-byte-password"
    app_call(bmc, "set_user_password", slot, a.PasswordOperation.SET_PASSWORD, long_password, 20)
    with BlockingClient(ipmi_sim.addr, config(name, long_password[:16], 3), port=ipmi_sim.port) as new_user:
        assert app_call(new_user, "get_session_info").session.user_id == slot
    app_call(bmc, "set_user_password", slot, a.PasswordOperation.DISABLE_USER)
    assert not app_call(bmc, "get_user_access", LAN_CHANNEL, slot).ipmi_messaging
    listed = ipmitool(ipmi_sim, "user", "list", "1")
    assert re.search(rf"^{slot}\s+{name.decode()}\s+true\s+false\s+false\s+OPERATOR\s*$", listed, re.M), listed


def test_watchdog(bmc: BlockingClient) -> None:
    before = app_call(bmc, "get_watchdog_timer")
    assert before.present_countdown is None  # ipmi_sim omits bytes 7:8
    if before.timer_use == a.TimerUse.RESERVED:  # a fresh BMC: never set
        rejects(
            NetFn.APP,
            AppCommand.RESET_WATCHDOG_TIMER,
            0x80,
            "attempt to start un-initialized watchdog",
            app_call,
            bmc,
            "reset_watchdog_timer",
        )
    app_call(
        bmc,
        "set_watchdog_timer",
        a.TimerUse.SMS_OS,
        a.TimeoutAction.NO_ACTION,
        600,
        expiration_flags_clear=a.TimerUseFlags.SMS_OS,
        dont_log=True,
    )
    wd = app_call(bmc, "get_watchdog_timer")
    assert (wd.timer_use, wd.timeout_action, wd.initial_countdown, wd.dont_log) == (
        a.TimerUse.SMS_OS,
        a.TimeoutAction.NO_ACTION,
        600,
        True,
    )
    assert not wd.running  # "no action" timers do not run in ipmi_sim
    app_call(bmc, "reset_watchdog_timer")


def test_payload_commands_need_sol(bmc: BlockingClient) -> None:
    support = app_call(bmc, "get_channel_payload_support", LAN_CHANNEL)
    assert support == a.ChannelPayloadSupport(frozenset({1}))  # ipmi_sim: bit 1 means IPMI to it
    for name, args in (
        ("get_payload_activation_status", (PayloadType.SOL,)),
        ("activate_payload", (PayloadType.SOL,)),
    ):
        rejects(NetFn.APP, AppCommand[name.upper()], 0xC1, "invalid command", app_call, bmc, name, *args)


def test_commands_ipmi_sim_does_not_implement(bmc: BlockingClient) -> None:
    for name in ("cold_reset", "warm_reset"):
        rejects(NetFn.APP, AppCommand[name.upper()], 0xC1, "invalid command", app_call, bmc, name)
    for name, args in (
        ("get_system_restart_cause", ()),
        ("get_poh_counter", ()),
        ("set_power_restore_policy", (c.PowerRestorePolicy.NO_CHANGE,)),
    ):
        rejects(NetFn.CHASSIS, ChassisCommand[name.upper()], 0xC1, "invalid command", chassis_call, bmc, name, *args)


# Requests that are harmless whether ipmi_sim runs them or refuses them (privilege test below)
HARMLESS: dict[str, bytes] = {
    "get_device_id": b"",
    "reset_watchdog_timer": b"",
    "set_watchdog_timer": bytes(6),  # timer use 0: CCh when permitted
    "get_watchdog_timer": b"",
    "get_system_guid": b"",
    "set_session_privilege_level": a.encode_set_session_privilege_level_rq(PrivilegeLevel.UNSPECIFIED),
    "get_session_info": a.encode_get_session_info_rq(),
    "set_channel_access": bytes((LAN_CHANNEL, 0x80 | 0x12, 0)),  # per-message auth off: 83h when permitted
    "get_channel_access": a.encode_get_channel_access_rq(LAN_CHANNEL),
    "get_channel_info": a.encode_get_channel_info_rq(LAN_CHANNEL),
    "set_user_access": bytes((LAN_CHANNEL, 0, 2)),  # user 0: CCh when permitted
    "get_user_access": a.encode_get_user_access_rq(LAN_CHANNEL, 2),
    "set_user_name": bytes(17),  # user 0: CCh when permitted
    "get_user_name": a.encode_get_user_name_rq(2),
    "set_user_password": bytes((0, 1)),  # user 0: CCh when permitted
    "get_channel_payload_support": a.encode_get_channel_payload_support_rq(LAN_CHANNEL),
    "get_channel_cipher_suites": a.encode_get_channel_cipher_suites_rq(),
    "get_chassis_status": b"",
    "chassis_control": c.encode_chassis_control_rq(c.ChassisControl.DIAGNOSTIC_INTERRUPT),  # CCh when permitted
    "set_power_restore_policy": c.encode_set_power_restore_policy_rq(c.PowerRestorePolicy.NO_CHANGE),
    "set_system_boot_options": c.encode_set_system_boot_options_rq(0, SetInProgress.SET_IN_PROGRESS),
    "get_system_boot_options": c.encode_get_system_boot_options_rq(5),
    "set_lan_configuration_parameters": t.encode_set_lan_configuration_parameters_rq(LAN_CHANNEL, 8, 623),
    "get_lan_configuration_parameters": t.encode_get_lan_configuration_parameters_rq(LAN_CHANNEL, 0),
    "set_sol_configuration_parameters": t.encode_set_sol_configuration_parameters_rq(LAN_CHANNEL, 1, True),
}


@pytest.mark.parametrize("user_id", [4, 3, 2], ids=["USER", "OPERATOR", "ADMINISTRATOR"])
def test_registry_privileges_agree_with_ipmi_sim(ipmi_sim: SimBmc, user_id: int) -> None:
    """ipmi_sim enforces Appendix G's table (lanserv/priv_table.c): it answers D4h "insufficient privilege level"
    exactly to the commands whose registry privilege is above the session's."""
    name, password, level = USERS[user_id]
    checked = 0
    with BlockingClient(ipmi_sim.addr, config(name, password, level), port=ipmi_sim.port) as session:
        for command in COMMANDS:
            data = HARMLESS.get(command.codec_name)
            if data is None:
                continue
            cc = session.request(command.netfn, command.cmd, data).cc
            assert (cc == 0xD4) == (command.privilege > level), (command.name, hex(cc))
            checked += 1
    assert checked == len(HARMLESS)


# ================================================================================================= chassis


def test_chassis_status_power_control_and_ipmitool(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    def power_on() -> bool:
        status: c.ChassisStatus = chassis_call(bmc, "get_chassis_status")
        return status.power_on

    status = chassis_call(bmc, "get_chassis_status")
    assert status == c.ChassisStatus(power_on=True)  # a new test-bed BMC is on; the other bits are fixed
    shown = fields(ipmitool(ipmi_sim, "chassis", "status"))
    yes_no = {True: "true", False: "false"}
    active = {True: "active", False: "inactive"}
    assert shown["System Power"] == ("on" if status.power_on else "off")
    assert shown["Power Overload"] == yes_no[status.power_overload]
    assert shown["Power Interlock"] == active[status.interlock]
    assert shown["Main Power Fault"] == yes_no[status.power_fault]
    assert shown["Power Control Fault"] == yes_no[status.power_control_fault]
    assert shown["Power Restore Policy"] == status.restore_policy.name.lower().replace("_", "-")
    assert shown["Chassis Intrusion"] == active[status.intrusion]
    assert shown["Front-Panel Lockout"] == active[status.front_panel_lockout]
    assert shown["Drive Fault"] == yes_no[status.drive_fault]
    assert shown["Cooling/Fan Fault"] == yes_no[status.cooling_fault]

    chassis_call(bmc, "chassis_control", c.ChassisControl.POWER_DOWN)
    assert not power_on()
    assert ipmitool(ipmi_sim, "power", "status").strip() == "Chassis Power is off"
    chassis_call(bmc, "chassis_control", c.ChassisControl.POWER_UP)
    assert power_on()
    assert ipmitool(ipmi_sim, "power", "status").strip() == "Chassis Power is on"
    chassis_call(bmc, "chassis_control", c.ChassisControl.POWER_CYCLE)
    assert not power_on()  # ipmi_sim powers back on about 1 s later
    wait_for(power_on)
    chassis_call(bmc, "chassis_control", c.ChassisControl.SOFT_SHUTDOWN)
    assert not power_on()
    chassis_call(bmc, "chassis_control", c.ChassisControl.POWER_UP)
    chassis_call(bmc, "chassis_control", c.ChassisControl.HARD_RESET)
    assert (ipmi_sim.state_dir / "chassis.last_reset").exists()
    assert power_on()
    rejects(
        NetFn.CHASSIS,
        ChassisCommand.CHASSIS_CONTROL,
        0xCC,
        "invalid data field in request",
        chassis_call,
        bmc,
        "chassis_control",
        c.ChassisControl.DIAGNOSTIC_INTERRUPT,
    )


def test_chassis_identify(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    state = ipmi_sim.state_dir / "chassis.identify"  # chassis-control.sh writes "interval force"
    for kwargs, written in (({}, "15 0"), ({"interval": 0, "force_on": True}, "0 1"), ({"interval": 0}, "0 0")):
        chassis_call(bmc, "chassis_identify", **kwargs)
        assert state.read_text().strip() == written


def test_boot_device_written_and_read_back(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    def boot_flags() -> c.BootFlags:
        option = chassis_call(bmc, "get_system_boot_options", c.BootOptionParameter.BOOT_FLAGS)
        assert (option.parameter, option.parameter_version, option.parameter_locked) == (5, 1, False)
        assert isinstance(option.value, c.BootFlags)
        return option.value

    assert boot_flags() == c.BootFlags(c.BootDevice.DISK, boot_flags_valid=False)  # chassis-control.sh "default"
    for device, name in ((c.BootDevice.PXE, "pxe"), (c.BootDevice.CDROM, "cdrom"), (c.BootDevice.BIOS, "bios")):
        chassis_call(bmc, "set_system_boot_options", c.BootOptionParameter.BOOT_FLAGS, c.BootFlags(device))
        assert boot_flags() == c.BootFlags(device, boot_flags_valid=False)  # ipmi_sim keeps the device only
        assert (ipmi_sim.state_dir / "chassis.boot").read_text().strip() == name
    chassis_call(bmc, "set_system_boot_options", c.BootOptionParameter.BOOT_FLAGS, c.BootFlags(c.BootDevice.PXE))
    shown = ipmitool(ipmi_sim, "chassis", "bootparam", "get", "5")
    assert "Boot parameter data: 0004000000" in shown and "Force PXE" in shown
    selector = chassis_call(bmc, "get_system_boot_options", c.BootOptionParameter.SERVICE_PARTITION_SELECTOR)
    assert selector.value == 0
    chassis_call(
        bmc,
        "set_system_boot_options",
        c.BootOptionParameter.BOOT_FLAG_VALID_BIT_CLEARING,
        c.BootFlagValidBitClearing(0),
    )
    rejects(  # ipmi_sim has no "set in progress" boot option
        NetFn.CHASSIS,
        ChassisCommand.SET_SYSTEM_BOOT_OPTIONS,
        0xCC,
        "invalid data field in request",
        chassis_call,
        bmc,
        "set_system_boot_options",
        c.BootOptionParameter.SET_IN_PROGRESS,
        SetInProgress.SET_IN_PROGRESS,
    )


# =============================================================================================== transport


def test_lan_parameters_match_the_test_bed_and_ipmitool(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    addr = IPv4Address(ipmi_sim.addr)
    gateway = IPv4Address(addr.packed[:3] + b"\xfe")
    mac = "02:00:" + ":".join(f"{b:02x}" for b in addr.packed)  # lan-control.sh
    values = {p: lan_get(bmc, p) for p in (0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24)}
    assert values[LP.SET_IN_PROGRESS] == SetInProgress.SET_COMPLETE
    assert values[LP.AUTHENTICATION_TYPE_SUPPORT] == AuthTypes.NONE | AuthTypes.MD2 | AuthTypes.MD5 | AuthTypes.PASSWORD
    md2_md5 = AuthTypes.MD2 | AuthTypes.MD5
    assert values[LP.AUTHENTICATION_TYPE_ENABLES] == t.AuthTypeEnables(md2_md5, md2_md5, md2_md5, md2_md5)
    assert (values[LP.IP_ADDRESS], values[LP.IP_ADDRESS_SOURCE]) == (addr, t.IpAddressSource.STATIC)
    assert (values[LP.MAC_ADDRESS], values[LP.SUBNET_MASK]) == (mac, IPv4Address("255.255.255.0"))
    assert (values[LP.DEFAULT_GATEWAY_ADDRESS], values[LP.DEFAULT_GATEWAY_MAC_ADDRESS]) == (
        gateway,
        "02:00:00:00:00:fe",
    )
    assert values[LP.BACKUP_GATEWAY_ADDRESS] == IPv4Address("0.0.0.0")
    assert values[LP.BACKUP_GATEWAY_MAC_ADDRESS] == "00:00:00:00:00:00"
    assert (values[LP.COMMUNITY_STRING], values[LP.NUMBER_OF_DESTINATIONS]) == (b"public", 0)
    assert (values[LP.VLAN_ID], values[LP.VLAN_PRIORITY]) == (t.VlanId(0, False), 0)
    count = values[LP.CIPHER_SUITE_ENTRY_SUPPORT]
    assert count == 15 and values[LP.CIPHER_SUITE_ENTRIES][:count] == tuple(range(1, 16))
    assert values[LP.CIPHER_SUITE_PRIVILEGE_LEVELS] == (ADMIN,) * 16

    text = ipmitool(ipmi_sim, "lan", "print", str(LAN_CHANNEL))
    shown = fields(text)
    sources = {t.IpAddressSource.STATIC: "Static Address", t.IpAddressSource.DHCP: "DHCP Address"}
    assert shown["Set in Progress"] == "Set Complete"
    names = {
        AuthTypes.NONE: "NONE",
        AuthTypes.MD2: "MD2",
        AuthTypes.MD5: "MD5",
        AuthTypes.PASSWORD: "PASSWORD",
        AuthTypes.OEM: "OEM",
    }
    assert shown["Auth Type Support"].split() == [n for f, n in names.items() if f in values[1]]
    enables = re.findall(r"^\s*(?:Auth Type Enable)?\s*:\s*(\w+)\s*:(.*)$", text, re.M)
    by_level = {level.strip(): set(types.split()) for level, types in enables}
    e = values[LP.AUTHENTICATION_TYPE_ENABLES]
    for level, flags in (
        ("Callback", e.callback),
        ("User", e.user),
        ("Operator", e.operator),
        ("Admin", e.administrator),
        ("OEM", e.oem),
    ):
        assert by_level[level] == {n for f, n in names.items() if f in flags}, level
    assert shown["IP Address Source"] == sources[values[LP.IP_ADDRESS_SOURCE]]
    assert shown["IP Address"] == str(values[LP.IP_ADDRESS])
    assert shown["Subnet Mask"] == str(values[LP.SUBNET_MASK])
    assert shown["MAC Address"] == values[LP.MAC_ADDRESS]
    assert shown["SNMP Community String"] == values[LP.COMMUNITY_STRING].decode()
    h = values[LP.IPV4_HEADER_PARAMETERS]
    assert shown["IP Header"] == (
        f"TTL=0x{h.time_to_live:02x} Flags=0x{h.flags << 5:02x} "
        f"Precedence=0x{h.precedence << 5:02x} TOS=0x{h.type_of_service << 1:02x}"
    )
    assert shown["Default Gateway IP"] == str(values[LP.DEFAULT_GATEWAY_ADDRESS])
    assert shown["Default Gateway MAC"] == values[LP.DEFAULT_GATEWAY_MAC_ADDRESS]
    assert shown["Backup Gateway IP"] == str(values[LP.BACKUP_GATEWAY_ADDRESS])
    assert shown["Backup Gateway MAC"] == values[LP.BACKUP_GATEWAY_MAC_ADDRESS]
    assert shown["802.1q VLAN ID"] == (
        "Disabled" if not values[LP.VLAN_ID].enabled else str(values[LP.VLAN_ID].vlan_id)
    )
    assert shown["802.1q VLAN Priority"] == str(values[LP.VLAN_PRIORITY])
    assert shown["RMCP+ Cipher Suites"] == ",".join(str(s) for s in values[LP.CIPHER_SUITE_ENTRIES][:count])
    letters = {
        PrivilegeLevel.UNSPECIFIED: "X",
        PrivilegeLevel.CALLBACK: "c",
        USER: "u",
        OPERATOR: "o",
        ADMIN: "a",
        PrivilegeLevel.OEM: "O",
    }
    assert shown["Cipher Suite Priv Max"] == "".join(letters[p] for p in values[LP.CIPHER_SUITE_PRIVILEGE_LEVELS][:15])


def test_lan_parameters_written_and_read_back(ipmi_sim: SimBmc, bmc: BlockingClient) -> None:
    addr = IPv4Address(ipmi_sim.addr)
    netmask, gateway = IPv4Address("255.255.0.0"), IPv4Address(addr.packed[:3] + b"\xfd")
    original = lan_get(bmc, LP.SUBNET_MASK), lan_get(bmc, LP.DEFAULT_GATEWAY_ADDRESS)

    def write(mask: IPv4Address, gw: IPv4Address) -> None:
        # ipmi_sim hands IP settings to lan-control.sh on "commit write" only
        lan_set(bmc, LP.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS)
        lan_set(bmc, LP.SUBNET_MASK, mask)
        lan_set(bmc, LP.DEFAULT_GATEWAY_ADDRESS, gw)
        lan_set(bmc, LP.DEFAULT_GATEWAY_MAC_ADDRESS, "02:00:00:00:00:fd")
        lan_set(bmc, LP.SET_IN_PROGRESS, SetInProgress.COMMIT_WRITE)
        lan_set(bmc, LP.SET_IN_PROGRESS, SetInProgress.SET_COMPLETE)

    write(netmask, gateway)
    try:
        assert (lan_get(bmc, LP.SUBNET_MASK), lan_get(bmc, LP.DEFAULT_GATEWAY_ADDRESS)) == (netmask, gateway)
        assert lan_get(bmc, LP.SET_IN_PROGRESS) == SetInProgress.SET_COMPLETE
        assert (ipmi_sim.state_dir / "lan" / "subnet_mask").read_text().strip() == str(netmask)
        shown = fields(ipmitool(ipmi_sim, "lan", "print", str(LAN_CHANNEL)))
        assert (shown["Subnet Mask"], shown["Default Gateway IP"]) == (str(netmask), str(gateway))
        assert shown["Default Gateway MAC"] == "02:00:00:00:00:fd"
    finally:
        write(*original)
    assert lan_get(bmc, LP.SUBNET_MASK) == original[0]

    lan_set(bmc, LP.IPV4_HEADER_PARAMETERS, t.Ipv4HeaderParameters())  # stored directly
    assert lan_get(bmc, LP.IPV4_HEADER_PARAMETERS) == t.Ipv4HeaderParameters()
    assert (
        fields(ipmitool(ipmi_sim, "lan", "print", "1"))["IP Header"] == "TTL=0x40 Flags=0x40 Precedence=0x00 TOS=0x10"
    )
    lan_set(bmc, LP.VLAN_ID, t.VlanId(261, True))
    assert lan_get(bmc, LP.VLAN_ID) == t.VlanId(261, True)
    assert fields(ipmitool(ipmi_sim, "lan", "print", "1"))["802.1q VLAN ID"] == "261"
    lan_set(bmc, LP.VLAN_ID, t.VlanId(0, False))

    lan_set(bmc, LP.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS)
    try:
        rejects(
            NetFn.TRANSPORT,
            TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS,
            0x81,
            "attempt to set the 'set in progress' value when not in the 'set complete' state",
            lan_set,
            bmc,
            LP.SET_IN_PROGRESS,
            SetInProgress.SET_IN_PROGRESS,
        )
    finally:
        lan_set(bmc, LP.SET_IN_PROGRESS, SetInProgress.SET_COMPLETE)


def test_lan_parameters_ipmi_sim_refuses(bmc: BlockingClient) -> None:
    set_cmd, get_cmd = (
        TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS,
        TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS,
    )
    rejects(
        NetFn.TRANSPORT,
        set_cmd,
        0x80,
        "parameter not supported",
        lan_set,
        bmc,
        LP.BMC_GENERATED_ARP_CONTROL,
        t.BmcArpControl(True, True),
    )
    rejects(NetFn.TRANSPORT, set_cmd, 0x80, "parameter not supported", lan_set, bmc, LP.GRATUITOUS_ARP_INTERVAL, 10)
    rejects(
        NetFn.TRANSPORT,
        set_cmd,
        0x82,
        "attempt to write read-only parameter",
        lan_set,
        bmc,
        LP.AUTHENTICATION_TYPE_ENABLES,
        t.AuthTypeEnables(*[AuthTypes.MD5 | AuthTypes.PASSWORD] * 4),
    )
    for parameter in (
        LP.PRIMARY_RMCP_PORT,
        LP.SECONDARY_RMCP_PORT,
        LP.BMC_GENERATED_ARP_CONTROL,
        LP.GRATUITOUS_ARP_INTERVAL,
    ):
        rejects(NetFn.TRANSPORT, get_cmd, 0x80, "parameter not supported", lan_get, bmc, parameter)
    lan_set(bmc, LP.COMMUNITY_STRING, b"private")  # accepted and ignored
    assert lan_get(bmc, LP.COMMUNITY_STRING) == b"public"


def test_sol_commands_need_sol(bmc: BlockingClient) -> None:
    get_cmd = TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS
    rejects(NetFn.TRANSPORT, get_cmd, 0xC1, "invalid command", sol_get, bmc, SP.SOL_ENABLE)


def test_sol_parameters_written_and_read_back(sol_sim: SimBmc, sol_bmc: BlockingClient) -> None:
    assert sol_get(sol_bmc, SP.SET_IN_PROGRESS) == SetInProgress.SET_COMPLETE
    assert sol_get(sol_bmc, SP.SOL_ENABLE) is True
    assert sol_get(sol_bmc, SP.SOL_NON_VOLATILE_BIT_RATE) == t.SolBitRate.SERIAL_SETTING
    assert sol_get(sol_bmc, SP.SOL_VOLATILE_BIT_RATE) == t.SolBitRate.SERIAL_SETTING
    for parameter in (
        SP.SOL_AUTHENTICATION,
        SP.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD,
        SP.SOL_RETRY,
        SP.SOL_PAYLOAD_CHANNEL,
        SP.SOL_PAYLOAD_PORT_NUMBER,
    ):
        rejects(
            NetFn.TRANSPORT,
            TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS,
            0x80,
            "parameter not supported",
            sol_get,
            sol_bmc,
            parameter,
        )
    rejects(
        NetFn.TRANSPORT,
        TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS,
        0x80,
        "parameter not supported",
        sol_set,
        sol_bmc,
        SP.SOL_AUTHENTICATION,
        t.SolAuthentication(force_encryption=True),
    )

    sol_set(sol_bmc, SP.SOL_ENABLE, False)
    assert sol_get(sol_bmc, SP.SOL_ENABLE) is False
    assert fields(ipmitool(sol_sim, "sol", "info", "1"))["Enabled"] == "false"
    sol_set(sol_bmc, SP.SOL_ENABLE, True)
    assert sol_get(sol_bmc, SP.SOL_ENABLE) is True

    sol_set(sol_bmc, SP.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS)
    rejects(
        NetFn.TRANSPORT,
        TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS,
        0x81,
        "attempt to set the 'set in progress' value when not in the 'set complete' state",
        sol_set,
        sol_bmc,
        SP.SET_IN_PROGRESS,
        SetInProgress.SET_IN_PROGRESS,
    )
    sol_set(sol_bmc, SP.SOL_NON_VOLATILE_BIT_RATE, t.SolBitRate.BAUD_115200)
    sol_set(sol_bmc, SP.SOL_VOLATILE_BIT_RATE, t.SolBitRate.BAUD_57600)
    sol_set(sol_bmc, SP.SET_IN_PROGRESS, SetInProgress.COMMIT_WRITE)
    assert sol_get(sol_bmc, SP.SET_IN_PROGRESS) == SetInProgress.SET_COMPLETE
    assert sol_get(sol_bmc, SP.SOL_NON_VOLATILE_BIT_RATE) == t.SolBitRate.BAUD_115200
    assert sol_get(sol_bmc, SP.SOL_VOLATILE_BIT_RATE) == t.SolBitRate.BAUD_57600
    shown = fields(ipmitool(sol_sim, "sol", "info", "1"))
    assert (shown["Set in progress"], shown["Enabled"]) == ("set-complete", "true")
    assert (shown["Non-Volatile Bit Rate (kbps)"], shown["Volatile Bit Rate (kbps)"]) == ("115.2", "57.6")


def test_sol_payload_activation(sol_sim: SimBmc, sol_bmc: BlockingClient) -> None:
    support = app_call(sol_bmc, "get_channel_payload_support", LAN_CHANNEL)  # never channel Eh: it crashes ipmi_sim
    assert PayloadType.SOL in support.standard_payload_types
    assert app_call(sol_bmc, "get_payload_activation_status", PayloadType.SOL) == a.PayloadActivationStatus(
        1, frozenset()
    )
    activation = app_call(
        sol_bmc, "activate_payload", PayloadType.SOL, 1, a.encode_sol_activation(a.SolActivation(True, True))
    )
    try:
        assert (activation.payload_udp_port, activation.payload_vlan_number) == (sol_sim.port, a.NO_VLAN)
        assert activation.inbound_payload_size > 0
        status = app_call(sol_bmc, "get_payload_activation_status", PayloadType.SOL)
        assert status.active_instances == frozenset({1})
    finally:
        app_call(sol_bmc, "deactivate_payload", PayloadType.SOL, 1)
    assert app_call(sol_bmc, "get_payload_activation_status", PayloadType.SOL).active_instances == frozenset()
    rejects(
        NetFn.APP,
        AppCommand.DEACTIVATE_PAYLOAD,
        0x80,
        "payload already deactivated",
        app_call,
        sol_bmc,
        "deactivate_payload",
        PayloadType.SOL,
        1,
    )
