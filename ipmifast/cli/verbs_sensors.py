"""Verbs: sensor list|get|thresh|reading, sdr type|info, sel info|clear|time get, with ipmitool 1.8.19's layout.

- Sensor readings: Get Sensor Reading (IPMI v2.0 §35.14), Get Sensor Thresholds (§35.9), Set Sensor Thresholds
  (§35.8, NetFn 04h command 26h), Get Sensor Event Enable (§35.11), Get Sensor Event Status (§35.13), Get Sensor
  Reading Factors (§35.5) for non-linear sensors; conversion and texts from ``ipmifast.records.sdr``.
- SDR repository: Get SDR Repository Info (§33.9, NetFn 0Ah command 20h).
- SEL: Get SEL Info (§31.2, 40h), Get SEL Allocation Info (§31.3, 41h), Reserve SEL (§31.4, 42h), Clear SEL
  (§31.9, 47h), Get SEL Time (§31.10, 48h); timestamps as ipmitool's ``ipmi_timestamp_numeric`` prints them
  (§37.1: values below 20000000h count seconds from the device's initialization).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any

from ipmifast.cli.registry import Output, pause, usage, usage_error, verb
from ipmifast.errors import CompletionCodeError, DecodeError, IpmiError, UsageError

NETFN_SENSOR = 0x04
NETFN_STORAGE = 0x0A
CMD_GET_SENSOR_READING_FACTORS = 0x23
CMD_SET_SENSOR_THRESHOLDS = 0x26
CMD_GET_SENSOR_THRESHOLDS = 0x27
CMD_GET_SENSOR_EVENT_ENABLE = 0x29
CMD_GET_SENSOR_EVENT_STATUS = 0x2B
CMD_GET_SENSOR_READING = 0x2D
CMD_GET_SDR_REPOSITORY_INFO = 0x20
CMD_GET_SEL_INFO = 0x40
CMD_GET_SEL_ALLOCATION_INFO = 0x41
CMD_RESERVE_SEL = 0x42
CMD_CLEAR_SEL = 0x47
CMD_GET_SEL_TIME = 0x48

TIMESTAMP_UNSPECIFIED = 0xFFFFFFFF
TIMESTAMP_INIT_DONE = 0x20000000  # §37.1: below this, seconds since the device's initialization
SECONDS_A_DAY = 24 * 60 * 60
NO_ANALOG = 3  # analog data format 11b: the sensor has no numeric reading (Table 43-1 byte 21)

# ====================================================================================================== helpers



def timestamp_numeric(stamp: int) -> str:
    """ipmitool's ``ipmi_timestamp_numeric``: "S+ 01:06:40" (initialization-relative, under a day),
    "S+ 70/002 03:46:40" (longer), "11/25/26 09:52:00 UTC" (absolute, local time zone), "Unspecified"."""
    if stamp == TIMESTAMP_UNSPECIFIED:
        return "Unspecified"
    if stamp < TIMESTAMP_INIT_DONE:
        fmt = "S+ %H:%M:%S" if stamp < SECONDS_A_DAY else "S+ %y/%j %H:%M:%S"
        return time.strftime(fmt, time.gmtime(stamp))
    if stamp == TIMESTAMP_INIT_DONE:  # ipmitool formats it with gmtime(), whose zone is "GMT"
        return time.strftime("%m/%d/%y %H:%M:%S GMT", time.gmtime(stamp))
    local = time.localtime(stamp)
    return time.strftime("%m/%d/%y %H:%M:%S ", local) + (local.tm_zone or "")


def c_double(text: str) -> float | None:
    """A number as C's ``strtod`` reads a whole argument (ipmitool's ``str2double``); None if it is not one."""
    if "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        try:
            return float.fromhex(text)
        except ValueError:
            return None


async def read_sdrs(bmc: Any) -> list[Any]:
    """The SDR repository, from ``--sdr-cache FILE`` while it is current (``verbs.sdr_records``)."""
    from ipmifast.cli.verbs import sdr_records

    return await sdr_records(bmc)


@dataclass
class SensorValue:
    """One sensor's reading as ipmitool's ``ipmi_sdr_read_sensor_value`` interprets it."""

    reading: Any = None  # records.sdr.SensorReading, None without an answer
    factors: Any = None  # records.sdr.ConversionFactors of a non-linear sensor at this reading
    analog: bool = False  # the reading converts to a number (full threshold sensor with an analog format)
    units: str = ""

    @property
    def valid(self) -> bool:
        return self.reading is not None and bool(self.reading.valid)


def _has_analog_units(record: Any) -> bool:
    from ipmifast.records import sdr

    return isinstance(record, sdr.FullSensorRecord) and record.analog_data_format != NO_ANALOG


async def read_sensor(bmc: Any, record: Any) -> SensorValue:
    """Get Sensor Reading, and Get Sensor Reading Factors for a non-linear sensor (its failure makes the reading
    invalid, as in ipmitool)."""
    from ipmifast.records import sdr

    value = SensorValue()
    response = await bmc.request(NETFN_SENSOR, CMD_GET_SENSOR_READING, bytes([record.sensor_number]))
    if response.cc:
        return value
    try:
        value.reading = sdr.decode_sensor_reading(response.data)
    except DecodeError:
        return value
    if not value.reading.scanning_enabled:
        return value  # ipmitool stops here: no units either
    if not (_has_analog_units(record) and record.is_threshold):
        return value
    if record.is_non_linear:
        factors = await bmc.request(NETFN_SENSOR, CMD_GET_SENSOR_READING_FACTORS,
                                    bytes([record.sensor_number, value.reading.raw]))  # fmt: skip
        if factors.cc or len(factors.data) < 7:
            value.reading = None
            return value
        value.factors = sdr.decode_conversion_factors(factors.data[1:7])
    value.analog = True
    value.units = sdr.units_text(record)
    return value


def convert(record: Any, raw: int, factors: Any = None) -> float:
    """ipmitool's ``sdr_convert_sensor_reading``: a non-linear sensor uses the factors of its last reading (or its
    record's), without a linearization function."""
    from ipmifast.records import sdr

    if record.is_non_linear:
        return sdr.raw_to_value(record, raw, factors or record.factors)
    return sdr.raw_to_value(record, raw)


def hysteresis_value(record: Any, raw: int, factors: Any = None) -> float:
    from ipmifast.records import sdr

    if record.is_non_linear:
        f = factors or record.factors
        return float(f.m * sdr.raw_to_signed(raw, record.analog_data_format) * math.pow(10, f.r_exp))
    return sdr.hysteresis_to_value(record, raw)


def tolerance_value(record: Any, factors: Any = None) -> float:
    from ipmifast.records import sdr

    if record.is_non_linear:
        f = factors or record.factors
        return float(f.m * (f.tolerance / 2) * math.pow(10, f.r_exp))
    return sdr.tolerance_to_value(record)


