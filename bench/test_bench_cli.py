"""The command line, one process per invocation, side by side with ipmitool and FreeIPMI against the same BMC.

    python -m pytest bench/test_bench_cli.py --benchmark-only --benchmark-group-by=group

Every peer talks to the same ipmi_sim (bench/conftest.py) on loopback: cipher suite 3, user admin, privilege
ADMINISTRATOR; each call is a new process, as in an operator's shell loop, and its output is checked, so a broken
peer fails instead of timing its error path. Groups:

- ``one-shot CLI: power status``: ``ipmifast ... power status`` (the installed console script) against
  ``ipmitool ... power status`` and FreeIPMI's ``ipmipower --stat``; wall time, and client CPU (user + system of
  the child, ``getrusage(RUSAGE_CHILDREN)``). Two reference rows that are not clients: ``python-startup``
  (``python -c pass``, the interpreter alone) and ``python-imports`` (``python -c`` importing what the one-shot
  path imports and ending as it does, without talking to the BMC): the floor under ipmifast's figure.
- ``sdr elist``: the whole sensor list of the BMC (13 SDRs, 10 readings): ``ipmifast sdr elist`` cold (reads the
  SDR repository) and with ``--sdr-cache FILE`` written beforehand (one Get SDR Repository Info, then the
  readings), ``ipmitool sdr elist`` (no cache) and with ``-S FILE`` (its local SDR file from ``sdr dump``), and
  ``ipmi-sensors`` with a fresh SDR cache directory per call (cold) and with one written beforehand (warm).

ipmi_sim answers Get Chassis Status by running the test bed's ``chassis-control.sh`` (4-7 ms, the same for every
peer). The package's bytecode is compiled first (``compileall``), as ``pip install`` of a wheel does: this project's
machines set ``PYTHONDONTWRITEBYTECODE``, which otherwise makes every edited module compile again in every process.
"""

from __future__ import annotations

import compileall
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ipmifast
from tests.interop.conftest import SimBmc, require

EXECUTABLE = Path(sys.executable).parent / "ipmifast"
PASSWORD = "ipmifast-admin"
ROUNDS = 40
SDR_ROUNDS = 20
WARMUP_ROUNDS = 3
#: what the one-shot path imports (tests/cli/test_startup.py checks that a real run imports no more than this),
#: ending the process as the CLI does (no collector, no interpreter teardown: cli/main.py)
IMPORTS = ("import gc; gc.disable(); import os, ipmifast.cli.main, ipmifast.cli.registry, ipmifast.cli.oneshot, "
           "ipmifast.cli.verbs; os._exit(0)")
#: sensor lines of ``sdr elist`` for the test bed's BMC (tests/data/testbed/README.md)
SENSORS = ("CPU1 Temp", "Inlet Temp", "12V", "5V", "3.3V", "FAN1", "FAN2", "PSU1 Power", "PS1 Status", "Intrusion")


