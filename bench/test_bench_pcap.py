"""The pcap analyzer on a large capture of fleet traffic, side by side with tshark on the same file in the same run.

    IPMIFAST_BENCH_PCAP_PACKETS=1000000 .venv/bin/python -m pytest bench/test_bench_pcap.py --benchmark-only \
        --benchmark-group-by=group

The capture is written by the benchmark itself from frames the core builds (not captured from the network):
in-memory pairs of ``ClientSession`` and ``BmcSession`` (ipmifast.proto, the simulator's BMC core), one pair per
session, for 1,000 BMC addresses (127.77.0.0/16, UDP 623) and as many console ports; 256 sessions run at a time
and their datagrams are interleaved in the file, as an engine driving a fleet sends them. Each session: cipher
suite 17 (one in four: 3), the handshake (Open Session, RAKP 1-4), Set Session Privilege Level, requests
(Get Device ID and Get Chassis Status, answered by the BMC core), Close Session; every payload encrypted and
authenticated. The datagrams go into Ethernet / IPv4 / UDP frames with timestamps 20 us apart, so the file has
exactly the asked number of packets (the last session is cut short).

Compared, in one group:

- ``ipmifast pcap FILE --password ipmifast`` in its own process (interpreter start, the analysis with key
  derivation, AuthCode verification and decryption of every payload, the text report);
- the same analysis in-process (``analyze_file(...).report(all_requests=False)``, as the text report needs it),
  without the interpreter start and the text;
- ``tshark -r FILE -q -z io,stat,0`` (reads and dissects every frame, UDP 623 as RMCP, and counts frames and bytes).

The packet count defaults to 1,000,000 when benchmarks run and to 20,000 with ``--benchmark-disable`` (how
scripts/test.sh runs bench/, once as a test); ``IPMIFAST_BENCH_PCAP_PACKETS`` sets it.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcUser
from ipmifast.proto.events import RequestReceived, SessionEstablished
from ipmifast.proto.session import ClientSession, SessionConfig
from scapy_layers.analyze import analyze_file

FULL = 1_000_000
CI = 20_000
BMCS = 1000
CONCURRENCY = 256
REQUESTS_PER_SESSION = 44  # with the handshake, Set Session Privilege and Close Session: 100 datagrams
STEP = 20e-6
PASSWORD = b"ipmifast"
DEVICE_ID_RS = bytes.fromhex("2001021502bf7b0000120000000000")
CHASSIS_STATUS_RS = bytes.fromhex("01000040")
INSTALL_HINT = "apt-get install tshark (scripts/setup.sh installs it)"


def packet_count(config: pytest.Config) -> int:
    env = os.environ.get("IPMIFAST_BENCH_PCAP_PACKETS")
    if env:
        return int(env)
    return CI if config.getoption("benchmark_disable", False) else FULL


def _frame(src: bytes, sport: int, dst: bytes, dport: int, payload: bytes) -> bytes:
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0x4000, 64, 17, 0, src, dst)
    return bytes(12) + b"\x08\x00" + ip + struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def _session(rng: random.Random, number: int) -> list[tuple[bool, bytes]]:
    """The datagrams of one session, in order; True for console → BMC."""
    suite = 3 if number % 4 == 3 else 17
    client = ClientSession(SessionConfig(username=b"admin", password=PASSWORD, cipher_suite=suite), rng.randbytes)
    bmc = BmcSession(BmcConfig(guid=rng.randbytes(16), users=(BmcUser(b"admin", PASSWORD),)), 0x100 + number,
                     rng.randbytes, 0.0)
    out: list[tuple[bool, bytes]] = []

    def pump() -> bool:
        established = False
        moved = True
        while moved:
            moved = False
            for d in client.datagrams_to_send(0.0):
                out.append((True, d))
                bmc.receive_datagram(d, 0.0)
                moved = True
            while (ev := bmc.next_event()) is not None:
                if isinstance(ev, RequestReceived):
                    bmc.respond(ev, 0, DEVICE_ID_RS if ev.cmd == 0x01 else CHASSIS_STATUS_RS)
            for d in bmc.datagrams_to_send(0.0):
                out.append((False, d))
                client.receive_datagram(d, 0.0)
                moved = True
            while (cev := client.next_event()) is not None:
                established |= isinstance(cev, SessionEstablished)
        return established

    client.connect(0.0)
    if not pump():
        raise AssertionError(f"session {number} did not establish")
    for i in range(REQUESTS_PER_SESSION):
        client.request(0x06, 0x01, b"", 0.0) if i % 2 else client.request(0x00, 0x01, b"", 0.0)
        pump()
    client.close(0.0)
    pump()
    return out


def write_fleet_capture(path: Path, packets: int) -> int:
    """Write ``packets`` frames of fleet traffic to ``path`` (pcap, Ethernet); returns the sessions started."""
    rng = random.Random(623)
    written = 0
    number = 0
    t = 1_800_000_000.0
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        while written < packets:
            batch = [_session(rng, number + k) for k in range(CONCURRENCY)]
            buf = bytearray()
            for step in range(max(len(s) for s in batch)):
                for k, datagrams in enumerate(batch):
                    if step >= len(datagrams) or written >= packets:
                        continue
                    to_bmc, payload = datagrams[step]
                    n = number + k
                    bmc = bytes((127, 77, 1 + (n % BMCS) // 250, 1 + (n % BMCS) % 250))
                    console = (bytes((127, 0, 0, 1)), 20000 + n % 40000)
                    frame = (_frame(console[0], console[1], bmc, 623, payload) if to_bmc
                             else _frame(bmc, 623, console[0], console[1], payload))
                    sec = int(t)
                    buf += struct.pack("<IIII", sec, int((t - sec) * 1e6), len(frame), len(frame)) + frame
                    t += STEP
                    written += 1
            f.write(buf)
            number += CONCURRENCY
    return number


@pytest.fixture(scope="module")
def fleet_capture(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    packets = packet_count(request.config)
    path = tmp_path_factory.mktemp("pcap") / f"fleet-{packets}.pcap"
    write_fleet_capture(path, packets)
    return path, packets


def _check_report(report: dict[str, Any], packets: int) -> None:
    assert report["frames"] == packets and report["bad_packets"] == 0
    sessions = [s for s in report["sessions"] if s["established"]]
    assert len(sessions) >= packets // 100 - 1
    assert all(s["password"] == "matches" for s in sessions)
    assert sum(s["decrypted_packets"] for s in sessions) == sum(s["encrypted_packets"] for s in sessions) > 0
    assert sum(s["auth_code_failed"] for s in sessions) == 0


def _once(benchmark: Any, fn: Callable[[], Any]) -> Any:
    return benchmark.pedantic(fn, rounds=3, iterations=1, warmup_rounds=0)


@pytest.mark.benchmark(group="pcap analysis")
def test_ipmifast_pcap_cli(benchmark: Any, fleet_capture: tuple[Path, int]) -> None:
    path, packets = fleet_capture

    def run() -> str:
        return subprocess.run([sys.executable, "-m", "ipmifast", "pcap", str(path), "--password", "ipmifast"],
                              capture_output=True, text=True, check=True, timeout=3600).stdout

    out = _once(benchmark, run)
    assert out.startswith(f"capture {path}: {packets} frames") and "bad packets" not in out
    assert "password matches" in out and "does not match" not in out


@pytest.mark.benchmark(group="pcap analysis")
def test_ipmifast_analyze_in_process(benchmark: Any, fleet_capture: tuple[Path, int]) -> None:
    path, packets = fleet_capture
    report = _once(benchmark, lambda: analyze_file(path, [PASSWORD]).report(str(path), all_requests=False))
    _check_report(report, packets)


@pytest.mark.benchmark(group="pcap analysis")
def test_tshark_io_stat(benchmark: Any, fleet_capture: tuple[Path, int]) -> None:
    path, packets = fleet_capture
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.fail(f"tshark is not installed: {INSTALL_HINT}", pytrace=False)

    def run() -> str:
        return subprocess.run([tshark, "-r", str(path), "-q", "-z", "io,stat,0"], capture_output=True, text=True,
                              check=True, timeout=3600).stdout

    out = _once(benchmark, run)
    assert re.search(rf"\|\s*{packets}\s*\|", out), out  # the frame count of the one interval
