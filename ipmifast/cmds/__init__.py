"""IPMI command codecs, organised by spec chapter, and the command registry.

- ``app``: Application commands (IPMI v2.0 ch. 20-22, 24): device ID, GUIDs, resets, watchdog, channel
  authentication capabilities, channel info/access, sessions, users, cipher suites, payloads.
- ``chassis``: Chassis commands (ch. 28): capabilities, status, control, identify, restore policy, restart cause,
  boot options, POH counter.
- ``transport``: Transport commands (ch. 23, 26): LAN and SOL configuration parameters.

Every command has ``encode_<cmd>_rq`` / ``decode_<cmd>_rs`` (console side) and ``decode_<cmd>_rq`` /
``encode_<cmd>_rs`` (BMC side) in its module, where ``<cmd>`` is ``Command.codec_name``. ``COMMANDS`` lists them
with the minimum privilege Appendix G (Table G-1) requires, for the simulator's privilege check and the CLI's
names; ``completion_code_text`` gives the spec's text for a completion code, command-specific ones first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipmifast.proto import consts
from ipmifast.proto.consts import NetFn, Privilege

from . import app, chassis, transport
from ._common import AuthTypes, PrivilegeLevel, SetInProgress
from .app import AppCommand
from .chassis import ChassisCommand
from .transport import TransportCommand


@dataclass(frozen=True)
class Command:
    """One command of the registry: its spec name, request NetFn and command number, and the minimum session
    privilege Appendix G (Table G-1) requires on a LAN channel.

    ``session_less`` marks the commands Table G-1 allows outside a session (without authentication); their
    ``privilege`` is the lowest, CALLBACK.
    """

    name: str
    netfn: NetFn
    cmd: int
    privilege: Privilege
    session_less: bool = False

    @property
    def codec_name(self) -> str:
        """``get_device_id``: the ``<cmd>`` of the codec functions in the command's module."""
        return self.name.lower().replace(" ", "_")


_U, _O, _A, _C = Privilege.USER, Privilege.OPERATOR, Privilege.ADMINISTRATOR, Privilege.CALLBACK