def shown_raw(value: SensorValue) -> int:
    """The reading byte ipmitool shows for a sensor without a numeric reading: Debian's ipmitool 1.8.19 (patch
    0105-sensor_reading, Debian bug #983082) shows the first state byte (as ``records.sdr.reading_text`` does)."""
    return int(value.reading.states) & 0xFF if value.reading is not None else 0


def _decimals(x: float) -> int:
    """ipmitool's ``(x == (int) x) ? 0 : 3``."""
    return 0 if math.isfinite(x) and x == math.trunc(x) else 3


#: (threshold key, ThresholdMask bit, Get Sensor Thresholds byte) in ipmitool's column order
_THRESHOLDS = (("lnr", 0x04, 3), ("lcr", 0x02, 2), ("lnc", 0x01, 1), ("unc", 0x08, 4), ("ucr", 0x10, 5),
               ("unr", 0x20, 6))  # fmt: skip
_THRESHOLD_LABELS = {"lnr": "Lower Non-Recoverable", "lcr": "Lower Critical", "lnc": "Lower Non-Critical",
                     "unc": "Upper Non-Critical", "ucr": "Upper Critical", "unr": "Upper Non-Recoverable"}  # fmt: skip
_STATUS_ORDER = ((0x04, "nr", "lnr"), (0x20, "nr", "unr"), (0x02, "cr", "lcr"), (0x10, "cr", "ucr"),
                 (0x01, "nc", "lnc"), (0x08, "nc", "unc"))  # fmt: skip


def threshold_status(value: SensorValue, verbose: bool = False) -> str:
    """ipmitool's ``ipmi_sdr_get_thresh_status``: "ns" without a reading, else the worst threshold crossed."""
    if not value.valid:
        return "ns"
    status = int(value.reading.threshold_status)
    for bit, short, key in _STATUS_ORDER:
        if status & bit:
            return _THRESHOLD_LABELS[key] if verbose else short
    return "ok"


async def get_thresholds(bmc: Any, record: Any) -> bytes | None:
    """Get Sensor Thresholds: the readable mask and six raw thresholds, None when the BMC gives none."""
    response = await bmc.request(NETFN_SENSOR, CMD_GET_SENSOR_THRESHOLDS, bytes([record.sensor_number]))
    if response.cc or not response.data:
        return None
    return bytes(response.data[:7]).ljust(7, b"\x00")


def _threshold_json(record: Any, thresholds: bytes | None, factors: Any) -> dict[str, float | int | None]:
    out: dict[str, float | int | None] = {}
    for key, bit, index in _THRESHOLDS:
        if thresholds is None or not thresholds[0] & bit:
            out[key] = None
        elif _has_analog_units(record):
            out[key] = convert(record, thresholds[index], factors)
        else:
            out[key] = thresholds[index]
    return out


def _threshold_cell(record: Any, thresholds: bytes, bit: int, index: int, factors: Any,
                    analog_fmt: str, hex_fmt: str, na_fmt: str) -> str:  # fmt: skip
    """ipmitool's ``print_thresh_setting``."""
    if not thresholds[0] & bit:
        return na_fmt.format("na")
    if _has_analog_units(record):
        return analog_fmt.format(convert(record, thresholds[index], factors))
    return hex_fmt.format(thresholds[index])


# ====================================================================================================== sensor

usage("sensor", "sensor [list] | get NAME... | thresh NAME unr|ucr|unc|lnc|lcr|lnr VALUE | "
                "thresh NAME upper UNC UCR UNR | thresh NAME lower LNR LCR LNC | reading NAME...")


def sensor_list_line(record: Any, value: SensorValue, thresholds: bytes | None) -> str:
    """One line of ``ipmitool sensor list`` (ipmitool's ``dump_sensor_fc_thredshold`` and the discrete form)."""
    from ipmifast.records import sdr

    line = f"{record.id_string[:16]:<16} "
    if record.is_threshold:
        if value.valid:
            if value.analog:
                line += f"| {convert(record, value.reading.raw, value.factors):<10.3f} | {value.units:<10} | "
            else:
                line += f"| 0x{shown_raw(value):<8x} | {value.units:<10} | "
            line += f"{threshold_status(value):<6}"
        else:
            line += f"| {'na':<10} | {value.units:<10} | {'na':<6}"
        if thresholds is not None and isinstance(record, sdr.FullSensorRecord):
            for _key, bit, index in _THRESHOLDS:
                line += "| " + _threshold_cell(record, thresholds, bit, index, value.factors,
                                               "{:<10.3f}", "0x{:<8x}", "{:<10}")  # fmt: skip
        else:
            line += "| na        " * 6
        return line
    if value.valid:
        states = int(value.reading.states)
        line += f"| 0x{shown_raw(value):<8x} | {'discrete':<10} | 0x{states & 0xFF:02x}{states >> 8 & 0x7F:02x}"
    else:
        line += f"| {'na':<10} | {'discrete':<10} | {'na':<6}"
    return line + "| na        " * 6


def sensor_json(record: Any, value: SensorValue, thresholds: bytes | None) -> dict[str, Any]:
    reading = value.reading
    out: dict[str, Any] = {
        "name": record.id_string,
        "sensor_number": record.sensor_number,
        "sensor_type": record.sensor_type,
        "event_reading_type": record.event_reading_type,
        "kind": "threshold" if record.is_threshold else "discrete",
        "valid": value.valid,
        "raw": reading.raw if reading is not None else None,
        "value": convert(record, reading.raw, value.factors) if value.valid and value.analog else None,
        "units": value.units or None,
        "status": threshold_status(value) if record.is_threshold else ("ok" if value.valid else "ns"),
        "states": reading.states if reading is not None else None,
    }
    if record.is_threshold:
        out["thresholds"] = _threshold_json(record, thresholds, value.factors)
    return out


async def _sensor_records(bmc: Any) -> list[Any]:
    from ipmifast.records import sdr

    return [r for r in await read_sdrs(bmc) if isinstance(r, sdr.FullSensorRecord | sdr.CompactSensorRecord)]


async def _sensor_list(bmc: Any) -> Output:
    from ipmifast.records import sdr

    lines: list[str] = []
    values: list[dict[str, Any]] = []
    for record in await _sensor_records(bmc):
        value = await read_sensor(bmc, record)
        thresholds = None
        if record.is_threshold and isinstance(record, sdr.FullSensorRecord):
            thresholds = await get_thresholds(bmc, record)
        lines.append(sensor_list_line(record, value, thresholds))
        values.append(sensor_json(record, value, thresholds))
    return Output(lines, values)


@verb("sensor", "list")
async def sensor_list(bmc: Any, args: list[str]) -> Output:
    if args:
        raise usage_error("sensor", "list takes no arguments")
    return await _sensor_list(bmc)


