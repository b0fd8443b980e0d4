"""ipmitool's session options through the installed executable: Kg (``-k``/``-y``) against a simulated BMC that
has one, FreeIPMI's workaround names (``-W``), and the password prompt (``-a``, or no password source at all) on a
real terminal (a pty)."""

from __future__ import annotations

import dataclasses
import os
import pty
import select
import subprocess
import time
from collections.abc import Iterator

import pytest

from ipmifast.sim.fleet import Fleet
from ipmifast.sim.profiles import get_profile
from tests.interop.conftest import SimBmc
from tests.sim.conftest import FleetThread

from .conftest import EXECUTABLE, ipmi_sim_fixture, ipmifast

pytestmark = pytest.mark.interop

KG = bytes.fromhex("0102030405060708090a0b0c0d0e0f1011121314")
HOST = "127.89.1.2"
bmc = ipmi_sim_fixture(18)


@pytest.fixture(scope="module")
def kg_fleet() -> Iterator[Fleet]:
    profile = dataclasses.replace(get_profile("default"), kg=KG)
    with FleetThread(count=2, base="127.89.1.1", port=9972, seed=4, profile=profile) as running:
        yield running


def on_fleet(fleet: Fleet, *args: str) -> subprocess.CompletedProcess[str]:
    return ipmifast("-H", HOST, "-p", str(fleet.port), "-U", "admin", "-E", "-C", "17", *args, "power", "status",
                    env=dict(os.environ, IPMI_PASSWORD="ipmifast"))  # fmt: skip


def test_kg_in_hex_and_as_text(kg_fleet: Fleet) -> None:
    assert on_fleet(kg_fleet, "-y", KG.hex()).stdout == "Chassis Power is on\n"
    assert on_fleet(kg_fleet, "-k", KG.decode("latin-1")).stdout == "Chassis Power is on\n"
    wrong = on_fleet(kg_fleet, "-y", "ff" * 20)
    assert wrong.returncode == 2 and wrong.stdout == ""
    (line,) = wrong.stderr.splitlines()
    assert line.startswith(f"ipmifast: {HOST}: ") and "Kg" in line, line


def test_workaround_flags(bmc: SimBmc) -> None:
    base = ["-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-P", "ipmifast-admin"]
    ok = ipmifast(*base, "-W", "opensesspriv,nochecksumcheck", "power", "status")
    assert ok.returncode == 0 and ok.stdout == "Chassis Power is on\n"
    bad = ipmifast(*base, "-W", "opensesspriv,bogus", "power", "status")
    assert bad.returncode == 64 and bad.stdout == ""
    assert [line for line in bad.stderr.splitlines() if not line.startswith("Warning:")] == [
        f"ipmifast: {bmc.addr}: unknown workaround flag(s): bogus"]


def run_in_pty(args: list[str], answer: bytes) -> tuple[int, str]:
    """Run ``args`` with stdin, stdout and stderr on a new pty; type ``answer`` at the password prompt."""
    main, follower = pty.openpty()
    process = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, start_new_session=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                break
            seen += chunk
            if not answered and b"Password: " in seen:
                os.write(main, answer + b"\n")
                answered = True
        elif process.poll() is not None:
            break
    code = process.wait(timeout=30)
    os.close(main)
    return code, seen.decode(errors="replace")


@pytest.mark.parametrize("source", [("-a",), ()], ids=["-a", "no-password-source"])
def test_password_prompt_on_a_terminal(bmc: SimBmc, source: tuple[str, ...]) -> None:
    args = [str(EXECUTABLE), "-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", *source, "power", "status"]
    code, seen = run_in_pty(args, b"ipmifast-admin")
    assert code == 0, seen
    assert "Password: " in seen and "Chassis Power is on" in seen and "ipmifast-admin" not in seen  # no echo
    code, seen = run_in_pty(args, b"wrong")
    assert code == 2 and "RAKP 2 HMAC does not verify" in seen
