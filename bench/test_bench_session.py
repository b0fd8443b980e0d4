"""Whole sessions against a real BMC: ipmifast side by side with ipmitool, FreeIPMI and pyghmi.

    python -m pytest bench/test_bench_session.py --benchmark-only --benchmark-group-by=group

Every peer talks to the same ipmi_sim (bench/conftest.py) on loopback: cipher suite 3, user admin, privilege
ADMINISTRATOR. Groups:

- ``one-shot session``: open a session (the RMCP+ handshake and Set Session Privilege Level), one request, Close
  Session; wall time per session. With Get Chassis Status, and with Get Device ID.
- ``client CPU per one-shot session``: the Get Chassis Status sessions timed by a CPU clock, user + system seconds
  of the client only, never the BMC's: ``time.process_time()`` (every thread of this process) for in-process
  peers, ``getrusage(RUSAGE_CHILDREN)`` for the processes of subprocess peers (reaped by ``subprocess.run``), so
  that the parent's fork, exec and pipe work is not charged to them.
- ``one request in an open session``: wall time of one request and its response in a session opened beforehand.
- ``client CPU per request in an open session``: the same for Get Device ID, timed by the CPU clocks above.

ipmi_sim answers Get Chassis Status by running the test bed's ``chassis-control.sh`` (a shell, ``date`` and
``cat``: 4-7 ms), so the Get Chassis Status groups time mostly the BMC; it answers Get Device ID from memory, so
the Get Device ID groups show the clients.

Peers (parameter ids):

- ``ipmifast-async``: ``ipmifast.connect()`` on one persistent uvloop loop, as in a long-running asyncio program:
  the loop's shared engine socket is created by the first session and reused by the next ones. The clock
  (``InLoopClock``) counts only the time spent awaiting inside the running loop; entering and leaving the loop
  from the benchmark's synchronous code (``loop.run_until_complete``, measured on its own in the ``harness``
  group) is left out, as an application already in its loop does not pay it.
- ``ipmifast-async-new-loop``: a new uvloop loop per session (``ipmifast.engine.loop.run(main())``), with a new
  engine socket each time, as a script that opens one session does. Timed whole.
- ``ipmifast-Client``: the synchronous facade ``ipmifast.Client``: a private loop in a background thread, made per
  session; a request is a ``run_coroutine_threadsafe`` round trip between the threads.
- ``ipmifast-BlockingClient``: ``ipmifast.engine.blocking.BlockingClient``, the core on one blocking socket.
- ``python-ipmifast``: a new ``python -c`` process per session using ``ipmifast.connect``, interpreter start and
  imports included: what an ipmifast command run once per host costs, the like-for-like comparison with a CLI.
- ``pyghmi``: ``pyghmi.ipmi.command.Command(bmc, port, userid, password)``, then ``get_power()`` (Get Chassis
  Status; pyghmi's ``oem_init`` sends a Get Device ID first) or ``raw_command(6, 1)``, then
  ``ipmi_session.logout()`` (Close Session; ``Command`` has no ``close``). pyghmi has no cipher suite option: it
  always opens with SHA-256 (cipher suite 17) first and, as ipmi_sim refuses it, again with SHA-1/AES (cipher
  suite 3), one Open Session round trip more. Per-request: ``raw_command`` on an open ``Command``.
- ``ipmitool``: ``ipmitool -I lanplus ... -C 3 chassis status`` (or ``raw 0x06 0x01``), a new process per
  session. Per-request: ``ipmitool ... exec FILE`` runs FILE's ``raw`` lines in one session.
- ``freeipmi``: ``ipmipower ... -I 3 -W opensesspriv -D LAN_2_0 -l ADMIN --stat`` (ipmi_sim needs ``opensesspriv``,
  tests/data/testbed/README.md), or ``ipmi-raw ... 00 06 01`` for Get Device ID. ``ipmi-chassis`` has no way to
  send several requests in one session; ``ipmi-raw --file FILE`` has, so per-request uses it.

ipmitool exec and ipmi-raw --file can only be timed whole, so their per-request time (wall or CPU) is
(t(N-line file) - t(1-line file)) / (N - 1), paired within each round (``PerLineClock``).

Every call checks what its peer returned (power on, device ID 20h, one answer per line), so a broken peer fails
instead of timing its error path; a missing peer fails with an install hint.
"""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

