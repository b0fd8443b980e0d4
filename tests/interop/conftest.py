"""Real peers on loopback: OpenIPMI's ipmi_sim as the BMC (configs in tests/data/testbed, from the test bed).

A missing peer is a failure with an install hint, never a skip: scripts/setup.sh installs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTBED = Path(__file__).resolve().parent.parent / "data" / "testbed"
INSTALL_HINT = "run scripts/setup.sh (apt-get install openipmi ipmitool freeipmi-tools tshark)"


def require(tool: str) -> str:
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin:/usr/bin")
    if path is None:
        pytest.fail(f"{tool} is not installed: {INSTALL_HINT}", pytrace=False)
    return path


@dataclass(frozen=True)
class SimBmc:
    """One running ipmi_sim; users as in tests/data/testbed/README.md."""

    addr: str
    port: int
    state_dir: Path
    pid: int


def _unique_addr(slot: int) -> tuple[str, int]:
    # one loopback address per test process and slot, so parallel runs do not collide
    pid = os.getpid()
    return f"127.{100 + (pid >> 16) % 100}.{(pid >> 8) & 0xFF}.{1 + (pid & 0xFF) % 200 + slot}", 9623


def start_ipmi_sim(state_dir: Path, slot: int = 0, weak: bool = False) -> SimBmc:
    require("ipmi_sim")
    addr, port = _unique_addr(slot)
    args = ["sh", str(TESTBED / "start-bmc.sh"), addr, str(port), str(state_dir), "--no-sol", "--timeout", "20"]
    if weak:
        args.append("--weak")
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.fail(f"ipmi_sim did not start: {out.stderr.strip()}", pytrace=False)
    return SimBmc(addr, port, state_dir, int(out.stdout.strip().splitlines()[-1]))


def stop_ipmi_sim(bmc: SimBmc) -> None:
    """Kill the BMC of ``start_ipmi_sim`` (and its SOL console) at a test's end. SIGKILL: ipmi_sim takes 1.7 s to
    leave on SIGTERM, and nothing of its state is read after a test (tests/data/testbed/stop-bmc.sh is the
    graceful way)."""
    import signal
    import time

    for name in ("ipmi_sim.pid", "sol-console.pid"):
        pid_file = bmc.state_dir / name
        try:
            pid = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pid_file.unlink(missing_ok=True)
            continue
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # gone, or a zombie of a parent that is gone too
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        break
            except OSError:
                break
            time.sleep(0.01)
        pid_file.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def ipmi_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimBmc]:
    """A real BMC (ipmi_sim, normal profile) for the module's tests."""
    bmc = start_ipmi_sim(tmp_path_factory.mktemp("ipmi_sim"))
    try:
        yield bmc
    finally:
        stop_ipmi_sim(bmc)
