"""Verbs: lan, channel, sol, user, session, with ipmitool 1.8.19's names, messages and output layout.

- ``lan print|set``: Get/Set LAN Configuration Parameters (IPMI v2.0 §23.1-23.2, Table 23-4), guarded by the "set
  in progress" parameter as ipmitool guards them (lock, write, read back, commit write, set complete).
- ``channel info|getaccess|authcap``: Get Channel Info (§22.24), Get Channel Access (§22.23), Get User Access and
  Get User Name (§22.27, §22.29), Get Channel Authentication Capabilities (§22.13).
- ``sol info|set``: Get/Set SOL Configuration Parameters (§26.2-26.3, Table 26-5).
- ``user``: Set/Get User Access, Set/Get User Name, Set User Password (§22.26-22.30).
- ``session info``: Get Session Info (§22.20).

Reads that ipmitool prints from the raw parameter bytes (LAN and SOL parameters: it tests their lengths and prints
reserved values) are fetched as bytes and also decoded with the ``cmds.transport`` codecs for ``--json``; writes go
through the typed ``Bmc`` methods.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

from ipmifast.cli.registry import Output, pause, usage, usage_error, verb
from ipmifast.errors import CompletionCodeError, DecodeError, IpmiError, LocalProtocolError, UsageError

# ====================================================================================================== helpers

NETFN_TRANSPORT = 0x0C
CMD_GET_LAN_CONFIGURATION = 0x02
CMD_GET_SOL_CONFIGURATION = 0x22
CURRENT_CHANNEL = 0x0E
#: completion codes ipmitool's get_lan_param treats as "parameter not supported" (an empty answer, not an error)
_LAN_NOT_SUPPORTED = (0x80, 0xC9, 0xCC)
_SOL_NOT_SUPPORTED = 0x80
IPMI_UID_MAX = 63

PRIVILEGE_TEXT = {1: "CALLBACK", 2: "USER", 3: "OPERATOR", 4: "ADMINISTRATOR", 5: "OEM", 15: "NO ACCESS"}
_PRIVILEGE_NAMES = {
    "callback": 1, "user": 2, "operator": 3, "administrator": 4, "admin": 4, "oem": 5, "no_access": 15,
    "noaccess": 15,
}  # fmt: skip


def unknown(value: int) -> str:
    """ipmitool's text for a value its tables do not know (``val2str``)."""
    return f"Unknown (0x{value:02X})"


def privilege_text(level: int) -> str:
    return PRIVILEGE_TEXT.get(level, unknown(level))


def c_number(text: str) -> int | None:
    """The value of ``text`` as C's ``strtoul(text, NULL, 0)`` reads a whole argument: 0x hex, leading-0 octal,
    decimal; None when it is not entirely a number (ipmitool's ``str2uchar`` and friends)."""
    body = text.strip()
    if body.startswith("+"):
        body = body[1:]
    try:
        if body[:2].lower() == "0x":
            return int(body[2:], 16) if body[2:] else None
        if len(body) > 1 and body.startswith("0"):
            return int(body[1:], 8)
        return int(body, 10)
    except ValueError:
        return None



def channel_arg(group: str, text: str) -> int:
    """A channel number as ipmitool's ``is_ipmi_channel_num`` accepts it: 0h-Bh, Eh-Fh."""
    number = c_number(text)
    if number is None or not (0 <= number <= 0x0B or 0x0E <= number <= 0x0F):
        raise usage_error(group, f"channel {text!r} is invalid or out of range (0x0-0xB, 0xE-0xF)")
    return number


def user_id_arg(group: str, text: str) -> int:
    number = c_number(text)
    if number is None or not 1 <= number <= IPMI_UID_MAX:
        raise usage_error(group, f"user ID {text!r} is invalid or out of range (1-{IPMI_UID_MAX})")
    return number


def privilege_arg(group: str, text: str) -> int:
    """A privilege limit: ipmitool's numbers 1-5 and 15 (0xF), or the level's name."""
    number = c_number(text)
    if number is None:
        number = _PRIVILEGE_NAMES.get(text.lower().replace("-", "_"))
    if number is None or not (1 <= number <= 5 or number == 15):
        raise usage_error(group, f"privilege limit {text!r} is invalid (1-5 or 15, or callback, user, operator, "
                                  "administrator, oem, no_access)")
    return number


def pad_bytes(text: str, width: int) -> str:
    """``%-Ns`` as C pads it: by bytes, not characters."""
    return text + " " * max(0, width - len(text.encode("utf-8", "surrogateescape")))


def c_text(raw: bytes) -> str:
    """A NUL-terminated C string field, as ``%s`` prints it."""
    return raw.split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")


def ip_text(raw: bytes) -> str:
    return ".".join(str(b) for b in raw[:4])


def mac_text(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw[:6])


def parse_ip(group: str, text: str) -> IPv4Address:
    try:
        return IPv4Address(text)
    except ValueError:
        raise usage_error(group, f"invalid IP address {text!r}") from None


def parse_mac(group: str, text: str) -> str:
    parts = text.split(":")
    try:
        if len(parts) != 6 or any(not 1 <= len(p) <= 2 for p in parts):
            raise ValueError
        return ":".join(f"{int(p, 16):02x}" for p in parts)
    except ValueError:
        raise usage_error(group, f"invalid MAC address {text!r} (write 02:00:7f:00:0a:01)") from None


def prompt_password(user_id: int, twice: bool) -> str:
    """ipmitool's password prompt (``Password for user N: ``), on a terminal only."""
    import getpass

    if not sys.stdin.isatty():
        raise UsageError(f"no password given for user {user_id} and no terminal to ask on")
    first = getpass.getpass(f"Password for user {user_id}: ")
    if twice and getpass.getpass(f"Password for user {user_id}: ") != first:
        raise UsageError("Passwords do not match")
    return first


# ====================================================================================================== lan

usage("lan", "lan print [CHANNEL] | lan set CHANNEL ipaddr|netmask|macaddr ADDRESS | defgw|bakgw ipaddr|macaddr "
             "ADDRESS | ipsrc none|static|dhcp|bios | snmp COMMUNITY | password [PASSWORD] | "
             "arp respond|generate on|off | arp interval SECONDS | access on|off | cipher_privs XXXXXXXXXXXXXXX")

