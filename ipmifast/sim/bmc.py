"""One virtual BMC: its RMCP+ and IPMI v1.5 session tables (the same core as the client's peer tests), its
state, and the command dispatch with the spec's privilege check (Appendix G, via ``cmds.COMMANDS``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ipmifast.cmds import COMMANDS
from ipmifast.engine.server import Bmc15Sessions, BmcSessions
from ipmifast.engine.timers import LoopTimer
from ipmifast.errors import IpmiError
from ipmifast.proto import frame
from ipmifast.proto.bmc import BmcSession
from ipmifast.proto.bmc15 import BmcSession15
from ipmifast.proto.consts import ASF_IANA, AsfMessageType, AuthType, RmcpClass
from ipmifast.proto.events import RequestReceived
from ipmifast.sim.handlers import HANDLERS, Context
from ipmifast.sim.state import BmcState

CC_INVALID_COMMAND = 0xC1
CC_INSUFFICIENT_PRIVILEGE = 0xD4
CC_UNSPECIFIED = 0xFF

#: minimum privilege per (netfn, cmd), from the registry (Table G-1)
PRIVILEGE = {(int(c.netfn), c.cmd): int(c.privilege) for c in COMMANDS}


class VirtualBmc:
    """A simulated BMC at one address; all its sockets and timers are the fleet's."""

    def __init__(
        self,
        address: str,
        state: BmcState,
        send: Callable[[bytes, Any], None],
        timers20: LoopTimer[tuple[BmcSessions, int]],
        timers15: LoopTimer[tuple[Bmc15Sessions, int]],
        rng: Callable[[int], bytes],
        clock: Callable[[], float],
    ) -> None:
        self.address = address
        self.state = state
        self.send = send
        self.clock = clock
        self.sessions20 = BmcSessions(state.bmc_config(), self._handle, send, timers20, rng, state.max_sessions)
        self.sessions15 = Bmc15Sessions(state.bmc15_config(), self._handle, send, timers15, rng, state.max_sessions)
        self.requests = 0

    def reconfigure(self) -> None:
        """Users, cipher suites or auth types changed: new sessions use the new configuration."""
        self.sessions20.config = self.state.bmc_config()
        self.sessions15.config = self.state.bmc15_config()

    def datagram_received(self, data: bytes, peer: Any, now: float) -> None:
        try:
            rmcp_class, auth_type, _ptype, session_id = frame.peek(data)
        except IpmiError:
            self.sessions20.dropped["not RMCP"] += 1
            return
        if rmcp_class == RmcpClass.ASF:
            self._asf(data, peer)
        elif rmcp_class != RmcpClass.IPMI:
            self.sessions20.dropped["not an IPMI message"] += 1
        elif auth_type == AuthType.RMCP_PLUS:
            self.sessions20.datagram_received(data, peer, now)
        else:
            self.sessions15.datagram_received(data, peer, session_id, now)

    def _asf(self, data: bytes, peer: Any) -> None:
        try:
            msg = frame.decode_asf(data)
        except IpmiError:
            self.sessions20.dropped["malformed ASF"] += 1
            return
        if msg.message_type == AsfMessageType.PRESENCE_PING:
            # supported entities: IPMI (bit 7) and ASF 1.0; interactions: none (Table 13-2 / ASF 2.0 3.2.4.3)
            self.send(frame.encode_asf_pong(msg.message_tag, oem_iana=ASF_IANA, supported_entities=0x81), peer)

    def _handle(self, session: BmcSession | BmcSession15, rq: RequestReceived) -> tuple[int, bytes]:
        self.requests += 1
        key = (rq.netfn, rq.cmd)
        handler = HANDLERS.get(key)
        if handler is None:
            return CC_INVALID_COMMAND, b""
        if session.privilege < PRIVILEGE.get(key, 4):
            return CC_INSUFFICIENT_PRIVILEGE, b""
        try:
            return handler(Context(self, session, self.clock()), rq.data)
        except IpmiError:  # a malformed request that the codec refused
            return 0xC7 if len(rq.data) == 0 else 0xCC, b""