# Privileges from IPMI v2.0 Appendix G, Table G-1 (cross-checked with OpenIPMI's lanserv/priv_table.c).
# Activate/Deactivate Payload are CALLBACK in the table because the payload decides: SOL requires the level of
# SOL configuration parameter 2 (default USER), which the payload handler checks.
COMMANDS: tuple[Command, ...] = (
    # Application, chapters 20-22 and 24
    Command("Get Device ID", NetFn.APP, AppCommand.GET_DEVICE_ID, _U),
    Command("Cold Reset", NetFn.APP, AppCommand.COLD_RESET, _A),
    Command("Warm Reset", NetFn.APP, AppCommand.WARM_RESET, _A),
    Command("Get Self Test Results", NetFn.APP, AppCommand.GET_SELF_TEST_RESULTS, _U),
    Command("Get Device GUID", NetFn.APP, AppCommand.GET_DEVICE_GUID, _U),
    Command("Reset Watchdog Timer", NetFn.APP, AppCommand.RESET_WATCHDOG_TIMER, _O),
    Command("Set Watchdog Timer", NetFn.APP, AppCommand.SET_WATCHDOG_TIMER, _O),
    Command("Get Watchdog Timer", NetFn.APP, AppCommand.GET_WATCHDOG_TIMER, _U),
    Command("Get System GUID", NetFn.APP, AppCommand.GET_SYSTEM_GUID, _C, session_less=True),
    Command(
        "Get Channel Authentication Capabilities",
        NetFn.APP,
        AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES,
        _C,
        session_less=True,
    ),
    Command("Set Session Privilege Level", NetFn.APP, AppCommand.SET_SESSION_PRIVILEGE_LEVEL, _U),
    Command("Close Session", NetFn.APP, AppCommand.CLOSE_SESSION, _C),
    Command("Get Session Info", NetFn.APP, AppCommand.GET_SESSION_INFO, _U),
    Command("Set Channel Access", NetFn.APP, AppCommand.SET_CHANNEL_ACCESS, _A),
    Command("Get Channel Access", NetFn.APP, AppCommand.GET_CHANNEL_ACCESS, _U),
    Command("Get Channel Info", NetFn.APP, AppCommand.GET_CHANNEL_INFO, _U),
    Command("Set User Access", NetFn.APP, AppCommand.SET_USER_ACCESS, _A),
    Command("Get User Access", NetFn.APP, AppCommand.GET_USER_ACCESS, _O),
    Command("Set User Name", NetFn.APP, AppCommand.SET_USER_NAME, _A),
    Command("Get User Name", NetFn.APP, AppCommand.GET_USER_NAME, _O),
    Command("Set User Password", NetFn.APP, AppCommand.SET_USER_PASSWORD, _A),
    Command("Activate Payload", NetFn.APP, AppCommand.ACTIVATE_PAYLOAD, _C),
    Command("Deactivate Payload", NetFn.APP, AppCommand.DEACTIVATE_PAYLOAD, _C),
    Command("Get Payload Activation Status", NetFn.APP, AppCommand.GET_PAYLOAD_ACTIVATION_STATUS, _U),
    Command("Set User Payload Access", NetFn.APP, AppCommand.SET_USER_PAYLOAD_ACCESS, _A),
    Command("Get User Payload Access", NetFn.APP, AppCommand.GET_USER_PAYLOAD_ACCESS, _O),
    Command("Get Channel Payload Support", NetFn.APP, AppCommand.GET_CHANNEL_PAYLOAD_SUPPORT, _U),
    Command("Get Channel Cipher Suites", NetFn.APP, AppCommand.GET_CHANNEL_CIPHER_SUITES, _C, session_less=True),
    # Chassis, chapter 28
    Command("Get Chassis Capabilities", NetFn.CHASSIS, ChassisCommand.GET_CHASSIS_CAPABILITIES, _U),
    Command("Get Chassis Status", NetFn.CHASSIS, ChassisCommand.GET_CHASSIS_STATUS, _U),
    Command("Chassis Control", NetFn.CHASSIS, ChassisCommand.CHASSIS_CONTROL, _O),
    Command("Chassis Identify", NetFn.CHASSIS, ChassisCommand.CHASSIS_IDENTIFY, _O),
    Command("Set Power Restore Policy", NetFn.CHASSIS, ChassisCommand.SET_POWER_RESTORE_POLICY, _O),
    Command("Get System Restart Cause", NetFn.CHASSIS, ChassisCommand.GET_SYSTEM_RESTART_CAUSE, _U),
    Command("Set System Boot Options", NetFn.CHASSIS, ChassisCommand.SET_SYSTEM_BOOT_OPTIONS, _O),
    Command("Get System Boot Options", NetFn.CHASSIS, ChassisCommand.GET_SYSTEM_BOOT_OPTIONS, _O),
    Command("Get POH Counter", NetFn.CHASSIS, ChassisCommand.GET_POH_COUNTER, _U),
    # Transport, chapters 23 and 26
    Command("Set LAN Configuration Parameters", NetFn.TRANSPORT, TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS, _A),
    Command("Get LAN Configuration Parameters", NetFn.TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS, _O),
    Command("Set SOL Configuration Parameters", NetFn.TRANSPORT, TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS, _A),
    Command("Get SOL Configuration Parameters", NetFn.TRANSPORT, TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS, _U),
)

_BY_CODE: dict[tuple[int, int], Command] = {(c.netfn, c.cmd): c for c in COMMANDS}
_BY_NAME = {c.codec_name: c for c in COMMANDS}


def command_for(netfn: int, cmd: int) -> Command | None:
    """The registry entry of a request (``netfn`` even) or response (``netfn`` odd) NetFn and command number."""
    return _BY_CODE.get((netfn & ~1, cmd))


