"""In-memory ClientSession ↔ BmcSession pairs over a fake clock and a lossy link (no sockets, no sleeps)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcUser
from ipmifast.proto.events import (
    Event,
    RequestFailed,
    RequestReceived,
    ResponseReceived,
    SessionClosed,
    SessionEstablished,
    SessionFailed,
)
from ipmifast.proto.session import ClientSession, SessionConfig

GUID = bytes(range(0x20, 0x30))
USERS = (
    BmcUser(b"admin", b"ipmifast-admin", 4),
    BmcUser(b"operator", b"ipmifast-oper", 3),
    BmcUser(b"user", b"ipmifast-user", 2),
    BmcUser(b"long", b"twenty-byte-password", 4),
)
#: an OEM command the fake BMC application answers with a counter: each execution shows
COUNTER_NETFN, COUNTER_CMD = 0x2E, 0x01


def seeded_rng(seed: int) -> Callable[[int], bytes]:
    r = random.Random(seed)
    return lambda n: r.randbytes(n)


@dataclass
class Link:
    """Carries datagrams between one client and one BMC session, dropping, duplicating and reordering them."""

    client: ClientSession
    bmc: BmcSession
    seed: int = 0
    drop: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    now: float = 0.0
    client_events: list[Event] = field(default_factory=list)
    bmc_events: list[Event] = field(default_factory=list)
    executions: int = 0
    datagrams: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def _carry(self, datagrams: list[bytes]) -> list[bytes]:
        out: list[bytes] = []
        for d in datagrams:
            self.datagrams += 1
            if self._random.random() < self.drop:
                continue
            out.append(d)
            if self._random.random() < self.duplicate:
                out.append(d)
        if len(out) > 1 and self._random.random() < self.reorder:
            self._random.shuffle(out)
        return out

    def _bmc_application(self) -> None:
        while (ev := self.bmc.next_event()) is not None:
            self.bmc_events.append(ev)
            if isinstance(ev, RequestReceived):
                if (ev.netfn, ev.cmd) == (COUNTER_NETFN, COUNTER_CMD):
                    self.executions += 1
                    self.bmc.respond(ev, 0, self.executions.to_bytes(4, "little") + ev.data)
                elif (ev.netfn, ev.cmd) == (0x06, 0x01):  # Get Device ID
                    self.bmc.respond(ev, 0, bytes.fromhex("20810215020100794f0001010000000000"))
                else:
                    self.bmc.respond(ev, 0xC1)

    def step(self) -> bool:
        """Exchange what is pending; returns False when nothing moved (time must advance)."""
        moved = False
        for d in self._carry(self.client.datagrams_to_send(self.now)):
            moved = True
            self.bmc.receive_datagram(d, self.now)
        self._bmc_application()
        for d in self._carry(self.bmc.datagrams_to_send(self.now)):
            moved = True
            self.client.receive_datagram(d, self.now)
        while (ev := self.client.next_event()) is not None:
            self.client_events.append(ev)
            moved = True
        return moved

    def run(self, until: Callable[[], bool], limit: float = 600.0) -> None:
        """Run until ``until()`` or the fake clock passes ``limit`` seconds."""
        while not until():
            if self.step():
                continue
            timers = [t for t in (self.client.get_timer(), self.bmc.get_timer()) if t is not None]
            if not timers or self.now > limit:
                return
            self.now = max(self.now, min(timers))
            if (t := self.client.get_timer()) is not None and t <= self.now:
                self.client.handle_timer(self.now)
            if (t := self.bmc.get_timer()) is not None and t <= self.now:
                self.bmc.handle_timer(self.now)

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.client_events if isinstance(e, kind)]

    def finished(self) -> bool:
        return any(isinstance(e, (SessionEstablished, SessionFailed, SessionClosed)) for e in self.client_events)

    def responses(self) -> list[ResponseReceived]:
        return [e for e in self.client_events if isinstance(e, ResponseReceived)]

    def failures(self) -> list[RequestFailed]:
        return [e for e in self.client_events if isinstance(e, RequestFailed)]


def make_pair(
    cipher_suite: int = 3,
    username: bytes = b"admin",
    password: bytes = b"ipmifast-admin",
    privilege: int = 4,
    bmc_suites: frozenset[int] | None = None,
    kg: bytes | None = None,
    bmc_kg: bytes | None = None,
    seed: int = 1,
    retries: int = 3,
    quirks: frozenset[str] = frozenset(),
    bmc_quirks: frozenset[str] = frozenset(),
    **link: float,
) -> Link:
    config = SessionConfig(
        username=username, password=password, cipher_suite=cipher_suite, privilege=privilege, kg=kg, retries=retries,
        quirks=quirks,
    )
    client = ClientSession(config, seeded_rng(seed))
    bmc_config = BmcConfig(guid=GUID, users=USERS, kg=bmc_kg, quirks=bmc_quirks)
    if bmc_suites is not None:
        bmc_config = BmcConfig(guid=GUID, users=USERS, cipher_suites=bmc_suites, kg=bmc_kg, quirks=bmc_quirks)
    bmc = BmcSession(bmc_config, sid_c=0x0200 + seed % 0x100 + 1, rng=seeded_rng(seed + 1000), now=0.0)
    pair = Link(client, bmc, seed=seed, **link)
    client.connect(0.0)
    return pair