_LAN_DESC = {  # ipmitool's ipmi_lan_params[].desc, the labels of lan print and of its "Setting LAN ..." messages
    0: "Set in Progress", 1: "Auth Type Support", 2: "Auth Type Enable", 3: "IP Address", 4: "IP Address Source",
    5: "MAC Address", 6: "Subnet Mask", 7: "IP Header", 10: "BMC ARP Control", 11: "Gratituous ARP Intrvl",
    12: "Default Gateway IP", 13: "Default Gateway MAC", 14: "Backup Gateway IP", 15: "Backup Gateway MAC",
    16: "SNMP Community String", 20: "802.1q VLAN ID", 21: "802.1q VLAN Priority", 22: "RMCP+ Cipher Suite Count",
    23: "RMCP+ Cipher Suites", 24: "Cipher Suite Priv Max", 25: "Bad Password Threshold",
}  # fmt: skip
_AUTH_BITS = ((0x01, "NONE"), (0x02, "MD2"), (0x04, "MD5"), (0x10, "PASSWORD"), (0x20, "OEM"))
_SET_IN_PROGRESS_TEXT = ("Set Complete", "Set In Progress", "Commit Write", "Reserved")
_IP_SOURCE_TEXT = {0: "Unspecified", 1: "Static Address", 2: "DHCP Address", 3: "BIOS Assigned Address"}
_PRIV_CHAR = {1: "c", 2: "u", 3: "o", 4: "a", 5: "O"}
_CHAR_PRIV = {"X": 0, "c": 1, "u": 2, "o": 3, "a": 4, "O": 5}
_CIPHER_PRIV_LEGEND = ("    X=Cipher Suite Unused", "    c=CALLBACK", "    u=USER", "    o=OPERATOR", "    a=ADMIN",
                       "    O=OEM")  # fmt: skip
#: "set in progress" values (Table 23-4, parameter 0)
SET_COMPLETE, SET_IN_PROGRESS, COMMIT_WRITE = 0, 1, 2
#: read-backs after a LAN write before giving up (ipmitool: 10, three seconds apart; here a second in all)
_READ_BACK_TRIES = 5
_READ_BACK_DELAY = 0.2


def _auth_text(bits: int) -> str:
    return "".join(f"{name} " for bit, name in _AUTH_BITS if bits & bit)


async def lan_parameter(bmc: Any, channel: int, parameter: int, strict: bool = True) -> bytes | None:
    """The data of LAN ``parameter`` (revision byte removed), or None when the BMC does not support it (80h, and
    C9h/CCh as ipmitool counts them). Other completion codes raise, unless ``strict`` is off (then None too)."""
    from ipmifast.cmds import transport

    request = transport.encode_get_lan_configuration_parameters_rq(channel, parameter)
    response = await bmc.request(NETFN_TRANSPORT, CMD_GET_LAN_CONFIGURATION, request)
    if response.cc in _LAN_NOT_SUPPORTED or (response.cc and not strict):
        return None
    if response.cc:
        raise CompletionCodeError(NETFN_TRANSPORT, CMD_GET_LAN_CONFIGURATION, response.cc)
    if not response.data:
        raise DecodeError(f"Get LAN Configuration Parameters {parameter}: no parameter revision byte")
    return bytes(response.data[1:])


def _typed_lan(parameter: int, data: bytes | None) -> Any:
    """The ``cmds.transport`` value of a parameter for --json (its hex when it does not decode)."""
    from ipmifast.cmds import transport

    if data is None:
        return None
    try:
        return transport.decode_lan_parameter(parameter, data)
    except DecodeError:
        return data.hex()


async def is_lan_channel(bmc: Any, channel: int) -> bool:
    """ipmitool's ``is_lan_channel``: Get Channel Info says 802.3 LAN or other LAN."""
    if not 1 <= channel <= 0x0F:
        return False
    try:
        info = await bmc.get_channel_info(channel)
    except CompletionCodeError:
        return False
    return int(info.medium_type) in (0x04, 0x06)


async def _lan_channel(bmc: Any, args: list[str], index: int) -> int:
    if len(args) > index:
        channel = c_number(args[index])
        if channel is None or channel > 0xFF:
            raise usage_error("lan", f"invalid channel {args[index]!r}")
    else:
        channel = 0  # ipmitool's find_lan_channel: the first LAN channel from 1
        for candidate in range(1, 0x0F):
            if await is_lan_channel(bmc, candidate):
                channel = candidate
                break
    if not await is_lan_channel(bmc, channel):
        raise usage_error("lan", f"channel {channel} is not a LAN channel")
    return channel


