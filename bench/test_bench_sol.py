"""Serial over LAN throughput and keystroke echo, ipmifast's console beside ipmitool's and FreeIPMI's.

    python -m pytest bench/test_bench_sol.py --benchmark-only --benchmark-group-by=group -s

Each console runs as users run it, in a pseudo-terminal, against the same simulated BMC (an in-process
``ipmifast.sim`` fleet on 127.89.3.1, UDP port 9910, cipher suite 3, the simulator's default SOL configuration:
7 retries at 500 ms, character accumulate interval 60 ms). Groups:

- ``SOL throughput, 1 MiB through cat``: the console is logged in to the simulated host and runs ``cat``; one
  round types 1 MiB (random letters, digits and spaces: no escape character of any console, no control
  character) into the terminal and waits until ``cat``'s echo of all of it is back on the terminal: 1 MiB each
  way at once. The extra info gives the rate in bytes per second of each direction.
  ipmiconsole is left out of this group (see ``THROUGHPUT_PEERS``).
- ``SOL throughput, 1 MiB through cat, 2 KiB ahead``: the same, typing at most ``AHEAD`` bytes ahead of the echo
  (a paste into a terminal that waits for the echo), every console.
- ``SOL keystroke echo``: one character typed at the shell prompt, until its echo is back on the terminal.

The console is started, logged in and put in ``cat`` (or at the prompt) outside the timed part.
"""

from __future__ import annotations

import os
import random
import select
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipmifast.sim.fleet import Fleet
from tests.cli.test_sol_console import Pty
from tests.interop.conftest import require
from tests.sim.conftest import FleetThread, on_loop

EXECUTABLE = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "ipmifast"
HOST = "127.89.3.1"
PORT = 9910
SIZE = int(os.environ.get("IPMIFAST_BENCH_SOL_BYTES", 1 << 20))
PEERS = ["ipmifast", "ipmitool", "ipmiconsole"]
#: FreeIPMI's ipmiconsole (1.6.10) ends its own SOL session when 8 KiB or more are typed ahead of the echo
#: ("[error received]: internal error" or "read: Connection reset by peer", then Deactivate Payload): it has no row
#: in the unpaced group; with at most 4 KiB ahead it carries the stream (the paced group)
THROUGHPUT_PEERS = ["ipmifast", "ipmitool"]
AHEAD = 2048


@pytest.fixture(scope="module")
def sim() -> Iterator[Fleet]:
    with FleetThread(count=1, base=HOST, port=PORT) as fleet:
        on_loop(fleet, lambda: fleet.bmc(HOST).power(True, fleet.bmc(HOST).clock(), "power-on"))
        yield fleet


def command(peer: str) -> list[str]:
    if peer == "ipmifast":
        exe = str(EXECUTABLE) if EXECUTABLE.exists() else "ipmifast"
        return [exe, "-H", HOST, "-p", str(PORT), "-U", "admin", "-P", "ipmifast", "-C", "3", "sol", "activate"]
    if peer == "ipmitool":
        return [require("ipmitool"), "-I", "lanplus", "-C", "3", "-H", HOST, "-p", str(PORT), "-U", "admin", "-P",
                "ipmifast", "sol", "activate"]  # fmt: skip
    return [require("ipmiconsole"), "-h", f"{HOST}:{PORT}", "-u", "admin", "-p", "ipmifast", "-I", "3"]


def start(peer: str, sim: Fleet, mode: bytes) -> Pty:
    """A console logged in to the simulated host, in ``cat`` (mode ``cat``) or at the prompt."""
    end = time.monotonic() + 15
    while on_loop(sim, lambda: sim.bmc(HOST).sol_active()) is not None and time.monotonic() < end:
        time.sleep(0.05)  # the previous console's SOL is released
    p = Pty(command(peer))
    p.expect(b"]")  # each console's "SOL operational / established" notice
    p.send(b"\r")
    p.expect(b"sim-host login: ")
    p.send(b"root\r")
    p.expect(b"Password: ")
    p.send(b"x\r")
    at = p.expect(b"root@sim-host:~# ")
    if mode == b"cat":
        p.send(b"cat\r")
        p.expect(b"cat\r\n", start=at)
    p.out.clear()
    return p


def stop(p: Pty, peer: str) -> None:
    p.send(b"\x04\r" + (b"&." if peer == "ipmiconsole" else b"~."))
    try:
        p.wait(15)
    finally:
        p.close()


