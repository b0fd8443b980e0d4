"""``ipmifast audit`` run as a user runs it, against the simulator's profiles: each weak profile yields exactly its
findings and the hardened one none; hashes for hashcat; nothing on the BMCs changes; hosts that time out, answer
garbage or are not addresses are reported per host while the rest are audited; bad input is one line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ipmifast.proto import crypto
from tests.sim.conftest import FleetThread, on_loop

from .conftest import ipmifast

pytestmark = pytest.mark.interop
PORT = 9861
RAKP = "rakp-hmac-disclosure"
WEAK_SUITES = "weak-cipher-suites"
STRAIGHT = "v15-straight-password"

#: profile -> exactly what the audit must find on each of its BMCs (the simulator adds admin / ipmifast)
EXPECTED: dict[str, set[str]] = {
    "default": {RAKP},
    "ipmi20-only": {RAKP},
    "cipher0": {"cipher-zero", RAKP},
    "anonymous": {"anonymous-login", "v15-auth-none", RAKP},
    "null-user": {"null-user-name", RAKP},
    "legacy15": {"anonymous-login", "v15-auth-none", STRAIGHT, "v15-per-message-auth-off", "sol-unencrypted", RAKP},
    "supermicro-default": {"default-credentials", STRAIGHT, WEAK_SUITES, RAKP},
    "dell-default": {"default-credentials", STRAIGHT, WEAK_SUITES, RAKP},
    "hp-ilo": {"factory-account", WEAK_SUITES, RAKP},
    "intel20": {WEAK_SUITES, RAKP},
    "supermicro20": {WEAK_SUITES, RAKP},
    "sun20": {WEAK_SUITES, RAKP},
}


def audit(*args: str) -> list[dict[str, object]]:
    out = ipmifast("audit", *args, "-p", str(PORT), "-N", "0.3", "--json")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def kinds(report: dict[str, object]) -> set[str]:
    found = report["findings"]
    assert isinstance(found, list)
    return {f["finding"] for f in found}


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_each_profile_yields_exactly_its_findings(profile: str) -> None:
    base = f"127.129.{sorted(EXPECTED).index(profile)}"
    with FleetThread(count=2, base=f"{base}.1", port=PORT, profile=profile):
        reports = audit(f"{base}.[1-2]")
    assert sorted(r["host"] for r in reports) == [f"{base}.1", f"{base}.2"]
    for r in reports:
        assert kinds(r) == EXPECTED[profile], (profile, r["findings"])
        for f in r["findings"]:  # type: ignore[attr-defined]
            assert f["severity"] in ("critical", "high", "medium", "low") and f["evidence"] and f["remediation"]


def test_the_hardened_profile_with_unguessable_names_has_no_findings() -> None:
    with FleetThread(count=3, base="127.129.20.1", port=PORT, profile="hardened",
                     users=["ops-7f3a:Kq2v9-Lm4x8-Tz7w3-Pn"]):
        reports = audit("127.129.20.[1-3]")
        out = ipmifast("audit", "127.129.20.[1-3]", "-p", str(PORT), "-N", "0.3", "--fail-on", "low")
    assert [kinds(r) for r in reports] == [set()] * 3
    assert all(r["hashes"] == [] and r["cipher_suites"] == [17] for r in reports)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("----- 127.129.20.[1-3] (3 hosts) -----\nno findings\n")
    assert "3 audited, 3 without findings" in out.stdout


def test_found_passwords_hashcat_lines_and_fail_on(tmp_path: Path) -> None:
    words = tmp_path / "words"
    words.write_bytes(b"123456\npassword\nipmifast\n")
    hashes = tmp_path / "hashes"
    with FleetThread(count=2, base="127.129.21.1", port=PORT, profile="cipher0"):
        out = ipmifast("audit", "127.129.21.[1-2]", "-p", str(PORT), "-N", "0.3", "-w", str(words),
                       "--hashes", str(hashes), "--fail-on", "critical")
    assert out.returncode == 1, out.stderr  # cipher suite 0 is critical
    assert "high      weak-password" in out.stdout and "password is line 3 of the word list" in out.stdout
    assert "ipmifast" not in out.stdout.replace("ipmifast audit", "")  # the password found is not printed
    lines = hashes.read_text().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == ["127.129.21.1/admin", "127.129.21.2/admin"]
    for line in lines:  # hashcat -m 7300 --username: user:salt:hmac, and it verifies with the password
        _user, salt, code = line.split(":")
        assert crypto.crack_rakp2(1, [bytes.fromhex(salt)], [bytes.fromhex(code)], [b"x", b"ipmifast"]) == [1]


def test_own_credentials_read_the_sol_configuration(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("ipmifast\n")
    secret.chmod(0o600)
    with FleetThread(count=1, base="127.129.22.1", port=PORT):
        (with_login,) = audit("127.129.22.1", "-U", "admin", "-f", str(secret))
        (without,) = audit("127.129.22.1")
    assert "sol" not in with_login["not_checked"]  # type: ignore[operator]
    assert kinds(with_login) == {RAKP}  # the simulator forces SOL encryption
    assert "give -U and -P" in without["not_checked"]["sol"]  # type: ignore[index]


def test_the_audit_changes_nothing_on_the_bmcs() -> None:
    with FleetThread(count=2, base="127.129.23.1", port=PORT, profile="legacy15") as fleet:
        def snapshot() -> list[object]:
            return [dataclasses.asdict(fleet.bmc(f"127.129.23.{i}").state) for i in (1, 2)]

        before = on_loop(fleet, snapshot)
        reports = audit("127.129.23.[1-2]")
        after = on_loop(fleet, snapshot)
        open_sessions = on_loop(fleet, lambda: [
            [s.state.value for s, _ in (*b.sessions20.sessions.values(), *b.sessions15.sessions.values())
             if s.state.value not in ("closed", "failed")]
            for b in (fleet.bmc(f"127.129.23.{i}") for i in (1, 2))])
    assert all(kinds(r) == EXPECTED["legacy15"] for r in reports)
    assert before == after
    assert open_sessions == [[], []]  # every session closed, every half-open handshake aborted


def test_timeouts_garbage_and_bad_addresses_are_reported_per_host(garbage_peer: tuple[str, int]) -> None:
    with FleetThread(count=20, base="127.129.24.1", port=PORT, profile="cipher0", fail_rate=0.2) as fleet:
        silent = sum(1 for a in fleet.addresses if fleet.unreachable(a[0]))
        spec = f"127.129.24.[1-20],127.129.24.256,{garbage_peer[0]}:{garbage_peer[1]}"
        reports = audit(spec)
    by_host = {r["host"]: r for r in reports}
    assert len(by_host) == 22
    assert by_host["127.129.24.256"]["error"] == "not an IPv4 address"
    assert by_host[garbage_peer[0]]["error"] == "timeout"  # garbage is dropped, never believed
    audited = [r for r in reports if "error" not in r]
    assert len(audited) == 20 - silent and 0 < silent < 10
    assert all(kinds(r) == EXPECTED["cipher0"] for r in audited)
    assert sum(1 for r in reports if r.get("error") == "timeout") == silent + 1


@pytest.mark.parametrize(("args", "message"), [
    (["h", "-P", "x"], "give -U too"), (["h", "-w", "/nonexistent/words"], "cannot read the word list"),
    (["h", "-U", "a" * 17], "longer than 16 bytes"), (["h", "-N", "0"], "must be positive"),
    (["10.0.0.0/8"], "more than"), (["h", "--fail-on", "bad"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_64(args: list[str], message: str) -> None:
    out = ipmifast("audit", *args)
    assert out.returncode == 64 and out.stdout == "", out
    assert len(out.stderr.splitlines()) == 1 and out.stderr.startswith("ipmifast: ") and message in out.stderr
