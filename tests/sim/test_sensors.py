"""The simulator's SDR repository, sensors, SEL and FRU 0 (``ipmifast/sim/sensors.py``): the commands' edge cases
through the dispatcher, then real clients (ipmitool ``-I lanplus -C 17``, FreeIPMI, our own CLI) whose output must
equal the simulated state."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ipmifast.records.fru import decode_fru, format_ipmitool_fru
from ipmifast.records.sdr import (
    CompactSensorRecord,
    FullSensorRecord,
    SensorReading,
    decode_sdr,
    find_sensor_record,
    format_sdr_elist,
    raw_to_value,
)
from ipmifast.records.sel import (
    SystemEventRecord,
    decode_sel_entry,
    format_ipmitool_sel,
    freeipmi_date_time,
    freeipmi_event_text,
)
from ipmifast.records.tables import ThresholdMask, sensor_type_text
from ipmifast.sim import sensors
from ipmifast.sim.fleet import Fleet
from tests.cli.conftest import ipmifast
from tests.interop.conftest import require

from .conftest import INTERFACES, TIMEOUT, FleetThread, on_loop

BASE = "127.90.0.1"
PORT = 9983
READINGS_HOST, POWER_HOST, FREEIPMI_HOST, UNIT_HOST = "127.90.0.1", "127.90.0.2", "127.90.0.3", "127.90.0.4"
LANPLUS = ["-I", "lanplus", "-C", "17"]
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
RECORDS = [decode_sdr(r) for r in sensors.SDR_RECORDS]
#: ipmitool's ``sensor list`` threshold columns, in order
THRESHOLD_COLUMNS = {
    "lower_non_recoverable": ThresholdMask.LOWER_NON_RECOVERABLE,
    "lower_critical": ThresholdMask.LOWER_CRITICAL,
    "lower_non_critical": ThresholdMask.LOWER_NON_CRITICAL,
    "upper_non_critical": ThresholdMask.UPPER_NON_CRITICAL,
    "upper_critical": ThresholdMask.UPPER_CRITICAL,
    "upper_non_recoverable": ThresholdMask.UPPER_NON_RECOVERABLE,
}
FULL = {r.sensor_number: r for r in RECORDS if isinstance(r, FullSensorRecord)}


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with FleetThread(count=4, base=BASE, port=PORT) as f:
        yield f


def call(fleet: Fleet, host: str, netfn: int, cmd: int, data: bytes = b"") -> tuple[int, bytes]:
    """A request through the BMC's dispatcher (no session: no privilege check)."""
    bmc = fleet.bmc(host)
    return on_loop(fleet, lambda: bmc._dispatch((netfn, cmd), None, data, bmc.clock()))


def readings(fleet: Fleet, host: str) -> dict[int, SensorReading]:
    """Every readable sensor's reading now, as Get Sensor Reading answers it."""
    bmc = fleet.bmc(host)

    def read() -> dict[int, SensorReading]:
        now = bmc.clock()
        dev = sensors.device(bmc, now)
        out = {}
        for number in sensors.SENSOR_BY_NUMBER:
            r = sensors.reading(bmc, dev.seed, number, now)
            assert r is not None
            out[number] = r
        return out

    return on_loop(fleet, read)


def around(fleet: Fleet, host: str, run: Callable[[], str]) -> tuple[str, list[dict[int, SensorReading]]]:
    """``run()``'s output with the readings just before and just after it (the noise may move in between)."""
    before = readings(fleet, host)
    out = run()
    return out, [before, readings(fleet, host)]


