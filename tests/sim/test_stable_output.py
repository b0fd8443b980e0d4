"""For a fixed ``--seed`` what ipmitool and FreeIPMI print is the same on every run, and the same as recorded in
``tests/sim/golden/``: a change that alters it is caught. Rerun with ``IPMIFAST_UPDATE_GOLDEN=1`` to record a
deliberate change (then review the diff)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipmifast.sim.fleet import Fleet

from .conftest import FleetThread, freeipmi, ipmitool

pytestmark = pytest.mark.interop
GOLDEN = Path(__file__).resolve().parent / "golden"
HOST, PORT, SEED = "127.96.0.2", 9970, 7
IPMITOOL = {
    "ipmitool-mc-info": ("mc", "info"),
    "ipmitool-mc-guid": ("mc", "guid"),
    "ipmitool-lan-print": ("lan", "print", "1"),
    "ipmitool-channel-info": ("channel", "info", "1"),
    "ipmitool-getciphers": ("channel", "getciphers", "ipmi", "1"),
    "ipmitool-sol-info": ("sol", "info", "1"),
    "ipmitool-user-list": ("user", "list", "1"),
    "ipmitool-chassis-status": ("chassis", "status"),
    "ipmitool-bootparam-5": ("chassis", "bootparam", "get", "5"),
    "ipmitool-watchdog": ("mc", "watchdog", "get"),
    "ipmitool-mc-selftest": ("mc", "selftest"),
    "ipmitool-fru-print": ("fru", "print"),
    "ipmitool-sdr-info": ("sdr", "info"),
}
FREEIPMI = {
    "bmc-info-device-id": ("bmc-info", "--get-device-id"),
    "bmc-info-device-guid": ("bmc-info", "--get-device-guid"),
    "bmc-info-system-guid": ("bmc-info", "--get-system-guid"),
    "ipmi-chassis-status": ("ipmi-chassis", "--get-chassis-status"),
    "ipmi-fru": ("ipmi-fru", "--sdr-cache-recreate", "--quiet-cache", "--sdr-cache-directory", "{cache}"),
}


def outputs(fleet: Fleet) -> dict[str, str]:
    out = {name: ipmitool(fleet, HOST, "-I", "lanplus", "-C", "17", *args) for name, args in IPMITOOL.items()}
    with tempfile.TemporaryDirectory() as cache:
        for name, (tool, *args) in FREEIPMI.items():
            out[name] = freeipmi(tool, fleet, HOST, "-I", "3", *(a.format(cache=cache) for a in args))
    return out


@pytest.fixture(scope="module")
def first_run() -> Iterator[dict[str, str]]:
    with FleetThread(count=3, base="127.96.0.1", port=PORT, seed=SEED) as fleet:
        out = outputs(fleet)
    yield out  # the fleet is stopped: the second run binds the same port


def test_two_runs_with_the_same_seed_print_the_same(first_run: dict[str, str]) -> None:
    with FleetThread(count=3, base="127.96.0.1", port=PORT, seed=SEED) as fleet:
        assert outputs(fleet) == first_run
    with FleetThread(count=3, base="127.96.0.1", port=PORT, seed=SEED + 1) as other:
        assert ipmitool(other, HOST, "-I", "lanplus", "mc", "guid") != first_run["ipmitool-mc-guid"]


@pytest.mark.parametrize("name", [*IPMITOOL, *FREEIPMI])
def test_output_matches_the_recorded_one(first_run: dict[str, str], name: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("IPMIFAST_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(first_run[name])
    assert path.exists(), f"{path} missing: run with IPMIFAST_UPDATE_GOLDEN=1 and review it"
    assert first_run[name] == path.read_text()
