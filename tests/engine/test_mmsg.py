"""Batched datagram I/O with IP_PKTINFO (``ipmifast/engine/mmsg``), compiled and reference, on real loopback
sockets: each datagram arrives with the local address it was sent to, each answer leaves from the address it names."""

from __future__ import annotations

import importlib
import socket
from collections.abc import Iterator
from types import ModuleType

import pytest

from ipmifast.engine._mmsg_py import IP_PKTINFO

BASE = "127.93.0."


@pytest.fixture(params=["c", "py"])
def mod(request: pytest.FixtureRequest) -> ModuleType:
    return importlib.import_module(f"ipmifast.engine._mmsg_{request.param}")


@pytest.fixture
def server() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind(("0.0.0.0", 0))
    sock.setblocking(False)
    yield sock
    sock.close()


@pytest.fixture
def client() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2)
    yield sock
    sock.close()


def _drain(mod: ModuleType, fd: int, expected: int) -> list[tuple[bytes, str, tuple[str, int]]]:
    got: list[tuple[bytes, str, tuple[str, int]]] = []
    for _ in range(1000):
        batch = mod.recv_batch(fd, 64)
        assert len(batch) <= 64
        got += batch
        if len(got) >= expected:
            break
    return got


def test_recv_batch_tells_each_datagram_its_local_address(mod: ModuleType, server: socket.socket,
                                                          client: socket.socket) -> None:
    port = server.getsockname()[1]
    assert mod.recv_batch(server.fileno()) == []  # nothing waiting: an empty batch, no error
    sent = [(f"datagram {i}".encode(), f"{BASE}{1 + i % 50}") for i in range(150)]  # more than two batches
    for data, address in sent:
        client.sendto(data, (address, port))
    got = _drain(mod, server.fileno(), len(sent))
    assert [(d, a) for d, a, _ in got] == sent
    assert {peer for _, _, peer in got} == {client.getsockname()}


def test_recv_batch_drops_oversized_datagrams(mod: ModuleType, server: socket.socket, client: socket.socket) -> None:
    port = server.getsockname()[1]
    client.sendto(b"x" * 3000, (BASE + "1", port))
    client.sendto(b"fits", (BASE + "2", port))
    got = _drain(mod, server.fileno(), 1)
    assert [(d, a) for d, a, _ in got] == [(b"fits", BASE + "2")]


def test_send_batch_from_sends_from_the_named_address(mod: ModuleType, server: socket.socket,
                                                      client: socket.socket) -> None:
    dest = client.getsockname()
    datagrams = [f"answer {i}".encode() for i in range(100)]
    sources = [f"{BASE}{1 + i % 7}" for i in range(100)]
    assert mod.send_batch_from(server.fileno(), datagrams, sources, [dest] * 100) == (100, 0)
    port = server.getsockname()[1]
    for data, source in zip(datagrams, sources, strict=True):
        assert client.recvfrom(64) == (data, (source, port))
    assert mod.send_batch_from(server.fileno(), [], [], []) == (0, 0)


def test_send_batch_from_refuses_bad_input(mod: ModuleType, server: socket.socket, client: socket.socket) -> None:
    dest = client.getsockname()
    with pytest.raises(ValueError):
        mod.send_batch_from(server.fileno(), [b"x"], [], [dest])
    with pytest.raises(ValueError):
        mod.send_batch_from(server.fileno(), [b"x"], ["not an address"], [dest])
    with pytest.raises(ValueError):
        mod.send_batch_from(server.fileno(), [b"x"], [BASE + "1"], [("::1", 5)])
    # a source that is not local: the kernel refuses that one datagram, the others still go
    sent, failed = mod.send_batch_from(server.fileno(), [b"a", b"b", b"c"], [BASE + "1", "10.255.255.1", BASE + "2"],
                                       [dest] * 3)
    assert (sent, failed) == (2, 1)
    assert [client.recvfrom(64)[0] for _ in range(2)] == [b"a", b"c"]


def test_the_fleet_answers_a_burst_in_fewer_system_calls_than_datagrams() -> None:
    import asyncio

    import ipmifast.engine.mmsg as mmsg
    from ipmifast.proto import frame
    from ipmifast.sim.fleet import Fleet

    assert mmsg.__impl__ == "c"

    async def burst() -> tuple[set[tuple[str, int]], int, int]:
        async with Fleet(count=50, base="127.93.1.1", port=9931) as fleet:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.bind(("127.0.0.1", 0))
                sock.setblocking(False)
                for address in fleet.addresses:
                    sock.sendto(frame.encode_asf_ping(1), address)
                answers: set[tuple[str, int]] = set()
                for _ in range(200):
                    await asyncio.sleep(0.01)
                    try:
                        while True:
                            data, peer = sock.recvfrom(512)
                            assert frame.decode_asf(data).message_type == 0x40  # presence pong
                            answers.add(peer)
                    except BlockingIOError:
                        pass
                    if len(answers) == 50:
                        break
                transport = fleet._sockets[0]
                return answers, transport.sent, transport.batches

    answers, sent, batches = asyncio.run(burst())
    assert answers == set(Fleet(count=50, base="127.93.1.1", port=9931).addresses)  # each from its own address
    assert sent == 50 and 0 < batches < sent