@verb("sensor")
async def sensor_default(bmc: Any, args: list[str]) -> Output:
    if args:
        raise usage_error("sensor", f"unknown subcommand {args[0]!r}")
    return await _sensor_list(bmc)


def find_by_name(records: list[Any], name: str) -> Any:
    """ipmitool's ``ipmi_sdr_find_sdr_byid``: the first sensor or locator record whose ID string is ``name``."""
    from ipmifast.records import sdr

    kinds = (sdr.FullSensorRecord, sdr.CompactSensorRecord, sdr.EventOnlyRecord, sdr.GenericDeviceLocatorRecord,
             sdr.FruDeviceLocatorRecord, sdr.McDeviceLocatorRecord)  # fmt: skip
    return next((r for r in records if isinstance(r, kinds) and r.id_string == name), None)


_ASSERT_1 = ((0x01, "lnc-"), (0x02, "lnc+"), (0x04, "lcr-"), (0x08, "lcr+"), (0x10, "lnr-"), (0x20, "lnr+"),
             (0x40, "unc-"), (0x80, "unc+"))  # fmt: skip
_ASSERT_2 = ((0x01, "ucr-"), (0x02, "ucr+"), (0x04, "unr-"), (0x08, "unr+"))


def _conditions(first: int, second: int | None) -> str:
    text = "".join(f"{name} " for bit, name in _ASSERT_1 if first & bit)
    if second is not None:
        text += "".join(f"{name} " for bit, name in _ASSERT_2 if second & bit)
    return text


def event_lines(data: bytes, status: bool) -> list[str]:
    """ipmitool's ``ipmi_sdr_print_sensor_event_status`` (``status``) and ``..._event_enable`` for an analog sensor,
    from the response data of Get Sensor Event Status / Enable."""
    if not data:
        return []
    lines: list[str] = []
    label = "Event Status" if status else "Event Enable"
    if status and data[0] & 0x20:
        return [f" {'Event Status':<21} : Unavailable"]
    if not data[0] & 0x80:
        lines.append(f" {label:<21} : Event Messages Disabled")
    first, second = ("Assertion Events", "Deassertion Events") if status else ("Assertions Enabled",
                                                                               "Deassertions Enabled")
    if len(data) <= 2:
        return [*lines, f" {first:<21} : {_conditions(data[1] if len(data) > 1 else 0, None)}"]
    lines.append(f" {first:<21} : {_conditions(data[1], data[2])}")
    if status:  # ipmitool tests the two deassertion bytes with && for the status and || for the enables
        shown = (len(data) == 4 and data[3] != 0) or (len(data) > 4 and data[3] != 0 and data[4] != 0)
    else:
        shown = (len(data) == 4 and data[3] != 0) or (len(data) > 4 and (data[3] != 0 or data[4] != 0))
    if shown:
        lines.append(f" {second:<21} : {_conditions(data[3], data[4] if len(data) > 4 else None)}")
    return lines


def discrete_lines(desc: str, sensor_type: int, event_reading_type: int, states: int) -> list[str]:
    """ipmitool's ``ipmi_sdr_print_discrete_state``: the sensor type, then each asserted state's text."""
    from ipmifast.records import tables

    if not states & 0x7FFF:
        return []
    texts = {o: tables.event_offset_text(event_reading_type, sensor_type, o) for o in range(15)}
    if not any(texts.values()):
        return []  # no event table for this type: ipmitool prints nothing
    lines = [f" {desc:<21} : {tables.sensor_type_text(sensor_type)}"]
    lines += [f"{'':<25}[{texts[o]}]" for o in range(15) if states >> o & 1 and texts[o]]
    return lines


def _hysteresis_line(record: Any, raw: int, label: str, factors: Any) -> str:
    if not _has_analog_units(record):
        text = "Unspecified" if raw in (0x00, 0xFF) else f"0x{raw:02X}"
    else:
        value = hysteresis_value(record, raw, factors)
        text = "Unspecified" if raw in (0x00, 0xFF) or value == 0.0 else f"{value:.3f}"
    return f" {label}   : {text}"


async def _sensor_get_threshold(bmc: Any, record: Any) -> tuple[list[str], dict[str, Any]]:
    from ipmifast.records import sdr, tables

    value = await read_sensor(bmc, record)
    thresholds = await get_thresholds(bmc, record)
    full = isinstance(record, sdr.FullSensorRecord)
    lines = [
        f"Sensor ID              : {record.id_string} (0x{record.sensor_number:x})",
        f" Entity ID             : {record.entity_id}.{record.entity_instance}",
        f" Sensor Type (Threshold)  : {tables.sensor_type_text(record.sensor_type)}",
    ]
    if value.valid:
        if full and value.analog:
            reading = convert(record, value.reading.raw, value.factors)
            tol = tolerance_value(record, value.factors)
            lines.append(f" Sensor Reading        : {reading:.{_decimals(reading)}f} (+/- {tol:.{_decimals(tol)}f}) "
                         f"{value.units}")
        elif full:
            lines.append(f" Sensor Reading        : 0x{shown_raw(value):x} (+/- 0x{record.tolerance:x}) "
                         f"{value.units}")
        else:
            lines.append(f" Sensor Reading        : 0x{shown_raw(value):x} {value.units}")
        lines.append(f" Status                : {threshold_status(value, verbose=True)}")
        if thresholds is not None:
            if full:
                for key, bit, index in _THRESHOLDS:
                    cell = _threshold_cell(record, thresholds, bit, index, value.factors, "{:.3f}", "0x{:x}", "{}")
                    lines.append(f" {_THRESHOLD_LABELS[key]:<21} : {cell}")
            lines.append(_hysteresis_line(record, record.positive_hysteresis, "Positive Hysteresis", value.factors))
            lines.append(_hysteresis_line(record, record.negative_hysteresis, "Negative Hysteresis", value.factors))
        else:
            lines.append(" Sensor Threshold Settings not available")
    else:
        # ipmitool has already printed " Sensor Reading        : " when it finds the reading unusable
        lines += [" Sensor Reading        :  Unable to read sensor: Device Not Present", ""]
    for cmd, status in ((CMD_GET_SENSOR_EVENT_STATUS, True), (CMD_GET_SENSOR_EVENT_ENABLE, False)):
        response = await bmc.request(NETFN_SENSOR, cmd, bytes([record.sensor_number]))
        if not response.cc:
            lines += event_lines(bytes(response.data), status)
    lines.append("")
    out = sensor_json(record, value, thresholds)
    if value.valid and full and value.analog:
        out["tolerance"] = tolerance_value(record, value.factors)
    if _has_analog_units(record):
        out["hysteresis"] = {
            "positive": hysteresis_value(record, record.positive_hysteresis, value.factors),
            "negative": hysteresis_value(record, record.negative_hysteresis, value.factors),
        }
    return lines, out


