"""Thousands of virtual BMCs in one process: ``async with ipmifast.sim.Fleet(count=1000, base="127.1.0.1")``.

One ``MultiAddressSocket`` per port serves every BMC address (IP_PKTINFO), one timer per session kind serves every
session of every BMC, and each BMC's state is built only when its first datagram arrives (from the profile, the
fleet seed and the BMC's index, so it is the same on every run; or from its saved file with ``state_dir``).

Persistence: a BMC whose persisted state changed is marked dirty; dirty BMCs are written together a moment later
(``FLUSH_DELAY``) and when the fleet closes, each file replaced atomically (``sim/persist.py``).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import os
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from ipmifast.engine.server import new_timer, new_timer15
from ipmifast.errors import DecodeError
from ipmifast.proto.consts import Privilege
from ipmifast.sim.bmc import VirtualBmc
from ipmifast.sim.persist import StateStore
from ipmifast.sim.profiles import Profile, build_state, factory_password, get_profile
from ipmifast.sim.state import BmcState
from ipmifast.sim.transport import MultiAddressSocket, address_range

log = logging.getLogger("ipmifast.sim")

DEFAULT_USER = (b"admin", b"ipmifast", int(Privilege.ADMINISTRATOR))
FLUSH_DELAY = 0.2  # seconds: changes of many BMCs at once (a fleet-wide power on) share one flush
PRIVILEGE_NAMES = {
    "callback": Privilege.CALLBACK, "user": Privilege.USER, "operator": Privilege.OPERATOR,
    "administrator": Privilege.ADMINISTRATOR, "admin": Privilege.ADMINISTRATOR, "oem": Privilege.OEM,
}
UserTuple = tuple[bytes, bytes, int]


def parse_user(spec: str) -> UserTuple:
    """``NAME:PASSWORD[:PRIVILEGE]`` (privilege by name or number; default ADMINISTRATOR). An empty name is the
    null user (user 1). ValueError on anything else."""
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"user {spec!r} is not NAME:PASSWORD[:PRIVILEGE]")
    name, password = parts[0].encode(), parts[1].encode()
    if len(name) > 16:
        raise ValueError(f"user name {parts[0]!r} is {len(name)} bytes: IPMI allows 16")
    if len(password) > 20:
        raise ValueError(f"the password of {parts[0]!r} is {len(password)} bytes: IPMI allows 20")
    privilege = int(Privilege.ADMINISTRATOR)
    if len(parts) == 3:
        word = parts[2].strip().lower()
        if word in PRIVILEGE_NAMES:
            privilege = int(PRIVILEGE_NAMES[word])
        elif word.isdigit() and Privilege.CALLBACK <= int(word) <= Privilege.OEM:
            privilege = int(word)
        else:
            raise ValueError(f"privilege {parts[2]!r}: callback, user, operator, administrator or oem")
    return name, password, privilege


class _Sender:
    """A BMC's ``send``: from its address, on the fleet's socket (an object of two slots per BMC, not closures)."""

    __slots__ = ("sock", "address")

    def __init__(self, sock: MultiAddressSocket, address: str) -> None:
        self.sock = sock
        self.address = address

    def __call__(self, data: bytes, peer: Any) -> None:
        self.sock.sendto(data, self.address, peer)


class Fleet:
    """``count`` virtual BMCs from ``base`` upwards on ``port`` (or, with ``ports=True``, one address and the ports
    ``port``, ``port + 1``, ...).

    ``profile`` names (or is) a ``Profile``; ``cipher_suites`` overrides its suites. ``users`` (tuples or
    ``NAME:PASSWORD[:PRIVILEGE]`` strings) go into every BMC after the profile's factory users, default admin /
    ipmifast at ADMINISTRATOR. ``fail_rate`` of the BMCs never answer (chosen from the seed), ``drop_rate`` of all
    datagrams are dropped. ``state_dir`` keeps power, users, channel access, LAN and SOL settings across restarts.
    ``setup`` functions are called with each BMC when it is created (extensions: SDR, SEL, FRU).
    """

    def __init__(
        self,
        count: int = 1,
        base: str = "127.1.0.1",
        port: int = 623,
        *,
        ports: bool = False,
        profile: str | Profile = "default",
        users: Sequence[UserTuple | str] | None = None,
        seed: int = 0,
        drop_rate: float = 0.0,
        fail_rate: float = 0.0,
        duplicate_rate: float = 0.0,
        state_dir: str | os.PathLike[str] | None = None,
        setup: Iterable[Callable[[VirtualBmc], None]] = (),
        cipher_suites: Iterable[int] | None = None,
    ) -> None:
        if count < 1:
            raise ValueError("a fleet has at least one BMC")
        if not 0 < port <= 0xFFFF or (ports and port + count - 1 > 0xFFFF):
            raise ValueError(f"ports {port}..{port + count - 1 if ports else port} are not all UDP ports")
        try:
            first = ipaddress.IPv4Address(base)
        except ValueError:
            raise ValueError(f"{base!r} is not an IPv4 address") from None
        if not first.is_loopback:
            raise ValueError(f"{base} is not a loopback address: the simulator serves 127.0.0.0/8 only")
        for name, rate in (("drop_rate", drop_rate), ("fail_rate", fail_rate), ("duplicate_rate", duplicate_rate)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} {rate} is not between 0 and 1")
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        if cipher_suites is not None:  # the profile's suites, overridden
            self.profile = replace(self.profile, cipher_suites=tuple(sorted(cipher_suites)), cipher_privileges=None)
        self.count = count
        self.port = port
        self.ports = ports
        self.seed = seed
        parsed = [parse_user(u) if isinstance(u, str) else u for u in (users if users is not None else [])]
        self.users: list[UserTuple] = parsed if users is not None else [DEFAULT_USER]
        build_state(self.profile, 0, seed, str(first), port, tuple(self.users))  # refuse bad users now, not later
        self.drop_rate = drop_rate
        self.fail_rate = fail_rate
        #: fraction of arriving datagrams handled twice (a duplicating network; the BMC's answers to a duplicate
        #: request are duplicates too)
        self.duplicate_rate = duplicate_rate
        self.setup = list(setup)
        if ports:
            self.addresses = [(base, port + i) for i in range(count)]
        else:
            self.addresses = [(a, port) for a in address_range(base, count)]
        last = self.addresses[-1][0]
        if not ipaddress.IPv4Address(last).is_loopback:
            raise ValueError(f"the fleet would run past 127.255.255.254 ({last})")
        self.store = StateStore(state_dir) if state_dir is not None else None
        self._index = {a: i for i, a in enumerate(self.addresses)}
        self._bmcs: dict[tuple[str, int], VirtualBmc] = {}
        self._unreachable: set[tuple[str, int]] = set()
        self._sockets: list[MultiAddressSocket] = []
        self._random = random.Random(seed)
        self._dirty: set[VirtualBmc] = set()
        self._flush_handle: asyncio.TimerHandle | None = None
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
        try:
            for port in sorted({p for _, p in self.addresses}):
                self._sockets.append(MultiAddressSocket(loop, port, self._make_receiver(len(self._sockets))))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop answering, and write every BMC's unsaved state."""
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        if self.loop is not None:
            self._timers20.cancel()
            self._timers15.cancel()
        self.flush()

    # ------------------------------------------------------------------ datagrams
    def _make_receiver(self, which: int) -> Callable[[bytes, str, tuple[str, int]], None]:
        def receive(data: bytes, dst: str, src: tuple[str, int]) -> None:
            sock = self._sockets[which]
            key = (dst, sock.port)
            # the socket is AF_INET: src[0] is dotted-quad text, and 127.0.0.0/8 is exactly "127." + three octets
            if key not in self._index or not src[0].startswith("127."):
                return  # not one of ours, or not from loopback: never answered
            if self.drop_rate and self._random.random() < self.drop_rate:
                return
            bmc = self._bmcs.get(key) or self._create(key, sock)
            if bmc is not None:
                assert self.loop is not None
                bmc.datagram_received(data, src, self.loop.time())
                if self.duplicate_rate and self._random.random() < self.duplicate_rate:
                    bmc.datagram_received(data, src, self.loop.time())

        return receive

    def _create(self, key: tuple[str, int], sock: MultiAddressSocket) -> VirtualBmc | None:
        if key in self._unreachable:
            return None
        index = self._index[key]
        if self.unreachable(*key):
            self._unreachable.add(key)
            return None  # an unreachable BMC: it never answers
        address, port = key
        loop = self.loop
        assert loop is not None
        state = self.state_for(index)
        if self.store is not None:
            saved = self.store.load(address, port)
            if saved is not None:
                try:
                    state.apply_persistent(saved, loop.time())
                except (ValueError, KeyError, TypeError, DecodeError) as exc:
                    self.store.load_errors += 1
                    log.warning("%s:%d: saved state ignored (%s): starting from the profile", address, port, exc)
        bmc = VirtualBmc(
            address, state, _Sender(sock, address), self._timers20, self._timers15, os.urandom, loop.time, port=port,
            schedule=loop.call_at, on_change=self._changed, host_name=self.profile.host_name,
        )
        for fn in self.setup:
            fn(bmc)
        self._bmcs[key] = bmc
        return bmc

    def unreachable(self, address: str, port: int | None = None) -> bool:
        """Is the BMC at ``address`` one of the ``fail_rate`` that never answer (chosen by the seed)?"""
        index = self._index[(address, self.port if port is None else port)]
        rng_seed = hashlib.sha256(f"{self.seed}:{index}".encode()).digest()
        return bool(self.fail_rate) and random.Random(rng_seed).random() < self.fail_rate

    def state_for(self, index: int) -> BmcState:
        """The initial state of BMC number ``index`` (deterministic for the fleet's profile and seed)."""
        address, port = self.addresses[index]
        return build_state(self.profile, index, self.seed, address, port, tuple(self.users))

    def bmc(self, address: str, port: int | None = None) -> VirtualBmc:
        """The virtual BMC at ``address`` (created now if no datagram reached it yet)."""
        key = (address, self.port if port is None else port)
        bmc = self._bmcs.get(key)
        if bmc is None:
            if key not in self._index:
                raise KeyError(f"{address}:{key[1]} is not in the fleet")
            sock = next((s for s in self._sockets if s.port == key[1]), None)
            if sock is None:
                raise RuntimeError("the fleet is not started")
            created = self._create(key, sock)
            if created is None:
                raise KeyError(f"{address} is one of the fleet's unreachable BMCs")
            bmc = created
        return bmc

    @property
    def created(self) -> int:
        """How many BMCs have state (received a datagram or were asked for)."""
        return len(self._bmcs)

    # ------------------------------------------------------------------ persistence
    def _changed(self, bmc: VirtualBmc) -> None:
        if self.store is None:
            return
        self._dirty.add(bmc)
        if self._flush_handle is None and self.loop is not None and not self.loop.is_closed():
            self._flush_handle = self.loop.call_later(FLUSH_DELAY, self.flush)

    def flush(self) -> None:
        """Write the state of every BMC that changed since the last flush (failures stay dirty: retried)."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self.store is None:
            return
        failed = set()
        for bmc in list(self._dirty):
            if not self.store.save(bmc.address, bmc.port, bmc.state.to_persistent()):
                failed.add(bmc)
        self._dirty = failed
        if failed and self._sockets and self.loop is not None and not self.loop.is_closed():
            self._flush_handle = self.loop.call_later(FLUSH_DELAY * 10, self.flush)

    # ------------------------------------------------------------------ what the banner says
    def credentials(self, index: int = 0) -> list[tuple[bytes, bytes, int]]:
        """(name, password, privilege) of the users of BMC ``index`` as built (saved changes not included)."""
        state = self.state_for(index)
        return [(u.name, u.password, int(u.privilege)) for u in state.users if u.can_log_in()]

    def random_passwords(self) -> bool:
        """Does the profile give some user a random password per BMC?"""
        return any(spec.password is None for spec in self.profile.users)

    def password_for(self, index: int, uid: int) -> bytes:
        return factory_password(self.seed, index, uid)
