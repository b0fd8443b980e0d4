"""Run the installed ``ipmifast`` executable as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.interop.conftest import TESTBED, SimBmc, _unique_addr, require, start_ipmi_sim, stop_ipmi_sim

EXECUTABLE = Path(sys.executable).parent / "ipmifast"


def ipmifast(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE} is not installed: run scripts/setup.sh (pip install -e .)", pytrace=False)
    return subprocess.run(
        [str(EXECUTABLE), *args], capture_output=True, text=True, timeout=120, input=stdin, env=env
    )


def ipmifast_offline(*args: str) -> subprocess.CompletedProcess[str]:
    """``ipmifast`` in a network namespace of its own with no interface up (``unshare -n``): a host name to resolve
    fails there without a DNS query leaving the machine (tests send nothing beyond 127.0.0.0/8)."""
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE} is not installed: run scripts/setup.sh (pip install -e .)", pytrace=False)
    return subprocess.run([require("unshare"), "-n", str(EXECUTABLE), *args], capture_output=True, text=True,
                          timeout=120)


def start_console_bmc(state: Path, slot: int) -> SimBmc:
    """ipmi_sim without SOL and with its emulator console on the next port (start-bmc.sh ``--console``)."""
    require("ipmi_sim")
    addr, port = _unique_addr(slot)
    args = ["sh", str(TESTBED / "start-bmc.sh"), addr, str(port), str(state), "--no-sol", "--console",
            str(port + 1), "--timeout", "20"]  # fmt: skip
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.fail(f"ipmi_sim did not start: {out.stderr.strip()}", pytrace=False)
    return SimBmc(addr, port, state, int(out.stdout.strip().splitlines()[-1]))


def emulator(bmc: SimBmc, *commands: str) -> str:
    """ipmi_sim emulator commands over its console (tests/data/testbed/emu-cmd.py); their output."""
    out = subprocess.run([require("python3"), str(TESTBED / "emu-cmd.py"), bmc.addr, str(bmc.port + 1), *commands],
                         capture_output=True, text=True, timeout=30)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def password_file_in(directory: Path) -> Path:
    path = directory / "password"
    path.write_text("ipmifast-admin\n")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def password_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ipmi_sim's admin password (tests/data/testbed/README.md) in a file only its owner can read."""
    return password_file_in(tmp_path_factory.mktemp("pw"))


def ipmi_sim_fixture(slot: int) -> Callable[[pytest.TempPathFactory], Iterator[SimBmc]]:
    """A module's own ipmi_sim (normal profile) on the loopback address of ``slot``: ``bmc = ipmi_sim_fixture(N)``."""

    @pytest.fixture(scope="module")
    def bmc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
        sim = start_ipmi_sim(tmp_path_factory.mktemp(f"ipmi-sim-{slot}"), slot=slot)
        try:
            yield sim
        finally:
            stop_ipmi_sim(sim)

    return bmc


def both(bmc: SimBmc, password_file: Path, *verb: str, interface: str = "lanplus") -> tuple[
    subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]
]:
    """(ipmitool's, ipmifast's) run of ``verb`` against ``bmc`` as user admin (cipher suite 3 or IPMI v1.5 MD5)."""
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    common = ["-I", interface, "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-C", "3"]
    theirs = subprocess.run([require("ipmitool"), *common, "-P", "ipmifast-admin", *verb], capture_output=True,
                            text=True, timeout=120, env=env)  # fmt: skip
    return theirs, ipmifast(*common, "-f", str(password_file), *verb, env=env)


@pytest.fixture
def garbage_peer() -> Iterator[tuple[str, int]]:
    """A UDP peer on 127.128.9.1 that answers every datagram with RMCP+-looking garbage."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.128.9.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(2048)
            except TimeoutError:
                continue
            sock.sendto(b"\x06\x00\xff\x07\x06" + data[::-1], peer)  # RMCP+-looking garbage

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()
    stop.set()
    thread.join(2)
    sock.close()
