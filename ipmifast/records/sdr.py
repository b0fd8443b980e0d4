"""Sensor Data Records (IPMI v2.0 rev 1.1 ch. 43), reading conversion (§36.3) and Get Sensor Reading (§35.14).

- Records: Full Sensor (01h, Table 43-1), Compact Sensor (02h, Table 43-2), Event-Only (03h, Table 43-3), Generic
  Device Locator (10h, Table 43-6), FRU Device Locator (11h, Table 43-7), Management Controller Device Locator
  (12h, Table 43-8) and OEM (C0h, Table 43-11) as frozen dataclasses; any other type is kept raw
  (``UnknownRecord``). ``decode_sdr`` / ``encode_sdr`` convert one whole record (5-byte header included).
- ID strings with their type/length byte (§43.15): 8-bit ASCII + Latin-1, BCD plus, 6-bit packed ASCII, and the
  "Unicode" type, whose encoding the spec does not define (kept one character per byte).
- Conversion (§36.3): ``y = L[(M*x + B*10^B_exp) * 10^R_exp]`` with 10-bit signed M and B, 4-bit signed exponents,
  unsigned / 1's complement / 2's complement raw values and the linearization functions of Table 43-1 byte 24.
  Non-linear sensors (70h-7Fh) need the factors of Get Sensor Reading Factors (§35.5): ``ConversionFactors``.
- ``SensorReading``: the Get Sensor Reading response (Table 35-15), and the status texts of ipmitool ("ok", "nc",
  "cr", "nr", "ns") and FreeIPMI ('OK', 'At or Above (>=) Upper Critical Threshold', 'Presence detected').
- ``SdrRepositoryReader``: the sans-IO plan for reading the whole repository with Reserve SDR Repository (§33.11)
  and Get SDR (§33.12) in partial reads, shrinking the chunk on CAh and re-reserving on C5h.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import TypedDict, TypeVar

from ipmifast.errors import CompletionCodeError, DecodeError, LocalProtocolError, RemoteProtocolError
from ipmifast.proto.consts import CompletionCode, NetFn

from ._codec import (
    check_range,
    decode_ascii6,
    decode_bcd_plus,
    decode_latin1,
    encode_ascii6,
    encode_bcd_plus,
    encode_latin1,
    from_signed,
    need,
    to_signed,
)
from .tables import (
    LINEARIZATION_NON_LINEAR_MAX,
    LINEARIZATION_NON_LINEAR_MIN,
    RATE_UNIT_TEXT,
    UNIT_ABBREVIATION,
    UNIT_TEXT,
    AnalogDataFormat,
    EntityId,
    EventReadingType,
    IdStringType,
    Linearization,
    ModifierRelation,
    RateUnit,
    SdrRecordType,
    SensorType,
    Style,
    ThresholdMask,
    Unit,
    event_offset_text,
    event_reading_class,
)

SDR_VERSION = 0x51  # §43, byte 3: "51h" for IPMI v2.0 / v1.5 records
HEADER_LEN = 5  # record ID (2), SDR version, record type, record length
RECORD_ID_FIRST = 0x0000  # Get SDR: "0000h = first record"
RECORD_ID_LAST = 0xFFFF  # Get SDR: "FFFFh = last record"; as "next record ID": end of the repository
ID_STRING_MAX = 16  # §43.15: at most 16 ID string bytes
TYPE_LENGTH_LEN_MASK = 0x1F  # §43.15 bits 4:0; bit 5 reserved

# Fixed part of each record type, header included: the offset of the ID string type/length byte (§43 tables)
_FULL_ID_OFFSET = 47
_COMPACT_ID_OFFSET = 31
_EVENT_ONLY_ID_OFFSET = 16
_LOCATOR_ID_OFFSET = 15

E = TypeVar("E", bound=IntEnum)


def _lenient(cls: type[E], value: int) -> E | int:
    try:
        return cls(value)
    except ValueError:
        return value


# -- ID strings (§43.15) ------------------------------------------------------------------------------------------


def decode_id_string(type_length: int, data: bytes) -> tuple[str, IdStringType]:
    """The text of an ID string whose type/length byte is ``type_length`` and whose bytes are ``data``.

    ``data`` must hold exactly the bytes the length bits count. The length counts bytes for every type (the spec
    says "characters", which is the same for 8-bit text; for the packed types ipmitool and FreeIPMI count bytes).
    """
    kind = IdStringType(type_length >> 6)
    if kind == IdStringType.BCD_PLUS:
        return decode_bcd_plus(data), kind
    if kind == IdStringType.ASCII_6BIT:
        return decode_ascii6(data), kind
    return decode_latin1(data), kind


def encode_id_string(text: str, kind: IdStringType = IdStringType.LATIN1) -> bytes:
    """The type/length byte and the bytes of an ID string (at most 16 bytes, §43.15)."""
    if kind == IdStringType.BCD_PLUS:
        data = encode_bcd_plus(text)
    elif kind == IdStringType.ASCII_6BIT:
        data = encode_ascii6(text)
    else:
        data = encode_latin1(text)
    if len(data) > ID_STRING_MAX:
        raise LocalProtocolError(f"ID string {text!r} takes {len(data)} bytes, {ID_STRING_MAX} allowed")
    return bytes([(int(kind) << 6) | len(data)]) + data


def _read_id_string(record: bytes, offset: int) -> tuple[str, IdStringType]:
    need(record, offset + 1, "SDR ID string type/length")
    type_length = record[offset]
    length = type_length & TYPE_LENGTH_LEN_MASK
    need(record, offset + 1 + length, "SDR ID string")
    return decode_id_string(type_length, record[offset + 1 : offset + 1 + length])


# -- records --------------------------------------------------------------------------------------------------------


class _SensorFields:
    """Properties over the sensor initialization and capabilities bytes (Table 43-1 bytes 11-12)."""

    sensor_initialization: int
    sensor_capabilities: int
    event_reading_type: int
    reading_mask: int

    @property
    def settable(self) -> bool:
        return bool(self.sensor_initialization & 0x80)

    @property
    def init_scanning(self) -> bool:
        return bool(self.sensor_initialization & 0x40)

    @property
    def init_events(self) -> bool:
        return bool(self.sensor_initialization & 0x20)

    @property
    def init_thresholds(self) -> bool:
        return bool(self.sensor_initialization & 0x10)

    @property
    def init_hysteresis(self) -> bool:
        return bool(self.sensor_initialization & 0x08)

    @property
    def init_sensor_type(self) -> bool:
        return bool(self.sensor_initialization & 0x04)

    @property
    def event_generation_enabled(self) -> bool:
        """Power-up default: event generation enabled (bit 1)."""
        return bool(self.sensor_initialization & 0x02)

    @property
    def scanning_enabled(self) -> bool:
        """Power-up default: sensor scanning enabled (bit 0)."""
        return bool(self.sensor_initialization & 0x01)

    @property
    def ignore_sensor(self) -> bool:
        """Ignore the sensor if its entity is absent or disabled (capabilities bit 7)."""
        return bool(self.sensor_capabilities & 0x80)

    @property
    def auto_rearm(self) -> bool:
        return bool(self.sensor_capabilities & 0x40)

    @property
    def hysteresis_support(self) -> int:
        """0 none, 1 readable, 2 readable and settable, 3 fixed and unreadable (bits 5:4)."""
        return (self.sensor_capabilities >> 4) & 0x03

    @property
    def threshold_access(self) -> int:
        """0 none, 1 readable, 2 readable and settable, 3 fixed and unreadable (bits 3:2)."""
        return (self.sensor_capabilities >> 2) & 0x03

    @property
    def event_message_control(self) -> int:
        """0 per threshold/discrete state, 1 entire sensor only, 2 global only, 3 no events (bits 1:0)."""
        return self.sensor_capabilities & 0x03

    @property
    def is_threshold(self) -> bool:
        return self.event_reading_type == EventReadingType.THRESHOLD

    @property
    def readable_thresholds(self) -> ThresholdMask:
        """Thresholds whose values can be read (bytes 19, threshold sensors only)."""
        return ThresholdMask(self.reading_mask & 0x3F) if self.is_threshold else ThresholdMask(0)

    @property
    def settable_thresholds(self) -> ThresholdMask:
        """Thresholds that can be set (byte 20, threshold sensors only)."""
        return ThresholdMask((self.reading_mask >> 8) & 0x3F) if self.is_threshold else ThresholdMask(0)


@dataclass(frozen=True, kw_only=True)
class FullSensorRecord(_SensorFields):
    """Full Sensor Record, type 01h (IPMI v2.0 §43.1, Table 43-1).

    Raw readings, thresholds and hysteresis values stay raw bytes; ``raw_to_value`` converts them. For threshold
    sensors the masks of bytes 15-20 are the threshold event masks (with "comparison returned" bits 14:12) and the
    readable (byte 19) / settable (byte 20) threshold masks; for discrete sensors the assertion, deassertion and
    discrete reading masks. Addresses keep their whole byte (``sensor_owner_id`` 20h is the BMC).
    """

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    sensor_owner_id: int = 0x20
    sensor_owner_lun: int = 0
    channel: int = 0
    sensor_number: int = 0
    entity_id: int = EntityId.UNSPECIFIED
    entity_instance: int = 1
    entity_is_logical: bool = False
    sensor_initialization: int = 0
    sensor_capabilities: int = 0
    sensor_type: int = SensorType.RESERVED
    event_reading_type: int = EventReadingType.THRESHOLD
    assertion_mask: int = 0
    deassertion_mask: int = 0
    reading_mask: int = 0
    analog_data_format: int = AnalogDataFormat.UNSIGNED
    rate_unit: int = RateUnit.NONE
    modifier_relation: int = ModifierRelation.NONE
    percentage: bool = False
    base_unit: int = Unit.UNSPECIFIED
    modifier_unit: int = Unit.UNSPECIFIED
    linearization: int = Linearization.LINEAR
    m: int = 1
    tolerance: int = 0
    b: int = 0
    accuracy: int = 0
    accuracy_exp: int = 0
    sensor_direction: int = 0
    r_exp: int = 0
    b_exp: int = 0
    nominal_reading_specified: bool = False
    normal_max_specified: bool = False
    normal_min_specified: bool = False
    nominal_reading: int = 0
    normal_max: int = 0
    normal_min: int = 0
    sensor_max: int = 0xFF
    sensor_min: int = 0x00
    upper_non_recoverable: int = 0
    upper_critical: int = 0
    upper_non_critical: int = 0
    lower_non_recoverable: int = 0
    lower_critical: int = 0
    lower_non_critical: int = 0
    positive_hysteresis: int = 0
    negative_hysteresis: int = 0
    oem: int = 0
    id_string: str = ""
    id_string_type: IdStringType = IdStringType.LATIN1

    record_type = SdrRecordType.FULL_SENSOR

    @property
    def has_analog_reading(self) -> bool:
        """The sensor returns a numeric reading (analog data format is not 11b)."""
        return self.analog_data_format != AnalogDataFormat.NO_ANALOG

    @property
    def is_non_linear(self) -> bool:
        """Linearization 70h-7Fh: the conversion factors come from Get Sensor Reading Factors (§35.5)."""
        return LINEARIZATION_NON_LINEAR_MIN <= self.linearization <= LINEARIZATION_NON_LINEAR_MAX

    @property
    def factors(self) -> ConversionFactors:
        """M, B and the exponents of bytes 25-30."""
        return ConversionFactors(
            self.m, self.b, self.b_exp, self.r_exp, self.tolerance, self.accuracy, self.accuracy_exp
        )

    def threshold_raw(self, threshold: ThresholdMask) -> int:
        """The raw byte of one threshold (bytes 37-42)."""
        return {
            ThresholdMask.UPPER_NON_RECOVERABLE: self.upper_non_recoverable,
            ThresholdMask.UPPER_CRITICAL: self.upper_critical,
            ThresholdMask.UPPER_NON_CRITICAL: self.upper_non_critical,
            ThresholdMask.LOWER_NON_RECOVERABLE: self.lower_non_recoverable,
            ThresholdMask.LOWER_CRITICAL: self.lower_critical,
            ThresholdMask.LOWER_NON_CRITICAL: self.lower_non_critical,
        }[threshold]


@dataclass(frozen=True, kw_only=True)
class CompactSensorRecord(_SensorFields):
    """Compact Sensor Record, type 02h (IPMI v2.0 §43.2, Table 43-2): no conversion factors nor thresholds.

    ``share_count`` sensors share the record; the ID string gets a numeric or alphabetic suffix
    (``id_instance_modifier_type``, ``id_instance_modifier_offset``, Table 43-2 bytes 24-25).
    """

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    sensor_owner_id: int = 0x20
    sensor_owner_lun: int = 0
    channel: int = 0
    sensor_number: int = 0
    entity_id: int = EntityId.UNSPECIFIED
    entity_instance: int = 1
    entity_is_logical: bool = False
    sensor_initialization: int = 0
    sensor_capabilities: int = 0
    sensor_type: int = SensorType.RESERVED
    event_reading_type: int = EventReadingType.SENSOR_SPECIFIC
    assertion_mask: int = 0
    deassertion_mask: int = 0
    reading_mask: int = 0
    analog_data_format: int = AnalogDataFormat.NO_ANALOG
    rate_unit: int = RateUnit.NONE
    modifier_relation: int = ModifierRelation.NONE
    percentage: bool = False
    base_unit: int = Unit.UNSPECIFIED
    modifier_unit: int = Unit.UNSPECIFIED
    sensor_direction: int = 0
    id_instance_modifier_type: int = 0
    share_count: int = 0
    entity_instance_sharing: bool = False
    id_instance_modifier_offset: int = 0
    positive_hysteresis: int = 0
    negative_hysteresis: int = 0
    oem: int = 0
    id_string: str = ""
    id_string_type: IdStringType = IdStringType.LATIN1

    record_type = SdrRecordType.COMPACT_SENSOR


@dataclass(frozen=True, kw_only=True)
class EventOnlyRecord:
    """Event-Only Sensor Record, type 03h (IPMI v2.0 §43.3, Table 43-3): a sensor that only generates events."""

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    sensor_owner_id: int = 0x20
    sensor_owner_lun: int = 0
    fru_owner_lun: int = 0
    channel: int = 0
    sensor_number: int = 0
    entity_id: int = EntityId.UNSPECIFIED
    entity_instance: int = 1
    entity_is_logical: bool = False
    sensor_type: int = SensorType.RESERVED
    event_reading_type: int = EventReadingType.SENSOR_SPECIFIC
    sensor_direction: int = 0
    id_instance_modifier_type: int = 0
    share_count: int = 0
    entity_instance_sharing: bool = False
    id_instance_modifier_offset: int = 0
    oem: int = 0
    id_string: str = ""
    id_string_type: IdStringType = IdStringType.LATIN1

    record_type = SdrRecordType.EVENT_ONLY


@dataclass(frozen=True, kw_only=True)
class GenericDeviceLocatorRecord:
    """Generic Device Locator Record, type 10h (IPMI v2.0 Table 43-6).

    ``device_slave_address`` is the 7-bit address shifted left (bit 0 of its byte is the channel's MS bit, kept in
    ``channel``, which has all 4 bits).
    """

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    device_access_address: int = 0x20
    device_slave_address: int = 0
    channel: int = 0
    access_lun: int = 0
    private_bus_id: int = 0
    address_span: int = 0
    device_type: int = 0
    device_type_modifier: int = 0
    entity_id: int = EntityId.UNSPECIFIED
    entity_instance: int = 1
    entity_is_logical: bool = False
    oem: int = 0
    id_string: str = ""
    id_string_type: IdStringType = IdStringType.LATIN1

    record_type = SdrRecordType.GENERIC_DEVICE_LOCATOR


@dataclass(frozen=True, kw_only=True)
class FruDeviceLocatorRecord:
    """FRU Device Locator Record, type 11h (IPMI v2.0 Table 43-7).

    ``fru_device_id`` is the FRU device ID of a logical FRU device, or the slave address of a non-intelligent
    (physical) one (byte 7 whole).
    """

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    device_access_address: int = 0x20
    fru_device_id: int = 0
    logical: bool = True
    access_lun: int = 0
    private_bus_id: int = 0
    channel: int = 0
    device_type: int = 0x10
    device_type_modifier: int = 0
    entity_id: int = EntityId.UNSPECIFIED
    entity_instance: int = 1
    entity_is_logical: bool = False
    oem: int = 0
    id_string: str = ""
    id_string_type: IdStringType = IdStringType.LATIN1

    record_type = SdrRecordType.FRU_DEVICE_LOCATOR


@dataclass(frozen=True, kw_only=True)
class McDeviceLocatorRecord:
    """Management Controller Device Locator Record, type 12h (IPMI v2.0 Table 43-8).

    ``power_state_notification`` holds byte 8 bits 7:5 (7: ACPI system power state notification required,
    6: ACPI device power state notification required, 5: static controller), ``global_initialization`` bits 3:0
    (3: controller logs initialization agent errors, 2: log initialization agent errors accessing this controller,
    1:0: event message generation 0 enable / 1 disable / 2 do not initialize). ``device_capabilities`` is byte 9
    (7 chassis, 6 bridge, 5 IPMB event generator, 4 IPMB event receiver, 3 FRU inventory, 2 SEL, 1 SDR repository,
    0 sensor device).
    """

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    device_slave_address: int = 0x20
    channel: int = 0
    power_state_notification: int = 0
    global_initialization: int = 0
    device_capabilities: int = 0
    entity_id: int = EntityId.UNSPECIFIED
    entity_instance: int = 1
    entity_is_logical: bool = False
    oem: int = 0
    id_string: str = ""
    id_string_type: IdStringType = IdStringType.LATIN1

    record_type = SdrRecordType.MC_DEVICE_LOCATOR

    @property
    def static(self) -> bool:
        """A static (always present) controller; dynamic controllers may come and go (byte 8 bit 5)."""
        return bool(self.power_state_notification & 0x01)


@dataclass(frozen=True, kw_only=True)
class OemRecord:
    """OEM Record, type C0h (IPMI v2.0 Table 43-11): manufacturer ID and up to 56 bytes of OEM data."""

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    manufacturer_id: int = 0
    data: bytes = b""

    record_type = SdrRecordType.OEM


@dataclass(frozen=True, kw_only=True)
class UnknownRecord:
    """Any other record type (entity associations, MC confirmation, BMC message channel info, reserved), raw."""

    record_id: int = 0
    sdr_version: int = SDR_VERSION
    record_type: int = 0
    body: bytes = b""


SdrRecord = (
    FullSensorRecord
    | CompactSensorRecord
    | EventOnlyRecord
    | GenericDeviceLocatorRecord
    | FruDeviceLocatorRecord
    | McDeviceLocatorRecord
    | OemRecord
    | UnknownRecord
)
SensorRecord = FullSensorRecord | CompactSensorRecord


# -- decoding -------------------------------------------------------------------------------------------------------


def peek_record_header(data: bytes) -> tuple[int, int, int, int]:
    """``(record_id, sdr_version, record_type, record_length)`` of the 5-byte SDR header (§43, bytes 1-5)."""
    need(data, HEADER_LEN, "SDR header")
    return int.from_bytes(data[0:2], "little"), data[2], data[3], data[4]


def decode_sdr(record: bytes) -> SdrRecord:
    """One whole SDR (header included) as its dataclass.

    The record length byte must match the bytes given; bytes after a record's ID string are ignored (some BMCs
    pad records), but a record too short for its fields or for its ID string is a ``DecodeError``.
    """
    record = bytes(record)
    record_id, version, record_type, length = peek_record_header(record)
    if len(record) != HEADER_LEN + length:
        raise DecodeError(f"SDR {record_id:04x}: record length byte says {length}, {len(record) - HEADER_LEN} given")
    decoder = _DECODERS.get(record_type)
    if decoder is None:
        return UnknownRecord(record_id=record_id, sdr_version=version, record_type=record_type,
                             body=record[HEADER_LEN:])  # fmt: skip
    return decoder(record, record_id, version)


class _EntityFields(TypedDict):
    entity_id: int
    entity_instance: int
    entity_is_logical: bool


class _SensorKeyFields(TypedDict):
    sensor_owner_id: int
    sensor_owner_lun: int
    channel: int
    sensor_number: int


class _SensorCommonFields(_SensorKeyFields, _EntityFields):
    sensor_initialization: int
    sensor_capabilities: int
    sensor_type: int
    event_reading_type: int
    assertion_mask: int
    deassertion_mask: int
    reading_mask: int
    analog_data_format: int
    rate_unit: int
    modifier_relation: int
    percentage: bool
    base_unit: int
    modifier_unit: int


def _entity(record: bytes, offset: int) -> _EntityFields:
    return {
        "entity_id": _lenient(EntityId, record[offset]),
        "entity_instance": record[offset + 1] & 0x7F,
        "entity_is_logical": bool(record[offset + 1] & 0x80),
    }


def _sensor_key(record: bytes) -> _SensorKeyFields:
    return {
        "sensor_owner_id": record[5],
        "sensor_owner_lun": record[6] & 0x03,
        "channel": record[6] >> 4,
        "sensor_number": record[7],
    }


def _sensor_common(record: bytes) -> _SensorCommonFields:
    """Bytes 6-23, shared by full and compact records."""
    units1 = record[20]
    return {
        **_sensor_key(record),
        **_entity(record, 8),
        "sensor_initialization": record[10],
        "sensor_capabilities": record[11],
        "sensor_type": _lenient(SensorType, record[12]),
        "event_reading_type": _lenient(EventReadingType, record[13]),
        "assertion_mask": int.from_bytes(record[14:16], "little"),
        "deassertion_mask": int.from_bytes(record[16:18], "little"),
        "reading_mask": int.from_bytes(record[18:20], "little"),
        "analog_data_format": AnalogDataFormat(units1 >> 6),
        "rate_unit": _lenient(RateUnit, (units1 >> 3) & 0x07),
        "modifier_relation": _lenient(ModifierRelation, (units1 >> 1) & 0x03),
        "percentage": bool(units1 & 0x01),
        "base_unit": _lenient(Unit, record[21]),
        "modifier_unit": _lenient(Unit, record[22]),
    }


def _decode_full(record: bytes, record_id: int, version: int) -> FullSensorRecord:
    need(record, _FULL_ID_OFFSET + 1, f"full sensor record {record_id:04x}")
    text, kind = _read_id_string(record, _FULL_ID_OFFSET)
    flags = record[30]
    return FullSensorRecord(
        record_id=record_id,
        sdr_version=version,
        **_sensor_common(record),
        linearization=_lenient(Linearization, record[23] & 0x7F),
        m=to_signed(record[24] | (record[25] & 0xC0) << 2, 10),
        tolerance=record[25] & 0x3F,
        b=to_signed(record[26] | (record[27] & 0xC0) << 2, 10),
        accuracy=(record[27] & 0x3F) | (record[28] & 0xF0) << 2,
        accuracy_exp=(record[28] >> 2) & 0x03,
        sensor_direction=record[28] & 0x03,
        r_exp=to_signed(record[29] >> 4, 4),
        b_exp=to_signed(record[29] & 0x0F, 4),
        nominal_reading_specified=bool(flags & 0x01),
        normal_max_specified=bool(flags & 0x02),
        normal_min_specified=bool(flags & 0x04),
        nominal_reading=record[31],
        normal_max=record[32],
        normal_min=record[33],
        sensor_max=record[34],
        sensor_min=record[35],
        upper_non_recoverable=record[36],
        upper_critical=record[37],
        upper_non_critical=record[38],
        lower_non_recoverable=record[39],
        lower_critical=record[40],
        lower_non_critical=record[41],
        positive_hysteresis=record[42],
        negative_hysteresis=record[43],
        oem=record[46],
        id_string=text,
        id_string_type=kind,
    )


def _decode_compact(record: bytes, record_id: int, version: int) -> CompactSensorRecord:
    need(record, _COMPACT_ID_OFFSET + 1, f"compact sensor record {record_id:04x}")
    text, kind = _read_id_string(record, _COMPACT_ID_OFFSET)
    return CompactSensorRecord(
        record_id=record_id,
        sdr_version=version,
        **_sensor_common(record),
        sensor_direction=record[23] >> 6,
        id_instance_modifier_type=(record[23] >> 4) & 0x03,
        share_count=record[23] & 0x0F,
        entity_instance_sharing=bool(record[24] & 0x80),
        id_instance_modifier_offset=record[24] & 0x7F,
        positive_hysteresis=record[25],
        negative_hysteresis=record[26],
        oem=record[30],
        id_string=text,
        id_string_type=kind,
    )


def _decode_event_only(record: bytes, record_id: int, version: int) -> EventOnlyRecord:
    need(record, _EVENT_ONLY_ID_OFFSET + 1, f"event-only record {record_id:04x}")
    text, kind = _read_id_string(record, _EVENT_ONLY_ID_OFFSET)
    return EventOnlyRecord(
        record_id=record_id,
        sdr_version=version,
        **_sensor_key(record),
        fru_owner_lun=(record[6] >> 2) & 0x03,
        **_entity(record, 8),
        sensor_type=_lenient(SensorType, record[10]),
        event_reading_type=_lenient(EventReadingType, record[11]),
        sensor_direction=record[12] >> 6,
        id_instance_modifier_type=(record[12] >> 4) & 0x03,
        share_count=record[12] & 0x0F,
        entity_instance_sharing=bool(record[13] & 0x80),
        id_instance_modifier_offset=record[13] & 0x7F,
        oem=record[15],
        id_string=text,
        id_string_type=kind,
    )


def _decode_generic_locator(record: bytes, record_id: int, version: int) -> GenericDeviceLocatorRecord:
    need(record, _LOCATOR_ID_OFFSET + 1, f"generic device locator record {record_id:04x}")
    text, kind = _read_id_string(record, _LOCATOR_ID_OFFSET)
    return GenericDeviceLocatorRecord(
        record_id=record_id,
        sdr_version=version,
        device_access_address=record[5],
        device_slave_address=record[6] & 0xFE,
        channel=(record[6] & 0x01) << 3 | record[7] >> 5,
        access_lun=(record[7] >> 3) & 0x03,
        private_bus_id=record[7] & 0x07,
        address_span=record[8] & 0x07,
        device_type=record[10],
        device_type_modifier=record[11],
        **_entity(record, 12),
        oem=record[14],
        id_string=text,
        id_string_type=kind,
    )


def _decode_fru_locator(record: bytes, record_id: int, version: int) -> FruDeviceLocatorRecord:
    need(record, _LOCATOR_ID_OFFSET + 1, f"FRU device locator record {record_id:04x}")
    text, kind = _read_id_string(record, _LOCATOR_ID_OFFSET)
    return FruDeviceLocatorRecord(
        record_id=record_id,
        sdr_version=version,
        device_access_address=record[5],
        fru_device_id=record[6],
        logical=bool(record[7] & 0x80),
        access_lun=(record[7] >> 3) & 0x03,
        private_bus_id=record[7] & 0x07,
        channel=record[8] >> 4,
        device_type=record[10],
        device_type_modifier=record[11],
        **_entity(record, 12),
        oem=record[14],
        id_string=text,
        id_string_type=kind,
    )


def _decode_mc_locator(record: bytes, record_id: int, version: int) -> McDeviceLocatorRecord:
    need(record, _LOCATOR_ID_OFFSET + 1, f"MC device locator record {record_id:04x}")
    text, kind = _read_id_string(record, _LOCATOR_ID_OFFSET)
    return McDeviceLocatorRecord(
        record_id=record_id,
        sdr_version=version,
        device_slave_address=record[5],
        channel=record[6] & 0x0F,
        power_state_notification=record[7] >> 5,
        global_initialization=record[7] & 0x0F,
        device_capabilities=record[8],
        **_entity(record, 12),
        oem=record[14],
        id_string=text,
        id_string_type=kind,
    )


def _decode_oem(record: bytes, record_id: int, version: int) -> OemRecord:
    need(record, HEADER_LEN + 3, f"OEM record {record_id:04x}")
    return OemRecord(record_id=record_id, sdr_version=version,
                     manufacturer_id=int.from_bytes(record[5:8], "little"), data=record[8:])  # fmt: skip


_DECODERS: dict[int, Callable[[bytes, int, int], SdrRecord]] = {
    SdrRecordType.FULL_SENSOR: _decode_full,
    SdrRecordType.COMPACT_SENSOR: _decode_compact,
    SdrRecordType.EVENT_ONLY: _decode_event_only,
    SdrRecordType.GENERIC_DEVICE_LOCATOR: _decode_generic_locator,
    SdrRecordType.FRU_DEVICE_LOCATOR: _decode_fru_locator,
    SdrRecordType.MC_DEVICE_LOCATOR: _decode_mc_locator,
    SdrRecordType.OEM: _decode_oem,
}


# -- encoding -------------------------------------------------------------------------------------------------------


def _u8(name: str, value: int) -> int:
    return check_range(name, value, 0, 0xFF)


def _header(record_id: int, version: int, record_type: int, body: bytes) -> bytes:
    if len(body) > 0xFF:
        raise LocalProtocolError(f"SDR body of {len(body)} bytes does not fit the record length byte")
    return (check_range("record_id", record_id, 0, 0xFFFF).to_bytes(2, "little")
            + bytes([_u8("sdr_version", version), _u8("record_type", record_type), len(body)]) + body)  # fmt: skip


def _entity_bytes(entity_id: int, instance: int, logical: bool) -> bytes:
    return bytes([_u8("entity_id", entity_id), check_range("entity_instance", instance, 0, 0x7F) | logical << 7])


def _sensor_key_bytes(owner_id: int, owner_lun: int, channel: int, number: int, fru_lun: int = 0) -> bytes:
    return bytes([
        _u8("sensor_owner_id", owner_id),
        check_range("channel", channel, 0, 15) << 4 | check_range("fru_owner_lun", fru_lun, 0, 3) << 2
        | check_range("sensor_owner_lun", owner_lun, 0, 3),
        _u8("sensor_number", number),
    ])  # fmt: skip


def _sensor_common_bytes(r: FullSensorRecord | CompactSensorRecord) -> bytes:
    units1 = (check_range("analog_data_format", r.analog_data_format, 0, 3) << 6
              | check_range("rate_unit", r.rate_unit, 0, 7) << 3
              | check_range("modifier_relation", r.modifier_relation, 0, 3) << 1 | r.percentage)  # fmt: skip
    return (
        _sensor_key_bytes(r.sensor_owner_id, r.sensor_owner_lun, r.channel, r.sensor_number)
        + _entity_bytes(r.entity_id, r.entity_instance, r.entity_is_logical)
        + bytes([_u8("sensor_initialization", r.sensor_initialization),
                 _u8("sensor_capabilities", r.sensor_capabilities),
                 _u8("sensor_type", r.sensor_type), _u8("event_reading_type", r.event_reading_type)])
        + check_range("assertion_mask", r.assertion_mask, 0, 0xFFFF).to_bytes(2, "little")
        + check_range("deassertion_mask", r.deassertion_mask, 0, 0xFFFF).to_bytes(2, "little")
        + check_range("reading_mask", r.reading_mask, 0, 0xFFFF).to_bytes(2, "little")
        + bytes([units1, _u8("base_unit", r.base_unit), _u8("modifier_unit", r.modifier_unit)])
    )  # fmt: skip


def _encode_full(r: FullSensorRecord) -> bytes:
    m = from_signed("m", r.m, 10)
    b = from_signed("b", r.b, 10)
    accuracy = check_range("accuracy", r.accuracy, 0, 0x3FF)
    body = _sensor_common_bytes(r) + bytes([
        check_range("linearization", r.linearization, 0, 0x7F),
        m & 0xFF, (m >> 8) << 6 | check_range("tolerance", r.tolerance, 0, 0x3F),
        b & 0xFF, (b >> 8) << 6 | accuracy & 0x3F,
        (accuracy >> 6) << 4 | check_range("accuracy_exp", r.accuracy_exp, 0, 3) << 2
        | check_range("sensor_direction", r.sensor_direction, 0, 3),
        from_signed("r_exp", r.r_exp, 4) << 4 | from_signed("b_exp", r.b_exp, 4),
        r.normal_min_specified << 2 | r.normal_max_specified << 1 | r.nominal_reading_specified,
        _u8("nominal_reading", r.nominal_reading), _u8("normal_max", r.normal_max),
        _u8("normal_min", r.normal_min), _u8("sensor_max", r.sensor_max), _u8("sensor_min", r.sensor_min),
        _u8("upper_non_recoverable", r.upper_non_recoverable), _u8("upper_critical", r.upper_critical),
        _u8("upper_non_critical", r.upper_non_critical), _u8("lower_non_recoverable", r.lower_non_recoverable),
        _u8("lower_critical", r.lower_critical), _u8("lower_non_critical", r.lower_non_critical),
        _u8("positive_hysteresis", r.positive_hysteresis), _u8("negative_hysteresis", r.negative_hysteresis),
        0, 0, _u8("oem", r.oem),
    ]) + encode_id_string(r.id_string, r.id_string_type)  # fmt: skip
    return _header(r.record_id, r.sdr_version, SdrRecordType.FULL_SENSOR, body)


def _sharing_bytes(direction: int, modifier_type: int, share_count: int, sharing: bool, offset: int) -> bytes:
    return bytes([
        check_range("sensor_direction", direction, 0, 3) << 6
        | check_range("id_instance_modifier_type", modifier_type, 0, 3) << 4
        | check_range("share_count", share_count, 0, 15),
        sharing << 7 | check_range("id_instance_modifier_offset", offset, 0, 0x7F),
    ])  # fmt: skip


def _encode_compact(r: CompactSensorRecord) -> bytes:
    body = (_sensor_common_bytes(r)
            + _sharing_bytes(r.sensor_direction, r.id_instance_modifier_type, r.share_count,
                             r.entity_instance_sharing, r.id_instance_modifier_offset)
            + bytes([_u8("positive_hysteresis", r.positive_hysteresis),
                     _u8("negative_hysteresis", r.negative_hysteresis), 0, 0, 0, _u8("oem", r.oem)])
            + encode_id_string(r.id_string, r.id_string_type))  # fmt: skip
    return _header(r.record_id, r.sdr_version, SdrRecordType.COMPACT_SENSOR, body)


def _encode_event_only(r: EventOnlyRecord) -> bytes:
    body = (_sensor_key_bytes(r.sensor_owner_id, r.sensor_owner_lun, r.channel, r.sensor_number, r.fru_owner_lun)
            + _entity_bytes(r.entity_id, r.entity_instance, r.entity_is_logical)
            + bytes([_u8("sensor_type", r.sensor_type), _u8("event_reading_type", r.event_reading_type)])
            + _sharing_bytes(r.sensor_direction, r.id_instance_modifier_type, r.share_count,
                             r.entity_instance_sharing, r.id_instance_modifier_offset)
            + bytes([0, _u8("oem", r.oem)]) + encode_id_string(r.id_string, r.id_string_type))  # fmt: skip
    return _header(r.record_id, r.sdr_version, SdrRecordType.EVENT_ONLY, body)


def _encode_generic_locator(r: GenericDeviceLocatorRecord) -> bytes:
    if r.device_slave_address & 0x01:
        raise LocalProtocolError("device_slave_address must be even (bit 0 carries the channel's MS bit)")
    channel = check_range("channel", r.channel, 0, 15)
    body = bytes([
        _u8("device_access_address", r.device_access_address),
        _u8("device_slave_address", r.device_slave_address) | channel >> 3,
        (channel & 0x07) << 5 | check_range("access_lun", r.access_lun, 0, 3) << 3
        | check_range("private_bus_id", r.private_bus_id, 0, 7),
        check_range("address_span", r.address_span, 0, 7), 0,
        _u8("device_type", r.device_type), _u8("device_type_modifier", r.device_type_modifier),
    ]) + _entity_bytes(r.entity_id, r.entity_instance, r.entity_is_logical) + bytes([_u8("oem", r.oem)]) \
        + encode_id_string(r.id_string, r.id_string_type)  # fmt: skip
    return _header(r.record_id, r.sdr_version, SdrRecordType.GENERIC_DEVICE_LOCATOR, body)


def _encode_fru_locator(r: FruDeviceLocatorRecord) -> bytes:
    body = bytes([
        _u8("device_access_address", r.device_access_address), _u8("fru_device_id", r.fru_device_id),
        r.logical << 7 | check_range("access_lun", r.access_lun, 0, 3) << 3
        | check_range("private_bus_id", r.private_bus_id, 0, 7),
        check_range("channel", r.channel, 0, 15) << 4, 0,
        _u8("device_type", r.device_type), _u8("device_type_modifier", r.device_type_modifier),
    ]) + _entity_bytes(r.entity_id, r.entity_instance, r.entity_is_logical) + bytes([_u8("oem", r.oem)]) \
        + encode_id_string(r.id_string, r.id_string_type)  # fmt: skip
    return _header(r.record_id, r.sdr_version, SdrRecordType.FRU_DEVICE_LOCATOR, body)


def _encode_mc_locator(r: McDeviceLocatorRecord) -> bytes:
    body = bytes([
        _u8("device_slave_address", r.device_slave_address), check_range("channel", r.channel, 0, 15),
        check_range("power_state_notification", r.power_state_notification, 0, 7) << 5
        | check_range("global_initialization", r.global_initialization, 0, 15),
        _u8("device_capabilities", r.device_capabilities), 0, 0, 0,
    ]) + _entity_bytes(r.entity_id, r.entity_instance, r.entity_is_logical) + bytes([_u8("oem", r.oem)]) \
        + encode_id_string(r.id_string, r.id_string_type)  # fmt: skip
    return _header(r.record_id, r.sdr_version, SdrRecordType.MC_DEVICE_LOCATOR, body)


def encode_sdr(record: SdrRecord) -> bytes:
    """One whole SDR, header included, for the simulator's repository."""
    if isinstance(record, FullSensorRecord):
        return _encode_full(record)
    if isinstance(record, CompactSensorRecord):
        return _encode_compact(record)
    if isinstance(record, EventOnlyRecord):
        return _encode_event_only(record)
    if isinstance(record, GenericDeviceLocatorRecord):
        return _encode_generic_locator(record)
    if isinstance(record, FruDeviceLocatorRecord):
        return _encode_fru_locator(record)
    if isinstance(record, McDeviceLocatorRecord):
        return _encode_mc_locator(record)
    if isinstance(record, OemRecord):
        manufacturer = check_range("manufacturer_id", record.manufacturer_id, 0, 0xFFFFFF).to_bytes(3, "little")
        return _header(record.record_id, record.sdr_version, SdrRecordType.OEM, manufacturer + record.data)
    return _header(record.record_id, record.sdr_version, record.record_type, record.body)


