"""Captures made here: tcpdump on lo, with a capture filter on this module's own port, while real clients talk to
the simulator (ipmitool ``-I lanplus -C 3``, ``-C 17`` and ``-I lan -A MD5``, FreeIPMI's ``ipmi-chassis``, and our
own client, ``ipmifast -C 17`` / ``-C 3``) and to OpenIPMI's ipmi_sim (ipmitool, FreeIPMI and ipmifast, suite 3).
Each capture is compared field by field with tshark (oracle.py), and the analyzer decrypts every encrypted payload
with the password and names the commands the client sent; with a wrong password it says that the password does
not match."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scapy_layers.analyze import analyze_file
from tests.interop.conftest import SimBmc, require, start_ipmi_sim, stop_ipmi_sim
from tests.sim.conftest import FleetThread, on_loop, run_freeipmi, run_ipmitool

from .oracle import UNMAPPED, compare_capture, decrypted_copy

pytestmark = pytest.mark.interop
BASE = "127.89.0.1"
HOST = "127.89.0.2"
PORT = 9947
PASSWORD = b"ipmifast"

#: capture name -> (client command, its session's commands in order; the first ones, where tools add probes)
CLIENTS: dict[str, tuple[list[str], list[str]]] = {
    "ipmitool-c3": (["ipmitool", "-I", "lanplus", "-C", "3", "power", "status"],
                    ["Set Session Privilege Level", "Get Chassis Status", "Close Session"]),
    "ipmitool-c17": (["ipmitool", "-I", "lanplus", "-C", "17", "power", "status"],
                     ["Set Session Privilege Level", "Get Chassis Status", "Close Session"]),
    "ipmitool-lan-md5": (["ipmitool", "-I", "lan", "-A", "MD5", "power", "status"],
                         ["Activate Session", "Set Session Privilege Level", "Get Chassis Status", "Close Session"]),
    "freeipmi-c3": (["ipmi-chassis", "--get-chassis-status"],
                    ["Set Session Privilege Level", "Get Chassis Status", "Close Session"]),
    "ipmifast-c17": (["ipmifast", "-C", "17", "mc", "info"],
                     ["Set Session Privilege Level", "Get Device ID", "Close Session"]),
    "ipmifast-c3": (["ipmifast", "-C", "3", "chassis", "status"],
                    ["Set Session Privilege Level", "Get Chassis Status", "Close Session"]),
}
ENCRYPTED = {"ipmitool-c3": 3, "ipmitool-c17": 17, "freeipmi-c3": 3, "ipmifast-c17": 17, "ipmifast-c3": 3,
             "ipmitool-c17-sol": 17}
PTY_RUN = Path(__file__).resolve().parent.parent / "data" / "testbed" / "pty-run.py"
# ipmitool's SOL console typed at through a pseudo-terminal (tests/sim/test_real_clients.py does the same)
SOL_STEPS = ["wait:1.5", "send:\\r", "wait:0.5", "send:root\\r", "wait:0.5", "send:\\r~.", "wait:1"]
CLIENTS["ipmitool-c17-sol"] = (["ipmitool", "-I", "lanplus", "-C", "17", "sol", "activate"],
                               ["Set Session Privilege Level", "Activate Payload", "Close Session"])


def power_on(fleet: Any) -> None:
    def set_on() -> None:
        bmc = fleet.bmc(HOST)
        bmc.state.chassis.pending = None
        bmc.power(True, bmc.clock(), "power-on")

    on_loop(fleet, set_on)


class Tcpdump:
    """tcpdump on lo writing ``path``, only UDP ``port``; started and stopped by this test (by its pid)."""

    def __init__(self, path: Path, port: int, host: str | None = None) -> None:
        tool = require("tcpdump")
        where = f"udp port {port}" + (f" and host {host}" if host else "")
        self.proc = subprocess.Popen(
            [tool, "-i", "lo", "-n", "-U", "--immediate-mode", "-s", "0", "-w", str(path), where],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()  # "listening on lo, ..." once the filter is in place
        assert "listening on" in line, line

    def stop(self) -> None:
        time.sleep(0.5)  # the last datagrams reach the capture buffer
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(10)


def _run(name: str, fleet: object) -> subprocess.CompletedProcess[str]:
    argv = CLIENTS[name][0]
    if name.endswith("-sol"):
        command = [require("ipmitool"), "-H", HOST, "-p", str(PORT), "-U", "admin", "-P", PASSWORD.decode(),
                   *argv[1:]]
        return subprocess.run([sys.executable, str(PTY_RUN), *SOL_STEPS, "--", *command], capture_output=True,
                              text=True, timeout=60)
    if argv[0] == "ipmitool":
        return run_ipmitool(fleet, HOST, *argv[1:], port=PORT)  # type: ignore[arg-type]
    if argv[0] == "ipmi-chassis":
        return run_freeipmi(argv[0], fleet, HOST, *argv[1:], port=PORT)  # type: ignore[arg-type]
    return subprocess.run(
        [sys.executable, "-m", "ipmifast", "-H", HOST, "-p", str(PORT), "-U", "admin", "-E", *argv[1:]],
        capture_output=True, text=True, timeout=60, env={**os.environ, "IPMI_PASSWORD": PASSWORD.decode()},
    )


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    out: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("live")
    with FleetThread(count=2, base=BASE, port=PORT) as fleet:
        power_on(fleet)  # the SOL console answers when the host is on
        for name in CLIENTS:
            path = folder / f"{name}.pcap"
            dump = Tcpdump(path, PORT)
            try:
                done = _run(name, fleet)
            finally:
                dump.stop()
            assert done.returncode == 0, (name, done.stderr)
            out[name] = path
    yield out


#: a command the clients send -> the prefix of tshark's fields for its body (None: tshark has no parser for it)
BODY_FAMILY = {"Set Session Privilege Level": "ipmi.app3b.", "Get Chassis Status": "ipmi.ch01.",
               "Close Session": "ipmi.app3c.", "Activate Session": "ipmi.app3a.", "Get Device ID": "ipmi.app01.",
               "Activate Payload": None}


def _compare_with_bodies(path: Path, port: int, password: bytes, encrypted: bool, tmp_path: Path,
                         commands: list[str]) -> None:
    """The capture agrees with tshark; so does its decrypted copy, where tshark sees the commands' bodies, and
    the body fields of every command the client sent were compared."""
    result = compare_capture(path, port)
    assert result.packets >= 8 and result.compared >= 4 * result.packets
    if encrypted:
        clear = tmp_path / f"clear-{path.name}"
        report = analyze_file(path, [password], ports=[port]).report()
        assert decrypted_copy(path, clear, [password], port) == sum(s["encrypted_packets"]
                                                                   for s in report["sessions"]) > 0
        result = compare_capture(clear, port)
    assert result.unmapped <= set(UNMAPPED)
    for command in commands:
        family = BODY_FAMILY[command]
        if family is not None:
            assert any(f.startswith(family) for f in result.body_fields), (command, sorted(result.body_fields))


@pytest.mark.parametrize("name", CLIENTS)
def test_live_capture_agrees_with_tshark(captures: dict[str, Path], name: str, tmp_path: Path) -> None:
    _compare_with_bodies(captures[name], PORT, PASSWORD, name in ENCRYPTED, tmp_path, CLIENTS[name][1])


@pytest.mark.parametrize("name", CLIENTS)
def test_analyzer_names_what_the_client_sent(captures: dict[str, Path], name: str) -> None:
    report = analyze_file(captures[name], [PASSWORD], ports=[PORT]).report(name)
    assert report["bad_packets"] == 0
    [session] = [s for s in report["sessions"] if s["established"]]
    assert session["password"] == "matches" and session["outcome"] == "established, closed"
    assert session["auth_code_failed"] == 0
    if name in ENCRYPTED:
        assert session["cipher_suite"] == ENCRYPTED[name]
        assert session["encrypted_packets"] > 0
        assert session["decrypted_packets"] == session["encrypted_packets"]
    else:
        assert session["kind"] == "ipmi1.5" and session["auth_code_verified"] > 0
    sent = [r["command"] for r in report["requests"] if r["session"] == session["number"]]
    expected = CLIENTS[name][1]
    assert sent[0] == expected[0] and sent[-1] == expected[-1] and set(expected) <= set(sent), sent
    assert all(r["cc"] == 0 for r in report["requests"] if r["command"] in expected)


@pytest.mark.parametrize("name", sorted(ENCRYPTED))
def test_analyzer_with_a_wrong_password(captures: dict[str, Path], name: str) -> None:
    report = analyze_file(captures[name], [b"not-the-password"], ports=[PORT]).report(name)
    [session] = [s for s in report["sessions"] if s["kind"] == "rmcp+" and s["established"]]
    assert session["password"] == "does not match" and session["decrypted_packets"] == 0


# ------------------------------------------------------------------------------------------------- ipmi_sim

SIM_PASSWORD = "ipmifast-admin"  # tests/data/testbed/README.md
SIM_CLIENTS: dict[str, list[str]] = {
    "ipmitool": ["ipmitool", "-I", "lanplus", "-C", "3", "-U", "admin", "-P", SIM_PASSWORD, "power", "status"],
    # ipmi_sim needs FreeIPMI's opensesspriv workaround (tests/data/pcaps/README.md, capture n)
    "freeipmi": ["ipmi-chassis", "-D", "LAN_2_0", "-u", "admin", "-p", SIM_PASSWORD, "-I", "3", "-W", "opensesspriv",
                 "--get-chassis-status"],
    "ipmifast": [sys.executable, "-m", "ipmifast", "-C", "3", "-U", "admin", "-E", "chassis", "status"],
}


def _sim_argv(argv: list[str], bmc: SimBmc) -> list[str]:
    if argv[0] == "ipmitool":
        return [require("ipmitool"), "-H", bmc.addr, "-p", str(bmc.port), *argv[1:]]
    if argv[0] == "ipmi-chassis":
        return [require("ipmi-chassis"), "-h", f"{bmc.addr}:{bmc.port}", *argv[1:]]
    return [*argv[:3], "-H", bmc.addr, "-p", str(bmc.port), *argv[3:]]


@pytest.fixture(scope="module")
def sim_captures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Path], int]]:
    bmc = start_ipmi_sim(tmp_path_factory.mktemp("ipmi_sim"), slot=5)
    folder = tmp_path_factory.mktemp("live-ipmi-sim")
    out: dict[str, Path] = {}
    try:
        for name, argv in SIM_CLIENTS.items():
            path = folder / f"{name}.pcap"
            dump = Tcpdump(path, bmc.port, bmc.addr)
            try:
                done = subprocess.run(_sim_argv(argv, bmc), capture_output=True, text=True, timeout=60,
                                      env={**os.environ, "IPMI_PASSWORD": SIM_PASSWORD})
            finally:
                dump.stop()
            assert done.returncode == 0, (name, done.stderr)
            out[name] = path
    finally:
        stop_ipmi_sim(bmc)
    yield out, bmc.port


@pytest.mark.parametrize("name", SIM_CLIENTS)
def test_ipmi_sim_capture_agrees_with_tshark(sim_captures: tuple[dict[str, Path], int], name: str,
                                             tmp_path: Path) -> None:
    paths, port = sim_captures
    _compare_with_bodies(paths[name], port, SIM_PASSWORD.encode(), True, tmp_path,
                         ["Get Chassis Status", "Close Session"])


@pytest.mark.parametrize("name", SIM_CLIENTS)
def test_ipmi_sim_capture_decrypts(sim_captures: tuple[dict[str, Path], int], name: str) -> None:
    paths, port = sim_captures
    report = analyze_file(paths[name], [SIM_PASSWORD.encode()], ports=[port]).report(name)
    [session] = [s for s in report["sessions"] if s["established"]]
    assert session["cipher_suite"] == 3 and session["password"] == "matches"
    assert session["decrypted_packets"] == session["encrypted_packets"] > 0 and session["auth_code_failed"] == 0
    sent = [r["command"] for r in report["requests"] if r["session"] == session["number"]]
    assert "Get Chassis Status" in sent and sent[-1] == "Close Session", sent
    wrong = analyze_file(paths[name], [b"wrong"], ports=[port]).report(name)
    assert [s["password"] for s in wrong["sessions"] if s["established"]] == ["does not match"]


def test_sol_console_decrypts(captures: dict[str, Path]) -> None:
    """Cipher suite 17 SOL: what was typed and what the simulated host answered, decrypted from the capture."""
    report = analyze_file(captures["ipmitool-c17-sol"], [PASSWORD], ports=[PORT]).report()
    [session] = [s for s in report["sessions"] if s["established"]]
    assert session["sol_packets"] > 0 and "root" in session["sol_to_bmc"]
    assert "login: root" in session["sol_from_bmc"] and "Password:" in session["sol_from_bmc"]
    assert not any("Serial over LAN in clear text" in f["text"] for f in report["findings"])
