"""``ipmifast discover`` run as a user runs it, against simulated fleets: JSON Lines, the table and its summary,
hosts that do not answer or resolve, and bad input."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import ipmifast, ipmifast_offline
from tests.sim.conftest import FleetThread

pytestmark = pytest.mark.interop
PORT = 9833


def test_json_lines_one_per_host_with_the_profile_findings() -> None:
    with FleetThread(count=60, base="127.127.0.1", port=PORT, profile="anonymous", fail_rate=0.1) as fleet:
        out = ipmifast("discover", "127.127.0.[1-60]", "127.127.0.256", "-p", str(PORT), "-N", "0.3", "--json")
        silent = 60 - len(fleet.addresses) + sum(1 for a in fleet.addresses if a in fleet._unreachable)
    assert out.returncode == 0, out.stderr
    reports = [json.loads(line) for line in out.stdout.splitlines()]
    assert sorted(r["host"] for r in reports) == sorted([f"127.127.0.{i}" for i in range(1, 61)] + ["127.127.0.256"])
    answered = [r for r in reports if "error" not in r]
    assert all(r["anonymous_login"] and "none" in r["auth_types"] and r["ipmi"] == ["1.5", "2.0"]
               for r in answered)
    errors = sorted(r["error"] for r in reports if "error" in r)
    assert errors.count("timeout") == silent and "not an IPv4 address" in errors  # .256: refused, never looked up
    assert 0 < silent < 20


def test_table_and_summary_on_the_default_profile() -> None:
    with FleetThread(count=10, base="127.127.1.1", port=PORT):
        out = ipmifast("discover", "127.127.1.[1-10]", "-x", "127.127.1.10", "-p", str(PORT))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["host", "ipmi", "auth", "types", "per-msg", "user-lvl", "anonymous", "null", "user",
                                "kg", "oem"]
    assert lines[1].split() == ["127.127.1.1", "1.5,2.0", "md5", "yes", "yes", "no", "no", "default", "-"]
    assert len(lines) == 1 + 9 + 2  # header, nine hosts (one excluded), summary and one count
    assert lines[10].startswith("9 hosts in ") and lines[10].endswith(": 9 answered IPMI")
    assert lines[11].strip() == "IPMI 2.0: 9"


def test_names_are_resolved_or_reported() -> None:
    out = ipmifast_offline("discover", "no-such-bmc.invalid", "--json")  # no network: no DNS query leaves
    assert out.returncode == 0, out.stderr
    assert [json.loads(line) for line in out.stdout.splitlines()] == [
        {"host": "no-such-bmc.invalid", "port": 623, "error": "host name does not resolve"}]


@pytest.mark.parametrize(("args", "message"), [
    (["10.1.[2-1].1"], "runs backwards"), (["10.0.0.0/8"], "more than"), ([], "required"),
    (["h", "--rate", "0"], "--rate must be positive"), (["h", "--bogus"], "unrecognized arguments"),
])
def test_bad_input_is_one_line_and_exit_64(args: list[str], message: str) -> None:
    out = ipmifast("discover", *args)
    assert out.returncode == 64 and out.stdout == ""
    assert len(out.stderr.splitlines()) == 1 and out.stderr.startswith("ipmifast: ") and message in out.stderr
