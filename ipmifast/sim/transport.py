"""One UDP socket serving a whole range of addresses (Linux ``IP_PKTINFO``), for thousands of virtual BMCs.

The socket is bound to the wildcard address on the BMC port; every 127.0.0.0/8 address is local on Linux, so it
receives datagrams sent to any of them. ``IP_PKTINFO`` tells, per datagram, which address it was sent to (the
virtual BMC), and an ``IP_PKTINFO`` control message on the reply makes the kernel send it FROM that address, as
clients require. One file descriptor for 10,000 BMCs, instead of one socket (and one fd) each.

Datagrams come in and go out in batches (``engine/mmsg``: ``recvmmsg``/``sendmmsg``, compiled): the answers to one
receive batch leave in one system call, and answers made outside it (timers) share one per loop iteration.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable

from ipmifast.engine.mmsg import recv_batch, send_batch_from
from ipmifast.engine.sockets import enlarge_buffers

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
BATCH = 64  # datagrams per recvmmsg / sendmmsg (larger than 2048 bytes: dropped, IPMI's are far smaller)
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
            # no SO_REUSEADDR: on Linux it lets a second UDP socket bind the same port and take its datagrams, so
            # a second simulator on a port in use would run silently deaf instead of failing
            sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            enlarge_buffers(sock, SOCKET_BUFFER)
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
        #: sendmmsg calls made (fewer than datagrams sent when answers share a loop iteration)
        self.batches = 0
        self._out_data: list[bytes] = []
        self._out_source: list[str] = []
        self._out_dest: list[tuple[str, int]] = []
        self._reading = False
        self._flush_scheduled = False
        #: datagrams whose handling raised (a bug): counted, the first one logged, the socket keeps serving
        self.internal_errors = 0
        loop.add_reader(sock.fileno(), self._readable)

    def close(self) -> None:
        if self.sock.fileno() >= 0:
            self.flush()
            self.loop.remove_reader(self.sock.fileno())
            self.sock.close()

    def sendto(self, data: bytes, source: str, dest: tuple[str, int]) -> None:
        """Send ``data`` to ``dest`` from local address ``source``: queued, and sent with the others of this loop
        iteration in one ``sendmmsg`` (at the end of a receive batch, or by a callback soon after)."""
        self._out_data.append(data)
        self._out_source.append(source)
        self._out_dest.append(dest)
        if not self._reading and not self._flush_scheduled:
            self._flush_scheduled = True
            self.loop.call_soon(self.flush)

    def flush(self) -> None:
        """Send everything queued."""
        self._flush_scheduled = False
        if not self._out_data or self.sock.fileno() < 0:
            return
        data, sources, dests = self._out_data, self._out_source, self._out_dest
        self._out_data, self._out_source, self._out_dest = [], [], []
        sent, failed = send_batch_from(self.sock.fileno(), data, sources, dests)
        self.sent += sent
        self.send_errors += failed  # socket buffer full: UDP may drop, the client retransmits
        self.batches += 1

    def _readable(self) -> None:
        fd = self.sock.fileno()
        self._reading = True
        try:
            for _ in range(4):  # bounded (4 x 64 datagrams), so one busy socket cannot starve the loop
                batch = recv_batch(fd, BATCH)
                self.received += len(batch)
                for data, dst, addr in batch:
                    try:
                        self.receiver(data, dst, addr)
                    except Exception as exc:  # a bug in one BMC must not stop the socket serving the others
                        self.internal_errors += 1
                        if self.internal_errors == 1:
                            import logging

                            logging.getLogger("ipmifast.sim").exception("internal error handling a datagram: %s",
                                                                        exc)
                if len(batch) < BATCH:
                    break
        finally:
            self._reading = False
            self.flush()


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
