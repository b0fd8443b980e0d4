"""In-memory ClientSession15 ↔ BMC pairs over a fake clock and a lossy link (no sockets, no sleeps).

The BMC side is ``SimBmc15``: the routing that ``ipmifast.proto.bmc15``'s docstring prescribes to a simulator
(stateless pre-session answers, one ``BmcSession15`` per Get Session Challenge, routing by session ID), so these
tests exercise that design as well as the sessions.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ipmifast.errors import DecodeError
from ipmifast.proto import frame
from ipmifast.proto.bmc import BmcUser
from ipmifast.proto.bmc15 import Bmc15Config, BmcSession15, BmcState15, answer_presession, is_session_challenge
from ipmifast.proto.consts import AuthType
from ipmifast.proto.events import (
    Event,
    RequestFailed,
    RequestReceived,
    ResponseReceived,
    SessionClosed,
    SessionEstablished,
    SessionFailed,
)
from ipmifast.proto.session15 import ClientSession15, Session15Config

from .harness import COUNTER_CMD, COUNTER_NETFN, seeded_rng

USERS = (
    BmcUser(b"admin", b"ipmifast-admin", 4),
    BmcUser(b"operator", b"ipmifast-oper", 3),
    BmcUser(b"user", b"ipmifast-user", 2),
    BmcUser(b"callback", b"ipmifast-cb", 1),
    BmcUser(b"sixteen", b"sixteen-byte-pw!", 4),
)
ANONYMOUS = BmcUser(b"", b"", 4)
ALL_AUTH_TYPES = frozenset({AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.PASSWORD})
DEVICE_ID = bytes.fromhex("20810215020100794f0001010000000000")

__all__ = ["ALL_AUTH_TYPES", "ANONYMOUS", "COUNTER_CMD", "COUNTER_NETFN", "USERS", "Link15", "SimBmc15",
           "make_pair15", "seeded_rng"]


class SimBmc15:
    """A minimal IPMI v1.5 simulator for one console address: pre-session answers, then sessions by ID."""

    def __init__(self, config: Bmc15Config, rng: Callable[[int], bytes], first_id: int = 0x100) -> None:
        self.config = config
        self._rng = rng
        self._next_id = first_id
        self._outbox: list[bytes] = []
        self.routes: dict[int, BmcSession15] = {}
        self.sessions: list[BmcSession15] = []  # every session ever created, in order
        self.unrouted = 0

    def receive_datagram(self, data: bytes, now: float) -> None:
        try:
            _cls, _auth, _ptype, session_id = frame.peek(data)
        except DecodeError:
            self.unrouted += 1
            return
        if session_id == 0:
            answer = answer_presession(data, self.config)
            if answer is not None:
                self._outbox.append(answer)
            elif is_session_challenge(data):
                # like ipmi_sim: odd temporary session IDs, even session IDs
                temp, sid = self._next_id + 1, self._next_id + 2
                self._next_id += 2
                session = BmcSession15(self.config, session_id=sid, temp_session_id=temp, rng=self._rng, now=now)
                self.sessions.append(session)
                self.routes[temp] = self.routes[sid] = session
                session.receive_datagram(data, now)
            else:
                self.unrouted += 1
        elif (routed := self.routes.get(session_id)) is not None:
            routed.receive_datagram(data, now)
        else:
            self.unrouted += 1

    def datagrams_to_send(self, now: float) -> list[bytes]:
        out, self._outbox = self._outbox, []
        for session in self.sessions:
            out.extend(session.datagrams_to_send(now))
        return out

    def get_timer(self) -> float | None:
        timers = [t for s in self.sessions if (t := s.get_timer()) is not None]
        return min(timers) if timers else None

    def handle_timer(self, now: float) -> None:
        for session in self.sessions:
            if (t := session.get_timer()) is not None and t <= now:
                session.handle_timer(now)
        for key, session in list(self.routes.items()):  # forget finished sessions
            if session.state in (BmcState15.CLOSED, BmcState15.FAILED) and session.get_timer() is None:
                del self.routes[key]

    def active(self) -> BmcSession15:
        """The most recent session that was activated."""
        return [s for s in self.sessions if s.max_privilege][-1]


@dataclass
class Link15:
    """Carries datagrams between one client and the simulated BMC, dropping, duplicating and reordering them."""

    client: ClientSession15
    bmc: SimBmc15
    seed: int = 0
    drop: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    now: float = 0.0
    client_events: list[Event] = field(default_factory=list)
    bmc_events: list[Event] = field(default_factory=list)
    executions: int = 0
    to_bmc: list[bytes] = field(default_factory=list)
    to_client: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def _carry(self, datagrams: list[bytes]) -> list[bytes]:
        out: list[bytes] = []
        for d in datagrams:
            if self._random.random() < self.drop:
                continue
            out.append(d)
            if self._random.random() < self.duplicate:
                out.append(d)
        if len(out) > 1 and self._random.random() < self.reorder:
            self._random.shuffle(out)
        return out

    def _bmc_application(self) -> None:
        for session in self.bmc.sessions:
            while (ev := session.next_event()) is not None:
                self.bmc_events.append(ev)
                if isinstance(ev, RequestReceived):
                    if (ev.netfn, ev.cmd) == (COUNTER_NETFN, COUNTER_CMD):
                        self.executions += 1
                        session.respond(ev, 0, self.executions.to_bytes(4, "little") + ev.data)
                    elif (ev.netfn, ev.cmd) == (0x06, 0x01):  # Get Device ID
                        session.respond(ev, 0, DEVICE_ID)
                    else:
                        session.respond(ev, 0xC1)

    def step(self) -> bool:
        """Exchange what is pending; returns False when nothing moved (time must advance)."""
        moved = False
        sent = self.client.datagrams_to_send(self.now)
        self.to_bmc.extend(sent)
        for d in self._carry(sent):
            moved = True
            self.bmc.receive_datagram(d, self.now)
        self._bmc_application()
        answers = self.bmc.datagrams_to_send(self.now)
        self.to_client.extend(answers)
        for d in self._carry(answers):
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

    def error(self) -> BaseException:
        """The error of the client's SessionFailed (fails the test if there is none)."""
        (failed,) = self.of(SessionFailed)
        assert isinstance(failed, SessionFailed)
        return failed.error


