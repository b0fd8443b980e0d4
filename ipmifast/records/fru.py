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
OEM_EXTENSION = 0xC0  # §16.1: the first OEM record type (ipmitool prints only this one of C0h-FFh)
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
    records: list[MultiRecord] = []
    pos = offset
    while True:
        if len(image) - pos < MULTIRECORD_HEADER_LEN:
            if skip_checks and records:  # a list without its end-of-list record: what was read is kept
                return tuple(records)
            raise DecodeError(f"FRU MultiRecord list at {offset}: no end-of-list record before the image ends")
        header = image[pos : pos + MULTIRECORD_HEADER_LEN]
        if sum(header) & 0xFF and not skip_checks:
            raise DecodeError(f"FRU MultiRecord at {pos}: bad header checksum {header[4]:02x}h")
        version = header[1] & 0x0F
        if version != MULTIRECORD_VERSION:
            if skip_checks and records:  # past the last record (padding): the list ends here
                return tuple(records)
            if not skip_checks:
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
    nominal, negative, positive, ripple, min_current, max_current = _words(data, _DC_SIGNED)
    return DcOutput(standby=bool(data[0] & 0x80), output_number=data[0] & 0x0F, nominal_voltage=nominal,
                    max_negative_deviation=negative, max_positive_deviation=positive, ripple_and_noise=ripple,
                    min_current=min_current, max_current=max_current)  # fmt: skip


def encode_dc_output(r: DcOutput) -> bytes:
    return bytes([r.standby << 7 | check_range("output_number", r.output_number, 0, 15)]) + _pack_words((
        ("nominal_voltage", r.nominal_voltage, True), ("max_negative_deviation", r.max_negative_deviation, True),
        ("max_positive_deviation", r.max_positive_deviation, True), ("ripple_and_noise", r.ripple_and_noise, False),
        ("min_current", r.min_current, False), ("max_current", r.max_current, False)))  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DcLoad:
    """DC Load record, type 02h (§18.3, Table 18-3): voltages in signed 10 mV, ripple in mV, currents in mA."""

    output_number: int = 0
    nominal_voltage: int = 0
    min_voltage: int = 0
    max_voltage: int = 0
    ripple_and_noise: int = 0
    min_current: int = 0
    max_current: int = 0


def _words(data: bytes, signed: tuple[bool, ...]) -> list[int]:
    """Little-endian 16-bit words from byte 1 on (the layout of the DC output and DC load records)."""
    return [int.from_bytes(data[1 + 2 * i : 3 + 2 * i], "little", signed=s) for i, s in enumerate(signed)]


def _pack_words(values: tuple[tuple[str, int, bool], ...]) -> bytes:
    return b"".join(check_range(name, v, -0x8000 if signed else 0, 0x7FFF if signed else 0xFFFF)
                    .to_bytes(2, "little", signed=signed) for name, v, signed in values)  # fmt: skip


_DC_SIGNED = (True, True, True, False, False, False)


def decode_dc_load(data: bytes) -> DcLoad:
    need(data, 13, "DC load record")
    nominal, low, high, ripple, min_current, max_current = _words(data, _DC_SIGNED)
    return DcLoad(output_number=data[0] & 0x0F, nominal_voltage=nominal, min_voltage=low, max_voltage=high,
                  ripple_and_noise=ripple, min_current=min_current, max_current=max_current)  # fmt: skip


def encode_dc_load(r: DcLoad) -> bytes:
    return bytes([check_range("output_number", r.output_number, 0, 15)]) + _pack_words((
        ("nominal_voltage", r.nominal_voltage, True), ("min_voltage", r.min_voltage, True),
        ("max_voltage", r.max_voltage, True), ("ripple_and_noise", r.ripple_and_noise, False),
        ("min_current", r.min_current, False), ("max_current", r.max_current, False)))  # fmt: skip


class ManagementAccessType(IntEnum):
    """Management Access record sub-record types (§18.4, Table 18-6)."""

    SYSTEM_MANAGEMENT_URL = 0x01
    SYSTEM_NAME = 0x02
    SYSTEM_PING_ADDRESS = 0x03
    COMPONENT_MANAGEMENT_URL = 0x04
    COMPONENT_NAME = 0x05
    COMPONENT_PING_ADDRESS = 0x06
    SYSTEM_UNIQUE_ID = 0x07


