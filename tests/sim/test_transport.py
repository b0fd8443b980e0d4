"""One socket answering for many loopback addresses, each reply sent from the address it was sent to."""

from __future__ import annotations

import asyncio
import socket

from ipmifast.engine.loop import run
from ipmifast.sim.transport import MultiAddressSocket, address_range


def test_address_range_skips_network_and_broadcast_octets() -> None:
    assert address_range("127.1.0.253", 4) == ["127.1.0.253", "127.1.0.254", "127.1.1.1", "127.1.1.2"]


def test_replies_come_from_the_address_each_datagram_was_sent_to() -> None:
    async def main() -> list[tuple[bytes, tuple[str, int]]]:
        loop = asyncio.get_running_loop()
        seen: list[tuple[str, str]] = []

        def echo(data: bytes, dst: str, src: tuple[str, int]) -> None:
            seen.append((dst, src[0]))
            server.sendto(b"from " + dst.encode(), dst, src)

        server = MultiAddressSocket(loop, 0, echo)
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client.setblocking(False)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        client.bind(("127.0.0.1", 0))
        try:
            targets = address_range("127.61.0.1", 300)
            for address in targets:
                client.sendto(b"ping", (address, server.port))
            replies: list[tuple[bytes, tuple[str, int]]] = []
            while len(replies) < len(targets):
                replies.append(await asyncio.wait_for(loop.sock_recvfrom(client, 100), 5))
            assert sorted(d for d, _ in seen) == sorted(targets)
            return replies
        finally:
            client.close()
            server.close()

    replies = run(main(), "asyncio")
    for data, (source, _port) in replies:
        assert data == b"from " + source.encode()  # the kernel sent it from the virtual BMC's own address
