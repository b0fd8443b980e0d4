"""The command registry (privileges of IPMI v2.0 Appendix G, Table G-1) and command-specific completion codes."""

from __future__ import annotations

import pytest

from ipmifast.cmds import COMMANDS, app, chassis, command_for, command_named, completion_code_text, transport
from ipmifast.proto.consts import AppCmd, NetFn, Privilege

MODULES = {NetFn.APP: app, NetFn.CHASSIS: chassis, NetFn.TRANSPORT: transport}


def test_every_command_has_its_four_codecs() -> None:
    for command in COMMANDS:
        module = MODULES[command.netfn]
        for kind in ("encode_{}_rq", "decode_{}_rq", "encode_{}_rs", "decode_{}_rs"):
            assert callable(getattr(module, kind.format(command.codec_name))), (command.name, kind)


def test_registry_is_unique_and_complete() -> None:
    assert len({(c.netfn, c.cmd) for c in COMMANDS}) == len(COMMANDS)
    assert len({c.codec_name for c in COMMANDS}) == len(COMMANDS)
    enums = {
        NetFn.APP: app.AppCommand,
        NetFn.CHASSIS: chassis.ChassisCommand,
        NetFn.TRANSPORT: transport.TransportCommand,
    }
    for netfn, enum in enums.items():
        assert {c.cmd for c in COMMANDS if c.netfn == netfn} == set(enum)
    for member in AppCmd:  # the session layer's subset agrees with the codecs' numbers
        if member.name in app.AppCommand.__members__:
            assert app.AppCommand[member.name] == member


@pytest.mark.parametrize(
    "name,netfn,cmd,privilege,session_less",
    [
        ("Get Device ID", NetFn.APP, 0x01, Privilege.USER, False),
        ("Cold Reset", NetFn.APP, 0x02, Privilege.ADMINISTRATOR, False),
        ("Set Watchdog Timer", NetFn.APP, 0x24, Privilege.OPERATOR, False),
        ("Get System GUID", NetFn.APP, 0x37, Privilege.CALLBACK, True),
        ("Get Channel Authentication Capabilities", NetFn.APP, 0x38, Privilege.CALLBACK, True),
        ("Close Session", NetFn.APP, 0x3C, Privilege.CALLBACK, False),
        ("Set Channel Access", NetFn.APP, 0x40, Privilege.ADMINISTRATOR, False),
        ("Get User Access", NetFn.APP, 0x44, Privilege.OPERATOR, False),
        ("Set User Password", NetFn.APP, 0x47, Privilege.ADMINISTRATOR, False),
        ("Get Channel Cipher Suites", NetFn.APP, 0x54, Privilege.CALLBACK, True),
        ("Get Chassis Status", NetFn.CHASSIS, 0x01, Privilege.USER, False),
        ("Chassis Control", NetFn.CHASSIS, 0x02, Privilege.OPERATOR, False),
        ("Get System Boot Options", NetFn.CHASSIS, 0x09, Privilege.OPERATOR, False),
        ("Get POH Counter", NetFn.CHASSIS, 0x0F, Privilege.USER, False),
        ("Set LAN Configuration Parameters", NetFn.TRANSPORT, 0x01, Privilege.ADMINISTRATOR, False),
        ("Get LAN Configuration Parameters", NetFn.TRANSPORT, 0x02, Privilege.OPERATOR, False),
        ("Set SOL Configuration Parameters", NetFn.TRANSPORT, 0x21, Privilege.ADMINISTRATOR, False),
        ("Get SOL Configuration Parameters", NetFn.TRANSPORT, 0x22, Privilege.USER, False),
    ],
)
def test_appendix_g_privileges(name: str, netfn: int, cmd: int, privilege: Privilege, session_less: bool) -> None:
    command = command_named(name)
    assert (command.netfn, command.cmd, command.privilege, command.session_less) == (
        netfn,
        cmd,
        privilege,
        session_less,
    )
    assert command_for(netfn, cmd) is command
    assert command_for(netfn | 1, cmd) is command  # the response NetFn finds it too


def test_lookup() -> None:
    assert command_named("get_device_id") is command_named("Get Device ID") is command_named("get-device-id")
    assert command_named("get_device_id").codec_name == "get_device_id"
    assert command_for(NetFn.STORAGE, 0x20) is None
    with pytest.raises(KeyError):
        command_named("Get Bogus")


@pytest.mark.parametrize(
    "netfn,cmd,cc,text",
    [
        (NetFn.TRANSPORT, 0x01, 0x80, "parameter not supported"),
        (
            NetFn.TRANSPORT,
            0x01,
            0x81,
            "attempt to set the 'set in progress' value when not in the 'set complete' state",
        ),
        (NetFn.TRANSPORT, 0x01, 0x82, "attempt to write read-only parameter"),
        (NetFn.TRANSPORT, 0x02, 0x80, "parameter not supported"),
        (NetFn.TRANSPORT, 0x21, 0x83, "attempt to read write-only parameter"),
        (NetFn.TRANSPORT | 1, 0x22, 0x80, "parameter not supported"),
        (NetFn.CHASSIS, 0x08, 0x82, "attempt to write read-only parameter"),
        (NetFn.APP, 0x3B, 0x80, "requested level not available for this user"),
        (NetFn.APP, 0x3B, 0x81, "requested level exceeds user and/or channel privilege limit"),
        (NetFn.APP, 0x3C, 0x87, "invalid session ID in request"),
        (NetFn.APP, 0x3C, 0x88, "invalid session handle in request"),
        (NetFn.APP, 0x47, 0x81, "password test failed: wrong password size was used"),
        (NetFn.APP, 0x48, 0x80, "payload already active on another session"),
        (NetFn.APP, 0x48, 0x84, "cannot activate payload without encryption"),
        (NetFn.APP, 0x49, 0x80, "payload already deactivated"),
        (NetFn.APP, 0x22, 0x80, "attempt to start un-initialized watchdog"),
        (NetFn.APP, 0x40, 0x83, "access mode not supported"),
        # fall back to the generic texts of Table 5-2
        (NetFn.TRANSPORT, 0x01, 0xC1, "invalid command"),
        (NetFn.APP, 0x01, 0x80, "command-specific completion code"),
        (NetFn.CHASSIS, 0x09, 0x81, "command-specific completion code"),
        (NetFn.APP, 0x3B, 0xD4, "insufficient privilege level"),
    ],
)
def test_completion_code_text(netfn: int, cmd: int, cc: int, text: str) -> None:
    assert completion_code_text(netfn, cmd, cc) == text
