"""Gratuitous ARP from BMCs (IPMI v2.0 §23.1 LAN parameter 10/11: the BMC "generates gratuitous ARPs" at an
interval, so that switches and hosts keep its MAC while the host OS is down).

``classify_arp`` names what an ARP packet announces (RFC 5227 §2.1 probes and announcements, RFC 5944 §4.6
gratuitous ARP: a request or reply whose sender IP equals its target IP). ``GarpTable`` collects them per sender
(MAC, IP) with the intervals between them, and marks a sender as a BMC when its IP also speaks RMCP in the capture
or its MAC's vendor (the OUI, looked up in Scapy's manufacturer database, which reads Wireshark's ``manuf`` file
when it is installed) is a known BMC vendor. ``garp_table(packets)`` does it for Scapy packets; the analyzer feeds
the table from its own fast path.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BMC_VENDORS", "GarpSender", "GarpTable", "classify_arp", "garp_table", "mac_vendor"]

ARP_REQUEST = 1
ARP_REPLY = 2
_UNSPECIFIED = "0.0.0.0"

#: substrings of manufacturer names (Wireshark's manuf "long names") of BMC and server-board vendors
BMC_VENDORS = (
    "super micro",
    "supermicro",
    "dell",
    "hewlett packard",
    "hewlett-packard",
    "hpe",
    "lenovo",
    "ibm",
    "fujitsu",
    "quanta",
    "inventec",
    "wiwynn",
    "gigabyte",
    "giga-byte",
    "asrock",
    "tyan",
    "mitac",
    "inspur",
    "huawei",
    "cisco",
    "intel corporate",
    "aspeed",
    "american megatrends",
    "oracle",
    "sun microsystems",
    "nec corporation",
    "hitachi",
    "cray",
)


def classify_arp(op: int, psrc: str, pdst: str) -> str | None:
    """``"probe"``, ``"announcement"``, ``"gratuitous reply"`` or None (an ordinary ARP)."""
    if op == ARP_REQUEST and psrc == _UNSPECIFIED and pdst != _UNSPECIFIED:
        return "probe"
    if psrc == pdst and psrc != _UNSPECIFIED:
        if op == ARP_REQUEST:
            return "announcement"
        if op == ARP_REPLY:
            return "gratuitous reply"
    return None


def mac_vendor(mac: str) -> str | None:
    """The manufacturer of ``mac``'s OUI from Scapy's manufacturer database, or None when it has none."""
    from scapy.data import MANUFDB

    if not MANUFDB:
        return None
    _short, long_name = MANUFDB.lookup(mac)
    return None if long_name == mac else str(long_name)


def _is_bmc_vendor(vendor: str | None) -> bool:
    if not vendor:
        return False
    name = vendor.lower()
    return any(v in name for v in BMC_VENDORS)


@dataclass
class GarpSender:
    """The gratuitous ARPs of one sender (MAC, IP; the target IP for probes)."""

    mac: str
    ip: str
    times: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    frames: list[int] = field(default_factory=list)
    vendor: str | None = None
    bmc: bool = False
    bmc_reason: str = ""

    def intervals(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]

    def as_dict(self) -> dict[str, Any]:
        gaps = self.intervals()
        return {
            "mac": self.mac,
            "ip": self.ip,
            "count": len(self.times),
            "kinds": dict(sorted(self.kinds.items())),
            "first": self.times[0] if self.times else None,
            "last": self.times[-1] if self.times else None,
            "interval_mean": statistics.fmean(gaps) if gaps else None,
            "interval_min": min(gaps) if gaps else None,
            "interval_max": max(gaps) if gaps else None,
            "vendor": self.vendor,
            "bmc": self.bmc,
            "bmc_reason": self.bmc_reason,
            "frames": self.frames[:20],
        }


class GarpTable:
    """Gratuitous ARP senders of a capture, in the order first seen."""

    def __init__(self) -> None:
        self.senders: dict[tuple[str, str], GarpSender] = {}

    def add(self, frame_no: int, t: float, op: int, hwsrc: str, psrc: str, pdst: str) -> str | None:
        """Record one ARP packet; returns its kind (None for an ordinary ARP, which is not recorded)."""
        kind = classify_arp(op, psrc, pdst)
        if kind is None:
            return None
        ip = pdst if kind == "probe" else psrc
        sender = self.senders.get((hwsrc, ip))
        if sender is None:
            sender = self.senders[(hwsrc, ip)] = GarpSender(hwsrc, ip)
        sender.times.append(t)
        sender.frames.append(frame_no)
        sender.kinds[kind] = sender.kinds.get(kind, 0) + 1
        return kind

    def mark_bmcs(self, rmcp_ips: Iterable[str]) -> None:
        """Mark senders whose IP speaks RMCP in the capture, or whose MAC vendor makes BMCs."""
        speaking = set(rmcp_ips)
        for sender in self.senders.values():
            sender.vendor = mac_vendor(sender.mac)
            if sender.ip in speaking:
                sender.bmc, sender.bmc_reason = True, "speaks RMCP in this capture"
            elif _is_bmc_vendor(sender.vendor):
                sender.bmc, sender.bmc_reason = True, f"BMC vendor OUI ({sender.vendor})"

    def as_list(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.senders.values()]


def garp_table(packets: Iterable[Any], rmcp_ips: Iterable[str] = ()) -> GarpTable:
    """The gratuitous ARP table of Scapy packets (an ``rdpcap`` list or a ``PcapReader``)."""
    from scapy.layers.l2 import ARP, Ether

    table = GarpTable()
    for number, pkt in enumerate(packets, start=1):
        if ARP in pkt:
            arp = pkt[ARP]
            hwsrc = pkt[Ether].src if Ether in pkt else arp.hwsrc
            table.add(number, float(pkt.time), int(arp.op), str(arp.hwsrc or hwsrc), str(arp.psrc), str(arp.pdst))
    table.mark_bmcs(rmcp_ips)
    return table
