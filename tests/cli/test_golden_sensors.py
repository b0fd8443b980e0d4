"""Golden tests for sensor, sdr type/info and sel info/clear/time: for the same OpenIPMI ipmi_sim, ``ipmifast VERB``
prints what ``ipmitool VERB`` prints, byte for byte; threshold writes and the SEL clear made by ipmifast are read
back with ipmitool.

The BMC runs with its emulator console (start-bmc.sh ``--console``) so that readings can be driven across thresholds
(``sensor_set_value``), as in tests/data/testbed/README.md.

What legitimately differs is asserted, not skipped:
- ``sel time get``: the BMC's clock moves between the two runs; the two times are compared within a few seconds.
- A sensor name that does not exist, an unknown sensor type: ipmitool prints what it found (or the type list) and
  an error on stderr; ipmifast prints one error line and nothing on stdout (exit code 64).
- ``sensor get`` of a sensor whose reading is unusable: the same text, but ipmitool exits 1 and ipmifast 0.
- ``sensor thresh`` with an out-of-order value: ipmitool exits 1 after "Locating sensor record ..."; ipmifast exits
  64 with one line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.conftest import TESTBED, SimBmc, _unique_addr, require, stop_ipmi_sim

from .conftest import ipmifast

pytestmark = pytest.mark.interop

SLOT = 14  # distinct loopback address from the other CLI modules' BMCs (11, 12, 13)
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")


@pytest.fixture(scope="module")
def bmc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """ipmi_sim without SOL, with its emulator console on the next port."""
    require("ipmi_sim")
    addr, port = _unique_addr(SLOT)
    state = tmp_path_factory.mktemp("cli-golden-sensors")
    args = ["sh", str(TESTBED / "start-bmc.sh"), addr, str(port), str(state), "--no-sol", "--console",
            str(port + 1), "--timeout", "20"]  # fmt: skip
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.fail(f"ipmi_sim did not start: {out.stderr.strip()}", pytrace=False)
    sim = SimBmc(addr, port, state, int(out.stdout.strip().splitlines()[-1]))
    try:
        yield sim
    finally:
        stop_ipmi_sim(sim)


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pw") / "password"
    path.write_text("ipmifast-admin\n")
    path.chmod(0o600)
    return path


def ipmitool(bmc: SimBmc, *verb: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require("ipmitool"), "-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin",
         "-P", "ipmifast-admin", "-C", "3", *verb],
        capture_output=True, text=True, timeout=120, env=ENV,
    )  # fmt: skip


def ours(bmc: SimBmc, password_file: Path, *verb: str) -> subprocess.CompletedProcess[str]:
    return ipmifast("-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-f", str(password_file),
                    "-C", "3", *verb, env=ENV)  # fmt: skip


def emulator(bmc: SimBmc, *commands: str) -> None:
    """ipmi_sim emulator commands over its console (tests/data/testbed/emu-cmd.py)."""
    out = subprocess.run([require("python3"), str(TESTBED / "emu-cmd.py"), bmc.addr, str(bmc.port + 1), *commands],
                         capture_output=True, text=True, timeout=30)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def same(bmc: SimBmc, password_file: Path, *verb: str, their_code: int = 0) -> subprocess.CompletedProcess[str]:
    theirs = ipmitool(bmc, *verb)
    mine = ours(bmc, password_file, *verb)
    assert theirs.returncode == their_code, theirs.stderr
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == theirs.stdout
    assert mine.stderr == ""
    return mine


def fails_one_line(result: subprocess.CompletedProcess[str], code: int, *parts: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


ALL_NAMES = ("CPU1 Temp", "Inlet Temp", "12V", "5V", "3.3V", "FAN1", "FAN2", "PSU1 Power", "PS1 Status", "Intrusion",
             "Watchdog", "ipmifast BMC", "Mainboard FRU")  # fmt: skip

SAME = [
    ("sensor", "list"),
    ("sensor",),
    ("sensor", "get", "CPU1 Temp"),
    ("sensor", "get", *ALL_NAMES),
    ("sensor", "reading", "CPU1 Temp", "12V", "FAN1"),
    ("sdr", "type", "Temperature"),
    ("sdr", "type", "fan"),
    ("sdr", "type", "Power Supply"),
    ("sdr", "type", "Watchdog2"),
    ("sdr", "type", "Physical Security"),
    ("sdr", "type", "list"),
    ("sdr", "type"),
    ("sdr", "info"),
    ("sdr",),
    ("sel", "info"),
    ("sel",),
    ("-v", "sdr", "list"),
    ("-v", "sdr", "elist", "all"),
]


@pytest.mark.parametrize("verb", SAME, ids=" ".join)
def test_same_output_as_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...]) -> None:
    same(bmc, password_file, *verb)


def test_readings_across_thresholds(bmc: SimBmc, password_file: Path) -> None:
    """Readings driven past thresholds (and the SEL events that logs) print alike: nr, cr and nc statuses."""
    emulator(bmc, "sensor_set_value 0x20 0 1 96 1",  # CPU1 Temp 96 C: above unr
             "sensor_set_value 0x20 0 6 8 1",  # FAN1 480 RPM: below lcr
             "sensor_set_value 0x20 0 2 41 1")  # Inlet Temp 41 C: above unc
    try:
        for verb in (("sensor", "list"), ("sensor", "get", "CPU1 Temp", "FAN1", "Inlet Temp"),
                     ("sdr", "type", "Temperature"), ("sdr", "type", "Fan"), ("sel", "info"),
                     ("-v", "sdr", "list"), ("-v", "sel", "elist")):  # fmt: skip
            same(bmc, password_file, *verb)
        statuses = {row.split("|")[0].strip(): row.split("|")[3].strip()
                    for row in ours(bmc, password_file, "sensor", "list").stdout.splitlines()}  # fmt: skip
        assert statuses["CPU1 Temp"] == "nr" and statuses["FAN1"] == "cr" and statuses["Inlet Temp"] == "nc"
    finally:
        emulator(bmc, "sensor_set_value 0x20 0 1 45 1", "sensor_set_value 0x20 0 6 90 1",
                 "sensor_set_value 0x20 0 2 24 1")  # fmt: skip


_NO_SCANNING = "disable no-scanning per-state 000000000000000 000000000000000 000000000000000 000000000000000"
_INLET_EVENTS = "enable scanning per-state 000101010000101 000101010000101 000101010000101 000101010000101"
_INTRUSION_EVENTS = "enable scanning per-state 000000000000001 000000000000001 000000000000001 000000000000001"


def test_sensors_with_scanning_disabled(bmc: SimBmc, password_file: Path) -> None:
    """Readings that are not usable (scanning off) print "na" / "Unable to read sensor" alike."""
    emulator(bmc, f"sensor_set_event_support 0x20 0 2 {_NO_SCANNING}",
             f"sensor_set_event_support 0x20 0 10 {_NO_SCANNING}")  # fmt: skip
    try:
        for verb in (("sensor", "list"), ("sdr", "type", "Temperature"), ("sdr", "elist"), ("sdr", "list"),
                     ("-v", "sdr", "list")):
            same(bmc, password_file, *verb)
        # ipmitool exits 1 when a sensor it shows cannot be read; ipmifast shows the same text and exits 0
        same(bmc, password_file, "sensor", "get", "Inlet Temp", "Intrusion", their_code=1)
        got = ours(bmc, password_file, "sensor", "get", "Inlet Temp").stdout
        assert " Sensor Reading        :  Unable to read sensor: Device Not Present\n" in got
        inlet = next(s for s in json.loads(ours(bmc, password_file, "--json", "sensor", "list").stdout)
                     if s["name"] == "Inlet Temp")  # fmt: skip
        assert inlet["valid"] is False and inlet["value"] is None and inlet["status"] == "ns"
    finally:
        emulator(bmc, f"sensor_set_event_support 0x20 0 2 {_INLET_EVENTS}",
                 f"sensor_set_event_support 0x20 0 10 {_INTRUSION_EVENTS}")  # fmt: skip


def _clock(text: str) -> int:
    """Seconds from ipmitool's ``sel time get`` text: "S+ 01:06:40" or "11/25/26 09:52:00 UTC"."""
    if text.startswith("S+ "):
        h, m, s = (int(x) for x in text[3:].split(":"))
        return h * 3600 + m * 60 + s
    return int(time.mktime(time.strptime(text.rsplit(" ", 1)[0], "%m/%d/%y %H:%M:%S")))


