"""The test bed's real data for the record tests, read from the files that hold it (provenance in each helper).

- ``capture_pairs()``: request/response pairs of ``tests/data/pcaps/f2-lanplus-c2-sdr-fru.pcap`` (ipmitool 1.8.19
  ``sdr elist`` + ``fru print`` against ipmi_sim 2.0.33, cipher suite 2: clear-text payloads).
- ``capture_sdrs()``, ``capture_readings()``, ``capture_fru()``: the SDRs, Get Sensor Reading responses and FRU 0
  image those pairs carry.
- ``emu_sel_entries()``: the SEL entries ``tests/data/testbed/bmc.emu`` loads (its ``sel_add`` lines), with the
  timestamp ipmi_sim gave them in ``VERIFIED.md``.
- ``verified(command)``: the output lines ``VERIFIED.md`` recorded for a command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ipmifast.proto import frame
from ipmifast.proto.consts import PAYLOAD_ENCRYPTED, PAYLOAD_TYPE_MASK, AuthType, PayloadType, RmcpClass
from tests.pcaps import read_udp

TESTBED = Path(__file__).resolve().parent.parent / "data" / "testbed"
CAPTURE = "f2-lanplus-c2-sdr-fru.pcap"


@dataclass(frozen=True)
class Pair:
    netfn: int
    cmd: int
    rq: bytes
    cc: int
    rs: bytes


@cache
def capture_pairs() -> tuple[Pair, ...]:
    """Each clear-text IPMI request of the capture with the response that follows it."""
    pairs: list[Pair] = []
    pending: tuple[int, int, bytes] | None = None
    for datagram in read_udp(CAPTURE):
        payload = datagram.payload
        if len(payload) < 5 or payload[3] != RmcpClass.IPMI or payload[4] != AuthType.RMCP_PLUS:
            continue
        v20 = frame.decode_v20_session(payload)
        if v20.payload_type & PAYLOAD_ENCRYPTED or v20.payload_type & PAYLOAD_TYPE_MASK != PayloadType.IPMI:
            continue
        msg = v20.payload
        if (msg[1] >> 2) & 1:
            rs = frame.decode_ipmi_response(msg)
            if pending is not None and (pending[0] + 1, pending[1]) == (rs.netfn, rs.cmd):
                pairs.append(Pair(pending[0], pending[1], pending[2], rs.cc, rs.data))
            pending = None
        else:
            rq = frame.decode_ipmi_request(msg)
            pending = (rq.netfn, rq.cmd, rq.data)
    return tuple(pairs)


@cache
def capture_sdrs() -> tuple[bytes, ...]:
    """Every SDR of the capture's first repository pass, whole (ipmitool read header, then body chunks)."""
    parts: dict[int, dict[int, bytes]] = {}
    for p in capture_pairs():
        if (p.netfn, p.cmd) != (0x0A, 0x23) or p.cc:
            continue
        offset = p.rq[4]
        record_id = int.from_bytes(p.rs[2:4] if offset == 0 else p.rq[2:4], "little")
        parts.setdefault(record_id, {})[offset] = p.rs[2:]
    return tuple(b"".join(chunks[o] for o in sorted(chunks)) for _, chunks in sorted(parts.items()))


@cache
def capture_readings() -> dict[int, bytes]:
    """Get Sensor Reading response data by sensor number."""
    return {p.rq[0]: p.rs for p in capture_pairs() if (p.netfn, p.cmd) == (0x04, 0x2D) and not p.cc}


@cache
def capture_fru() -> bytes:
    """FRU 0 as ipmitool read it (Read FRU Data responses placed at their offsets; the capture reads 176 bytes)."""
    image = bytearray()
    for p in capture_pairs():
        if (p.netfn, p.cmd) == (0x0A, 0x11) and not p.cc:
            offset = int.from_bytes(p.rq[1:3], "little")
            data = p.rs[1:]
            image[offset : offset + len(data)] = data
    return bytes(image)


@cache
def verified(command: str) -> tuple[str, ...]:
    """The lines VERIFIED.md shows for the first ``$ <...> command`` transcript block ending with ``command``."""
    text = (TESTBED / "VERIFIED.md").read_text()
    pattern = re.compile(r"^\$ (.*)$", re.M)
    for match in pattern.finditer(text):
        if match.group(1).endswith(command):
            body = text[match.end() + 1 :]
            out = []
            for line in body.splitlines():
                if line.startswith("[exit status") or line.startswith("```"):
                    break
                out.append(line)
            return tuple(out)
    raise KeyError(command)


IPMITOOL_PRE_INIT_TIMESTAMP = 3100  # "Pre-Init  |0000003100|" in VERIFIED.md's sel list


@cache
def emu_sel_entries(timestamp: int = IPMITOOL_PRE_INIT_TIMESTAMP) -> tuple[bytes, ...]:
    """The 16-byte SEL entries of bmc.emu's ``sel_add`` lines, record IDs from 1, ipmi_sim's timestamp applied
    (ipmi_sim replaces the timestamp of records below E0h with its clock, bmc.emu says)."""
    entries: list[bytes] = []
    for line in (TESTBED / "bmc.emu").read_text().splitlines():
        if not line.startswith("sel_add "):
            continue
        values = [int(v, 0) for v in line.split()[2:]]
        record_type, body = values[0], bytes(values[5:])
        stamp = timestamp.to_bytes(4, "little") if record_type < 0xE0 else bytes(values[1:5])
        entries.append((len(entries) + 1).to_bytes(2, "little") + bytes([record_type]) + stamp + body)
    return tuple(entries)


def emu_fru() -> bytes:
    """FRU 0 as bmc.emu's ``mc_add_fru_data`` defines it (256 bytes, zero-filled after the data)."""
    text = (TESTBED / "bmc.emu").read_text()
    block = text.split("mc_add_fru_data 0x20 0 256 data", 1)[1].split("\n\n", 1)[0]
    data = bytes(int(v, 0) for v in block.replace("\\", " ").split())
    return data + bytes(256 - len(data))
