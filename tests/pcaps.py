"""Read the reference captures (tests/data/pcaps, made by the test bed with tcpdump on lo) without Scapy.

Classic libpcap files, link type Ethernet, IPv4/UDP. Each UDP datagram comes out with its direction.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

PCAPS = Path(__file__).resolve().parent / "data" / "pcaps"
LINKTYPE_ETHERNET = 1


@dataclass(frozen=True)
class Datagram:
    src: tuple[str, int]
    dst: tuple[str, int]
    payload: bytes

    @property
    def to_bmc(self) -> bool:
        """True for console → BMC: the BMC is on port 623 in every capture."""
        return self.dst[1] == 623


def read_udp(name: str) -> list[Datagram]:
    """Every UDP datagram of ``tests/data/pcaps/<name>``, in capture order."""
    raw = (PCAPS / name).read_bytes()
    magic = raw[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">", b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}
    e = endian[magic]
    (linktype,) = struct.unpack_from(e + "I", raw, 20)
    if linktype != LINKTYPE_ETHERNET:
        raise ValueError(f"{name}: link type {linktype}, expected Ethernet")
    out: list[Datagram] = []
    offset = 24
    while offset + 16 <= len(raw):
        _sec, _frac, caplen, _length = struct.unpack_from(e + "IIII", raw, offset)
        frame = raw[offset + 16 : offset + 16 + caplen]
        offset += 16 + caplen
        if len(frame) < 14 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17:
            continue
        total = int.from_bytes(ip[2:4], "big")
        src_ip = ".".join(str(b) for b in ip[12:16])
        dst_ip = ".".join(str(b) for b in ip[16:20])
        udp = ip[ihl:total]
        sport, dport, ulen = struct.unpack_from(">HHH", udp, 0)
        out.append(Datagram((src_ip, sport), (dst_ip, dport), bytes(udp[8:ulen])))
    return out
