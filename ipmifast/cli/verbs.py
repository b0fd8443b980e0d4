"""Verbs: chassis, power, mc, raw, sdr, sel, fru (ipmitool's names and output layout)."""

from __future__ import annotations

from typing import Any

from ipmifast.cli.registry import USAGES, Output, drive, usage, verb
from ipmifast.errors import CompletionCodeError, DecodeError, UsageError

# ====================================================================================================== helpers


def _arg_int(value: str, what: str, low: int = 0, high: int = 0xFF) -> int:
    try:
        number = int(value, 0)
    except ValueError:
        raise UsageError(f"{what} must be a number, not {value!r}") from None
    if not low <= number <= high:
        raise UsageError(f"{what} {number} is not {low}-{high}")
    return number


def _kv(width: int, pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{key:<{width}}: {value}" for key, value in pairs]


# ====================================================================================================== chassis

usage("chassis", "chassis status | power status|on|off|cycle|reset|soft|diag | identify [SECONDS|force] | "
                 "bootdev DEVICE [options=persistent,efiboot] | policy list|always-on|always-off|previous")
usage("power", "power status|on|off|cycle|reset|soft|diag")

#: Get Chassis Status (IPMI v2.0 §28.2, Table 28-3): byte 1, current power state, bit 0 "power is on"
NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, POWER_IS_ON = 0x00, 0x01, 0x01
_POWER_TEXT = {"on": "Up/On", "off": "Down/Off", "cycle": "Cycle", "reset": "Reset", "diag": "Diag", "soft": "Soft"}
_POLICY_TEXT = {0: "always-off", 1: "previous", 2: "always-on", 3: "unknown"}


@verb("chassis", "status")
async def chassis_status(bmc: Any, args: list[str]) -> Output:
    s = await bmc.chassis_status()
    events = []
    event = int(s.last_power_event)
    for bit, name in ((1, "ac-failed"), (2, "overload"), (4, "interlock"), (8, "fault"), (16, "command")):
        if event & bit:
            events.append(name + " ")
    lines = _kv(21, [
        ("System Power", "on" if s.power_on else "off"),
        ("Power Overload", str(s.power_overload).lower()),
        ("Power Interlock", "active" if s.interlock else "inactive"),
        ("Main Power Fault", str(s.power_fault).lower()),
        ("Power Control Fault", str(s.power_control_fault).lower()),
        ("Power Restore Policy", _POLICY_TEXT.get(int(s.restore_policy), "unknown")),
        ("Last Power Event", "".join(events)),
        ("Chassis Intrusion", "active" if s.intrusion else "inactive"),
        ("Front-Panel Lockout", "active" if s.front_panel_lockout else "inactive"),
        ("Drive Fault", str(s.drive_fault).lower()),
        ("Cooling/Fan Fault", str(s.cooling_fault).lower()),
    ])
    fp = s.front_panel
    if fp is not None:  # the optional byte 4, laid out as ipmitool prints it
        buttons = (("Sleep", "standby"), ("Diag", "diagnostic_interrupt"), ("Reset", "reset"), ("Power", "power_off"))
        for label, name in buttons:
            allowed = getattr(fp, f"{name}_disable_allowed")
            lines.append(f"{label + ' Button Disable':<21}: {'allowed' if allowed else 'not allowed'}")
        for label, name in buttons:
            lines.append(f"{label + ' Button Disabled':<21}: {str(getattr(fp, f'{name}_disabled')).lower()}")
    return Output(lines, s)


async def _power(bmc: Any, args: list[str]) -> Output:
    if not args:
        raise UsageError(f"power: what? usage: {USAGES['power']}")
    action = args[0]
    if action == "status":  # the one bit it needs, without the chassis codecs (start-up: ipmifast.cli.oneshot)
        current_power_state = (await bmc.raw(NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS))[:1]
        if not current_power_state:
            raise DecodeError("Get Chassis Status response: no data")
        state = "on" if current_power_state[0] & POWER_IS_ON else "off"
        return Output([f"Chassis Power is {state}"], {"power": state})
    if action not in _POWER_TEXT:
        raise UsageError(f"power: unknown action {action!r}; usage: {USAGES['power']}")
    await bmc.power(action)
    return Output([f"Chassis Power Control: {_POWER_TEXT[action]}"], {"power_control": action})


@verb("chassis", "power")
async def chassis_power(bmc: Any, args: list[str]) -> Output:
    return await _power(bmc, args)


@verb("power")
async def power(bmc: Any, args: list[str]) -> Output:
    return await _power(bmc, args)


@verb("chassis", "identify")
async def chassis_identify(bmc: Any, args: list[str]) -> Output:
    if not args:
        await bmc.identify()
        return Output(["Chassis identify interval: default (15 seconds)"], {"identify": "default"})
    if args[0] == "force":
        await bmc.identify(force=True)
        return Output(["Chassis identify interval: indefinite"], {"identify": "indefinite"})
    seconds = _arg_int(args[0], "identify interval")
    await bmc.identify(seconds)
    text = "off" if seconds == 0 else f"{seconds} seconds"
    return Output([f"Chassis identify interval: {text}"], {"identify": seconds})


@verb("chassis", "bootdev")
async def chassis_bootdev(bmc: Any, args: list[str]) -> Output:
    from ipmifast.client import BOOT_DEVICES

    if not args or args[0] not in BOOT_DEVICES:
        raise UsageError(f"bootdev: give one of {', '.join(BOOT_DEVICES)} [options=persistent,efiboot]")
    persistent = efi = False
    for extra in args[1:]:
        if not extra.startswith("options="):
            raise UsageError(f"bootdev: unknown argument {extra!r}")
        for option in extra[len("options="):].split(","):
            if option == "persistent":
                persistent = True
            elif option == "efiboot":
                efi = True
            elif option:
                raise UsageError(f"bootdev: unknown option {option!r} (persistent, efiboot)")
    await bmc.set_bootdev(args[0], persistent=persistent, efi=efi)
    return Output([f"Set Boot Device to {args[0]}"], {"boot_device": args[0], "persistent": persistent, "efi": efi})


@verb("chassis", "policy")
async def chassis_policy(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cmds.chassis import PowerRestorePolicy

    names = {"always-off": PowerRestorePolicy.ALWAYS_OFF, "previous": PowerRestorePolicy.PREVIOUS,
             "always-on": PowerRestorePolicy.ALWAYS_ON}
    if not args or args[0] not in (*names, "list"):
        raise UsageError("policy: give list, always-on, always-off or previous")
    if args[0] == "list":
        support = await bmc.set_power_restore_policy(PowerRestorePolicy.NO_CHANGE)
        supported = [n for n in ("always-off", "always-on", "previous") if getattr(support, n.replace("-", "_"))]
        return Output([f"Supported chassis power policy:  {' '.join(supported)}"], {"supported": supported})
    await bmc.set_power_restore_policy(names[args[0]])
    return Output([f"Set chassis power restore policy to {args[0]}"], {"policy": args[0]})


# ====================================================================================================== mc

usage("mc", "mc info | guid | reset warm|cold | watchdog get|reset|off")

_DEVICE_SUPPORT = ("Sensor Device", "SDR Repository Device", "SEL Device", "FRU Inventory Device",
                   "IPMB Event Receiver", "IPMB Event Generator", "Bridge", "Chassis Device")


@verb("mc", "info")
async def mc_info(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records.iana import manufacturer_name

    d = await bmc.get_device_id()
    lines = _kv(26, [
        ("Device ID", str(d.device_id)),
        ("Device Revision", str(d.device_revision)),
        ("Firmware Revision", d.firmware_revision),
        ("IPMI Version", d.ipmi_version),
        ("Manufacturer ID", str(d.manufacturer_id)),
        ("Manufacturer Name", manufacturer_name(d.manufacturer_id)),
        ("Product ID", f"{d.product_id} (0x{d.product_id:04x})"),
        ("Product Name", f"Unknown (0x{d.product_id:X})"),
        ("Device Available", "yes" if d.device_available else "no"),
        ("Provides Device SDRs", "yes" if d.provides_sdrs else "no"),
    ])
    lines.append(f"{'Additional Device Support':<26}:")
    support = int(d.additional_device_support)
    lines += [f"    {name}" for bit, name in enumerate(_DEVICE_SUPPORT) if support & (1 << bit)]
    if d.aux_firmware_revision is not None:
        lines.append(f"{'Aux Firmware Rev Info':<26}: ")
        lines += [f"    0x{b:02x}" for b in d.aux_firmware_revision]
    return Output(lines, d)


_GUID_VERSIONS = {1: "Time-based", 2: "DCE Security with POSIX UIDs", 3: "Name-based using MD5",
                  4: "Random or pseudo-random", 5: "Name-based using SHA-1"}


def guid_text(raw: bytes) -> tuple[str, str] | None:
    """(RFC 4122 text, encoding) of a GUID that is a valid version 2-5 UUID in the IPMI byte order (all bytes
    reversed), RFC 4122 order or SMBIOS order (first three fields little-endian), tried in that order, as ipmitool
    1.8.19 decodes ``mc guid``; None when no encoding gives one (ipmitool then prints the raw bytes)."""
    candidates = (
        ("IPMI", raw[::-1]),
        ("RFC4122", raw),
        ("SMBIOS", raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:]),
    )
    for encoding, ordered in candidates:
        h = ordered.hex()
        version, variant = int(h[12], 16), int(h[16], 16)
        if 2 <= version <= 5 and variant & 0xC == 0x8:
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}", encoding
    return None


@verb("mc", "guid")
async def mc_guid(bmc: Any, args: list[str]) -> Output:
    guid = await bmc.get_system_guid()
    decoded = guid_text(guid.guid)
    if decoded is None:
        return Output([f"System GUID   : {guid.guid.hex().upper()}"], {"guid": guid.guid.hex()})
    text, encoding = decoded
    version = int(text[14], 16)
    lines = [f"System GUID   : {text}", f"GUID Encoding : {encoding}", f"GUID Version  : {_GUID_VERSIONS[version]}"]
    return Output(lines, {"guid": guid.guid.hex(), "uuid": text, "encoding": encoding.lower(), "version": version})


@verb("mc", "reset")
async def mc_reset(bmc: Any, args: list[str]) -> Output:
    if not args or args[0] not in ("warm", "cold"):
        raise UsageError("mc reset: give warm or cold")
    if args[0] == "warm":
        await bmc.warm_reset()
    else:
        await bmc.cold_reset()
    return Output([f"Sent {args[0]} reset command to MC"], {"reset": args[0]})


WATCHDOG_OFF_COUNTDOWN = 3000  # 100 ms units: the 5 minutes ipmitool's "mc watchdog off" leaves set
_TIMER_USE = {1: "BIOS FRB2", 2: "BIOS/POST", 3: "OS Load", 4: "SMS/OS", 5: "OEM"}
_TIMER_ACTION = {0: "No action", 1: "Hard Reset", 2: "Power Down", 3: "Power Cycle"}
_PRETIMEOUT = {0: "None", 1: "SMI", 2: "NMI / Diagnostic Interrupt", 3: "Messaging Interrupt"}


@verb("mc", "watchdog")
async def mc_watchdog(bmc: Any, args: list[str]) -> Output:
    if not args or args[0] not in ("get", "reset", "off"):
        raise UsageError("mc watchdog: give get, reset or off")
    if args[0] == "reset":
        await bmc.reset_watchdog()
        return Output(["IPMI Watchdog Timer Reset -  countdown restarted!"], {"watchdog": "reset"})
    if args[0] == "off":  # as ipmitool: SMS/OS use, stopped, no action, its expiration flag cleared, 300 s
        from ipmifast.cmds.app import TimeoutAction, TimerUse, TimerUseFlags

        await bmc.set_watchdog(timer_use=TimerUse.SMS_OS, timeout_action=TimeoutAction.NO_ACTION,
                               initial_countdown=WATCHDOG_OFF_COUNTDOWN, expiration_flags_clear=TimerUseFlags.SMS_OS)
        return Output(["Watchdog Timer Shutoff successful -- timer stopped"], {"watchdog": "off"})
    w = await bmc.get_watchdog()
    use = int(w.timer_use)
    action = int(w.timeout_action)
    lines = [
        # ipmitool shows byte 1 whole: the use and the running (bit 6) and don't-log (bit 7) bits
        f"Watchdog Timer Use:     {_TIMER_USE.get(use, 'Reserved')} "
        f"(0x{use | w.running << 6 | w.dont_log << 7:02x})",
        f"Watchdog Timer Is:      {'Started/Running' if w.running else 'Stopped'}",
        f"Watchdog Timer Logging: {'Off' if w.dont_log else 'On'}",
        f"Watchdog Timer Action:  {_TIMER_ACTION.get(action, 'Reserved')} (0x{action:02x})",
        f"Pre-timeout interrupt:  {_PRETIMEOUT.get(int(w.pre_timeout_interrupt), 'Reserved')}",
        f"Pre-timeout interval:   {w.pre_timeout_interval} seconds",
    ]
    flags = int(w.expiration_flags)
    lines.append(f"Timer Expiration Flags: {'None' if not flags else _flag_names(flags)} (0x{flags:02x})")
    lines.append(f"Initial Countdown:      {w.initial_countdown / 10:.1f} sec")
    if w.present_countdown is not None:
        lines.append(f"Present Countdown:      {w.present_countdown / 10:.1f} sec")
    return Output(lines, w)


def _flag_names(flags: int) -> str:
    return ", ".join(_TIMER_USE.get(bit, "Reserved") for bit in range(1, 6) if flags & (1 << bit))


# ====================================================================================================== raw

usage("raw", "raw NETFN CMD [DATA...]  (bytes as 0x12 or 12)")


@verb("raw")
async def raw(bmc: Any, args: list[str]) -> Output:
    if len(args) < 2:
        raise UsageError("raw: give at least NETFN and CMD")
    try:
        values = [int(a, 16) if not a.lower().startswith("0x") else int(a, 0) for a in args]
    except ValueError:
        bad = next(a for a in args if not _is_hex_byte(a))
        raise UsageError(f"raw: {bad!r} is not a byte (write 0x12 or 12)") from None
    if any(not 0 <= v <= 0xFF for v in values):
        raise UsageError("raw: every value must be a byte, 0x00-0xff")
    netfn, cmd, data = values[0], values[1], bytes(values[2:])
    if netfn > 0x3F:
        raise UsageError(f"raw: netfn 0x{netfn:02x} is not 0x00-0x3f")
    response = await bmc.request(netfn, cmd, data)
    if response.cc:
        raise CompletionCodeError(netfn, cmd, response.cc)
    lines = []
    for i in range(0, len(response.data), 16):
        lines.append("".join(f" {b:02x}" for b in response.data[i : i + 16]))
    return Output(lines or [""], {"netfn": netfn, "cmd": cmd, "cc": 0, "data": response.data.hex()})


def _is_hex_byte(text: str) -> bool:
    try:
        int(text, 16 if not text.lower().startswith("0x") else 0)
    except ValueError:
        return False
    return True


# ====================================================================================================== sdr, sensor

usage("sdr", "sdr list | elist [all] | info")
usage("sensor", "sensor list")


async def sdr_records(bmc: Any) -> list[Any]:
    """The SDR repository, from ``--sdr-cache FILE`` when the repository has not changed since it was written
    (same record count and addition/erase timestamps from Get SDR Repository Info: one round trip)."""
    from ipmifast.cli.registry import OPTIONS
    from ipmifast.records import sdr

    options = OPTIONS.get(None)
    path = options.sdr_cache if options is not None else None
    key = ""
    if path:
        info = await bmc.raw(0x0A, 0x20)  # Get SDR Repository Info (§33.9)
        key = f"{bmc.host}:{info[1:3].hex()}:{info[5:13].hex()}"
        cached = _load_cache(path, key)
        if cached is not None:
            return [sdr.decode_sdr(raw) for raw in cached]
    reader = await drive(bmc, sdr.SdrRepositoryReader())
    if path:
        _save_cache(path, key, reader.records)
    return list(reader.decoded())


def _load_cache(path: str, key: str) -> list[bytes] | None:
    import json

    try:
        with open(path, encoding="utf-8") as f:
            content = json.load(f)
        if content.get("key") != key:
            return None
        return [bytes.fromhex(r) for r in content["records"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no cache, or not ours: read the repository


def _save_cache(path: str, key: str, records: list[bytes]) -> None:
    import json
    import os
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".sdr-cache-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"key": key, "records": [r.hex() for r in records]}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: a crash leaves the old cache or the new one, never half of one
    except OSError as exc:
        os.unlink(tmp)
        raise UsageError(f"cannot write the SDR cache {path}: {exc.strerror}") from None


async def _sdr_and_readings(bmc: Any) -> tuple[list[Any], dict[int, Any]]:
    from ipmifast.records import sdr

    records = await sdr_records(bmc)
    readings: dict[int, Any] = {}
    for index, record in enumerate(records):
        if isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord):
            response = await bmc.request(0x04, 0x2D, bytes([record.sensor_number]))
            readings[index] = sdr.decode_sensor_reading(response.data) if response.cc == 0 else None
    return records, readings


def _verbose() -> bool:
    from ipmifast.cli.registry import OPTIONS

    options = OPTIONS.get(None)
    return bool(options is not None and options.verbose)


async def _sdr_verbose(bmc: Any, show_all: bool) -> Output:
    """``ipmitool -v sdr list|elist [all]``: each sensor in the verbose layout (and with ``all`` the other records,
    as ``sensor get`` shows them)."""
    from ipmifast.cli.verbs_sensors import locator_lines, sdr_verbose_lines
    from ipmifast.records import sdr

    lines: list[str] = []
    records = await sdr_records(bmc)
    located = (sdr.EventOnlyRecord, sdr.McDeviceLocatorRecord, sdr.FruDeviceLocatorRecord,
               sdr.GenericDeviceLocatorRecord)  # fmt: skip
    for record in records:
        if isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord):
            lines += await sdr_verbose_lines(bmc, record)
        elif show_all and isinstance(record, located):
            lines += locator_lines(record)
    return Output(lines, records)


@verb("sdr", "elist")
async def sdr_elist(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sdr

    show_all = bool(args and args[0] == "all")
    if _verbose():
        return await _sdr_verbose(bmc, show_all)
    records, readings = await _sdr_and_readings(bmc)
    lines = []
    for index, record in enumerate(records):
        if not show_all and not isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord):
            continue
        line = sdr.format_sdr_elist(record, readings.get(index))
        if line is not None:
            lines.append(line)
    return Output(lines, [_sensor_json(r, readings.get(i)) for i, r in enumerate(records)])


@verb("sdr", "list")
async def sdr_list(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sdr

    if _verbose():
        return await _sdr_verbose(bmc, bool(args and args[0] == "all"))
    records, readings = await _sdr_and_readings(bmc)
    lines = [sdr.format_sdr_list(r, readings.get(i)) for i, r in enumerate(records)
             if isinstance(r, sdr.FullSensorRecord | sdr.CompactSensorRecord)]
    return Output(lines, [_sensor_json(r, readings.get(i)) for i, r in enumerate(records)])


def _sensor_json(record: Any, reading: Any) -> dict[str, Any]:
    from ipmifast.records import sdr

    out: dict[str, Any] = {"record": record}
    if isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord):
        out["reading"] = reading
        out["status"] = sdr.sensor_status(record, reading)
        if (
            isinstance(record, sdr.FullSensorRecord) and reading is not None and record.is_threshold
            and record.has_analog_reading and not reading.unavailable
        ):
            out["value"] = sdr.raw_to_value(record, reading.raw)
            out["units"] = sdr.units_text(record)
    return out


# ====================================================================================================== sel

usage("sel", "sel list | elist")


async def _sel(bmc: Any) -> list[Any]:
    from ipmifast.records import sel

    reader = await drive(bmc, sel.SelReader())
    return list(reader.decoded())


def _sel_verbose(entries: list[Any]) -> Output:
    """``ipmitool -v sel list|elist``: each entry in the verbose layout (ipmitool 1.8.19 printed the same for
    both against the test bed's BMC)."""
    from ipmifast.records import sel

    return Output([line for e in entries for line in sel.format_ipmitool_sel_verbose(e)], entries)


@verb("sel", "list")
async def sel_list(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sel

    entries = await _sel(bmc)
    if _verbose():
        return _sel_verbose(entries)
    return Output([sel.format_ipmitool_sel(e) for e in entries], entries)


@verb("sel", "elist")
async def sel_elist(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sel

    entries = await _sel(bmc)
    if _verbose():
        return _sel_verbose(entries)
    records = await sdr_records(bmc)
    return Output([sel.format_ipmitool_sel(e, records) for e in entries], entries)


# ====================================================================================================== fru

usage("fru", "fru print [ID]")


@verb("fru", "print")
async def fru_print(bmc: Any, args: list[str]) -> Output:
    """``fru print``: FRU 0 with its description line and a blank line after it; ``fru print ID``: that device's
    fields only (ipmitool's ``__ipmi_fru_print``). A bad checksum is reported on stderr and the fields printed."""
    from ipmifast.errors import DecodeError
    from ipmifast.records import fru

    if len(args) > 1:
        raise UsageError(f"fru: print takes one FRU ID, not {len(args)} arguments")
    fru_id = _arg_int(args[0], "FRU ID", 0, 0xFE) if args else 0
    image = (await drive(bmc, fru.FruReader(fru_id))).data
    warnings = []
    try:
        inventory = fru.decode_fru(image)
    except DecodeError as exc:
        inventory = fru.decode_fru(image, skip_checks=True)
        warnings.append(f"FRU {fru_id}: {exc} (fields shown as read)")
    verbose = _verbose()
    if args:
        return Output(fru.format_ipmitool_fru(inventory, None, verbose), inventory, warnings)
    return Output([*fru.format_ipmitool_fru(inventory, verbose=verbose), ""], inventory, warnings)
