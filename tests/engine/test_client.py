"""The client API against the BMC core on loopback: privilege fallback, re-establishment, IPv6, limits."""

from __future__ import annotations

import asyncio

import pytest

import ipmifast
from ipmifast.engine.loop import run
from ipmifast.engine.server import BmcEndpoint
from ipmifast.errors import LocalProtocolError, PrivilegeUnavailable, SessionTimeout
from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcUser
from ipmifast.proto.events import RequestReceived

PORT = 9710
USERS = (BmcUser(b"admin", b"ipmifast"), BmcUser(b"oper", b"oper-pass", max_privilege=3))
executed: list[tuple[int, int]] = []


def handler(session: BmcSession, rq: RequestReceived) -> tuple[int, bytes]:
    executed.append((rq.netfn, rq.cmd))
    if (rq.netfn, rq.cmd) == (0x00, 0x01):
        return 0, b"\x01\x00\x00"
    return 0, b""


async def bmc(addr: str) -> BmcEndpoint:
    return await BmcEndpoint.create(addr, PORT, BmcConfig(guid=bytes(16), users=USERS), handler)


def test_no_silent_privilege_fallback() -> None:
    async def main() -> None:
        server = await bmc("127.78.0.1")
        try:
            with pytest.raises(PrivilegeUnavailable):
                await ipmifast.connect("127.78.0.1", port=PORT, username="oper", password="oper-pass")
            async with ipmifast.connect(
                "127.78.0.1", port=PORT, username="oper", password="oper-pass", privilege_fallback=True
            ) as session:
                assert session.privilege == 3  # the result says which privilege was granted
        finally:
            server.close()

    run(main())


def test_reconnect_after_the_bmc_dropped_the_session() -> None:
    async def main() -> None:
        server = await bmc("127.78.0.2")
        try:
            async with ipmifast.connect(
                "127.78.0.2", port=PORT, username="admin", password="ipmifast", timeout=0.2, retries=1
            ) as session:
                assert (await session.raw(0x00, 0x01))[0] == 1
                server.sessions.clear()  # the BMC reset: it forgets every session
                assert (await session.raw(0x00, 0x01))[0] == 1  # a read: re-established and repeated
                assert session.reconnects == 1
                server.sessions.clear()
                executed.clear()
                with pytest.raises(SessionTimeout, match="not repeated"):
                    await session.raw(0x00, 0x02, b"\x02")  # power cycle is never sent twice
                assert (0x00, 0x02) not in executed
                assert session.reconnects == 2
        finally:
            server.close()

    run(main())


def test_reconnect_can_be_turned_off() -> None:
    async def main() -> None:
        server = await bmc("127.78.0.3")
        try:
            async with ipmifast.connect(
                "127.78.0.3", port=PORT, username="admin", password="ipmifast", timeout=0.2, retries=1,
                reconnect=False,
            ) as session:
                server.sessions.clear()
                with pytest.raises(SessionTimeout):
                    await session.raw(0x00, 0x01)
        finally:
            server.close()

    run(main())


def test_ipv6_loopback_uses_its_own_socket() -> None:
    async def main() -> None:
        server = await bmc("::1")
        try:
            async with ipmifast.connect("::1", port=PORT, username="admin", password="ipmifast") as session:
                assert (await session.raw(0x00, 0x01))[0] == 1
        finally:
            server.close()

    run(main())


def test_bad_arguments_are_local_errors() -> None:
    with pytest.raises(LocalProtocolError, match="privilege"):
        ipmifast.connect("127.0.0.1", privilege="root")
    with pytest.raises(LocalProtocolError, match="at most 20"):
        run(_connect_long_password())


async def _connect_long_password() -> None:
    await ipmifast.connect("127.0.0.1", username="a", password="x" * 21)


def test_sessions_of_many_connects_share_one_socket() -> None:
    async def main() -> None:
        server = await bmc("127.78.0.4")
        try:
            sessions = await asyncio.gather(
                *(ipmifast.connect("127.78.0.4", port=PORT, username="admin", password="ipmifast") for _ in range(5))
            )
            endpoints = {id(s._endpoint) for s in sessions}
            assert len(endpoints) == 1
            for s in sessions:
                await s.close()
        finally:
            server.close()

    run(main())