# -- reading conversion (§36.3) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConversionFactors:
    """M, B, their exponents, tolerance and accuracy: bytes 25-30 of a full sensor record, and the response of
    Get Sensor Reading Factors (§35.5, response bytes 3-8) for non-linear sensors."""

    m: int
    b: int
    b_exp: int
    r_exp: int
    tolerance: int = 0
    accuracy: int = 0
    accuracy_exp: int = 0


def decode_conversion_factors(data: bytes) -> ConversionFactors:
    """The six factor bytes laid out as Table 43-1 bytes 25-30 (also Get Sensor Reading Factors bytes 3-8)."""
    need(data, 6, "conversion factors")
    return ConversionFactors(
        m=to_signed(data[0] | (data[1] & 0xC0) << 2, 10),
        b=to_signed(data[2] | (data[3] & 0xC0) << 2, 10),
        b_exp=to_signed(data[5] & 0x0F, 4),
        r_exp=to_signed(data[5] >> 4, 4),
        tolerance=data[1] & 0x3F,
        accuracy=(data[3] & 0x3F) | (data[4] & 0xF0) << 2,
        accuracy_exp=(data[4] >> 2) & 0x03,
    )


def raw_to_signed(raw: int, analog_data_format: int) -> int:
    """The numeric value of a raw byte in the record's analog data format (Table 43-1 byte 21 bits 7:6).

    1's complement keeps "negative zero" (FFh) as 0, as ipmitool and FreeIPMI do.
    """
    raw &= 0xFF
    if analog_data_format == AnalogDataFormat.ONES_COMPLEMENT:
        return -(~raw & 0x7F) if raw & 0x80 else raw
    if analog_data_format == AnalogDataFormat.TWOS_COMPLEMENT:
        return raw - 0x100 if raw & 0x80 else raw
    return raw


