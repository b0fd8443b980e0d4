"""Cipher suite 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128) from a capture alone.

A live capture made here: dumpcap on lo, with a capture filter on this module's own port (9952), while
``ipmitool -I lanplus -C 17`` runs ``chassis status`` and ``power status`` in one session against ipmifast's
simulator. And the stored one, ``tests/data/pcaps/o-lanplus-c17-ipmifast-sim.pcap``, made the same way by this
module (``python -m tests.scapy_layers.test_cipher17 OUT.pcap``; tests/data/pcaps/README.md). For both: the
analyzer derives the SHA-256 keys from the captured RAKP exchange with the password, verifies every AuthCode,
decrypts every encrypted payload and names the commands ipmitool sent, in order; with a wrong password it says
that the password does not match and decrypts nothing; tshark agrees with our layers on the capture and, for the
command bodies, on its decrypted copy.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scapy_layers.analyze import analyze_file
from tests.interop.conftest import require
from tests.pcaps import PCAPS
from tests.sim.conftest import FleetThread, run_ipmitool

from .oracle import UNMAPPED, compare_capture, decrypted_copy, load_json, run_tshark, tshark_fields

pytestmark = pytest.mark.interop
BASE = "127.89.1.1"
PORT = 9952
PASSWORD = b"ipmifast"  # the simulator's admin password
STORED = PCAPS / "o-lanplus-c17-ipmifast-sim.pcap"
#: what ipmitool sends in the session, probes left out
SESSION_COMMANDS = ["Set Session Privilege Level", "Get Chassis Status", "Get Chassis Status", "Close Session"]
PROBES = {"Get HPM.x Capabilities", "Get Device ID", "Get PICMG Properties", "Get VSO Capabilities"}


class Dumpcap:
    """dumpcap on lo writing a pcap file, only UDP ``port``; started and stopped by its caller (by its pid)."""

    def __init__(self, path: Path, port: int) -> None:
        self.proc = subprocess.Popen(
            [require("dumpcap"), "-i", "lo", "-f", f"udp port {port}", "-P", "-w", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # "Capturing on 'Loopback: lo'" once the filter is in place
            if line.startswith("Capturing on"):
                break
        else:
            raise AssertionError(f"dumpcap did not start: {self.proc.wait(10)}")

    def stop(self) -> None:
        time.sleep(0.5)  # the last datagrams reach the capture buffer
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(10)


def capture(path: Path, tmp: Path) -> None:
    """ipmitool -C 17, two commands in one session, against one simulated BMC on BASE:PORT, captured to ``path``."""
    commands = tmp / "c17.cmds"
    commands.write_text("chassis status\npower status\n")
    with FleetThread(count=1, base=BASE, port=PORT) as fleet:
        dump = Dumpcap(path, PORT)
        try:
            done = run_ipmitool(fleet, BASE, "-I", "lanplus", "-C", "17", "exec", str(commands), port=PORT)
        finally:
            dump.stop()
    assert done.returncode == 0, done.stderr
    assert "System Power" in done.stdout and "Chassis Power is" in done.stdout, done.stdout


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("c17")
    path = folder / "live-c17.pcap"
    capture(path, folder)
    return path


def _check_decrypts(path: Path) -> None:
    report = analyze_file(path, [PASSWORD], ports=[PORT]).report()
    assert report["bad_packets"] == 0
    [session] = report["sessions"]
    assert session["cipher_suite"] == 17 and session["password"] == "matches"
    assert session["outcome"] == "established, closed"
    assert session["encrypted_packets"] >= 2 * (len(SESSION_COMMANDS) + len(PROBES))
    assert session["decrypted_packets"] == session["encrypted_packets"]
    assert session["auth_code_failed"] == 0 and session["auth_code_verified"] == session["encrypted_packets"]
    sent = [r["command"] for r in report["requests"] if r["session"] == session["number"]]
    assert [c for c in sent if c not in PROBES] == SESSION_COMMANDS and PROBES <= set(sent), sent
    assert all(r["latency"] is not None for r in report["requests"])
    assert all(r["cc"] == 0 for r in report["requests"] if r["command"] in SESSION_COMMANDS)
    [rakp_hash] = report["hashes"]
    assert rakp_hash["algorithm"] == "RAKP-HMAC-SHA256" and rakp_hash["hashcat_mode"] is None


def _check_wrong_password(path: Path) -> None:
    report = analyze_file(path, [b"not-the-password"], ports=[PORT]).report()
    [session] = report["sessions"]
    assert session["password"] == "does not match" and session["decrypted_packets"] == 0
    assert session["encrypted_packets"] > 0


def _check_tshark(path: Path, tmp_path: Path) -> None:
    result = compare_capture(path, PORT)
    assert result.compared >= 4 * result.packets
    clear = tmp_path / "clear.pcap"
    assert decrypted_copy(path, clear, [PASSWORD], PORT) > 0
    bodies = compare_capture(clear, PORT)
    assert bodies.unmapped <= set(UNMAPPED)
    for family in ("ipmi.app3b.", "ipmi.ch01.", "ipmi.app3c.", "ipmi.app01."):
        assert any(f.startswith(family) for f in bodies.body_fields), (family, sorted(bodies.body_fields))


def test_live_c17_decrypts_and_names_the_commands(live: Path) -> None:
    _check_decrypts(live)


def test_live_c17_with_a_wrong_password(live: Path) -> None:
    _check_wrong_password(live)


def test_live_c17_agrees_with_tshark(live: Path, tmp_path: Path) -> None:
    _check_tshark(live, tmp_path)


def test_stored_c17_decrypts_and_names_the_commands() -> None:
    _check_decrypts(STORED)


def test_stored_c17_with_a_wrong_password() -> None:
    _check_wrong_password(STORED)


def test_stored_c17_agrees_with_tshark(tmp_path: Path) -> None:
    _check_tshark(STORED, tmp_path)
    stored = load_json(STORED.with_suffix(".tshark.json").read_text())
    assert [tshark_fields(p) for p in run_tshark(STORED, PORT)] == [tshark_fields(p) for p in stored]


if __name__ == "__main__":  # regenerate the stored capture and its tshark json (tests/data/pcaps/README.md)
    import tempfile

    out = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        capture(out, Path(tmp))
    json_out = subprocess.run(
        [require("tshark"), "-r", str(out), "-d", f"udp.port=={PORT},rmcp", "-o", "ipmi.dissect_bus_commands:TRUE",
         "-T", "json"], capture_output=True, text=True, check=True, timeout=120)
    out.with_suffix(".tshark.json").write_text(json_out.stdout)
