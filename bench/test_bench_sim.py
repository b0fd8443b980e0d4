"""The simulator at datacenter scale: start time, memory and requests per second on one core, beside ipmi_sim.

    python -m pytest bench/test_bench_sim.py --benchmark-only -s

The simulator runs as users run it, ``ipmifast sim --count N`` in a process of its own, pinned to CPU 0
(``sched_setaffinity``: "one core" literally); the load comes from this process, pinned to the other CPU, through
ipmifast's own engine (one socket, many sessions). Figures, printed and kept in the benchmark's ``extra_info``:

- ``start``: seconds from launching ``ipmifast sim --count 10000`` to its banner (interpreter start and imports
  included), and ``Fleet.start()`` alone in this process.
- ``memory``: the simulator's resident set (``VmRSS``) idle after start; after every one of the 10,000 BMCs
  answered a whole session (open, Get Chassis Status, close: each BMC's state is built); and with one session
  held open on each of 2,000 BMCs. Beside it, the RSS of one ipmi_sim process (OpenIPMI runs one process per
  BMC), measured on the bench's ipmi_sim.
- ``throughput``: sessions opened first on ``SESSIONS`` BMCs; then each session sends Get Device ID (an answer
  the simulator encodes once per BMC identity) or Get Chassis Status (encoded from the live chassis state every
  time), one request at a time, for ``SECONDS``; with cipher suite 3 (HMAC-SHA1-96, AES-CBC-128) and 17
  (HMAC-SHA256-128, AES).
  ``requests/s`` is wall-clock; ``requests per simulator CPU second`` divides the answers by the user + system
  CPU time the simulator process used meanwhile (``/proc/PID/stat``): what one core of simulator serves, whatever
  the client on the other core can send. ipmi_sim gets the same load (cipher suite 3, its limit of sessions), its
  CPU read the same way.

``pytest bench --benchmark-disable`` (the test command) runs each once at a small size (``SMALL``), so the bench
cannot rot; the figures in the README come from the full run above.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

import ipmifast
from ipmifast.engine.fleet import run_fleet
from ipmifast.engine.loop import run as run_loop
from ipmifast.sim.fleet import Fleet
from tests.interop.conftest import SimBmc

FULL = {"count": 10_000, "held": 2_000, "sessions": 256, "seconds": 5.0}
SMALL = {"count": 500, "held": 100, "sessions": 32, "seconds": 0.5}
BASE, PORT = "127.120.0.1", 9750
CLK_TCK = os.sysconf("SC_CLK_TCK")
GET_DEVICE_ID, GET_CHASSIS_STATUS = (0x06, 0x01), (0x00, 0x01)
COMMANDS = {GET_DEVICE_ID: "Get Device ID", GET_CHASSIS_STATUS: "Get Chassis Status"}
SIM_CPU, CLIENT_CPU = 0, 1


def sizes(benchmark: Any) -> dict[str, Any]:
    return SMALL if benchmark.disabled else FULL


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pin(cpu: int) -> None:
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {cpu})


@contextmanager
def client_on_its_core() -> Iterator[None]:
    before = os.sched_getaffinity(0)
    pin(CLIENT_CPU)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


@dataclass
class SimProcess:
    proc: subprocess.Popen[str]
    started_in: float
    count: int
    port: int = PORT

    @property
    def pid(self) -> int:
        return self.proc.pid

    def addresses(self) -> list[tuple[str, int]]:
        return Fleet(count=self.count, base=BASE, port=self.port).addresses


@contextmanager
def simulator(count: int, port: int = PORT) -> Iterator[SimProcess]:
    """``ipmifast sim --count COUNT`` on CPU 0, up when its banner is out."""
    exe = os.path.join(os.path.dirname(sys.executable), "ipmifast")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [exe, "sim", "--count", str(count), "--base", BASE, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: pin(SIM_CPU),
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "stop with Ctrl-C" in line:
                break
        else:
            pytest.fail(f"ipmifast sim did not start: {proc.stderr.read() if proc.stderr else ''}")
        yield SimProcess(proc, time.perf_counter() - start, count, port)
    finally:
        proc.terminate()
        proc.wait(10)


async def _fleet_power_status(addresses: list[tuple[str, int]], concurrency: int = 256) -> dict[str, int]:
    async def power_status(address: tuple[str, int]) -> str:
        async with ipmifast.connect(address[0], port=address[1], username="admin", password="ipmifast",
                                    cipher_suite=17, keepalive=None, reconnect=False) as bmc:
            return "on" if (await bmc.chassis_status()).power_on else "off"

    summary: dict[str, int] = {}
    async for result in run_fleet(addresses, power_status, concurrency=concurrency):
        key = str(result.value) if result.ok else f"error: {result.kind}"
        summary[key] = summary.get(key, 0) + 1
    return summary


async def _hold_sessions(addresses: list[tuple[str, int]], pid: int, **login: Any) -> float:
    """Open one session on each address, read the RSS of ``pid`` with all of them open, close them."""
    stack: list[Any] = []
    try:
        for i in range(0, len(addresses), 256):
            stack += await asyncio.gather(*(
                ipmifast.connect(a, port=p, keepalive=None, reconnect=False, **login)
                for a, p in addresses[i:i + 256]))
        return rss_mib(pid)
    finally:
        await asyncio.gather(*(bmc.close() for bmc in stack), return_exceptions=True)


@dataclass
class Throughput:
    requests: int
    wall: float
    bmc_cpu: float
    client_cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.wall

    @property
    def per_bmc_cpu_second(self) -> float:
        return self.requests / self.bmc_cpu if self.bmc_cpu else float("inf")

    def __str__(self) -> str:
        return (f"{self.requests} requests in {self.wall:.2f} s: {self.per_second:,.0f}/s wall, "
                f"{self.per_bmc_cpu_second:,.0f} per BMC-side CPU second ({self.bmc_cpu * 1e6 / self.requests:.1f} "
                f"us each), client {self.client_cpu * 1e6 / self.requests:.1f} us CPU each")


async def _throughput(addresses: list[tuple[str, int]], pid: int, seconds: float, command: tuple[int, int],
                      **login: Any) -> Throughput:
    """Sessions on every address, then ``command`` (netfn, cmd) in each, one at a time, for ``seconds``."""
    sessions = [await ipmifast.connect(a, port=p, keepalive=None, reconnect=False, **login)
                for a, p in addresses]
    try:
        for bmc in sessions:  # warm: every session has answered once
            assert (await bmc.request(*command)).cc == 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        counts = [0] * len(sessions)

        async def drive(i: int) -> None:
            bmc = sessions[i]
            while loop.time() < deadline:
                response = await bmc.request(*command)
                assert response.cc == 0 and len(response.data) >= 3
                counts[i] += 1

        cpu0, client0, t0 = cpu_seconds(pid), time.process_time(), time.perf_counter()
        await asyncio.gather(*(drive(i) for i in range(len(sessions))))
        wall = time.perf_counter() - t0
        return Throughput(sum(counts), wall, cpu_seconds(pid) - cpu0, time.process_time() - client0)
    finally:
        await asyncio.gather(*(bmc.close() for bmc in sessions), return_exceptions=True)


def _report(benchmark: Any, group: str, **figures: Any) -> None:
    benchmark.extra_info.update(figures)
    print(f"\n[{group}]")
    for key, value in figures.items():
        print(f"  {key}: {value}")


# ----------------------------------------------------------------------------------------------------- benches
@pytest.mark.interop
def test_start_and_memory(benchmark: Any, ipmi_sim: SimBmc) -> None:
    size = sizes(benchmark)
    count = size["count"]
    results: dict[str, Any] = {}

    def measure() -> None:
        async def lazy_start() -> float:
            fleet = Fleet(count=count, base="127.121.0.1", port=PORT + 1)
            t = time.perf_counter()
            await fleet.start()
            elapsed = time.perf_counter() - t
            fleet.close()
            return elapsed

        results["Fleet.start() s"] = round(run_loop(lazy_start()), 4)
        with simulator(count) as sim, client_on_its_core():
            results["ipmifast sim to banner s"] = round(sim.started_in, 3)
            results["RSS idle after start MiB"] = round(rss_mib(sim.pid), 1)
            summary = run_loop(_fleet_power_status(sim.addresses()))
            assert summary == {"on": count}, summary
            results[f"RSS after {count} sessions (every BMC built) MiB"] = round(rss_mib(sim.pid), 1)
            held = run_loop(_hold_sessions(sim.addresses()[: size["held"]], sim.pid, username="admin",
                                           password="ipmifast", cipher_suite=17))
            results[f"RSS with {size['held']} sessions open MiB"] = round(held, 1)
            time.sleep(0.2)
            results["RSS idle afterwards MiB"] = round(rss_mib(sim.pid), 1)
        results["ipmi_sim RSS per BMC (one process each) MiB"] = round(rss_mib(ipmi_sim.pid), 1)

    benchmark.pedantic(measure, rounds=1, iterations=1)
    _report(benchmark, f"simulator start and memory, {count} BMCs", **results)
    assert results["RSS idle afterwards MiB"] > 0


@pytest.mark.interop
@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS.values()))
@pytest.mark.parametrize("suite", [3, 17])
def test_requests_per_second_on_one_core(benchmark: Any, suite: int, command: tuple[int, int],
                                         ipmi_sim: SimBmc) -> None:
    size = sizes(benchmark)
    out: dict[str, Throughput] = {}

    def measure() -> None:
        with simulator(size["sessions"]) as sim, client_on_its_core():
            out["ipmifast sim"] = run_loop(_throughput(sim.addresses(), sim.pid, size["seconds"], command,
                                                       username="admin", password="ipmifast", cipher_suite=suite))
        # ipmi_sim has no SHA-256 suites (tests/data/testbed/README.md), and answers Get Chassis Status by running
        # the test bed's shell script (milliseconds): it is compared on Get Device ID with suite 3
        if suite == 3 and command == GET_DEVICE_ID:
            with client_on_its_core():
                out["ipmi_sim"] = run_loop(_throughput(
                    [(ipmi_sim.addr, ipmi_sim.port)] * 4, ipmi_sim.pid, size["seconds"], command, username="admin",
                    password="ipmifast-admin", cipher_suite=3, quirks=("opensesspriv",)))

    benchmark.pedantic(measure, rounds=1, iterations=1)
    _report(benchmark, f"{COMMANDS[command]}, cipher suite {suite}, {size['sessions']} sessions",
            **{k: str(v) for k, v in out.items()})
    assert all(t.requests > 0 for t in out.values())
