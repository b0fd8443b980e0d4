"""``ipmifast sim``: options, one-line errors (exit 64), the banner, and a clean exit on SIGINT/SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipmifast.sim.cli import build_parser, main
from ipmifast.sim.profiles import PROFILES

from .conftest import require

ROOT = Path(__file__).resolve().parent.parent.parent


def test_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for action in build_parser()._actions:
        for option in action.option_strings:
            assert option in out
    for name in PROFILES:
        assert name in out


def test_list_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-profiles"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == list(PROFILES)


@pytest.mark.parametrize("argv", [
    ["--count", "0"], ["--count", "many"], ["--base", "10.1.0.1"], ["--base", "localhost"], ["--profile", "nope"],
    ["--user", "no-colon"], ["--user", "bob:pw:king"], ["--fail-rate", "2"], ["--drop-rate", "-0.1"],
    ["--port", "70000"], ["--bogus"], ["--count", "300", "--base", "127.255.255.1"],
])
def test_bad_input_is_one_line_and_exit_64(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 64
    err = capsys.readouterr().err
    assert err.startswith("ipmifast: ") and err.count("\n") == 1


def start(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "ipmifast.sim.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def read_banner(proc: subprocess.Popen[str]) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    end = time.monotonic() + 20
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "stop with" in line:
            return lines
    proc.kill()
    raise AssertionError(f"no banner: {lines} {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.interop
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_runs_until_signalled_and_keeps_state(tmp_path: Path, sig: signal.Signals) -> None:
    ipmitool = require("ipmitool")
    port = "9961" if sig == signal.SIGTERM else "9962"
    proc = start("--count", "3", "--base", "127.95.0.1", "--port", port, "--seed", "4", "--state-dir",
                 str(tmp_path), "--user", "bob:bob-secret:operator", "--user", "root:calvin")
    try:
        banner = read_banner(proc)
        assert banner[0].startswith("ipmifast sim: 3 virtual BMCs, profile default: secure")
        assert banner[1] == f"  listening on 127.95.0.1 - 127.95.0.3, UDP port {port}"
        assert "  user bob / bob-secret (OPERATOR)" in banner and "  user root / calvin (ADMINISTRATOR)" in banner
        assert not any("admin / ipmifast" in line for line in banner)  # --user replaces the default user
        assert f"  state kept in {tmp_path}" in banner
        base = [ipmitool, "-I", "lanplus", "-C", "3", "-H", "127.95.0.3", "-p", port, "-N", "1", "-R", "2"]
        status = subprocess.run([*base, "-U", "bob", "-P", "bob-secret", "-L", "OPERATOR", "power", "off"],
                                capture_output=True, text=True, timeout=30)
        assert status.returncode == 0, status.stderr
    finally:
        proc.send_signal(sig)
        assert proc.wait(10) == 0
    assert proc.stderr is not None and proc.stderr.read() == ""
    assert (tmp_path / f"bmc-127.95.0.3-{port}.json").exists()  # written on the way out
    proc = start("--count", "3", "--base", "127.95.0.1", "--port", port, "--state-dir", str(tmp_path),
                 "--user", "bob:bob-secret:operator")
    try:
        read_banner(proc)
        out = subprocess.run([ipmitool, "-I", "lanplus", "-C", "3", "-H", "127.95.0.3", "-p", port, "-U", "bob", "-P",
                              "bob-secret", "-L", "OPERATOR", "power", "status"], capture_output=True, text=True,
                             timeout=30)
        assert out.stdout.strip() == "Chassis Power is off"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


@pytest.mark.interop
def test_banner_shows_random_passwords_and_weaknesses() -> None:
    proc = start("--count", "7", "--base", "127.95.1.1", "--port", "9963", "--ports", "--profile", "hp-ilo",
                 "--seed", "9")
    try:
        banner = read_banner(proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    assert banner[1] == "  listening on 127.95.1.1, UDP ports 9963-9969"
    from ipmifast.sim.profiles import factory_password

    first = factory_password(9, 0, 2).decode()
    assert any(line.startswith("  user Administrator / random password per BMC (ADMINISTRATOR): "
                               f"127.95.1.1:9963: {first},") and line.endswith(", ...") for line in banner)
    assert "  user admin / ipmifast (ADMINISTRATOR)" in banner
    assert any(line.startswith("  weakness: factory account Administrator") for line in banner)
    assert "  RMCP+ cipher suites 1,2,3; IPMI v1.5 authentication off" in banner


@pytest.mark.interop
def test_a_port_in_use_is_one_line_and_exit_1() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("0.0.0.0", 9964))
        proc = start("--base", "127.95.2.1", "--port", "9964")
        assert proc.wait(20) == 1
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert err.startswith("ipmifast: cannot listen on UDP port 9964") and err.count("\n") == 1


def test_a_second_simulator_on_the_same_port_fails_instead_of_sharing_it() -> None:
    first = start("--base", "127.95.3.1", "--port", "9965")
    try:
        assert any("listening on" in line for line in read_banner(first))
        second = start("--base", "127.95.4.1", "--port", "9965")
        assert second.wait(20) == 1
        assert second.stderr is not None and second.stderr.read().startswith("ipmifast: cannot listen on UDP port 9965")
    finally:
        first.terminate()
        first.wait(10)