def signed_to_raw(value: int, analog_data_format: int) -> int:
    """The raw byte of ``value`` in an analog data format, clamped to what the format can carry."""
    if analog_data_format == AnalogDataFormat.ONES_COMPLEMENT:
        value = max(-127, min(127, value))
        return (~(-value) & 0xFF) if value < 0 else value
    if analog_data_format == AnalogDataFormat.TWOS_COMPLEMENT:
        return max(-128, min(127, value)) & 0xFF
    return max(0, min(255, value))


def _cube_root_fallback(x: float) -> float:  # Python 3.10 has no math.cbrt
    return math.copysign(abs(x) ** (1.0 / 3.0), x)


_cbrt: Callable[[float], float] = getattr(math, "cbrt", _cube_root_fallback)


def _linearize(linearization: int, x: float) -> float:
    """L[x] of Table 43-1 byte 24, with C's results outside the domain (NaN, infinities) instead of exceptions."""
    try:
        if linearization == Linearization.LN:
            return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
        if linearization == Linearization.LOG10:
            return math.log10(x) if x > 0 else (-math.inf if x == 0 else math.nan)
        if linearization == Linearization.LOG2:
            return math.log2(x) if x > 0 else (-math.inf if x == 0 else math.nan)
        if linearization == Linearization.E:
            return math.exp(x)
        if linearization == Linearization.EXP10:
            return math.pow(10.0, x)
        if linearization == Linearization.EXP2:
            return math.pow(2.0, x)
        if linearization == Linearization.ONE_OVER_X:
            # ipmitool computes pow(x, -1): infinity for 0 (FreeIPMI leaves 0 unchanged)
            return 1.0 / x if x != 0 else math.copysign(math.inf, x)
        if linearization == Linearization.SQR:
            return x * x
        if linearization == Linearization.CUBE:
            return x * x * x
        if linearization == Linearization.SQRT:
            return math.sqrt(x) if x >= 0 else math.nan
        if linearization == Linearization.CUBE_ROOT:
            return _cbrt(x)
    except OverflowError:
        return math.inf
    # LINEAR, the reserved codes 0Ch-6Fh (ipmitool treats them as linear) and non-linear 70h-7Fh (the factors
    # already describe the curve at this reading)
    return x