import ipmifast
from ipmifast.client import default_endpoint
from ipmifast.engine.blocking import BlockingClient
from ipmifast.engine.loop import new_event_loop
from ipmifast.engine.loop import run as run_new_loop
from ipmifast.proto.session import SessionConfig
from tests.interop.conftest import SimBmc, require

T = TypeVar("T")
Call = Callable[[], None]
Command = tuple[int, int]

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "admin"
PASSWORD = "ipmifast-admin"
CIPHER_SUITE = 3
GET_CHASSIS_STATUS: Command = (0x00, 0x01)
GET_DEVICE_ID: Command = (0x06, 0x01)
COMMANDS = {GET_CHASSIS_STATUS: "Get Chassis Status", GET_DEVICE_ID: "Get Device ID"}
COMMAND_IDS = {GET_CHASSIS_STATUS: "chassis-status", GET_DEVICE_ID: "device-id"}
#: how the test bed's BMC answers (tests/data/testbed/README.md): power on and nothing else; device ID 20h,
#: revision 1, firmware 2.15
EXPECTED = {GET_CHASSIS_STATUS: bytes.fromhex("010000"), GET_DEVICE_ID: bytes.fromhex("20010215")}
PYGHMI_HINT = "pyghmi is not installed: pip install -e '.[test]' (or run scripts/setup.sh)"

#: timed rounds per benchmark, after untimed warm-up rounds; --benchmark-disable runs each call once
ONE_SHOT_ROUNDS = 60
WARMUP_ROUNDS = 3
PER_REQUEST_ROUNDS = {GET_CHASSIS_STATUS: 200, GET_DEVICE_ID: 3000}
#: lines of the command files (ipmitool exec, ipmi-raw --file), and rounds of those
FILE_LINES = {GET_CHASSIS_STATUS: 51, GET_DEVICE_ID: 401}
FILE_ROUNDS = 15


# ---------------------------------------------------------------------------------------------------- clocks
def process_cpu() -> float:
    """User + system CPU seconds of this process, every thread (in-process peers)."""
    return time.process_time()


