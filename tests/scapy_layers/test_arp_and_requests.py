"""Gratuitous ARP detection and BMC marking (scapy_layers.arp), and the analyzer's request bookkeeping on a capture
written here from frames the core builds: retransmits, duplicate responses, unanswered requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

from ipmifast.proto import frame
from scapy_layers.analyze import analyze_file, format_text
from scapy_layers.arp import GarpTable, classify_arp, garp_table, mac_vendor

# frames are written to files only, always with explicit MAC addresses (else Scapy would resolve them on the network)
BMC_MAC = "00:25:90:12:34:56"  # a Super Micro Computer OUI in Wireshark's manuf
OTHER_MAC = "02:00:00:00:00:01"  # locally administered: no vendor


def test_classify_arp() -> None:
    assert classify_arp(1, "10.0.0.5", "10.0.0.5") == "announcement"
    assert classify_arp(2, "10.0.0.5", "10.0.0.5") == "gratuitous reply"
    assert classify_arp(1, "0.0.0.0", "10.0.0.5") == "probe"
    assert classify_arp(1, "10.0.0.5", "10.0.0.1") is None
    assert classify_arp(2, "10.0.0.5", "10.0.0.1") is None


def test_vendor_lookup_uses_scapys_manufacturer_database() -> None:
    assert "super micro" in (mac_vendor(BMC_MAC) or "").lower()
    assert mac_vendor(OTHER_MAC) is None


def _garp(mac: str, ip: str, t: float, op: int = 1) -> Ether:
    pkt = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / ARP(op=op, hwsrc=mac, psrc=ip, pdst=ip,
                                                         hwdst="ff:ff:ff:ff:ff:ff" if op == 1 else mac)
    pkt.time = t
    return pkt


def test_garp_table_intervals_and_bmc_marking() -> None:
    packets = [_garp(BMC_MAC, "10.1.0.17", 100.0 + 2 * i) for i in range(4)]
    packets += [_garp(OTHER_MAC, "10.1.0.18", 100.5 + 5 * i, op=2) for i in range(3)]
    packets += [_garp(OTHER_MAC, "10.1.0.19", 101.0)]
    probe = Ether(src=OTHER_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=OTHER_MAC, psrc="0.0.0.0", pdst="10.1.0.20")
    probe.time = 102.0
    ordinary = Ether(src=OTHER_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=OTHER_MAC, psrc="10.1.0.18",
                                                             pdst="10.1.0.1")
    ordinary.time = 103.0
    table = garp_table([*packets, probe, ordinary], rmcp_ips=["10.1.0.18"])
    rows = {row["ip"]: row for row in table.as_list()}
    assert set(rows) == {"10.1.0.17", "10.1.0.18", "10.1.0.19", "10.1.0.20"}
    by_vendor, by_rmcp, plain = rows["10.1.0.17"], rows["10.1.0.18"], rows["10.1.0.19"]
    assert by_vendor["count"] == 4 and by_vendor["interval_mean"] == 2.0 and by_vendor["kinds"] == {"announcement": 4}
    assert by_vendor["bmc"] and "BMC vendor OUI" in by_vendor["bmc_reason"]
    assert by_rmcp["bmc"] and by_rmcp["bmc_reason"] == "speaks RMCP in this capture"
    assert by_rmcp["interval_min"] == by_rmcp["interval_max"] == 5.0 and by_rmcp["kinds"] == {"gratuitous reply": 3}
    assert not plain["bmc"] and plain["interval_mean"] is None
    assert rows["10.1.0.20"]["kinds"] == {"probe": 1}


def test_analyzer_marks_a_garp_sender_that_speaks_rmcp(tmp_path: Path) -> None:
    path = tmp_path / "garp-rmcp.pcap"
    ping = (Ether(src=OTHER_MAC, dst=BMC_MAC) / IP(src="10.1.0.1", dst="10.1.0.18") / UDP(sport=40000, dport=623)
            / Raw(frame.encode_asf_ping(1)))
    pong = (Ether(src=BMC_MAC, dst=OTHER_MAC) / IP(src="10.1.0.18", dst="10.1.0.1") / UDP(sport=623, dport=40000)
            / Raw(frame.encode_asf_pong(1)))
    wrpcap(str(path), [_garp(OTHER_MAC, "10.1.0.18", 1.0), ping, pong, _garp(OTHER_MAC, "10.1.0.18", 3.0)])
    report = analyze_file(path).report()
    [row] = report["garp"]
    assert row["bmc"] and row["interval_mean"] == 2.0
    assert "BMC: speaks RMCP in this capture" in format_text(report)


def test_retransmits_duplicates_and_unanswered(tmp_path: Path) -> None:
    """A request sent three times, answered twice; another never answered; a response nobody asked for."""

    def v15(msg: bytes) -> bytes:
        return frame.encode_v15_session(0, 0, 0, b"", msg)

    rq = v15(frame.encode_ipmi_request(0x20, 0x06, 0, 0x81, 5, 0, 0x38, b"\x8e\x04"))
    rs = v15(frame.encode_ipmi_response(0x81, 0x07, 0, 0x20, 5, 0, 0x38, 0x00, bytes(8)))
    lost = v15(frame.encode_ipmi_request(0x20, 0x06, 0, 0x81, 6, 0, 0x01, b""))
    stray = v15(frame.encode_ipmi_response(0x81, 0x07, 0, 0x20, 9, 0, 0x01, 0xC1, b""))
    packets = []
    for t, to_bmc, payload in ((0.0, True, rq), (1.0, True, rq), (2.0, True, rq), (2.001, False, rs),
                               (2.002, False, rs), (3.0, True, lost), (4.0, False, stray)):
        src, dst = ("10.1.0.1", "10.1.0.18") if to_bmc else ("10.1.0.18", "10.1.0.1")
        pkt = Ether(src=OTHER_MAC, dst=BMC_MAC) / IP(src=src, dst=dst) / UDP(sport=40000 if to_bmc else 623,
                                                                             dport=623 if to_bmc else 40000)
        pkt = pkt / Raw(payload)
        pkt.time = t
        packets.append(pkt)
    path = tmp_path / "retransmits.pcap"
    wrpcap(str(path), packets)
    report = analyze_file(path).report()
    first, second = report["requests"]
    assert first["retransmits"] == 2 and first["duplicates"] == 1
    assert abs(first["latency"] - 2.001) < 1e-6  # from the first copy
    assert second["cc"] is None and second["latency"] is None
    assert (report["retransmits"], report["duplicates"], report["unmatched_responses"]) == (2, 1, 1)
    text = format_text(report)
    assert "(2 retransmits) (1 duplicates)" in text and "Get Device ID rq_seq 6: no response" in text


def test_garp_table_add_returns_the_kind() -> None:
    table = GarpTable()
    assert table.add(1, 0.0, 1, BMC_MAC, "10.0.0.1", "10.0.0.1") == "announcement"
    assert table.add(2, 0.0, 1, BMC_MAC, "10.0.0.1", "10.0.0.2") is None
    assert len(table.senders) == 1


def test_scapy_cannot_resolve_or_send_from_these_tests() -> None:
    """conftest.py's guard: an Ether() without a destination fails instead of asking the network."""
    from scapy.layers.inet6 import IPv6

    with pytest.raises(AssertionError, match="resolve or send"):
        bytes(Ether() / IP(dst="10.77.1.1"))
    with pytest.raises(AssertionError, match="resolve or send"):
        bytes(Ether() / IPv6(dst="2001:db8::9"))
