"""System Event Log entries (IPMI v2.0 rev 1.1 ch. 31-32) and their text as ipmitool and FreeIPMI print it.

- Records (§32, Table 32-1 .. 32-3), 16 bytes each: the system event record (type 02h) with its timestamp,
  generator ID, EvM revision, sensor type and number, event direction and event/reading type, and event data 1-3
  (Table 29-6); OEM timestamped records (C0h-DFh: timestamp, manufacturer ID, 6 OEM bytes) and OEM
  non-timestamped records (E0h-FFh: 13 OEM bytes). Other record types are kept raw.
- Timestamps (§37.1): seconds since 1970-01-01 UTC; 00000000h-20000000h count from the SEL device's
  initialization ("Pre-Init"), FFFFFFFFh is unspecified.
- Text: event descriptions from Tables 42-2 / 42-3 (``tables.event_offset_text``), ipmitool's ``sel list`` /
  ``sel elist`` lines (``format_ipmitool_sel``) and FreeIPMI's ``ipmi-sel`` event column (``freeipmi_event_text``).
- ``SelReader``: the sans-IO plan for reading every entry with Get SEL Entry (§31.5).

Get SEL Info (§31.2) is a command codec and lives in ``ipmifast.cmds``.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum, IntEnum

from ipmifast.errors import CompletionCodeError, DecodeError, LocalProtocolError, RemoteProtocolError
from ipmifast.proto.consts import CompletionCode, NetFn

from ._codec import check_range, need
from .sdr import (
    FullSensorRecord,
    Request,
    SdrRecord,
    StorageCmd,
    decode_reservation_rs,
    find_sensor_record,
    raw_to_value,
    units_text,
)
from .tables import EventReadingType, SensorType, Style, event_offset_text, event_reading_class, sensor_type_text

SEL_ENTRY_LEN = 16  # Table 32-1
SYSTEM_EVENT_RECORD = 0x02  # Table 32-1, byte 3
OEM_TIMESTAMPED_MIN = 0xC0  # Table 32-2: C0h-DFh
OEM_NON_TIMESTAMPED_MIN = 0xE0  # Table 32-3: E0h-FFh
OEM_TIMESTAMPED_DATA_LEN = 6
OEM_NON_TIMESTAMPED_DATA_LEN = 13
EVM_REV_IPMI_2_0 = 0x04  # Table 32-1, byte 10: 04h for IPMI v2.0 and v1.5 events
TIMESTAMP_INIT_MAX = 0x20000000  # §37.1: 00000000h-20000000h are relative to the SEL device's initialization
TIMESTAMP_UNSPECIFIED = 0xFFFFFFFF  # §37.1
RECORD_ID_FIRST = 0x0000
RECORD_ID_LAST = 0xFFFF


class EventDataUse(IntEnum):
    """What event data 2 and 3 hold: event data 1 bits 7:6 and 5:4 (IPMI v2.0 §29.7, Table 29-6).

    ``TRIGGER`` means the trigger reading (byte 2) / trigger threshold (byte 3) for threshold events and the
    previous state and severity (byte 2) for discrete events.
    """

    UNSPECIFIED = 0
    TRIGGER = 1
    OEM = 2
    SENSOR_SPECIFIC = 3


def is_pre_init(timestamp: int) -> bool:
    """A timestamp relative to the SEL device's initialization: 00000000h-20000000h inclusive (§37.1).

    FreeIPMI uses the same bounds ("PostInit"); ipmitool's "Pre-Init" test is ``timestamp < 20000000h``.
    """
    return 0 <= timestamp <= TIMESTAMP_INIT_MAX


def timestamp_datetime(timestamp: int) -> datetime | None:
    """The UTC time of an absolute timestamp; None for initialization-relative and unspecified ones."""
    if is_pre_init(timestamp) or timestamp == TIMESTAMP_UNSPECIFIED:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc)


@dataclass(frozen=True, kw_only=True)
class SystemEventRecord:
    """System event record, type 02h (IPMI v2.0 §32.1, Table 32-1).

    ``generator_id`` is bytes 8-9 as a little-endian word: byte 8 is the IPMB slave address ([0] = 0) or the
    system software ID ([0] = 1), byte 9 holds the channel (bits 7:4) and the IPMB LUN (bits 1:0).
    """

    record_id: int = 0
    record_type: int = SYSTEM_EVENT_RECORD
    timestamp: int = 0
    generator_id: int = 0x0020
    evm_rev: int = EVM_REV_IPMI_2_0
    sensor_type: int = SensorType.RESERVED
    sensor_number: int = 0
    deassertion: bool = False
    event_type: int = EventReadingType.SENSOR_SPECIFIC
    event_data1: int = 0
    event_data2: int = 0xFF
    event_data3: int = 0xFF

    @property
    def generator_address(self) -> int:
        """The slave address or software ID byte (its bit 0 tells which)."""
        return self.generator_id & 0xFF

    @property
    def generator_is_software(self) -> bool:
        return bool(self.generator_id & 0x01)

    @property
    def generator_channel(self) -> int:
        return (self.generator_id >> 12) & 0x0F

    @property
    def generator_lun(self) -> int:
        return (self.generator_id >> 8) & 0x03

    @property
    def offset(self) -> int:
        """The event offset: event data 1 bits 3:0 (Table 29-6)."""
        return self.event_data1 & 0x0F

    @property
    def event_data2_use(self) -> EventDataUse:
        return EventDataUse(self.event_data1 >> 6)

    @property
    def event_data3_use(self) -> EventDataUse:
        return EventDataUse((self.event_data1 >> 4) & 0x03)

    @property
    def is_threshold(self) -> bool:
        return self.event_type == EventReadingType.THRESHOLD

    @property
    def pre_init(self) -> bool:
        return is_pre_init(self.timestamp)


@dataclass(frozen=True, kw_only=True)
class OemTimestampedRecord:
    """OEM timestamped SEL record, types C0h-DFh (IPMI v2.0 §32.2, Table 32-2)."""

    record_id: int = 0
    record_type: int = OEM_TIMESTAMPED_MIN
    timestamp: int = 0
    manufacturer_id: int = 0
    data: bytes = bytes(OEM_TIMESTAMPED_DATA_LEN)

    @property
    def pre_init(self) -> bool:
        return is_pre_init(self.timestamp)


@dataclass(frozen=True, kw_only=True)
class OemNonTimestampedRecord:
    """OEM non-timestamped SEL record, types E0h-FFh (IPMI v2.0 §32.3, Table 32-3)."""

    record_id: int = 0
    record_type: int = OEM_NON_TIMESTAMPED_MIN
    data: bytes = bytes(OEM_NON_TIMESTAMPED_DATA_LEN)


@dataclass(frozen=True, kw_only=True)
class UnknownSelRecord:
    """A record type the spec leaves unspecified (00h-01h, 03h-BFh): its 13 bytes after the type, raw."""

    record_id: int = 0
    record_type: int = 0
    data: bytes = bytes(OEM_NON_TIMESTAMPED_DATA_LEN)


SelRecord = SystemEventRecord | OemTimestampedRecord | OemNonTimestampedRecord | UnknownSelRecord


def decode_sel_entry(data: bytes) -> SelRecord:
    """One 16-byte SEL record (Table 32-1 .. 32-3)."""
    data = bytes(data)
    if len(data) != SEL_ENTRY_LEN:
        raise DecodeError(f"SEL entry: {len(data)} bytes, {SEL_ENTRY_LEN} expected")
    record_id = int.from_bytes(data[0:2], "little")
    record_type = data[2]
    if record_type == SYSTEM_EVENT_RECORD:
        return SystemEventRecord(
            record_id=record_id,
            timestamp=int.from_bytes(data[3:7], "little"),
            generator_id=int.from_bytes(data[7:9], "little"),
            evm_rev=data[9],
            sensor_type=_lenient_sensor_type(data[10]),
            sensor_number=data[11],
            deassertion=bool(data[12] & 0x80),
            event_type=_lenient_event_type(data[12] & 0x7F),
            event_data1=data[13],
            event_data2=data[14],
            event_data3=data[15],
        )
    if OEM_TIMESTAMPED_MIN <= record_type < OEM_NON_TIMESTAMPED_MIN:
        return OemTimestampedRecord(record_id=record_id, record_type=record_type,
                                    timestamp=int.from_bytes(data[3:7], "little"),
                                    manufacturer_id=int.from_bytes(data[7:10], "little"), data=data[10:16])  # fmt: skip
    if record_type >= OEM_NON_TIMESTAMPED_MIN:
        return OemNonTimestampedRecord(record_id=record_id, record_type=record_type, data=data[3:16])
    return UnknownSelRecord(record_id=record_id, record_type=record_type, data=data[3:16])


def _lenient_sensor_type(code: int) -> int:
    try:
        return SensorType(code)
    except ValueError:
        return code


def _lenient_event_type(code: int) -> int:
    try:
        return EventReadingType(code)
    except ValueError:
        return code


def encode_sel_entry(record: SelRecord) -> bytes:
    """The 16 bytes of a SEL record, for the simulator."""
    head = check_range("record_id", record.record_id, 0, 0xFFFF).to_bytes(2, "little")
    if isinstance(record, SystemEventRecord):
        if record.record_type != SYSTEM_EVENT_RECORD:
            raise LocalProtocolError(f"a system event record has type 02h, not {record.record_type:02x}h")
        return head + bytes([SYSTEM_EVENT_RECORD]) + (
            check_range("timestamp", record.timestamp, 0, 0xFFFFFFFF).to_bytes(4, "little")
            + check_range("generator_id", record.generator_id, 0, 0xFFFF).to_bytes(2, "little")
            + bytes([
                check_range("evm_rev", record.evm_rev, 0, 0xFF),
                check_range("sensor_type", record.sensor_type, 0, 0xFF),
                check_range("sensor_number", record.sensor_number, 0, 0xFF),
                record.deassertion << 7 | check_range("event_type", record.event_type, 0, 0x7F),
                check_range("event_data1", record.event_data1, 0, 0xFF),
                check_range("event_data2", record.event_data2, 0, 0xFF),
                check_range("event_data3", record.event_data3, 0, 0xFF),
            ])
        )  # fmt: skip
    if isinstance(record, OemTimestampedRecord):
        check_range("record_type", record.record_type, OEM_TIMESTAMPED_MIN, OEM_NON_TIMESTAMPED_MIN - 1)
        _check_len("data", record.data, OEM_TIMESTAMPED_DATA_LEN)
        return (head + bytes([record.record_type])
                + check_range("timestamp", record.timestamp, 0, 0xFFFFFFFF).to_bytes(4, "little")
                + check_range("manufacturer_id", record.manufacturer_id, 0, 0xFFFFFF).to_bytes(3, "little")
                + record.data)  # fmt: skip
    if isinstance(record, OemNonTimestampedRecord):
        check_range("record_type", record.record_type, OEM_NON_TIMESTAMPED_MIN, 0xFF)
    elif record.record_type == SYSTEM_EVENT_RECORD or record.record_type >= OEM_TIMESTAMPED_MIN:
        raise LocalProtocolError(f"record type {record.record_type:02x}h has its own dataclass")
    _check_len("data", record.data, OEM_NON_TIMESTAMPED_DATA_LEN)
    return head + bytes([check_range("record_type", record.record_type, 0, 0xFF)]) + record.data


def _check_len(name: str, value: bytes, length: int) -> None:
    if len(value) != length:
        raise LocalProtocolError(f"{name} is {len(value)} bytes, {length} expected")


# -- Get SEL Entry (§31.5) ------------------------------------------------------------------------------------------


def encode_get_sel_entry_rq(record_id: int, reservation_id: int = 0, offset: int = 0, count: int = 0xFF) -> bytes:
    """Get SEL Entry request data (§31.5): reservation ID (only needed for partial reads), record ID, offset,
    bytes to read (FFh: the entire record)."""
    return (check_range("reservation_id", reservation_id, 0, 0xFFFF).to_bytes(2, "little")
            + check_range("record_id", record_id, 0, 0xFFFF).to_bytes(2, "little")
            + bytes([check_range("offset", offset, 0, 0xFF), check_range("count", count, 0, 0xFF)]))  # fmt: skip


def decode_get_sel_entry_rs(data: bytes) -> tuple[int, bytes]:
    """Get SEL Entry response data: (next record ID, the record bytes)."""
    need(data, 2, "Get SEL Entry response")
    return int.from_bytes(data[0:2], "little"), bytes(data[2:])


class _Phase(Enum):
    RESERVE_SENT = "reserve sent"
    READ_SENT = "read sent"
    DONE = "done"


class SelReader:
    """Reads every SEL entry, sans-IO (IPMI v2.0 §31.4 Reserve SEL, §31.5 Get SEL Entry).

    Whole records are read with reservation 0000h, as the spec allows for non-partial reads (and ipmitool does).
    A BMC answering CAh (cannot return the requested bytes) switches the reader to partial reads of
    ``partial_chunk`` bytes under a reservation; C5h (reservation cancelled) reserves again and restarts the
    entry. CBh on the first entry means an empty SEL. Other completion codes raise ``CompletionCodeError``.
    """

    def __init__(self, partial_chunk: int = 8, max_reservations: int = 8) -> None:
        self.partial_chunk = check_range("partial_chunk", partial_chunk, 1, SEL_ENTRY_LEN)
        self.max_reservations = max_reservations
        self.entries: list[bytes] = []
        self.reservation_id = 0
        self.reservations = 0
        self._partial = False
        self._phase = _Phase.READ_SENT
        self._record_id = RECORD_ID_FIRST
        self._buffer = b""
        self._seen: set[int] = set()
        self._pending: Request | None = None

    @property
    def done(self) -> bool:
        return self._phase == _Phase.DONE

    def decoded(self) -> list[SelRecord]:
        return [decode_sel_entry(e) for e in self.entries]

    def next_request(self) -> Request | None:
        if self._phase == _Phase.DONE:
            return None
        if self._pending is None:
            if self._phase == _Phase.RESERVE_SENT:
                self._pending = Request(NetFn.STORAGE, StorageCmd.RESERVE_SEL, b"")
            elif self._partial:
                offset = len(self._buffer)
                count = min(self.partial_chunk, SEL_ENTRY_LEN - offset)
                data = encode_get_sel_entry_rq(self._record_id, self.reservation_id, offset, count)
                self._pending = Request(NetFn.STORAGE, StorageCmd.GET_SEL_ENTRY, data)
            else:
                data = encode_get_sel_entry_rq(self._record_id)
                self._pending = Request(NetFn.STORAGE, StorageCmd.GET_SEL_ENTRY, data)
        return self._pending

    def receive_response(self, cc: int, data: bytes) -> None:
        request = self._pending
        if request is None:
            raise LocalProtocolError("SelReader: response without a request")
        self._pending = None
        if request.cmd == StorageCmd.RESERVE_SEL:
            if cc:
                raise CompletionCodeError(request.netfn, request.cmd, cc)
            self.reservation_id = decode_reservation_rs(data)
            self.reservations += 1
            self._phase = _Phase.READ_SENT
            return
        if cc == CompletionCode.NOT_PRESENT and not self.entries and not self._buffer:
            self._phase = _Phase.DONE  # empty SEL
            return
        if cc == CompletionCode.CANNOT_RETURN_REQUESTED_BYTES and not self._partial:
            self._partial = True
            self._phase = _Phase.RESERVE_SENT
            return
        if cc == CompletionCode.RESERVATION_CANCELLED and self._partial:
            if self.reservations >= self.max_reservations:
                raise CompletionCodeError(request.netfn, request.cmd, cc)
            self._buffer = b""
            self._phase = _Phase.RESERVE_SENT
            return
        if cc:
            raise CompletionCodeError(request.netfn, request.cmd, cc)
        next_id, chunk = decode_get_sel_entry_rs(data)
        if self._partial:
            if not chunk:
                raise DecodeError(f"Get SEL Entry {self._record_id:04x}: no record bytes returned")
            self._buffer += chunk[: request.data[5]]
            if len(self._buffer) < SEL_ENTRY_LEN:
                return
            entry, self._buffer = self._buffer[:SEL_ENTRY_LEN], b""
        else:
            if len(chunk) < SEL_ENTRY_LEN:
                raise DecodeError(f"Get SEL Entry {self._record_id:04x}: {len(chunk)} record bytes, 16 expected")
            entry = chunk[:SEL_ENTRY_LEN]
        record_id = int.from_bytes(entry[0:2], "little")
        if record_id in self._seen:
            raise RemoteProtocolError(f"SEL: entry {record_id:04x} returned twice (loop)")
        self._seen.add(record_id)
        self.entries.append(entry)
        if next_id == RECORD_ID_LAST:
            self._phase = _Phase.DONE
        else:
            self._record_id = next_id


def read_sel(call: Callable[[int, int, bytes], tuple[int, bytes]]) -> list[SelRecord]:
    """Drive a ``SelReader`` with ``call(netfn, cmd, data) -> (cc, data)``; the decoded entries."""
    reader = SelReader()
    while (request := reader.next_request()) is not None:
        reader.receive_response(*call(request.netfn, request.cmd, request.data))
    return reader.decoded()


# -- text -----------------------------------------------------------------------------------------------------------


def event_description(record: SystemEventRecord, style: Style = "ipmitool") -> str | None:
    """The event's text from Tables 42-2 / 42-3 ("Upper Non-critical going high", "Presence detected"...).

    ipmitool picks finer texts by event data 2 when event data 1 says byte 2 is used (bits 7:6 non-zero) and has
    no text for OEM event/reading types (None).
    """
    if event_reading_class(record.event_type) in ("oem", "unspecified"):
        return None
    data2 = record.event_data2 if record.event_data1 & 0xC0 else None
    return event_offset_text(record.event_type, record.sensor_type, record.offset, style, data2)


def _float32(value: float) -> float:
    """``value`` rounded to a C float: ipmitool keeps SEL trigger readings in ``float`` variables."""
    try:
        return float(struct.unpack("<f", struct.pack("<f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def _ipmitool_number(value: float) -> str:
    if math.isfinite(value) and value == math.trunc(value):
        return f"{value:.0f}"
    return f"{value:.2f}"


def threshold_event_text(record: SystemEventRecord, sdr: FullSensorRecord) -> str:
    """ipmitool's ``sel elist`` threshold part: "Reading 86 > Threshold 85 degrees C".

    The trigger reading (event data 2) prints as 0 when event data 1 does not flag it; the threshold part only
    appears when event data 3 holds the trigger threshold. Going-high offsets (odd) compare with ">", going-low
    with "<", reversed for deassertions.
    """
    reading = 0.0
    if record.event_data2_use == EventDataUse.TRIGGER and sdr.has_analog_reading and not sdr.is_non_linear:
        reading = _float32(raw_to_value(sdr, record.event_data2))
    text = f"Reading {_ipmitool_number(reading)}"
    if record.event_data3_use == EventDataUse.TRIGGER:
        threshold = 0.0
        if sdr.has_analog_reading and not sdr.is_non_linear:
            threshold = _float32(raw_to_value(sdr, record.event_data3))
        going_high = bool(record.offset % 2) != record.deassertion
        text += f" {'>' if going_high else '<'} Threshold {_ipmitool_number(threshold)} {units_text(sdr)}"
    return text


def _c_locale_date(timestamp: int) -> tuple[str, str]:
    when = datetime.fromtimestamp(timestamp, timezone.utc)
    # ipmitool formats 20000000h with gmtime(), whose %Z is "GMT", and later times with localtime() (TZ=UTC: "UTC")
    zone = "GMT" if timestamp == TIMESTAMP_INIT_MAX else "UTC"
    return when.strftime("%m/%d/%y"), f"{when:%H:%M:%S} {zone}"


def format_ipmitool_sel(record: SelRecord, sdrs: Sequence[SdrRecord] | None = None) -> str:
    """One line of ``ipmitool sel list`` (``sdrs`` None) or ``sel elist`` (``sdrs``: the SDR repository).

    Dates print as ipmitool does in the C locale with TZ=UTC ("01/15/24 | 08:00:00 UTC"); timestamps below
    20000000h as "Pre-Init" and the raw number, FFFFFFFFh as "Unspecified".
    """
    if isinstance(record, UnknownSelRecord):
        # ipmitool reads every record type below C0h with the system event record's layout
        as_event = decode_sel_entry(encode_sel_entry(record)[:2] + bytes([SYSTEM_EVENT_RECORD]) + record.data)
        return format_ipmitool_sel(as_event, sdrs)
    line = f"{record.record_id:4x} | "
    if record.record_type == 0xF0 and isinstance(record, OemNonTimestampedRecord):
        # ipmitool prints 11 characters starting 2 bytes into the OEM data (its struct layout)
        text = record.data[2:13].split(b"\0", 1)[0].decode("latin-1")
        return line + f"Linux kernel panic: {text}"
    if isinstance(record, SystemEventRecord | OemTimestampedRecord):
        stamp = record.timestamp
        if stamp < TIMESTAMP_INIT_MAX:
            line += f" Pre-Init  |{stamp:010d}| "
        elif stamp == TIMESTAMP_UNSPECIFIED:
            line += "Unspecified | Unspecified | "
        else:
            date, time_text = _c_locale_date(stamp)
            line += f"{date} | {time_text} | "
    if isinstance(record, OemTimestampedRecord):
        manufacturer = record.manufacturer_id.to_bytes(3, "big").hex()
        return line + f"OEM record {record.record_type:02x} | {manufacturer} | {record.data.hex()}"
    if isinstance(record, OemNonTimestampedRecord):
        return line + f"OEM record {record.record_type:02x} | {record.data.hex()}"
    sdr = None
    if sdrs is not None:
        sdr = find_sensor_record(sdrs, record.generator_address, record.sensor_number, record.sensor_type)
    type_text = sensor_type_text(record.sensor_type)
    if sdr is not None:
        line += f"{type_text} {getattr(sdr, 'id_string', '')}"
    else:
        line += type_text + (f" #0x{record.sensor_number:02x}" if record.sensor_number else "")
    line += f" | {event_description(record) or ''} | {'Deasserted' if record.deassertion else 'Asserted'}"
    if record.is_threshold and isinstance(sdr, FullSensorRecord):
        line += " | " + threshold_event_text(record, sdr)
    elif (record.event_type == EventReadingType.SENSOR_SPECIFIC and record.sensor_type == SensorType.MEMORY
          and record.sensor_number == 0 and record.event_data1 & 0x30 == 0x20):  # fmt: skip
        line += f" | CPU {record.event_data3 & 0x0F} DIMM {record.event_data3 >> 4}"
    return line


def _ipmitool_event_type(code: int) -> str:
    """ipmitool's ``ipmi_get_event_type``: the class of an event/reading type code (Table 42-1)."""
    if code == 0x00:
        return "Unspecified"
    if code == EventReadingType.THRESHOLD:
        return "Threshold"
    if 0x02 <= code <= 0x0B:
        return "Generic Discrete"
    if code == EventReadingType.SENSOR_SPECIFIC:
        return "Sensor-specific Discrete"
    if 0x70 <= code <= 0x7F:
        return "OEM"
    return "Reserved"


