"""One UDP socket serving a whole range of addresses (Linux ``IP_PKTINFO``), for thousands of virtual BMCs.

The socket is bound to the wildcard address on the BMC port; every 127.0.0.0/8 address is local on Linux, so it
receives datagrams sent to any of them. ``IP_PKTINFO`` tells, per datagram, which address it was sent to (the
virtual BMC), and an ``IP_PKTINFO`` control message on the reply makes the kernel send it FROM that address, as
clients require. One file descriptor for 10,000 BMCs, instead of one socket (and one fd) each.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
from collections.abc import Callable

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
_PKTINFO = struct.Struct("=I4s4s")  # struct in_pktinfo: ipi_ifindex, ipi_spec_dst, ipi_addr
_ANCILLARY_SIZE = socket.CMSG_SPACE(_PKTINFO.size)
MAX_DATAGRAM = 2048  # IPMI LAN datagrams are far smaller; larger ones are truncated and dropped as malformed
SOCKET_BUFFER = 8 * 1024 * 1024

#: (data, bmc address the datagram was sent to, client address)
Receiver = Callable[[bytes, str, tuple[str, int]], None]


class MultiAddressSocket:
    """Receives for every local address on ``port``; sends from the address the caller names."""

    def __init__(self, loop: asyncio.AbstractEventLoop, port: int, receiver: Receiver, bind: str = "0.0.0.0") -> None:
        self.loop = loop
        self.receiver = receiver
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            for option in (socket.SO_RCVBUF, socket.SO_SNDBUF):
                try:
                    sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER)
                except OSError:
                    pass
            sock.bind((bind, port))
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.received = 0
        self.sent = 0
        self.send_errors = 0
        #: datagrams whose handling raised (a bug): counted, the first one logged, the socket keeps serving
        self.internal_errors = 0
        loop.add_reader(sock.fileno(), self._readable)

    def close(self) -> None:
        if self.sock.fileno() >= 0:
            self.loop.remove_reader(self.sock.fileno())
            self.sock.close()

    def sendto(self, data: bytes, source: str, dest: tuple[str, int]) -> None:
        """Send ``data`` to ``dest`` from local address ``source``."""
        pktinfo = _PKTINFO.pack(0, socket.inet_aton(source), b"\0\0\0\0")
        try:
            self.sock.sendmsg([data], [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)], 0, dest)
            self.sent += 1
        except (BlockingIOError, InterruptedError):
            self.send_errors += 1  # socket buffer full: UDP may drop, the client retransmits
        except OSError:
            self.send_errors += 1

    def _readable(self) -> None:
        sock = self.sock
        for _ in range(256):  # bounded, so one busy socket cannot starve the loop
            try:
                data, ancdata, _flags, addr = sock.recvmsg(MAX_DATAGRAM, _ANCILLARY_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue  # ICMP errors reported on the socket: nothing to deliver
            self.received += 1
            dst = None
            for level, kind, cdata in ancdata:
                if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(cdata) >= _PKTINFO.size:
                    dst = socket.inet_ntoa(_PKTINFO.unpack_from(cdata)[2])
            if dst is None:
                continue
            try:
                self.receiver(data, dst, addr)
            except Exception as exc:  # a bug in one BMC must not stop the socket serving the others
                self.internal_errors += 1
                if self.internal_errors == 1:
                    import logging

                    logging.getLogger("ipmifast.sim").exception("internal error handling a datagram: %s", exc)


def address_range(base: str, count: int) -> list[str]:
    """``count`` IPv4 addresses from ``base`` upwards, skipping .0 and .255 (as the test bed's fleet does)."""
    start = int(ipaddress.IPv4Address(base))
    out: list[str] = []
    value = start
    while len(out) < count:
        if value & 0xFF not in (0, 255):
            out.append(str(ipaddress.IPv4Address(value)))
        value += 1
        if value > 0xFFFFFFFF:
            raise ValueError("address range runs past 255.255.255.255")
    return out
