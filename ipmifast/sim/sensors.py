"""The virtual BMC's SDR repository and sensors (§33, §35), its SEL (§31) and FRU 0 (§34).

- SDR repository (§33.9-33.12): an MC device locator, a FRU device locator, full threshold sensor records (CPU and
  inlet temperatures, 12 V / 5 V / 3.3 V, two fans, PSU input power), a compact presence sensor (PS1 Status), a
  compact chassis intrusion sensor and an event-only Power Unit sensor (the SEL's power events). The records are
  the same on every BMC; Get SDR reads them in parts, with a reservation for offsets other than 0 (C5h when it is
  stale) and CAh beyond ``SDR_READ_MAX`` bytes (FFh still reads the whole record, as §33.12 allows).
- Readings (§35.14) are a function of the BMC's seed (from its GUID), the fleet clock and the power state, so they
  are deterministic and cost nothing between requests: each sensor has a base value plus noise that changes every
  ``NOISE_PERIOD`` seconds. Powered on, the CPU settles ``CPU_RISE`` degrees above the inlet, fans follow the CPU,
  the PSU draws ~200 W; powered off, the CPU decays towards the inlet (time constant ``THERMAL_TAU``), fans read 0
  RPM (crossing their lower thresholds) and the PSU 0 W. Voltages are measured on standby power and stay put.
  Threshold status bits (Table 35-15 byte 3) compare the raw reading with the record's raw thresholds.
- SEL (§31): seeded with a few entries when the BMC's sensor state is first used; power transitions (recorded by
  ``ChassisState.set_power``, so none is missed before) and threshold crossings become system event records
  (Table 32-1). Crossings are found lazily, when a sensor or SEL command runs, and are stamped with that time;
  the first such command logs the thresholds already crossed, as a BMC's first sensor scan does.
  ``SEL_MAX`` entries at most: a full SEL drops new events and reports the overflow flag (Get SEL Info byte 14,
  bit 7), as §31.2 describes, until Clear SEL.
- FRU 0 (§34): chassis, board and product areas (Platform Management FRU spec §10-12), read in parts of at most
  ``FRU_READ_MAX`` bytes (CAh above).

The per-BMC state lives in ``VirtualBmc.extensions["sensors"]``, created on the first command that needs it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ipmifast.errors import DecodeError
from ipmifast.proto.consts import CompletionCode, NetFn, Privilege
from ipmifast.records.fru import (
    BoardInfo,
    ChassisInfo,
    ChassisType,
    DcLoad,
    DcOutput,
    FruField,
    FruInventory,
    MultiRecord,
    MultiRecordType,
    PowerSupplyInformation,
    ProductInfo,
    encode_dc_load,
    encode_dc_output,
    encode_fru,
    encode_power_supply_information,
)
from ipmifast.records.sdr import (
    RECORD_ID_LAST,
    CompactSensorRecord,
    EventOnlyRecord,
    FruDeviceLocatorRecord,
    FullSensorRecord,
    McDeviceLocatorRecord,
    SdrRecord,
    SensorReading,
    StorageCmd,
    encode_sdr,
    encode_sensor_reading,
    value_to_raw,
)
from ipmifast.records.sel import SEL_ENTRY_LEN, SystemEventRecord, encode_sel_entry
from ipmifast.records.tables import EntityId, EventReadingType, SensorType, ThresholdMask, Unit
from ipmifast.sim.bmc import PRIVILEGE
from ipmifast.sim.handlers import Context, Result, handles

if TYPE_CHECKING:
    from ipmifast.sim.bmc import VirtualBmc

CC = CompletionCode
EXTENSION = "sensors"
SDR_VERSION = 0x51
SEL_VERSION = 0x51
SDR_READ_MAX = 32  # Get SDR: more bytes than this (other than FFh) answer CAh
FRU_READ_MAX = 32  # Read FRU Data: likewise
SEL_MAX = 512
NOISE_PERIOD = 10.0  # seconds a reading's noise stays the same
THERMAL_TAU = 60.0  # seconds: how fast temperatures follow the power state
CPU_RISE = 23.0  # degrees C above the inlet, powered on
#: Clear SEL (§31.9): "CLR", then AAh to initiate the erase or 00h to get its status; 01h: erasure completed
CLEAR_SEL_CLR = b"CLR"
CLEAR_SEL_INITIATE = 0xAA
CLEAR_SEL_GET_STATUS = 0x00
ERASURE_COMPLETED = 0x01
#: Get SDR Repository Info / Get SEL Info operation support: Reserve supported (bit 1)
RESERVE_SUPPORTED = 0x02
SEL_OVERFLOW = 0x80
#: Table 42-3 offsets used by the SEL's events
POWER_OFF_DOWN = 0x00  # Power Unit (09h)
PRESENCE_DETECTED = 0x00  # Power Supply (08h)
GENERAL_CHASSIS_INTRUSION = 0x00  # Physical Security (05h)
#: event data 1 of threshold events: trigger reading in byte 2, trigger threshold in byte 3 (Table 29-6)
THRESHOLD_EVENT_DATA = 0x50
#: threshold → its "going low" / "going high" event offset (Table 42-2)
THRESHOLD_OFFSET = {
    ThresholdMask.LOWER_NON_CRITICAL: 0x00,
    ThresholdMask.LOWER_CRITICAL: 0x02,
    ThresholdMask.LOWER_NON_RECOVERABLE: 0x04,
    ThresholdMask.UPPER_NON_CRITICAL: 0x07,
    ThresholdMask.UPPER_CRITICAL: 0x09,
    ThresholdMask.UPPER_NON_RECOVERABLE: 0x0B,
}
_LOWER = ThresholdMask.LOWER_NON_CRITICAL | ThresholdMask.LOWER_CRITICAL | ThresholdMask.LOWER_NON_RECOVERABLE
_THRESHOLD_FIELD = {
    ThresholdMask.LOWER_NON_CRITICAL: "lower_non_critical",
    ThresholdMask.LOWER_CRITICAL: "lower_critical",
    ThresholdMask.LOWER_NON_RECOVERABLE: "lower_non_recoverable",
    ThresholdMask.UPPER_NON_CRITICAL: "upper_non_critical",
    ThresholdMask.UPPER_CRITICAL: "upper_critical",
    ThresholdMask.UPPER_NON_RECOVERABLE: "upper_non_recoverable",
}
CC_NOT_PRESENT = CC.NOT_PRESENT
CC_RESERVATION = CC.RESERVATION_CANCELLED
CC_TOO_MANY_BYTES = CC.CANNOT_RETURN_REQUESTED_BYTES
CC_OUT_OF_RANGE = CC.PARAMETER_OUT_OF_RANGE

#: Table G-1 privileges of the commands below (``cmds.COMMANDS`` does not list them; the dispatcher's default is
#: ADMINISTRATOR, which would lock out FreeIPMI's default USER sessions)
COMMAND_PRIVILEGE = {
    (NetFn.STORAGE, StorageCmd.GET_SDR_REPOSITORY_INFO): Privilege.USER,
    (NetFn.STORAGE, StorageCmd.RESERVE_SDR_REPOSITORY): Privilege.USER,
    (NetFn.STORAGE, StorageCmd.GET_SDR): Privilege.USER,
    (NetFn.STORAGE, StorageCmd.GET_SEL_INFO): Privilege.USER,
    (NetFn.STORAGE, StorageCmd.RESERVE_SEL): Privilege.USER,
    (NetFn.STORAGE, StorageCmd.GET_SEL_ENTRY): Privilege.USER,
    (NetFn.STORAGE, 0x47): Privilege.OPERATOR,  # Clear SEL
    (NetFn.STORAGE, 0x48): Privilege.USER,  # Get SEL Time
    (NetFn.STORAGE, 0x49): Privilege.OPERATOR,  # Set SEL Time
    (NetFn.STORAGE, StorageCmd.GET_FRU_INVENTORY_AREA_INFO): Privilege.USER,
    (NetFn.STORAGE, StorageCmd.READ_FRU_DATA): Privilege.USER,
    (NetFn.SENSOR_EVENT, 0x25): Privilege.USER,  # Get Sensor Hysteresis
    (NetFn.SENSOR_EVENT, 0x27): Privilege.USER,  # Get Sensor Thresholds
    (NetFn.SENSOR_EVENT, 0x2D): Privilege.USER,  # Get Sensor Reading
}
for _key, _level in COMMAND_PRIVILEGE.items():
    PRIVILEGE.setdefault((int(_key[0]), int(_key[1])), int(_level))

# ------------------------------------------------------------------------------------------------ the records

# sensor numbers
CPU1_TEMP, INLET_TEMP, P12V, P5V, P3V3, FAN1, FAN2, PSU1_POWER = 0x01, 0x02, 0x10, 0x11, 0x12, 0x20, 0x21, 0x30
PS1_STATUS, INTRUSION, POWER_UNIT = 0x31, 0x50, 0x40

_THRESHOLD_INIT = 0x7F  # settable no; init scanning, events, thresholds, hysteresis, type; events and scanning on
_THRESHOLD_CAPS = 0x68  # auto re-arm, hysteresis readable, thresholds readable, per-threshold event control


def _full(number: int, name: str, sensor_type: int, entity: int, unit: int, m: int, r_exp: int,
          thresholds: dict[ThresholdMask, int], nominal: int) -> FullSensorRecord:
    readable = ThresholdMask(0)
    for bit in thresholds:
        readable |= bit
    events = 0
    for bit in thresholds:
        events |= 1 << THRESHOLD_OFFSET[bit]
    return FullSensorRecord(
        sensor_number=number, entity_id=entity, entity_instance=1, sensor_initialization=_THRESHOLD_INIT,
        sensor_capabilities=_THRESHOLD_CAPS, sensor_type=sensor_type, event_reading_type=EventReadingType.THRESHOLD,
        assertion_mask=events, deassertion_mask=events, reading_mask=int(readable), base_unit=unit, m=m, r_exp=r_exp,
        nominal_reading_specified=True, nominal_reading=nominal,
        **{_THRESHOLD_FIELD[bit]: raw for bit, raw in thresholds.items()},  # type: ignore[arg-type]
        id_string=name,
    )


_T = ThresholdMask
SENSORS: tuple[FullSensorRecord | CompactSensorRecord, ...] = (
    _full(CPU1_TEMP, "CPU1 Temp", SensorType.TEMPERATURE, EntityId.PROCESSOR, Unit.DEGREES_C, 1, 0,
          {_T.UPPER_NON_CRITICAL: 85, _T.UPPER_CRITICAL: 95, _T.UPPER_NON_RECOVERABLE: 100}, 45),
    _full(INLET_TEMP, "Inlet Temp", SensorType.TEMPERATURE, EntityId.AIR_INLET, Unit.DEGREES_C, 1, 0,
          {_T.LOWER_CRITICAL: 0, _T.LOWER_NON_CRITICAL: 5, _T.UPPER_NON_CRITICAL: 40, _T.UPPER_CRITICAL: 45,
           _T.UPPER_NON_RECOVERABLE: 50}, 23),
    _full(P12V, "12V", SensorType.VOLTAGE, EntityId.SYSTEM_BOARD, Unit.VOLTS, 6, -2,  # 0.06 V per count
          {_T.LOWER_NON_RECOVERABLE: 170, _T.LOWER_CRITICAL: 180, _T.LOWER_NON_CRITICAL: 190,
           _T.UPPER_NON_CRITICAL: 210, _T.UPPER_CRITICAL: 220, _T.UPPER_NON_RECOVERABLE: 230}, 200),
    _full(P5V, "5V", SensorType.VOLTAGE, EntityId.SYSTEM_BOARD, Unit.VOLTS, 25, -3,  # 0.025 V per count
          {_T.LOWER_NON_RECOVERABLE: 170, _T.LOWER_CRITICAL: 180, _T.LOWER_NON_CRITICAL: 190,
           _T.UPPER_NON_CRITICAL: 210, _T.UPPER_CRITICAL: 220, _T.UPPER_NON_RECOVERABLE: 230}, 200),
    _full(P3V3, "3.3V", SensorType.VOLTAGE, EntityId.SYSTEM_BOARD, Unit.VOLTS, 165, -4,  # 0.0165 V per count
          {_T.LOWER_NON_RECOVERABLE: 170, _T.LOWER_CRITICAL: 180, _T.LOWER_NON_CRITICAL: 190,
           _T.UPPER_NON_CRITICAL: 210, _T.UPPER_CRITICAL: 220, _T.UPPER_NON_RECOVERABLE: 230}, 200),
    _full(FAN1, "FAN1", SensorType.FAN, EntityId.FAN_COOLING_DEVICE, Unit.RPM, 50, 0,  # 50 RPM per count
          {_T.LOWER_NON_RECOVERABLE: 5, _T.LOWER_CRITICAL: 10, _T.LOWER_NON_CRITICAL: 20}, 110),
    _full(FAN2, "FAN2", SensorType.FAN, EntityId.FAN_COOLING_DEVICE, Unit.RPM, 50, 0,
          {_T.LOWER_NON_RECOVERABLE: 5, _T.LOWER_CRITICAL: 10, _T.LOWER_NON_CRITICAL: 20}, 110),
    _full(PSU1_POWER, "PSU1 Power", SensorType.OTHER_UNITS, EntityId.POWER_SUPPLY, Unit.WATTS, 4, 0,
          {_T.UPPER_NON_CRITICAL: 200, _T.UPPER_CRITICAL: 225}, 50),
    CompactSensorRecord(
        sensor_number=PS1_STATUS, entity_id=EntityId.POWER_SUPPLY, sensor_initialization=0x63,
        sensor_capabilities=0x40, sensor_type=SensorType.POWER_SUPPLY,
        event_reading_type=EventReadingType.SENSOR_SPECIFIC, assertion_mask=0x0001, deassertion_mask=0x0001,
        reading_mask=0x0001, id_string="PS1 Status",
    ),
    CompactSensorRecord(
        sensor_number=INTRUSION, entity_id=EntityId.SYSTEM_CHASSIS, sensor_initialization=0x63,
        sensor_capabilities=0x40, sensor_type=SensorType.PHYSICAL_SECURITY,
        event_reading_type=EventReadingType.SENSOR_SPECIFIC, assertion_mask=0x0001, deassertion_mask=0x0001,
        reading_mask=0x0001, id_string="Intrusion",
    ),
)
SENSOR_BY_NUMBER = {r.sensor_number: r for r in SENSORS}
POWER_UNIT_RECORD = EventOnlyRecord(
    sensor_number=POWER_UNIT, entity_id=EntityId.POWER_UNIT, sensor_type=SensorType.POWER_UNIT,
    event_reading_type=EventReadingType.SENSOR_SPECIFIC, id_string="Power Unit",
)


def _repository() -> tuple[bytes, ...]:
    records: list[SdrRecord] = [
        McDeviceLocatorRecord(device_slave_address=0x20, device_capabilities=0x87,  # chassis, SEL, SDR, sensors
                              entity_id=EntityId.SYSTEM_MANAGEMENT_MODULE, id_string="BMC"),
        FruDeviceLocatorRecord(device_access_address=0x20, fru_device_id=0, logical=True,
                               entity_id=EntityId.SYSTEM_BOARD, id_string="Builtin FRU"),
        *SENSORS,
        POWER_UNIT_RECORD,
    ]
    return tuple(encode_sdr(replace(record, record_id=i)) for i, record in enumerate(records, start=1))


SDR_RECORDS = _repository()
#: timestamps of the repository's last addition and erase (fixed: it never changes)
SDR_ADDED = 0x5F5E1000

FRU_IMAGE = encode_fru(
    FruInventory(
        chassis=ChassisInfo(chassis_type=ChassisType.RACK_MOUNT_CHASSIS, part_number=FruField.of("CH-1U-0001"),
                            serial_number=FruField.of("CS0000000")),
        board=BoardInfo(language=0, mfg_minutes=14_000_000, manufacturer=FruField.of("ipmifast"),
                        product_name=FruField.of("Virtual Board"), serial_number=FruField.of("BS0000000"),
                        part_number=FruField.of("VB-0001"), fru_file_id=FruField.of("")),
        product=ProductInfo(language=0, manufacturer=FruField.of("ipmifast"),
                            product_name=FruField.of("Virtual Server"), part_number=FruField.of("VS-0001"),
                            product_version=FruField.of("1.0"), serial_number=FruField.of("PS0000000"),
                            asset_tag=FruField.of(""), fru_file_id=FruField.of("")),
        # the power supply of PSU1 (sensors 30h/31h) and its 12 V rail, as a MultiRecord area (§16, §18.1-18.3)
        multirecords=(
            MultiRecord(type_id=MultiRecordType.POWER_SUPPLY_INFORMATION, data=encode_power_supply_information(
                PowerSupplyInformation(
                    overall_capacity=800, peak_va=900, inrush_current=40, inrush_interval=5,
                    low_input_voltage_1=9000, high_input_voltage_1=14000, low_input_voltage_2=18000,
                    high_input_voltage_2=26400, low_input_frequency=47, high_input_frequency=63,
                    ac_dropout_tolerance=20, flags=0x0E, peak_wattage=900, hold_up_time=2, combined_voltage_1=0,
                    combined_voltage_2=2, total_combined_wattage=400, tachometer_lower_threshold=0))),
            MultiRecord(type_id=MultiRecordType.DC_OUTPUT, data=encode_dc_output(DcOutput(
                standby=False, output_number=1, nominal_voltage=1200, max_negative_deviation=-60,
                max_positive_deviation=60, ripple_and_noise=120, min_current=100, max_current=50000))),
            MultiRecord(type_id=MultiRecordType.DC_LOAD, data=encode_dc_load(DcLoad(
                output_number=1, nominal_voltage=1200, min_voltage=1140, max_voltage=1260, ripple_and_noise=120,
                min_current=0, max_current=45000))),
            MultiRecord(type_id=0xC0, data=bytes.fromhex("d97e00") + b"ipmifast"),  # OEM: IANA 32473 (example)
        ),
    ),
    size=512,
)

# ------------------------------------------------------------------------------------------------ the model


def _mix(*values: int) -> int:
    """splitmix64 over ``values``: deterministic, unlike ``hash`` of a str."""
    x = 0x9E3779B97F4A7C15
    for v in values:
        x = (x ^ (v & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
        x = x * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
    return x


def _noise(seed: int, number: int, now: float) -> float:
    """A value in [-1, 1) for this sensor, constant for ``NOISE_PERIOD`` seconds."""
    return _mix(seed, number, math.floor(now / NOISE_PERIOD)) / 2.0**63 - 1.0


def sensor_value(bmc: VirtualBmc, seed: int, number: int, now: float) -> float:
    """The simulated value of threshold sensor ``number`` at ``now``, in the record's units."""
    c = bmc.state.chassis
    inlet = 21.0 + seed % 5 + 0.4 * _noise(seed, INLET_TEMP, now)
    since = max(0.0, now - c.power_changed_at)
    warm = CPU_RISE + (seed >> 8) % 6
    if c.power_on:
        cpu = inlet + warm * (1.0 - math.exp(-since / THERMAL_TAU))
    else:
        cpu = inlet + warm * math.exp(-since / THERMAL_TAU)
    if number == INLET_TEMP:
        return inlet
    if number == CPU1_TEMP:
        return cpu + 0.6 * _noise(seed, number, now)
    if number in (FAN1, FAN2):
        if not c.power_on:
            return 0.0
        return 4200.0 + 70.0 * (cpu - inlet) + 120.0 * _noise(seed, number, now)
    if number == PSU1_POWER:
        return 180.0 + (seed >> 16) % 40 + 12.0 * _noise(seed, number, now) if c.power_on else 0.0
    nominal = {P12V: 12.0, P5V: 5.0, P3V3: 3.3}[number]
    return nominal * (1.0 + 0.008 * _noise(seed, number, now))


