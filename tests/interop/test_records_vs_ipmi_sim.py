"""ipmifast.records against a live ipmi_sim: read the SDR repository, every sensor, the SEL and FRU 0 with the
blocking client, decode them, and compare field by field with what ipmitool (and FreeIPMI) print for the same BMC.

ipmitool runs with TZ=UTC and LC_ALL=C, the setting our ipmitool-style text reproduces (its dates depend on both).
``sel readraw`` makes ipmitool an offline oracle: it prints SEL entries we encode, covering every event offset of
Tables 42-2 and 42-3 and the timestamp cases, without touching the BMC's SEL.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipmifast.engine.blocking import BlockingClient
from ipmifast.proto.session import SessionConfig
from ipmifast.records import fru, sdr, sel, tables
from ipmifast.records.sdr import CompactSensorRecord, FullSensorRecord, SdrRecord, SensorReading
from ipmifast.records.tables import ThresholdMask

from .conftest import SimBmc, require

pytestmark = pytest.mark.interop

USER, PASSWORD = "admin", "ipmifast-admin"
CONFIG = SessionConfig(username=USER.encode(), password=PASSWORD.encode(), cipher_suite=3)


@dataclass(frozen=True)
class Snapshot:
    """Everything read from the BMC with ipmifast."""

    raw_sdrs: list[bytes]
    sdrs: list[SdrRecord]
    readings: dict[int, SensorReading]
    sel: list[sel.SelRecord]
    fru_image: bytes


@pytest.fixture(scope="module")
def snapshot(ipmi_sim: SimBmc) -> Snapshot:
    with BlockingClient(ipmi_sim.addr, CONFIG, port=ipmi_sim.port) as bmc:

        def call(netfn: int, cmd: int, data: bytes) -> tuple[int, bytes]:
            response = bmc.request(netfn, cmd, data)
            return response.cc, response.data

        reader = sdr.SdrRepositoryReader(chunk_size=24)
        while (request := reader.next_request()) is not None:
            reader.receive_response(*call(request.netfn, request.cmd, request.data))
        records = reader.decoded()
        readings = {}
        for record in records:
            if isinstance(record, FullSensorRecord | CompactSensorRecord):
                data = bmc.call(0x04, sdr.SensorCmd.GET_SENSOR_READING,
                                sdr.encode_get_sensor_reading_rq(record.sensor_number))  # fmt: skip
                readings[record.sensor_number] = sdr.decode_sensor_reading(data)
        return Snapshot(reader.records, records, readings, sel.read_sel(call), fru.read_fru(call, 0))


def ipmitool(bmc: SimBmc, *args: str) -> list[str]:
    tool = require("ipmitool")
    command = [tool, "-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", USER, "-P", PASSWORD, "-C", "3"]
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    out = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def _reading(snap: Snapshot, record: SdrRecord) -> SensorReading | None:
    if isinstance(record, FullSensorRecord | CompactSensorRecord):
        return snap.readings[record.sensor_number]
    return None


def _columns(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def _compare_lines(ours: list[str], theirs: list[str]) -> None:
    """Field by field first (a readable failure), then byte for byte (spacing included)."""
    assert len(ours) == len(theirs), (ours, theirs)
    for mine, tool in zip(ours, theirs, strict=True):
        assert _columns(mine) == _columns(tool)
        assert mine == tool


def test_repository_holds_the_test_bed_sensors(snapshot: Snapshot) -> None:
    """The numbers the test bed documents (tests/data/testbed/README.md and VERIFIED.md)."""
    by_name = {getattr(r, "id_string", ""): r for r in snapshot.sdrs}
    assert len(snapshot.sdrs) == 13
    expected = {"CPU1 Temp": 45.0, "Inlet Temp": 24.0, "12V": 12.06, "5V": 5.025, "3.3V": 3.32, "FAN1": 5400.0,
                "FAN2": 5280.0, "PSU1 Power": 240.0}  # fmt: skip
    for name, value in expected.items():
        record = by_name[name]
        assert isinstance(record, FullSensorRecord)
        assert sdr.raw_to_value(record, snapshot.readings[record.sensor_number].raw) == pytest.approx(value)
    cpu = by_name["CPU1 Temp"]
    assert isinstance(cpu, FullSensorRecord)
    assert {t: round(v, 3) for t, v in sdr.threshold_values(cpu).items()} == {
        ThresholdMask.LOWER_NON_CRITICAL: 5, ThresholdMask.LOWER_CRITICAL: 2, ThresholdMask.UPPER_NON_CRITICAL: 85,
        ThresholdMask.UPPER_CRITICAL: 90, ThresholdMask.UPPER_NON_RECOVERABLE: 95,
    }  # fmt: skip
    assert [sdr.decode_sdr(sdr.encode_sdr(r)) for r in snapshot.sdrs] == snapshot.sdrs
    assert [sdr.encode_sdr(r) for r in snapshot.sdrs] == snapshot.raw_sdrs


def test_sdr_elist_all(ipmi_sim: SimBmc, snapshot: Snapshot) -> None:
    ours = [sdr.format_sdr_elist(r, _reading(snapshot, r)) for r in snapshot.sdrs]
    _compare_lines([line for line in ours if line is not None], ipmitool(ipmi_sim, "sdr", "elist", "all"))


def test_sdr_list(ipmi_sim: SimBmc, snapshot: Snapshot) -> None:
    sensors = [r for r in snapshot.sdrs if isinstance(r, FullSensorRecord | CompactSensorRecord)]
    _compare_lines([sdr.format_sdr_list(r, _reading(snapshot, r)) for r in sensors], ipmitool(ipmi_sim, "sdr", "list"))


def test_sensor_list_readings_and_thresholds(ipmi_sim: SimBmc, snapshot: Snapshot) -> None:
    order = [ThresholdMask.LOWER_NON_RECOVERABLE, ThresholdMask.LOWER_CRITICAL, ThresholdMask.LOWER_NON_CRITICAL,
             ThresholdMask.UPPER_NON_CRITICAL, ThresholdMask.UPPER_CRITICAL, ThresholdMask.UPPER_NON_RECOVERABLE]
    lines = {(cols := _columns(line))[0]: cols for line in ipmitool(ipmi_sim, "sensor", "list")}
    sensors = [r for r in snapshot.sdrs if isinstance(r, FullSensorRecord | CompactSensorRecord)]
    assert set(lines) == {r.id_string for r in sensors}
    for record in sensors:
        cols, reading = lines[record.id_string], snapshot.readings[record.sensor_number]
        if isinstance(record, FullSensorRecord):
            values = sdr.threshold_values(record)
            assert cols[1:4] == [f"{sdr.raw_to_value(record, reading.raw):.3f}", sdr.units_text(record),
                                 sdr.sensor_status(record, reading)]  # fmt: skip
            assert cols[4:10] == [f"{values[t]:.3f}" if t in values else "na" for t in order]
        else:
            assert cols[1:4] == [f"0x{reading.states & 0xFF:x}", "discrete",
                                 f"0x{reading.states & 0xFF:02x}{reading.states >> 8:02x}"]  # fmt: skip


def test_sel_list_and_elist(ipmi_sim: SimBmc, snapshot: Snapshot) -> None:
    assert len(snapshot.sel) >= 6
    _compare_lines([sel.format_ipmitool_sel(r) for r in snapshot.sel], ipmitool(ipmi_sim, "sel", "list"))
    _compare_lines([sel.format_ipmitool_sel(r, snapshot.sdrs) for r in snapshot.sel],
                   ipmitool(ipmi_sim, "sel", "elist"))  # fmt: skip


def test_fru_print(ipmi_sim: SimBmc, snapshot: Snapshot) -> None:
    inventory = fru.decode_fru(snapshot.fru_image)
    assert fru.encode_fru(inventory, size=len(snapshot.fru_image)) == snapshot.fru_image
    theirs = [line for line in ipmitool(ipmi_sim, "fru", "print") if line]
    ours = fru.format_ipmitool_fru(inventory)
    assert [line.split(":", 1)[0].strip() for line in ours] == [line.split(":", 1)[0].strip() for line in theirs]
    assert [line.split(":", 1)[1].strip() for line in ours] == [line.split(":", 1)[1].strip() for line in theirs]
    assert ours == theirs


# -- ipmitool as an oracle for SEL entries we encode -----------------------------------------------------------------


def _oracle_entries() -> list[sel.SystemEventRecord]:
    entries: list[sel.SystemEventRecord] = []

    def add(**fields: int | bool) -> None:
        record_id = len(entries) + 1
        stamps = [3100, 0x1FFFFFFF, 0x20000000, 1705305600, 0x20000001, 0xFFFFFFFF, 1_000_000_000, 0]
        entries.append(sel.SystemEventRecord(record_id=record_id, timestamp=stamps[record_id % len(stamps)],
                                             deassertion=bool(record_id % 3 == 0), **fields))

    for sensor_type in [*tables.SENSOR_SPECIFIC_OFFSETS, 0x00, 0x01, 0x2D, 0xC0]:
        for offset in range(15):
            add(sensor_type=sensor_type, sensor_number=offset * 7 % 256, event_type=0x6F, event_data1=offset,
                event_data2=0xFF, event_data3=0xFF)  # fmt: skip
    for event_type in [*range(0x00, 0x0E), 0x70, 0x7E, 0x7F]:
        for offset in range(15):
            add(sensor_type=0x02, sensor_number=0x30, event_type=event_type, event_data1=offset, event_data2=0,
                event_data3=0)  # fmt: skip
    for (sensor_type, offset), texts in tables.IPMITOOL_EVENT_DATA2_TEXT.items():
        for data2 in [*texts, max(texts) + 1]:
            add(sensor_type=sensor_type, sensor_number=1, event_type=0x6F, event_data1=0xC0 | offset,
                event_data2=data2, event_data3=0)  # fmt: skip
    add(sensor_type=0x0C, sensor_number=0, event_type=0x6F, event_data1=0xA1, event_data2=0, event_data3=0x32)
    return entries


def test_ipmitool_prints_our_encoded_sel_entries_as_we_do(ipmi_sim: SimBmc, tmp_path: Path) -> None:
    """``ipmitool sel readraw FILE`` prints 16-byte entries from a file (``sel list`` format). Its file holds
    ipmitool's in-memory struct, which is the wire layout for all but OEM timestamped records (not tested here)."""
    entries: list[sel.SelRecord] = list(_oracle_entries())
    unknown = bytes.fromhex("1c0c00002000040d026f01ffff")
    entries.append(sel.UnknownSelRecord(record_id=0x1234, record_type=0x01, data=unknown))
    entries.append(sel.OemNonTimestampedRecord(record_id=0xFFFE, record_type=0xE5, data=bytes(range(13))))
    path = tmp_path / "sel.raw"
    path.write_bytes(b"".join(sel.encode_sel_entry(e) for e in entries))
    theirs = ipmitool(ipmi_sim, "sel", "readraw", str(path))
    assert len(theirs) == len(entries) > 700
    for entry, line in zip(entries, theirs, strict=True):
        assert sel.format_ipmitool_sel(entry) == line, entry