async def _sensor_get_discrete(bmc: Any, record: Any) -> tuple[list[str], dict[str, Any]]:
    from ipmifast.records import tables

    value = await read_sensor(bmc, record)
    lines = [
        f"Sensor ID              : {record.id_string} (0x{record.sensor_number:x})",
        f" Entity ID             : {record.entity_id}.{record.entity_instance}",
        f" Sensor Type (Discrete): {tables.sensor_type_text(record.sensor_type)}",
    ]
    if value.valid:
        lines += discrete_lines("States Asserted", record.sensor_type, record.event_reading_type,
                                value.reading.states)  # fmt: skip
        lines.append("")
    else:
        lines += [" Unable to read sensor: Device Not Present", ""]
    out = sensor_json(record, value, None)
    out["states_asserted"] = _state_texts(record, value)
    return lines, out


def _state_texts(record: Any, value: SensorValue) -> list[str]:
    from ipmifast.records import sdr

    if not value.valid:
        return []
    return sdr.discrete_state_texts(record.sensor_type, record.event_reading_type, value.reading.states)


_DEVICE_TYPE_TEXT = {  # ipmitool's entity_device_type_vals (Table 43-12), keyed (type << 8 | modifier) or type
    0x00: "Reserved", 0x01: "Reserved", 0x02: "DS1624 temperature sensor", 0x03: "DS1621 temperature sensor",
    0x04: "LM75 Temperature Sensor", 0x05: "Heceta ASIC", 0x06: "Reserved", 0x07: "Reserved",
    0x08: "EEPROM, 24C01", 0x09: "EEPROM, 24C02", 0x0A: "EEPROM, 24C04", 0x0B: "EEPROM, 24C08",
    0x0C: "EEPROM, 24C16", 0x0D: "EEPROM, 24C17", 0x0E: "EEPROM, 24C32", 0x0F: "EEPROM, 24C64",
    0x1000: "IPMI FRU Inventory", 0x1001: "DIMM Memory ID", 0x1002: "IPMI FRU Inventory",
    0x1003: "System Processor Cartridge FRU", 0x11: "Reserved", 0x12: "Reserved", 0x13: "Reserved",
    0x14: "PCF 8570 256 byte RAM", 0x15: "PCF 8573 clock/calendar", 0x16: "PCF 8574A I/O Port",
    0x17: "PCF 8583 clock/calendar", 0x18: "PCF 8593 clock/calendar", 0x19: "Clock calendar",
    0x1A: "PCF 8591 A/D, D/A Converter", 0x1B: "I/O Port", 0x1C: "A/D Converter", 0x1D: "D/A Converter",
    0x1E: "A/D, D/A Converter", 0x1F: "LCD Controller/Driver", 0x20: "Core Logic (Chip set) Device",
    0x21: "LMC6874 Intelligent Battery controller", 0x22: "Intelligent Batter controller",
    0x23: "Combo Management ASIC", 0x24: "Maxim 1617 Temperature Sensor", 0xBF: "Other/Unspecified",
}  # fmt: skip


def _device_type(kind: int, modifier: int) -> str:
    key = kind << 8 | modifier
    return _DEVICE_TYPE_TEXT.get(key, f"Unknown (0x{key:02X})")


def locator_lines(record: Any) -> list[str]:
    """``ipmitool sensor get`` of an event-only sensor or a locator record (``ipmi_sdr_print_listentry``,
    verbose)."""
    from ipmifast.records import sdr, tables

    entity = f"{record.entity_id}.{record.entity_instance} ({tables.entity_id_text(record.entity_id)})"
    if isinstance(record, sdr.EventOnlyRecord):
        return [
            f"Sensor ID              : {record.id_string} (0x{record.sensor_number:x})",
            f"Entity ID              : {entity}",
            f"Sensor Type            : {tables.sensor_type_text(record.sensor_type)} (0x{record.sensor_type:02x})",
            "",
        ]
    if isinstance(record, sdr.McDeviceLocatorRecord):
        notify, init, caps = record.power_state_notification, record.global_initialization, record.device_capabilities
        generation = ("Enable", "Disable", "Do Not Init Controller", "Reserved")[init & 0x03]
        names = ("Chassis Device", "Bridge", "IPMB Event Generator", "IPMB Event Receiver", "FRU Inventory Device",
                 "SEL Device", "SDR Repository", "Sensor Device")  # fmt: skip
        return [
            f"Device ID              : {record.id_string}",
            f"Entity ID              : {entity}",
            f"Device Slave Address   : {record.device_slave_address:02X}h",
            f"Channel Number         : {record.channel:01X}h",
            f"ACPI System P/S Notif  : {'' if notify & 0x4 else 'Not '}Required",
            f"ACPI Device P/S Notif  : {'' if notify & 0x2 else 'Not '}Required",
            f"Controller Presence    : {'Static' if notify & 0x1 else 'Dynamic'}",
            f"Logs Init Agent Errors : {'Yes' if init & 0x8 else 'No'}",
            f"Event Message Gen      : {generation}",
            "Device Capabilities",
            *(f" {name:<21} : {'Yes' if caps & (0x80 >> i) else 'No'}" for i, name in enumerate(names)),
            "",
        ]
    if isinstance(record, sdr.FruDeviceLocatorRecord):
        return [
            f"Device ID              : {record.id_string}",
            f"Entity ID              : {entity}",
            f"Device Access Address  : {record.device_access_address:02X}h",
            f"{'Logical FRU Device     ' if record.logical else 'Slave Address          '}: "
            f"{record.fru_device_id:02X}h",
            f"Channel Number         : {record.channel:01X}h",
            f"LUN.Bus                : {record.access_lun:01X}h.{record.private_bus_id:01X}h",
            f"Device Type.Modifier   : {record.device_type:01X}h.{record.device_type_modifier:01X}h "
            f"({_device_type(record.device_type, record.device_type_modifier)})",
            f"OEM                    : {record.oem:02X}h",
            "",
        ]
    # generic device locator; ipmitool shows the slave address byte whole and bits 7:5 of byte 8 as the channel
    return [
        f"Device ID              : {record.id_string}",
        f"Entity ID              : {entity}",
        f"Device Access Address  : {record.device_access_address:02X}h",
        f"Device Slave Address   : {record.device_slave_address | (record.channel >> 3 & 1):02X}h",
        f"Address Span           : {record.address_span:02X}h",
        f"Channel Number         : {record.channel & 0x07:01X}h",
        f"LUN.Bus                : {record.access_lun:01X}h.{record.private_bus_id:01X}h",
        f"Device Type.Modifier   : {record.device_type:01X}h.{record.device_type_modifier:01X}h "
        f"({_device_type(record.device_type, record.device_type_modifier)})",
        f"OEM                    : {record.oem:02X}h",
        "",
    ]


# ------------------------------------------------------------------ sdr list -v (ipmitool's verbose layout)

