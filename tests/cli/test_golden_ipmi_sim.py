"""Golden tests: for the same BMC (OpenIPMI ipmi_sim), ``ipmifast VERB`` prints what ``ipmitool VERB`` prints."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.interop.conftest import SimBmc, require

from .conftest import ipmi_sim_fixture, ipmifast

pytestmark = pytest.mark.interop


bmc = ipmi_sim_fixture(11)


def ipmitool(bmc: SimBmc, *verb: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    return subprocess.run(
        [require("ipmitool"), "-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin",
         "-P", "ipmifast-admin", "-C", "3", *verb],
        capture_output=True, text=True, timeout=120, env=env,
    )


def ours(bmc: SimBmc, password_file: Path, *verb: str) -> subprocess.CompletedProcess[str]:
    return ipmifast("-I", "lanplus", "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-f", str(password_file),
                    "-C", "3", *verb, env=dict(os.environ, TZ="UTC", LC_ALL="C"))


SAME = [
    ("chassis", "status"),
    ("power", "status"),
    ("chassis", "power", "status"),
    ("mc", "info"),
    ("mc", "guid"),
    ("raw", "0x06", "0x01"),
    ("sdr", "list"),
    ("sdr", "elist"),
    ("sdr", "elist", "all"),
    ("sel", "list"),
    ("sel", "elist"),
    ("fru", "print"),
    ("-v", "sdr", "list"),
    ("-v", "sdr", "elist", "all"),
    ("-v", "sdr"),
    ("-v", "sel", "list"),
    ("-v", "sel", "elist"),
    ("chassis", "identify"),
    ("chassis", "identify", "force"),
    ("chassis", "identify", "0"),
    ("chassis", "bootdev", "pxe"),
    ("power", "on"),
]


@pytest.mark.parametrize("verb", SAME, ids=" ".join)
def test_same_output_as_ipmitool(bmc: SimBmc, password_file: Path, verb: tuple[str, ...]) -> None:
    theirs = ipmitool(bmc, *verb)
    mine = ours(bmc, password_file, *verb)
    assert theirs.returncode == 0, theirs.stderr
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout == theirs.stdout
    assert mine.stderr == ""


def test_power_off_and_on_change_the_bmc_like_ipmitool(bmc: SimBmc, password_file: Path) -> None:
    for action, text in (("off", "Down/Off"), ("on", "Up/On")):
        mine = ours(bmc, password_file, "power", action)
        assert mine.stdout.strip() == f"Chassis Power Control: {text}"
        # ipmitool, asked afterwards, sees the state our command set
        assert ipmitool(bmc, "power", "status").stdout.strip() == f"Chassis Power is {action}"


def test_watchdog_get_leaves_out_what_the_bmc_did_not_send(bmc: SimBmc, password_file: Path) -> None:
    # ipmi_sim 2.0.33 omits the present countdown; ipmitool prints whatever was in its buffer there
    theirs = ipmitool(bmc, "mc", "watchdog", "get").stdout.splitlines()
    mine = ours(bmc, password_file, "mc", "watchdog", "get").stdout.splitlines()
    assert mine == [line for line in theirs if not line.startswith("Present Countdown")]


def test_json_is_typed(bmc: SimBmc, password_file: Path) -> None:
    import json

    status = json.loads(ours(bmc, password_file, "--json", "chassis", "status").stdout)
    assert status["power_on"] is True and status["restore_policy"] == "always_off"
    info = json.loads(ours(bmc, password_file, "--json", "mc", "info").stdout)
    assert info["manufacturer_id"] == 32473 and info["firmware_major"] == 2 and info["firmware_minor"] == 15
    sensors = json.loads(ours(bmc, password_file, "--json", "sdr", "list").stdout)
    cpu = next(s for s in sensors if s["record"].get("id_string") == "CPU1 Temp")
    assert cpu["value"] == 45.0 and cpu["units"] == "degrees C" and cpu["status"] == "ok"


def test_sdr_cache_makes_the_second_read_one_round_trip(bmc: SimBmc, password_file: Path, tmp_path: Path) -> None:
    cache = tmp_path / "sdr.cache"
    cold = ours(bmc, password_file, "--sdr-cache", str(cache), "sdr", "elist")
    assert cold.returncode == 0 and cache.exists()
    assert cold.stdout == ipmitool(bmc, "sdr", "elist").stdout
    # mark the cached copy ("CPU1 Temp" -> "CPU9 Temp"): a warm read that prints the mark used the cache
    cache.write_text(cache.read_text().replace("435055312054656d70", "435055392054656d70"))
    warm = ours(bmc, password_file, "--sdr-cache", str(cache), "sdr", "elist")
    assert warm.stdout == cold.stdout.replace("CPU1 Temp", "CPU9 Temp") != cold.stdout
    for verb in (("sensor", "list"), ("sdr", "type", "Temperature"), ("sel", "elist")):  # every SDR reader
        assert "CPU9 Temp" in ours(bmc, password_file, "--sdr-cache", str(cache), *verb).stdout, verb
    # a cache for another repository state is not used: change its key and the repository is read again
    text = cache.read_text()
    cache.write_text(text.replace('"key": "', '"key": "stale', 1))
    again = ours(bmc, password_file, "--sdr-cache", str(cache), "sdr", "elist")
    assert again.stdout == cold.stdout and "stale" not in cache.read_text()