def threshold_status(record: FullSensorRecord, raw: int) -> ThresholdMask:
    """Table 35-15 byte 3: at or below each lower threshold, at or above each upper one (raw comparison)."""
    status = ThresholdMask(0)
    for bit, name in _THRESHOLD_FIELD.items():
        if not record.readable_thresholds & bit:
            continue
        limit = getattr(record, name)
        if raw <= limit if bit & _LOWER else raw >= limit:
            status |= bit
    return status


def reading(bmc: VirtualBmc, seed: int, number: int, now: float) -> SensorReading | None:
    """Get Sensor Reading's answer for sensor ``number`` at ``now`` (None: no such readable sensor)."""
    record = SENSOR_BY_NUMBER.get(number)
    if record is None:
        return None
    if isinstance(record, FullSensorRecord):
        raw = value_to_raw(record, sensor_value(bmc, seed, number, now))
        return SensorReading(raw=raw, threshold_status=threshold_status(record, raw))
    if number == INTRUSION:
        return SensorReading(raw=0, states=int(bmc.state.chassis.intrusion))
    return SensorReading(raw=0, states=1 << PRESENCE_DETECTED)


# ------------------------------------------------------------------------------------------------ per-BMC state


@dataclass(slots=True)
class SensorDevice:
    """A BMC's sensor, SEL and repository state (``VirtualBmc.extensions["sensors"]``)."""

    seed: int
    #: SEL time = fleet clock + ``time_offset`` (Set SEL Time moves it)
    time_offset: float
    sdr_reservation: int = 0
    sel_reservation: int = 0
    sel: list[bytes] = field(default_factory=list)
    next_record_id: int = 1
    last_add: int = 0xFFFFFFFF
    last_erase: int = 0xFFFFFFFF
    overflow: bool = False
    status: dict[int, ThresholdMask] = field(default_factory=dict)

    def timestamp(self, now: float) -> int:
        return int(now + self.time_offset) & 0xFFFFFFFF

    def log(self, now: float, sensor_type: int, number: int, event_type: int, data1: int, data2: int = 0xFF,
            data3: int = 0xFF, deassertion: bool = False) -> None:
        """Append a system event record (Table 32-1), or set the overflow flag if the SEL is full."""
        if len(self.sel) >= SEL_MAX:
            self.overflow = True
            return
        record_id = self.next_record_id
        self.next_record_id = record_id + 1 if record_id < 0xFFFE else 1
        stamp = self.timestamp(now)
        self.sel.append(encode_sel_entry(SystemEventRecord(
            record_id=record_id, timestamp=stamp, sensor_type=sensor_type, sensor_number=number,
            deassertion=deassertion, event_type=event_type, event_data1=data1, event_data2=data2,
            event_data3=data3,
        )))  # fmt: skip
        self.last_add = stamp