def _unlinearize(linearization: int, y: float) -> float:
    """L^-1[y], the inverse of ``_linearize`` (NaN where the value is outside L's range)."""
    try:
        if linearization == Linearization.LN:
            return math.exp(y)
        if linearization == Linearization.LOG10:
            return math.pow(10.0, y)
        if linearization == Linearization.LOG2:
            return math.pow(2.0, y)
        if linearization == Linearization.E:
            return math.log(y) if y > 0 else math.nan
        if linearization == Linearization.EXP10:
            return math.log10(y) if y > 0 else math.nan
        if linearization == Linearization.EXP2:
            return math.log2(y) if y > 0 else math.nan
        if linearization == Linearization.ONE_OVER_X:
            return 1.0 / y if y != 0 else math.nan
        if linearization == Linearization.SQR:
            return math.sqrt(y) if y >= 0 else math.nan
        if linearization == Linearization.CUBE:
            return _cbrt(y)
        if linearization == Linearization.SQRT:
            return y * y if y >= 0 else math.nan
        if linearization == Linearization.CUBE_ROOT:
            return y * y * y
    except OverflowError:
        return math.inf
    return y


def _factors_for(record: FullSensorRecord, factors: ConversionFactors | None) -> ConversionFactors:
    if not record.has_analog_reading:
        raise LocalProtocolError(f"sensor {record.id_string!r} has no analog reading (analog data format 11b)")
    if factors is None:
        if record.is_non_linear:
            raise LocalProtocolError(
                f"sensor {record.id_string!r} is non-linear (linearization 0x{record.linearization:02x}): "
                "pass the factors of Get Sensor Reading Factors for this reading"
            )
        return record.factors
    return factors