def children_cpu() -> float:
    """User + system CPU seconds of this process's reaped children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.fixture(scope="module", autouse=True)
def compiled() -> None:
    assert compileall.compile_dir(str(Path(ipmifast.__file__).parent), quiet=1, force=False)


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pw") / "password"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return path


def runner(args: list[str], expect: Callable[[str], bool]) -> Callable[[], None]:
    env = dict(os.environ, TZ="UTC", LC_ALL="C")

    def call() -> None:
        out = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        assert out.returncode == 0 and expect(out.stdout), (args, out.stdout, out.stderr)

    return call


def common(sim: SimBmc) -> list[str]:
    return ["-I", "lanplus", "-H", sim.addr, "-p", str(sim.port), "-U", "admin", "-C", "3"]


def ipmifast_cli(sim: SimBmc, password_file: Path, *verb: str) -> list[str]:
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE} is not installed: run scripts/setup.sh (pip install -e .)", pytrace=False)
    return [str(EXECUTABLE), *common(sim), "-f", str(password_file), *verb]


def ipmitool(sim: SimBmc, *verb: str) -> list[str]:
    return [require("ipmitool"), *common(sim), "-P", PASSWORD, *verb]


def freeipmi(tool: str, sim: SimBmc, *args: str) -> list[str]:
    # ipmi_sim needs opensesspriv (tests/data/testbed/README.md)
    return [require(tool), "-h", f"{sim.addr}:{sim.port}", "-u", "admin", "-p", PASSWORD, "-I", "3",
            "-W", "opensesspriv", "-D", "LAN_2_0", "-l", "ADMIN", *args]  # fmt: skip


POWER_PEERS = ["ipmifast", "ipmitool", "freeipmi", "python-startup", "python-imports"]


def power_status(peer: str, sim: SimBmc, password_file: Path) -> Callable[[], None]:
    if peer == "ipmifast":
        return runner(ipmifast_cli(sim, password_file, "power", "status"), lambda o: o == "Chassis Power is on\n")
    if peer == "ipmitool":
        return runner(ipmitool(sim, "power", "status"), lambda o: o == "Chassis Power is on\n")
    if peer == "freeipmi":
        return runner(freeipmi("ipmipower", sim, "--stat"), lambda o: o.strip() == f"{sim.addr}: on")
    code = "pass" if peer == "python-startup" else IMPORTS
    return runner([sys.executable, "-c", code], lambda o: o == "")


CLOCKS = [pytest.param("wall"), pytest.param("client CPU", marks=pytest.mark.benchmark(timer=children_cpu))]


@pytest.mark.parametrize("clock", CLOCKS)
@pytest.mark.parametrize("peer", POWER_PEERS)
def test_one_shot_power_status(benchmark: Any, ipmi_sim: SimBmc, password_file: Path, peer: str, clock: str) -> None:
    call = power_status(peer, ipmi_sim, password_file)
    call()
    benchmark.group = f"one-shot CLI: power status, a new process ({clock})"
    benchmark.pedantic(call, rounds=ROUNDS, warmup_rounds=WARMUP_ROUNDS)


def lists_every_sensor(output: str) -> bool:
    lines = output.splitlines()
    return len(lines) >= len(SENSORS) and all(any(line.startswith(name) for line in lines) for name in SENSORS)


SDR_PEERS = ["ipmifast-cold", "ipmifast-sdr-cache", "ipmitool", "ipmitool-sdr-file", "ipmi-sensors-cold",
             "ipmi-sensors-cache"]  # fmt: skip


@pytest.mark.parametrize("peer", SDR_PEERS)
def test_sdr_elist(benchmark: Any, ipmi_sim: SimBmc, password_file: Path, tmp_path: Path, peer: str) -> None:
    fresh: Callable[[], list[str]] | None = None
    if peer == "ipmifast-cold":
        call = runner(ipmifast_cli(ipmi_sim, password_file, "sdr", "elist"), lists_every_sensor)
    elif peer == "ipmifast-sdr-cache":
        cache = tmp_path / "sdr.cache"
        call = runner(ipmifast_cli(ipmi_sim, password_file, "--sdr-cache", str(cache), "sdr", "elist"),
                      lists_every_sensor)  # fmt: skip
        call()  # writes the cache
        assert cache.exists()
    elif peer == "ipmitool":
        call = runner(ipmitool(ipmi_sim, "sdr", "elist"), lists_every_sensor)
    elif peer == "ipmitool-sdr-file":
        dump = tmp_path / "sdr.dump"
        runner(ipmitool(ipmi_sim, "sdr", "dump", str(dump)), lambda o: True)()
        call = runner(ipmitool(ipmi_sim, "-S", str(dump), "sdr", "elist"), lists_every_sensor)
    else:
        directory = tmp_path / "freeipmi-cache"
        directory.mkdir()
        args = freeipmi("ipmi-sensors", ipmi_sim, "--quiet-cache", "--sdr-cache-directory", str(directory))
        call = runner(args, lambda o: all(f"| {name} " in o for name in SENSORS))
        if peer == "ipmi-sensors-cold":
            counter = iter(range(1_000_000))

            def fresh() -> list[str]:  # an empty cache directory per call: ipmi-sensors reads the SDR again
                empty = tmp_path / f"cold-{next(counter)}"
                empty.mkdir()
                return [*args[:-1], str(empty)]
    call()
    benchmark.group = "sdr elist: all sensors of one BMC, a new process (wall)"
    if fresh is None:
        benchmark.pedantic(call, rounds=SDR_ROUNDS, warmup_rounds=WARMUP_ROUNDS)
    else:
        make = fresh

        def cold(cmd: list[str]) -> None:
            runner(cmd, lambda o: all(f"| {name} " in o for name in SENSORS))()

        benchmark.pedantic(cold, setup=lambda: ((make(),), {}), rounds=SDR_ROUNDS, warmup_rounds=WARMUP_ROUNDS)