def device(bmc: VirtualBmc, now: float) -> SensorDevice:
    """The BMC's sensor state, created on first use, with its events up to ``now`` logged."""
    dev = bmc.extensions.get(EXTENSION)
    if not isinstance(dev, SensorDevice):
        seed = _mix(int.from_bytes(bmc.state.guid[:8], "little"), int.from_bytes(bmc.state.guid[8:16], "little"))
        dev = SensorDevice(seed=seed, time_offset=time.time() - now)
        started = now - 3600.0
        dev.log(started, SensorType.POWER_SUPPLY, PS1_STATUS, EventReadingType.SENSOR_SPECIFIC, PRESENCE_DETECTED)
        dev.log(started + 30, SensorType.POWER_UNIT, POWER_UNIT, EventReadingType.SENSOR_SPECIFIC, POWER_OFF_DOWN,
                deassertion=True)
        bmc.extensions[EXTENSION] = dev
    sync(bmc, dev, now)
    return dev


def sync(bmc: VirtualBmc, dev: SensorDevice, now: float) -> None:
    """Log the power transitions since the last call, then the thresholds crossed since (stamped ``now``)."""
    events = bmc.state.chassis.power_events
    for when, on in events:
        dev.log(when, SensorType.POWER_UNIT, POWER_UNIT, EventReadingType.SENSOR_SPECIFIC, POWER_OFF_DOWN,
                deassertion=on)
    events.clear()
    for record in SENSORS:
        if not isinstance(record, FullSensorRecord):
            continue
        r = reading(bmc, dev.seed, record.sensor_number, now)
        if r is None:
            continue
        before = dev.status.get(record.sensor_number, ThresholdMask(0))
        after = r.threshold_status
        for bit, offset in THRESHOLD_OFFSET.items():
            if bool(before & bit) != bool(after & bit):
                limit = getattr(record, _THRESHOLD_FIELD[bit])
                dev.log(now, record.sensor_type, record.sensor_number, EventReadingType.THRESHOLD,
                        THRESHOLD_EVENT_DATA | offset, r.raw, limit, deassertion=not after & bit)
        dev.status[record.sensor_number] = after


