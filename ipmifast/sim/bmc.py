"""One virtual BMC: its RMCP+ and IPMI v1.5 session tables (the same core as the client's peer tests), its state,
and the command dispatch with the spec's privilege check (Appendix G, via ``cmds.COMMANDS``).

Routing of what the session tables do not answer: the commands Table G-1 allows outside a session (Get System
GUID, Get Channel Authentication Capabilities, Get Channel Cipher Suites) are answered before a session in either
format, IPMI v1.5 (session ID 0, authentication type NONE) or RMCP+ (session ID 0, payload type IPMI, neither
authenticated nor encrypted): ipmitool ``-I lanplus`` without ``-C`` asks Get Channel Cipher Suites that way.

Timed behaviour (soft off, power cycle, the watchdog countdown, the boot flags' 60 s timeout) is state with a
deadline: ``settle(now)`` applies whatever came due, in time order, before every request and from a wake-up the
fleet schedules at the earliest deadline (``schedule``), so nothing polls and an idle BMC costs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ipmifast.cmds import COMMANDS, SetInProgress
from ipmifast.cmds.app import TimeoutAction
from ipmifast.cmds.chassis import BootFlagValidBitClearing, RestartCause
from ipmifast.engine.server import Bmc15Sessions, BmcSessions
from ipmifast.engine.timers import LoopTimer
from ipmifast.errors import DecodeError, IpmiError
from ipmifast.proto import frame
from ipmifast.proto.bmc import BmcSession, BmcState
from ipmifast.proto.bmc15 import BmcSession15, BmcState15, answer_presession
from ipmifast.proto.consts import (
    ASF_IANA,
    PAYLOAD_AUTHENTICATED,
    PAYLOAD_ENCRYPTED,
    AsfMessageType,
    AuthType,
    CompletionCode,
    PayloadType,
    RmcpClass,
)
from ipmifast.proto.events import RequestReceived
from ipmifast.sim.console import HostConsole, HostShell
from ipmifast.sim.handlers import BOOT_FLAGS_TIMEOUT, HANDLERS, Context
from ipmifast.sim.state import LAN_CHANNEL
from ipmifast.sim.state import BmcState as SimState

log = logging.getLogger("ipmifast.sim")

#: minimum privilege per (netfn, cmd), from the registry (Table G-1)
PRIVILEGE = {(int(c.netfn), c.cmd): int(c.privilege) for c in COMMANDS}
#: commands Table G-1 allows before a session
SESSION_LESS = frozenset((int(c.netfn), c.cmd) for c in COMMANDS if c.session_less)
#: the v1.5 core answers this one itself before a session (with its quirk emulation)
_V15_CORE_ANSWERS = (0x06, 0x38)
#: answers that are a function of the request datagram alone (ASF Presence Pong: config None) or of the request and
#: the shared IPMI v1.5 configuration (Get Channel Authentication Capabilities before a session): what discovery
#: sends, the same bytes to every BMC. Bounded; a configuration change misses (its config object differs).
_ANSWERS: dict[bytes, tuple[object, bytes]] = {}
_ANSWERS_MAX = 1024
#: where a v1.5 pre-session request keeps its netFn/LUN and command bytes (RMCP 4, session header 10, IPMI 1, 5)
_V15_NETFN_AT, _V15_CMD_AT = 15, 19

Schedule = Callable[[float, Callable[[], None]], object]
#: (bmc, event kind, time): "power-on", "power-off", "power-cycle", "soft-off", "hard-reset",
#: "diagnostic-interrupt", "watchdog-expired", "bmc-reset" (the SEL module subscribes)
Listener = Callable[["VirtualBmc", str, float], None]


@dataclass(frozen=True)
class ActiveSessionRef:
    """An established session of this BMC, for Get Session Info and Get Channel Info."""

    session: BmcSession | BmcSession15
    session_id: int
    address: tuple[str, int]
    user_name: bytes


def _no_schedule(when: float, callback: Callable[[], None]) -> None:
    """Without a scheduler (unit tests), deadlines are applied by the next request's ``settle``."""