def test_sel_time_get_agrees_within_seconds(bmc: SimBmc, password_file: Path) -> None:
    theirs = ipmitool(bmc, "sel", "time", "get")
    mine = ours(bmc, password_file, "sel", "time", "get")
    assert theirs.returncode == mine.returncode == 0, mine.stderr
    pattern = r"(S\+ \d\d:\d\d:\d\d|\d\d/\d\d/\d\d \d\d:\d\d:\d\d UTC)\n"
    assert re.fullmatch(pattern, theirs.stdout) and re.fullmatch(pattern, mine.stdout), (theirs.stdout, mine.stdout)
    assert 0 <= _clock(mine.stdout.strip()) - _clock(theirs.stdout.strip()) <= 5
    value = json.loads(ours(bmc, password_file, "--json", "sel", "time", "get").stdout)
    assert isinstance(value["timestamp"], int) and value["relative_to_initialization"] is True


# ---------------------------------------------------------------------------------------------------- thresholds


def _upper_non_critical(bmc: SimBmc) -> str:
    shown = ipmitool(bmc, "sensor", "get", "CPU1 Temp").stdout
    return next(line for line in shown.splitlines() if "Upper Non-Critical" in line).split(":")[1].strip()


def test_sensor_thresh_is_seen_by_ipmitool(bmc: SimBmc, password_file: Path) -> None:
    mine = ours(bmc, password_file, "sensor", "thresh", "CPU1 Temp", "unc", "86")
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == ("Locating sensor record 'CPU1 Temp'...\n"
                           'Setting sensor "CPU1 Temp" Upper Non-Critical threshold to 86.000\n')  # fmt: skip
    assert _upper_non_critical(bmc) == "86.000"
    # ipmitool, setting it back, prints the same form; the two lists agree afterwards
    theirs = ipmitool(bmc, "sensor", "thresh", "CPU1 Temp", "unc", "85")
    assert theirs.stdout == mine.stdout.replace("86.000", "85.000")
    assert _upper_non_critical(bmc) == "85.000"
    same(bmc, password_file, "sensor", "list")