def _ipmitool_date(stamp: int) -> str:
    """ipmitool's ``ipmi_timestamp_date`` (C locale, TZ=UTC): "01/15/24", "S+ 70/001" before initialization."""
    if stamp == TIMESTAMP_UNSPECIFIED:
        return "Unspecified"
    when = datetime.fromtimestamp(stamp, timezone.utc)
    return f"S+ {when:%y/%j}" if stamp < TIMESTAMP_INIT_MAX else f"{when:%m/%d/%y}"


def _printable(data: bytes) -> str:
    """ipmitool's ``hex2ascii``: each byte as its character when printable, else "."."""
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in data)


def format_ipmitool_sel_verbose(record: SelRecord) -> list[str]:
    """One entry of ``ipmitool -v sel list`` (1.8.19 ``ipmi_sel_print_std_entry_verbose``, also what ``-v sel
    elist`` printed for the test bed's entries), ending with its blank line.

    ipmitool prints the timestamp as ``"%s %s", ipmi_timestamp_date(t), ipmi_timestamp_time(t)``, two calls that
    return one static buffer, so the date appears twice ("S+ 70/001 S+ 70/001"): reproduced, as scripts see it.
    """
    lines = [f"SEL Record ID          : {record.record_id:04x}"]
    if isinstance(record, OemNonTimestampedRecord) and record.record_type == 0xF0:
        panic = record.data[2:13].split(b"\0", 1)[0].decode("latin-1")
        return [*lines, f" Record Type           : Linux kernel panic (OEM record {record.record_type:02x})",
                f" Panic string          : {panic}", ""]  # fmt: skip
    kind = {OemTimestampedRecord: "  (OEM timestamped)", OemNonTimestampedRecord: "  (OEM non-timestamped)"}
    lines.append(f" Record Type           : {record.record_type:02x}{kind.get(type(record), '')}")
    if isinstance(record, UnknownSelRecord):  # ipmitool reads types below C0h with the system event layout
        typed = decode_sel_entry(encode_sel_entry(record)[:2] + bytes([SYSTEM_EVENT_RECORD]) + record.data)
        return [*lines, *format_ipmitool_sel_verbose(typed)[2:]]
    if isinstance(record, SystemEventRecord | OemTimestampedRecord):
        date = _ipmitool_date(record.timestamp)
        lines.append(f" Timestamp             : {date} {date}")
    if isinstance(record, OemTimestampedRecord):
        manufacturer = record.manufacturer_id.to_bytes(3, "big").hex()
        return [*lines, f" Manufactacturer ID    : {manufacturer}",
                f" OEM Defined           : {record.data.hex()} [{_printable(record.data)}]", ""]  # fmt: skip
    if isinstance(record, OemNonTimestampedRecord):
        return [*lines, f" OEM Defined           : {record.data.hex()} [{_printable(record.data)}]", ""]
    if not isinstance(record, SystemEventRecord):
        return [*lines, ""]
    data = bytes([record.event_data1, record.event_data2, record.event_data3])
    return [
        *lines,
        f" Generator ID          : {record.generator_id:04x}",
        f" EvM Revision          : {record.evm_rev:02x}",
        f" Sensor Type           : {sensor_type_text(record.sensor_type)}",
        f" Sensor Number         : {record.sensor_number:02x}",
        f" Event Type            : {_ipmitool_event_type(record.event_type)}",
        f" Event Direction       : {'Deassertion Event' if record.deassertion else 'Assertion Event'}",
        f" Event Data            : {data.hex()}",
        f" Description           : {event_description(record) or ''}",
        "",
    ]


