"""Fleet options with real clients: one port per BMC, lazy state, unreachable and lossy BMCs, and persistence
across a restart (written atomically; a failed write keeps the previous file and is retried)."""

from __future__ import annotations

import errno
import json
import time
from pathlib import Path

import pytest

from ipmifast.cmds.app import Guid
from ipmifast.sim import persist
from ipmifast.sim.fleet import FLUSH_DELAY, Fleet

from .conftest import FleetThread, ipmitool, on_loop, pings

pytestmark = pytest.mark.interop
LANPLUS = ("-I", "lanplus", "-C", "3")


def test_one_port_per_bmc() -> None:
    with FleetThread(count=3, base="127.91.0.1", port=9940, ports=True) as fleet:
        assert fleet.addresses == [("127.91.0.1", 9940), ("127.91.0.1", 9941), ("127.91.0.1", 9942)]
        guids = {ipmitool(fleet, "127.91.0.1", *LANPLUS, "mc", "guid", port=p) for p in (9940, 9941, 9942)}
        assert len(guids) == 3
        sol = ipmitool(fleet, "127.91.0.1", *LANPLUS, "sol", "info", "1", port=9942)
        assert "Payload Port                    : 9942" in sol
        assert f"System GUID   : {Guid(fleet.bmc('127.91.0.1', 9942).state.system_guid).uuid}" in "".join(guids)


def test_state_is_built_lazily_for_the_bmcs_that_are_used() -> None:
    with FleetThread(count=5000, base="127.92.0.1", port=9941) as fleet:
        assert fleet.created == 0
        last = fleet.addresses[-1][0]
        assert ipmitool(fleet, last, *LANPLUS, "power", "status").strip() == "Chassis Power is on"
        assert fleet.created == 1
        assert not pings("127.92.20.1", 9941) and fleet.created == 1  # not one of ours: never answered
        assert pings("127.92.0.1", 9941) and fleet.created == 2


def test_fail_rate_makes_the_same_bmcs_unreachable_for_a_seed() -> None:
    def unreachable(fleet: Fleet) -> set[str]:
        out = set()
        for address, _ in fleet.addresses:
            try:
                on_loop(fleet, lambda a=address: fleet.bmc(a))  # type: ignore[misc]
            except KeyError:
                out.add(address)
        return out

    with FleetThread(count=20, base="127.93.1.1", port=9942, fail_rate=0.5, seed=3) as fleet:
        dead = unreachable(fleet)
        assert 3 <= len(dead) <= 17
        alive = sorted({a for a, _ in fleet.addresses} - dead)[0]
        assert ipmitool(fleet, alive, *LANPLUS, "power", "status")
        assert pings(alive, 9942) and not pings(sorted(dead)[0], 9942)
    with FleetThread(count=20, base="127.93.1.1", port=9942, fail_rate=0.5, seed=3) as again:
        assert unreachable(again) == dead
    with FleetThread(count=1, base="127.93.2.1", port=9943, drop_rate=1.0):
        assert not pings("127.93.2.1", 9943)


def test_fleet_rejects_bad_options() -> None:
    for kw in ({"count": 0}, {"base": "10.0.0.1"}, {"base": "nonsense"}, {"drop_rate": 1.5}, {"fail_rate": -1},
               {"port": 70000}, {"profile": "nope"}, {"users": ["no-colon"]}, {"base": "127.255.255.250", "count": 9},
               {"users": [f"u{i}:p" for i in range(20)]}):
        with pytest.raises((ValueError, KeyError)):
            Fleet(**kw)  # type: ignore[arg-type]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    host = "127.93.3.2"
    with FleetThread(count=2, base="127.93.3.1", port=9944, state_dir=state_dir) as fleet:
        ipmitool(fleet, host, *LANPLUS, "power", "off")
        ipmitool(fleet, host, *LANPLUS, "user", "set", "name", "5", "dave")
        ipmitool(fleet, host, *LANPLUS, "user", "set", "password", "5", "dave-pw")
        ipmitool(fleet, host, *LANPLUS, "channel", "setaccess", "1", "5", "ipmi=on", "privilege=4")
        ipmitool(fleet, host, *LANPLUS, "user", "enable", "5")
        ipmitool(fleet, host, *LANPLUS, "lan", "set", "1", "snmp", "kept-community")
        ipmitool(fleet, host, *LANPLUS, "lan", "set", "1", "ipaddr", "10.9.8.7")
        ipmitool(fleet, host, *LANPLUS, "sol", "set", "force-encryption", "false", "1")
        ipmitool(fleet, host, *LANPLUS, "chassis", "bootdev", "pxe", "options=persistent")
    files = sorted(p.name for p in state_dir.iterdir())
    assert files == ["bmc-127.93.3.2-9944.json"]  # only the BMC that changed; no temporary files
    saved = json.loads((state_dir / files[0]).read_text())
    assert saved["chassis"]["power_on"] is False and saved["version"] == 1
    with FleetThread(count=2, base="127.93.3.1", port=9944, state_dir=state_dir) as fleet:
        assert ipmitool(fleet, host, *LANPLUS, "power", "status").strip() == "Chassis Power is off"
        assert ipmitool(fleet, host, *LANPLUS, "power", "status", user="dave", password="dave-pw")
        lan = ipmitool(fleet, host, *LANPLUS, "lan", "print", "1")
        assert "SNMP Community String   : kept-community" in lan and "IP Address              : 10.9.8.7" in lan
        assert "Force Encryption                : false" in ipmitool(fleet, host, *LANPLUS, "sol", "info", "1")
        assert "Force PXE" in ipmitool(fleet, host, *LANPLUS, "chassis", "bootparam", "get", "5")
        ipmitool(fleet, host, *LANPLUS, "chassis", "policy", "always-on")
    with FleetThread(count=2, base="127.93.3.1", port=9944, state_dir=state_dir) as fleet:
        # "AC power returned": the policy says always on
        assert ipmitool(fleet, host, *LANPLUS, "power", "status").strip() == "Chassis Power is on"
        assert "power-up due to always-restore" in ipmitool(fleet, host, *LANPLUS, "chassis", "restart_cause")


def test_a_failed_state_write_keeps_the_old_file_and_is_retried(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    state_dir = tmp_path / "state"
    host = "127.93.4.1"
    path = state_dir / "bmc-127.93.4.1-9945.json"
    with FleetThread(count=1, base=host, port=9945, state_dir=state_dir) as fleet:
        ipmitool(fleet, host, *LANPLUS, "lan", "set", "1", "snmp", "first")
        assert wait_until(lambda: path.exists() and "first" in community(path))

        def disk_full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(persist.os, "fsync", disk_full)
        ipmitool(fleet, host, *LANPLUS, "lan", "set", "1", "snmp", "second")
        assert wait_until(lambda: fleet.store is not None and fleet.store.write_errors > 0)
        assert community(path) == "first"  # the old file, whole
        assert sorted(p.name for p in state_dir.iterdir()) == [path.name]
        monkeypatch.undo()
        assert wait_until(lambda: community(path) == "second", 10 * FLUSH_DELAY + 3)  # retried


def community(path: Path) -> str:
    raw = bytes.fromhex(json.loads(path.read_text())["lan"]["16"])
    return raw.rstrip(b"\0").decode()


def wait_until(predicate: object, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False
