"""Real clients against the simulator: ipmitool, FreeIPMI and pyghmi accept our BMC core (sessions, cipher suites
3 and 17, IPMI 1.5 MD5) and print what the simulated BMC's state says."""

from __future__ import annotations

import re

import pytest

from ipmifast.sim.fleet import Fleet

from .conftest import freeipmi, ipmitool

pytestmark = pytest.mark.interop
HOST = "127.88.0.2"


@pytest.mark.parametrize("interface", [["-I", "lanplus", "-C", "3"], ["-I", "lanplus", "-C", "17"],
                                       ["-I", "lan", "-A", "MD5"]])
def test_ipmitool_power_and_chassis_status(sim: Fleet, interface: list[str]) -> None:
    state = sim.bmc(HOST).state.chassis
    state.power_on = True
    assert ipmitool(sim, HOST, *interface, "power", "status").strip() == "Chassis Power is on"
    ipmitool(sim, HOST, *interface, "power", "off")
    assert state.power_on is False
    assert "System Power         : off" in ipmitool(sim, HOST, *interface, "chassis", "status")
    ipmitool(sim, HOST, *interface, "power", "on")
    assert state.power_on is True


def test_ipmitool_mc_info_matches_the_state(sim: Fleet) -> None:
    out = ipmitool(sim, HOST, "-I", "lanplus", "-C", "17", "mc", "info")
    s = sim.bmc(HOST).state
    assert re.search(rf"Manufacturer ID\s+: {s.manufacturer_id}$", out, re.M)
    assert re.search(rf"Product ID\s+: {s.product_id} \(0x{s.product_id:04x}\)", out)
    assert re.search(rf"Firmware Revision\s+: {s.firmware[0]}\.{s.firmware[1]:02d}", out)


def test_ipmitool_wrong_password_fails(sim: Fleet) -> None:
    import subprocess

    out = subprocess.run(
        ["ipmitool", "-I", "lanplus", "-C", "3", "-H", HOST, "-p", str(sim.port), "-U", "admin", "-P", "wrong",
         "-N", "1", "-R", "1", "power", "status"],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode != 0
    assert "Unable to establish IPMI v2 / RMCP+ session" in out.stderr


@pytest.mark.parametrize("suite", ["3", "17"])
def test_freeipmi_ipmipower_stat(sim: Fleet, suite: str) -> None:
    sim.bmc(HOST).state.chassis.power_on = True
    assert freeipmi("ipmipower", sim, HOST, "-I", suite, "--stat").strip() == f"{HOST}: on"


def test_freeipmi_chassis_status_and_bmc_info(sim: Fleet) -> None:
    assert re.search(r"System Power\s+: on", freeipmi("ipmi-chassis", sim, HOST, "-I", "3", "--get-chassis-status"))
    assert re.search(r"Firmware Revision\s+: 1\.00", freeipmi("bmc-info", sim, HOST, "-I", "17"))


def test_pyghmi_get_power(sim: Fleet) -> None:
    from pyghmi.ipmi import command

    sim.bmc(HOST).state.chassis.power_on = False
    bmc = command.Command(bmc=HOST, port=sim.port, userid="admin", password="ipmifast")
    try:
        assert bmc.get_power() == {"powerstate": "off"}
    finally:
        bmc.ipmi_session.logout()
