"""Hypothesis strategies for every record type, drawing each field over its whole encodable range."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ipmifast.records import fru, sdr, sel
from ipmifast.records.tables import IdStringType

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u4 = st.integers(0, 15)
u2 = st.integers(0, 3)
u7 = st.integers(0, 0x7F)

_LATIN1 = st.text(st.characters(min_codepoint=0, max_codepoint=0xFF), max_size=16)
_ASCII6 = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x5F), max_size=21).filter(
    lambda s: len(s) % 4 != 3  # 3 characters take 3 bytes, which decode as 4 (a trailing space)
)
_BCD = st.text(st.sampled_from("0123456789 -.:,_"), max_size=32).filter(lambda s: len(s) % 2 == 0)


@st.composite
def id_strings(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(IdStringType)))
    if kind == IdStringType.BCD_PLUS:
        text = draw(_BCD)
    elif kind == IdStringType.ASCII_6BIT:
        text = draw(_ASCII6)
    else:
        text = draw(_LATIN1)
    return {"id_string": text, "id_string_type": kind}


def _entity() -> dict[str, st.SearchStrategy[object]]:
    return {"entity_id": u8, "entity_instance": u7, "entity_is_logical": st.booleans()}


def _key() -> dict[str, st.SearchStrategy[object]]:
    return {"record_id": u16, "sdr_version": u8, "sensor_owner_id": u8, "sensor_owner_lun": u2, "channel": u4,
            "sensor_number": u8}  # fmt: skip


def _common() -> dict[str, st.SearchStrategy[object]]:
    return {
        **_key(), **_entity(), "sensor_initialization": u8, "sensor_capabilities": u8, "sensor_type": u8,
        "event_reading_type": u8, "assertion_mask": u16, "deassertion_mask": u16, "reading_mask": u16,
        "analog_data_format": u2, "rate_unit": st.integers(0, 7), "modifier_relation": u2,
        "percentage": st.booleans(), "base_unit": u8, "modifier_unit": u8,
    }  # fmt: skip


@st.composite
def full_records(draw: st.DrawFn) -> sdr.FullSensorRecord:
    fields: dict[str, Any] = draw(st.fixed_dictionaries({
        **_common(), "linearization": u7, "m": st.integers(-512, 511), "tolerance": st.integers(0, 63),
        "b": st.integers(-512, 511), "accuracy": st.integers(0, 1023), "accuracy_exp": u2, "sensor_direction": u2,
        "r_exp": st.integers(-8, 7), "b_exp": st.integers(-8, 7), "nominal_reading_specified": st.booleans(),
        "normal_max_specified": st.booleans(), "normal_min_specified": st.booleans(), "nominal_reading": u8,
        "normal_max": u8, "normal_min": u8, "sensor_max": u8, "sensor_min": u8, "upper_non_recoverable": u8,
        "upper_critical": u8, "upper_non_critical": u8, "lower_non_recoverable": u8, "lower_critical": u8,
        "lower_non_critical": u8, "positive_hysteresis": u8, "negative_hysteresis": u8, "oem": u8,
    }))  # fmt: skip
    return sdr.FullSensorRecord(**fields, **draw(id_strings()))


@st.composite
def compact_records(draw: st.DrawFn) -> sdr.CompactSensorRecord:
    fields: dict[str, Any] = draw(st.fixed_dictionaries({
        **_common(), "sensor_direction": u2, "id_instance_modifier_type": u2, "share_count": u4,
        "entity_instance_sharing": st.booleans(), "id_instance_modifier_offset": u7, "positive_hysteresis": u8,
        "negative_hysteresis": u8, "oem": u8,
    }))  # fmt: skip
    return sdr.CompactSensorRecord(**fields, **draw(id_strings()))


@st.composite
def event_only_records(draw: st.DrawFn) -> sdr.EventOnlyRecord:
    fields: dict[str, Any] = draw(st.fixed_dictionaries({
        **_key(), **_entity(), "fru_owner_lun": u2, "sensor_type": u8, "event_reading_type": u8,
        "sensor_direction": u2, "id_instance_modifier_type": u2, "share_count": u4,
        "entity_instance_sharing": st.booleans(), "id_instance_modifier_offset": u7, "oem": u8,
    }))  # fmt: skip
    return sdr.EventOnlyRecord(**fields, **draw(id_strings()))


@st.composite
def generic_locators(draw: st.DrawFn) -> sdr.GenericDeviceLocatorRecord:
    fields: dict[str, Any] = draw(st.fixed_dictionaries({
        "record_id": u16, "sdr_version": u8, **_entity(), "device_access_address": u8,
        "device_slave_address": u7.map(lambda a: a << 1), "channel": u4, "access_lun": u2,
        "private_bus_id": st.integers(0, 7), "address_span": st.integers(0, 7), "device_type": u8,
        "device_type_modifier": u8, "oem": u8,
    }))  # fmt: skip
    return sdr.GenericDeviceLocatorRecord(**fields, **draw(id_strings()))


@st.composite
def fru_locators(draw: st.DrawFn) -> sdr.FruDeviceLocatorRecord:
    fields: dict[str, Any] = draw(st.fixed_dictionaries({
        "record_id": u16, "sdr_version": u8, **_entity(), "device_access_address": u8, "fru_device_id": u8,
        "logical": st.booleans(), "access_lun": u2, "private_bus_id": st.integers(0, 7), "channel": u4,
        "device_type": u8, "device_type_modifier": u8, "oem": u8,
    }))  # fmt: skip
    return sdr.FruDeviceLocatorRecord(**fields, **draw(id_strings()))


@st.composite
def mc_locators(draw: st.DrawFn) -> sdr.McDeviceLocatorRecord:
    fields: dict[str, Any] = draw(st.fixed_dictionaries({
        "record_id": u16, "sdr_version": u8, **_entity(), "device_slave_address": u8, "channel": u4,
        "power_state_notification": st.integers(0, 7), "global_initialization": u4, "device_capabilities": u8,
        "oem": u8,
    }))  # fmt: skip
    return sdr.McDeviceLocatorRecord(**fields, **draw(id_strings()))


oem_records = st.builds(sdr.OemRecord, record_id=u16, sdr_version=u8, manufacturer_id=st.integers(0, 0xFFFFFF),
                        data=st.binary(max_size=56))  # fmt: skip
unknown_records = st.builds(
    sdr.UnknownRecord, record_id=u16, sdr_version=u8,
    record_type=u8.filter(lambda t: t not in (0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0xC0)), body=st.binary(max_size=60),
)  # fmt: skip

sdr_records = st.one_of(full_records(), compact_records(), event_only_records(), generic_locators(), fru_locators(),
                        mc_locators(), oem_records, unknown_records)  # fmt: skip

system_events = st.builds(
    sel.SystemEventRecord, record_id=u16, timestamp=st.integers(0, 0xFFFFFFFF), generator_id=u16, evm_rev=u8,
    sensor_type=u8, sensor_number=u8, deassertion=st.booleans(), event_type=u7, event_data1=u8, event_data2=u8,
    event_data3=u8,
)  # fmt: skip
oem_timestamped = st.builds(sel.OemTimestampedRecord, record_id=u16, record_type=st.integers(0xC0, 0xDF),
                            timestamp=st.integers(0, 0xFFFFFFFF), manufacturer_id=st.integers(0, 0xFFFFFF),
                            data=st.binary(min_size=6, max_size=6))  # fmt: skip
oem_non_timestamped = st.builds(sel.OemNonTimestampedRecord, record_id=u16, record_type=st.integers(0xE0, 0xFF),
                                data=st.binary(min_size=13, max_size=13))  # fmt: skip
unknown_sel = st.builds(sel.UnknownSelRecord, record_id=u16,
                        record_type=st.integers(0x00, 0xBF).filter(lambda t: t != 0x02),
                        data=st.binary(min_size=13, max_size=13))  # fmt: skip
sel_records = st.one_of(system_events, oem_timestamped, oem_non_timestamped, unknown_sel)


@st.composite
def fru_fields(draw: st.DrawFn, unicode: bool = False) -> fru.FruField:
    kind = draw(st.sampled_from(list(fru.FruFieldType)))
    if kind == fru.FruFieldType.TEXT:
        data = draw(st.binary(max_size=63).filter(lambda b: len(b) != 1))
        return fru.FruField(data, kind, unicode)
    return fru.FruField(draw(st.binary(max_size=63)), kind)


@st.composite
def fru_inventories(draw: st.DrawFn) -> fru.FruInventory:
    def custom(unicode: bool = False) -> st.SearchStrategy[tuple[fru.FruField, ...]]:
        return st.lists(fru_fields(unicode), max_size=3).map(tuple)

    chassis = draw(st.none() | st.builds(fru.ChassisInfo, chassis_type=u8, part_number=fru_fields(),
                                         serial_number=fru_fields(), custom=custom()))  # fmt: skip
    board_language = draw(st.sampled_from([0, 25, 1, 0x87]))
    board_unicode = board_language not in (0, 25)
    board = draw(st.none() | st.builds(
        fru.BoardInfo, language=st.just(board_language), mfg_minutes=st.integers(0, 0xFFFFFF),
        manufacturer=fru_fields(board_unicode), product_name=fru_fields(board_unicode),
        serial_number=fru_fields(board_unicode), part_number=fru_fields(board_unicode),
        fru_file_id=fru_fields(board_unicode), custom=custom(board_unicode),
    ))  # fmt: skip
    product = draw(st.none() | st.builds(
        fru.ProductInfo, language=st.just(0), manufacturer=fru_fields(), product_name=fru_fields(),
        part_number=fru_fields(), product_version=fru_fields(), serial_number=fru_fields(), asset_tag=fru_fields(),
        fru_file_id=fru_fields(), custom=custom(),
    ))  # fmt: skip
    internal = draw(st.none() | st.builds(
        fru.InternalUseArea, data=st.integers(0, 4).flatmap(lambda n: st.binary(min_size=8 * n + 7, max_size=8 * n + 7))
    ))  # fmt: skip
    records = draw(st.lists(st.builds(fru.MultiRecord, type_id=u8, data=st.binary(max_size=40)), max_size=3))
    return fru.FruInventory(internal_use=internal, chassis=chassis, board=board, product=product,
                            multirecords=tuple(records))  # fmt: skip