def make_pair15(
    auth_type: int = AuthType.MD5,
    username: bytes = b"admin",
    password: bytes = b"ipmifast-admin",
    privilege: int = 4,
    seed: int = 1,
    retries: int = 3,
    quirks: frozenset[str] = frozenset(),
    users: tuple[BmcUser, ...] = USERS,
    bmc_auth_types: frozenset[int] = ALL_AUTH_TYPES,
    per_message_auth: bool = True,
    user_level_auth: bool = True,
    bmc_quirks: frozenset[str] = frozenset(),
    set_privilege: bool = True,
    drop: float = 0.0,
    duplicate: float = 0.0,
    reorder: float = 0.0,
) -> Link15:
    config = Session15Config(
        username=username, password=password, auth_type=auth_type, privilege=privilege, retries=retries,
        quirks=quirks, set_privilege=set_privilege,
    )
    client = ClientSession15(config, seeded_rng(seed))
    bmc_config = Bmc15Config(
        users=users, auth_types=bmc_auth_types, per_message_auth=per_message_auth, user_level_auth=user_level_auth,
        quirks=bmc_quirks,
    )
    bmc = SimBmc15(bmc_config, seeded_rng(seed + 1000), first_id=0x100 * (1 + seed % 0x100))
    pair = Link15(client, bmc, seed=seed, drop=drop, duplicate=duplicate, reorder=reorder)
    client.connect(0.0)
    return pair
