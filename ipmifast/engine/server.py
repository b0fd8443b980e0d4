"""The BMC side on sockets: a session table per BMC (``BmcSessions``) and ``BmcEndpoint``, one BMC on one socket.

Routing (Tables 13-9, 13-11, 13-13): a session packet carries the BMC's session ID (SIDc) in its header; an Open
Session Request carries the console's SIDm at payload offset 4 (a retransmitted request goes to the session it
already opened), RAKP 1 and RAKP 3 carry SIDc at payload offset 4. ASF Presence Pings are answered statelessly.
The application answers requests through ``handler(session, request) -> (cc, data)``.

``BmcSessions`` does not own a socket or a timer: it is given a ``send`` function and a shared ``LoopTimer``, so
the simulator runs thousands of BMCs on one socket and one timer.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from ipmifast.engine.timers import LoopTimer
from ipmifast.errors import IpmiError
from ipmifast.proto import frame
from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcState
from ipmifast.proto.bmc15 import Bmc15Config, BmcSession15, BmcState15, answer_presession, is_session_challenge
from ipmifast.proto.consts import ASF_IANA, AsfMessageType, AuthType, PayloadType, RmcpClass
from ipmifast.proto.events import RequestReceived, SessionClosed, SessionFailed

Handler = Callable[[BmcSession, RequestReceived], tuple[int, bytes]]
Send = Callable[[bytes, Any], None]
PAYLOAD_SID_AT = 20  # RMCP (4) + RMCP+ header (12) + 4
_ENDED = (SessionClosed, SessionFailed)


class BmcSessions:
    """The session table of one BMC: routing, limits, and every session's timer in a shared ``LoopTimer``."""

    def __init__(
        self,
        config: BmcConfig,
        handler: Handler,
        send: Send,
        timers: LoopTimer[tuple[BmcSessions, int]],
        rng: Callable[[int], bytes] = os.urandom,
        max_sessions: int = 64,
    ) -> None:
        self.config = config
        self.handler = handler
        self.send = send
        self.timers = timers
        self.rng = rng
        #: the spec lets a BMC refuse sessions beyond its table; half-open ones expire (handshake_timeout)
        self.max_sessions = max_sessions
        self.sessions: dict[int, tuple[BmcSession, Any]] = {}
        self._opening: dict[tuple[Any, int], int] = {}
        self.dropped: Counter[str] = Counter()

    def datagram_received(self, data: bytes, addr: Any, now: float) -> None:
        """One datagram for this BMC from ``addr``. Never raises on peer bytes."""
        try:
            rmcp_class, auth_type, ptype_byte, sid = frame.peek(data)
            if rmcp_class == RmcpClass.ASF:
                msg = frame.decode_asf(data)
                if msg.message_type == AsfMessageType.PRESENCE_PING:
                    self.send(frame.encode_asf_pong(msg.message_tag, oem_iana=ASF_IANA), addr)
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
                    sid = self._opening.get((addr, in_payload)) or self._new_session(addr, in_payload, now)
                    if sid == 0:
                        return
                else:
                    sid = in_payload
            entry = self.sessions.get(sid)
            if entry is None or entry[1] != addr:
                self.dropped["unknown session ID"] += 1
                return
            entry[0].receive_datagram(data, now)
            self._service(sid, now)
        except IpmiError:
            self.dropped["malformed"] += 1

    def on_timer(self, sid_c: int, now: float) -> None:
        entry = self.sessions.get(sid_c)
        if entry is not None:
            entry[0].handle_timer(now)
            self._service(sid_c, now)

    def flush(self, sid_c: int, now: float) -> None:
        """Send what session ``sid_c`` has queued outside its own traffic (another session's request changed it)."""
        self._service(sid_c, now)

    def close_all(self) -> None:
        for sid_c in list(self.sessions):
            self._forget(sid_c)

    def _new_session(self, addr: Any, sid_m: int, now: float) -> int:
        if len(self.sessions) >= self.max_sessions:
            self.dropped["session table full"] += 1
            return 0
        while True:
            sid_c = int.from_bytes(self.rng(4), "little")
            if sid_c and sid_c not in self.sessions:
                break
        self.sessions[sid_c] = (BmcSession(self.config, sid_c, self.rng, now), addr)
        self._opening[(addr, sid_m)] = sid_c
        return sid_c

    def _forget(self, sid_c: int) -> None:
        entry = self.sessions.pop(sid_c, None)
        if entry is not None:
            self._opening.pop((entry[1], entry[0].sid_m), None)
        self.timers.set((self, sid_c), None)

    def _service(self, sid_c: int, now: float) -> None:
        entry = self.sessions.get(sid_c)
        if entry is None:
            return
        session, addr = entry
        ended = False
        while (event := session.next_event()) is not None:
            if isinstance(event, RequestReceived):
                cc, data = self.handler(session, event)
                session.respond(event, cc, data)
            elif isinstance(event, _ENDED):
                ended = True
        for datagram in session.datagrams_to_send(now):
            self.send(datagram, addr)
        if ended:
            self._forget(sid_c)
            return
        if session.state is BmcState.ACTIVE:
            self._opening.pop((addr, session.sid_m), None)
        # the idle deadline moves with every packet: woken early, on_timer finds nothing due and sets the real one
        self.timers.set_no_later((self, sid_c), session.get_timer())


def _fire(key: tuple[BmcSessions, int], now: float) -> None:
    key[0].on_timer(key[1], now)


def new_timer(loop: asyncio.AbstractEventLoop) -> LoopTimer[tuple[BmcSessions, int]]:
    """The one timer that a group of ``BmcSessions`` share."""
    return LoopTimer(loop, _fire)


