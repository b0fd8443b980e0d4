"""tshark is the oracle (tests/scapy_layers/oracle.py): for every reference capture of tests/data/pcaps, every field
of tshark's rmcp, asf, ipmi_session and ipmi dissectors equals what our layers report for the same packet, command
bodies included (oracle.BODY_FIELDS; the one field that maps to nothing of ours is in oracle.UNMAPPED, with its
reason), and every body field we report for a message tshark decodes is tshark's too. tshark cannot decrypt, so the
encrypted captures are compared a second time as decrypted copies (oracle.decrypted_copy: the analyzer's
plaintexts put back in clear): their command bodies must be those of their clear-text twins. tshark runs live on
each capture; its stored json (made by tshark 4.0.17 with the same options) must agree as well."""

from __future__ import annotations

from pathlib import Path

import pytest

from scapy_layers.analyze import analyze_file
from tests.pcaps import PCAPS

from .oracle import UNMAPPED, compare_capture, decrypted_copy, load_json, run_tshark, tshark_fields

pytestmark = pytest.mark.interop
CAPTURES = sorted(p.name for p in PCAPS.glob("*.pcap"))
PASSWORD = b"ipmifast-admin"  # tests/data/pcaps/README.md
#: the captures made against ipmifast's simulator: its port and password (the others: ipmi_sim on UDP 623)
SIMULATOR = {"o-lanplus-c17-ipmifast-sim.pcap": (9952, b"ipmifast")}
#: encrypted capture -> the capture of the same client commands in clear text (None: there is none)
ENCRYPTED = {
    "a-lanplus-c3-chassis-power.pcap": "c-lanplus-c2-chassis-power.pcap",
    "e-sol-c3.pcap": "e-sol-c1.pcap",
    "f-lanplus-c3-sdr-fru.pcap": "f2-lanplus-c2-sdr-fru.pcap",
    "m-freeipmi-c3-chassis-status.pcap": None,
    "o-lanplus-c17-ipmifast-sim.pcap": None,
}
#: tshark's body field families that the reference captures must exercise (command: Appendix G)
FAMILIES = {
    "ipmi.app00.": "Get Device ID", "ipmi.app01.": "Get Device ID", "ipmi.app38.": "Get Channel Auth Capabilities",
    "ipmi.app39.": "Get Session Challenge", "ipmi.app3a.": "Activate Session",
    "ipmi.app3b.": "Set Session Privilege Level", "ipmi.app3c.": "Close Session", "ipmi.ch01.": "Get Chassis Status",
    "ipmi.se2d.": "Get Sensor Reading", "ipmi.se2b.": "Get Sensor Reading flags",
    "ipmi.st10.": "Get FRU Inventory Area Info", "ipmi.st11.": "Read FRU Data", "ipmi.st20.": "Get SDR Repository Info",
    "ipmi.st22.": "Reserve SDR Repository", "ipmi.st23.": "Get SDR", "ipmi.picmg.hpm.": "Get HPM.x Capabilities",
}


def test_every_reference_capture_is_covered() -> None:
    assert len(CAPTURES) == 19


def _port(name: str) -> int:
    return SIMULATOR.get(name, (623, b""))[0]


@pytest.mark.parametrize("name", CAPTURES)
def test_layers_agree_with_tshark(name: str) -> None:
    result = compare_capture(PCAPS / name, _port(name))
    assert result.packets > 0
    assert result.unmapped <= set(UNMAPPED)
    if not name.startswith("i-garp"):
        assert result.compared >= 4 * result.packets  # at least the RMCP header of every packet


def test_the_captures_exercise_every_body_family() -> None:
    seen: set[str] = set()
    for name in CAPTURES:
        seen |= compare_capture(PCAPS / name, _port(name)).body_fields
    missing = {family: command for family, command in FAMILIES.items()
               if not any(f.startswith(family) for f in seen)}
    assert not missing, missing


@pytest.mark.parametrize("name", sorted(ENCRYPTED))
def test_decrypted_copies_agree_with_tshark(name: str, tmp_path: Path) -> None:
    port, password = SIMULATOR.get(name, (623, PASSWORD))
    report = analyze_file(PCAPS / name, [password], ports=[port]).report()
    encrypted = sum(s["encrypted_packets"] for s in report["sessions"])
    clear = tmp_path / name
    assert decrypted_copy(PCAPS / name, clear, [password], port) == encrypted > 0
    result = compare_capture(clear, port)
    assert result.unmapped <= set(UNMAPPED)
    twin = ENCRYPTED[name]
    if twin is not None:
        assert result.body_fields == compare_capture(PCAPS / twin).body_fields
    else:
        assert any(f.startswith("ipmi.ch01.") for f in result.body_fields)


@pytest.mark.parametrize("name", CAPTURES)
def test_live_tshark_matches_the_stored_json(name: str) -> None:
    stored = load_json((PCAPS / name.replace(".pcap", ".tshark.json")).read_text())
    live = run_tshark(PCAPS / name, _port(name))
    assert [tshark_fields(p) for p in live] == [tshark_fields(p) for p in stored]
