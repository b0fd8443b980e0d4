"""A minimal blocking driver for one client session on one UDP socket.

For scripts, the core demo and interop tests of the core against real BMCs. The asyncio engine (one socket for
thousands of sessions) is the product's fleet path; this is the smallest correct way to put the core on a wire.
It drives any sans-IO client session with the common interface (``SansIoClient``): an RMCP+ ``ClientSession``
for a ``SessionConfig``, an IPMI v1.5 ``ClientSession15`` for a ``Session15Config``, or a session built by the
caller (``session=``).
"""

from __future__ import annotations

import enum
import os
import select
import socket
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from ipmifast.errors import CompletionCodeError, IpmiError, LocalProtocolError
from ipmifast.proto.events import (
    Event,
    RequestFailed,
    ResponseReceived,
    SessionClosed,
    SessionEstablished,
    SessionFailed,
)
from ipmifast.proto.session import ClientSession, SessionConfig
from ipmifast.proto.session15 import ClientSession15, Session15Config


class SansIoClient(Protocol):
    """What the driver needs of a client session (STYLE.md §2): ``ClientSession`` and ``ClientSession15`` have it."""

    privilege: int

    @property
    def drops(self) -> dict[str, int]: ...

    @property
    def state(self) -> enum.Enum: ...
    @property
    def established(self) -> bool: ...

    def connect(self, now: float) -> None: ...
    def request(self, netfn: int, cmd: int, data: bytes, now: float) -> int: ...
    def close(self, now: float) -> None: ...
    def receive_datagram(self, data: bytes, now: float) -> None: ...
    def datagrams_to_send(self, now: float) -> list[bytes]: ...
    def get_timer(self) -> float | None: ...
    def handle_timer(self, now: float) -> None: ...
    def next_event(self) -> Event | None: ...


class BlockingClient:
    """``with BlockingClient(host, config) as bmc: bmc.call(netfn, cmd, data)``.

    ``config`` picks the protocol: ``SessionConfig`` (RMCP+, ipmitool's ``-I lanplus``) or ``Session15Config``
    (IPMI v1.5, ``-I lan``). ``session`` drives an already built session instead (``config`` is then ignored).
    """

    session: SansIoClient

    def __init__(
        self,
        host: str,
        config: SessionConfig | Session15Config | None,
        port: int = 623,
        rng: Callable[[int], bytes] = os.urandom,
        clock: Callable[[], float] = time.monotonic,
        session: SansIoClient | None = None,
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.address = (socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM)[0][4][0], port)
        if session is not None:
            self.session = session
        elif isinstance(config, Session15Config):
            self.session = ClientSession15(config, rng)
        elif isinstance(config, SessionConfig):
            self.session = ClientSession(config, rng)
        else:
            raise LocalProtocolError("BlockingClient needs a SessionConfig, a Session15Config or a session")
        self._clock = clock
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sock.setblocking(False)
        self.events: list[Event] = []

    @property
    def socket(self) -> socket.socket:
        """The session's UDP socket, for a caller that runs its own select loop (the SOL console)."""
        return self._sock

    def __enter__(self) -> BlockingClient:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> SessionEstablished:
        """Run the handshake; raise the session's specific error if it fails."""
        self.session.connect(self._clock())
        event = self._run_until(lambda e: isinstance(e, (SessionEstablished, SessionFailed)))
        if isinstance(event, SessionFailed):
            self._sock.close()
            raise event.error
        assert isinstance(event, SessionEstablished)
        return event

    def request(self, netfn: int, cmd: int, data: bytes = b"") -> ResponseReceived:
        """Send one request and wait for its response (any completion code)."""
        rq_seq = self.session.request(netfn, cmd, data, self._clock())
        event = self._run_until(
            lambda e: isinstance(e, (ResponseReceived, RequestFailed)) and e.rq_seq == rq_seq
            or isinstance(e, SessionFailed)
        )
        if isinstance(event, SessionFailed | RequestFailed):
            raise event.error
        assert isinstance(event, ResponseReceived)
        return event

    def call(self, netfn: int, cmd: int, data: bytes = b"") -> bytes:
        """Send one request; return its data, raising CompletionCodeError on a non-zero completion code."""
        response = self.request(netfn, cmd, data)
        if response.cc:
            raise CompletionCodeError(netfn, cmd, response.cc)
        return response.data

    def close(self) -> None:
        """Close the session (Close Session retransmitted until answered) and the socket."""
        if self._sock.fileno() < 0:
            return
        try:
            self.session.close(self._clock())
            self._run_until(lambda e: isinstance(e, (SessionClosed, SessionFailed)))
        except IpmiError:
            pass
        finally:
            self._sock.close()

    def _run_until(self, done: Callable[[Event], bool]) -> Event:
        while True:
            now = self._clock()
            for datagram in self.session.datagrams_to_send(now):
                self._sock.sendto(datagram, self.address)
            while (event := self.session.next_event()) is not None:
                self.events.append(event)
                if done(event):
                    return event
            timer = self.session.get_timer()
            if timer is None:
                raise LocalProtocolError(f"nothing left to wait for in state {self.session.state.value}")
            wait = max(0.0, timer - now)
            readable, _, _ = select.select([self._sock], [], [], wait)
            if readable:
                try:
                    data, peer = self._sock.recvfrom(65536)
                except ConnectionRefusedError:  # ICMP port unreachable: like a lost packet, the timer decides
                    continue
                if peer[:2] == self.address:
                    self.session.receive_datagram(data, self._clock())
            else:
                self.session.handle_timer(self._clock())