def _need(data: bytes, length: int, what: str) -> None:
    if len(data) != length:
        raise DecodeError(f"{what}: {len(data)} bytes, {length} expected")


def _u16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


# ------------------------------------------------------------------------------------- §33 SDR repository


@handles(NetFn.STORAGE, StorageCmd.GET_SDR_REPOSITORY_INFO)
def get_sdr_repository_info(ctx: Context, data: bytes) -> Result:
    """§33.9, Table 33-3."""
    _need(data, 0, "Get SDR Repository Info request")
    return 0, (bytes([SDR_VERSION]) + _u16(len(SDR_RECORDS)) + _u16(0) + _u32(SDR_ADDED) + _u32(SDR_ADDED)
               + bytes([RESERVE_SUPPORTED]))  # fmt: skip


@handles(NetFn.STORAGE, StorageCmd.RESERVE_SDR_REPOSITORY)
def reserve_sdr_repository(ctx: Context, data: bytes) -> Result:
    """§33.11: a new reservation cancels the previous one (IDs are never 0)."""
    _need(data, 0, "Reserve SDR Repository request")
    dev = device(ctx.bmc, ctx.now)
    dev.sdr_reservation = dev.sdr_reservation % 0xFFFF + 1
    return 0, _u16(dev.sdr_reservation)