def children_cpu() -> float:
    """User + system CPU seconds of this process's reaped children (subprocess peers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class InLoopClock:
    """``base`` counted only while an awaitable runs inside the event loop (``timed``), summed over calls.

    pytest-benchmark calls a synchronous function, so each round enters the loop with ``run_until_complete``,
    28 us or more on uvloop (the ``harness`` group), a large share of a Get Device ID round trip; this clock
    leaves that out.
    """

    def __init__(self, base: Callable[[], float]) -> None:
        self.base = base
        self._total = 0.0

    def __call__(self) -> float:
        return self._total

    async def timed(self, awaitable: Awaitable[T]) -> T:
        start = self.base()
        try:
            return await awaitable
        finally:
            self._total += self.base() - start

    def __repr__(self) -> str:
        return f"InLoopClock({self.base.__name__})"


class PerLineClock:
    """For a tool that can only be timed whole: (t(N-line file) - t(1-line file)) / (N - 1), t read on ``base``.

    In each round, pedantic's untimed ``setup`` runs the 1-line file and ``baseline()`` keeps its cost; the
    timed target runs the N-line file and ends with ``charge()``, from which on this clock reads that cost
    less. Both files open, use and close one session, so the difference is N - 1 requests.
    """

    def __init__(self, lines: int, base: Callable[[], float] = time.perf_counter) -> None:
        self.lines = lines
        self.base = base
        self._charged = 0.0
        self._pending = 0.0

    def __call__(self) -> float:
        return (self.base() - self._charged) / (self.lines - 1)

    def baseline(self, run_one_line: Call) -> None:
        start = self.base()
        run_one_line()
        self._pending = self.base() - start

    def charge(self) -> None:
        self._charged += self._pending
        self._pending = 0.0

    def __repr__(self) -> str:
        return f"PerLineClock({self.lines}, {self.base.__name__})"


ASYNC_WALL = InLoopClock(time.perf_counter)
ASYNC_CPU = InLoopClock(time.process_time)
PER_LINE_CLOCKS = {command: PerLineClock(lines) for command, lines in FILE_LINES.items()}
PER_LINE_CPU = PerLineClock(FILE_LINES[GET_DEVICE_ID], children_cpu)


# ---------------------------------------------------------------------------------------------------- checks
def check(command: Command, data: bytes | bytearray) -> None:
    if not bytes(data).startswith(EXPECTED[command]):
        raise AssertionError(f"{COMMANDS[command]} returned {bytes(data).hex()}, expected {EXPECTED[command].hex()}")


def run(args: list[str], expect: str, count: int = 1) -> None:
    """Run a peer's process; fail unless it exits 0 and prints ``expect`` ``count`` times."""
    out = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT)
    if out.returncode != 0 or out.stdout.count(expect) != count:
        raise AssertionError(
            f"{Path(args[0]).name} failed (exit {out.returncode}; {out.stdout.count(expect)} of {count} "
            f"{expect!r}):\n{out.stdout[-2000:]}{out.stderr[-2000:]}"
        )


# ---------------------------------------------------------------------------------------------------- peers
def ipmitool_args(sim: SimBmc) -> list[str]:
    return [require("ipmitool"), "-I", "lanplus", "-H", sim.addr, "-p", str(sim.port), "-U", USERNAME,
            "-P", PASSWORD, "-C", str(CIPHER_SUITE)]


def ipmitool_raw(command: Command) -> tuple[list[str], str]:
    """``raw`` arguments for ipmitool, and the line it prints for the expected response."""
    netfn, cmd = command
    return ["raw", f"0x{netfn:02x}", f"0x{cmd:02x}"], " " + EXPECTED[command].hex(" ")


def freeipmi_args(tool: str, sim: SimBmc) -> list[str]:
    return [require(tool), "-h", f"{sim.addr}:{sim.port}", "-u", USERNAME, "-p", PASSWORD, "-I", str(CIPHER_SUITE),
            "-W", "opensesspriv", "-D", "LAN_2_0", "-l", "ADMIN"]


def freeipmi_raw(command: Command) -> tuple[list[str], str]:
    """``ipmi-raw`` arguments (LUN, netfn, cmd), and what it prints for the expected response."""
    netfn, cmd = command
    return ["00", f"{netfn:02x}", f"{cmd:02x}"], f"rcvd: {cmd:02X} 00 " + EXPECTED[command].hex(" ").upper()


def pyghmi_command(sim: SimBmc) -> Any:
    """A new, logged-in pyghmi ``Command``.

    The credentials go in as bytes: with str, pyghmi 1.6.19 files the logging-in session under (str, str) in
    ``Session.initting_sessions`` but removes it under (bytes, bytes) once logged in, so the next ``Command`` to
    the same BMC after a logout gets the stale, logged-out session back and fails (TypeError in raw_command).
    """
    try:
        from pyghmi.ipmi import command
    except ImportError:
        pytest.fail(PYGHMI_HINT, pytrace=False)
    return command.Command(bmc=sim.addr, port=sim.port, userid=USERNAME.encode(), password=PASSWORD.encode())


def pyghmi_raw(bmc: Any, command: Command) -> None:
    response = bmc.raw_command(netfn=command[0], command=command[1])
    if response.get("code") != 0:
        raise AssertionError(f"pyghmi raw_command returned {response}")
    check(command, response["data"])


