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