def raw_to_value(record: FullSensorRecord, raw: int, factors: ConversionFactors | None = None) -> float:
    """The reading in the record's units: ``y = L[(M*x + B*10^B_exp) * 10^R_exp]`` (IPMI v2.0 §36.3).

    Computed in the same order and with the same C functions as ipmitool and FreeIPMI, so the digits they print
    come out the same. ``factors`` (from Get Sensor Reading Factors for this raw value) replace the record's for
    non-linear sensors (70h-7Fh), which then apply no linearization function.
    """
    f = _factors_for(record, factors)
    x = raw_to_signed(raw, record.analog_data_format)
    y = (f.m * x + f.b * math.pow(10, f.b_exp)) * math.pow(10, f.r_exp)
    return y if factors is not None and record.is_non_linear else _linearize(record.linearization & 0x7F, y)


def value_to_raw(record: FullSensorRecord, value: float, factors: ConversionFactors | None = None) -> int:
    """The raw byte whose reading is nearest ``value``: the inverse of ``raw_to_value`` for the simulator.

    ``x = (L^-1[y] / 10^R_exp - B*10^B_exp) / M``, rounded half up as ipmitool's
    ``sdr_convert_sensor_value_to_raw`` rounds positive values (ipmitool truncates negative ones towards zero,
    which can miss by a whole count; we round them to the nearest count too), then clamped to the analog data
    format's range. M = 0 or a value outside L's range is a ``LocalProtocolError``.
    """
    f = _factors_for(record, factors)
    if f.m == 0:
        raise LocalProtocolError(f"sensor {record.id_string!r} has M = 0: no raw value maps to {value}")
    linear = record.is_non_linear and factors is not None
    y = value if linear else _unlinearize(record.linearization & 0x7F, value)
    if math.isnan(y) or math.isnan(value):
        raise LocalProtocolError(f"{value} is outside the range of sensor {record.id_string!r}")
    x = (y / math.pow(10, f.r_exp) - f.b * math.pow(10, f.b_exp)) / f.m
    if math.isinf(x):
        x = math.copysign(1e9, x)
    return signed_to_raw(math.floor(x + 0.5), record.analog_data_format)