def command_named(name: str) -> Command:
    """The registry entry named ``name``: ``"Get Device ID"``, ``"get_device_id"`` or ``"get-device-id"``."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return _BY_NAME[key]
    except KeyError:
        raise KeyError(f"unknown IPMI command {name!r}") from None


_PARAMETER_CC = {
    0x80: "parameter not supported",
    0x81: "attempt to set the 'set in progress' value when not in the 'set complete' state",
    0x82: "attempt to write read-only parameter",
    0x83: "attempt to read write-only parameter",
}

# Command-specific completion codes (80h-BEh), the spec's text from each command's table
_COMMAND_CC: dict[tuple[int, int], dict[int, str]] = {
    (NetFn.APP, AppCommand.RESET_WATCHDOG_TIMER): {
        0x80: "attempt to start un-initialized watchdog",
    },
    (NetFn.APP, consts.AppCmd.GET_SESSION_CHALLENGE): {
        0x81: "invalid user name",
        0x82: "null user name (user 1) not enabled",
    },
    (NetFn.APP, consts.AppCmd.ACTIVATE_SESSION): {
        0x81: "no session slot available (the BMC cannot accept any more sessions)",
        0x82: "no slot available for the given user (the limit of sessions for this user name is reached)",
        0x83: "no slot available to support the user due to maximum privilege capability",
        0x84: "session sequence number out of range",
        0x85: "invalid session ID in request",
        0x86: "requested maximum privilege level exceeds user and/or channel privilege limit",
    },
    (NetFn.APP, AppCommand.SET_SESSION_PRIVILEGE_LEVEL): {
        0x80: "requested level not available for this user",
        0x81: "requested level exceeds user and/or channel privilege limit",
        0x82: "cannot disable user level authentication",
    },
    (NetFn.APP, AppCommand.CLOSE_SESSION): {
        0x87: "invalid session ID in request",
        0x88: "invalid session handle in request",
    },
    (NetFn.APP, AppCommand.SET_CHANNEL_ACCESS): {
        0x82: "set not supported on selected channel (e.g. channel is session-less)",
        0x83: "access mode not supported",
    },
    (NetFn.APP, AppCommand.GET_CHANNEL_ACCESS): {
        0x82: "command not supported for selected channel (e.g. channel is session-less)",
    },
    (NetFn.APP, AppCommand.SET_USER_PASSWORD): {
        0x80: "password test failed: password size correct, but password data does not match the stored value",
        0x81: "password test failed: wrong password size was used",
    },
    (NetFn.APP, AppCommand.ACTIVATE_PAYLOAD): {
        0x80: "payload already active on another session",
        0x81: "payload type is disabled",
        0x82: "payload activation limit reached",
        0x83: "cannot activate payload with encryption",
        0x84: "cannot activate payload without encryption",
    },
    (NetFn.APP, AppCommand.DEACTIVATE_PAYLOAD): {
        0x80: "payload already deactivated",
        0x81: "payload type is disabled",
    },
    (NetFn.CHASSIS, ChassisCommand.SET_SYSTEM_BOOT_OPTIONS): {k: v for k, v in _PARAMETER_CC.items() if k <= 0x82},
    (NetFn.CHASSIS, ChassisCommand.GET_SYSTEM_BOOT_OPTIONS): {0x80: _PARAMETER_CC[0x80]},
    (NetFn.TRANSPORT, TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS): _PARAMETER_CC,
    (NetFn.TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS): {0x80: _PARAMETER_CC[0x80]},
    (NetFn.TRANSPORT, TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS): _PARAMETER_CC,
    (NetFn.TRANSPORT, TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS): {0x80: _PARAMETER_CC[0x80]},
}


def completion_code_text(netfn: int, cmd: int, cc: int) -> str:
    """The spec's text for completion code ``cc`` of command ``(netfn, cmd)``: the command-specific meaning of
    80h-BEh where the command's table defines one, else the generic text of Table 5-2."""
    specific = _COMMAND_CC.get((netfn & ~1, cmd), {}).get(cc)
    return specific if specific is not None else consts.completion_code_text(cc)


__all__ = [
    "COMMANDS",
    "AuthTypes",
    "Command",
    "PrivilegeLevel",
    "SetInProgress",
    "app",
    "chassis",
    "command_for",
    "command_named",
    "completion_code_text",
    "transport",
]