def connect(sim: SimBmc) -> Any:
    return ipmifast.connect(sim.addr, port=sim.port, username=USERNAME, password=PASSWORD, cipher_suite=CIPHER_SUITE)


def client(sim: SimBmc) -> ipmifast.Client:
    return ipmifast.Client(sim.addr, port=sim.port, username=USERNAME, password=PASSWORD, cipher_suite=CIPHER_SUITE)


def blocking_client(sim: SimBmc) -> BlockingClient:
    config = SessionConfig(username=USERNAME.encode(), password=PASSWORD.encode(), cipher_suite=CIPHER_SUITE)
    return BlockingClient(sim.addr, config, port=sim.port)


async def async_one_shot(sim: SimBmc, command: Command) -> None:
    async with connect(sim) as bmc:
        check(command, await bmc.raw(*command))


@contextmanager
def persistent_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A uvloop loop for the whole benchmark; its shared engine socket is closed with it."""
    loop = new_event_loop()
    try:
        yield loop
    finally:
        async def close_endpoint() -> None:
            (await default_endpoint()).close()

        loop.run_until_complete(close_endpoint())
        loop.close()


PYTHON_ONE_SHOT = """
import sys, ipmifast
from ipmifast.engine.loop import run
host, port, username, password, netfn, cmd = sys.argv[1:]
async def main():
    async with ipmifast.connect(host, port=int(port), username=username, password=password, cipher_suite=3) as bmc:
        return await bmc.raw(int(netfn), int(cmd))
