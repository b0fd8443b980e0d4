"""Batched sends: the compiled sendmmsg module and its reference deliver every datagram to its address."""

from __future__ import annotations

import socket

import pytest

from ipmifast.engine.loop import run

from ..conftest import IMPLS


def load(impl: str):  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(f"ipmifast.engine._batch_{impl}")


@pytest.mark.parametrize("impl", IMPLS)
def test_send_batch_delivers_each_datagram_to_its_address(impl: str) -> None:
    mod = load(impl)
    receivers = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for r in receivers:
            r.bind(("127.0.0.1", 0))
            r.settimeout(2)
        sender.setblocking(False)
        addresses = [r.getsockname() for r in receivers] * 50  # 150 datagrams: more than one sendmmsg batch
        datagrams = [f"datagram {i}".encode() for i in range(len(addresses))]
        assert mod.send_batch(sender.fileno(), datagrams, addresses) == len(datagrams)
        for k, r in enumerate(receivers):
            got = [r.recv(100) for _ in range(50)]
            assert got == [datagrams[i] for i in range(k, len(datagrams), 3)]
    finally:
        sender.close()
        for r in receivers:
            r.close()


@pytest.mark.parametrize("impl", IMPLS)
def test_send_batch_ipv6_and_bad_input(impl: str) -> None:
    mod = load(impl)
    receiver = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sender = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        receiver.bind(("::1", 0))
        receiver.settimeout(2)
        port = receiver.getsockname()[1]
        assert mod.send_batch(sender.fileno(), [b"six"], [("::1", port)]) == 1
        assert receiver.recv(10) == b"six"
        with pytest.raises(ValueError):
            mod.send_batch(sender.fileno(), [b"x"], [])
    finally:
        sender.close()
        receiver.close()


def test_the_engine_batches_its_sends() -> None:
    import ipmifast.engine.batch as batch
    from tests.engine.test_endpoint import BmcFleetThread, address, one_session

    assert batch.__impl__ == "c"

    async def main() -> tuple[int, int]:
        import asyncio

        from ipmifast.engine.endpoint import Endpoint

        endpoint = await Endpoint.create()
        try:
            await asyncio.gather(*(one_session(endpoint, address(i), b"") for i in range(100)))
        finally:
            endpoint.close()
        return endpoint.batches, endpoint.datagrams_sent

    with BmcFleetThread(100):
        batches, sent = run(main(), "asyncio")
    assert 0 < batches < sent  # fewer system calls than datagrams: 100 Open Session Requests go out together
