"""A hostile BMC against the client and the fleet engine: garbage, truncated, oversized, replayed and corrupted
datagrams, other sessions' IDs, RAKP 2 with a wrong HMAC, floods, and silence. Nothing crashes or hangs, no caller
gets a wrong result (every answer is the simulated BMC's own), what is dropped is counted by reason, and the
engine's tables are empty once the sessions are gone.

The hostile BMC is a relay in front of a real simulated BMC: it forwards the console's datagrams and mangles what
comes back as each mode says (so sessions that survive talk to a real BMC).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import pytest

import ipmifast
from ipmifast.engine.fleet import run_fleet
from ipmifast.engine.loop import run
from ipmifast.errors import BadPasswordError, ConnectionTimeout, IpmiError, SessionTimeout
from ipmifast.sim.fleet import Fleet

pytestmark = pytest.mark.interop
PORT = 9940
SIM = "127.134.0.1"
RELAY = "127.134.1.1"

Mangle = Callable[[bytes, random.Random, int], list[bytes]]


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]


MODES: dict[str, Mangle] = {
    # every answer, plus datagrams that are not RMCP at all or RMCP-looking junk
    "garbage": lambda d, r, n: [r.randbytes(r.randrange(0, 300)), b"\x06\x00\xff\x07" + r.randbytes(40), d],
    # a third of the answers cut short
    "truncated": lambda d, r, n: [d[: r.randrange(len(d))] if r.random() < 0.33 else d],
    # a third with a kilobyte appended (length fields no longer agree)
    "oversized": lambda d, r, n: [d + r.randbytes(1024) if r.random() < 0.33 else d],
    # a third with one byte flipped past the RMCP header (AuthCode, payload, RAKP fields)
    "corrupted": lambda d, r, n: [_flip(d, r.randrange(4, len(d))) if r.random() < 0.33 else d],
    # a third with another session ID (or SIDm in a pre-session payload)
    "other-session": lambda d, r, n: [(d[:6] + r.randbytes(4) + d[10:] if d[5] & 0x3F in (0, 1)
                                       else d[:20] + r.randbytes(4) + d[24:]) if r.random() < 0.33 and len(d) > 24
                                      else d],
    # each answer twice, and again the answer before it (replays of earlier datagrams)
    "replayed": lambda d, r, n: [d, d],
    # twenty junk datagrams per answer
    "flood": lambda d, r, n: [r.randbytes(r.randrange(1, 120)) for _ in range(20)] + [d],
}


class Relay(asyncio.DatagramProtocol):
    """Console <-> relay <-> simulated BMC, mangling the BMC's answers with ``mangle``."""

    def __init__(self, mangle: Mangle | None, seed: int = 7) -> None:
        self.mangle = mangle
        self.random = random.Random(seed)
        self.console: tuple[str, int] | None = None
        self.last: bytes | None = None
        self.answers = 0
        self.transport: Any = None
        self.upstream: Any = None
        self.silent_after: int | None = None
        self.rakp2_hmac_flip = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.console = addr
        self.upstream.sendto(data, (SIM, PORT))

    def from_bmc(self, data: bytes) -> None:
        assert self.console is not None
        self.answers += 1
        if self.silent_after is not None and self.answers > self.silent_after:
            return
        if self.rakp2_hmac_flip and len(data) > 16 and data[5] & 0x3F == 0x13:  # RAKP 2: flip its last byte
            data = _flip(data, len(data) - 1)
        out = self.mangle(data, self.random, self.answers) if self.mangle else [data]
        if self.mangle is MODES["replayed"] and self.last is not None:
            out.append(self.last)
        self.last = data
        for d in out:
            self.transport.sendto(d, self.console)


class _Upstream(asyncio.DatagramProtocol):
    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.relay.from_bmc(data)


async def _relay(mangle: Mangle | None, port: int) -> Relay:
    loop = asyncio.get_running_loop()
    relay = Relay(mangle)
    await loop.create_datagram_endpoint(lambda: relay, local_addr=(RELAY, port))
    upstream, _ = await loop.create_datagram_endpoint(lambda: _Upstream(relay), local_addr=(RELAY, 0))
    relay.upstream = upstream
    return relay