def stream(p: Pty, data: bytes, ahead: int | None = None) -> None:
    """Type ``data`` into the terminal while reading the echo (at most ``ahead`` bytes before it); return when all
    of it is back."""
    sent = 0
    view = memoryview(data)
    deadline = time.monotonic() + 600
    while len(p.out) < len(data):
        if time.monotonic() > deadline:
            pytest.fail(f"only {len(p.out)} of {len(data)} bytes came back")
        writable = [p.master] if sent < len(data) and (ahead is None or sent - len(p.out) < ahead) else []
        readable, ready, _ = select.select([p.master], writable, [], 1.0)
        if readable:
            p.out += os.read(p.master, 65536)
        if ready:
            sent += os.write(p.master, view[sent : sent + 1024])
    assert bytes(p.out[: len(data)]) == data


@pytest.mark.parametrize(("peer", "ahead"), [*((p, None) for p in THROUGHPUT_PEERS), *((p, AHEAD) for p in PEERS)])
def test_sol_throughput(benchmark: Any, sim: Fleet, peer: str, ahead: int | None) -> None:
    data = bytes(random.Random(1).choices(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ",
                                          k=SIZE))  # fmt: skip
    consoles: list[Pty] = []

    def setup() -> tuple[tuple[Pty, bytes, int | None], dict[str, Any]]:
        for old in consoles:
            stop(old, peer)
        consoles.clear()
        consoles.append(start(peer, sim, b"cat"))
        return (consoles[0], data, ahead), {}

    benchmark.group = "SOL throughput, 1 MiB each way through cat" + (f", {ahead} bytes ahead" if ahead else "")
    try:
        benchmark.pedantic(stream, setup=setup, rounds=3)
    finally:
        for old in consoles:
            stop(old, peer)
    if benchmark.stats is not None:
        median = benchmark.stats.stats.median
        benchmark.extra_info["bytes per second each way"] = round(SIZE / median)


@pytest.mark.parametrize("peer", PEERS)
def test_sol_keystroke_echo(benchmark: Any, sim: Fleet, peer: str) -> None:
    p = start(peer, sim, b"prompt")

    def key() -> None:
        p.out.clear()
        p.send(b"a")
        p.expect(b"a", timeout=10)

    benchmark.group = "SOL keystroke echo"
    try:
        benchmark.pedantic(key, rounds=30, warmup_rounds=2)
    finally:
        p.send(b"\x15")  # clear the line
        stop(p, peer)


LOG_PORT = 9911
LOG_COUNT = 1000


def test_sol_log_fleet(benchmark: Any, tmp_path: Path) -> None:
    """``sol log`` over 1,000 simulated consoles (an in-process fleet on UDP port 9911): seconds until every
    console is connected, then 10 s in which every host prints one line a second; the child's CPU (user + system)
    for the whole run, and per console-second of the steady part."""
    import resource
    import signal
    import subprocess

    exe = str(EXECUTABLE) if EXECUTABLE.exists() else "ipmifast"
    # the test command's single run (--benchmark-disable) is small: 100 consoles, 3 s of lines
    count, ticks = (100, 3) if benchmark.disabled else (LOG_COUNT, 10)
    with FleetThread(count=count, base="127.89.4.1", port=LOG_PORT) as fleet:
        hosts = [a for a, _ in fleet.addresses]
        for h in hosts:
            on_loop(fleet, lambda h=h: fleet.bmc(h).power(True, fleet.bmc(h).clock(), "power-on"))
        spec = tmp_path / "hosts.txt"
        spec.write_text("\n".join(hosts) + "\n")
        logs = tmp_path / "logs"

        def active() -> int:
            return on_loop(fleet, lambda: sum(fleet.bmc(h).sol_active() is not None for h in hosts))

        def run() -> dict[str, float]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            proc = subprocess.Popen([exe, "-H", f"@{spec}", "-p", str(LOG_PORT), "-U", "admin", "-P", "ipmifast",
                                     "sol", "log", "--dir", str(logs)], stderr=subprocess.PIPE)  # fmt: skip
            while active() < count:
                if time.monotonic() - started > 120:
                    proc.kill()
                    pytest.fail(f"only {active()} of {count} consoles connected")
                time.sleep(0.2)
            connected = time.monotonic() - started
            for second in range(ticks):
                def tick(n: int = second) -> None:
                    for h in hosts:
                        bmc = fleet.bmc(h)
                        session, console = bmc.sol_active()
                        console.send(b"\r\n%s tick %d" % (h.encode(), n))
                        bmc.sessions20.flush(session.sid_c, bmc.clock())

                on_loop(fleet, tick)
                time.sleep(1.0)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            assert proc.returncode == 0, err
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            lines = sum(1 for p in logs.iterdir() for line in p.read_bytes().splitlines() if b" tick " in line)
            assert lines >= count * (ticks - 1)
            return {"seconds to connect all": round(connected, 2), "child CPU s": round(cpu, 2),
                    "tick lines logged": lines}  # fmt: skip

        benchmark.group = "sol log, 1,000 consoles"
        result = benchmark.pedantic(run, rounds=1)
        benchmark.extra_info.update(result)
        print(f"\nsol log over {count} consoles: {result}")