def test_sensor_thresh_all_upper_and_lower(bmc: SimBmc, password_file: Path) -> None:
    for verb in (("12V", "upper", "12.72", "13.32", "13.92"), ("12V", "lower", "10.08", "10.68", "11.28")):
        mine = ours(bmc, password_file, "sensor", "thresh", *verb)
        assert mine.returncode == 0, mine.stderr
        theirs = ipmitool(bmc, "sensor", "thresh", *verb)  # the same values again: the same messages
        assert theirs.returncode == 0 and theirs.stdout == mine.stdout, theirs.stderr
    shown = ipmitool(bmc, "sensor", "list").stdout
    row = next(line for line in shown.splitlines() if line.startswith("12V "))
    assert [cell.strip() for cell in row.split("|")[4:]] == ["10.080", "10.680", "11.280", "12.720", "13.320",
                                                             "13.920"]  # fmt: skip
    same(bmc, password_file, "sensor", "get", "12V")
    assert ours(bmc, password_file, "sensor", "thresh", "12V", "upper", "12.6", "13.2", "13.8").returncode == 0
    assert ours(bmc, password_file, "sensor", "thresh", "12V", "lower", "10.2", "10.8", "11.4").returncode == 0


def test_sensor_thresh_refuses_what_ipmitool_refuses(bmc: SimBmc, password_file: Path) -> None:
    theirs = ipmitool(bmc, "sensor", "thresh", "CPU1 Temp", "unc", "99")  # above ucr 90
    assert theirs.returncode == 1 and "Invalid Threshold data values" in theirs.stderr
    fails_one_line(ours(bmc, password_file, "sensor", "thresh", "CPU1 Temp", "unc", "99"), 64,
                   "Invalid Threshold data values")  # fmt: skip
    theirs = ipmitool(bmc, "sensor", "thresh", "PS1 Status", "unc", "1")
    assert theirs.returncode == 1 and "Invalid sensor type 02" in theirs.stderr
    fails_one_line(ours(bmc, password_file, "sensor", "thresh", "PS1 Status", "unc", "1"), 64,
                   "is not a full sensor record")  # fmt: skip
    assert _upper_non_critical(bmc) == "85.000"


