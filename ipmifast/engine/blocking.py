"""A minimal blocking driver for one ``ClientSession`` on one UDP socket.

For scripts, the core demo and interop tests of the core against real BMCs. The asyncio engine (one socket for
thousands of sessions) is the product's fleet path; this is the smallest correct way to put the core on a wire.
"""

from __future__ import annotations

import os
import select
import socket
import time
from collections.abc import Callable
from types import TracebackType

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


class BlockingClient:
    """``with BlockingClient(host, config) as bmc: bmc.call(netfn, cmd, data)``."""

    def __init__(
        self,
        host: str,
        config: SessionConfig,
        port: int = 623,
        rng: Callable[[int], bytes] = os.urandom,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.address = (socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM)[0][4][0], port)
        self.session = ClientSession(config, rng)
        self._clock = clock
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sock.setblocking(False)
        self.events: list[Event] = []

    def __enter__(self) -> BlockingClient:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> SessionEstablished:
        """Run the RMCP+ handshake; raise the session's specific error if it fails."""
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