@dataclass(frozen=True, kw_only=True)
class ManagementAccess:
    """Management Access record, type 03h (§18.4): a sub-record type and its data (text, or the 16-byte system
    unique ID)."""

    sub_record_type: int
    data: bytes = b""


def decode_management_access(data: bytes) -> ManagementAccess:
    need(data, 1, "management access record")
    return ManagementAccess(sub_record_type=data[0], data=data[1:])


def encode_management_access(r: ManagementAccess) -> bytes:
    return bytes([check_range("sub_record_type", r.sub_record_type, 0, 0xFF)]) + r.data


@dataclass(frozen=True, kw_only=True)
class BaseCompatibility:
    """Base (04h, §18.5, Table 18-7) or Extended (05h, §18.6) Compatibility record: the IANA manufacturer ID,
    entity ID, compatibility base, the first compatibility code and the code range mask bytes."""

    manufacturer_id: int = 0
    entity_id: int = 0
    compatibility_base: int = 0
    code_start: int = 0
    code_range_mask: bytes = b""


def decode_base_compatibility(data: bytes) -> BaseCompatibility:
    need(data, 6, "compatibility record")
    return BaseCompatibility(manufacturer_id=int.from_bytes(data[:3], "little"), entity_id=data[3],
                             compatibility_base=data[4], code_start=data[5] & 0x7F,
                             code_range_mask=data[6:])  # fmt: skip


def encode_base_compatibility(r: BaseCompatibility) -> bytes:
    return (check_range("manufacturer_id", r.manufacturer_id, 0, 0xFFFFFF).to_bytes(3, "little")
            + bytes([check_range("entity_id", r.entity_id, 0, 0xFF),
                     check_range("compatibility_base", r.compatibility_base, 0, 0xFF),
                     check_range("code_start", r.code_start, 0, 0x7F)]) + r.code_range_mask)  # fmt: skip


TypedMultiRecord = PowerSupplyInformation | DcOutput | DcLoad | ManagementAccess | BaseCompatibility
_TYPED_DECODERS: dict[int, Callable[[bytes], TypedMultiRecord]] = {
    MultiRecordType.POWER_SUPPLY_INFORMATION: decode_power_supply_information,
    MultiRecordType.DC_OUTPUT: decode_dc_output,
    MultiRecordType.DC_LOAD: decode_dc_load,
    MultiRecordType.MANAGEMENT_ACCESS: decode_management_access,
    MultiRecordType.BASE_COMPATIBILITY: decode_base_compatibility,
    MultiRecordType.EXTENDED_COMPATIBILITY: decode_base_compatibility,
}


def decode_multirecord(record: MultiRecord) -> TypedMultiRecord | None:
    """The typed content of a MultiRecord whose type has a codec here; None for the others (OEM: C0h-FFh)."""
    decoder = _TYPED_DECODERS.get(record.type_id)
    return decoder(record.data) if decoder is not None else None


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


def format_ipmitool_fru(
    inventory: FruInventory, description: str | None = "Builtin FRU Device (ID 0)", verbose: bool = False
) -> list[str]:
    """The lines of ``ipmitool fru print`` for one FRU device: its description (None: none, as for ``fru print
    ID``), the info areas and, with ``verbose`` (``-v``), the FRU file IDs and the MultiRecords.

    Empty fields are left out, as ipmitool does.
    """
    lines = [f"FRU Device Description : {description}"] if description is not None else []

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
        if verbose:
            add("Board FRU ID", b.fru_file_id)
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
        if verbose:
            add("Product FRU ID", p.fru_file_id)
        for f in p.custom:
            add("Product Extra", f)
    if verbose:
        lines += format_ipmitool_multirecords(inventory.multirecords)
    return lines


_COMBINED_VOLTAGES = ("12 V", "-12 V", "5 V", "3.3 V")  # Table 18-1, byte 20
_PICMG_IANA = 12634


