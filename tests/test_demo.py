"""The main job (``ipmifast demo``) runs, in memory, for every cipher suite."""

from __future__ import annotations

import re
import subprocess
import sys

from ipmifast.proto.cipher_suites import CIPHER_SUITES


def test_demo_opens_every_cipher_suite_in_memory() -> None:
    out = subprocess.run([sys.executable, "-m", "ipmifast", "demo", "--suites"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "framing=c crypto=c sol=c" in out.stdout
    suites = [int(m.group(1)) for m in re.finditer(r"^\s+(\d+)\s+RAKP_\S+.*\s8 pkts", out.stdout, re.M)]
    assert suites == sorted(CIPHER_SUITES)


def test_demo_without_password_is_a_one_line_usage_error() -> None:
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "ipmifast", "demo", "-H", "127.0.0.1", "-p", "9"],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert out.returncode == 64
    assert out.stderr.strip() == "ipmifast: 127.0.0.1: no password: give -P PASSWORD or set IPMI_PASSWORD with -E"


def test_main_job_fleet_against_the_embedded_simulator() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ipmifast", "demo", "--count", "300", "--base", "127.76.0.1", "--sim-port", "9633"],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "  on: 300 BMCs" in out.stdout
    assert re.search(r"^300 sessions \(open \+ Get Chassis Status \+ close\) in [\d.]+ s", out.stdout, re.M)
    assert "  IPMI 1.5/2.0, auth md5: 300 BMCs" in out.stdout  # the default profile, every host answered
    assert re.search(r"^300 hosts discovered in [\d.]+ s", out.stdout, re.M)