def _partial(record: bytes, reservation: int, current: int, offset: int, count: int, limit: int) -> Result:
    """A partial read of ``record`` (Get SDR, Get SEL Entry): reservation, offset and count checks."""
    if offset != 0 and reservation != current:
        return CC_RESERVATION, b""
    if offset >= len(record):
        return CC_OUT_OF_RANGE, b""
    if count == 0xFF:
        return 0, record[offset:]
    if count > limit:
        return CC_TOO_MANY_BYTES, b""
    return 0, record[offset : offset + count]


@handles(NetFn.STORAGE, StorageCmd.GET_SDR)
def get_sdr(ctx: Context, data: bytes) -> Result:
    """§33.12, Table 33-5: record ID 0000h is the first, the last answers next record ID FFFFh."""
    _need(data, 6, "Get SDR request")
    reservation, record_id = int.from_bytes(data[0:2], "little"), int.from_bytes(data[2:4], "little")
    dev = device(ctx.bmc, ctx.now)
    index = 0 if record_id == 0 else len(SDR_RECORDS) - 1 if record_id == RECORD_ID_LAST else record_id - 1
    if not 0 <= index < len(SDR_RECORDS):
        return CC_NOT_PRESENT, b""
    cc, part = _partial(SDR_RECORDS[index], reservation, dev.sdr_reservation, data[4], data[5], SDR_READ_MAX)
    if cc:
        return cc, b""
    next_id = index + 2 if index + 1 < len(SDR_RECORDS) else RECORD_ID_LAST
    return 0, _u16(next_id) + part