_EVENT_MESSAGE_CONTROL = ("Per-threshold", "Entire Sensor Only", "Global Disable Only", "No Events From Sensor")
_THRESHOLD_ORDER = ((0x04, "lnr"), (0x02, "lcr"), (0x01, "lnc"), (0x08, "unc"), (0x10, "ucr"), (0x20, "unr"))
#: SDR thresholds (Table 43-1 bytes 37-42) in ipmitool's verbose order, with their readable-mask bits
_SDR_THRESHOLDS = (("Upper non-recoverable", "upper_non_recoverable", 0x20), ("Upper critical", "upper_critical", 0x10),
                   ("Upper non-critical", "upper_non_critical", 0x08),
                   ("Lower non-recoverable", "lower_non_recoverable", 0x04),
                   ("Lower critical", "lower_critical", 0x02), ("Lower non-critical", "lower_non_critical", 0x01))
_INIT_THRESHOLDS = 0x10  # sensor initialization (byte 10) bit 4: "init thresholds"
#: formats that mean "unspecified" for the sensor range (Table 43-1 bytes 34-35), per analog data format
_RANGE_UNSPECIFIED = {"min": (0x00, 0xFF, 0x80), "max": (0xFF, 0x00, 0x7F)}


def _threshold_names(mask: int) -> str:
    return "".join(f"{name} " for bit, name in _THRESHOLD_ORDER if mask & bit)


def _sensor_value_text(record: Any, raw: int, analog: bool) -> str:
    return f"{convert(record, raw):.3f}" if analog else f"0x{raw:02X}"


def _range_line(record: Any, which: str, raw: int) -> str:
    analog = record.analog_data_format != NO_ANALOG
    value = convert(record, raw) if analog else 0.0
    unspecified = (record.analog_data_format < NO_ANALOG
                   and raw == _RANGE_UNSPECIFIED[which][record.analog_data_format]) or (analog and value == 0.0)
    label = "Minimum sensor range" if which == "min" else "Maximum sensor range"
    return f" {label}  : {'Unspecified' if unspecified else _sensor_value_text(record, raw, analog)}"


def discrete_event_lines(data: bytes, status: bool, sensor_type: int, event_reading_type: int) -> list[str]:
    """``ipmi_sdr_print_sensor_event_status`` / ``..._event_enable`` of a discrete sensor: the states enabled or
    asserted, as state lists."""
    if not data:
        return []
    label = "Event Status" if status else "Event Enable"
    if status and data[0] & 0x20:
        return [f" {'Event Status':<21} : Unavailable"]
    lines = [] if data[0] & 0x80 else [f" {label:<21} : Event Messages Disabled"]
    first, second = ("Assertion Events", "Deassertion Events") if status else ("Assertions Enabled",
                                                                               "Deassertions Enabled")
    if len(data) > 1:
        lines += discrete_lines(first, sensor_type, event_reading_type, data[1] | (data[2] << 8 if len(data) > 2
                                                                                    else 0))
    if len(data) > 3:
        lines += discrete_lines(second, sensor_type, event_reading_type, data[3] | (data[4] << 8 if len(data) > 4
                                                                                     else 0))
    return lines


async def sdr_verbose_lines(bmc: Any, record: Any) -> list[str]:
    """One full or compact sensor as ``ipmitool -v sdr list`` prints it (``ipmi_sdr_print_sensor_fc``,
    verbose)."""
    from ipmifast.records import sdr, tables

    value = await read_sensor(bmc, record)
    full = isinstance(record, sdr.FullSensorRecord)
    entity = f"{record.entity_id}.{record.entity_instance} ({tables.entity_id_text(record.entity_id)})"
    kind = f"{tables.sensor_type_text(record.sensor_type)} (0x{record.sensor_type:02x})"
    lines = [f"Sensor ID              : {record.id_string} (0x{record.sensor_number:x})",
             f" Entity ID             : {entity}"]  # fmt: skip
    scanning_off = value.reading is not None and not value.reading.scanning_enabled
    missing = "Disabled" if scanning_off else "No Reading"
    control = f" Event Message Control : {_EVENT_MESSAGE_CONTROL[record.sensor_capabilities & 0x03]}"
    events = []
    for cmd, status in ((CMD_GET_SENSOR_EVENT_STATUS, True), (CMD_GET_SENSOR_EVENT_ENABLE, False)):
        response = await bmc.request(NETFN_SENSOR, cmd, bytes([record.sensor_number]))
        if not response.cc:
            data = bytes(response.data)
            events += event_lines(data, status) if record.is_threshold else discrete_event_lines(
                data, status, record.sensor_type, record.event_reading_type)
    if not record.is_threshold:
        reading = f"{value.reading.raw:x}h" if value.valid else missing
        states = value.reading.states if value.valid else 0
        return [*lines, f" Sensor Type (Discrete): {kind}", f" Sensor Reading        : {reading}", control,
                *discrete_lines("States Asserted", record.sensor_type, record.event_reading_type, states),
                *events, f" OEM                   : {record.oem:X}", ""]  # fmt: skip
    lines.append(f" Sensor Type (Threshold)  : {kind}")
    if not value.valid:
        reading = missing
    elif full and value.analog:
        number = convert(record, value.reading.raw, value.factors)
        tol = tolerance_value(record, value.factors)
        reading = f"{number:.{_decimals(number)}f} (+/- {tol:.{_decimals(tol)}f}) {value.units}"
    elif full:
        reading = f"0x{value.reading.raw:02X} (+/- 0x{record.tolerance:02X}) {value.units}"
    else:
        reading = f"0x{value.reading.raw:02X} {value.units}"
    lines += [f" Sensor Reading        : {reading}",
              f" Status                : {threshold_status(value, True) if value.valid else 'Not Available'}"]
    if full:
        analog = record.analog_data_format != NO_ANALOG
        for label, name, specified in (("Nominal Reading", "nominal_reading", record.nominal_reading_specified),
                                       ("Normal Minimum", "normal_min", record.normal_min_specified),
                                       ("Normal Maximum", "normal_max", record.normal_max_specified)):
            if specified:
                lines.append(f" {label:<21} : {_sensor_value_text(record, getattr(record, name), analog)}")
        if record.sensor_initialization & _INIT_THRESHOLDS:
            lines += [f" {label:<21} : {_sensor_value_text(record, getattr(record, name), analog)}"
                      for label, name, bit in _SDR_THRESHOLDS if record.reading_mask & bit]  # fmt: skip
    lines.append(_hysteresis_line(record, record.positive_hysteresis, "Positive Hysteresis", value.factors))
    lines.append(_hysteresis_line(record, record.negative_hysteresis, "Negative Hysteresis", value.factors))
    if full:
        lines += [_range_line(record, "min", record.sensor_min), _range_line(record, "max", record.sensor_max)]
    lines.append(control)
    access = record.sensor_capabilities >> 2 & 0x03
    for label, mask in (("Readable Thresholds", record.reading_mask & 0xFF),
                        ("Settable Thresholds", record.reading_mask >> 8)):
        text = ("No Thresholds", None, None, "Thresholds Fixed")[access] or _threshold_names(mask)
        lines.append(f" {label:<21} : {text}")
    read_mask = (record.assertion_mask >> 12 & 0x07) | (record.deassertion_mask >> 12 & 0x07) << 3
    if read_mask:
        lines.append(f" {'Threshold Read Mask':<21} : {_threshold_names(read_mask)}")
    return [*lines, *events, ""]