# -- FreeIPMI ------------------------------------------------------------------------------------------------------


def freeipmi(bmc: SimBmc, tool: str, cache: Path, *args: str) -> list[str]:
    path = require(tool)
    cache.mkdir(exist_ok=True)
    command = [path, "-D", "LAN_2_0", "-h", f"{bmc.addr}:{bmc.port}", "-u", USER, "-p", PASSWORD, "-I", "3",
               "-W", "opensesspriv", "--sdr-cache-directory", str(cache), "--quiet-cache", *args]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, env=dict(os.environ, TZ="UTC"))
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_ipmi_sensors(ipmi_sim: SimBmc, snapshot: Snapshot, tmp_path: Path) -> None:
    lines = freeipmi(ipmi_sim, "ipmi-sensors", tmp_path / "cache", "--output-sensor-thresholds")
    rows = {int((cols := _columns(line))[0]): cols for line in lines[1:]}
    order = [ThresholdMask.LOWER_NON_RECOVERABLE, ThresholdMask.LOWER_CRITICAL, ThresholdMask.LOWER_NON_CRITICAL,
             ThresholdMask.UPPER_NON_CRITICAL, ThresholdMask.UPPER_CRITICAL, ThresholdMask.UPPER_NON_RECOVERABLE]
    sensors = [r for r in snapshot.sdrs if isinstance(r, FullSensorRecord | CompactSensorRecord)]
    assert set(rows) == {r.record_id for r in sensors}
    for record in sensors:
        cols, reading = rows[record.record_id], snapshot.readings[record.sensor_number]
        assert cols[1:3] == [record.id_string, tables.sensor_type_text(record.sensor_type, "freeipmi")]
        if isinstance(record, FullSensorRecord):
            values = sdr.threshold_values(record)
            assert cols[3:5] == [f"{sdr.raw_to_value(record, reading.raw):.2f}", sdr.units_text(record, "freeipmi")]
            assert cols[5:11] == [f"{values[t]:.2f}" if t in values else "N/A" for t in order]
        assert cols[11] == "'" + "' '".join(sdr.event_messages(record, reading)) + "'"


def test_ipmi_sel(ipmi_sim: SimBmc, snapshot: Snapshot, tmp_path: Path) -> None:
    lines = freeipmi(ipmi_sim, "ipmi-sel", tmp_path / "cache")
    rows = [_columns(line) for line in lines[1:]]
    assert len(rows) == len(snapshot.sel)
    for record, cols in zip(snapshot.sel, rows, strict=True):
        assert int(cols[0]) == record.record_id
        if isinstance(record, sel.SystemEventRecord | sel.OemTimestampedRecord):
            assert (cols[1], cols[2]) == sel.freeipmi_date_time(record.timestamp)
        found = None
        if isinstance(record, sel.SystemEventRecord):
            found = sdr.find_sensor_record(snapshot.sdrs, record.generator_address, record.sensor_number,
                                           record.sensor_type)  # fmt: skip
        assert cols[-1] == sel.freeipmi_event_text(record, found)