@verb("lan", "print")
@verb("lan", "printconf")
async def lan_print(bmc: Any, args: list[str]) -> Output:
    if len(args) > 1:
        raise usage_error("lan", "print takes one channel number")
    channel = await _lan_channel(bmc, args, 0)
    lines: list[str] = []
    value: dict[str, Any] = {"channel": channel}

    def line(label: str, text: str) -> None:
        lines.append(f"{label:<24}: {text}")

    async def get(parameter: int, key: str, strict: bool = True) -> bytes | None:
        data = await lan_parameter(bmc, channel, parameter, strict)
        value[key] = _typed_lan(parameter, data)
        return data

    if (data := await get(0, "set_in_progress")) and len(data) >= 1:
        line(_LAN_DESC[0], _SET_IN_PROGRESS_TEXT[data[0] & 3])
    if (data := await get(1, "auth_type_support")) and len(data) >= 1:
        line(_LAN_DESC[1], _auth_text(data[0]))
    if (data := await get(2, "auth_type_enables")) and len(data) >= 5:
        for i, level in enumerate(("Callback", "User", "Operator", "Admin", "OEM")):
            line(_LAN_DESC[2] if i == 0 else "", f"{level:<8} : {_auth_text(data[i])}")
    if (data := await get(4, "ip_address_source")) and len(data) >= 1:
        line(_LAN_DESC[4], _IP_SOURCE_TEXT.get(data[0] & 0x0F, "Other"))
    for parameter, key in ((3, "ip_address"), (6, "subnet_mask")):
        if (data := await get(parameter, key)) and len(data) >= 4:
            line(_LAN_DESC[parameter], ip_text(data))
    if (data := await get(5, "mac_address")) and len(data) >= 6:
        line(_LAN_DESC[5], mac_text(data))
    if (data := await get(16, "snmp_community")) is not None:
        line(_LAN_DESC[16], c_text(data[:18]))
        value["snmp_community"] = c_text(data[:18])
    if (data := await get(7, "ip_header")) and len(data) >= 3:
        line(_LAN_DESC[7], f"TTL=0x{data[0]:02x} Flags=0x{data[1] & 0xE0:02x} "
                           f"Precedence=0x{data[2] & 0xE0:02x} TOS=0x{data[2] & 0x1E:02x}")
    if (data := await get(10, "bmc_arp_control")) and len(data) >= 1:
        line(_LAN_DESC[10], f"ARP Responses {'En' if data[0] & 2 else 'Dis'}abled, "
                            f"Gratuitous ARP {'En' if data[0] & 1 else 'Dis'}abled")
    if (data := await get(11, "gratuitous_arp_interval")) and len(data) >= 1:
        line(_LAN_DESC[11], f"{float((data[0] + 1) // 2):.1f} seconds")
    for parameter, key in ((12, "default_gateway_ip"), (13, "default_gateway_mac"),
                           (14, "backup_gateway_ip"), (15, "backup_gateway_mac")):  # fmt: skip
        if (data := await get(parameter, key)) is not None:
            if parameter in (12, 14) and len(data) >= 4:
                line(_LAN_DESC[parameter], ip_text(data))
            elif parameter in (13, 15) and len(data) >= 6:
                line(_LAN_DESC[parameter], mac_text(data))
    # ipmitool reads the VLAN parameters leniently: any failure just leaves their lines out
    if (data := await get(20, "vlan_id", strict=False)) and len(data) >= 2:
        line(_LAN_DESC[20], str((data[1] & 0x0F) << 8 | data[0]) if data[1] & 0x80 else "Disabled")
    if (data := await get(21, "vlan_priority", strict=False)) and len(data) >= 1:
        line(_LAN_DESC[21], str(data[0] & 0x07))
    if (count_data := await get(22, "cipher_suite_count")) is not None:
        suites = await get(23, "cipher_suites")
        count = count_data[0] if count_data else 0
        if suites is not None and len(suites) <= 17:
            valid = list(suites[1 : 1 + min(16, count)])
            line(_LAN_DESC[23], ",".join(str(s) for s in valid))
            value["cipher_suites"] = valid
        else:
            line(_LAN_DESC[23], "None")
    privs = await get(24, "cipher_suite_privileges")
    if privs is not None and len(privs) == 9:
        nibbles = [privs[1 + i // 2] >> (4 * (i % 2)) & 0x0F for i in range(15)]
        line(_LAN_DESC[24], "".join(_PRIV_CHAR.get(n, "X") for n in nibbles))
        lines.extend(f"{'':<24}: {legend}" for legend in _CIPHER_PRIV_LEGEND)
        value["cipher_suite_privileges"] = [privilege_text(n).lower() if n else None for n in nibbles]
    else:
        line(_LAN_DESC[24], "Not Available")
    bad = await get(25, "bad_password_threshold")
    if bad is not None and len(bad) == 6:
        line(_LAN_DESC[25], str(bad[1]))
        line("Invalid password disable", "yes" if bad[0] & 1 else "no")
        line("Attempt Count Reset Int.", str(int.from_bytes(bad[2:4], "little") * 10))
        line("User Lockout Interval", str(int.from_bytes(bad[4:6], "little") * 10))
        value["bad_password_threshold"] = {
            "threshold": bad[1], "disable_user": bool(bad[0] & 1),
            "reset_interval_s": int.from_bytes(bad[2:4], "little") * 10,
            "lockout_interval_s": int.from_bytes(bad[4:6], "little") * 10,
        }  # fmt: skip
    else:
        line(_LAN_DESC[25], "Not Available")
    return Output(lines, value)


async def _set_in_progress_state(bmc: Any, channel: int) -> int | None:
    """The "set in progress" state; None where the BMC has none (any refusal, as ipmitool's lock state)."""
    data = await lan_parameter(bmc, channel, 0, strict=False)
    return data[0] & 3 if data else None


async def _lan_write_quietly(bmc: Any, channel: int, parameter: int, value: Any) -> None:
    """ipmitool's ``__set_lan_param(..., wait=0)``: a write whose failure is ignored (the guard is optional)."""
    try:
        await bmc.set_lan_parameter(channel, parameter, value)
    except CompletionCodeError:
        pass


async def _lan_lock(bmc: Any, channel: int) -> None:
    """Set "set in progress" (ipmitool's ``ipmi_lanp_lock``: up to three tries; a BMC without it is fine)."""
    from ipmifast.cmds import SetInProgress

    for attempt in range(4):
        state = await _set_in_progress_state(bmc, channel)
        if state is None or state == SET_IN_PROGRESS or attempt == 3:
            return
        await _lan_write_quietly(bmc, channel, 0, SetInProgress.SET_IN_PROGRESS)


async def _lan_unlock(bmc: Any, channel: int) -> None:
    """Commit write, then set complete (ipmitool's ``ipmi_lanp_unlock``), failures ignored."""
    from ipmifast.cmds import SetInProgress

    await _lan_write_quietly(bmc, channel, 0, SetInProgress.COMMIT_WRITE)
    await _lan_write_quietly(bmc, channel, 0, SetInProgress.SET_COMPLETE)


async def set_lan(bmc: Any, channel: int, parameter: int, value: Any) -> None:
    """One guarded LAN write as ipmitool's ``set_lan_param`` does it: lock, write, read back until the BMC shows
    the new data, unlock (also after a failure)."""
    from ipmifast.cmds import transport

    expected = transport.encode_lan_parameter(parameter, value)
    await _lan_lock(bmc, channel)
    try:
        await bmc.set_lan_parameter(channel, parameter, value)
        for attempt in range(_READ_BACK_TRIES):
            if await lan_parameter(bmc, channel, parameter, strict=False) == expected:
                return
            if attempt + 1 < _READ_BACK_TRIES:
                await pause(bmc, _READ_BACK_DELAY)
        raise IpmiError(f"{_LAN_DESC.get(parameter, f'LAN parameter {parameter}')}: the BMC accepted the write "
                        "but reads back other data (LAN Parameter Data does not match!  Write may have failed.)")
    finally:
        await _lan_unlock(bmc, channel)


async def _lan_current(bmc: Any, channel: int, parameter: int) -> bytes:
    """A parameter ipmitool reads before changing part of it; not supported is an error (as its -1 is)."""
    data = await lan_parameter(bmc, channel, parameter)
    if not data:
        raise CompletionCodeError(NETFN_TRANSPORT, CMD_GET_LAN_CONFIGURATION, 0x80)
    return data


def _on_off(args: list[str], index: int, what: str) -> bool:
    if len(args) <= index or args[index] not in ("on", "off"):
        raise usage_error("lan", f"set {what}: give on or off")
    return args[index] == "on"


@verb("lan", "set")
async def lan_set(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cmds import transport

    if len(args) < 2:
        raise usage_error("lan", "set needs a channel and a parameter")
    channel = c_number(args[0])
    if channel is None or channel > 0xFF:
        raise usage_error("lan", f"invalid channel {args[0]!r}")
    what, rest = args[1], args[2:]
    known = ("ipaddr", "netmask", "macaddr", "defgw", "bakgw", "ipsrc", "snmp", "password", "arp", "access",
             "cipher_privs")  # fmt: skip
    if what not in known:
        raise usage_error("lan", f"set: unknown parameter {what!r}")
    if not await is_lan_channel(bmc, channel):
        raise usage_error("lan", f"channel {channel} is not a LAN channel")
    lines: list[str] = []

    if what in ("ipaddr", "netmask", "macaddr"):
        if len(rest) != 1:
            raise usage_error("lan", f"set {what} takes one address")
        parameter = {"ipaddr": 3, "netmask": 6, "macaddr": 5}[what]
        address: Any = parse_mac("lan", rest[0]) if what == "macaddr" else parse_ip("lan", rest[0])
        lines.append(f"Setting LAN {_LAN_DESC[parameter]} to {address}")
        await set_lan(bmc, channel, parameter, address)
        return Output(lines, {"channel": channel, what: address})
    if what in ("defgw", "bakgw"):
        if len(rest) != 2 or rest[0] not in ("ipaddr", "macaddr"):
            raise usage_error("lan", f"set {what}: give ipaddr ADDRESS or macaddr ADDRESS")
        base = 12 if what == "defgw" else 14
        if rest[0] == "ipaddr":
            parameter, address = base, parse_ip("lan", rest[1])
        else:
            parameter, address = base + 1, parse_mac("lan", rest[1])
        lines.append(f"Setting LAN {_LAN_DESC[parameter]} to {address}")
        await set_lan(bmc, channel, parameter, address)
        return Output(lines, {"channel": channel, f"{what}_{rest[0]}": address})
    if what == "ipsrc":
        sources = {"none": 0, "static": 1, "dhcp": 2, "bios": 3}
        if len(rest) != 1 or rest[0] not in sources:
            raise usage_error("lan", "set ipsrc: give none, static, dhcp or bios")
        source = transport.IpAddressSource(sources[rest[0]])
        await set_lan(bmc, channel, 4, source)
        return Output([], {"channel": channel, "ip_address_source": source})
    if what == "snmp":
        if len(rest) != 1:
            raise usage_error("lan", "set snmp takes one community string")
        community = rest[0].encode("utf-8", "surrogateescape")[:18]
        if b"\x00" in community:
            raise usage_error("lan", "set snmp: the community string cannot contain NUL")
        lines.append(f"Setting LAN {_LAN_DESC[16]} to {community.decode('utf-8', 'surrogateescape')}")
        await set_lan(bmc, channel, 16, community)
        return Output(lines, {"channel": channel, "snmp_community": community.decode("utf-8", "replace")})
    if what == "password":
        # not a LAN parameter: ipmitool sets user 1's 16-byte password (none given: clears it)
        password = rest[0] if rest else ""
        await bmc.set_user_password(1, password, 16)
        lines.append(f"Password {'set' if rest else 'cleared'} for user 1")
        return Output(lines, {"user_id": 1, "password": "set" if rest else "cleared"})
    if what == "arp":
        return await _lan_set_arp(bmc, channel, rest)
    if what == "access":
        return await _lan_set_access(bmc, channel, _on_off(rest, 0, "access"))
    # cipher_privs
    if len(rest) != 1 or len(rest[0]) != 15 or any(c not in _CHAR_PRIV for c in rest[0]):
        raise usage_error("lan", "set cipher_privs: give 15 characters of X, c, u, o, a, O (one per cipher suite)")
    from ipmifast.cmds import PrivilegeLevel

    levels = tuple(PrivilegeLevel(_CHAR_PRIV[c]) for c in rest[0]) + (PrivilegeLevel.UNSPECIFIED,)
    await set_lan(bmc, channel, 24, levels)
    return Output([], {"channel": channel, "cipher_suite_privileges": [lv.name.lower() for lv in levels[:15]]})


async def _lan_set_arp(bmc: Any, channel: int, rest: list[str]) -> Output:
    from ipmifast.cmds import transport

    if not rest or rest[0] not in ("respond", "generate", "interval"):
        raise usage_error("lan", "set arp: give respond on|off, generate on|off or interval SECONDS")
    if rest[0] == "interval":
        seconds = c_number(rest[1]) if len(rest) > 1 else None
        if seconds is None or seconds > 0xFF:
            raise usage_error("lan", f"set arp interval: {rest[1] if len(rest) > 1 else ''!r} is not 0-255 seconds")
        current = await _lan_current(bmc, channel, 11)
        if seconds:
            if seconds > 127:
                raise usage_error("lan", f"set arp interval: {seconds} seconds is too big (at most 127)")
            interval = seconds * 2 - 1  # 500 ms units, as ipmitool counts them
            await set_lan(bmc, channel, 11, interval)
        else:
            interval = current[0]
        text = f"BMC-generated Gratuitous ARP interval:  {float((interval + 1) // 2):.1f} seconds"
        return Output([text], {"channel": channel, "gratuitous_arp_interval": interval})
    enable = _on_off(rest, 1, f"arp {rest[0]}")
    current = await _lan_current(bmc, channel, 10)
    respond, generate = bool(current[0] & 0x02), bool(current[0] & 0x01)
    if rest[0] == "respond":
        respond = enable
        text = f"{'En' if enable else 'Dis'}abling BMC-generated ARP responses"
    else:
        generate = enable
        text = f"{'En' if enable else 'Dis'}abling BMC-generated Gratuitous ARPs"
    control = transport.BmcArpControl(arp_responses=respond, gratuitous_arps=generate)
    await set_lan(bmc, channel, 10, control)
    return Output([text], {"channel": channel, "bmc_arp_control": control})


async def _lan_set_access(bmc: Any, channel: int, enable: bool) -> Output:
    """ipmitool's ``ipmi_set_channel_access``: access mode always available (or disabled) and privilege limit
    ADMINISTRATOR, non-volatile then volatile, keeping the other bits of each."""
    from ipmifast.cmds import PrivilegeLevel
    from ipmifast.cmds.app import ChannelAccessMode, ChannelAccessSelector

    mode = ChannelAccessMode.ALWAYS_AVAILABLE if enable else ChannelAccessMode.DISABLED
    for kind in (ChannelAccessSelector.NON_VOLATILE, ChannelAccessSelector.VOLATILE):
        access = await bmc.get_channel_access(channel, access_type=kind)
        await bmc.set_channel_access(
            channel, access_set=kind, access_mode=mode, alerting_disabled=access.alerting_disabled,
            per_message_authentication_disabled=access.per_message_authentication_disabled,
            user_level_authentication_disabled=access.user_level_authentication_disabled,
            privilege_limit_set=kind, privilege_limit=PrivilegeLevel.ADMINISTRATOR,
        )  # fmt: skip
    return Output([f"Set Channel Access for channel {channel} was successful."],
                  {"channel": channel, "access_mode": mode, "privilege_limit": "administrator"})  # fmt: skip


# ====================================================================================================== channel

usage("channel", "channel info [CHANNEL] | getaccess CHANNEL [USER_ID] | authcap CHANNEL PRIVILEGE")

MEDIUM_TEXT = {
    0: "reserved", 1: "IPMB (I2C)", 2: "ICMB v1.0", 3: "ICMB v0.9", 4: "802.3 LAN", 5: "Serial/Modem",
    6: "Other LAN", 7: "PCI SMBus", 8: "SMBus v1.0/v1.1", 9: "SMBus v2.0", 0x0A: "USB 1.x", 0x0B: "USB 2.x",
    0x0C: "System Interface",
}  # fmt: skip
PROTOCOL_TEXT = {
    0: "reserved", 1: "IPMB-1.0", 2: "ICMB-1.0", 3: "reserved", 4: "IPMI-SMBus", 5: "KCS", 6: "SMIC", 7: "BT-10",
    8: "BT-15", 9: "TMode", 0x1C: "OEM 1", 0x1D: "OEM 2", 0x1E: "OEM 3", 0x1F: "OEM 4",
}  # fmt: skip
_SESSION_SUPPORT_TEXT = ("session-less", "single-session", "multi-session", "session-based")
_ACCESS_MODE_TEXT = ("disabled", "pre-boot only", "always available", "shared")
_ENABLE_STATUS_TEXT = ("unknown", "enabled", "disabled", "reserved")


def _dis_en(disabled: bool) -> str:
    return "disabled" if disabled else "enabled"


@verb("channel", "info")
async def channel_info(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cmds.app import ChannelAccessSelector

    if len(args) > 1:
        raise usage_error("channel", "info takes one channel number")
    channel = channel_arg("channel", args[0]) if args else CURRENT_CHANNEL
    info = await bmc.get_channel_info(channel)
    medium = int(info.medium_type)
    lines = [
        f"Channel 0x{info.channel:x} info:",
        f"  Channel Medium Type   : {MEDIUM_TEXT.get(medium, unknown(medium))}",
        f"  Channel Protocol Type : {PROTOCOL_TEXT.get(int(info.protocol_type), unknown(int(info.protocol_type)))}",
        f"  Session Support       : {_SESSION_SUPPORT_TEXT[int(info.session_support)]}",
        f"  Active Session Count  : {info.active_session_count}",
        f"  Protocol Vendor ID    : {info.vendor_id}",
    ]
    value: dict[str, Any] = {"info": info}
    if medium in (0x04, 0x06):  # ipmitool shows the access settings of LAN channels only
        for kind, title in ((ChannelAccessSelector.VOLATILE, "Volatile(active) Settings"),
                            (ChannelAccessSelector.NON_VOLATILE, "Non-Volatile Settings")):  # fmt: skip
            access = await bmc.get_channel_access(info.channel, access_type=kind)
            value[kind.name.lower()] = access
            lines += [
                f"  {title}",
                f"    Alerting            : {_dis_en(access.alerting_disabled)}",
                f"    Per-message Auth    : {_dis_en(access.per_message_authentication_disabled)}",
                f"    User Level Auth     : {_dis_en(access.user_level_authentication_disabled)}",
                f"    Access Mode         : {_ACCESS_MODE_TEXT[int(access.access_mode)]}",
            ]
    return Output(lines, value)


async def user_name(bmc: Any, user_id: int) -> str:
    """Get User Name; ipmitool shows an empty name when the BMC answers CCh (no such name)."""
    try:
        return c_text(await bmc.get_user_name(user_id))
    except CompletionCodeError as exc:
        if exc.cc == 0xCC:
            return ""
        raise


@verb("channel", "getaccess")
async def channel_getaccess(bmc: Any, args: list[str]) -> Output:
    if not 1 <= len(args) <= 2:
        raise usage_error("channel", "getaccess takes a channel and an optional user ID")
    channel = channel_arg("channel", args[0])
    only = user_id_arg("channel", args[1]) if len(args) > 1 else 0
    lines: list[str] = []
    users: list[dict[str, Any]] = []
    uid, last = only or 1, only or 1
    while uid <= last:
        access = await bmc.get_user_access(channel, uid)
        name = await user_name(bmc, uid)
        if not lines:
            lines += [f"Maximum User IDs     : {access.max_user_ids}",
                      f"Enabled User IDs     : {access.enabled_user_ids}"]  # fmt: skip
            last = only or access.max_user_ids
        lines += [
            "",
            f"User ID              : {uid}",
            f"User Name            : {name}",
            f"Fixed Name           : {'Yes' if uid <= access.fixed_name_user_ids else 'No'}",
            f"Access Available     : {'callback' if access.callback_only else 'call-in / callback'}",
            f"Link Authentication  : {'en' if access.link_authentication else 'dis'}abled",
            f"IPMI Messaging       : {'en' if access.ipmi_messaging else 'dis'}abled",
            f"Privilege Level      : {privilege_text(int(access.privilege_limit))}",
            f"Enable Status        : {_ENABLE_STATUS_TEXT[int(access.enable_status)]}",
        ]
        users.append({"user_id": uid, "name": name, "access": access})
        uid += 1
    return Output(lines, {"channel": channel, "users": users})


@verb("channel", "authcap")
async def channel_authcap(bmc: Any, args: list[str]) -> Output:
    if len(args) != 2:
        raise usage_error("channel", "authcap takes a channel and a privilege level")
    channel = channel_arg("channel", args[0])
    level = privilege_arg("channel", args[1])
    try:
        caps = await bmc.get_channel_auth_capabilities(channel, level)
    except CompletionCodeError:
        # as ipmitool: perhaps the BMC refused the IPMI v2.0 extended form; ask for the v1.5 form
        caps = await bmc.command("Get Channel Authentication Capabilities", channel, level, False)
    types = int(caps.auth_types)
    lines = [
        f"Channel number             : {caps.channel}",
        f"IPMI v1.5  auth types      : {_auth_text(types)}",
    ]
    if caps.ipmi_v20_extended_available:
        lines.append(f"KG status                  : {'non-zero' if caps.kg_nonzero else 'default (all zeroes)'}")
    lines += [
        f"Per message authentication : {'dis' if caps.per_message_authentication_disabled else 'en'}abled",
        f"User level authentication  : {'dis' if caps.user_level_authentication_disabled else 'en'}abled",
        f"Non-null user names exist  : {'yes' if caps.non_null_usernames else 'no'}",
        f"Null user names exist      : {'yes' if caps.null_usernames else 'no'}",
        f"Anonymous login enabled    : {'yes' if caps.anonymous_login else 'no'}",
    ]
    if caps.ipmi_v20_extended_available:
        lines += [f"Channel supports IPMI v1.5 : {'yes' if caps.supports_ipmi_v15 else 'no'}",
                  f"Channel supports IPMI v2.0 : {'yes' if caps.supports_ipmi_v20 else 'no'}"]  # fmt: skip
    if types & 0x20:
        lines += [f"IANA Number for OEM        : {caps.oem_id}",
                  f"OEM Auxiliary Data         : 0x{caps.oem_auxiliary_data:x}"]  # fmt: skip
    return Output(lines, caps)


# ====================================================================================================== sol

usage("sol", "sol info [CHANNEL] | sol set PARAMETER VALUE [CHANNEL] [noguard]  (PARAMETER: set-in-progress, "
             "enabled, force-encryption, force-authentication, privilege-level, character-accumulate-level, "
             "character-send-threshold, retry-count, retry-interval, non-volatile-bit-rate, volatile-bit-rate)")

SOL_PARAMETER_NAMES = {
    0: "Set In Progress (0)", 1: "Enable (1)", 2: "Authentication (2)", 3: "Character Interval (3)",
    4: "Retry (4)", 5: "Nonvolatile Bitrate (5)", 6: "Volatile Bitrate (6)", 7: "Payload Channel (7)",
    8: "Payload Port (8)",
}  # fmt: skip
_SOL_SET_IN_PROGRESS_TEXT = {0: "set-complete", 1: "set-in-progress", 2: "commit-write"}
BIT_RATE_TEXT = {0: "IPMI-Over-Serial-Setting", 6: "9.6", 7: "19.2", 8: "38.4", 9: "57.6", 10: "115.2"}
_BIT_RATE_VALUES = {"serial": 0, "9.6": 6, "19.2": 7, "38.4": 8, "57.6": 9, "115.2": 10}
#: data bytes of each SOL parameter (ipmitool ignores an answer of any other length)
_SOL_LENGTHS = {0: 1, 1: 1, 2: 1, 3: 2, 4: 2, 5: 1, 6: 1, 7: 1, 8: 2}


@dataclass
class SolConfiguration:
    """The SOL parameters as ipmitool's ``ipmi_get_sol_info`` collects them (zero where the BMC has none)."""

    set_in_progress: int = 0
    enabled: bool = False
    force_encryption: bool = False
    force_authentication: bool = False
    privilege_level: int = 0
    character_accumulate_level: int = 0
    character_send_threshold: int = 0
    retry_count: int = 0
    retry_interval: int = 0
    non_volatile_bit_rate: int = 0
    volatile_bit_rate: int = 0
    payload_channel: int = 0
    payload_port: int = 0
    #: the parameters the BMC does not support (80h); ipmitool prints an "Info:" line for each on stderr
    not_supported: tuple[int, ...] = ()


async def sol_configuration(bmc: Any, channel: int) -> SolConfiguration:
    from ipmifast.cmds import transport

    config = SolConfiguration()
    missing: list[int] = []
    for parameter in range(9):
        request = transport.encode_get_sol_configuration_parameters_rq(channel, parameter)
        response = await bmc.request(NETFN_TRANSPORT, CMD_GET_SOL_CONFIGURATION, request)
        if response.cc == _SOL_NOT_SUPPORTED:
            missing.append(parameter)
            if parameter == 7:
                config.payload_channel = channel
            elif parameter == 8:
                config.payload_port = bmc.port  # ipmitool: the port of this session
            continue
        if response.cc:
            raise CompletionCodeError(NETFN_TRANSPORT, CMD_GET_SOL_CONFIGURATION, response.cc)
        data = bytes(response.data[1:])
        if len(data) != _SOL_LENGTHS[parameter]:
            continue
        if parameter == 0:
            config.set_in_progress = data[0]
        elif parameter == 1:
            config.enabled = bool(data[0])
        elif parameter == 2:
            config.force_encryption = bool(data[0] & 0x80)
            config.force_authentication = bool(data[0] & 0x40)
            config.privilege_level = data[0] & 0x0F
        elif parameter == 3:
            config.character_accumulate_level, config.character_send_threshold = data[0], data[1]
        elif parameter == 4:
            config.retry_count, config.retry_interval = data[0], data[1]
        elif parameter == 5:
            config.non_volatile_bit_rate = data[0] & 0x0F
        elif parameter == 6:
            config.volatile_bit_rate = data[0] & 0x0F
        elif parameter == 7:
            config.payload_channel = data[0]
        else:
            config.payload_port = int.from_bytes(data, "little")
    config.not_supported = tuple(missing)
    return config


@verb("sol", "info")
async def sol_info(bmc: Any, args: list[str]) -> Output:
    if len(args) > 1:
        raise usage_error("sol", "info takes one channel number")
    channel = channel_arg("sol", args[0]) if args else CURRENT_CHANNEL
    c = await sol_configuration(bmc, channel)
    lines = [
        f"Set in progress                 : {_SOL_SET_IN_PROGRESS_TEXT.get(c.set_in_progress & 3, unknown(3))}",
        f"Enabled                         : {str(c.enabled).lower()}",
        f"Force Encryption                : {str(c.force_encryption).lower()}",
        f"Force Authentication            : {str(c.force_authentication).lower()}",
        f"Privilege Level                 : {privilege_text(c.privilege_level)}",
        f"Character Accumulate Level (ms) : {c.character_accumulate_level * 5}",
        f"Character Send Threshold        : {c.character_send_threshold}",
        f"Retry Count                     : {c.retry_count}",
        f"Retry Interval (ms)             : {c.retry_interval * 10}",
        f"Volatile Bit Rate (kbps)        : {BIT_RATE_TEXT.get(c.volatile_bit_rate, unknown(c.volatile_bit_rate))}",
        "Non-Volatile Bit Rate (kbps)    : "
        f"{BIT_RATE_TEXT.get(c.non_volatile_bit_rate, unknown(c.non_volatile_bit_rate))}",
        f"Payload Channel                 : {c.payload_channel} (0x{c.payload_channel:02x})",
        f"Payload Port                    : {c.payload_port}",
    ]
    value = {
        "channel": channel,
        "set_in_progress": _SOL_SET_IN_PROGRESS_TEXT.get(c.set_in_progress & 3, "reserved"),
        "enabled": c.enabled,
        "force_encryption": c.force_encryption,
        "force_authentication": c.force_authentication,
        "privilege_level": PRIVILEGE_TEXT.get(c.privilege_level, "unspecified").lower(),
        "character_accumulate_level_ms": c.character_accumulate_level * 5,
        "character_send_threshold": c.character_send_threshold,
        "retry_count": c.retry_count,
        "retry_interval_ms": c.retry_interval * 10,
        "volatile_bit_rate_kbps": _bit_rate_json(c.volatile_bit_rate),
        "non_volatile_bit_rate_kbps": _bit_rate_json(c.non_volatile_bit_rate),
        "payload_channel": c.payload_channel,
        "payload_port": c.payload_port,
        "not_supported": [SOL_PARAMETER_NAMES[p] for p in c.not_supported],
    }
    return Output(lines, value)


def _bit_rate_json(code: int) -> float | str | None:
    text = BIT_RATE_TEXT.get(code)
    if text is None:
        return None
    return "serial" if code == 0 else float(text)


def _true_false(parameter: str, value: str) -> bool:
    if value not in ("true", "false"):
        raise usage_error("sol", f"set {parameter}: give true or false, not {value!r}")
    return value == "true"


def _sol_byte(parameter: str, value: str, low: int, high: int) -> int:
    number = c_number(value)
    if number is None or not low <= number <= high:
        raise usage_error("sol", f"set {parameter}: {value!r} is not {low}-{high}")
    return number


async def _sol_value(bmc: Any, channel: int, parameter: str, value: str) -> tuple[int, Any]:
    """The SOL parameter number and typed value ``sol set PARAMETER VALUE`` writes; the parameters that share a
    byte with others are completed with the BMC's present values, as ipmitool completes them."""
    from ipmifast.cmds import PrivilegeLevel, SetInProgress
    from ipmifast.cmds import transport as t

    if parameter == "set-in-progress":
        states = {"set-complete": SetInProgress.SET_COMPLETE, "set-in-progress": SetInProgress.SET_IN_PROGRESS,
                  "commit-write": SetInProgress.COMMIT_WRITE}  # fmt: skip
        if value not in states:
            raise usage_error("sol", "set set-in-progress: give set-complete, set-in-progress or commit-write")
        return 0, states[value]
    if parameter == "enabled":
        return 1, _true_false(parameter, value)
    if parameter in ("non-volatile-bit-rate", "volatile-bit-rate"):
        if value not in _BIT_RATE_VALUES:
            raise usage_error("sol", f"set {parameter}: give serial, 9.6, 19.2, 38.4, 57.6 or 115.2")
        return (5 if parameter.startswith("non") else 6), t.SolBitRate(_BIT_RATE_VALUES[value])
    if parameter in ("force-encryption", "force-authentication", "privilege-level"):
        if parameter == "privilege-level":
            levels = {"user": 2, "operator": 3, "admin": 4, "oem": 5}
            if value not in levels:
                raise usage_error("sol", "set privilege-level: give user, operator, admin or oem")
            new: Any = levels[value]
        else:
            new = _true_false(parameter, value)
        c = await sol_configuration(bmc, channel)
        try:
            return 2, t.SolAuthentication(
                force_encryption=new if parameter == "force-encryption" else c.force_encryption,
                force_authentication=new if parameter == "force-authentication" else c.force_authentication,
                privilege=PrivilegeLevel(new if parameter == "privilege-level" else c.privilege_level),
            )
        except ValueError:
            raise DecodeError(f"SOL authentication: reserved privilege level 0x{c.privilege_level:02x}") from None
    if parameter in ("character-accumulate-level", "character-send-threshold"):
        number = _sol_byte(parameter, value, 1 if parameter == "character-accumulate-level" else 0, 255)
        c = await sol_configuration(bmc, channel)
        if parameter == "character-accumulate-level":
            return 3, t.SolCharacterParameters(number, c.character_send_threshold)
        return 3, t.SolCharacterParameters(c.character_accumulate_level, number)
    if parameter in ("retry-count", "retry-interval"):
        number = _sol_byte(parameter, value, 0, 7 if parameter == "retry-count" else 255)
        c = await sol_configuration(bmc, channel)
        if parameter == "retry-count":
            return 4, t.SolRetry(number, c.retry_interval)
        return 4, t.SolRetry(c.retry_count & 0x07, number)
    raise usage_error("sol", f"set: unknown parameter {parameter!r}")


_SOL_SET_CC_TEXT = {  # ipmitool's texts for Set SOL Configuration Parameters completion codes 80h-83h
    0x80: "Parameter not supported", 0x81: "Attempt to set set-in-progress when not in set-complete state",
    0x82: "Attempt to write read-only parameter", 0x83: "Attempt to read write-only parameter",
}  # fmt: skip


async def _sol_write(bmc: Any, channel: int, parameter: int, value: Any, name: str, text: str) -> None:
    """One Set SOL Configuration Parameters; a refusal is ipmitool's message for it (``name`` and ``text``: the
    parameter and value as the user wrote them)."""
    try:
        await bmc.set_sol_parameter(channel, parameter, value)
    except CompletionCodeError as exc:
        if exc.cc in _SOL_SET_CC_TEXT:
            problem = f"Error setting SOL parameter '{name}': {_SOL_SET_CC_TEXT[exc.cc]}"
        else:
            problem = f"Error setting SOL parameter '{name}' to '{text}': {exc.text}"
        raise IpmiError(f"{problem} (completion code 0x{exc.cc:02x})") from None


@verb("sol", "set")
async def sol_set(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cmds import SetInProgress

    if not 2 <= len(args) <= 4:
        raise usage_error("sol", "set takes a parameter, a value and an optional channel")
    guarded, channel = True, CURRENT_CHANNEL
    if len(args) == 3:
        if args[2] == "noguard":
            guarded = False
        else:
            channel = channel_arg("sol", args[2])
    elif len(args) == 4:
        channel = channel_arg("sol", args[2])
        guarded = args[3] != "noguard"
    parameter, value = await _sol_value(bmc, channel, args[0], args[1])
    guarded = guarded and parameter != 0  # "set-in-progress" is the guard itself
    if guarded:
        await _sol_write(bmc, channel, 0, SetInProgress.SET_IN_PROGRESS, "set-in-progress", "set-in-progress")
    try:
        await _sol_write(bmc, channel, parameter, value, args[0], args[1])
    except IpmiError:
        if guarded:  # as ipmitool: give the guard back before failing
            try:
                await _sol_write(bmc, channel, 0, SetInProgress.SET_COMPLETE, "set-in-progress", "set-complete")
            except IpmiError:
                pass
        raise
    if guarded:
        try:  # commit write may well be unsupported; ipmitool ignores its answer
            await bmc.set_sol_parameter(channel, 0, SetInProgress.COMMIT_WRITE)
        except CompletionCodeError:
            pass
        await _sol_write(bmc, channel, 0, SetInProgress.SET_COMPLETE, "set-in-progress", "set-complete")
    return Output([], {"channel": channel, "parameter": args[0], "value": value})


# ====================================================================================================== user

usage("user", "user summary|list [CHANNEL] | set name USER_ID NAME | set password USER_ID [PASSWORD [16|20]] | "
              "enable|disable USER_ID | priv USER_ID PRIVILEGE [CHANNEL] | test USER_ID 16|20 [PASSWORD]")

_USER_LIST_HEADER = "ID  Name\t     Callin  Link Auth\tIPMI Msg   Channel Priv Limit"


def _optional_channel(group: str, args: list[str]) -> int:
    if len(args) > 1:
        raise usage_error(group, "takes one channel number")
    return channel_arg(group, args[0]) if args else CURRENT_CHANNEL


@verb("user", "summary")
async def user_summary(bmc: Any, args: list[str]) -> Output:
    channel = _optional_channel("user", args)
    access = await bmc.get_user_access(channel, 1)
    lines = [
        f"Maximum IDs\t    : {access.max_user_ids}",
        f"Enabled User Count  : {access.enabled_user_ids}",
        f"Fixed Name Count    : {access.fixed_name_user_ids}",
    ]
    return Output(lines, {"channel": channel, "max_user_ids": access.max_user_ids,
                          "enabled_user_ids": access.enabled_user_ids,
                          "fixed_name_user_ids": access.fixed_name_user_ids})  # fmt: skip


@verb("user", "list")
async def user_list(bmc: Any, args: list[str]) -> Output:
    channel = _optional_channel("user", args)
    lines = [_USER_LIST_HEADER]
    users: list[dict[str, Any]] = []
    uid = 1
    while True:
        access = await bmc.get_user_access(channel, uid)
        name = await user_name(bmc, uid)
        lines.append(
            f"{uid:<4}{pad_bytes(name, 17)}{'false' if access.callback_only else 'true ':<8}"
            f"{'true ' if access.link_authentication else 'false':<11}"
            f"{'true ' if access.ipmi_messaging else 'false':<11}{privilege_text(int(access.privilege_limit))}"
        )
        users.append({"user_id": uid, "name": name, "callin": not access.callback_only,
                      "link_authentication": access.link_authentication, "ipmi_messaging": access.ipmi_messaging,
                      "privilege_limit": access.privilege_limit, "enable_status": access.enable_status})  # fmt: skip
        uid += 1
        if uid > access.max_user_ids or uid > IPMI_UID_MAX:
            break
    return Output(lines, users)


@verb("user", "set")
async def user_set(bmc: Any, args: list[str]) -> Output:
    if not args or args[0] not in ("name", "password"):
        raise usage_error("user", "set: give name or password")
    if args[0] == "name":
        if len(args) != 3:
            raise usage_error("user", "set name takes a user ID and a name")
        uid = user_id_arg("user", args[1])
        name = args[2].encode("utf-8", "surrogateescape")
        if len(name) > 16:
            raise usage_error("user", "set name: the user name is too long (> 16 bytes)")
        await bmc.set_user_name(uid, name)
        return Output([], {"user_id": uid, "name": args[2]})
    if not 2 <= len(args) <= 4:
        raise usage_error("user", "set password takes a user ID, a password and an optional size 16 or 20")
    uid = user_id_arg("user", args[1])
    password = args[2] if len(args) > 2 else prompt_password(uid, twice=True)
    secret = password.encode("utf-8", "surrogateescape")
    if len(args) > 3:
        size = c_number(args[3])
        if size not in (16, 20):
            raise usage_error("user", f"set password: invalid password size {args[3]!r} (16 or 20)")
    else:
        size = 20 if len(secret) > 16 else 16
    if len(secret) > size:
        raise usage_error("user", f"set password: the password is too long (> {size} bytes)")
    await bmc.set_user_password(uid, secret, size)
    return Output([f"Set User Password command successful (user {uid})"], {"user_id": uid, "password_size": size})


async def _user_enable(bmc: Any, args: list[str], enable: bool) -> Output:
    if len(args) != 1:
        raise usage_error("user", f"{'enable' if enable else 'disable'} takes one user ID")
    uid = user_id_arg("user", args[0])
    await bmc.enable_user(uid, enable)
    return Output([], {"user_id": uid, "enabled": enable})


@verb("user", "enable")
async def user_enable(bmc: Any, args: list[str]) -> Output:
    return await _user_enable(bmc, args, True)


@verb("user", "disable")
async def user_disable(bmc: Any, args: list[str]) -> Output:
    return await _user_enable(bmc, args, False)


@verb("user", "priv")
async def user_priv(bmc: Any, args: list[str]) -> Output:
    if not 2 <= len(args) <= 3:
        raise usage_error("user", "priv takes a user ID, a privilege level and an optional channel")
    channel = channel_arg("user", args[2]) if len(args) > 2 else CURRENT_CHANNEL
    level = privilege_arg("user", args[1])
    uid = user_id_arg("user", args[0])
    # as ipmitool: the privilege limit only (byte 1 bit 7 clear, access bits zero), session limit 0
    await bmc.set_user_access(channel, uid, level, change_access_bits=False, ipmi_messaging=False, session_limit=0)
    return Output([f"Set Privilege Level command successful (user {uid})"],
                  {"user_id": uid, "channel": channel, "privilege_limit": privilege_text(level).lower()})  # fmt: skip


@verb("user", "test")
async def user_test(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cmds.app import PasswordOperation

    if not 2 <= len(args) <= 3:
        raise usage_error("user", "test takes a user ID, 16 or 20, and the password")
    uid = user_id_arg("user", args[0])
    size = c_number(args[1])
    if size not in (16, 20):
        raise usage_error("user", f"test: invalid password length {args[1]!r} (16 or 20)")
    password = args[2] if len(args) > 2 else prompt_password(uid, twice=False)
    # ipmitool copies at most the field's size (strncpy): a longer password is tested cut
    secret = password.encode("utf-8", "surrogateescape")[:size].rstrip(b"\x00")
    try:
        await bmc.command("Set User Password", uid, PasswordOperation.TEST_PASSWORD, secret, size)
    except CompletionCodeError as exc:
        if exc.cc == 0x80:
            raise IpmiError("Failure: password incorrect") from None
        if exc.cc == 0x81:
            raise IpmiError("Failure: wrong password size") from None
        raise
    except LocalProtocolError as exc:
        raise usage_error("user", f"test: {exc}") from None
    return Output(["Success"], {"user_id": uid, "password_size": size, "matches": True})


# ====================================================================================================== session

usage("session", "session info active|all|id 0xNNNNNNNN|handle 0xNN")

_ACTIVITY_TEXT = {0: "IPMI Messaging session active", 1: "Callback Messaging session active",
                  2: "Dial-out Alert active", 3: "TAP Page Active"}  # fmt: skip


def session_lines(info: Any) -> list[str]:
    """ipmitool's ``print_session_info_verbose`` for one Get Session Info answer."""
    lines = [
        f"session handle                : {info.session_handle}",
        f"slot count                    : {info.session_slot_count}",
        f"active sessions               : {info.active_session_count}",
    ]
    s = info.session
    if s is not None:
        lines += [
            f"user id                       : {s.user_id}",
            f"privilege level               : {privilege_text(int(s.privilege))}",
            f"session type                  : {'IPMIv2/RMCP+' if int(s.session_protocol) else 'IPMIv1.5'}",
            f"channel number                : 0x{s.channel:02x}",
        ]
        if s.lan is not None:
            lines += [f"console ip                    : {s.lan.console_ip}",
                      f"console mac                   : {s.lan.console_mac}",
                      f"console port                  : {s.lan.console_port}"]  # fmt: skip
        elif len(s.other_channel_data) in (6, 8):  # serial/modem channel (data length 12 or 14)
            data = s.other_channel_data
            lines += [f"Session/Channel Activity Type : {_ACTIVITY_TEXT.get(data[0], unknown(data[0]))}",
                      f"Destination selector          : {data[1] & 0x0F}",
                      f"console ip                    : {ip_text(data[2:6])}"]  # fmt: skip
            if len(data) == 8:
                lines.append(f"console port                  : {int.from_bytes(data[6:8], 'little')}")
    lines.append("")
    return lines


@verb("session", "info")
async def session_info(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cmds.app import SESSION_INDEX_BY_HANDLE, SESSION_INDEX_BY_ID

    if not args or args[0] not in ("active", "all", "id", "handle"):
        raise usage_error("session", "info: give active, all, id ID or handle HANDLE")
    if args[0] in ("id", "handle"):
        number = c_number(args[1]) if len(args) == 2 else None
        limit = 0xFFFFFFFF if args[0] == "id" else 0xFF
        if number is None or number > limit:
            raise usage_error("session", f"info {args[0]}: give a number (0x...)")
        if args[0] == "id":
            info = await bmc.get_session_info(session_index=SESSION_INDEX_BY_ID, session_id=number)
        else:
            info = await bmc.get_session_info(session_index=SESSION_INDEX_BY_HANDLE, session_handle=number)
        return Output(session_lines(info), info)
    if len(args) != 1:
        raise usage_error("session", f"info {args[0]} takes no more arguments")
    if args[0] == "active":
        info = await bmc.get_session_info()
        return Output(session_lines(info), info)
    # all: every slot, 1 to the slot count, as ipmitool walks them (stopping at the first that does not answer)
    lines: list[str] = []
    sessions: list[Any] = []
    index, slots = 1, 1
    while index <= slots:
        try:
            info = await bmc.get_session_info(session_index=index)
        except CompletionCodeError as exc:
            if exc.cc in (0xCB, 0xCC):
                break
            raise
        lines += session_lines(info)
        sessions.append(info)
        slots = info.session_slot_count
        index += 1
    return Output(lines, sessions)
