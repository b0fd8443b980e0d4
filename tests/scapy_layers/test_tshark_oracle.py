"""tshark is the oracle (tests/scapy_layers/oracle.py): for every reference capture of tests/data/pcaps, every field
of tshark's rmcp, asf, ipmi_session and ipmi dissectors equals what our layers report for the same packet. tshark
runs live on each capture; its stored json (made by tshark 4.0.17 with the same options) must agree as well.
Command bodies: those of the session-management commands are compared too (oracle.py says which)."""

from __future__ import annotations

import json

import pytest

from tests.pcaps import PCAPS

from .oracle import compare_capture, run_tshark, tshark_fields

pytestmark = pytest.mark.interop
CAPTURES = sorted(p.name for p in PCAPS.glob("*.pcap"))
SESSION_COMMAND_FIELDS = ("ipmi.app38.", "ipmi.app39.", "ipmi.app3a.", "ipmi.app3b.", "ipmi.app3c.")


def test_every_reference_capture_is_covered() -> None:
    assert len(CAPTURES) == 18


@pytest.mark.parametrize("name", CAPTURES)
def test_layers_agree_with_tshark(name: str) -> None:
    packets, compared, not_compared = compare_capture(PCAPS / name)
    assert packets > 0
    # the session-management command bodies are compared; what remains are other commands' bodies
    assert not {k for k in not_compared if k.startswith(SESSION_COMMAND_FIELDS)}, not_compared
    if not name.startswith("i-garp"):
        assert compared >= 4 * packets  # at least the RMCP header of every packet


@pytest.mark.parametrize("name", CAPTURES)
def test_live_tshark_matches_the_stored_json(name: str) -> None:
    stored = json.loads((PCAPS / name.replace(".pcap", ".tshark.json")).read_text())
    live = run_tshark(PCAPS / name)
    assert [tshark_fields(p) for p in live] == [tshark_fields(p) for p in stored]
