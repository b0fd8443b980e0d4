"""Hostile traffic: garbage, floods of half-open sessions and replayed packets cannot crash the simulator, block
the other BMCs, execute a command twice or grow its tables without bound."""

from __future__ import annotations

import os
import random
import select
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from ipmifast.cmds import chassis
from ipmifast.proto import frame, rakp
from ipmifast.proto.bmc15 import BmcState15
from ipmifast.proto.consts import AuthType, NetFn, PayloadType
from ipmifast.proto.events import Event, ResponseReceived, SessionEstablished
from ipmifast.proto.session import ClientSession, SessionConfig
from ipmifast.sim.fleet import Fleet

from .conftest import FleetThread, ipmitool, on_loop, pings

pytestmark = pytest.mark.interop
PORT = 9950
VICTIM, BYSTANDER = "127.94.0.1", "127.94.0.2"


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with FleetThread(count=2, base=VICTIM, port=PORT, seed=5) as f:
        yield f


def blast(datagrams: list[bytes], target: str, sources: int = 8) -> None:
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(sources)]
    try:
        for i, d in enumerate(datagrams):
            socks[i % sources].sendto(d, (target, PORT))
            if i % 200 == 199:
                time.sleep(0.01)  # let the loop drain its socket (UDP drops are not what is tested)
    finally:
        for s in socks:
            s.close()


def garbage(rng: random.Random, n: int) -> list[bytes]:
    rmcp = b"\x06\x00\xff\x07"
    out: list[bytes] = []
    for i in range(n):
        body = rng.randbytes(rng.randrange(0, 300))
        kind = i % 6
        if kind == 0:
            out.append(body)  # not RMCP at all
        elif kind == 1:
            out.append(rmcp + body[:3])  # truncated session header
        elif kind == 2:
            out.append(rmcp + bytes((AuthType.RMCP_PLUS, rng.randrange(256))) + body)  # RMCP+ with junk
        elif kind == 3:
            out.append(rmcp + bytes((rng.choice((0, 1, 2, 4, 5)),)) + body)  # v1.5 with junk
        elif kind == 4:
            out.append(b"\x06\x00\xff\x06" + body)  # ASF with junk
        else:
            # a well-formed pre-session v1.5 request of a random command with random data
            msg = frame.encode_ipmi_request(0x20, rng.choice((0, 6, 0x0A, 0x0C)), 0, 0x81, i & 0x3F, 0,
                                            rng.randrange(256), body[:40])
            out.append(frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg))
    return out


def test_garbage_does_not_crash_or_block(fleet: Fleet) -> None:
    blast(garbage(random.Random(1), 6000), VICTIM)
    assert ipmitool(fleet, BYSTANDER, "-I", "lanplus", "-C", "3", "power", "status").strip() == "Chassis Power is on"
    assert ipmitool(fleet, VICTIM, "-I", "lanplus", "-C", "17", "power", "status").strip() == "Chassis Power is on"
    assert ipmitool(fleet, VICTIM, "-I", "lan", "-A", "MD5", "mc", "guid")
    bmc = fleet.bmc(VICTIM)
    assert bmc.internal_errors == 0
    assert sum(bmc.sessions20.dropped.values()) + sum(bmc.sessions15.dropped.values()) > 1000


def open_session_rq(sid_m: int) -> bytes:
    payload = rakp.encode_open_session_rq(rakp.OpenSessionRequest(0, 4, sid_m, 1, 1, 1))
    return frame.encode_v20_session(PayloadType.OPEN_SESSION_REQUEST, 0, 0, payload)


def session_challenge_rq(seq: int) -> bytes:
    data = bytes((AuthType.MD5,)) + b"admin".ljust(16, b"\0")
    msg = frame.encode_ipmi_request(0x20, NetFn.APP, 0, 0x81, seq & 0x3F, 0, 0x39, data)
    return frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg)