# ------------------------------------------------------------------------------------------ §35 sensors


@handles(NetFn.SENSOR_EVENT, 0x2D)
def get_sensor_reading(ctx: Context, data: bytes) -> Result:
    """§35.14, Table 35-15."""
    _need(data, 1, "Get Sensor Reading request")
    dev = device(ctx.bmc, ctx.now)
    r = reading(ctx.bmc, dev.seed, data[0], ctx.now)
    if r is None:
        return CC_NOT_PRESENT, b""
    return 0, encode_sensor_reading(r, isinstance(SENSOR_BY_NUMBER[data[0]], FullSensorRecord))


@handles(NetFn.SENSOR_EVENT, 0x27)
def get_sensor_thresholds(ctx: Context, data: bytes) -> Result:
    """§35.9, Table 35-9: the readable mask, then lower NC, C, NR and upper NC, C, NR (unreadable ones 0)."""
    _need(data, 1, "Get Sensor Thresholds request")
    record = SENSOR_BY_NUMBER.get(data[0])
    if not isinstance(record, FullSensorRecord):
        return CC_NOT_PRESENT, b""
    mask = record.readable_thresholds
    values = [getattr(record, name) if mask & bit else 0 for bit, name in _THRESHOLD_FIELD.items()]
    return 0, bytes([int(mask), *values])