def hysteresis_to_value(record: FullSensorRecord, raw: int) -> float:
    """A hysteresis byte in units: M*x*10^R_exp with L applied, without B (a difference, as ipmitool computes it)."""
    f = _factors_for(record, None)
    x = raw_to_signed(raw, record.analog_data_format)
    return _linearize(record.linearization & 0x7F, f.m * x * math.pow(10, f.r_exp))


def tolerance_to_value(record: FullSensorRecord) -> float:
    """The tolerance in units: "+/- ½ raw counts" (Table 43-1 byte 26), M*(tolerance/2)*10^R_exp as ipmitool."""
    f = _factors_for(record, None)
    return _linearize(record.linearization & 0x7F, f.m * (f.tolerance / 2) * math.pow(10, f.r_exp))


def accuracy_percent(record: FullSensorRecord) -> float:
    """The accuracy in percent: 10 bits in 1/100 % scaled by 10^accuracy_exp (Table 43-1 bytes 28-29)."""
    return record.accuracy * math.pow(10, record.accuracy_exp) / 100


def threshold_values(record: FullSensorRecord) -> dict[ThresholdMask, float]:
    """The readable thresholds of a threshold sensor, converted (Table 43-1 bytes 19, 37-42)."""
    if not record.has_analog_reading or record.is_non_linear:
        return {}
    return {t: raw_to_value(record, record.threshold_raw(t)) for t in ThresholdMask if t in record.readable_thresholds}


# -- Get Sensor Reading (§35.14) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SensorReading:
    """A Get Sensor Reading response, completion code removed (IPMI v2.0 §35.14, Table 35-15).

    ``threshold_status`` is byte 3 for threshold sensors (at or above / at or below each threshold);
    ``states`` the asserted discrete states 0-14 (byte 3 and byte 4 bits 6:0) for discrete sensors. Bytes 3-4 are
    optional in the spec; a missing byte reads as 0 and ``length`` tells how many bytes came.
    """

    raw: int
    event_messages_enabled: bool = True
    scanning_enabled: bool = True
    unavailable: bool = False
    threshold_status: ThresholdMask = ThresholdMask(0)
    states: int = 0
    length: int = 4

    @property
    def valid(self) -> bool:
        """The reading can be used: scanning on and not "reading/state unavailable" (ipmitool's rule)."""
        return self.scanning_enabled and not self.unavailable


def decode_sensor_reading(data: bytes) -> SensorReading:
    """Get Sensor Reading response data (after the completion code): at least the reading and its flags byte."""
    need(data, 2, "Get Sensor Reading response")
    byte3 = data[2] if len(data) > 2 else 0
    byte4 = data[3] if len(data) > 3 else 0
    return SensorReading(
        raw=data[0],
        event_messages_enabled=bool(data[1] & 0x80),
        scanning_enabled=bool(data[1] & 0x40),
        unavailable=bool(data[1] & 0x20),
        threshold_status=ThresholdMask(byte3 & 0x3F),
        states=byte3 | (byte4 & 0x7F) << 8,
        length=min(len(data), 4),
    )


def encode_sensor_reading(reading: SensorReading, threshold: bool) -> bytes:
    """Get Sensor Reading response data for the simulator: 4 bytes (byte 4 is 80h for threshold sensors)."""
    flags = reading.event_messages_enabled << 7 | reading.scanning_enabled << 6 | reading.unavailable << 5
    if threshold:
        return bytes([_u8("raw", reading.raw), flags, int(reading.threshold_status) & 0x3F, 0x80])
    states = check_range("states", reading.states, 0, 0x7FFF)
    return bytes([_u8("raw", reading.raw), flags, states & 0xFF, states >> 8])


def encode_get_sensor_reading_rq(sensor_number: int) -> bytes:
    """Get Sensor Reading request data (§35.14): the sensor number (NetFn 04h, command 2Dh)."""
    return bytes([_u8("sensor_number", sensor_number)])


_STATUS_ORDER = (  # ipmitool's precedence: non-recoverable, critical, non-critical; lower before upper
    (ThresholdMask.LOWER_NON_RECOVERABLE, "nr", "lnr"),
    (ThresholdMask.UPPER_NON_RECOVERABLE, "nr", "unr"),
    (ThresholdMask.LOWER_CRITICAL, "cr", "lcr"),
    (ThresholdMask.UPPER_CRITICAL, "cr", "ucr"),
    (ThresholdMask.LOWER_NON_CRITICAL, "nc", "lnc"),
    (ThresholdMask.UPPER_NON_CRITICAL, "nc", "unc"),
)