print(run(main()).hex(" "))
"""


@contextmanager
def one_shot(peer: str, sim: SimBmc, command: Command, in_loop: InLoopClock) -> Iterator[Call]:
    """A call that opens a session, sends ``command`` (response checked) and closes the session."""
    if peer == "ipmifast-async":
        with persistent_loop() as loop:
            yield lambda: loop.run_until_complete(in_loop.timed(async_one_shot(sim, command)))
    elif peer == "ipmifast-async-new-loop":
        yield lambda: run_new_loop(async_one_shot(sim, command))
    elif peer == "ipmifast-Client":
        def sync_facade() -> None:
            with client(sim) as bmc:
                check(command, bmc.raw(*command))

        yield sync_facade
    elif peer == "ipmifast-BlockingClient":
        def blocking() -> None:
            with blocking_client(sim) as bmc:
                check(command, bmc.call(*command))

        yield blocking
    elif peer == "pyghmi":
        def pyghmi() -> None:
            bmc = pyghmi_command(sim)
            try:
                if command == GET_CHASSIS_STATUS:
                    power = bmc.get_power()
                    if power.get("powerstate") != "on":
                        raise AssertionError(f"pyghmi get_power returned {power}")
                else:
                    pyghmi_raw(bmc, command)
            finally:
                bmc.ipmi_session.logout()

        yield pyghmi
    elif peer == "python-ipmifast":
        args = [sys.executable, "-c", PYTHON_ONE_SHOT, sim.addr, str(sim.port), USERNAME, PASSWORD,
                str(command[0]), str(command[1])]
        expect = EXPECTED[command].hex(" ")
        yield lambda: run(args, expect)
    elif peer == "ipmitool":
        if command == GET_CHASSIS_STATUS:
            args, expect = ipmitool_args(sim) + ["chassis", "status"], "System Power         : on"
        else:
            raw, expect = ipmitool_raw(command)
            args = ipmitool_args(sim) + raw
        yield lambda: run(args, expect)
    elif peer == "freeipmi":
        if command == GET_CHASSIS_STATUS:
            args, expect = freeipmi_args("ipmipower", sim) + ["--stat"], f"{sim.addr}: on"
        else:
            raw, expect = freeipmi_raw(command)
            args = freeipmi_args("ipmi-raw", sim) + raw
        yield lambda: run(args, expect)
    else:
        raise ValueError(peer)


@contextmanager
def open_session(peer: str, sim: SimBmc, command: Command, in_loop: InLoopClock) -> Iterator[Call]:
    """A call that sends ``command`` in a session opened beforehand, and checks the response."""
    if peer == "ipmifast-async":
        with persistent_loop() as loop:
            bmc = loop.run_until_complete(connect(sim))
            try:
                yield lambda: check(command, loop.run_until_complete(in_loop.timed(bmc.raw(*command))))
            finally:
                loop.run_until_complete(bmc.close())
    elif peer == "ipmifast-Client":
        with client(sim) as sync_facade:
            yield lambda: check(command, sync_facade.raw(*command))
    elif peer == "ipmifast-BlockingClient":
        with blocking_client(sim) as blocking:
            yield lambda: check(command, blocking.call(*command))
    elif peer == "pyghmi":
        bmc = pyghmi_command(sim)
        try:
            yield lambda: pyghmi_raw(bmc, command)
        finally:
            bmc.ipmi_session.logout()
    else:
        raise ValueError(peer)


def command_files(peer: str, sim: SimBmc, command: Command, directory: Path) -> tuple[Call, Call]:
    """(run the 1-line file, run the N-line file) for a tool that runs a file of requests in one session."""
    if peer == "ipmitool":
        raw, expect = ipmitool_raw(command)
        args = ipmitool_args(sim) + ["exec"]
    elif peer == "freeipmi":
        raw, expect = freeipmi_raw(command)
        args = freeipmi_args("ipmi-raw", sim) + ["--file"]
    else:
        raise ValueError(peer)
    lines = FILE_LINES[command]
    one, many = directory / f"{peer}-1.txt", directory / f"{peer}-{lines}.txt"
    one.write_text(" ".join(raw) + "\n")
    many.write_text((" ".join(raw) + "\n") * lines)
    return (lambda: run(args + [str(one)], expect)), (lambda: run(args + [str(many)], expect, lines))


# ---------------------------------------------------------------------------------------------------- benchmarks
IN_PROCESS = ["ipmifast-async", "ipmifast-async-new-loop", "ipmifast-Client", "ipmifast-BlockingClient", "pyghmi"]
SUBPROCESS = ["ipmitool", "freeipmi", "python-ipmifast"]
OPEN_SESSION_PEERS = ["ipmifast-async", "ipmifast-Client", "ipmifast-BlockingClient", "pyghmi"]


def peers(names: list[str], timers: dict[str, Callable[[], float]]) -> list[Any]:
    """``names`` as parameters, each marked with the clock it is timed by (``timers``; default: wall)."""
    return [
        pytest.param(name, marks=pytest.mark.benchmark(timer=timers[name])) if name in timers else pytest.param(name)
        for name in names
    ]


CPU_TIMERS: dict[str, Callable[[], float]] = {
    **{name: process_cpu for name in IN_PROCESS},
    **{name: children_cpu for name in SUBPROCESS},
    "ipmifast-async": ASYNC_CPU,
}


@pytest.mark.parametrize("command", list(COMMANDS), ids=COMMAND_IDS.get)
@pytest.mark.parametrize("peer", peers(IN_PROCESS + SUBPROCESS, {"ipmifast-async": ASYNC_WALL}))
def test_one_shot_session(benchmark: Any, ipmi_sim: SimBmc, peer: str, command: Command) -> None:
    with one_shot(peer, ipmi_sim, command, ASYNC_WALL) as call:
        call()  # the peer really works before it is timed
        benchmark.group = f"one-shot session: connect + {COMMANDS[command]} + close (wall)"
        benchmark.pedantic(call, rounds=ONE_SHOT_ROUNDS, warmup_rounds=WARMUP_ROUNDS)


@pytest.mark.parametrize("peer", peers(IN_PROCESS + SUBPROCESS, CPU_TIMERS))
def test_one_shot_client_cpu(benchmark: Any, ipmi_sim: SimBmc, peer: str) -> None:
    with one_shot(peer, ipmi_sim, GET_CHASSIS_STATUS, ASYNC_CPU) as call:
        call()
        benchmark.group = "client CPU per one-shot session, Get Chassis Status (user+sys CPU of the client, not wall)"
        benchmark.pedantic(call, rounds=ONE_SHOT_ROUNDS, warmup_rounds=WARMUP_ROUNDS)


@pytest.mark.parametrize("command", list(COMMANDS), ids=COMMAND_IDS.get)
@pytest.mark.parametrize("peer", peers(OPEN_SESSION_PEERS, {"ipmifast-async": ASYNC_WALL}))
def test_request_in_open_session(benchmark: Any, ipmi_sim: SimBmc, peer: str, command: Command) -> None:
    with open_session(peer, ipmi_sim, command, ASYNC_WALL) as call:
        call()
        benchmark.group = f"one request in an open session: {COMMANDS[command]} (wall)"
        benchmark.pedantic(call, rounds=PER_REQUEST_ROUNDS[command], warmup_rounds=10 * WARMUP_ROUNDS)


@pytest.mark.parametrize("peer", peers(OPEN_SESSION_PEERS, CPU_TIMERS))
def test_request_client_cpu(benchmark: Any, ipmi_sim: SimBmc, peer: str) -> None:
    with open_session(peer, ipmi_sim, GET_DEVICE_ID, ASYNC_CPU) as call:
        call()
        benchmark.group = "client CPU per request in an open session, Get Device ID (user+sys CPU of the client)"
        benchmark.pedantic(call, rounds=PER_REQUEST_ROUNDS[GET_DEVICE_ID], warmup_rounds=10 * WARMUP_ROUNDS)


def time_command_file(benchmark: Any, clock: PerLineClock, one_line: Call, all_lines: Call) -> None:
    one_line()
    all_lines()  # the peer really works before it is timed

    def timed() -> None:
        all_lines()
        clock.charge()

    benchmark.extra_info["method"] = f"(t({clock.lines} lines) - t(1 line)) / {clock.lines - 1}"
    benchmark.pedantic(timed, setup=lambda: clock.baseline(one_line), rounds=FILE_ROUNDS, warmup_rounds=1)


@pytest.mark.parametrize(
    "command",
    [pytest.param(c, id=COMMAND_IDS[c], marks=pytest.mark.benchmark(timer=PER_LINE_CLOCKS[c])) for c in COMMANDS],
)
@pytest.mark.parametrize("peer", ["ipmitool", "freeipmi"])
def test_request_in_command_file(
    benchmark: Any, ipmi_sim: SimBmc, peer: str, command: Command, tmp_path: Path
) -> None:
    benchmark.group = f"one request in an open session: {COMMANDS[command]} (wall)"
    time_command_file(benchmark, PER_LINE_CLOCKS[command], *command_files(peer, ipmi_sim, command, tmp_path))


@pytest.mark.benchmark(timer=PER_LINE_CPU)
@pytest.mark.parametrize("peer", ["ipmitool", "freeipmi"])
def test_request_in_command_file_client_cpu(benchmark: Any, ipmi_sim: SimBmc, peer: str, tmp_path: Path) -> None:
    benchmark.group = "client CPU per request in an open session, Get Device ID (user+sys CPU of the client)"
    time_command_file(benchmark, PER_LINE_CPU, *command_files(peer, ipmi_sim, GET_DEVICE_ID, tmp_path))


def test_harness_loop_entry(benchmark: Any) -> None:
    """``loop.run_until_complete`` of a coroutine that returns at once, on uvloop: left out of ipmifast-async."""
    async def nothing() -> None:
        return None

    loop = new_event_loop()
    try:
        benchmark.group = "harness: loop.run_until_complete(empty coroutine), left out of the ipmifast-async rows"
        benchmark.pedantic(lambda: loop.run_until_complete(nothing()), rounds=20000, warmup_rounds=100)
    finally:
        loop.close()
