"""Discovery over a range (``ipmifast/engine/discover``) against the simulator's profiles and OpenIPMI's ipmi_sim,
each host's report checked against what ipmitool's ``channel authcap`` prints for the same BMC."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipmifast.engine.discover import HostDiscovery, Prober, discover
from ipmifast.sim.fleet import Fleet
from tests.interop.conftest import SimBmc, require, start_ipmi_sim, stop_ipmi_sim

pytestmark = pytest.mark.interop
PORT = 9815
#: ipmitool ``channel authcap`` labels -> the discovery report's keys and how ipmitool spells the value
AUTHCAP = {
    "Per message authentication": ("per_message_auth", {True: "enabled", False: "disabled"}),
    "User level authentication": ("user_level_auth", {True: "enabled", False: "disabled"}),
    "Non-null user names exist": ("non_null_usernames", {True: "yes", False: "no"}),
    "Null user names exist": ("null_usernames", {True: "yes", False: "no"}),
    "Anonymous login enabled": ("anonymous_login", {True: "yes", False: "no"}),
}


def run(targets: list[tuple[str, int]], **kw: Any) -> list[HostDiscovery]:
    async def main() -> list[HostDiscovery]:
        return [r async for r in discover(targets, **kw)]

    return asyncio.run(main())


def with_fleet(fleet_kw: dict[str, Any], **kw: Any) -> tuple[list[HostDiscovery], list[tuple[str, int]]]:
    async def main() -> tuple[list[HostDiscovery], list[tuple[str, int]]]:
        async with Fleet(port=PORT, **fleet_kw) as fleet:
            return [r async for r in discover(fleet.addresses, **kw)], fleet.addresses

    return asyncio.run(main())


def authcap(host: str, port: int, user: str, password: str, *interface: str) -> dict[str, str]:
    out = subprocess.run([require("ipmitool"), *interface, "-H", host, "-p", str(port), "-U", user, "-P", password,
                          "-N", "1", "-R", "2", "channel", "authcap", "1", "4"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.stdout.splitlines())}


def agrees_with_ipmitool(report: dict[str, object], printed: dict[str, str]) -> None:
    for label, (key, spelling) in AUTHCAP.items():
        assert printed[label] == spelling[bool(report[key])], label
    assert printed["IPMI v1.5  auth types"].split() == [str(a).upper() for a in report["auth_types"]]  # type: ignore
    assert printed["KG status"].startswith("default" if report["kg"] == "default" else "non-zero")
    versions = report["ipmi"]
    assert isinstance(versions, list)
    assert printed["Channel supports IPMI v2.0"] == ("yes" if "2.0" in versions else "no")


@pytest.mark.parametrize("profile", ["default", "anonymous", "null-user", "legacy15", "cipher0"])
def test_each_profile_reports_what_ipmitool_reads(profile: str) -> None:
    """A thread runs the fleet, so that ipmitool can ask the same BMC what it told the prober."""
    from tests.sim.conftest import FleetThread

    with FleetThread(count=20, base="127.124.0.1", port=PORT, profile=profile) as fleet:
        results = run(fleet.addresses, timeout=0.5)
        assert sorted((r.host, r.port) for r in results) == sorted(fleet.addresses)  # each host once
        assert all(r.ok and r.discovery.pong is not None for r in results)
        report = next(r for r in results if r.host == "127.124.0.3").report()
        user, password = "admin", "ipmifast"
        agrees_with_ipmitool(report, authcap("127.124.0.3", PORT, user, password, "-I", "lanplus", "-C", "3"))
        assert report["rmcp_ping"] and report["ipmi_in_pong"]
    if profile == "default":
        assert report["auth_types"] == ["md5"] and not report["anonymous_login"] and not report["null_usernames"]
    if profile == "anonymous":
        assert report["anonymous_login"]
    if profile == "null-user":
        assert report["null_usernames"]
    if profile == "legacy15":
        assert {"none", "password"} <= set(report["auth_types"])  # type: ignore[arg-type]


def test_unreachable_hosts_time_out_and_the_rest_answer() -> None:
    results, addresses = with_fleet({"count": 400, "base": "127.125.0.1", "fail_rate": 0.1}, timeout=0.3)
    assert sorted((r.host, r.port) for r in results) == sorted(addresses)
    silent = [r for r in results if not r.discovery.answered]
    assert 10 < len(silent) < 80 and all(r.report()["error"] == "timeout" for r in silent)
    assert all(r.ok for r in results if r.discovery.answered)


@pytest.fixture
def garbage_peer() -> Iterator[tuple[str, int]]:
    """A UDP peer that answers every datagram with junk, twice."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.126.0.1", 0))
    sock.settimeout(0.2)
    stop = False

    def serve() -> None:
        while not stop:
            try:
                data, peer = sock.recvfrom(512)
            except TimeoutError:
                continue
            sock.sendto(b"\x06\x00\xff\x07" + bytes(40), peer)
            sock.sendto(data[::-1], peer)

    import threading

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()
    stop = True
    thread.join(2)
    sock.close()


def test_garbage_answers_are_counted_not_believed(garbage_peer: tuple[str, int]) -> None:
    async def main() -> tuple[list[HostDiscovery], Prober]:
        prober = Prober(0.3, 1, 16, None)
        return [r async for r in prober.run([garbage_peer, ("127.126.0.2", 9)])], prober

    results, prober = asyncio.run(main())
    assert len(results) == 2 and not any(r.ok for r in results)
    assert prober.dropped["not a probe answer"] >= 6  # three probes, two tries, two junk answers each
    assert all(r.report()["error"] == "timeout" for r in results)


def test_ipmi_sim(tmp_path: Path) -> None:
    bmc: SimBmc = start_ipmi_sim(tmp_path, slot=3)
    try:
        (result,) = run([(bmc.addr, bmc.port)], timeout=0.5)
        report = result.report()
        assert result.ok and result.discovery.pong is not None and report["ipmi"] == ["1.5", "2.0"]
        # ipmi_sim refuses Get Channel Authentication Capabilities inside a session (ipmitool's channel authcap
        # fails with D5h), so its configuration is the reference: tests/data/testbed/lan.conf allows MD2 and MD5 at
        # every level, per-message authentication on, named users only
        assert report["auth_types"] == ["md2", "md5"]
        assert (report["per_message_auth"], report["user_level_auth"], report["kg"]) == (True, True, "default")
        assert (report["anonymous_login"], report["null_usernames"], report["non_null_usernames"]) == (
            False, False, True)
        assert report["asf_iana"] == 4542 and report["ipmi_in_pong"]  # ASF's IANA number, IPMI supported
    finally:
        stop_ipmi_sim(bmc)


def test_rate_allowance_is_a_token_bucket() -> None:
    prober = Prober(1.0, 0, 100, rate=30.0)
    prober._token_time = 0.0
    assert not prober._allowance(0.0, 3)  # empty at start
    assert prober._allowance(0.1, 3) and not prober._allowance(0.1, 3)  # 30/s: 3 datagrams per 0.1 s
    assert prober._allowance(10.0, 30) and not prober._allowance(10.0, 1)  # at most a one-second burst
    with pytest.raises(ValueError):
        Prober(0, 1, 1, None)