def sensor_status(record: SdrRecord, reading: SensorReading | None, extended: bool = False) -> str:
    """ipmitool's status column: "ok", "nc", "cr", "nr" (``extended``: "lnc", "ucr"...) or "ns" (no reading).

    Locator records: "ok" for a management controller, "ns" for FRU and generic locators and event-only sensors,
    as ``ipmitool sdr elist all`` prints them.
    """
    if isinstance(record, McDeviceLocatorRecord):
        return "ok"
    if not isinstance(record, FullSensorRecord | CompactSensorRecord):
        return "ns"
    if reading is None or not reading.valid:
        return "ns"
    if record.is_threshold:
        for bit, short, long in _STATUS_ORDER:
            if reading.threshold_status & bit:
                return long if extended else short
    return "ok"


_FREEIPMI_THRESHOLD_TEXT = {
    ThresholdMask.LOWER_NON_CRITICAL: "At or Below (<=) Lower Non-Critical Threshold",
    ThresholdMask.LOWER_CRITICAL: "At or Below (<=) Lower Critical Threshold",
    ThresholdMask.LOWER_NON_RECOVERABLE: "At or Below (<=) Lower Non-Recoverable Threshold",
    ThresholdMask.UPPER_NON_CRITICAL: "At or Above (>=) Upper Non-Critical Threshold",
    ThresholdMask.UPPER_CRITICAL: "At or Above (>=) Upper Critical Threshold",
    ThresholdMask.UPPER_NON_RECOVERABLE: "At or Above (>=) Upper Non-Recoverable Threshold",
}


def discrete_state_texts(
    sensor_type: int, event_reading_type: int, states: int, style: Style = "ipmitool"
) -> list[str]:
    """The texts of the asserted states 0-14 of a discrete sensor (Tables 42-2 / 42-3), in offset order."""
    texts = []
    for offset in range(15):
        if states >> offset & 1:
            text = event_offset_text(event_reading_type, sensor_type, offset, style)
            if text is not None:
                texts.append(text)
    return texts


def event_messages(record: SensorRecord, reading: SensorReading) -> list[str]:
    """FreeIPMI's event column (``ipmi-sensors``): the highest threshold crossed, or the asserted discrete
    states' short texts, or ``["OK"]`` when nothing is asserted; ``["N/A"]`` without a valid reading."""
    if not reading.valid:
        return ["N/A"]
    kind = event_reading_class(record.event_reading_type)
    if kind == "threshold":
        for bit in sorted(_FREEIPMI_THRESHOLD_TEXT, reverse=True):
            if reading.threshold_status & bit:
                return [_FREEIPMI_THRESHOLD_TEXT[bit]]
        return ["OK"]
    if kind in ("generic", "sensor-specific"):
        texts = discrete_state_texts(record.sensor_type, record.event_reading_type, reading.states, "freeipmi")
        return texts or ["OK"]
    return ["OK"] if not reading.states else [f"State {reading.states:04X}h"]


# -- text as ipmitool and FreeIPMI print it -------------------------------------------------------------------------


def units_text(record: SensorRecord, style: Style = "ipmitool") -> str:
    """The units of a sensor: ipmitool's ``ipmi_sdr_get_unit_string`` ("degrees C", "% Volts", "Watts/hour"...)
    or FreeIPMI's abbreviated units ("C", "V", "RPM", "W / hr")."""
    base, modifier = record.base_unit, record.modifier_unit
    if style == "ipmitool":
        # ipmitool ignores the rate unit
        base_text = UNIT_TEXT[base] if base < len(UNIT_TEXT) else "invalid"
        mod_text = UNIT_TEXT[modifier] if modifier < len(UNIT_TEXT) else "invalid"
        pct = "% " if record.percentage else ""
        if record.modifier_relation == ModifierRelation.MULTIPLY:
            return f"{pct}{base_text}*{mod_text}"
        if record.modifier_relation == ModifierRelation.DIVIDE:
            return f"{pct}{base_text}/{mod_text}"
        return "percent" if base == 0 and record.percentage else f"{pct}{base_text}"
    names = UNIT_ABBREVIATION
    if base >= len(names) or modifier >= len(names):
        return ""
    prefix = ""
    if record.percentage:
        if record.modifier_relation == 0 and record.rate_unit == 0 and base == 0:
            return "%"
        prefix = "% "
    if record.rate_unit and record.rate_unit < len(RATE_UNIT_TEXT):
        if base == Unit.RPM and record.rate_unit == RateUnit.PER_MINUTE:
            return prefix + names[base]
        return f"{prefix}{names[base]} {RATE_UNIT_TEXT[record.rate_unit]}"
    if record.modifier_relation in (ModifierRelation.DIVIDE, ModifierRelation.MULTIPLY) and modifier:
        op = "/" if record.modifier_relation == ModifierRelation.DIVIDE else "*"
        return f"{prefix}{names[base]} {op} {names[modifier]}"
    return prefix + names[base]


def format_value(value: float, decimals: int = 2) -> str:
    """ipmitool's ``"%.*f"`` with 0 decimals when the value is integral (``value == (int) value``), else 2."""
    if math.isfinite(value) and value == math.trunc(value):
        return f"{value:.0f}"
    return f"{value:.{decimals}f}"


def reading_text(record: SensorRecord, reading: SensorReading | None, extended: bool = True) -> str:
    """ipmitool's reading column of ``sdr list`` (``extended=False``) or ``sdr elist``.

    Threshold sensors with an analog reading: "45 degrees C", "12.06 Volts"; discrete sensors: the asserted
    states ("Presence detected", elist) or the first state byte ("0x01", list); "No Reading" / "Disabled" (elist) or
    "no reading" / "disabled" (list, full records) without a reading. ipmitool's 16-byte buffer cuts the analog
    text to 15 characters.
    """
    if reading is None or not reading.valid:
        scanning_off = reading is not None and not reading.scanning_enabled
        if extended:
            return "Disabled" if scanning_off else "No Reading"
        if isinstance(record, FullSensorRecord):
            return "disabled" if scanning_off else "no reading"
        return "Not Readable"
    if isinstance(record, FullSensorRecord) and record.is_threshold and record.has_analog_reading:
        text = f"{format_value(raw_to_value(record, reading.raw))} {units_text(record)}"
        return text[:15]
    if not extended:
        # Debian's ipmitool 1.8.19 (patch 0105-sensor_reading, Debian bug #983082) prints the first state byte
        # here; upstream 1.8.19 prints the reading byte, which discrete sensors leave meaningless
        return f"0x{reading.states & 0xFF:02x}"
    return ", ".join(discrete_state_texts(record.sensor_type, record.event_reading_type, reading.states))


def entity_text(entity_id: int, entity_instance: int) -> str:
    """ipmitool's entity column ``"%2d.%1d"``: " 3.1", "29.2"."""
    return f"{entity_id:2d}.{entity_instance:1d}"


def record_name(record: SdrRecord) -> str:
    """The ID string, or "" for records without one."""
    return getattr(record, "id_string", "")


def format_sdr_elist(record: SdrRecord, reading: SensorReading | None) -> str | None:
    """One line of ``ipmitool sdr elist all`` for a record (None for records ipmitool does not list).

    Full and compact records need their Get Sensor Reading response (None: no response, "ns").
    """
    name = f"{record_name(record)[:16]:<16}"
    if isinstance(record, FullSensorRecord | CompactSensorRecord):
        status = sensor_status(record, reading, extended=True)
        entity = entity_text(record.entity_id, record.entity_instance)
        return f"{name} | {record.sensor_number:02X}h | {status:<3} | {entity} | {reading_text(record, reading)}"
    if isinstance(record, EventOnlyRecord):
        entity = entity_text(record.entity_id, record.entity_instance)
        return f"{name} | {record.sensor_number:02X}h | ns  | {entity} | Event-Only"
    if isinstance(record, McDeviceLocatorRecord):
        kind = "Static" if record.static else "Dynamic"
        entity = entity_text(record.entity_id, record.entity_instance)
        return f"{name} | 00h | ok  | {entity} | {kind} MC @ {record.device_slave_address:02X}h"
    if isinstance(record, FruDeviceLocatorRecord):
        kind = "Logical" if record.logical else "Physical"
        entity = entity_text(record.entity_id, record.entity_instance)
        return f"{name} | 00h | ns  | {entity} | {kind} FRU @{record.fru_device_id:02X}h"
    if isinstance(record, GenericDeviceLocatorRecord):
        entity = entity_text(record.entity_id, record.entity_instance)
        return (f"{name} | 00h | ns  | {entity} | Generic Device @{record.device_access_address:02X}h:"
                f"{record.device_slave_address:02X}h.{record.oem:1d}")  # fmt: skip
    return None


