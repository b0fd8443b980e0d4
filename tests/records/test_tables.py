"""The spec tables: complete, consistent, and spelled as the reference clients print them."""

from __future__ import annotations

import pytest

from ipmifast.records import tables
from ipmifast.records.tables import EntityId, EventReadingType, SensorType, Unit


def test_every_sensor_type_has_names_in_both_spellings() -> None:
    for code in SensorType:
        assert tables.sensor_type_text(code) not in ("", "Unknown")
        assert tables.sensor_type_text(code, "freeipmi") not in ("", "Unknown")
    assert tables.sensor_type_text(0xC0) == "Unknown"
    assert tables.sensor_type_text(0xC0, "freeipmi") == "OEM Reserved"
    assert tables.sensor_type_text(SensorType.PHYSICAL_SECURITY) == "Physical Security"  # VERIFIED.md sel list


def test_unit_tables_cover_table_43_15() -> None:
    assert len(tables.UNIT_TEXT) == len(tables.UNIT_ABBREVIATION) == len(Unit) == 93
    assert (tables.UNIT_TEXT[Unit.DEGREES_C], tables.UNIT_ABBREVIATION[Unit.DEGREES_C]) == ("degrees C", "C")
    assert (tables.UNIT_TEXT[Unit.RPM], tables.UNIT_TEXT[Unit.WATTS]) == ("RPM", "Watts")


def test_entity_names() -> None:
    for code in EntityId:
        assert tables.entity_id_text(code) != "Reserved"
    assert tables.entity_id_text(0x36) == "Reserved"
    assert tables.entity_id_text(0x95) == "Chassis-specific"
    assert tables.entity_id_text(0xD1) == "OEM system integrator defined"


def test_offset_tables_are_keyed_by_the_spec_codes() -> None:
    assert set(tables.GENERIC_OFFSETS) == set(range(0x01, 0x0D))
    for sensor_type, offsets in tables.SENSOR_SPECIFIC_OFFSETS.items():
        assert sensor_type in SensorType.__members__.values() or sensor_type in (0xF0, 0xF1, 0xF2)  # PICMG
        assert all(0 <= offset <= 14 for offset in offsets)
        assert all(entry.text("ipmitool") or entry.text("freeipmi") for entry in offsets.values())
        if sensor_type < 0xC0:
            assert all(entry.text("freeipmi") for entry in offsets.values())  # every offset the spec defines
    assert len(tables.SENSOR_SPECIFIC_OFFSETS) == 33


@pytest.mark.parametrize(
    ("code", "kind"),
    [(0x00, "unspecified"), (0x01, "threshold"), (0x0C, "generic"), (0x6F, "sensor-specific"), (0x70, "oem"),
     (0x7F, "oem"), (0x0D, "unspecified")],
)  # fmt: skip
def test_event_reading_classes(code: int, kind: str) -> None:
    assert tables.event_reading_class(code) == kind


def test_offset_texts_as_the_clients_print_them() -> None:
    text = tables.event_offset_text
    assert text(EventReadingType.THRESHOLD, 0, 7) == "Upper Non-critical going high"
    assert text(EventReadingType.THRESHOLD, 0, 2) == "Lower Critical going low "  # ipmitool's trailing blank
    assert text(EventReadingType.THRESHOLD, 0, 7, "freeipmi") == "Upper Non-critical - going high"
    assert text(0x6F, SensorType.POWER_SUPPLY, 0) == "Presence detected"
    assert text(0x6F, SensorType.PHYSICAL_SECURITY, 0) == "General Chassis intrusion"
    assert text(0x6F, SensorType.PHYSICAL_SECURITY, 0, "freeipmi") == "General Chassis Intrusion"
    assert text(0x6F, SensorType.POWER_SUPPLY, 6, event_data2=2) == "Config Error: Processor Missing"
    assert text(0x6F, SensorType.POWER_SUPPLY, 9) is None
    assert text(0x6F, 0xC5, 0) is None
    assert text(0x6F, 0xF0, 4) == "Transition to M4"  # PICMG, as ipmitool decodes it