def _round_2(value: float) -> float:
    """FreeIPMI's ``_round_double2``: hundredths, with its own rounding (a fraction above .5 hundredth rounds up)."""
    whole = math.trunc(value)
    hundredths = (value - whole) * 100.0
    if hundredths - math.trunc(hundredths) > 0.5:
        return whole + (math.trunc(hundredths) + 1) / 100.0
    return whole + math.trunc(hundredths) / 100.0


def freeipmi_event_text(record: SelRecord, sdr: SdrRecord | None = None) -> str:
    """FreeIPMI's ``ipmi-sel`` event column (abbreviated units): the event's short text, then " ; "-separated
    event data 2 and 3 for threshold events ("Sensor Reading = 86.00 C ; Threshold = 85.00 C"); OEM records as
    "OEM defined = DEh ADh ..", record types the spec leaves undefined as "N/A". Sensor-specific event data 2/3
    (FreeIPMI decodes many) are not rendered."""
    if isinstance(record, UnknownSelRecord):
        return "N/A"  # FreeIPMI: an invalid SEL entry's fields are "not available"
    if isinstance(record, OemTimestampedRecord | OemNonTimestampedRecord):
        return "OEM defined = " + " ".join(f"{b:02X}h" for b in record.data)
    parts = []
    description = event_description(record, "freeipmi")
    if description is not None:
        parts.append(description)
    elif event_reading_class(record.event_type) == "oem":
        parts.append(f"OEM Event Offset = {record.offset:02X}h")
    else:
        parts.append(f"Event Offset = {record.offset:02X}h")
    if record.is_threshold:
        analog = isinstance(sdr, FullSensorRecord) and sdr.has_analog_reading and not sdr.is_non_linear
        for use, raw, label in ((record.event_data2_use, record.event_data2, "Sensor Reading"),
                                (record.event_data3_use, record.event_data3, "Threshold")):  # fmt: skip
            if use != EventDataUse.TRIGGER:
                continue
            if analog and isinstance(sdr, FullSensorRecord):
                value = _round_2(raw_to_value(sdr, raw))
                parts.append(f"{label} = {value:.2f} {units_text(sdr, 'freeipmi')}")
            else:
                parts.append(f"{label} = {raw:02X}h")
    return " ; ".join(parts)


def freeipmi_date_time(timestamp: int) -> tuple[str, str]:
    """FreeIPMI's ``ipmi-sel`` date and time columns: "PostInit", "Unspecified" or "Jan-15-2024", "08:00:00"."""
    if timestamp == TIMESTAMP_UNSPECIFIED:
        return "Unspecified", "Unspecified"
    if is_pre_init(timestamp):
        return "PostInit", "PostInit"
    when = datetime.fromtimestamp(timestamp, timezone.utc)
    return when.strftime("%b-%d-%Y"), when.strftime("%H:%M:%S")