def test_a_session_flood_is_bounded_and_only_hurts_its_target(fleet: Fleet) -> None:
    blast([open_session_rq(i + 1) for i in range(3000)] + [session_challenge_rq(i) for i in range(3000)], VICTIM)
    bmc = fleet.bmc(VICTIM)
    limit = bmc.state.max_sessions

    def sizes() -> tuple[int, int, int, int]:
        return (len(bmc.sessions20.sessions), len({id(s) for s, _ in bmc.sessions15.sessions.values()}),
                bmc.sessions20.dropped["session table full"], bmc.sessions15.dropped["session table full"])

    def active15() -> int:
        ended = (BmcState15.CLOSED, BmcState15.FAILED)
        return len({id(s) for s, _ in bmc.sessions15.sessions.values() if s.state not in ended})

    n20, n15, full20, full15 = on_loop(fleet, sizes)
    # v1.5: at most max_sessions in use, and as many closed or failed ones lingering to repeat their last answer
    assert n20 <= limit and on_loop(fleet, active15) <= limit and n15 <= 2 * limit
    assert full20 > 0 and full15 > 0
    assert fleet.created == 2
    start = time.monotonic()
    assert ipmitool(fleet, BYSTANDER, "-I", "lanplus", "-C", "3", "power", "status")  # not blocked
    assert time.monotonic() - start < 5
    assert pings(VICTIM, PORT)  # the victim still answers what needs no session
    # half-open handshakes expire (handshake_timeout): the victim takes sessions again
    deadline = time.monotonic() + bmc.sessions20.config.handshake_timeout + 5
    while time.monotonic() < deadline and on_loop(fleet, sizes)[0] > 0:
        time.sleep(0.2)
    assert ipmitool(fleet, VICTIM, "-I", "lanplus", "-C", "3", "power", "status")


class Wire:
    """A ClientSession on a real UDP socket, keeping every datagram it sent."""

    def __init__(self, target: str, config: SessionConfig) -> None:
        self.target = (target, PORT)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        self.client = ClientSession(config, os.urandom)
        self.sent: list[bytes] = []
        self.events: list[Event] = []

    def close(self) -> None:
        self.sock.close()

    def pump(self, until: Callable[[], bool], timeout: float = 5.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end and not until():
            now = time.monotonic()
            for d in self.client.datagrams_to_send(now):
                self.sent.append(d)
                self.sock.sendto(d, self.target)
            ready, _, _ = select.select([self.sock], [], [], 0.02)
            if ready:
                self.client.receive_datagram(self.sock.recv(4096), time.monotonic())
            timer = self.client.get_timer()
            if timer is not None and timer <= time.monotonic():
                self.client.handle_timer(time.monotonic())
            while (event := self.client.next_event()) is not None:
                self.events.append(event)

    def call(self, netfn: int, cmd: int, data: bytes = b"") -> ResponseReceived:
        rq_seq = self.client.request(netfn, cmd, data, time.monotonic())
        self.pump(lambda: any(isinstance(e, ResponseReceived) and e.rq_seq == rq_seq for e in self.events))
        return next(e for e in self.events if isinstance(e, ResponseReceived) and e.rq_seq == rq_seq)


def test_replayed_packets_never_execute_twice(fleet: Fleet) -> None:
    bmc = fleet.bmc(BYSTANDER)
    seen: list[str] = []
    on_loop(fleet, lambda: bmc.listeners.append(lambda b, kind, now: seen.append(kind)))
    wire = Wire(BYSTANDER, SessionConfig(username=b"admin", password=b"ipmifast", cipher_suite=17))
    try:
        wire.client.connect(time.monotonic())
        wire.pump(lambda: any(isinstance(e, SessionEstablished) for e in wire.events))
        assert wire.client.established
        before = len(wire.sent)
        cycle = chassis.encode_chassis_control_rq(chassis.ChassisControl.POWER_CYCLE)
        assert wire.call(NetFn.CHASSIS, 0x02, cycle).cc == 0
        cycle_packet = wire.sent[before]
        forged = bytearray(cycle_packet)
        forged[-1] ^= 1  # a tampered AuthCode
        for datagram in [cycle_packet] * 200 + [bytes(forged)] * 50:  # from the session's own address
            wire.sock.sendto(datagram, wire.target)
            time.sleep(0.0005)
        blast([cycle_packet] * 100, BYSTANDER, sources=1)  # and from another one
        time.sleep(0.3)
        assert seen.count("power-cycle") == 1
        assert wire.call(NetFn.APP, 0x01).cc == 0  # the session survives the replays
        drops = on_loop(fleet, lambda: dict(bmc.sessions20.sessions[wire.client.sid_c][0].drops))
        assert sum(drops.values()) >= 240, drops  # every copy dropped (replay window, bad AuthCode)
        assert on_loop(fleet, lambda: bmc.sessions20.dropped["unknown session ID"]) >= 90
    finally:
        wire.client.close(time.monotonic())
        wire.pump(lambda: not wire.client.established, 2)
        wire.close()
    power_on = on_loop(fleet, lambda: bmc.state.chassis.power_on)
    assert power_on or on_loop(fleet, lambda: bmc.state.chassis.pending is not None)
