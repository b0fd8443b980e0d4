"""``ipmifast audit`` against OpenIPMI's ipmi_sim (tests/data/testbed): the normal and the deliberately weak
configuration (lan-weak.conf) yield exactly the findings their configurations have, as ipmitool confirms.

ipmi_sim accepts cipher suite 0 with any password in both configurations (testbed README, limitation 2) and lists
suites 0-14. In the weak one, ``per_msg_auth false`` is not reported by ipmi_sim's Get Channel Authentication
Capabilities (it still says per-message authentication is on), so the audit, which reports what the BMC says
there, does not list it: ``test_ipmi_sim_does_not_report_per_message_auth_off`` pins that.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ipmifast

from .conftest import SimBmc, require, start_ipmi_sim, stop_ipmi_sim

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def bmcs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimBmc, SimBmc]]:
    normal = start_ipmi_sim(tmp_path_factory.mktemp("audit-normal"), slot=40)
    weak = start_ipmi_sim(tmp_path_factory.mktemp("audit-weak"), slot=41, weak=True)
    try:
        yield normal, weak
    finally:
        stop_ipmi_sim(normal)
        stop_ipmi_sim(weak)


def audit(bmc: SimBmc, *args: str) -> dict[str, object]:
    out = ipmifast("audit", f"{bmc.addr}:{bmc.port}", "-N", "0.5", "--json", *args)
    assert out.returncode == 0, out.stderr
    (report,) = [json.loads(line) for line in out.stdout.splitlines()]
    return report


def kinds(report: dict[str, object]) -> set[str]:
    return {f["finding"] for f in report["findings"]}  # type: ignore[attr-defined]


def test_normal_configuration(bmcs: tuple[SimBmc, SimBmc]) -> None:
    report = audit(bmcs[0])
    assert kinds(report) == {"cipher-zero", "rakp-hmac-disclosure", "weak-cipher-suites"}
    assert report["cipher_suites"] == list(range(15))
    assert sorted(h["user"] for h in report["hashes"]) == ["admin", "operator", "user"]  # type: ignore[attr-defined]


def test_weak_configuration(bmcs: tuple[SimBmc, SimBmc], tmp_path: Path) -> None:
    words = tmp_path / "words"
    words.write_text("letmein\nipmifast-oper\n")
    report = audit(bmcs[1], "-w", str(words))
    assert kinds(report) == {"cipher-zero", "anonymous-login", "v15-auth-none", "default-credentials",
                             "weak-password", "v15-straight-password", "rakp-hmac-disclosure", "weak-cipher-suites"}
    evidence = {f["finding"]: f["evidence"] for f in report["findings"]}  # type: ignore[attr-defined]
    assert "'ADMIN' has the Supermicro factory password" in evidence["default-credentials"]
    assert evidence["weak-password"] == "user 'operator': password is line 2 of the word list (RAKP 2 HMAC)"


def test_what_the_audit_found_is_what_ipmitool_sees(bmcs: tuple[SimBmc, SimBmc]) -> None:
    weak = bmcs[1]
    ipmitool = require("ipmitool")
    base = [ipmitool, "-H", weak.addr, "-p", str(weak.port), "-R", "1", "-N", "1"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args], capture_output=True, text=True, timeout=30)

    assert run("-I", "lanplus", "-C", "0", "-U", "admin", "-P", "not-the-password", "mc", "info").returncode == 0
    assert run("-I", "lanplus", "-U", "ADMIN", "-P", "ADMIN", "mc", "info").returncode == 0  # default credentials
    assert run("-I", "lanplus", "-U", "", "-P", "", "mc", "info").returncode == 0  # anonymous
    assert run("-I", "lan", "-A", "NONE", "-U", "admin", "-P", "wrong", "mc", "info").returncode == 0


def test_ipmi_sim_does_not_report_per_message_auth_off(bmcs: tuple[SimBmc, SimBmc]) -> None:
    out = ipmifast("discover", f"{bmcs[1].addr}:{bmcs[1].port}", "--json")
    (report,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert report["per_message_auth"] is True and "none" in report["auth_types"]
