"""Records a BMC stores, sans-IO: SDRs (IPMI v2.0 ch. 43), SEL entries (ch. 31-32), FRU inventory (FRU
Information Storage Definition v1.0 rev 1.3), and the spec tables that name their codes (ch. 42-43).

- ``sdr``: SDR records, reading conversion (§36.3), Get Sensor Reading interpretation, ``SdrRepositoryReader``.
- ``sel``: SEL records, event texts as ipmitool and FreeIPMI print them, ``SelReader``.
- ``fru``: FRU areas and MultiRecords, the image encoder for the simulator, ``FruReader``.
- ``tables``: sensor types, event/reading types and offsets, units, entity IDs.

Decoders raise ``ipmifast.errors.DecodeError`` on malformed bytes; encoders raise ``LocalProtocolError`` on
values their field cannot carry. Nothing here touches sockets, clocks or random numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .fru import (
        BoardInfo,
        ChassisInfo,
        FruField,
        FruFieldType,
        FruInventory,
        FruReader,
        MultiRecord,
        ProductInfo,
        decode_fru,
        encode_fru,
        read_fru,
    )
    from .sdr import (
        CompactSensorRecord,
        ConversionFactors,
        EventOnlyRecord,
        FruDeviceLocatorRecord,
        FullSensorRecord,
        GenericDeviceLocatorRecord,
        McDeviceLocatorRecord,
        OemRecord,
        SdrRecord,
        SdrRepositoryReader,
        SensorReading,
        UnknownRecord,
        decode_sdr,
        decode_sensor_reading,
        encode_sdr,
        raw_to_value,
        read_sdr_repository,
        sensor_status,
        value_to_raw,
    )
    from .sel import (
        OemNonTimestampedRecord,
        OemTimestampedRecord,
        SelReader,
        SelRecord,
        SystemEventRecord,
        decode_sel_entry,
        encode_sel_entry,
        read_sel,
    )

#: the submodule of each name: imported on first use, so that a verb needing one table does not build every
#: record class (the command line's start-up)
_HOME = {
    "BoardInfo": "fru",
    "ChassisInfo": "fru",
    "FruField": "fru",
    "FruFieldType": "fru",
    "FruInventory": "fru",
    "FruReader": "fru",
    "MultiRecord": "fru",
    "ProductInfo": "fru",
    "decode_fru": "fru",
    "encode_fru": "fru",
    "read_fru": "fru",
    "CompactSensorRecord": "sdr",
    "ConversionFactors": "sdr",
    "EventOnlyRecord": "sdr",
    "FruDeviceLocatorRecord": "sdr",
    "FullSensorRecord": "sdr",
    "GenericDeviceLocatorRecord": "sdr",
    "McDeviceLocatorRecord": "sdr",
    "OemRecord": "sdr",
    "SdrRecord": "sdr",
    "SdrRepositoryReader": "sdr",
    "SensorReading": "sdr",
    "UnknownRecord": "sdr",
    "decode_sdr": "sdr",
    "decode_sensor_reading": "sdr",
    "encode_sdr": "sdr",
    "raw_to_value": "sdr",
    "read_sdr_repository": "sdr",
    "sensor_status": "sdr",
    "value_to_raw": "sdr",
    "OemNonTimestampedRecord": "sel",
    "OemTimestampedRecord": "sel",
    "SelReader": "sel",
    "SelRecord": "sel",
    "SystemEventRecord": "sel",
    "decode_sel_entry": "sel",
    "encode_sel_entry": "sel",
    "read_sel": "sel",
}


def __getattr__(name: str) -> Any:
    import importlib

    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'ipmifast.records' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ipmifast.records.{home}"), name)
    globals()[name] = value
    return value

__all__ = [
    "BoardInfo",
    "ChassisInfo",
    "CompactSensorRecord",
    "ConversionFactors",
    "EventOnlyRecord",
    "FruDeviceLocatorRecord",
    "FruField",
    "FruFieldType",
    "FruInventory",
    "FruReader",
    "FullSensorRecord",
    "GenericDeviceLocatorRecord",
    "McDeviceLocatorRecord",
    "MultiRecord",
    "OemNonTimestampedRecord",
    "OemRecord",
    "OemTimestampedRecord",
    "ProductInfo",
    "SdrRecord",
    "SdrRepositoryReader",
    "SelReader",
    "SelRecord",
    "SensorReading",
    "SystemEventRecord",
    "UnknownRecord",
    "decode_fru",
    "decode_sdr",
    "decode_sel_entry",
    "decode_sensor_reading",
    "encode_fru",
    "encode_sdr",
    "encode_sel_entry",
    "raw_to_value",
    "read_fru",
    "read_sdr_repository",
    "read_sel",
    "sensor_status",
    "value_to_raw",
]
