"""FRU inventory data (Platform Management FRU Information Storage Definition v1.0 rev 1.3).

- Common header (§8): format version, the offsets of the five areas in multiples of 8 bytes, zero checksum.
- Internal use area (§9), chassis info area (§10, chassis types from SMBIOS ``System Enclosure or Chassis
  Types``), board info area (§11, manufacturing date in minutes since 1996-01-01 00:00 UTC), product info area
  (§12), each with its type/length fields (§13), custom fields, the C1h end marker and a zero checksum.
- MultiRecord area (§16): records with their header and data checksums; every record is kept generically, and
  power supply information (00h, §18.1) and DC output (01h, §18.2) have typed codecs.
- ``decode_fru(image, skip_checks=False)`` raises ``DecodeError`` on a bad checksum, a missing end marker or an
  area outside the image; ``skip_checks=True`` (FreeIPMI's ``-W skipchecks``) ignores checksums, versions and
  missing end markers, but never reads past the data. ``encode_fru`` builds a whole image for the simulator.
- ``FruReader``: the sans-IO plan for Get FRU Inventory Area Info and Read FRU Data (IPMI v2.0 §34.1-34.2).

Type/length byte (§13): bits 7:6 type (00b binary, 01b BCD plus, 10b 6-bit packed ASCII, 11b 8-bit ASCII +
Latin-1 for English, or 2-byte Unicode LS byte first for other languages), bits 5:0 the number of bytes. C1h ends
the fields of an area; an 8-bit field of one byte cannot be written (its type/length byte would be C1h).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum, IntEnum

from ipmifast.errors import CompletionCodeError, DecodeError, LocalProtocolError
from ipmifast.proto.consts import CompletionCode, NetFn

from ._codec import (
    check_range,
    decode_ascii6,
    decode_bcd_plus,
    decode_latin1,
    encode_ascii6,
    encode_bcd_plus,
    encode_latin1,
    need,
    zero_checksum,
)
from .sdr import Request, StorageCmd
from .tables import Style

FORMAT_VERSION = 0x01  # §8: common header format version 1h; §10-12: area format version 01h
MULTIRECORD_VERSION = 0x02  # §16.1: record format version 2h
HEADER_LEN = 8
AREA_UNIT = 8  # offsets and area lengths are in multiples of 8 bytes
END_OF_FIELDS = 0xC1  # §13: type/length C1h ends an area's fields
FIELD_LEN_MASK = 0x3F
LANGUAGE_ENGLISH = 25  # §15 (language codes): 0 and 25 (19h) mean English
MFG_EPOCH = datetime(1996, 1, 1, tzinfo=timezone.utc)  # §11: "minutes from 0:00 hrs 1/1/96"
MULTIRECORD_HEADER_LEN = 5
END_OF_LIST = 0x80


class FruFieldType(IntEnum):
    """Type/length byte bits 7:6 (FRU specification §13)."""

    BINARY = 0  # "binary or unspecified"
    BCD_PLUS = 1
    ASCII_6BIT = 2
    TEXT = 3  # 8-bit ASCII + Latin-1 (English), 2-byte Unicode otherwise


class ChassisType(IntEnum):
    """Chassis type byte of the chassis info area (§10: SMBIOS "System Enclosure or Chassis Types")."""

    OTHER = 0x01
    UNKNOWN = 0x02
    DESKTOP = 0x03
    LOW_PROFILE_DESKTOP = 0x04
    PIZZA_BOX = 0x05
    MINI_TOWER = 0x06
    TOWER = 0x07
    PORTABLE = 0x08
    LAPTOP = 0x09
    NOTEBOOK = 0x0A
    HAND_HELD = 0x0B
    DOCKING_STATION = 0x0C
    ALL_IN_ONE = 0x0D
    SUB_NOTEBOOK = 0x0E
    SPACE_SAVING = 0x0F
    LUNCH_BOX = 0x10
    MAIN_SERVER_CHASSIS = 0x11
    EXPANSION_CHASSIS = 0x12
    SUB_CHASSIS = 0x13
    BUS_EXPANSION_CHASSIS = 0x14
    PERIPHERAL_CHASSIS = 0x15
    RAID_CHASSIS = 0x16
    RACK_MOUNT_CHASSIS = 0x17
    SEALED_CASE_PC = 0x18
    MULTI_SYSTEM_CHASSIS = 0x19
    COMPACT_PCI = 0x1A
    ADVANCED_TCA = 0x1B
    BLADE = 0x1C
    BLADE_ENCLOSURE = 0x1D
    TABLET = 0x1E
    CONVERTIBLE = 0x1F
    DETACHABLE = 0x20
    IOT_GATEWAY = 0x21
    EMBEDDED_PC = 0x22
    MINI_PC = 0x23
    STICK_PC = 0x24


# ipmitool 1.8.19's names (index 0 "Unspecified"; it knows 00h-1Dh and prints "Unknown" beyond)
_CHASSIS_TYPE_IPMITOOL = (
    "Unspecified", "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower",
    "Portable", "LapTop", "Notebook", "Hand Held", "Docking Station", "All in One", "Sub Notebook", "Space-saving",
    "Lunch Box", "Main Server Chassis", "Expansion Chassis", "SubChassis", "Bus Expansion Chassis",
    "Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC", "Multi-system Chassis",
    "CompactPCI", "AdvancedTCA", "Blade", "Blade Enclosure",
)  # fmt: skip
# FreeIPMI 1.6.10 spells three differently and calls 00h "Invalid"
_CHASSIS_TYPE_FREEIPMI_DIFF = {0x00: "Invalid", 0x19: "Multi-system chassis", 0x1A: "Compact PCI",
                               0x1B: "Advanced TCA"}  # fmt: skip


def chassis_type_text(code: int, style: Style = "ipmitool") -> str:
    """The name of a chassis type; codes beyond 1Dh are "Unknown" for both clients."""
    if code >= len(_CHASSIS_TYPE_IPMITOOL):
        return "Unknown"
    if style == "freeipmi" and code in _CHASSIS_TYPE_FREEIPMI_DIFF:
        return _CHASSIS_TYPE_FREEIPMI_DIFF[code]
    return _CHASSIS_TYPE_IPMITOOL[code]


# -- fields (§13) ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FruField:
    """One type/length field: its type and its bytes, kept as stored.

    ``text`` decodes them: BCD plus and 6-bit ASCII unpacked, 8-bit text as Latin-1 (or UTF-16LE when
    ``unicode``: the area's language is not English), binary as lower-case hex (as ipmitool prints it).
    """

    data: bytes = b""
    type: FruFieldType = FruFieldType.TEXT
    unicode: bool = False

    @classmethod
    def of(cls, text: str, kind: FruFieldType = FruFieldType.TEXT) -> FruField:
        """A field holding ``text`` in the given encoding (BINARY: ``text`` is hex)."""
        if kind == FruFieldType.BCD_PLUS:
            return cls(encode_bcd_plus(text), kind)
        if kind == FruFieldType.ASCII_6BIT:
            return cls(encode_ascii6(text), kind)
        if kind == FruFieldType.BINARY:
            try:
                return cls(bytes.fromhex(text), kind)
            except ValueError:
                raise LocalProtocolError(f"binary FRU field {text!r} is not hex") from None
        return cls(encode_latin1(text), kind)

    @property
    def text(self) -> str:
        if self.type == FruFieldType.BCD_PLUS:
            return decode_bcd_plus(self.data)
        if self.type == FruFieldType.ASCII_6BIT:
            return decode_ascii6(self.data)
        if self.type == FruFieldType.BINARY:
            return self.data.hex()
        if self.unicode:
            return self.data.decode("utf-16-le", errors="replace")
        return decode_latin1(self.data)

    def __str__(self) -> str:
        return self.text


EMPTY = FruField()


def _encode_field(f: FruField) -> bytes:
    if len(f.data) > FIELD_LEN_MASK:
        raise LocalProtocolError(f"FRU field of {len(f.data)} bytes: at most {FIELD_LEN_MASK}")
    type_length = int(f.type) << 6 | len(f.data)
    if type_length == END_OF_FIELDS:
        raise LocalProtocolError("a one-byte 8-bit FRU field would read as the end marker C1h (§13)")
    return bytes([type_length]) + f.data


def _read_fields(area: bytes, start: int, fixed: int, unicode: bool, skip_checks: bool, what: str) -> list[FruField]:
    """``fixed`` fields, then custom fields up to C1h, from ``area`` (checksum byte excluded)."""
    fields: list[FruField] = []
    pos = start
    while True:
        if pos >= len(area):
            if skip_checks and len(fields) >= fixed:
                return fields
            raise DecodeError(f"FRU {what}: no end-of-fields marker (C1h) before the area's end")
        type_length = area[pos]
        if type_length == END_OF_FIELDS:
            if len(fields) < fixed:
                raise DecodeError(f"FRU {what}: end marker after {len(fields)} fields, {fixed} required")
            return fields
        length = type_length & FIELD_LEN_MASK
        end = pos + 1 + length
        if end > len(area):
            raise DecodeError(f"FRU {what}: field at byte {pos} runs past the area ({length} bytes)")
        kind = FruFieldType(type_length >> 6)
        fields.append(FruField(area[pos + 1 : end], kind, unicode and kind == FruFieldType.TEXT))
        pos = end


def _build_area(prefix: bytes, fields: list[FruField]) -> bytes:
    """An info area: ``prefix`` (version and length placeholders included), the fields, C1h, padding, checksum."""
    body = prefix + b"".join(_encode_field(f) for f in fields) + bytes([END_OF_FIELDS])
    length = (len(body) + 1 + AREA_UNIT - 1) // AREA_UNIT * AREA_UNIT
    if length // AREA_UNIT > 0xFF:
        raise LocalProtocolError(f"FRU area of {length} bytes: at most {0xFF * AREA_UNIT}")
    body = body[:1] + bytes([length // AREA_UNIT]) + body[2:]
    body += bytes(length - 1 - len(body))
    return body + bytes([zero_checksum(body)])


def _is_english(language: int) -> bool:
    return language in (0, LANGUAGE_ENGLISH)


# -- areas ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InternalUseArea:
    """Internal use area (§9): its format version and the bytes up to the next area (padding included)."""

    format_version: int = FORMAT_VERSION
    data: bytes = b""


@dataclass(frozen=True, kw_only=True)
class ChassisInfo:
    """Chassis info area (§10, Table 10-1)."""

    format_version: int = FORMAT_VERSION
    chassis_type: int = ChassisType.UNKNOWN
    part_number: FruField = EMPTY
    serial_number: FruField = EMPTY
    custom: tuple[FruField, ...] = ()


@dataclass(frozen=True, kw_only=True)
class BoardInfo:
    """Board info area (§11, Table 11-1). ``mfg_minutes`` counts minutes since 1996-01-01 00:00 (0: unspecified)."""

    format_version: int = FORMAT_VERSION
    language: int = 0
    mfg_minutes: int = 0
    manufacturer: FruField = EMPTY
    product_name: FruField = EMPTY
    serial_number: FruField = EMPTY
    part_number: FruField = EMPTY
    fru_file_id: FruField = EMPTY
    custom: tuple[FruField, ...] = ()

    @property
    def mfg_datetime(self) -> datetime | None:
        """The manufacturing date and time (UTC), None when unspecified."""
        return MFG_EPOCH + timedelta(minutes=self.mfg_minutes) if self.mfg_minutes else None


@dataclass(frozen=True, kw_only=True)
class ProductInfo:
    """Product info area (§12, Table 12-1). ``part_number`` is the "part/model number", ``product_version`` the
    "product version" field (``format_version`` is the area's format)."""

    format_version: int = FORMAT_VERSION
    language: int = 0
    manufacturer: FruField = EMPTY
    product_name: FruField = EMPTY
    part_number: FruField = EMPTY
    product_version: FruField = EMPTY
    serial_number: FruField = EMPTY
    asset_tag: FruField = EMPTY
    fru_file_id: FruField = EMPTY
    custom: tuple[FruField, ...] = ()


class MultiRecordType(IntEnum):
    """MultiRecord type IDs (§16.1, Table 16-2); C0h-FFh are OEM."""

    POWER_SUPPLY_INFORMATION = 0x00
    DC_OUTPUT = 0x01
    DC_LOAD = 0x02
    MANAGEMENT_ACCESS = 0x03
    BASE_COMPATIBILITY = 0x04
    EXTENDED_COMPATIBILITY = 0x05
    ASF_FIXED_SMBUS_DEVICE = 0x06
    ASF_LEGACY_DEVICE_ALERTS = 0x07
    ASF_REMOTE_CONTROL = 0x08
    EXTENDED_DC_OUTPUT = 0x09
    EXTENDED_DC_LOAD = 0x0A


@dataclass(frozen=True, kw_only=True)
class MultiRecord:
    """One MultiRecord (§16.1, Table 16-1): type ID, record format version and data. The end-of-list bit and
    both checksums are computed by the encoder (and checked by the decoder)."""

    type_id: int
    data: bytes = b""
    format_version: int = MULTIRECORD_VERSION


@dataclass(frozen=True, kw_only=True)
class FruInventory:
    """A whole FRU image: the common header's format version and its areas (None when absent)."""

    format_version: int = FORMAT_VERSION
    internal_use: InternalUseArea | None = None
    chassis: ChassisInfo | None = None
    board: BoardInfo | None = None
    product: ProductInfo | None = None
    multirecords: tuple[MultiRecord, ...] = field(default=())


# -- decoding -------------------------------------------------------------------------------------------------------


def _area(image: bytes, offset: int, skip_checks: bool, what: str) -> bytes:
    """An info area's bytes (checksum included), its length and checksum checked."""
    need(image[offset:], 2, f"FRU {what} header")
    if image[offset] & 0x0F != FORMAT_VERSION and not skip_checks:
        raise DecodeError(f"FRU {what}: format version {image[offset]:02x}h, 01h expected")
    length = image[offset + 1] * AREA_UNIT
    if length < AREA_UNIT:
        raise DecodeError(f"FRU {what}: length 0")
    if offset + length > len(image):
        raise DecodeError(f"FRU {what}: {length} bytes at offset {offset} run past the {len(image)}-byte image")
    area = image[offset : offset + length]
    if sum(area) & 0xFF and not skip_checks:
        raise DecodeError(f"FRU {what}: bad checksum {area[-1]:02x}h")
    return area


def _decode_chassis(area: bytes, skip_checks: bool) -> ChassisInfo:
    need(area, 4, "FRU chassis info area")
    fields = _read_fields(area[:-1], 3, 2, False, skip_checks, "chassis info area")
    return ChassisInfo(format_version=area[0], chassis_type=_lenient_chassis(area[2]), part_number=fields[0],
                       serial_number=fields[1], custom=tuple(fields[2:]))  # fmt: skip


def _lenient_chassis(code: int) -> int:
    try:
        return ChassisType(code)
    except ValueError:
        return code


def _decode_board(area: bytes, skip_checks: bool) -> BoardInfo:
    need(area, 7, "FRU board info area")
    language = area[2]
    fields = _read_fields(area[:-1], 6, 5, not _is_english(language), skip_checks, "board info area")
    return BoardInfo(
        format_version=area[0],
        language=language,
        mfg_minutes=int.from_bytes(area[3:6], "little"),
        manufacturer=fields[0],
        product_name=fields[1],
        serial_number=fields[2],
        part_number=fields[3],
        fru_file_id=fields[4],
        custom=tuple(fields[5:]),
    )


def _decode_product(area: bytes, skip_checks: bool) -> ProductInfo:
    need(area, 4, "FRU product info area")
    language = area[2]
    fields = _read_fields(area[:-1], 3, 7, not _is_english(language), skip_checks, "product info area")
    return ProductInfo(
        format_version=area[0],
        language=language,
        manufacturer=fields[0],
        product_name=fields[1],
        part_number=fields[2],
        product_version=fields[3],
        serial_number=fields[4],
        asset_tag=fields[5],
        fru_file_id=fields[6],
        custom=tuple(fields[7:]),
    )


def _decode_multirecords(image: bytes, offset: int, skip_checks: bool) -> tuple[MultiRecord, ...]:
    records = []
    pos = offset
    while True:
        need(image[pos:], MULTIRECORD_HEADER_LEN, "FRU MultiRecord header")
        header = image[pos : pos + MULTIRECORD_HEADER_LEN]
        if sum(header) & 0xFF and not skip_checks:
            raise DecodeError(f"FRU MultiRecord at {pos}: bad header checksum {header[4]:02x}h")
        version = header[1] & 0x0F
        if version != MULTIRECORD_VERSION and not skip_checks:
            raise DecodeError(f"FRU MultiRecord at {pos}: record format version {version}, 2 expected")
        length = header[2]
        data = image[pos + MULTIRECORD_HEADER_LEN : pos + MULTIRECORD_HEADER_LEN + length]
        if len(data) != length:
            raise DecodeError(f"FRU MultiRecord at {pos}: {length} data bytes run past the image")
        if (sum(data) + header[3]) & 0xFF and not skip_checks:
            raise DecodeError(f"FRU MultiRecord at {pos}: bad record checksum {header[3]:02x}h")
        records.append(MultiRecord(type_id=header[0], data=data, format_version=version))
        pos += MULTIRECORD_HEADER_LEN + length
        if header[1] & END_OF_LIST:
            return tuple(records)


def decode_fru(image: bytes, skip_checks: bool = False) -> FruInventory:
    """A whole FRU image (§8-§16), from its common header."""
    image = bytes(image)
    need(image, HEADER_LEN, "FRU common header")
    header = image[:HEADER_LEN]
    if sum(header) & 0xFF and not skip_checks:
        raise DecodeError(f"FRU common header: bad checksum {header[7]:02x}h")
    if header[0] & 0x0F != FORMAT_VERSION and not skip_checks:
        raise DecodeError(f"FRU common header: format version {header[0]:02x}h, 01h expected")
    offsets = [b * AREA_UNIT for b in header[1:6]]
    for name, offset in zip(("internal use", "chassis", "board", "product", "multirecord"), offsets, strict=True):
        if offset and not HEADER_LEN <= offset < len(image):
            raise DecodeError(f"FRU {name} area offset {offset} outside the {len(image)}-byte image")
    internal_use = None
    if offsets[0]:
        later = [o for o in offsets[1:] if o > offsets[0]]
        end = min(later) if later else len(image)
        need(image[offsets[0] : end], 1, "FRU internal use area")
        internal_use = InternalUseArea(format_version=image[offsets[0]], data=image[offsets[0] + 1 : end])
    return FruInventory(
        format_version=header[0],
        internal_use=internal_use,
        chassis=_decode_chassis(_area(image, offsets[1], skip_checks, "chassis info area"), skip_checks)
        if offsets[1] else None,
        board=_decode_board(_area(image, offsets[2], skip_checks, "board info area"), skip_checks)
        if offsets[2] else None,
        product=_decode_product(_area(image, offsets[3], skip_checks, "product info area"), skip_checks)
        if offsets[3] else None,
        multirecords=_decode_multirecords(image, offsets[4], skip_checks) if offsets[4] else (),
    )  # fmt: skip


# -- encoding -------------------------------------------------------------------------------------------------------


def encode_chassis_info(area: ChassisInfo) -> bytes:
    prefix = bytes([check_range("format_version", area.format_version, 0, 0xFF), 0,
                    check_range("chassis_type", area.chassis_type, 0, 0xFF)])  # fmt: skip
    return _build_area(prefix, [area.part_number, area.serial_number, *area.custom])


def encode_board_info(area: BoardInfo) -> bytes:
    prefix = bytes([check_range("format_version", area.format_version, 0, 0xFF), 0,
                    check_range("language", area.language, 0, 0xFF)])  # fmt: skip
    prefix += check_range("mfg_minutes", area.mfg_minutes, 0, 0xFFFFFF).to_bytes(3, "little")
    fields = [area.manufacturer, area.product_name, area.serial_number, area.part_number, area.fru_file_id]
    return _build_area(prefix, [*fields, *area.custom])


def encode_product_info(area: ProductInfo) -> bytes:
    prefix = bytes([check_range("format_version", area.format_version, 0, 0xFF), 0,
                    check_range("language", area.language, 0, 0xFF)])  # fmt: skip
    fields = [area.manufacturer, area.product_name, area.part_number, area.product_version, area.serial_number,
              area.asset_tag, area.fru_file_id]  # fmt: skip
    return _build_area(prefix, [*fields, *area.custom])


def encode_multirecords(records: tuple[MultiRecord, ...]) -> bytes:
    out = b""
    for i, record in enumerate(records):
        if len(record.data) > 0xFF:
            raise LocalProtocolError(f"MultiRecord of {len(record.data)} bytes: at most 255")
        last = END_OF_LIST if i == len(records) - 1 else 0
        head = bytes([check_range("type_id", record.type_id, 0, 0xFF),
                      last | check_range("format_version", record.format_version, 0, 0x0F),
                      len(record.data), zero_checksum(record.data)])  # fmt: skip
        out += head + bytes([zero_checksum(head)]) + record.data
    return out


def encode_fru(inventory: FruInventory, size: int | None = None) -> bytes:
    """A whole FRU image: common header, then the areas in the specification's order, padded to ``size``.

    The internal use area is padded with zeros to a multiple of 8 bytes (so decoding returns those zeros).
    """
    areas: list[bytes] = []
    if inventory.internal_use is not None:
        raw = bytes([check_range("format_version", inventory.internal_use.format_version, 0, 0xFF)])
        raw += inventory.internal_use.data
        areas.append(raw + bytes(-len(raw) % AREA_UNIT))
    else:
        areas.append(b"")
    areas.append(encode_chassis_info(inventory.chassis) if inventory.chassis is not None else b"")
    areas.append(encode_board_info(inventory.board) if inventory.board is not None else b"")
    areas.append(encode_product_info(inventory.product) if inventory.product is not None else b"")
    areas.append(encode_multirecords(inventory.multirecords) if inventory.multirecords else b"")
    offsets = []
    pos = HEADER_LEN
    for area in areas:
        offsets.append(pos // AREA_UNIT if area else 0)
        pos += len(area)
    if max(offsets) > 0xFF:
        raise LocalProtocolError("FRU image too large: an area starts beyond 2040 bytes")
    header = bytes([check_range("format_version", inventory.format_version, 0, 0xFF), *offsets, 0])
    image = header + bytes([zero_checksum(header)]) + b"".join(areas)
    if size is not None:
        if len(image) > size:
            raise LocalProtocolError(f"FRU image takes {len(image)} bytes, more than {size}")
        image += bytes(size - len(image))
    return image


# -- typed MultiRecords (§18) ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PowerSupplyInformation:
    """Power Supply Information record, type 00h (§18.1, Table 18-1); voltages in 10 mV, ``FFFFh``/``FFh``
    where the spec says "not specified". ``flags`` is byte 17 (4 tachometer pulses / predictive fail polarity,
    3 hot swap, 2 autoswitch, 1 power factor correction, 0 predictive fail support)."""

    overall_capacity: int = 0
    peak_va: int = 0xFFFF
    inrush_current: int = 0xFF
    inrush_interval: int = 0
    low_input_voltage_1: int = 0
    high_input_voltage_1: int = 0
    low_input_voltage_2: int = 0
    high_input_voltage_2: int = 0
    low_input_frequency: int = 0
    high_input_frequency: int = 0
    ac_dropout_tolerance: int = 0
    flags: int = 0
    peak_wattage: int = 0
    hold_up_time: int = 0
    combined_voltage_1: int = 0
    combined_voltage_2: int = 0
    total_combined_wattage: int = 0
    tachometer_lower_threshold: int = 0


def decode_power_supply_information(data: bytes) -> PowerSupplyInformation:
    need(data, 24, "power supply information record")

    def u16(i: int) -> int:
        return int.from_bytes(data[i : i + 2], "little")

    return PowerSupplyInformation(
        overall_capacity=u16(0) & 0x0FFF, peak_va=u16(2), inrush_current=data[4], inrush_interval=data[5],
        low_input_voltage_1=u16(6), high_input_voltage_1=u16(8), low_input_voltage_2=u16(10),
        high_input_voltage_2=u16(12), low_input_frequency=data[14], high_input_frequency=data[15],
        ac_dropout_tolerance=data[16], flags=data[17], peak_wattage=u16(18) & 0x0FFF, hold_up_time=u16(18) >> 12,
        combined_voltage_1=data[20] >> 4, combined_voltage_2=data[20] & 0x0F, total_combined_wattage=u16(21),
        tachometer_lower_threshold=data[23],
    )  # fmt: skip


def encode_power_supply_information(r: PowerSupplyInformation) -> bytes:
    def u16(name: str, value: int, high: int = 0xFFFF) -> bytes:
        return check_range(name, value, 0, high).to_bytes(2, "little")

    def u8(name: str, value: int) -> int:
        return check_range(name, value, 0, 0xFF)

    return (
        u16("overall_capacity", r.overall_capacity, 0x0FFF) + u16("peak_va", r.peak_va)
        + bytes([u8("inrush_current", r.inrush_current), u8("inrush_interval", r.inrush_interval)])
        + u16("low_input_voltage_1", r.low_input_voltage_1) + u16("high_input_voltage_1", r.high_input_voltage_1)
        + u16("low_input_voltage_2", r.low_input_voltage_2) + u16("high_input_voltage_2", r.high_input_voltage_2)
        + bytes([u8("low_input_frequency", r.low_input_frequency), u8("high_input_frequency", r.high_input_frequency),
                 u8("ac_dropout_tolerance", r.ac_dropout_tolerance), u8("flags", r.flags)])
        + (check_range("hold_up_time", r.hold_up_time, 0, 15) << 12
           | check_range("peak_wattage", r.peak_wattage, 0, 0x0FFF)).to_bytes(2, "little")
        + bytes([check_range("combined_voltage_1", r.combined_voltage_1, 0, 15) << 4
                 | check_range("combined_voltage_2", r.combined_voltage_2, 0, 15)])
        + u16("total_combined_wattage", r.total_combined_wattage)
        + bytes([u8("tachometer_lower_threshold", r.tachometer_lower_threshold)])
    )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DcOutput:
    """DC Output record, type 01h (§18.2, Table 18-2): voltages in signed 10 mV, ripple in mV, currents in mA."""

    standby: bool = False
    output_number: int = 0
    nominal_voltage: int = 0
    max_negative_deviation: int = 0
    max_positive_deviation: int = 0
    ripple_and_noise: int = 0
    min_current: int = 0
    max_current: int = 0


def decode_dc_output(data: bytes) -> DcOutput:
    need(data, 13, "DC output record")

    def s16(i: int) -> int:
        return int.from_bytes(data[i : i + 2], "little", signed=True)

    def u16(i: int) -> int:
        return int.from_bytes(data[i : i + 2], "little")

    return DcOutput(standby=bool(data[0] & 0x80), output_number=data[0] & 0x0F, nominal_voltage=s16(1),
                    max_negative_deviation=s16(3), max_positive_deviation=s16(5), ripple_and_noise=u16(7),
                    min_current=u16(9), max_current=u16(11))  # fmt: skip


def encode_dc_output(r: DcOutput) -> bytes:
    def s16(name: str, value: int) -> bytes:
        return check_range(name, value, -0x8000, 0x7FFF).to_bytes(2, "little", signed=True)

    def u16(name: str, value: int) -> bytes:
        return check_range(name, value, 0, 0xFFFF).to_bytes(2, "little")

    return (bytes([r.standby << 7 | check_range("output_number", r.output_number, 0, 15)])
            + s16("nominal_voltage", r.nominal_voltage) + s16("max_negative_deviation", r.max_negative_deviation)
            + s16("max_positive_deviation", r.max_positive_deviation) + u16("ripple_and_noise", r.ripple_and_noise)
            + u16("min_current", r.min_current) + u16("max_current", r.max_current))  # fmt: skip


# -- text as ipmitool and FreeIPMI print it -------------------------------------------------------------------------


def ipmitool_field_text(f: FruField) -> str:
    """A field as ipmitool's ``get_fru_area_str`` renders it: like ``FruField.text``, except that 6-bit ASCII
    always yields 4 characters per started 3-byte group and 8-bit text ignores the language."""
    if f.type == FruFieldType.ASCII_6BIT:
        padded = f.data + bytes(-len(f.data) % 3)
        return decode_ascii6(padded)
    if f.type == FruFieldType.TEXT:
        return decode_latin1(f.data)
    return f.text


def mfg_date_text(board: BoardInfo, style: Style = "ipmitool") -> str:
    """The board's manufacturing date: ipmitool's "Mon Jan 15 08:00:00 2024 UTC" (C locale, TZ=UTC) or
    FreeIPMI's "01/15/24 - 08:00:00"; "Unspecified" / "unspecified" for 0."""
    when = board.mfg_datetime
    if when is None:
        return "Unspecified" if style == "ipmitool" else "unspecified"
    if style == "ipmitool":
        return f"{when:%a %b} {when.day:2d} {when:%H:%M:%S %Y} UTC"
    return f"{when:%m/%d/%y - %H:%M:%S}"


def format_ipmitool_fru(inventory: FruInventory, description: str = "Builtin FRU Device (ID 0)") -> list[str]:
    """The lines of ``ipmitool fru print`` for one FRU device (info areas; MultiRecords are not rendered).

    Empty fields are left out, as ipmitool does; the FRU file ID fields only appear with ``-v``.
    """
    lines = [f"FRU Device Description : {description}"]

    def add(label: str, f: FruField) -> None:
        text = ipmitool_field_text(f)
        if text:
            lines.append(f" {label:<22}: {text}")

    if inventory.chassis is not None:
        c = inventory.chassis
        lines.append(f" {'Chassis Type':<22}: {chassis_type_text(c.chassis_type)}")
        add("Chassis Part Number", c.part_number)
        add("Chassis Serial", c.serial_number)
        for f in c.custom:
            add("Chassis Extra", f)
    if inventory.board is not None:
        b = inventory.board
        lines.append(f" {'Board Mfg Date':<22}: {mfg_date_text(b)}")
        add("Board Mfg", b.manufacturer)
        add("Board Product", b.product_name)
        add("Board Serial", b.serial_number)
        add("Board Part Number", b.part_number)
        for f in b.custom:
            add("Board Extra", f)
    if inventory.product is not None:
        p = inventory.product
        add("Product Manufacturer", p.manufacturer)
        add("Product Name", p.product_name)
        add("Product Part Number", p.part_number)
        add("Product Version", p.product_version)
        add("Product Serial", p.serial_number)
        add("Product Asset Tag", p.asset_tag)
        for f in p.custom:
            add("Product Extra", f)
    return lines


# -- reading a FRU device (§34.1, §34.2) ----------------------------------------------------------------------------


def encode_get_fru_inventory_area_info_rq(fru_id: int) -> bytes:
    """Get FRU Inventory Area Info request data (§34.1): the FRU device ID."""
    return bytes([check_range("fru_id", fru_id, 0, 0xFF)])


def decode_get_fru_inventory_area_info_rs(data: bytes) -> tuple[int, bool]:
    """Get FRU Inventory Area Info response data: (area size in bytes, accessed by words)."""
    need(data, 3, "Get FRU Inventory Area Info response")
    return int.from_bytes(data[0:2], "little"), bool(data[2] & 0x01)


def encode_read_fru_data_rq(fru_id: int, offset: int, count: int) -> bytes:
    """Read FRU Data request data (§34.2): FRU device ID, offset (LS byte first), count to read."""
    return bytes([check_range("fru_id", fru_id, 0, 0xFF)]) + check_range("offset", offset, 0, 0xFFFF).to_bytes(
        2, "little"
    ) + bytes([check_range("count", count, 1, 0xFF)])


def decode_read_fru_data_rs(data: bytes, by_words: bool = False) -> bytes:
    """Read FRU Data response data: the bytes read. The count byte must match them (counted in words for a
    word-addressed device)."""
    need(data, 1, "Read FRU Data response")
    count = (len(data) - 1) // 2 if by_words else len(data) - 1
    if data[0] != count:
        raise DecodeError(f"Read FRU Data response: count byte {data[0]}, {len(data) - 1} bytes follow")
    return bytes(data[1:])


FRU_DEVICE_BUSY = 0x81  # §34.2, Read FRU Data completion code 81h: "FRU device busy"
_TOO_BIG = (CompletionCode.CANNOT_RETURN_REQUESTED_BYTES, CompletionCode.REQUEST_DATA_LENGTH_INVALID,
            CompletionCode.REQUEST_DATA_FIELD_LENGTH_EXCEEDED)  # fmt: skip


class _Phase(Enum):
    INFO_SENT = "info sent"
    READ_SENT = "read sent"
    DONE = "done"


class FruReader:
    """Reads a whole FRU device, sans-IO (IPMI v2.0 §34.1 Get FRU Inventory Area Info, §34.2 Read FRU Data).

    Reads ``chunk_size`` bytes at a time (words for word-addressed devices). CAh, C7h or C8h (the request or
    its answer is too large, as ipmitool handles them) halve the chunk; 81h (FRU device busy) retries up to
    ``max_busy`` times; other completion codes raise ``CompletionCodeError``. ``data`` is the image read.
    """

    def __init__(self, fru_id: int = 0, chunk_size: int = 32, max_busy: int = 8) -> None:
        self.fru_id = check_range("fru_id", fru_id, 0, 0xFF)
        self.chunk_size = check_range("chunk_size", chunk_size, 1, 0xFF)
        self.max_busy = max_busy
        self.size = 0
        self.by_words = False
        self.data = b""
        self._busy = 0
        self._phase = _Phase.INFO_SENT
        self._pending: Request | None = None

    @property
    def done(self) -> bool:
        return self._phase == _Phase.DONE

    def next_request(self) -> Request | None:
        if self._phase == _Phase.DONE:
            return None
        if self._pending is None:
            if self._phase == _Phase.INFO_SENT:
                data = encode_get_fru_inventory_area_info_rq(self.fru_id)
                self._pending = Request(NetFn.STORAGE, StorageCmd.GET_FRU_INVENTORY_AREA_INFO, data)
            else:
                unit = 2 if self.by_words else 1
                offset = len(self.data) // unit
                count = min(self.chunk_size, (self.size - len(self.data) + unit - 1) // unit)
                data = encode_read_fru_data_rq(self.fru_id, offset, count)
                self._pending = Request(NetFn.STORAGE, StorageCmd.READ_FRU_DATA, data)
        return self._pending

    def receive_response(self, cc: int, data: bytes) -> None:
        request = self._pending
        if request is None:
            raise LocalProtocolError("FruReader: response without a request")
        self._pending = None
        if request.cmd == StorageCmd.GET_FRU_INVENTORY_AREA_INFO:
            if cc:
                raise CompletionCodeError(request.netfn, request.cmd, cc)
            self.size, self.by_words = decode_get_fru_inventory_area_info_rs(data)
            self._phase = _Phase.READ_SENT if self.size else _Phase.DONE
            return
        count = request.data[3]
        if cc in _TOO_BIG and count > 1:
            self.chunk_size = max(1, count // 2)
            return
        if cc == FRU_DEVICE_BUSY and self._busy < self.max_busy:
            self._busy += 1
            return
        if cc:
            raise CompletionCodeError(request.netfn, request.cmd, cc)
        chunk = decode_read_fru_data_rs(data, self.by_words)
        if not chunk:
            raise DecodeError(f"Read FRU Data at offset {len(self.data)}: no bytes returned")
        self._busy = 0
        self.data = (self.data + chunk)[: self.size]
        if len(self.data) >= self.size:
            self._phase = _Phase.DONE


def read_fru(call: Callable[[int, int, bytes], tuple[int, bytes]], fru_id: int = 0) -> bytes:
    """Drive a ``FruReader`` with ``call(netfn, cmd, data) -> (cc, data)``; the FRU image."""
    reader = FruReader(fru_id)
    while (request := reader.next_request()) is not None:
        reader.receive_response(*call(request.netfn, request.cmd, request.data))
    return reader.data