class BmcEndpoint(asyncio.DatagramProtocol):
    """One BMC on its own socket (tests, small set-ups); the simulator serves many BMCs per socket instead."""

    def __init__(
        self, config: BmcConfig, handler: Handler, rng: Callable[[int], bytes] = os.urandom, max_sessions: int = 64
    ) -> None:
        self.loop = asyncio.get_event_loop()
        self.transport: asyncio.DatagramTransport | None = None
        self._timers = new_timer(self.loop)
        self.table = BmcSessions(config, handler, self._send, self._timers, rng, max_sessions)

    @classmethod
    async def create(cls, addr: str, port: int, config: BmcConfig, handler: Handler, **kw: Any) -> BmcEndpoint:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_datagram_endpoint(lambda: cls(config, handler, **kw), local_addr=(addr, port))
        return protocol

    @property
    def sessions(self) -> dict[int, tuple[BmcSession, Any]]:
        return self.table.sessions

    @property
    def dropped(self) -> Counter[str]:
        return self.table.dropped

    def _send(self, data: bytes, addr: Any) -> None:
        if self.transport is not None:
            self.transport.sendto(data, addr)

    def close(self) -> None:
        self._timers.cancel()
        if self.transport is not None:
            self.transport.close()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def error_received(self, exc: Exception) -> None:
        self.table.dropped[f"socket error {exc.__class__.__name__}"] += 1

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.table.datagram_received(data, addr, self.loop.time())


class Bmc15Sessions:
    """The IPMI v1.5 session table of one BMC, routed as ``proto.bmc15`` describes, timers in a shared LoopTimer.

    Sessions are keyed by (console address, session ID); each is registered under its temporary and its final
    session ID. Pre-session requests are answered statelessly (Get Channel Authentication Capabilities: IPMI v2.0
    consoles such as ipmitool ``-I lanplus`` and FreeIPMI ask it in this format before Open Session).
    """

    def __init__(
        self,
        config: Bmc15Config,
        handler: Callable[[BmcSession15, RequestReceived], tuple[int, bytes]],
        send: Send,
        timers: LoopTimer[tuple[Bmc15Sessions, int]],
        rng: Callable[[int], bytes] = os.urandom,
        max_sessions: int = 64,
    ) -> None:
        self.config = config
        self.handler = handler
        self.send = send
        self.timers = timers
        self.rng = rng
        self.max_sessions = max_sessions
        self.sessions: dict[int, tuple[BmcSession15, Any]] = {}  # by session ID (temporary and final)
        self.dropped: Counter[str] = Counter()
        self._ids = 0

    def datagram_received(self, data: bytes, addr: Any, session_id: int, now: float) -> None:
        """A v1.5 datagram (``frame.peek`` gave auth type != 06h and ``session_id``). Never raises."""
        try:
            if session_id == 0:
                answer = answer_presession(data, self.config)
                if answer is not None:
                    self.send(answer, addr)
                    return
                if not is_session_challenge(data):
                    self.dropped["malformed pre-session packet"] += 1
                    return
                # a closed or failed session lingers (to answer a retransmitted Close Session or repeat its error
                # answer) without holding a slot of the table; lingering ones beyond max_sessions are forgotten,
                # oldest first, so the table stays bounded however fast a console opens and closes sessions
                ended = (BmcState15.CLOSED, BmcState15.FAILED)
                unique = {id(s): s for s, _ in self.sessions.values()}
                lingering = [s for s in unique.values() if s.state in ended]
                if len(unique) - len(lingering) >= self.max_sessions:
                    self.dropped["session table full"] += 1
                    return
                if len(lingering) >= self.max_sessions:
                    self._forget(lingering[0])
                temp_id, final_id = self._new_id(), self._new_id()
                session = BmcSession15(self.config, final_id, temp_id, self.rng, now)
                self.sessions[temp_id] = self.sessions[final_id] = (session, addr)
                session.receive_datagram(data, now)
                self._service(final_id, now)
                return
            entry = self.sessions.get(session_id)
            if entry is None or entry[1] != addr:
                self.dropped["unknown session ID"] += 1
                return
            entry[0].receive_datagram(data, now)
            self._service(entry[0].session_id, now)
        except IpmiError:
            self.dropped["malformed"] += 1

    def on_timer(self, session_id: int, now: float) -> None:
        entry = self.sessions.get(session_id)
        if entry is not None:
            entry[0].handle_timer(now)
            self._service(session_id, now)

    def _new_id(self) -> int:
        while True:
            sid = int.from_bytes(self.rng(4), "little")
            if sid and sid not in self.sessions:
                return sid

    def _service(self, session_id: int, now: float) -> None:
        entry = self.sessions.get(session_id)
        if entry is None:
            return
        session, addr = entry
        while (event := session.next_event()) is not None:
            if isinstance(event, RequestReceived):
                cc, data = self.handler(session, event)
                session.respond(event, cc, data)
        for datagram in session.datagrams_to_send(now):
            self.send(datagram, addr)
        timer = session.get_timer()
        if timer is None and session.state in (BmcState15.CLOSED, BmcState15.FAILED):
            self._forget(session)
            return
        self.timers.set_no_later((self, session.session_id), timer)

    def _forget(self, session: BmcSession15) -> None:
        self.sessions.pop(session.session_id, None)
        self.sessions.pop(session.temp_session_id, None)
        self.timers.set((self, session.session_id), None)


def _fire15(key: tuple[Bmc15Sessions, int], now: float) -> None:
    key[0].on_timer(key[1], now)


def new_timer15(loop: asyncio.AbstractEventLoop) -> LoopTimer[tuple[Bmc15Sessions, int]]:
    """The one timer that a group of ``Bmc15Sessions`` share."""
    return LoopTimer(loop, _fire15)
