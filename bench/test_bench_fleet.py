"""Full sessions over a simulated fleet, side by side: ipmifast's engine, FreeIPMI ipmipower at its largest fan-out,
ipmitool through ``xargs -P 64`` and pyghmi with a thread pool, all against the same BMCs in one run.

    python -m pytest bench/test_bench_fleet.py --benchmark-only -s

The issue names this benchmark ``bench/bench_fleet.py``; it is ``test_bench_fleet.py`` so that pytest collects it
with the others. ``ipmifast sim --count 10000 --port 623`` runs in its own process pinned to CPU 0 (ipmipower and
pyghmi talk to port 623 only); every peer runs on CPU 1. A full session is: RMCP+ handshake with cipher suite 17,
Get Chassis Status, Close Session (pyghmi: its login, which also sends Get Device ID, then Get Chassis Status and
logout). Reported per peer: hosts/s (wall) and client CPU per host (``time.process_time`` for in-process peers,
``RUSAGE_CHILDREN`` for the processes of ipmipower, ipmitool and xargs). The slow peers run on a subset (each
says how many hosts). Every host must answer "on", or the bench fails.
"""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import ipmifast
from ipmifast.engine.discover import discover
from ipmifast.engine.fleet import run_fleet
from ipmifast.engine.loop import run as run_loop
from tests.interop.conftest import require

from .test_bench_sim import client_on_its_core, simulator

FULL = {"hosts": 10_000, "ipmitool": 300, "pyghmi": 1_000}
SMALL = {"hosts": 200, "ipmitool": 10, "pyghmi": 20}
PORT = 623
IPMIPOWER_CHUNK = 5_000


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], int], clock: Callable[[], float]) -> tuple[int, float, float]:
    cpu, t = clock(), time.perf_counter()
    n = fn()
    return n, time.perf_counter() - t, clock() - cpu


def ipmifast_fleet(hosts: list[str], concurrency: int = 512) -> int:
    async def power_status(host: str) -> bool:
        async with ipmifast.connect(host, port=PORT, username="admin", password="ipmifast", cipher_suite=17,
                                    keepalive=None, reconnect=False) as bmc:
            return (await bmc.chassis_status()).power_on

    async def main() -> int:
        return sum([bool(r.ok and r.value) async for r in run_fleet(hosts, power_status, concurrency=concurrency)])

    return run_loop(main())


def ipmipower(hosts: list[str]) -> int:
    from ipmifast.cli.hosts import compress

    # a hostlist (127.120.0.[1-254],...): 10,000 names joined would pass the kernel's 128 KiB limit per argument.
    # ipmipower opens its sockets for every host of its list at start: 10,000 hosts pass this machine's open-file
    # limit (20,000, which cannot be raised here), so it runs on 5,000 hosts at a time, one process after the other
    answered = 0
    for i in range(0, len(hosts), IPMIPOWER_CHUNK):
        out = subprocess.run([require("ipmipower"), "-D", "LAN_2_0", "-I", "17", "-u", "admin", "-p", "ipmifast",
                              "-F", "1024", "-h", compress(hosts[i:i + IPMIPOWER_CHUNK]), "--stat"],
                             capture_output=True, text=True, timeout=300)
        answered += sum(1 for line in out.stdout.splitlines() if line.endswith(": on"))
    return answered


def ipmitool_xargs(hosts: list[str]) -> int:
    tool = require("ipmitool")
    script = f'{tool} -I lanplus -C 17 -H "$0" -U admin -P ipmifast power status'
    out = subprocess.run(["xargs", "-P", "64", "-n", "1", "sh", "-c", script], input="\n".join(hosts),
                         capture_output=True, text=True, timeout=600)
    return out.stdout.count("Chassis Power is on")