def ipmitool(fleet: Fleet, host: str, *args: str, interface: list[str] = LANPLUS) -> str:
    out = subprocess.run(
        [require("ipmitool"), *interface, "-H", host, "-p", str(PORT), "-U", "admin", "-P", "ipmifast", *args],
        capture_output=True, text=True, timeout=TIMEOUT, env=ENV,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def freeipmi(tool: str, host: str, cache: Path, *args: str) -> str:
    out = subprocess.run(
        [require(tool), "-h", f"{host}:{PORT}", "-u", "admin", "-p", "ipmifast", "-D", "LAN_2_0",
         "--sdr-cache-directory", str(cache), *args],
        capture_output=True, text=True, timeout=TIMEOUT, env=ENV,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def power(fleet: Fleet, host: str, on: bool) -> None:
    bmc = fleet.bmc(host)

    def switch() -> None:
        bmc.state.chassis.pending = None
        bmc.power(on, bmc.clock(), "power-on" if on else "power-off")

    on_loop(fleet, switch)


# --------------------------------------------------------------------------------------- the model and commands


def test_repository_holds_the_required_records() -> None:
    names = {getattr(r, "id_string", "") for r in RECORDS}
    assert {"CPU1 Temp", "Inlet Temp", "12V", "5V", "3.3V", "FAN1", "FAN2", "PSU1 Power", "PS1 Status",
            "Intrusion", "Power Unit", "BMC", "Builtin FRU"} <= names
    assert [r.record_id for r in RECORDS] == list(range(1, len(RECORDS) + 1))


def test_threshold_status_compares_raw_values() -> None:
    fan = FULL[sensors.FAN1]
    assert sensors.threshold_status(fan, 110) == 0
    assert sensors.threshold_status(fan, 20) == 0x01  # at the lower non-critical threshold
    assert sensors.threshold_status(fan, 0) == 0x07
    cpu = FULL[sensors.CPU1_TEMP]
    assert sensors.threshold_status(cpu, 96) == 0x18


def test_get_sdr_partial_reads_reservations_and_limits(fleet: Fleet) -> None:
    cc, data = call(fleet, UNIT_HOST, 0x0A, 0x22)
    assert cc == 0
    reservation = data[:2]
    record = sensors.SDR_RECORDS[2]
    cc, data = call(fleet, UNIT_HOST, 0x0A, 0x23, reservation + b"\x03\x00\x00\x05")
    assert (cc, data) == (0, b"\x04\x00" + record[:5])
    cc, data = call(fleet, UNIT_HOST, 0x0A, 0x23, reservation + b"\x03\x00\x05\x10")
    assert (cc, data[2:]) == (0, record[5:21])
    assert call(fleet, UNIT_HOST, 0x0A, 0x23, reservation + b"\x03\x00\x05\x40")[0] == 0xCA
    cc, data = call(fleet, UNIT_HOST, 0x0A, 0x23, b"\x00\x00\x03\x00\x00\xff")
    assert (cc, data[2:]) == (0, record)  # offset 0 needs no reservation; FFh reads the whole record
    call(fleet, UNIT_HOST, 0x0A, 0x22)  # a new reservation makes the old one stale
    assert call(fleet, UNIT_HOST, 0x0A, 0x23, reservation + b"\x03\x00\x05\x10")[0] == 0xC5
    cc, data = call(fleet, UNIT_HOST, 0x0A, 0x23, b"\x00\x00\xff\xff\x00\xff")
    assert (cc, data[:2]) == (0, b"\xff\xff")
    assert call(fleet, UNIT_HOST, 0x0A, 0x23, b"\x00\x00\x99\x00\x00\xff")[0] == 0xCB
    assert call(fleet, UNIT_HOST, 0x0A, 0x23, b"\x00\x00")[0] == 0xC7
    cc, data = call(fleet, UNIT_HOST, 0x0A, 0x20)
    assert cc == 0 and data[0] == 0x51 and int.from_bytes(data[1:3], "little") == len(sensors.SDR_RECORDS)


def test_get_sensor_reading_and_thresholds(fleet: Fleet) -> None:
    cc, data = call(fleet, UNIT_HOST, 0x04, 0x2D, bytes([sensors.CPU1_TEMP]))
    assert cc == 0 and len(data) == 4 and data[1] & 0xC0 == 0xC0
    assert 20 <= raw_to_value(FULL[sensors.CPU1_TEMP], data[0]) <= 60
    assert call(fleet, UNIT_HOST, 0x04, 0x2D, bytes([sensors.PS1_STATUS]))[1][2] == 0x01  # presence detected
    assert call(fleet, UNIT_HOST, 0x04, 0x2D, b"\x77")[0] == 0xCB
    assert call(fleet, UNIT_HOST, 0x04, 0x27, bytes([sensors.FAN1]))[1] == bytes([0x07, 20, 10, 5, 0, 0, 0])


def test_readings_follow_the_power_state(fleet: Fleet) -> None:
    bmc = fleet.bmc(UNIT_HOST)
    dev = on_loop(fleet, lambda: sensors.device(bmc, bmc.clock()))
    seed = dev.seed
    on_loop(fleet, lambda: bmc.state.chassis.set_power(True, 0.0))
    on_cpu = sensors.sensor_value(bmc, seed, sensors.CPU1_TEMP, 10_000.0)
    inlet = sensors.sensor_value(bmc, seed, sensors.INLET_TEMP, 10_000.0)
    assert on_cpu > inlet + 15
    assert sensors.sensor_value(bmc, seed, sensors.FAN1, 10_000.0) > 3000
    assert sensors.sensor_value(bmc, seed, sensors.PSU1_POWER, 10_000.0) > 100
    assert sensors.sensor_value(bmc, seed, sensors.CPU1_TEMP, 10_000.0) == on_cpu  # deterministic
    on_loop(fleet, lambda: bmc.state.chassis.set_power(False, 10_000.0))
    assert sensors.sensor_value(bmc, seed, sensors.FAN1, 10_001.0) == 0.0
    assert sensors.sensor_value(bmc, seed, sensors.PSU1_POWER, 10_001.0) == 0.0
    cooling = [sensors.sensor_value(bmc, seed, sensors.CPU1_TEMP, 10_000.0 + t) for t in (5, 60, 600)]
    assert cooling[0] > cooling[1] > cooling[2] and abs(cooling[2] - inlet) < 2
    on_loop(fleet, lambda: bmc.power(True, bmc.clock(), "power-on"))


def test_sel_commands(fleet: Fleet) -> None:
    bmc = fleet.bmc(UNIT_HOST)
    cc, info = call(fleet, UNIT_HOST, 0x0A, 0x40)
    assert cc == 0 and info[0] == 0x51 and int.from_bytes(info[1:3], "little") >= 2
    cc, entry = call(fleet, UNIT_HOST, 0x0A, 0x43, b"\x00\x00\x00\x00\x00\xff")
    assert cc == 0 and len(entry) == 2 + 16 and entry[2:4] == b"\x01\x00"
    cc, reservation = call(fleet, UNIT_HOST, 0x0A, 0x42)
    assert call(fleet, UNIT_HOST, 0x0A, 0x47, b"\x00\x00CLR\xaa")[0] == 0xC5
    assert call(fleet, UNIT_HOST, 0x0A, 0x47, reservation + b"CLX\xaa")[0] == 0xCC
    assert call(fleet, UNIT_HOST, 0x0A, 0x47, reservation + b"CLR\xaa") == (0, b"\x01")
    assert call(fleet, UNIT_HOST, 0x0A, 0x40)[1][1:3] == b"\x00\x00"
    assert call(fleet, UNIT_HOST, 0x0A, 0x43, b"\x00\x00\x00\x00\x00\xff")[0] == 0xCB
    assert call(fleet, UNIT_HOST, 0x0A, 0x49, (1_700_000_000).to_bytes(4, "little"))[0] == 0
    stamp = int.from_bytes(call(fleet, UNIT_HOST, 0x0A, 0x48)[1], "little")
    assert 1_700_000_000 <= stamp <= 1_700_000_005

    def fill() -> None:
        dev = sensors.device(bmc, bmc.clock())
        for _ in range(sensors.SEL_MAX + 3):
            dev.log(bmc.clock(), 0x09, sensors.POWER_UNIT, 0x6F, 0)

    on_loop(fleet, fill)
    cc, info = call(fleet, UNIT_HOST, 0x0A, 0x40)
    assert int.from_bytes(info[1:3], "little") == sensors.SEL_MAX and info[13] & 0x80  # full: overflow flag
    cc, reservation = call(fleet, UNIT_HOST, 0x0A, 0x42)
    call(fleet, UNIT_HOST, 0x0A, 0x47, reservation + b"CLR\xaa")


def test_fru_commands(fleet: Fleet) -> None:
    assert call(fleet, UNIT_HOST, 0x0A, 0x10, b"\x00") == (0, len(sensors.FRU_IMAGE).to_bytes(2, "little") + b"\x00")
    assert call(fleet, UNIT_HOST, 0x0A, 0x10, b"\x01")[0] == 0xCB
    assert call(fleet, UNIT_HOST, 0x0A, 0x11, b"\x00\x08\x00\x10") == (0, b"\x10" + sensors.FRU_IMAGE[8:24])
    assert call(fleet, UNIT_HOST, 0x0A, 0x11, b"\x00\x00\x00\x40")[0] == 0xCA
    assert call(fleet, UNIT_HOST, 0x0A, 0x11, b"\x00\x00\x10\x10")[0] == 0xC9
    tail = len(sensors.FRU_IMAGE) - 4
    assert call(fleet, UNIT_HOST, 0x0A, 0x11, b"\x00" + tail.to_bytes(2, "little") + b"\x10")[1][0] == 4


# ------------------------------------------------------------------------------------------------ real clients


def _elist_lines(values: dict[int, SensorReading]) -> dict[str, str]:
    out = {}
    for record in RECORDS:  # ``sdr elist`` lists the full and compact sensors
        if not isinstance(record, FullSensorRecord | CompactSensorRecord):
            continue
        line = format_sdr_elist(record, values[record.sensor_number])
        if line is not None:
            out[line.split("|")[0].strip()] = line
    return out


@pytest.mark.interop
@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_sdr_elist_prints_the_simulated_readings(fleet: Fleet, interface: list[str]) -> None:
    out, snapshots = around(fleet, READINGS_HOST,
                            lambda: ipmitool(fleet, READINGS_HOST, "sdr", "elist", interface=interface))
    expected = [_elist_lines(s) for s in snapshots]
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == len(expected[0]) == 10
    for line in lines:
        name = line.split("|")[0].strip()
        assert line in (expected[0][name], expected[1][name])
    cpu = next(line for line in lines if line.startswith("CPU1 Temp"))
    shown = float(cpu.split("|")[4].split()[0])
    assert shown in {raw_to_value(FULL[sensors.CPU1_TEMP], s[sensors.CPU1_TEMP].raw) for s in snapshots}


@pytest.mark.interop
@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_sensor_list_prints_readings_and_thresholds(fleet: Fleet, interface: list[str]) -> None:
    out, snapshots = around(fleet, READINGS_HOST,
                            lambda: ipmitool(fleet, READINGS_HOST, "sensor", "list", interface=interface))
    rows = {cols[0]: cols for cols in ([c.strip() for c in line.split("|")] for line in out.splitlines() if line)}
    for number, record in FULL.items():
        cols = rows[record.id_string]
        assert cols[1] in {f"{raw_to_value(record, s[number].raw):.3f}" for s in snapshots}
        for col, (name, bit) in zip(cols[4:10], THRESHOLD_COLUMNS.items(), strict=True):
            readable = record.readable_thresholds & bit
            assert col == (f"{raw_to_value(record, getattr(record, name)):.3f}" if readable else "na")
    assert rows["PS1 Status"][1:4] == ["0x1", "discrete", "0x0100"]


def _sel_lines(fleet: Fleet, host: str) -> list[str]:
    bmc = fleet.bmc(host)
    entries = on_loop(fleet, lambda: list(sensors.device(bmc, bmc.clock()).sel))
    return [format_ipmitool_sel(decode_sel_entry(e)) for e in entries]


@pytest.mark.interop
def test_ipmitool_sel_list_over_every_interface(fleet: Fleet) -> None:
    for interface in INTERFACES.values():
        assert ipmitool(fleet, UNIT_HOST, "sel", "list", interface=interface).splitlines() == _sel_lines(
            fleet, UNIT_HOST)


@pytest.mark.interop
def test_ipmitool_sel_list_and_a_power_off_event(fleet: Fleet) -> None:
    power(fleet, POWER_HOST, True)
    first = ipmitool(fleet, POWER_HOST, "sel", "list").splitlines()
    assert first == _sel_lines(fleet, POWER_HOST)
    assert any("Power Supply #0x31 | Presence detected | Asserted" in line for line in first)
    assert ipmitool(fleet, POWER_HOST, "power", "off").strip() == "Chassis Power Control: Down/Off"
    after = ipmitool(fleet, POWER_HOST, "sel", "list").splitlines()
    assert after == _sel_lines(fleet, POWER_HOST)
    new = after[len(first):]
    assert any(line.endswith("Power Unit #0x40 | Power off/down | Asserted") for line in new)
    # the fans stop: their lower thresholds are crossed going low
    for offset in ("Lower Non-critical", "Lower Critical", "Lower Non-recoverable"):
        assert any(line.endswith(f"Fan #0x20 | {offset} going low  | Asserted") for line in new), new
    elist = ipmitool(fleet, POWER_HOST, "sdr", "elist")
    assert re.search(r"^FAN1 +\| 20h \| lnr +\| 29.1 \| 0 RPM$", elist, re.M)
    assert re.search(r"^PSU1 Power +\| 30h \| ok +\| 10.1 \| 0 Watts$", elist, re.M)
    ipmitool(fleet, POWER_HOST, "power", "on")
    assert ipmitool(fleet, POWER_HOST, "sel", "list").splitlines()[len(after)].endswith(
        "Power Unit #0x40 | Power off/down | Deasserted"
    )


@pytest.mark.interop
@pytest.mark.parametrize("interface", INTERFACES.values(), ids=INTERFACES.keys())
def test_ipmitool_fru_print(fleet: Fleet, interface: list[str]) -> None:
    out = ipmitool(fleet, READINGS_HOST, "fru", "print", interface=interface)
    expected = format_ipmitool_fru(decode_fru(sensors.FRU_IMAGE))
    assert [line.rstrip() for line in out.splitlines() if line.strip()] == [line.rstrip() for line in expected]
    assert " Product Name          : Virtual Server" in out.splitlines()


@pytest.mark.interop
def test_freeipmi_ipmi_sensors(fleet: Fleet, tmp_path: Path) -> None:
    out, snapshots = around(fleet, FREEIPMI_HOST, lambda: freeipmi("ipmi-sensors", FREEIPMI_HOST, tmp_path))
    rows = {cols[1]: cols for cols in ([c.strip() for c in line.split("|")] for line in out.splitlines()[1:])}
    for number, record in FULL.items():
        assert rows[record.id_string][3] in {f"{raw_to_value(record, s[number].raw):.2f}" for s in snapshots}
    assert rows["PS1 Status"][5] == "'Presence detected'"
    assert rows["Intrusion"][5] == "'OK'"


@pytest.mark.interop
def test_freeipmi_ipmi_fru(fleet: Fleet, tmp_path: Path) -> None:
    out = freeipmi("ipmi-fru", FREEIPMI_HOST, tmp_path)
    inventory = decode_fru(sensors.FRU_IMAGE)
    assert inventory.board is not None and inventory.product is not None and inventory.chassis is not None
    assert f"FRU Board Product Name: {inventory.board.product_name.text}" in out
    assert f"FRU Product Serial Number: {inventory.product.serial_number.text}" in out
    assert f"FRU Chassis Part Number: {inventory.chassis.part_number.text}" in out
    # the MultiRecord area, as FreeIPMI reads it (units of the spec: 10 mV for voltages, mA for currents)
    assert "  FRU DC Output Nominal Voltage: 12000 mV" in out.splitlines()
    assert "  FRU DC Load Maximum Current Load: 45000 mA" in out.splitlines()
    assert "  FRU OEM Manufacturer ID: Example Enterprise Number for Documentation Use (7ED9h)" in out.splitlines()


@pytest.mark.interop
def test_our_sdr_elist_equals_ipmitool(fleet: Fleet, tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text("ipmifast\n")
    password.chmod(0o600)
    for _ in range(3):  # the noise moves every 10 s: retry if a call straddled the change
        theirs = ipmitool(fleet, READINGS_HOST, "sdr", "elist")
        ours = ipmifast(*LANPLUS, "-H", READINGS_HOST, "-p", str(PORT), "-U", "admin", "-f", str(password),
                        "sdr", "elist", env=ENV)
        assert ours.returncode == 0, ours.stderr
        if ours.stdout == theirs:
            break
    assert ours.stdout == theirs


@pytest.mark.interop
def test_pyghmi_get_sensor_data(fleet: Fleet) -> None:
    from pyghmi.ipmi import command

    host = READINGS_HOST
    client = command.Command(bmc=host, port=PORT, userid=b"admin", password=b"ipmifast")
    try:
        before = readings(fleet, host)
        data = {reading.name: reading for reading in client.get_sensor_data()}
        after = readings(fleet, host)
    finally:
        client.ipmi_session.logout()
    cpu = data["CPU1 Temp"]
    assert cpu.units == "°C"
    expected = {round(raw_to_value(FULL[sensors.CPU1_TEMP], r[sensors.CPU1_TEMP].raw), 3) for r in (before, after)}
    assert round(cpu.value, 3) in expected
    assert {"Inlet Temp", "12V", "FAN1", "PSU1 Power"} <= set(data)


@pytest.mark.interop
def test_freeipmi_ipmi_sel_prints_the_simulated_log(fleet: Fleet, tmp_path: Path) -> None:
    """``ipmi-sel``: one line per simulated SEL entry, with its ID, date, time, sensor name, sensor type and event
    text as the records module computes them from the entry and the repository's SDRs."""
    power(fleet, FREEIPMI_HOST, True)
    power(fleet, FREEIPMI_HOST, False)  # a power-off event and the fans' threshold crossings join the log
    bmc = fleet.bmc(FREEIPMI_HOST)
    entries = [decode_sel_entry(e) for e in on_loop(fleet, lambda: list(sensors.device(bmc, bmc.clock()).sel))]
    lines = freeipmi("ipmi-sel", FREEIPMI_HOST, tmp_path, "--quiet-cache").splitlines()
    assert lines[0].startswith("ID | Date")
    rows = [[c.strip() for c in line.split("|")] for line in lines[1:]]
    assert len(rows) == len(entries) >= 4
    for record, cols in zip(entries, rows, strict=True):
        assert isinstance(record, SystemEventRecord)
        sdr = find_sensor_record(RECORDS, record.generator_address, record.sensor_number, record.sensor_type)
        assert sdr is not None, record
        assert int(cols[0]) == record.record_id
        assert (cols[1], cols[2]) == freeipmi_date_time(record.timestamp)
        assert cols[3:5] == [getattr(sdr, "id_string", ""), sensor_type_text(record.sensor_type, "freeipmi")]
        assert cols[5] == freeipmi_event_text(record, sdr)
    texts = [cols[5] for cols in rows]
    assert "Power Off/Power Down" in texts
    assert any(t.startswith("Lower Critical - going low ; Sensor Reading = 0.00 RPM") for t in texts), texts


@pytest.mark.interop
def test_verbose_fru_print_with_multirecords_equals_ipmitool(fleet: Fleet, tmp_path: Path) -> None:
    """FRU 0 has a MultiRecord area (power supply, DC output, DC load, OEM): ``-v fru print`` prints it, and
    ipmifast prints what ipmitool prints, line for line."""
    password = tmp_path / "password"
    password.write_text("ipmifast\n")
    password.chmod(0o600)
    theirs = ipmitool(fleet, READINGS_HOST, "-v", "fru", "print")
    ours = ipmifast("-v", *LANPLUS, "-H", READINGS_HOST, "-p", str(PORT), "-U", "admin", "-f", str(password),
                    "fru", "print", env=ENV)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs
    for line in (" Power Supply Record", "  Capacity                   : 800 W", " DC Output Record",
                 "  Nominal voltage            : 12.00 V", " DC Load Record",
                 "  Maximum current load       : 45.000 A"):
        assert line in theirs.splitlines(), line