def _ipmitool_power_supply(r: PowerSupplyInformation) -> list[str]:
    predictive, pfc, autoswitch, hot_swap, tach = ((r.flags >> bit) & 1 for bit in range(5))
    if not predictive:
        polarity = ""
    elif r.tachometer_lower_threshold:
        polarity = "'Two pulses per rotation'" if tach else "'One pulse per rotation'"
    else:
        polarity = "'Failure on logic high'" if tach else "'Failure on logic low'"
    flags = "".join(text for bit, text in ((predictive, "'Predictive fail' "), (pfc, "'Power factor correction' "),
                                           (autoswitch, "'Autoswitch voltage' "), (hot_swap, "'Hot swap' "))
                    if bit) + polarity  # fmt: skip

    def voltage(code: int) -> str:
        return _COMBINED_VOLTAGES[code] if code < len(_COMBINED_VOLTAGES) else "reserved"

    combined = "not specified" if not r.total_combined_wattage else (
        f"{r.total_combined_wattage} W ({voltage(r.combined_voltage_1)} and {voltage(r.combined_voltage_2)})")
    rows = [
        ("Capacity", f"{r.overall_capacity} W"), ("Peak VA", f"{r.peak_va} VA"),
        ("Inrush Current", f"{r.inrush_current} A"), ("Inrush Interval", f"{r.inrush_interval} ms"),
        ("Input Voltage Range 1", f"{r.low_input_voltage_1 // 100}-{r.high_input_voltage_1 // 100} V"),
        ("Input Voltage Range 2", f"{r.low_input_voltage_2 // 100}-{r.high_input_voltage_2 // 100} V"),
        ("Input Frequency Range", f"{r.low_input_frequency}-{r.high_input_frequency} Hz"),
        ("A/C Dropout Tolerance", f"{r.ac_dropout_tolerance} ms"), ("Flags", flags),
        ("Peak capacity", f"{r.peak_wattage} W"), ("Peak capacity holdup", f"{r.hold_up_time} s"),
        ("Combined capacity", combined),
    ]  # fmt: skip
    if predictive:
        rows.append(("Fan lower threshold", f"{r.tachometer_lower_threshold} RPS"))
    return [" Power Supply Record", *(f"  {label:<27}: {value}" for label, value in rows)]


def _ipmitool_dc(title: str, words: tuple[str, ...], r: DcOutput | DcLoad) -> list[str]:
    rows = [("Output Number", str(r.output_number))]
    if isinstance(r, DcOutput):
        rows.append(("Standby power", "Yes" if r.standby else "No"))
        volts = (r.nominal_voltage, r.max_negative_deviation, r.max_positive_deviation)
    else:
        volts = (r.nominal_voltage, r.min_voltage, r.max_voltage)
    rows += [(label, f"{value / 100:.2f} V") for label, value in zip(words[:3], volts, strict=True)]
    rows += [("Ripple and noise pk-pk", f"{r.ripple_and_noise} mV"),
             (words[3], f"{r.min_current / 1000:.3f} A"), (words[4], f"{r.max_current / 1000:.3f} A")]  # fmt: skip
    return [f" {title}", *(f"  {label:<27}: {value}" for label, value in rows)]


def format_ipmitool_multirecords(records: tuple[MultiRecord, ...]) -> list[str]:
    """The MultiRecord lines of ``ipmitool fru print`` (1.8.19 ``fru_area_print_multirec``): power supply, DC
    output and DC load records in full, an OEM record (C0h) by its manufacturer; ipmitool prints nothing for the
    other types (management access, compatibility...), and neither does this."""
    from .iana import manufacturer_name

    lines: list[str] = []
    for record in records:
        try:
            typed = decode_multirecord(record) if record.type_id <= MultiRecordType.DC_LOAD else None
        except DecodeError:  # shorter than its type's layout: ipmitool would print stale bytes; leave it out
            continue
        if isinstance(typed, PowerSupplyInformation):
            lines += _ipmitool_power_supply(typed)
        elif isinstance(typed, DcOutput):
            lines += _ipmitool_dc("DC Output Record", ("Nominal voltage", "Max negative deviation",
                                  "Max positive deviation", "Minimum current draw", "Maximum current draw"), typed)
        elif isinstance(typed, DcLoad):
            lines += _ipmitool_dc("DC Load Record", ("Nominal voltage", "Min voltage allowed", "Max voltage allowed",
                                  "Minimum current load", "Maximum current load"), typed)  # fmt: skip
        elif record.type_id == OEM_EXTENSION and len(record.data) >= 3:
            iana = int.from_bytes(record.data[:3], "little")
            name = manufacturer_name(iana)
            lines.append("  PICMG Extension Record" if iana == _PICMG_IANA else f"  OEM ({name}) Record")
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