def pyghmi_pool(hosts: list[str]) -> int:
    from pyghmi.ipmi import command

    def one(host: str) -> bool:
        cmd = command.Command(bmc=host, userid="admin", password="ipmifast", port=PORT)
        try:
            return cmd.get_power()["powerstate"] == "on"
        finally:
            cmd.ipmi_session.logout()

    with ThreadPoolExecutor(64) as pool:
        return sum(pool.map(one, hosts))


@pytest.mark.interop
def test_full_sessions_side_by_side(benchmark: Any) -> None:
    size = SMALL if benchmark.disabled else FULL
    rows: dict[str, str] = {}

    def measure() -> None:
        with simulator(size["hosts"], PORT) as sim, client_on_its_core():
            hosts = [a for a, _ in sim.addresses()]
            # warm: the simulator builds a BMC's state on first contact; one discovery pass builds them all, so no
            # peer pays for it
            async def warm() -> int:
                return sum([r.ok async for r in discover([(h, PORT) for h in hosts], timeout=1.0, retries=2)])

            assert run_loop(warm()) == len(hosts)
            peers: list[tuple[str, Callable[[], int], Callable[[], float], int]] = [
                ("ipmifast (engine, 512 sessions at once)", lambda: ipmifast_fleet(hosts), time.process_time,
                 len(hosts)),
                ("FreeIPMI ipmipower --fanout 1024", lambda: ipmipower(hosts), children_cpu, len(hosts)),
                ("pyghmi, 64 threads", lambda: pyghmi_pool(hosts[: size["pyghmi"]]), time.process_time,
                 size["pyghmi"]),
                ("ipmitool, xargs -P 64", lambda: ipmitool_xargs(hosts[: size["ipmitool"]]), children_cpu,
                 size["ipmitool"]),
            ]
            for name, fn, clock, n in peers:
                answered, wall, cpu = timed(fn, clock)
                assert answered == n, f"{name}: {answered} of {n} hosts answered"
                rows[name] = (f"{n} hosts in {wall:.2f} s: {n / wall:,.0f} hosts/s, client CPU "
                              f"{cpu * 1e3 / n:.3f} ms per host")

    benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(rows)
    print(f"\n[full sessions (cipher suite 17, Get Chassis Status), simulator with {size['hosts']} BMCs]")
    for name, row in rows.items():
        print(f"  {name}: {row}")


@pytest.mark.interop
def test_client_memory_per_session(benchmark: Any) -> None:
    """What the engine holds per session: RSS growth of this process while ``hosts`` RMCP+ sessions (cipher suite
    17) are established and held at once on one ``Endpoint``, divided by their number (after a warm-up of 200)."""
    import asyncio
    import gc
    import os

    from ipmifast.engine.endpoint import Endpoint
    from ipmifast.proto.session import SessionConfig

    from .test_bench_sim import rss_mib

    count = (FULL if not benchmark.disabled else SMALL)["hosts"]
    rows: dict[str, str] = {}

    async def hold(addresses: list[tuple[str, int]]) -> float:
        ep = await Endpoint.create()
        config = SessionConfig(username=b"admin", password=b"ipmifast", cipher_suite=17, timeout=2.0)
        try:
            warm = [ep.open(a, p, config) for a, p in addresses[:200]]
            await asyncio.gather(*(c.established for c in warm))
            await asyncio.gather(*(c.close() for c in warm))
            gc.collect()
            before = rss_mib(os.getpid())
            conns = [ep.open(a, p, config) for a, p in addresses]
            await asyncio.gather(*(c.established for c in conns))
            gc.collect()
            grown = rss_mib(os.getpid()) - before
            await asyncio.gather(*(c.close() for c in conns))
            return grown * 1024 * 1024 / len(conns)
        finally:
            ep.close()

    def measure() -> None:
        with simulator(count, PORT) as sim:
            per_session = run_loop(hold(sim.addresses()))
        rows["memory"] = f"{count} sessions held at once: {per_session:,.0f} bytes of RSS per session"

    benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(rows)
    print(f"\n[client memory] {rows['memory']}")