async def _device_ids(port: int, n: int, **options: Any) -> list[Any]:
    """``n`` Get Device ID through one session; each result or the exception that ended it."""
    out: list[Any] = []
    try:
        async with ipmifast.connect(RELAY, port=port, username="admin", password="ipmifast", timeout=0.3,
                                    retries=3, keepalive=None, reconnect=False, **options) as bmc:
            for _ in range(n):
                try:
                    out.append(await bmc.get_device_id())
                except IpmiError as exc:
                    out.append(exc)
    except IpmiError as exc:
        out.append(exc)
    return out


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("suite", [3, 17])
def test_mangled_answers_never_give_a_wrong_result(mode: str, suite: int) -> None:
    async def main() -> None:
        async with Fleet(count=1, base=SIM, port=PORT) as fleet:
            truth = None
            async with ipmifast.connect(SIM, port=PORT, username="admin", password="ipmifast",
                                        cipher_suite=suite) as bmc:
                truth = await bmc.get_device_id()
            relay_port = PORT + 1 + sorted(MODES).index(mode)
            relay = await _relay(MODES[mode], relay_port)
            results = await asyncio.wait_for(_device_ids(relay_port, 5, cipher_suite=suite), 60)
            relay.transport.close()
            relay.upstream.close()
            assert fleet is not None
        good = [r for r in results if not isinstance(r, BaseException)]
        bad = [r for r in results if isinstance(r, BaseException)]
        assert all(r == truth for r in good), results  # never a wrong answer
        assert all(isinstance(e, ConnectionTimeout | SessionTimeout | IpmiError) for e in bad)
        if mode in ("garbage", "replayed", "flood", "oversized"):
            assert len(good) == 5, results  # the real answer is always among them: every request succeeds
        else:
            assert good or bad, results
        endpoint = await ipmifast.client.default_endpoint()
        assert endpoint.sessions == 0 and endpoint._busy == {} and endpoint._turns == {}
        if mode in ("garbage", "flood"):
            assert endpoint.unrouted["not RMCP"] > 0 or sum(endpoint.unrouted.values()) > 0

    run(main())


def test_rakp2_with_a_wrong_hmac_is_a_bad_password_not_a_session() -> None:
    async def main() -> None:
        async with Fleet(count=1, base=SIM, port=PORT):
            relay = await _relay(None, PORT + 20)
            relay.rakp2_hmac_flip = True
            (result,) = await asyncio.wait_for(_device_ids(PORT + 20, 1), 30)
            relay.transport.close()
            relay.upstream.close()
        assert isinstance(result, BadPasswordError), result

    run(main())


def test_a_bmc_that_falls_silent_mid_session_times_out_and_leaves_nothing() -> None:
    async def main() -> None:
        async with Fleet(count=1, base=SIM, port=PORT):
            relay = await _relay(None, PORT + 21)
            relay.silent_after = 5  # open session, RAKP 2, RAKP 4, Set Session Privilege, one response
            started = asyncio.get_running_loop().time()
            results = await asyncio.wait_for(_device_ids(PORT + 21, 3), 30)
            elapsed = asyncio.get_running_loop().time() - started
            relay.transport.close()
            relay.upstream.close()
        assert not isinstance(results[0], BaseException)
        assert all(isinstance(r, SessionTimeout) for r in results[1:]), results
        assert elapsed < 10  # bounded by the configured tries, never a hang
        endpoint = await ipmifast.client.default_endpoint()
        assert endpoint.sessions == 0

    run(main())


def test_the_fleet_engine_reports_hostile_hosts_and_answers_the_rest() -> None:
    # 20 simulated BMCs on one port; 4 hostile relays in the target list: each host gets its own result
    async def main() -> None:
        async with Fleet(count=20, base="127.134.2.1", port=PORT + 30) as fleet:
            relays = [await _relay(MODES[m], PORT + 31 + i) for i, m in enumerate(("truncated", "corrupted",
                                                                                   "other-session", "flood"))]
            for r in relays:
                r.upstream.close()  # these relays forward to nothing: only their junk comes back
                r.upstream = _Junk(r)
            targets = [(a, p) for a, p in fleet.addresses] + [(RELAY, PORT + 31 + i) for i in range(4)]

            async def status(target: tuple[str, int]) -> bool:
                async with ipmifast.connect(target[0], port=target[1], username="admin", password="ipmifast",
                                            timeout=0.3, retries=1, keepalive=None, reconnect=False) as bmc:
                    return (await bmc.chassis_status()).power_on

            results = [r async for r in run_fleet(targets, status, concurrency=64)]
            for r in relays:
                r.transport.close()
        by_target = {r.target: r for r in results}
        assert len(by_target) == 24
        assert all(by_target[t].ok and by_target[t].value is True for t in targets[:20])
        assert all(by_target[t].kind == "timeout" for t in targets[20:]), [by_target[t] for t in targets[20:]]

    run(main())


class _Junk:
    """An upstream that answers every forwarded datagram with junk made from it (no real BMC behind)."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    def sendto(self, data: bytes, addr: Any) -> None:
        self.relay.from_bmc(data[::-1] + b"\x00" * 8)

    def close(self) -> None:
        pass