# ---------------------------------------------------------------------------------------------------- json, usage


def test_json_is_typed(bmc: SimBmc, password_file: Path) -> None:
    sensors = json.loads(ours(bmc, password_file, "--json", "sensor", "list").stdout)
    cpu = next(s for s in sensors if s["name"] == "CPU1 Temp")
    assert cpu["value"] == 45.0 and cpu["units"] == "degrees C" and cpu["status"] == "ok"
    assert cpu["thresholds"] == {"lnr": None, "lcr": 2.0, "lnc": 5.0, "unc": 85.0, "ucr": 90.0, "unr": 95.0}
    ps = next(s for s in sensors if s["name"] == "PS1 Status")
    assert ps["kind"] == "discrete" and ps["value"] is None and ps["states"] == 1
    got = json.loads(ours(bmc, password_file, "--json", "sensor", "get", "12V", "PS1 Status").stdout)
    assert got[0]["value"] == 12.06 and got[0]["hysteresis"] == {"positive": 0.12, "negative": 0.12}
    assert got[1]["states_asserted"] == ["Presence detected"]
    info = json.loads(ours(bmc, password_file, "--json", "sdr", "info").stdout)
    assert info["sdr_version"] == 0x51 and info["record_count"] == 13 and info["reserve_supported"] is True
    sel = json.loads(ours(bmc, password_file, "--json", "sel", "info").stdout)
    assert isinstance(sel["entries"], int) and sel["delete_supported"] is True and sel["overflow"] is False


@pytest.mark.parametrize(
    ("verb", "says"),
    [
        (("sensor", "frob"), "sensor: unknown subcommand 'frob'; usage: sensor"),
        (("sensor", "get"), "sensor: get needs at least one sensor name; usage: sensor"),
        (("sensor", "get", "CPU1 Temp", "No Such"), "sensor get: no sensor data record named 'No Such'"),
        (("sensor", "thresh", "CPU1 Temp", "upper", "1"), "sensor: thresh NAME upper takes three values"),
        (("sensor", "thresh", "CPU1 Temp", "unc", "hot"), "sensor: thresh: the unc value 'hot' is not a number"),
        (("sdr", "type", "Bogus"), 'sdr: sensor type "Bogus" not found'),
        (("sdr", "frob"), "sdr: unknown subcommand 'frob'; usage: sdr"),
        (("sel", "time", "set"), "sel: time: only 'time get' is supported"),
        (("sel", "frob"), "sel: unknown subcommand 'frob'; usage: sel"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_bad_arguments_are_one_line(bmc: SimBmc, password_file: Path, verb: tuple[str, ...], says: str) -> None:
    fails_one_line(ours(bmc, password_file, *verb), 64, f"ipmifast: {bmc.addr}: {says}")


def test_sensor_get_unknown_name_fails_for_both(bmc: SimBmc, password_file: Path) -> None:
    theirs = ipmitool(bmc, "sensor", "get", "No Such")
    assert theirs.returncode == 1 and 'Sensor data record "No Such" not found!' in theirs.stderr
    fails_one_line(ours(bmc, password_file, "sensor", "get", "No Such"), 64, "no sensor data record named")


# ---------------------------------------------------------------------------------------------------- sel clear (last)


def test_sel_clear_empties_the_sel_for_ipmitool(bmc: SimBmc, password_file: Path) -> None:
    before = ipmitool(bmc, "sel", "info").stdout
    assert int(re.search(r"Entries\s+: (\d+)", before).group(1)) > 0  # type: ignore[union-attr]
    mine = ours(bmc, password_file, "sel", "clear")
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == "Clearing SEL.  Please allow a few seconds to erase.\n"
    after = ipmitool(bmc, "sel", "info").stdout
    assert "Entries          : 0\n" in after and "Last Del Time    : Not Available" not in after
    assert ipmitool(bmc, "sel", "list").stdout == ""
    same(bmc, password_file, "sel", "info")
    assert ipmitool(bmc, "sel", "clear").stdout == mine.stdout
    value = json.loads(ours(bmc, password_file, "--json", "sel", "clear").stdout)
    assert value["erasure_completed"] is True and isinstance(value["reservation_id"], int)