@verb("sensor", "get")
async def sensor_get(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sdr

    if not args:
        raise usage_error("sensor", "get needs at least one sensor name")
    records = await read_sdrs(bmc)
    found = [(name, find_by_name(records, name)) for name in args]
    missing = [name for name, record in found if record is None]
    if missing:
        raise UsageError(f"sensor get: no sensor data record named {', '.join(repr(n) for n in missing)}")
    lines = ["Locating sensor record..."]
    values: list[Any] = []
    for _name, record in found:
        if isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord):
            more, value = await (_sensor_get_threshold if record.is_threshold else _sensor_get_discrete)(bmc, record)
            lines += more
            values.append(value)
        else:
            lines += locator_lines(record)
            values.append({"name": record.id_string, "record": record})
    return Output(lines, values)


@verb("sensor", "reading")
async def sensor_reading(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sdr

    if not args:
        raise usage_error("sensor", "reading needs at least one sensor name")
    records = await read_sdrs(bmc)
    lines: list[str] = []
    values: dict[str, float] = {}
    for name in args:
        record = find_by_name(records, name)
        if record is None:
            raise UsageError(f"sensor reading: no sensor named {name!r}")
        if not isinstance(record, sdr.FullSensorRecord):
            continue  # as ipmitool: compact sensors and locators have no reading to show
        value = await read_sensor(bmc, record)
        if not value.valid:
            continue
        if not value.analog:
            raise UsageError(f"sensor reading: {name!r} is a discrete sensor")
        number = convert(record, value.reading.raw, value.factors)
        lines.append(f"{name:<16} | {number:.{_decimals(number)}f}")
        values[name] = number
    return Output(lines, values)


def encode_set_sensor_thresholds_rq(sensor_number: int, raw: dict[str, int]) -> bytes:
    """Set Sensor Thresholds request (IPMI v2.0 §35.8, Table 35-8): sensor number, the mask of thresholds to set,
    then lnc, lcr, lnr, unc, ucr, unr (raw, 0 where not set)."""
    bits = {key: bit for key, bit, _ in _THRESHOLDS}
    mask = 0
    for key in raw:
        mask |= bits[key]
    return bytes([sensor_number & 0xFF, mask] + [raw.get(k, 0) & 0xFF for k in ("lnc", "lcr", "lnr", "unc", "ucr",
                                                                                 "unr")])  # fmt: skip


def threshold_to_raw(record: Any, setting: float) -> int:
    """ipmitool's ``__ipmi_sensor_threshold_value_to_raw``: analog sensors through the conversion (here
    ``records.sdr.value_to_raw``, which also inverts the linearization and clamps to the data format, where
    ipmitool does neither), others clamped to 0-255."""
    from ipmifast.records import sdr

    if _has_analog_units(record):
        return sdr.value_to_raw(record, setting)
    return int(max(0.0, min(255.0, setting)))


def threshold_allowed(key: str, setting: float, mask: int, values: dict[str, float]) -> bool:
    """ipmitool's order check before setting one threshold: against the readable neighbours (values below 0 count
    as 0)."""
    v = {k: max(0.0, x) for k, x in values.items()}
    has = {k: bool(mask & bit) for k, bit, _ in _THRESHOLDS}
    if not has[key]:
        return True
    rules = {
        "unr": (has["ucr"] and setting <= v["ucr"]) or (has["unc"] and setting <= v["unc"]),
        "ucr": (has["unr"] and setting >= v["unr"]) or (has["unc"] and setting <= v["unc"]),
        "unc": (has["unr"] and setting >= v["unr"]) or (has["ucr"] and setting >= v["ucr"])
        or (has["lnc"] and setting <= v["lnc"]),
        "lnc": (has["lcr"] and setting <= v["lcr"]) or (has["lnr"] and setting <= v["lnr"])
        or (has["unc"] and setting >= v["unc"]),
        "lcr": (has["lnc"] and setting >= v["lnc"]) or (has["lnr"] and setting <= v["lnr"]),
        "lnr": (has["lnc"] and setting >= v["lnc"]) or (has["lcr"] and setting >= v["lcr"]),
    }
    return not rules[key]


@verb("sensor", "thresh")
async def sensor_thresh(bmc: Any, args: list[str]) -> Output:
    from ipmifast.records import sdr

    if len(args) < 3:
        raise usage_error("sensor", "thresh needs a sensor name, a threshold and a value")
    name, which = args[0], args[1]
    keys: tuple[str, ...]
    if which in ("upper", "lower"):
        if len(args) != 5:
            raise usage_error("sensor", f"thresh NAME {which} takes three values")
        keys = ("unc", "ucr", "unr") if which == "upper" else ("lnr", "lcr", "lnc")
        texts = args[2:5]
    elif which in _THRESHOLD_LABELS:
        if len(args) != 3:
            raise usage_error("sensor", f"thresh NAME {which} takes one value")
        keys, texts = (which,), args[2:3]
    else:
        raise usage_error("sensor", f"thresh: {which!r} is not unr, ucr, unc, lnc, lcr, lnr, upper or lower")
    settings = []
    for key, text in zip(keys, texts, strict=True):
        number = c_double(text)
        if number is None or math.isnan(number):
            raise usage_error("sensor", f"thresh: the {key} value {text!r} is not a number")
        settings.append(number)
    record = find_by_name(await read_sdrs(bmc), name)
    if record is None:
        raise UsageError(f"sensor thresh: no sensor data record named {name!r}")
    if not isinstance(record, sdr.FullSensorRecord):
        raise UsageError(f"sensor thresh: {name!r} is not a full sensor record (record type "
                         f"{int(record.record_type):02x}): it has no thresholds to set")
    if not record.is_threshold:
        raise UsageError(f"sensor thresh: {name!r} is not a threshold sensor "
                         f"(event/reading type {record.event_reading_type:02x})")
    lines = [f"Locating sensor record '{name}'..."]
    if len(keys) == 1:
        value = await read_sensor(bmc, record)  # ipmitool reads it too (and keeps the factors it needs)
        current = await get_thresholds(bmc, record)
        if current is None:
            raise IpmiError(f"sensor thresh: {name!r}: the BMC gives no thresholds for this sensor")
        # ipmitool's sdr_convert_sensor_reading gives 0.0 for a sensor without an analog format
        values = {key: convert(record, current[index], value.factors) if _has_analog_units(record) else 0.0
                  for key, _bit, index in _THRESHOLDS}  # fmt: skip
        if not threshold_allowed(keys[0], settings[0], current[0], values):
            raise UsageError(f"sensor thresh: {settings[0]:.3f} would put {_THRESHOLD_LABELS[keys[0]]} out of order "
                             "with the other thresholds (Invalid Threshold data values. Cannot Set Threshold Data.)")
    raw: dict[str, int] = {}
    for key, setting in zip(keys, settings, strict=True):
        lines.append(f'Setting sensor "{record.id_string}" {_THRESHOLD_LABELS[key]} threshold to {setting:.3f}')
        raw[key] = threshold_to_raw(record, setting)
        request = encode_set_sensor_thresholds_rq(record.sensor_number, {key: raw[key]})
        response = await bmc.request(NETFN_SENSOR, CMD_SET_SENSOR_THRESHOLDS, request)
        if response.cc:
            raise CompletionCodeError(NETFN_SENSOR, CMD_SET_SENSOR_THRESHOLDS, response.cc)
    return Output(lines, {"name": record.id_string, "sensor_number": record.sensor_number,
                          "thresholds": dict(zip(keys, settings, strict=True)), "raw": raw})  # fmt: skip


# ====================================================================================================== sdr

usage("sdr", "sdr [list] | elist [all] | type TYPE|list | info")

SENSOR_TYPE_MAX = 0x2C  # ipmitool's sensor type table ends at 2Ch (FRU State)


def sensor_type_list_lines() -> list[str]:
    from ipmifast.records import tables

    lines = ["Sensor Types:"]
    for x in range(1, SENSOR_TYPE_MAX, 2):
        lines.append(f"\t{tables.sensor_type_text(x):<25} (0x{x:02x})   {tables.sensor_type_text(x + 1):<25} "
                     f"(0x{x + 1:02x})")
    return lines


def sensor_type_code(text: str) -> int | None:
    """A sensor type by ipmitool's name (any case) or as 0xNN."""
    from ipmifast.records import tables

    if text.lower().startswith("0x"):
        try:
            code = int(text, 16)
        except ValueError:
            return None
        return code if 0 <= code <= 0xFF else None
    return next((x for x in range(1, SENSOR_TYPE_MAX + 1) if tables.sensor_type_text(x).lower() == text.lower()),
                None)  # fmt: skip


@verb("sdr", "type")
async def sdr_type(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cli.verbs import _sensor_json
    from ipmifast.records import sdr

    if len(args) > 1:
        raise usage_error("sdr", "type takes one sensor type (quote names with spaces)")
    if not args or args[0].lower() in ("list", "help"):
        return Output(sensor_type_list_lines(), {"sensor_types": {
            f"0x{x:02x}": _type_name(x) for x in range(1, SENSOR_TYPE_MAX + 1)}})  # fmt: skip
    code = sensor_type_code(args[0])
    if code is None:
        raise usage_error("sdr", f'sensor type "{args[0]}" not found (see: sdr type list)')
    lines: list[str] = []
    values: list[Any] = []
    for record in await read_sdrs(bmc):
        if not isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord | sdr.EventOnlyRecord):
            continue
        if record.sensor_type != code:
            continue
        reading = None
        if isinstance(record, sdr.FullSensorRecord | sdr.CompactSensorRecord):
            response = await bmc.request(NETFN_SENSOR, CMD_GET_SENSOR_READING, bytes([record.sensor_number]))
            if response.cc == 0:
                try:
                    reading = sdr.decode_sensor_reading(response.data)
                except DecodeError:
                    reading = None
        line = sdr.format_sdr_elist(record, reading)
        if line is not None:
            lines.append(line)
        values.append(_sensor_json(record, reading))
    return Output(lines, values)


def _type_name(code: int) -> str:
    from ipmifast.records import tables

    return tables.sensor_type_text(code)


@verb("sdr")
async def sdr_default(bmc: Any, args: list[str]) -> Output:
    from ipmifast.cli.verbs import sdr_list

    if args:
        raise usage_error("sdr", f"unknown subcommand {args[0]!r}")
    return await sdr_list(bmc, args)


@dataclass(frozen=True)
class SdrRepositoryInfo:
    """Get SDR Repository Info response (IPMI v2.0 §33.9, Table 33-3)."""

    sdr_version: int
    record_count: int
    free_space: int
    most_recent_addition: int
    most_recent_erase: int
    overflow: bool
    update_support: int  # bits 6:5: 0 unspecified, 1 non-modal, 2 modal, 3 both
    delete_supported: bool
    partial_add_supported: bool
    reserve_supported: bool
    allocation_info_supported: bool


def decode_get_sdr_repository_info_rs(data: bytes) -> SdrRepositoryInfo:
    if len(data) < 14:
        raise DecodeError(f"Get SDR Repository Info response: {len(data)} bytes, 14 expected")
    op = data[13]
    return SdrRepositoryInfo(
        sdr_version=data[0],
        record_count=int.from_bytes(data[1:3], "little"),
        free_space=int.from_bytes(data[3:5], "little"),
        most_recent_addition=int.from_bytes(data[5:9], "little"),
        most_recent_erase=int.from_bytes(data[9:13], "little"),
        overflow=bool(op & 0x80),
        update_support=op >> 5 & 0x03,
        delete_supported=bool(op & 0x08),
        partial_add_supported=bool(op & 0x04),
        reserve_supported=bool(op & 0x02),
        allocation_info_supported=bool(op & 0x01),
    )


def sdr_info_lines(info: SdrRepositoryInfo) -> list[str]:
    free = {0x0000: "none (full)", 0xFFFF: "unspecified", 0xFFFE: "> 64Kb - 2 bytes"}.get(
        info.free_space, f"{info.free_space} bytes")
    # ipmitool shows each time stamp only when the matching operation is supported (its own pairing)
    added = timestamp_numeric(info.most_recent_addition) if info.partial_add_supported else "NA"
    erased = timestamp_numeric(info.most_recent_erase) if info.delete_supported else "NA"
    update = ("unspecified", "non-modal", "modal", "modal and non-modal")[info.update_support]

    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    return [
        f"SDR Version                         : 0x{info.sdr_version:x}",
        f"Record Count                        : {info.record_count}",
        f"Free Space                          : {free}",
        f"Most recent Addition                : {added}",
        f"Most recent Erase                   : {erased}",
        f"SDR overflow                        : {yes(info.overflow)}",
        f"SDR Repository Update Support       : {update}",
        f"Delete SDR supported                : {yes(info.delete_supported)}",
        f"Partial Add SDR supported           : {yes(info.partial_add_supported)}",
        f"Reserve SDR repository supported    : {yes(info.reserve_supported)}",
        f"SDR Repository Alloc info supported : {yes(info.allocation_info_supported)}",
    ]


@verb("sdr", "info")
async def sdr_info(bmc: Any, args: list[str]) -> Output:
    if args:
        raise usage_error("sdr", "info takes no arguments")
    data = await bmc.raw(NETFN_STORAGE, CMD_GET_SDR_REPOSITORY_INFO)
    info = decode_get_sdr_repository_info_rs(data)
    return Output(sdr_info_lines(info), info)


# ====================================================================================================== sel

usage("sel", "sel [info] | list | elist | clear | time get")


@dataclass(frozen=True)
class SelInfo:
    """Get SEL Info response (IPMI v2.0 §31.2, Table 31-2)."""

    version: int
    entries: int
    free_space: int
    last_add_time: int
    last_erase_time: int
    overflow: bool
    delete_supported: bool
    partial_add_supported: bool
    reserve_supported: bool
    allocation_info_supported: bool
    #: Get SEL Allocation Info (§31.3), when the BMC supports it
    allocation: dict[str, int] | None = None


def decode_get_sel_info_rs(data: bytes) -> SelInfo:
    if len(data) != 14:  # ipmitool refuses any other length too
        raise DecodeError(f"Get SEL Info response: {len(data)} bytes, 14 expected")
    op = data[13]
    return SelInfo(
        version=data[0],
        entries=int.from_bytes(data[1:3], "little"),
        free_space=int.from_bytes(data[3:5], "little"),
        last_add_time=int.from_bytes(data[5:9], "little"),
        last_erase_time=int.from_bytes(data[9:13], "little"),
        overflow=bool(op & 0x80),
        delete_supported=bool(op & 0x08),
        partial_add_supported=bool(op & 0x04),
        reserve_supported=bool(op & 0x02),
        allocation_info_supported=bool(op & 0x01),
    )


def sel_info_lines(info: SelInfo) -> list[str]:
    version = "v1.5, v2 compliant" if info.version in (0x51, 0x02) else "Unknown"
    total, used = info.free_space, 0
    if info.entries:
        used = info.entries * 16  # each entry takes 16 bytes
        total += used
    percent = "unknown" if total >= 65535 else f"{int(100 * (used / total)) if info.entries else 0}%"

    def stamp(value: int) -> str:
        return "Not Available" if value in (0, TIMESTAMP_UNSPECIFIED) else timestamp_numeric(value)

    commands = ((info.delete_supported, "'Delete' "), (info.partial_add_supported, "'Partial Add' "),
                (info.reserve_supported, "'Reserve' "), (info.allocation_info_supported, "'Get Alloc Info' "))
    supported = "".join(text for flag, text in commands if flag)
    lines = [
        "SEL Information",
        f"Version          : {info.version & 0xF}.{info.version >> 4 & 0xF} ({version})",
        f"Entries          : {info.entries}",
        f"Free Space       : {info.free_space} bytes {'or more' if info.free_space == 65535 else ''}",
        f"Percent Used     : {percent}",
        f"Last Add Time    : {stamp(info.last_add_time)}",
        f"Last Del Time    : {stamp(info.last_erase_time)}",
        f"Overflow         : {str(info.overflow).lower()}",
        f"Supported Cmds   : {supported or 'None'}",
    ]
    if info.allocation is not None:
        a = info.allocation
        lines += [f"# of Alloc Units : {a['units']}", f"Alloc Unit Size  : {a['unit_size']}",
                  f"# Free Units     : {a['free_units']}", f"Largest Free Blk : {a['largest_free_block']}",
                  f"Max Record Size  : {a['max_record_size']}"]  # fmt: skip
    return lines


async def _sel_info(bmc: Any) -> Output:
    info = decode_get_sel_info_rs(await bmc.raw(NETFN_STORAGE, CMD_GET_SEL_INFO))
    if info.allocation_info_supported:
        data = await bmc.raw(NETFN_STORAGE, CMD_GET_SEL_ALLOCATION_INFO)
        if len(data) < 9:
            raise DecodeError(f"Get SEL Allocation Info response: {len(data)} bytes, 9 expected")
        words = [int.from_bytes(data[i : i + 2], "little") for i in range(0, 8, 2)]
        info = dataclasses.replace(info, allocation={
            "units": words[0], "unit_size": words[1], "free_units": words[2], "largest_free_block": words[3],
            "max_record_size": data[8],
        })  # fmt: skip
    return Output(sel_info_lines(info), info)


@verb("sel", "info")
async def sel_info(bmc: Any, args: list[str]) -> Output:
    if args:
        raise usage_error("sel", "info takes no arguments")
    return await _sel_info(bmc)


@verb("sel")
async def sel_default(bmc: Any, args: list[str]) -> Output:
    if args:
        raise usage_error("sel", f"unknown subcommand {args[0]!r}")
    return await _sel_info(bmc)


#: Clear SEL (Table 31-9): byte 6 AAh initiates the erasure, 00h asks how it is going
CLEAR_INITIATE, CLEAR_GET_STATUS = 0xAA, 0x00
ERASURE_COMPLETED = 0x01
_CLEAR_POLLS = 50
_CLEAR_POLL_DELAY = 0.1


@verb("sel", "clear")
async def sel_clear(bmc: Any, args: list[str]) -> Output:
    if args:
        raise usage_error("sel", "clear takes no arguments")
    reservation = int.from_bytes((await bmc.raw(NETFN_STORAGE, CMD_RESERVE_SEL))[:2], "little")
    head = reservation.to_bytes(2, "little") + b"CLR"
    status = (await bmc.raw(NETFN_STORAGE, CMD_CLEAR_SEL, head + bytes([CLEAR_INITIATE])))[:1]
    polls = 0
    while not (status and status[0] & 0x0F == ERASURE_COMPLETED) and polls < _CLEAR_POLLS:
        await pause(bmc, _CLEAR_POLL_DELAY)
        status = (await bmc.raw(NETFN_STORAGE, CMD_CLEAR_SEL, head + bytes([CLEAR_GET_STATUS])))[:1]
        polls += 1
    completed = bool(status) and status[0] & 0x0F == ERASURE_COMPLETED
    return Output(["Clearing SEL.  Please allow a few seconds to erase."],
                  {"reservation_id": reservation, "erasure_completed": completed})  # fmt: skip


@verb("sel", "time")
async def sel_time(bmc: Any, args: list[str]) -> Output:
    if args != ["get"]:
        raise usage_error("sel", "time: only 'time get' is supported")
    data = await bmc.raw(NETFN_STORAGE, CMD_GET_SEL_TIME)
    if len(data) != 4:
        raise DecodeError(f"Get SEL Time response: {len(data)} bytes, 4 expected")
    stamp = int.from_bytes(data, "little")
    text = timestamp_numeric(stamp)
    since_init = stamp < TIMESTAMP_INIT_DONE
    return Output([text], {"timestamp": stamp, "relative_to_initialization": since_init, "text": text})
