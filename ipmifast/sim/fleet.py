"""Thousands of virtual BMCs in one process: ``async with ipmifast.sim.Fleet(count=1000, base="127.1.0.1")``.

One ``MultiAddressSocket`` per port serves every BMC address (IP_PKTINFO), one timer per session kind serves every
session of every BMC, and each BMC's state is built only when its first datagram arrives (from the fleet seed and
the BMC's index, so it is the same on every run).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import os
import random
from collections.abc import Callable
from typing import Any

from ipmifast.engine.server import new_timer, new_timer15
from ipmifast.proto.consts import Privilege
from ipmifast.sim.bmc import VirtualBmc
from ipmifast.sim.state import BmcState, UserSlot
from ipmifast.sim.transport import MultiAddressSocket, address_range

DEFAULT_USER = (b"admin", b"ipmifast", Privilege.ADMINISTRATOR)


class Fleet:
    """``count`` virtual BMCs from ``base`` upwards on ``port`` (or, with ``ports=True``, one address and the ports
    ``port``, ``port + 1``, ...)."""

    def __init__(
        self,
        count: int = 1,
        base: str = "127.1.0.1",
        port: int = 623,
        *,
        ports: bool = False,
        users: list[tuple[bytes, bytes, int]] | None = None,
        seed: int = 0,
        drop_rate: float = 0.0,
        fail_rate: float = 0.0,
        cipher_suites: frozenset[int] = frozenset({3, 17}),
    ) -> None:
        if count < 1:
            raise ValueError("a fleet has at least one BMC")
        if not ipaddress.IPv4Address(base).is_loopback:
            raise ValueError(f"{base} is not a loopback address: the simulator serves 127.0.0.0/8 only")
        self.count = count
        self.port = port
        self.ports = ports
        self.seed = seed
        self.users = users if users is not None else [DEFAULT_USER]
        self.drop_rate = drop_rate
        self.fail_rate = fail_rate
        self.cipher_suites = cipher_suites
        if ports:
            self.addresses = [(base, port + i) for i in range(count)]
        else:
            self.addresses = [(a, port) for a in address_range(base, count)]
        last = self.addresses[-1][0]
        if not ipaddress.IPv4Address(last).is_loopback:
            raise ValueError(f"the fleet would run past 127.255.255.254 ({last})")
        self._index = {a: i for i, a in enumerate(self.addresses)}
        self._bmcs: dict[tuple[str, int], VirtualBmc] = {}
        self._sockets: list[MultiAddressSocket] = []
        self._random = random.Random(seed)
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> Fleet:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.loop = loop
        self._timers20 = new_timer(loop)
        self._timers15 = new_timer15(loop)
        for port in sorted({p for _, p in self.addresses}):
            self._sockets.append(MultiAddressSocket(loop, port, self._make_receiver(len(self._sockets))))

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        if self.loop is not None:
            self._timers20.cancel()
            self._timers15.cancel()

    def _make_receiver(self, which: int) -> Callable[[bytes, str, tuple[str, int]], None]:
        def receive(data: bytes, dst: str, src: tuple[str, int]) -> None:
            sock = self._sockets[which]
            key = (dst, sock.port)
            if key not in self._index or not ipaddress.IPv4Address(src[0]).is_loopback:
                return  # not one of ours, or not from loopback: never answered
            if self.drop_rate and self._random.random() < self.drop_rate:
                return
            bmc = self._bmcs.get(key) or self._create(key, sock)
            if bmc is not None:
                assert self.loop is not None
                bmc.datagram_received(data, src, self.loop.time())

        return receive

    def _create(self, key: tuple[str, int], sock: MultiAddressSocket) -> VirtualBmc | None:
        index = self._index[key]
        rng_seed = hashlib.sha256(f"{self.seed}:{index}".encode()).digest()
        if self.fail_rate and random.Random(rng_seed).random() < self.fail_rate:
            return None  # an unreachable BMC: it never answers
        address = key[0]

        def send(data: bytes, peer: Any) -> None:
            sock.sendto(data, address, peer)

        assert self.loop is not None
        bmc = VirtualBmc(address, self.state_for(index), send, self._timers20, self._timers15, os.urandom,
                         self.loop.time)
        self._bmcs[key] = bmc
        return bmc

    def state_for(self, index: int) -> BmcState:
        """The initial state of BMC number ``index`` (deterministic for the fleet's seed)."""
        digest = hashlib.sha256(f"ipmifast-sim:{self.seed}:{index}".encode()).digest()
        users = [UserSlot(uid=2 + i, name=n, password=p, privilege=priv) for i, (n, p, priv) in enumerate(self.users)]
        return BmcState(guid=digest[:16], users=users, cipher_suites=self.cipher_suites, product_id=0x0101)

    def bmc(self, address: str, port: int | None = None) -> VirtualBmc:
        """The virtual BMC at ``address`` (created now if no datagram reached it yet)."""
        key = (address, self.port if port is None else port)
        bmc = self._bmcs.get(key)
        if bmc is None:
            sock = next(s for s in self._sockets if s.port == key[1])
            created = self._create(key, sock)
            if created is None:
                raise KeyError(f"{address} is one of the fleet's unreachable BMCs")
            bmc = created
        return bmc
