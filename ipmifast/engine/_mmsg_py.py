"""The simulator socket's batched I/O, the pure-Python reference: one ``recvmsg``/``sendmsg`` per datagram, the
same API and the same results as ``_mmsg_c``."""

from __future__ import annotations

import socket
import struct

__impl__ = "py"

MAX_BATCH = 64
MAX_DATAGRAM = 2048
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
_PKTINFO = struct.Struct("=I4s4s")  # struct in_pktinfo: ipi_ifindex, ipi_spec_dst, ipi_addr
_ANCILLARY_SIZE = socket.CMSG_SPACE(_PKTINFO.size)

Received = tuple[bytes, str, tuple[str, int]]


def _socket(fd: int) -> socket.socket:
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM, fileno=fd)


def recv_batch(fd: int, max_count: int = MAX_BATCH) -> list[Received]:
    """Up to ``max_count`` (at most 64) waiting datagrams as ``(data, local address, (peer address, port))``."""
    count = max_count if 0 < max_count <= MAX_BATCH else MAX_BATCH
    sock = _socket(fd)
    out: list[Received] = []
    try:
        errors = 0
        while len(out) < count and errors < 8:
            try:
                data, ancdata, flags, addr = sock.recvmsg(MAX_DATAGRAM, _ANCILLARY_SIZE)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                errors += 1  # an ICMP error queued on the socket is reported once, then reading goes on
                continue
            if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
                continue
            for level, kind, cdata in ancdata:
                if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(cdata) >= _PKTINFO.size:
                    out.append((data, socket.inet_ntoa(_PKTINFO.unpack_from(cdata)[2]), addr))
                    break
        return out
    finally:
        sock.detach()


def send_batch_from(fd: int, datagrams: list[bytes], sources: list[str],
                    destinations: list[tuple[str, int]]) -> tuple[int, int]:
    """Send ``datagrams[i]`` from ``sources[i]`` to ``destinations[i]``; ``(sent, failed)``."""
    n = len(datagrams)
    if len(sources) != n or len(destinations) != n:
        raise ValueError("one source and one destination per datagram")
    for address in (*sources, *(d[0] for d in destinations)):
        try:
            socket.inet_pton(socket.AF_INET, address)
        except OSError:
            raise ValueError(f"not a numeric IPv4 address: {address!r}") from None
    sock = _socket(fd)
    sent = failed = 0
    try:
        for i, (data, source, dest) in enumerate(zip(datagrams, sources, destinations, strict=True)):
            pktinfo = _PKTINFO.pack(0, socket.inet_aton(source), b"\0\0\0\0")
            try:
                sock.sendmsg([data], [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)], 0, dest)
                sent += 1
            except (BlockingIOError, InterruptedError):
                return sent, failed + (n - i)
            except OSError:
                failed += 1
        return sent, failed
    finally:
        sock.detach()