@handles(NetFn.SENSOR_EVENT, 0x25)
def get_sensor_hysteresis(ctx: Context, data: bytes) -> Result:
    """§35.7: positive and negative hysteresis (0: none)."""
    _need(data, 2, "Get Sensor Hysteresis request")
    record = SENSOR_BY_NUMBER.get(data[0])
    if not isinstance(record, FullSensorRecord):
        return CC_NOT_PRESENT, b""
    return 0, bytes([record.positive_hysteresis, record.negative_hysteresis])


# ------------------------------------------------------------------------------------------------ §31 SEL


@handles(NetFn.STORAGE, StorageCmd.GET_SEL_INFO)
def get_sel_info(ctx: Context, data: bytes) -> Result:
    """§31.2, Table 31-2: free space in bytes, overflow flag, Reserve SEL supported."""
    _need(data, 0, "Get SEL Info request")
    dev = device(ctx.bmc, ctx.now)
    free = (SEL_MAX - len(dev.sel)) * SEL_ENTRY_LEN
    support = RESERVE_SUPPORTED | (SEL_OVERFLOW if dev.overflow else 0)
    return 0, (bytes([SEL_VERSION]) + _u16(len(dev.sel)) + _u16(min(free, 0xFFFE)) + _u32(dev.last_add)
               + _u32(dev.last_erase) + bytes([support]))  # fmt: skip