class VirtualBmc:
    """A simulated BMC at one address; all its sockets and timers are the fleet's.

    ``extensions`` is free for modules that add state of their own (SDR repository, SEL, FRU: ``sim/records``),
    ``listeners`` are told about power and watchdog events.
    """

    def __init__(
        self,
        address: str,
        state: SimState,
        send: Callable[[bytes, Any], None],
        timers20: LoopTimer[tuple[BmcSessions, int]],
        timers15: LoopTimer[tuple[Bmc15Sessions, int]],
        rng: Callable[[int], bytes],
        clock: Callable[[], float],
        *,
        port: int = 623,
        schedule: Schedule = _no_schedule,
        on_change: Callable[[VirtualBmc], None] | None = None,
        host_name: str = "sim-host",
    ) -> None:
        self.address = address
        self.port = port
        self.state = state
        self.send = send
        self.clock = clock
        self.host_name = host_name
        self.schedule = schedule
        self.on_change = on_change
        self.sessions20 = BmcSessions(state.bmc_config(), self._handle, send, timers20, rng, state.max_sessions)
        self.sessions15 = Bmc15Sessions(state.bmc15_config(), self._handle, send, timers15, rng, state.max_sessions)
        self.requests = 0
        self.internal_errors = 0
        self.listeners: list[Listener] = []
        self.extensions: dict[str, Any] = {}
        self._sol: tuple[BmcSession, HostConsole] | None = None
        self._shell: HostShell | None = None
        self._wake_at: float | None = None
        now = clock()
        if state.chassis.power_on and state.chassis.powered_since is None:
            state.chassis.powered_since = now
        self.timers_changed()

    # ------------------------------------------------------------------ configuration and persistence
    def reconfigure(self) -> None:
        """Users, cipher suites, auth types or channel access changed: new sessions use the new configuration."""
        self.sessions20.config = self.state.bmc_config()
        self.sessions15.config = self.state.bmc15_config()

    def changed(self) -> None:
        """Persisted state changed (power, users, LAN, SOL...): the fleet writes it out."""
        if self.on_change is not None:
            self.on_change(self)

    # ------------------------------------------------------------------ datagrams
    def datagram_received(self, data: bytes, peer: Any, now: float) -> None:
        cached = _ANSWERS.get(data)
        if cached is not None and (cached[0] is None or cached[0] is self.sessions15.config):
            self.send(cached[1], peer)
            return
        try:
            rmcp_class, auth_type, ptype, session_id = frame.peek(data)
        except IpmiError:
            self.sessions20.dropped["not RMCP"] += 1
            return
        if rmcp_class == RmcpClass.ASF:
            self._asf(data, peer)
        elif rmcp_class != RmcpClass.IPMI:
            self.sessions20.dropped["not an IPMI message"] += 1
        elif auth_type == AuthType.RMCP_PLUS:
            if session_id == 0 and ptype == PayloadType.IPMI:
                self._presession20(data, peer, now)
            else:
                self.sessions20.datagram_received(data, peer, now)
        elif session_id == 0 and len(data) > _V15_CMD_AT and auth_type == AuthType.NONE and (
                data[_V15_NETFN_AT] >> 2, data[_V15_CMD_AT]) == _V15_CORE_ANSWERS:
            config = self.sessions15.config
            answer = answer_presession(data, config)
            if answer is None:
                self.sessions15.datagram_received(data, peer, session_id, now)  # it counts what it drops
                return
            _remember(data, config, answer)
            self.send(answer, peer)
        elif session_id != 0 or not self._presession15(data, peer, now):
            self.sessions15.datagram_received(data, peer, session_id, now)

    def _asf(self, data: bytes, peer: Any) -> None:
        try:
            msg = frame.decode_asf(data)
        except IpmiError:
            self.sessions20.dropped["malformed ASF"] += 1
            return
        if msg.message_type == AsfMessageType.PRESENCE_PING:
            # supported entities: IPMI (bit 7) and ASF 1.0; interactions: none (Table 13-2 / ASF 2.0 3.2.4.3)
            pong = frame.encode_asf_pong(msg.message_tag, oem_iana=ASF_IANA, supported_entities=0x81)
            _remember(data, None, pong)
            self.send(pong, peer)

    def _presession_answer(self, msg: bytes, now: float) -> bytes | None:
        """The response message to a pre-session request of a session-less command, or None."""
        rq = frame.decode_ipmi_request(msg)
        key = (rq.netfn, rq.cmd)
        if key not in SESSION_LESS:
            return None
        self.requests += 1
        cc, data = self._dispatch(key, None, rq.data, now)
        return frame.encode_ipmi_response(rq.rq_addr, rq.netfn | 1, rq.rq_lun, rq.rs_addr, rq.rq_seq, rq.rs_lun,
                                          rq.cmd, cc, data)

    def _presession20(self, data: bytes, peer: Any, now: float) -> None:
        try:
            packet = frame.decode_v20_session(data)
            if packet.payload_type & (PAYLOAD_AUTHENTICATED | PAYLOAD_ENCRYPTED):
                raise DecodeError("pre-session message with security bits")
            answer = self._presession_answer(packet.payload, now)
        except IpmiError:
            self.sessions20.dropped["malformed pre-session request"] += 1
            return
        if answer is None:
            self.sessions20.dropped["pre-session request for a session command"] += 1
            return
        self.send(frame.encode_v20_session(PayloadType.IPMI, 0, 0, answer), peer)

    def _presession15(self, data: bytes, peer: Any, now: float) -> bool:
        """Answer a v1.5 pre-session request of a session-less command the v1.5 core does not answer itself."""
        try:
            packet = frame.decode_v15_session(data)
            if packet.auth_type != AuthType.NONE:
                return False
            rq = frame.decode_ipmi_request(packet.msg)
            if (rq.netfn, rq.cmd) == _V15_CORE_ANSWERS:
                return False
            answer = self._presession_answer(packet.msg, now)
        except IpmiError:
            return False  # the v1.5 core counts it
        if answer is None:
            return False
        self.send(frame.encode_v15_session(AuthType.NONE, 0, 0, b"", answer), peer)
        return True

    # ------------------------------------------------------------------ requests
    def _handle(self, session: BmcSession | BmcSession15, rq: RequestReceived) -> tuple[int, bytes]:
        self.requests += 1
        return self._dispatch((rq.netfn, rq.cmd), session, rq.data, self.clock())

    def _dispatch(self, key: tuple[int, int], session: BmcSession | BmcSession15 | None, data: bytes,
                  now: float) -> tuple[int, bytes]:
        handler = HANDLERS.get(key)
        if handler is None:
            return CompletionCode.INVALID_COMMAND, b""
        if session is not None and self.session_privilege(session) < PRIVILEGE.get(key, 4):
            return CompletionCode.INSUFFICIENT_PRIVILEGE, b""
        try:
            self.settle(now)
            return handler(Context(self, session, now), data)
        except DecodeError as exc:  # a request the codec refused: wrong length (C7h) or a reserved value (CCh)
            length = "bytes" in str(exc)
            return (CompletionCode.REQUEST_DATA_LENGTH_INVALID if length else CompletionCode.INVALID_DATA_FIELD), b""
        except IpmiError:
            return CompletionCode.INVALID_DATA_FIELD, b""
        except Exception:  # a simulator bug must not take the fleet down: answer FFh and say so
            self.internal_errors += 1
            log.exception("%s: internal error in the handler of netfn 0x%02x cmd 0x%02x", self.address, *key)
            return CompletionCode.UNSPECIFIED, b""

    def session_privilege(self, session: BmcSession | BmcSession15) -> int:
        """The session's operating privilege, capped by LAN parameter 24 for its cipher suite."""
        if isinstance(session, BmcSession):
            return min(session.privilege, self.state.lan.cipher_suite_limit(session.suite.id))
        return session.privilege

    # ------------------------------------------------------------------ sessions
    def active_sessions(self) -> list[ActiveSessionRef]:
        """Established sessions, RMCP+ first, in the order they were opened (their handle is position + 1)."""
        out: list[ActiveSessionRef] = []
        for sid, (s20, addr) in self.sessions20.sessions.items():
            if s20.state is BmcState.ACTIVE:
                out.append(ActiveSessionRef(s20, sid, addr, s20.user.name if s20.user else b""))
        seen: set[int] = set()
        for s15, addr in self.sessions15.sessions.values():
            if s15.state is BmcState15.ACTIVE and id(s15) not in seen:
                seen.add(id(s15))
                out.append(ActiveSessionRef(s15, s15.session_id, addr, s15.user.name if s15.user else b""))
        return out

    def sol_active(self) -> tuple[BmcSession, HostConsole] | None:
        """The session and console of the active SOL instance; it ends with its session."""
        if self._sol is not None:
            session, console = self._sol
            entry = self.sessions20.sessions.get(session.sid_c)
            if entry is None or entry[0] is not session or session.state is not BmcState.ACTIVE or console.failed:
                self._sol = None
        return self._sol

    @property
    def host_shell(self) -> HostShell:
        """The host behind the serial port (built with the first SOL activation; it outlives SOL sessions)."""
        if self._shell is None:
            self._shell = HostShell(self.host_name, self.address, self.clock)
            if self.state.chassis.powered_since is not None:
                self._shell.booted_at = self.state.chassis.powered_since
        return self._shell

    def _host_power(self, on: bool) -> None:
        if self._shell is None:
            return
        active = self.sol_active()
        if active is None:
            if on:
                self._shell.boot()  # nobody watches the boot log; the host still starts at its login prompt
            return
        session, console = active
        console.power(on)
        self.schedule(self.clock(), lambda: self.sessions20.flush(session.sid_c, self.clock()))

    def sol_attach(self, session: BmcSession, console: HostConsole) -> None:
        self._sol = (session, console)

    def sol_detach(self) -> None:
        self._sol = None

    def request_reset(self, now: float, cold: bool) -> None:
        """Cold or Warm Reset (§20.2-20.3), after the answer has gone out."""

        def reset() -> None:
            state = self.state
            if cold:
                state.access = state.access_non_volatile
                state.sol.sol_volatile_bit_rate = state.sol.sol_non_volatile_bit_rate
                state.watchdog = replace(state.watchdog, running=False, initialized=False, stopped_countdown=0)
                complete = SetInProgress.SET_COMPLETE
                state.lan.set_in_progress = state.sol.set_in_progress = state.chassis.boot.set_in_progress = complete
            self.sessions20.close_all()
            for session_id in list(self.sessions15.sessions):
                self.sessions15.timers.set((self.sessions15, session_id), None)
            self.sessions15.sessions.clear()
            self._sol = None
            self.reconfigure()
            self.event("bmc-reset", self.clock())

        self.schedule(now, reset)

    # ------------------------------------------------------------------ time
    def timers_changed(self) -> None:
        """A deadline may have moved: make sure a wake-up is scheduled for the earliest one."""
        self._arm(self._next_deadline())

    def _arm(self, deadline: float | None) -> None:
        if deadline is None:
            return
        if self._wake_at is None or deadline < self._wake_at or self._wake_at < self.clock():
            self._wake_at = deadline
            self.schedule(deadline, self._wake)

    def _wake(self) -> None:
        self._wake_at = None
        self.settle(self.clock())

    def _next_deadline(self) -> float | None:
        c = self.state.chassis
        candidates = [c.pending[1] if c.pending is not None else None, self.state.watchdog.expires_at()]
        boot = c.boot
        if boot.flags.boot_flags_valid and boot.flags_set_at is not None and not (
            boot.valid_bit_clearing & BootFlagValidBitClearing.TIMEOUT
        ):
            candidates.append(boot.flags_set_at + BOOT_FLAGS_TIMEOUT)
        return min((t for t in candidates if t is not None), default=None)

    def settle(self, now: float) -> None:
        """Apply every timed transition due at ``now``, in time order."""
        c = self.state.chassis
        w = self.state.watchdog
        for _ in range(16):  # each step removes a deadline or moves it later; a handful are ever due together
            due = self._next_deadline()
            if due is None or due > now:
                self._arm(due)
                return
            if c.pending is not None and c.pending[1] == due:
                target, _ = c.pending
                c.pending = None
                if target:
                    self.power(True, due, "power-on", c.pending_cause)
                else:
                    self.power(False, due, "power-off")
            elif w.expires_at() == due:
                self._watchdog_expired(due)
            else:
                c.boot.flags = replace(c.boot.flags, boot_flags_valid=False)
                c.boot.flags_set_at = None
                self.changed()
        self.timers_changed()

    def _watchdog_expired(self, when: float) -> None:
        w = self.state.watchdog
        c = self.state.chassis
        action = w.timeout_action
        w.expire()
        self.event("watchdog-expired", when)
        if not c.power_on:
            return
        if action == TimeoutAction.HARD_RESET:
            self.reset_host(when, RestartCause.WATCHDOG)
        elif action == TimeoutAction.POWER_DOWN:
            self.power(False, when, "power-off")
        elif action == TimeoutAction.POWER_CYCLE:
            self.power(False, when, "power-cycle")
            c.pending = (True, when + c.cycle_delay)
            c.pending_cause = RestartCause.WATCHDOG

    # ------------------------------------------------------------------ host
    def power(self, on: bool, now: float, kind: str, cause: int = RestartCause.CHASSIS_CONTROL) -> None:
        """Switch the host's power. Powering up boots it (consuming one-time boot flags); powering down stops the
        watchdog (nothing runs to kick it)."""
        c = self.state.chassis
        if on == c.power_on:
            return
        c.set_power(on, now)
        if on:
            c.restart_cause = cause
            c.restart_channel = LAN_CHANNEL if cause == RestartCause.CHASSIS_CONTROL else 0
            self._boot()
        else:
            self.state.watchdog.stop(now)
        self._host_power(on)
        self.event(kind, now)
        self.changed()

    def reset_host(self, now: float, cause: int) -> None:
        c = self.state.chassis
        c.restart_cause = cause
        c.restart_channel = LAN_CHANNEL if cause == RestartCause.CHASSIS_CONTROL else 0
        self.state.watchdog.stop(now)
        self._boot()
        self._host_power(True)
        self.event("hard-reset", now)

    def _boot(self) -> None:
        boot = self.state.chassis.boot
        if boot.flags.boot_flags_valid and not boot.flags.persistent:
            boot.flags = replace(boot.flags, boot_flags_valid=False)
            boot.flags_set_at = None
            self.changed()

    def event(self, kind: str, now: float) -> None:
        for listener in self.listeners:
            try:
                listener(self, kind, now)
            except Exception:
                self.internal_errors += 1
                log.exception("%s: listener failed on %s", self.address, kind)


from ipmifast.sim import sensors as _sensors  # noqa: E402, F401  (SDR, sensor, SEL and FRU handlers)


def _remember(request: bytes, config: object, answer: bytes) -> None:
    if len(_ANSWERS) >= _ANSWERS_MAX:
        _ANSWERS.clear()
    _ANSWERS[request] = (config, answer)
