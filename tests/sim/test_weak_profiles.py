"""Each weak profile is found by the real clients an auditor uses, and the default profile resists the same tries.
Vendor and quirk profiles look like their vendor to ipmitool and need FreeIPMI's workaround flag of that name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipmifast.sim.fleet import Fleet

from .conftest import FleetThread, ipmitool, run_freeipmi, run_ipmitool

pytestmark = pytest.mark.interop
PROFILE_NAMES = ["default", "cipher0", "anonymous", "null-user", "legacy15", "supermicro-default", "dell-default",
                 "hp-ilo", "intel20", "supermicro20", "sun20"]


@pytest.fixture(scope="module")
def fleets() -> Iterator[dict[str, Fleet]]:
    """One single-BMC fleet per profile, 127.90.<n>.1 on port 9920 + n."""
    threads = {name: FleetThread(count=1, base=f"127.90.{n}.1", port=9920 + n, profile=name, seed=11)
               for n, name in enumerate(PROFILE_NAMES)}
    started: dict[str, Fleet] = {}
    try:
        for name, thread in threads.items():
            started[name] = thread.__enter__()
        yield started
    finally:
        for name in started:
            threads[name].__exit__(None, None, None)


def host(fleet: Fleet) -> str:
    return fleet.addresses[0][0]


def works(fleet: Fleet, *args: str, user: str = "admin", password: str = "ipmifast") -> bool:
    out = run_ipmitool(fleet, host(fleet), *args, "power", "status", user=user, password=password, retries="1")
    return out.returncode == 0 and "Chassis Power is on" in out.stdout


def test_cipher0_logs_in_with_a_wrong_password(fleets: dict[str, Fleet]) -> None:
    assert works(fleets["cipher0"], "-I", "lanplus", "-C", "0", password="WRONG")
    refused = run_ipmitool(fleets["default"], host(fleets["default"]), "-I", "lanplus", "-C", "0", "power", "status",
                           password="WRONG", retries="1")
    assert refused.returncode != 0 and "invalid authentication algorithm" in refused.stderr
    out = run_freeipmi("ipmipower", fleets["cipher0"], host(fleets["cipher0"]), "-I", "0", "--stat",
                       password="WRONG")
    assert out.stdout.strip() == f"{host(fleets['cipher0'])}: on"
    listed = ipmitool(fleets["cipher0"], host(fleets["cipher0"]), "-I", "lanplus", "channel", "getciphers", "ipmi",
                      "1")
    assert listed.splitlines()[1].split()[:2] == ["0", "N/A"]


@pytest.mark.parametrize("profile", ["anonymous", "legacy15"])
def test_anonymous_login_over_ipmi15_auth_none(fleets: dict[str, Fleet], profile: str) -> None:
    assert works(fleets[profile], "-I", "lan", "-A", "NONE", user="", password="")
    assert works(fleets[profile], "-I", "lanplus", "-C", "3", user="", password="")
    refused = run_ipmitool(fleets["default"], host(fleets["default"]), "-I", "lan", "-A", "NONE", "power", "status",
                           user="", password="", retries="1")
    assert refused.returncode != 0 and "Authentication type NONE not supported" in refused.stderr
    assert not works(fleets["default"], "-I", "lanplus", "-C", "3", user="", password="")
    out = run_freeipmi("ipmipower", fleets[profile], host(fleets[profile]), "--stat", "-a", "none", user="",
                       password="", driver="LAN")
    assert out.stdout.strip() == f"{host(fleets[profile])}: on"


def test_legacy15_auth_none_and_straight_password(fleets: dict[str, Fleet]) -> None:
    legacy = fleets["legacy15"]
    assert works(legacy, "-I", "lan", "-A", "NONE", password="any-password")
    assert works(legacy, "-I", "lan", "-A", "PASSWORD")
    assert not works(fleets["default"], "-I", "lan", "-A", "PASSWORD")
    auth = run_freeipmi("ipmi-config", legacy, host(legacy), "--checkout", "-S", "Lan_Conf_Auth").stdout
    assert "Admin_Enable_Auth_Type_None                   Yes" in auth
    assert "Admin_Enable_Auth_Type_Straight_Password      Yes" in auth
    info = ipmitool(legacy, host(legacy), "-I", "lanplus", "-C", "3", "channel", "info", "1")
    assert "Per-message Auth    : disabled" in info


def test_null_user_name_with_a_password(fleets: dict[str, Fleet]) -> None:
    assert works(fleets["null-user"], "-I", "lanplus", "-C", "17", user="", password="nullpass")
    assert not works(fleets["null-user"], "-I", "lanplus", "-C", "17", user="", password="")
    assert not works(fleets["default"], "-I", "lanplus", "-C", "17", user="", password="nullpass")
    rows = ipmitool(fleets["null-user"], host(fleets["null-user"]), "-I", "lanplus", "user", "list", "1")
    assert rows.splitlines()[1].split() == ["1", "true", "false", "true", "ADMINISTRATOR"]


@pytest.mark.parametrize(("profile", "user", "manufacturer"), [
    ("supermicro-default", "ADMIN", "Super Micro Computer Inc."),
    ("dell-default", "root", "Dell Inc."),
    ("hp-ilo", "Administrator", "Hewlett-Packard"),
])
def test_vendor_default_credentials(fleets: dict[str, Fleet], profile: str, user: str, manufacturer: str) -> None:
    fleet = fleets[profile]
    password = {"ADMIN": "ADMIN", "root": "calvin"}.get(user) or fleet.password_for(0, 2).decode()
    assert works(fleet, "-I", "lanplus", "-C", "3", user=user, password=password)
    assert not works(fleets["default"], "-I", "lanplus", "-C", "3", user=user, password=password)
    info = ipmitool(fleet, host(fleet), "-I", "lanplus", "-C", "3", "mc", "info", user=user, password=password)
    assert f"Manufacturer Name         : {manufacturer}" in info
    mac = fleet.bmc(host(fleet)).state.lan.mac_address
    assert f"MAC Address             : {mac}" in ipmitool(fleet, host(fleet), "-I", "lanplus", "lan", "print", "1")


@pytest.mark.parametrize("quirk", ["supermicro20", "sun20"])
def test_quirk_profiles_need_freeipmis_flag(fleets: dict[str, Fleet], quirk: str) -> None:
    fleet = fleets[quirk]
    without = run_freeipmi("ipmipower", fleet, host(fleet), "-I", "3", "--stat")
    assert without.returncode != 0 and "password invalid" in without.stdout
    with_flag = run_freeipmi("ipmipower", fleet, host(fleet), "-I", "3", "-W", quirk, "--stat")
    assert with_flag.stdout.strip() == f"{host(fleet)}: on"


def test_intel20_refuses_freeipmi_without_the_flag(fleets: dict[str, Fleet]) -> None:
    fleet = fleets["intel20"]
    without = run_freeipmi("ipmipower", fleet, host(fleet), "-I", "3", "--stat")
    assert "username invalid" in without.stdout


def test_intel20_accepts_freeipmi_with_the_flag(fleets: dict[str, Fleet]) -> None:
    fleet = fleets["intel20"]
    with_flag = run_freeipmi("ipmipower", fleet, host(fleet), "-I", "3", "-W", "intel20", "--stat")
    assert with_flag.stdout.strip() == f"{host(fleet)}: on"
