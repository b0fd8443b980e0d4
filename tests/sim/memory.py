"""A virtual BMC in memory: the real ``VirtualBmc`` (session tables, handlers, state) driven by the real client
cores (``ClientSession``, ``ClientSession15``) over a fake clock, without sockets or sleeps."""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ipmifast.engine.server import new_timer, new_timer15
from ipmifast.proto.events import Event, ResponseReceived, SessionEstablished, SessionFailed, SolDataReceived
from ipmifast.proto.session import ClientSession, SessionConfig
from ipmifast.proto.session15 import ClientSession15, Session15Config
from ipmifast.proto.sol import SolWindow
from ipmifast.sim.bmc import VirtualBmc
from ipmifast.sim.fleet import DEFAULT_USER
from ipmifast.sim.profiles import build_state, get_profile

PEER = ("127.0.0.1", 40000)


class _Handle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeLoop:
    """``call_at`` and ``time`` of an event loop, on a clock the test moves with ``advance``."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self._calls: list[tuple[float, int, _Handle, Callable[[], Any]]] = []
        self._n = 0

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[..., Any], *args: Any) -> _Handle:
        handle = _Handle()
        self._n += 1
        heapq.heappush(self._calls, (when, self._n, handle, lambda: callback(*args)))
        return handle

    def run_due(self) -> None:
        while self._calls and self._calls[0][0] <= self.now:
            _, _, handle, fn = heapq.heappop(self._calls)
            if not handle.cancelled:
                fn()

    def advance(self, seconds: float) -> None:
        """Move the clock, running every callback that comes due, in order, at its own time."""
        end = self.now + seconds
        while self._calls and self._calls[0][0] <= end:
            self.now = max(self.now, self._calls[0][0])
            self.run_due()
        self.now = end


@dataclass
class MemoryBmc:
    """One ``VirtualBmc`` built from a profile, as the fleet builds it."""

    profile: str = "default"
    users: tuple[tuple[bytes, bytes, int], ...] = (DEFAULT_USER,)
    seed: int = 0
    address: str = "127.0.0.1"
    port: int = 623
    loop: FakeLoop = field(default_factory=FakeLoop)
    outbox: list[tuple[bytes, Any]] = field(default_factory=list)
    changes: int = 0

    def __post_init__(self) -> None:
        state = build_state(get_profile(self.profile), 0, self.seed, self.address, self.port, self.users)
        self.bmc = VirtualBmc(
            self.address, state, lambda data, peer: self.outbox.append((data, peer)), new_timer(self.loop),
            new_timer15(self.loop), os.urandom, self.loop.time, port=self.port,
            schedule=lambda when, cb: self.loop.call_at(when, cb), on_change=self._changed,
        )

    def _changed(self, bmc: VirtualBmc) -> None:
        self.changes += 1

    @property
    def state(self) -> Any:
        return self.bmc.state

    def send(self, datagram: bytes, peer: tuple[str, int] = PEER) -> list[bytes]:
        """Deliver one datagram; the datagrams the BMC sent back to ``peer``."""
        self.bmc.datagram_received(datagram, peer, self.loop.now)
        self.loop.run_due()
        out = [d for d, p in self.outbox if p == peer]
        self.outbox = [(d, p) for d, p in self.outbox if p != peer]
        return out

    def session(self, username: bytes = b"admin", password: bytes = b"ipmifast", cipher_suite: int = 3,
                privilege: int = 4, peer: tuple[str, int] = PEER, **kw: Any) -> MemoryClient:
        config = SessionConfig(username=username, password=password, cipher_suite=cipher_suite, privilege=privilege,
                               **kw)
        return MemoryClient(self, ClientSession(config, os.urandom), peer)

    def session15(self, username: bytes = b"admin", password: bytes = b"ipmifast", auth_type: int = 2,
                  privilege: int = 4, peer: tuple[str, int] = ("127.0.0.1", 40015), **kw: Any) -> MemoryClient:
        config = Session15Config(username=username, password=password, auth_type=auth_type, privilege=privilege,
                                 **kw)
        return MemoryClient(self, ClientSession15(config, os.urandom), peer)


class MemoryClient:
    """A client core talking to a ``MemoryBmc``; ``call`` returns (completion code, data)."""

    def __init__(self, mem: MemoryBmc, client: ClientSession | ClientSession15, peer: tuple[str, int]) -> None:
        self.mem = mem
        self.client = client
        self.peer = peer
        self.events: list[Event] = []
        self.sol = bytearray()
        client.connect(mem.loop.now)
        self.pump()

    @property
    def established(self) -> bool:
        return any(isinstance(e, SessionEstablished) for e in self.events)

    @property
    def failed(self) -> SessionFailed | None:
        return next((e for e in self.events if isinstance(e, SessionFailed)), None)

    def pump(self, rounds: int = 50) -> None:
        mem = self.mem
        for _ in range(rounds):
            moved = False
            for datagram in self.client.datagrams_to_send(mem.loop.now):
                moved = True
                for answer in mem.send(datagram, self.peer):
                    self.client.receive_datagram(answer, mem.loop.now)
            for datagram in [d for d, p in mem.outbox if p == self.peer]:
                moved = True
                self.client.receive_datagram(datagram, mem.loop.now)
            mem.outbox = [(d, p) for d, p in mem.outbox if p != self.peer]
            while (event := self.client.next_event()) is not None:
                if isinstance(event, SolDataReceived):
                    self.sol += event.data
                self.events.append(event)
            if not moved:
                return

    def call(self, netfn: int, cmd: int, data: bytes = b"") -> tuple[int, bytes]:
        rq_seq = self.client.request(netfn, cmd, data, self.mem.loop.now)
        self.pump()
        for event in reversed(self.events):
            if isinstance(event, ResponseReceived) and event.rq_seq == rq_seq and event.cmd == cmd:
                return event.cc, event.data
        raise AssertionError(f"no response to netfn 0x{netfn:02x} cmd 0x{cmd:02x}: {self.events[-3:]}")

    def ok(self, netfn: int, cmd: int, data: bytes = b"") -> bytes:
        cc, out = self.call(netfn, cmd, data)
        assert cc == 0, f"completion code 0x{cc:02x}"
        return out

    def attach_sol(self) -> SolWindow:
        assert isinstance(self.client, ClientSession)
        window = SolWindow()
        self.client.attach_sol(window)
        return window

    def advance(self, seconds: float, step: float = 0.05) -> None:
        """Let time pass, with the client's timers (SOL retries, acks) served on the way."""
        loop = self.mem.loop
        end = loop.now + seconds
        while loop.now < end:
            loop.advance(min(step, end - loop.now))
            timer = self.client.get_timer()
            if timer is not None and timer <= loop.now:
                self.client.handle_timer(loop.now)
            self.pump()
