"""The BMC side on a socket: ``BmcEndpoint`` serves RMCP+ sessions (``BmcSession``) on one address (asyncio).

Routing (Tables 13-9, 13-11, 13-13): a session packet carries the BMC's session ID (SIDc) in its header; an Open
Session Request carries the console's SIDm at payload offset 4 (a retransmitted request goes to the session it
already opened), RAKP 1 and RAKP 3 carry SIDc at payload offset 4. ASF Presence Pings are answered statelessly.
The application answers requests through ``handler(session, request) -> (cc, data)``. The simulator builds on it.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from ipmifast.engine.timers import DeadlineHeap
from ipmifast.errors import IpmiError
from ipmifast.proto import frame
from ipmifast.proto.bmc import BmcConfig, BmcSession
from ipmifast.proto.consts import (
    ASF_IANA,
    AsfMessageType,
    AuthType,
    PayloadType,
    RmcpClass,
)
from ipmifast.proto.events import RequestReceived, SessionClosed, SessionFailed

Handler = Callable[[BmcSession, RequestReceived], tuple[int, bytes]]
PAYLOAD_SID_AT = 20  # RMCP (4) + RMCP+ header (12) + 4


class BmcEndpoint(asyncio.DatagramProtocol):
    """One BMC address: sessions by SIDc, half-open sessions by (console address, SIDm)."""

    def __init__(
        self, config: BmcConfig, handler: Handler, rng: Callable[[int], bytes] = os.urandom,
        max_sessions: int = 64,
    ) -> None:
        self.config = config
        self.handler = handler
        self.rng = rng
        self.max_sessions = max_sessions
        self.loop = asyncio.get_event_loop()
        self.transport: asyncio.DatagramTransport | None = None
        self.sessions: dict[int, tuple[BmcSession, Any]] = {}
        self._opening: dict[tuple[Any, int], int] = {}
        self._timers: DeadlineHeap[int] = DeadlineHeap()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: float | None = None
        self.dropped: Counter[str] = Counter()

    @classmethod
    async def create(
        cls, addr: str, port: int, config: BmcConfig, handler: Handler, **kw: Any
    ) -> BmcEndpoint:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_datagram_endpoint(
            lambda: cls(config, handler, **kw), local_addr=(addr, port)
        )
        return protocol

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.transport is not None:
            self.transport.close()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def error_received(self, exc: Exception) -> None:
        self.dropped[f"socket error {exc.__class__.__name__}"] += 1

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            rmcp_class, auth_type, ptype_byte, sid = frame.peek(data)
            if rmcp_class == RmcpClass.ASF:
                self._asf(data, addr)
                return
            if rmcp_class != RmcpClass.IPMI or auth_type != AuthType.RMCP_PLUS:
                self.dropped["not an RMCP+ packet"] += 1
                return
            if sid == 0:
                if len(data) < PAYLOAD_SID_AT + 4:
                    self.dropped["truncated pre-session packet"] += 1
                    return
                in_payload = int.from_bytes(data[PAYLOAD_SID_AT : PAYLOAD_SID_AT + 4], "little")
                if ptype_byte & 0x3F == PayloadType.OPEN_SESSION_REQUEST:
                    sid = self._opening.get((addr, in_payload)) or self._new_session(addr, in_payload)
                    if sid == 0:
                        return
                else:
                    sid = in_payload
            entry = self.sessions.get(sid)
            if entry is None or entry[1] != addr:
                self.dropped["unknown session ID"] += 1
                return
            session = entry[0]
            session.receive_datagram(data, self.loop.time())
            self._service(sid)
        except IpmiError:
            self.dropped["malformed"] += 1

    def _asf(self, data: bytes, addr: Any) -> None:
        msg = frame.decode_asf(data)
        if msg.message_type == AsfMessageType.PRESENCE_PING and self.transport is not None:
            self.transport.sendto(frame.encode_asf_pong(msg.message_tag, oem_iana=ASF_IANA), addr)

    def _new_session(self, addr: Any, sid_m: int) -> int:
        if len(self.sessions) >= self.max_sessions:
            self.dropped["session table full"] += 1
            return 0
        while True:
            sid_c = int.from_bytes(self.rng(4), "little")
            if sid_c and sid_c not in self.sessions:
                break
        self.sessions[sid_c] = (BmcSession(self.config, sid_c, self.rng, self.loop.time()), addr)
        self._opening[(addr, sid_m)] = sid_c
        return sid_c

    def _forget(self, sid_c: int) -> None:
        entry = self.sessions.pop(sid_c, None)
        if entry is not None:
            self._opening.pop((entry[1], entry[0].sid_m), None)
        self._timers.set(sid_c, None)

    def _service(self, sid_c: int) -> None:
        entry = self.sessions.get(sid_c)
        if entry is None:
            return
        session, addr = entry
        ended = False
        while (event := session.next_event()) is not None:
            if isinstance(event, RequestReceived):
                cc, data = self.handler(session, event)
                session.respond(event, cc, data)
            elif isinstance(event, SessionClosed | SessionFailed):
                ended = True
        if self.transport is not None:
            for datagram in session.datagrams_to_send(self.loop.time()):
                self.transport.sendto(datagram, addr)
        if ended:
            self._forget(sid_c)
        else:
            if session.state.name == "ACTIVE":
                self._opening.pop((addr, session.sid_m), None)
            self._timers.set(sid_c, session.get_timer())
        self._arm()

    def _arm(self) -> None:
        earliest = self._timers.earliest()
        if earliest is None or (self._timer_at is not None and self._timer_at <= earliest):
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_at(earliest, self._on_timer)
        self._timer_at = earliest

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_at = None
        now = self.loop.time()
        for sid_c in self._timers.pop_due(now):
            entry = self.sessions.get(sid_c)
            if entry is not None:
                entry[0].handle_timer(now)
                self._service(sid_c)
        self._arm()
