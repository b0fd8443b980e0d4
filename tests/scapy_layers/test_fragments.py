"""IP fragments (scapy_layers.reassembly): the datagrams of a reference capture (cipher suite 3, every payload
encrypted) fragmented at the IP layer, in memory with Scapy's ``fragment`` / ``fragment6`` and written with
wrpcap (nothing is sent), give the same analysis as the capture itself: same sessions, every payload decrypted,
the same commands. Fragments in reverse order, duplicated, lost, overlapping with other bytes, or past 65535
bytes are counted, never made into a datagram the sender did not send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, UDP, fragment
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, fragment6
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw
from scapy.utils import wrpcap

from scapy_layers.analyze import analyze_file, format_text
from scapy_layers.reassembly import BAD_FRAGMENT, INCOMPLETE, MAX_PENDING, OVERLAP, TIMEOUT, Reassembly
from tests.pcaps import read_udp

MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"  # explicit: Scapy would otherwise resolve them
PASSWORD = b"ipmifast-admin"
CAPTURE = "a-lanplus-c3-chassis-power.pcap"
V6 = {"127.0.0.1": "2001:db8::1", "127.0.10.1": "2001:db8::a01"}  # never sent: written to a file
FRAGSIZE = 24  # bytes of IP payload per fragment (a multiple of 8): every datagram of the capture is split


def _datagrams(v6: bool = False) -> list[Packet]:
    out = []
    for ident, d in enumerate(read_udp(CAPTURE), start=1):
        udp = UDP(sport=d.src[1], dport=d.dst[1]) / Raw(d.payload)
        if v6:
            ip = IPv6(src=V6[d.src[0]], dst=V6[d.dst[0]]) / IPv6ExtHdrFragment(id=ident) / udp
        else:
            ip = IP(src=d.src[0], dst=d.dst[0], id=ident) / udp
        out.append(ip.__class__(bytes(ip)))  # lengths and checksums filled in
    return out


def _fragments(ip: Packet, v6: bool) -> list[Packet]:
    if v6:
        return list(fragment6(ip, FRAGSIZE + 40 + 8))  # fragment6 takes the fragment's size on the wire
    return list(fragment(ip, fragsize=FRAGSIZE))


def _write(path: Path, frames: list[Packet]) -> None:
    packets = []
    for number, ip in enumerate(frames):
        pkt = Ether(src=MAC_A, dst=MAC_B) / ip
        pkt.time = 1000 + number / 1000
        packets.append(pkt)
    wrpcap(str(path), packets)


def _report(path: Path) -> dict[str, Any]:
    return analyze_file(path, [PASSWORD]).report()


def _same_analysis(report: dict[str, Any], reference: dict[str, Any]) -> None:
    [session] = report["sessions"]
    [expected] = reference["sessions"]
    for key in ("cipher_suite", "password", "outcome", "encrypted_packets", "decrypted_packets",
                "auth_code_verified", "auth_code_failed"):
        assert session[key] == expected[key], key
    assert session["decrypted_packets"] == session["encrypted_packets"] == 16
    assert [r["command"] for r in report["requests"]] == [r["command"] for r in reference["requests"]]
    assert report["rmcp_datagrams"] == reference["rmcp_datagrams"] == 24


@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
def test_fragmented_capture_gives_the_same_analysis(tmp_path: Path, v6: bool) -> None:
    datagrams = _datagrams(v6)
    whole = tmp_path / "whole.pcap"
    _write(whole, datagrams)
    reference = _report(whole)
    frames: list[Packet] = []
    pieces = 0
    for ip in datagrams:
        parts = _fragments(ip, v6)
        assert len(parts) >= 2
        pieces += len(parts)
        frames.extend(reversed(parts))  # the last fragment first: reassembly does not depend on the order
        frames.append(parts[0])  # and a duplicate of the first one, after the datagram is complete: ignored
    fragmented = tmp_path / "fragmented.pcap"
    _write(fragmented, frames)
    report = _report(fragmented)
    assert report["bad_packets"] == 0, report["bad_reasons"]
    assert report["ip_fragments"] == {"fragments": pieces + len(datagrams), "reassembled": len(datagrams),
                                      "duplicates": len(datagrams), "dropped": {}}
    _same_analysis(report, reference)
    assert f"IP fragments: {pieces + len(datagrams)}, {len(datagrams)} datagrams reassembled" in format_text(report)


def test_a_lost_fragment_is_counted_and_the_rest_analyzed(tmp_path: Path) -> None:
    datagrams = _datagrams()
    frames: list[Packet] = []
    for number, ip in enumerate(datagrams):
        parts = _fragments(ip, False)
        # the Close Session response (the last datagram) loses its second fragment
        frames.extend(parts[:1] + parts[2:] if number == len(datagrams) - 1 else parts)
    path = tmp_path / "lost.pcap"
    _write(path, frames)
    report = _report(path)
    assert report["bad_reasons"] == {INCOMPLETE: 1}
    assert report["ip_fragments"]["reassembled"] == len(datagrams) - 1
    [session] = report["sessions"]
    assert session["decrypted_packets"] == session["encrypted_packets"] == 15
    assert report["requests"][-1]["command"] == "Close Session" and report["requests"][-1]["cc"] is None


def test_overlapping_fragments_with_other_bytes_drop_the_datagram(tmp_path: Path) -> None:
    datagrams = _datagrams()
    frames: list[Packet] = []
    for number, ip in enumerate(datagrams):
        parts = _fragments(ip, False)
        if number == 0:
            forged = parts[1].copy()
            forged[IP].frag = parts[1][IP].frag - 1  # 8 bytes earlier, over the end of the first fragment
            del forged[IP].chksum
            frames.append(forged)
        frames.extend(parts)
    path = tmp_path / "overlap.pcap"
    _write(path, frames)
    report = _report(path)
    # the first datagram (Get Channel Authentication Capabilities) is dropped; its later fragments start a new
    # reassembly that never completes
    assert report["bad_reasons"] == {OVERLAP: 1, INCOMPLETE: 1}
    assert report["requests"][0]["command"] != "Get Channel Authentication Capabilities"
    [session] = report["sessions"]
    assert session["decrypted_packets"] == session["encrypted_packets"] == 16


def test_reassembly_limits() -> None:
    r = Reassembly()
    assert r.add(b"k", 0.0, 65528, False, bytes(16)) is None  # past 65535 bytes
    assert r.add(b"m", 0.0, 0, True, bytes(12)) is None  # a non-last fragment of 12 bytes
    assert r.dropped == {BAD_FRAGMENT: 2}
    assert r.add(b"a", 0.0, 0, True, bytes(8)) is None
    assert r.add(b"a", TIMEOUT + 1, 8, False, bytes(8)) is None  # the first one timed out meanwhile
    assert r.dropped[INCOMPLETE] == 1
    for n in range(MAX_PENDING + 10):
        r.add(n.to_bytes(4, "big"), 100.0, 0, True, bytes(8))
    assert len(r._pending) == MAX_PENDING
    assert r.add(b"z", 100.0, 8, False, b"\x02" * 8) is None and r.add(b"z", 100.0, 0, True, b"\x01" * 8) == (
        b"\x01" * 8 + b"\x02" * 8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 0x1FFF), st.booleans(), st.binary(max_size=64),
                          st.sampled_from([False, True])), max_size=40))
def test_random_fragments_never_raise(pieces: list[tuple[int, int, bool, bytes, bool]]) -> None:
    """Fragments with random identifications, offsets, flags and bytes, IPv4 and IPv6, fed as frames: the
    analysis never raises, and every fragment is counted once, as a fragment."""
    import struct

    from scapy_layers.analyze import Analysis

    analysis = Analysis(ports=[623])
    for number, (ident, offset, more, data, v6) in enumerate(pieces, start=1):
        udp_like = data
        if v6:
            frag = struct.pack(">BBHI", 17, 0, offset << 3 | more, ident)
            ip = struct.pack(">IHBB16s16s", 0x60000000, len(frag) + len(udp_like), 44, 64, bytes(15) + b"\x01",
                             bytes(15) + b"\x02") + frag
            ethertype = b"\x86\xdd"
        else:
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp_like), ident, more << 13 | offset, 64, 17, 0,
                             b"\x7f\x00\x00\x01", b"\x7f\x00\x00\x02")
            ethertype = b"\x08\x00"
        analysis.feed(number, float(number), 1, bytes(12) + ethertype + ip + udp_like)
    report = analysis.report()
    fragments = sum(1 for _i, offset, more, _d, _v in pieces if offset or more)
    assert report["ip_fragments"]["fragments"] == fragments
