"""A fast reader of pcap and pcapng files (the libpcap format; the pcapng draft, IETF opsawg-pcapng) for the
analyzer, without Scapy: it yields (frame number, time, link type, frame bytes).

A file that is not a capture raises ``CaptureError``. A file that ends inside a record, or a record with an
impossible length, stops the reading: ``truncated`` says where and why, and the frames before it stand.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from pathlib import Path

from ipmifast.errors import UsageError

__all__ = ["CaptureError", "CaptureReader"]

_PCAP_MAGIC = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e6),
    b"\xa1\xb2\xc3\xd4": (">", 1e6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e9),
    b"\xa1\xb2\x3c\x4d": (">", 1e9),
}
_PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
_PCAPNG_BYTE_ORDER = 0x1A2B3C4D
_PCAP_HEADER_LEN = 24
_PCAP_RECORD_LEN = 16
_LINKTYPE_AT = 20
#: the largest snapshot length libpcap and Wireshark use (256 KiB); a longer record is corrupt
MAX_FRAME = 262144

# pcapng block types
_IDB, _PB, _SPB, _EPB = 1, 2, 3, 6
_BLOCK_MIN = 12
_OPT_TSRESOL = 9
_OPT_TSOFFSET = 14


class CaptureError(UsageError):
    """The file is not a pcap or pcapng capture (or cannot be read)."""


class CaptureReader:
    """Iterate over the frames of a pcap or pcapng file: ``for number, t, linktype, frame in CaptureReader(p)``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.truncated: str | None = None
        self.bad_records = 0
        self.format = ""
        try:
            with open(self.path, "rb") as f:
                size = f.seek(0, 2)
                if size == 0:
                    raise CaptureError(f"{self.path}: empty file, not a pcap or pcapng capture")
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise CaptureError(f"{self.path}: {exc.strerror or exc}") from None
        magic = self._map[:4]
        if magic in _PCAP_MAGIC:
            self.format = "pcap"
        elif magic == _PCAPNG_SHB:
            self.format = "pcapng"
        else:
            raise CaptureError(f"{self.path}: not a pcap or pcapng capture (starts with {magic.hex()})")

    def close(self) -> None:
        self._map.close()

    def __iter__(self) -> Iterator[tuple[int, float, int, bytes]]:
        return self._pcap() if self.format == "pcap" else self._pcapng()

    def _stop(self, number: int, why: str) -> None:
        self.truncated = f"after frame {number - 1}: {why}"

    def _pcap(self) -> Iterator[tuple[int, float, int, bytes]]:
        data = self._map
        size = len(data)
        if size < _PCAP_HEADER_LEN:
            raise CaptureError(f"{self.path}: pcap file header truncated ({size} bytes)")
        endian, resolution = _PCAP_MAGIC[data[:4]]
        (linktype,) = struct.unpack_from(endian + "I", data, _LINKTYPE_AT)
        linktype &= 0xFFFF
        unpack = struct.Struct(endian + "IIII").unpack_from
        offset = _PCAP_HEADER_LEN
        number = 0
        while offset < size:
            number += 1
            if offset + _PCAP_RECORD_LEN > size:
                self._stop(number, "the file ends inside a record header")
                return
            sec, frac, caplen, _length = unpack(data, offset)
            offset += _PCAP_RECORD_LEN
            end = offset + caplen
            if end > size or caplen > MAX_FRAME:
                if caplen > MAX_FRAME:
                    self._stop(number, f"record captured length {caplen} is more than {MAX_FRAME}")
                    self.bad_records += 1
                else:
                    self._stop(number, f"the file ends inside a {caplen}-byte record")
                return
            yield number, sec + frac / resolution, linktype, data[offset:end]
            offset = end

    def _pcapng(self) -> Iterator[tuple[int, float, int, bytes]]:
        data = self._map
        size = len(data)
        endian = "<"
        interfaces: list[tuple[int, float, float]] = []  # link type, ticks per second, offset
        offset = 0
        number = 0
        while offset < size:
            if offset + _BLOCK_MIN > size:
                self._stop(number + 1, "the file ends inside a block header")
                return
            block_type = data[offset : offset + 4]
            if block_type == _PCAPNG_SHB:
                if offset + 12 > size:
                    self._stop(number + 1, "the file ends inside a section header")
                    return
                (order,) = struct.unpack_from("<I", data, offset + 8)
                if order == _PCAPNG_BYTE_ORDER:
                    endian = "<"
                elif order == struct.unpack("<I", struct.pack(">I", _PCAPNG_BYTE_ORDER))[0]:
                    endian = ">"
                else:
                    if offset == 0:
                        raise CaptureError(f"{self.path}: pcapng section header with a bad byte-order magic")
                    self._stop(number + 1, "section header with a bad byte-order magic")
                    return
                interfaces = []
            btype, length = struct.unpack_from(endian + "II", data, offset)
            if length < _BLOCK_MIN or length % 4:
                self._stop(number + 1, f"block length {length} is invalid")
                self.bad_records += 1
                return
            if offset + length > size:
                self._stop(number + 1, f"the file ends inside a {length}-byte block")
                return
            body = offset + 8
            end = offset + length - 4
            if btype == _IDB:
                interfaces.append(self._interface(endian, body, end))
            elif btype in (_EPB, _PB, _SPB):
                number += 1
                frame = self._packet(endian, btype, body, end, interfaces)
                if frame is None:
                    self.bad_records += 1
                else:
                    yield (number, *frame)
            offset += length

    def _interface(self, endian: str, body: int, end: int) -> tuple[int, float, float]:
        data = self._map
        if body + 8 > end:
            return (0, 1e6, 0.0)
        (linktype,) = struct.unpack_from(endian + "H", data, body)
        resolution, ts_offset = 1e6, 0.0
        at = body + 8
        while at + 4 <= end:
            code, olen = struct.unpack_from(endian + "HH", data, at)
            at += 4
            if code == 0 or at + olen > end:
                break
            if code == _OPT_TSRESOL and olen >= 1:
                v = data[at]
                resolution = float(2 ** (v & 0x7F) if v & 0x80 else 10**v)
            elif code == _OPT_TSOFFSET and olen >= 8:
                ts_offset = float(struct.unpack_from(endian + "q", data, at)[0])
            at += (olen + 3) & ~3
        return (linktype, resolution, ts_offset)

    def _packet(
        self, endian: str, btype: int, body: int, end: int, interfaces: list[tuple[int, float, float]]
    ) -> tuple[float, int, bytes] | None:
        data = self._map
        if btype == _SPB:
            if body + 4 > end or not interfaces:
                return None
            (orig,) = struct.unpack_from(endian + "I", data, body)
            caplen = min(orig, end - body - 4)
            return (0.0, interfaces[0][0], data[body + 4 : body + 4 + caplen])
        if btype == _EPB:
            header = 20
            if body + header > end:
                return None
            iface, hi, lo, caplen, _orig = struct.unpack_from(endian + "IIIII", data, body)
        else:
            header = 20
            if body + header > end:
                return None
            iface, _drops, hi, lo, caplen, _orig = struct.unpack_from(endian + "HHIIII", data, body)
        if iface >= len(interfaces) or body + header + caplen > end:
            return None
        linktype, resolution, ts_offset = interfaces[iface]
        t = ((hi << 32) | lo) / resolution + ts_offset
        return (t, linktype, data[body + header : body + header + caplen])