@handles(NetFn.STORAGE, StorageCmd.RESERVE_SEL)
def reserve_sel(ctx: Context, data: bytes) -> Result:
    """§31.4."""
    _need(data, 0, "Reserve SEL request")
    dev = device(ctx.bmc, ctx.now)
    dev.sel_reservation = dev.sel_reservation % 0xFFFF + 1
    return 0, _u16(dev.sel_reservation)


@handles(NetFn.STORAGE, StorageCmd.GET_SEL_ENTRY)
def get_sel_entry(ctx: Context, data: bytes) -> Result:
    """§31.5, Table 31-3: 0000h is the first entry, FFFFh the last."""
    _need(data, 6, "Get SEL Entry request")
    reservation, record_id = int.from_bytes(data[0:2], "little"), int.from_bytes(data[2:4], "little")
    dev = device(ctx.bmc, ctx.now)
    if not dev.sel:
        return CC_NOT_PRESENT, b""
    if record_id == 0:
        index = 0
    elif record_id == RECORD_ID_LAST:
        index = len(dev.sel) - 1
    else:
        index = next((i for i, e in enumerate(dev.sel) if int.from_bytes(e[0:2], "little") == record_id), -1)
        if index < 0:
            return CC_NOT_PRESENT, b""
    cc, part = _partial(dev.sel[index], reservation, dev.sel_reservation, data[4], data[5], SEL_ENTRY_LEN)
    if cc:
        return cc, b""
    next_id = int.from_bytes(dev.sel[index + 1][0:2], "little") if index + 1 < len(dev.sel) else RECORD_ID_LAST
    return 0, _u16(next_id) + part


@handles(NetFn.STORAGE, 0x47)
def clear_sel(ctx: Context, data: bytes) -> Result:
    """§31.9: needs the current reservation and "CLR"; the erase completes at once."""
    _need(data, 6, "Clear SEL request")
    dev = device(ctx.bmc, ctx.now)
    if int.from_bytes(data[0:2], "little") != dev.sel_reservation or dev.sel_reservation == 0:
        return CC_RESERVATION, b""
    if data[2:5] != CLEAR_SEL_CLR or data[5] not in (CLEAR_SEL_INITIATE, CLEAR_SEL_GET_STATUS):
        return CC.INVALID_DATA_FIELD, b""
    if data[5] == CLEAR_SEL_INITIATE:
        dev.sel.clear()
        dev.overflow = False
        dev.last_erase = dev.timestamp(ctx.now)
        dev.sel_reservation = 0  # §31.4: clearing the SEL cancels the reservation
    return 0, bytes([ERASURE_COMPLETED])


@handles(NetFn.STORAGE, 0x48)
def get_sel_time(ctx: Context, data: bytes) -> Result:
    """§31.10."""
    _need(data, 0, "Get SEL Time request")
    return 0, _u32(device(ctx.bmc, ctx.now).timestamp(ctx.now))


@handles(NetFn.STORAGE, 0x49)
def set_sel_time(ctx: Context, data: bytes) -> Result:
    """§31.11."""
    _need(data, 4, "Set SEL Time request")
    dev = device(ctx.bmc, ctx.now)
    dev.time_offset = int.from_bytes(data, "little") - ctx.now
    return 0, b""


# ------------------------------------------------------------------------------------------------ §34 FRU


@handles(NetFn.STORAGE, StorageCmd.GET_FRU_INVENTORY_AREA_INFO)
def get_fru_inventory_area_info(ctx: Context, data: bytes) -> Result:
    """§34.1, Table 34-2: FRU 0 only, accessed by bytes."""
    _need(data, 1, "Get FRU Inventory Area Info request")
    if data[0] != 0:
        return CC_NOT_PRESENT, b""
    return 0, _u16(len(FRU_IMAGE)) + b"\x00"


@handles(NetFn.STORAGE, StorageCmd.READ_FRU_DATA)
def read_fru_data(ctx: Context, data: bytes) -> Result:
    """§34.2, Table 34-3: at most ``FRU_READ_MAX`` bytes (CAh above), cut at the end of the area."""
    _need(data, 4, "Read FRU Data request")
    if data[0] != 0:
        return CC_NOT_PRESENT, b""
    offset, count = int.from_bytes(data[1:3], "little"), data[3]
    if offset >= len(FRU_IMAGE):
        return CC_OUT_OF_RANGE, b""
    if count > FRU_READ_MAX:
        return CC_TOO_MANY_BYTES, b""
    part = FRU_IMAGE[offset : offset + count]
    return 0, bytes([len(part)]) + part