def format_sdr_list(record: SensorRecord, reading: SensorReading | None) -> str:
    """One line of ``ipmitool sdr list`` for a full or compact sensor record."""
    text = reading_text(record, reading, extended=False)
    return f"{record.id_string[:16]:<16} | {text:<17} | {sensor_status(record, reading)}"


def find_sensor_record(
    records: Sequence[SdrRecord], owner_id: int, sensor_number: int, sensor_type: int | None = None
) -> SdrRecord | None:
    """The sensor record (full, compact or event-only) of a sensor, as a SEL entry's generator ID and sensor number
    name it; ``sensor_type`` also has to match when given (ipmitool's ``ipmi_sdr_find_sdr_bynumtype``)."""
    for record in records:
        if isinstance(record, FullSensorRecord | CompactSensorRecord | EventOnlyRecord):
            if record.sensor_number != sensor_number or record.sensor_owner_id != owner_id:
                continue
            if sensor_type is not None and record.sensor_type != sensor_type:
                continue
            return record
    return None


# -- reading the repository (§33.11, §33.12) ------------------------------------------------------------------------


class StorageCmd(IntEnum):
    """Storage (NetFn 0Ah) commands of the SDR repository, SEL and FRU (IPMI v2.0 Table G-1)."""

    GET_FRU_INVENTORY_AREA_INFO = 0x10
    READ_FRU_DATA = 0x11
    WRITE_FRU_DATA = 0x12
    GET_SDR_REPOSITORY_INFO = 0x20
    RESERVE_SDR_REPOSITORY = 0x22
    GET_SDR = 0x23
    GET_SEL_INFO = 0x40
    RESERVE_SEL = 0x42
    GET_SEL_ENTRY = 0x43


class SensorCmd(IntEnum):
    """Sensor/Event (NetFn 04h) commands used with SDRs (IPMI v2.0 Table G-1)."""

    GET_SENSOR_READING_FACTORS = 0x23
    GET_SENSOR_THRESHOLDS = 0x27
    GET_SENSOR_READING = 0x2D


@dataclass(frozen=True)
class Request:
    """One request a sans-IO reader wants sent: NetFn, command and data."""

    netfn: int
    cmd: int
    data: bytes


def encode_get_sdr_rq(reservation_id: int, record_id: int, offset: int, count: int) -> bytes:
    """Get SDR request data (§33.12): reservation ID, record ID, offset, bytes to read (FFh: all)."""
    return (check_range("reservation_id", reservation_id, 0, 0xFFFF).to_bytes(2, "little")
            + check_range("record_id", record_id, 0, 0xFFFF).to_bytes(2, "little")
            + bytes([_u8("offset", offset), _u8("count", count)]))  # fmt: skip


def decode_get_sdr_rs(data: bytes) -> tuple[int, bytes]:
    """Get SDR response data: (next record ID, the record bytes read)."""
    need(data, 2, "Get SDR response")
    return int.from_bytes(data[0:2], "little"), bytes(data[2:])


def decode_reservation_rs(data: bytes) -> int:
    """Reserve SDR Repository / Reserve SEL response data: the reservation ID (§33.11, §31.4)."""
    need(data, 2, "reservation response")
    return int.from_bytes(data[0:2], "little")


class _Phase(Enum):
    RESERVE_SENT = "reserve sent"
    READ_SENT = "read sent"
    DONE = "done"


class SdrRepositoryReader:
    """Reads every record of the SDR repository, sans-IO (IPMI v2.0 §33.11 Reserve SDR Repository, §33.12 Get SDR).

    ``next_request()`` gives the request to send (None when done); ``receive_response(cc, data)`` consumes its
    answer. Each record is read with partial reads: its 5-byte header first (as ipmitool does), then the body in
    chunks of ``chunk_size`` bytes; a BMC without reservations (C1h to Reserve SDR Repository) is read with
    reservation 0000h. Completion code CAh ("cannot return number of requested data bytes") halves
    the chunk and retries; C5h (reservation cancelled: the repository changed) reserves again and restarts the
    record. Other completion codes raise ``CompletionCodeError``; a record chain that loops raises
    ``RemoteProtocolError``. ``records`` holds the raw records read, ``decoded()`` their dataclasses.
    """

    def __init__(self, chunk_size: int = 32, max_reservations: int = 8, start_record_id: int = RECORD_ID_FIRST):
        self.chunk_size = check_range("chunk_size", chunk_size, 1, 0xFE)
        self.max_reservations = max_reservations
        self.records: list[bytes] = []
        self.reservation_id = 0
        self.reservations = 0
        self._record_id = start_record_id
        self._buffer = b""
        self._expected = HEADER_LEN
        self._seen: set[int] = set()
        self._phase = _Phase.RESERVE_SENT
        self._pending: Request | None = None
        self._next_id = start_record_id

    @property
    def done(self) -> bool:
        return self._phase == _Phase.DONE

    def decoded(self) -> list[SdrRecord]:
        return [decode_sdr(r) for r in self.records]

    def next_request(self) -> Request | None:
        if self._phase == _Phase.DONE:
            return None
        if self._pending is None:
            if self._phase == _Phase.RESERVE_SENT:
                self._pending = Request(NetFn.STORAGE, StorageCmd.RESERVE_SDR_REPOSITORY, b"")
            else:
                offset = len(self._buffer)
                count = min(self._expected - offset, self.chunk_size)
                data = encode_get_sdr_rq(self.reservation_id, self._record_id, offset, count)
                self._pending = Request(NetFn.STORAGE, StorageCmd.GET_SDR, data)
        return self._pending

    def receive_response(self, cc: int, data: bytes) -> None:
        request = self._pending
        if request is None:
            raise LocalProtocolError("SdrRepositoryReader: response without a request")
        self._pending = None
        if request.cmd == StorageCmd.RESERVE_SDR_REPOSITORY:
            if cc == CompletionCode.INVALID_COMMAND and not self.reservations:
                # reservations are optional (§33.11): without them, reservation ID 0000h is used
                self.reservation_id, self.reservations = 0, self.max_reservations
                self._phase = _Phase.READ_SENT
                return
            if cc:
                raise CompletionCodeError(request.netfn, request.cmd, cc)
            self.reservation_id = decode_reservation_rs(data)
            self.reservations += 1
            self._phase = _Phase.READ_SENT
            return
        if cc == CompletionCode.RESERVATION_CANCELLED:
            if self.reservations >= self.max_reservations:
                raise CompletionCodeError(request.netfn, request.cmd, cc)
            self._buffer, self._expected = b"", HEADER_LEN
            self._phase = _Phase.RESERVE_SENT
            return
        count = request.data[5]
        if cc == CompletionCode.CANNOT_RETURN_REQUESTED_BYTES and count > 1:
            self.chunk_size = max(1, count // 2)
            return
        if cc:
            raise CompletionCodeError(request.netfn, request.cmd, cc)
        next_id, chunk = decode_get_sdr_rs(data)
        if not chunk:
            raise DecodeError(f"Get SDR {self._record_id:04x}: no record bytes returned")
        self._buffer += chunk[:count]
        if len(self._buffer) >= HEADER_LEN and self._expected == HEADER_LEN:
            record_id, _version, _type, length = peek_record_header(self._buffer)
            self._record_id = record_id  # "0000h = first" is answered with the real ID
            self._expected = HEADER_LEN + length
        if len(self._buffer) < self._expected:
            return
        if self._record_id in self._seen:
            raise RemoteProtocolError(f"SDR repository: record {self._record_id:04x} returned twice (loop)")
        self._seen.add(self._record_id)
        self.records.append(self._buffer[: self._expected])
        self._buffer, self._expected = b"", HEADER_LEN
        if next_id == RECORD_ID_LAST:
            self._phase = _Phase.DONE
        else:
            self._record_id = next_id


def read_sdr_repository(call: Callable[[int, int, bytes], tuple[int, bytes]], chunk_size: int = 32) -> list[SdrRecord]:
    """Drive an ``SdrRepositoryReader`` with ``call(netfn, cmd, data) -> (cc, data)``; the decoded records."""
    reader = SdrRepositoryReader(chunk_size)
    while (request := reader.next_request()) is not None:
        reader.receive_response(*call(request.netfn, request.cmd, request.data))
    return reader.decoded()
