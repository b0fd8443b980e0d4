"""The managed system (BMC) side of an RMCP+ session, sans-IO (IPMI v2.0 §13.14-13.28).

``BmcSession`` is what the simulator runs per remote console session, through the same framing, crypto and SOL
code as the client. It answers the handshake itself (Open Session Response, RAKP 2, RAKP 4), the session
commands (Set Session Privilege Level, Close Session) and duplicates; every other request becomes a
``RequestReceived`` event that the owner answers with ``respond()``.

Retransmits from the console are answered from a cache, so that a lost answer never creates a second session,
a second random number or a second execution of a command (IPMI requests are not idempotent: power cycle).
"""

from __future__ import annotations

import enum
import hmac
from collections import OrderedDict
from dataclasses import dataclass, field

from ipmifast.errors import AuthenticationError, DecodeError, LocalProtocolError
from ipmifast.proto import frame, rakp
from ipmifast.proto._base import Rng, SessionBase
from ipmifast.proto.cipher_suites import CIPHER_SUITES, CipherSuite
from ipmifast.proto.consts import (
    NAME_ONLY_LOOKUP,
    PAYLOAD_AUTHENTICATED,
    PAYLOAD_ENCRYPTED,
    PAYLOAD_TYPE_MASK,
    PRIVILEGE_MASK,
    AppCmd,
    AuthAlgorithm,
    AuthType,
    ConfidentialityAlgorithm,
    IntegrityAlgorithm,
    NetFn,
    PayloadType,
    Privilege,
    RmcpClass,
    RmcpPlusStatus,
)
from ipmifast.proto.crypto import SessionCipher
from ipmifast.proto.events import RequestReceived, SessionClosed, SessionEstablished, SessionFailed
from ipmifast.proto.sol import SolWindow

#: Set Session Privilege Level completion codes (§22.18)
CC_PRIVILEGE_NOT_AVAILABLE = 0x80
CC_PRIVILEGE_EXCEEDS_LIMIT = 0x81
#: how many answered requests are remembered for duplicate detection (rqSeq is 6 bits: keep well under 64)
RECENT_REQUESTS = 16
#: Close Session completion code: invalid session ID in request (§22.19)
CC_INVALID_SESSION_ID = 0x87


@dataclass(frozen=True)
class BmcUser:
    """One user of the BMC's user table (§22.26-22.30)."""

    name: bytes
    password: bytes
    max_privilege: int = Privilege.ADMINISTRATOR
    enabled: bool = True

    def __repr__(self) -> str:
        return f"BmcUser(name={self.name!r}, max_privilege={self.max_privilege}, enabled={self.enabled})"


@dataclass(frozen=True)
class BmcConfig:
    """What the BMC side needs: its GUID, users, offered cipher suites, Kg and timeouts."""

    guid: bytes = bytes(16)
    users: tuple[BmcUser, ...] = ()
    cipher_suites: frozenset[int] = field(default_factory=lambda: frozenset(CIPHER_SUITES))
    kg: bytes | None = None
    #: §22.19 / §13.14: a session with no traffic for this long is closed (the spec's minimum is 60 s)
    idle_timeout: float = 60.0
    #: a half-open handshake is forgotten after this long (session-table exhaustion defence)
    handshake_timeout: float = 10.0
    #: vendor bugs to EMULATE (for simulator profiles and the client's workaround tests), named after the
    #: FreeIPMI workaround flag a client needs against them: intel20, supermicro20, sun20, integritycheckvalue
    quirks: frozenset[str] = frozenset()
    #: the highest privilege each cipher suite allows (LAN parameter 24, Table 23-4); a suite not listed has no
    #: limit of its own beyond the user's
    suite_privileges: tuple[tuple[int, int], ...] = ()

    def suite_limit(self, suite: int) -> int:
        """The highest privilege a session with cipher suite ``suite`` may request (§22.29 note, parameter 24)."""
        for number, limit in self.suite_privileges:
            if number == suite:
                return limit
        return Privilege.OEM

    def find_user(self, name: bytes, role: int) -> BmcUser | None:
        """RAKP 1 user lookup (Table 13-11): name-only, or name and privilege when bit 4 of the role is 0."""
        privilege = role & PRIVILEGE_MASK
        if "intel20" in self.quirks:  # Intel wants the name NUL-padded to 16 bytes, and only that
            if len(name) != 16:
                return None
            name = name.rstrip(b"\0")
        for user in self.users:
            if user.name == name and user.enabled:
                if role & NAME_ONLY_LOOKUP or privilege <= user.max_privilege:
                    return user
        return None

    def __repr__(self) -> str:
        return f"BmcConfig(users={len(self.users)}, cipher_suites={sorted(self.cipher_suites)})"


class BmcState(enum.Enum):
    """Named after what was last sent."""

    LISTEN = "listening"
    OPEN_SESSION_RS_SENT = "open session response sent"
    RAKP2_SENT = "RAKP 2 sent"
    ACTIVE = "RAKP 4 sent, session active"
    CLOSED = "closed"
    FAILED = "failed"


#: state → {payload type received: handler name}
_TRANSITIONS: dict[BmcState, dict[int, str]] = {
    BmcState.LISTEN: {PayloadType.OPEN_SESSION_REQUEST: "_on_open_session_rq"},
    BmcState.OPEN_SESSION_RS_SENT: {
        PayloadType.OPEN_SESSION_REQUEST: "_on_duplicate_handshake",
        PayloadType.RAKP_1: "_on_rakp1",
    },
    BmcState.RAKP2_SENT: {PayloadType.RAKP_1: "_on_duplicate_handshake", PayloadType.RAKP_3: "_on_rakp3"},
    BmcState.ACTIVE: {PayloadType.RAKP_3: "_on_duplicate_handshake"},
}


class BmcSession(SessionBase):
    """The BMC's half of one RMCP+ session (sans-IO)."""

    def __init__(self, config: BmcConfig, sid_c: int, rng: Rng, now: float) -> None:
        super().__init__(rng)
        if not 0 < sid_c <= 0xFFFFFFFF:
            raise LocalProtocolError("the managed system session ID must be a non-zero 32-bit number")
        self.config = config
        self.sid_c = sid_c
        self.sid_m = 0
        self.state = BmcState.LISTEN
        self.suite: CipherSuite = CIPHER_SUITES[0]
        self.user: BmcUser | None = None
        #: the maximum privilege negotiated in RAKP 1, and the session's current operating privilege
        self.max_privilege = 0
        self.privilege = 0
        self._role = 0
        self._username = b""
        self._r_m = b""
        self._r_c = b""
        self._sik = b""
        self._last_handshake: tuple[bytes, bytes] | None = None  # (request payload, answer datagram)
        # recent requests (rqSeq, netFn, cmd, data) → encoded response (None while being processed), so that a
        # retransmitted or reordered duplicate is answered again instead of executed again
        self._recent: OrderedDict[tuple[int, int, int, bytes], bytes | None] = OrderedDict()
        self._current: tuple[int, int, int, bytes] | None = None
        self._deadline: float | None = now + config.handshake_timeout

    # ------------------------------------------------------------------ public API
    def receive_datagram(self, data: bytes, now: float) -> None:
        """Process one UDP payload from the console. Never raises on peer bytes."""
        try:
            self._receive(bytes(data), now)
        except (DecodeError, IndexError, ValueError, KeyError) as exc:
            self._drop(f"malformed packet ({exc.__class__.__name__})")

    def respond(self, request: RequestReceived, cc: int, data: bytes = b"") -> None:
        """Answer a ``RequestReceived`` event with completion code ``cc`` and response ``data``."""
        if self.state is not BmcState.ACTIVE:
            raise LocalProtocolError(f"respond() in state {self.state.value}")
        if not 0 <= cc <= 0xFF:
            raise LocalProtocolError(f"completion code {cc} is not a byte")
        key = (request.rq_seq, request.netfn, request.cmd, request.data)
        if key not in self._recent or self._recent[key] is not None:
            raise LocalProtocolError("respond() to a request that is not waiting for an answer")
        msg = frame.encode_ipmi_response(
            request.rq_addr, request.netfn | 1, request.rq_lun, request.rs_addr, request.rq_seq,
            request.rs_lun, request.cmd, cc, data,
        )
        self._recent[key] = msg
        self._outbox.append(self._seal(PayloadType.IPMI, msg))

    def attach_sol(self, window: SolWindow) -> None:
        """Carry this session's SOL payloads through ``window`` (after Activate Payload)."""
        if self.state is not BmcState.ACTIVE:
            raise LocalProtocolError("attach_sol() needs an active session")
        self._sol = window

    def sol_send(self, data: bytes, now: float) -> None:
        """Queue serial console characters for the console."""
        if self._sol is None:
            raise LocalProtocolError("sol_send() without an attached SOL window")
        self._sol.send(data)

    def datagrams_to_send(self, now: float) -> list[bytes]:
        if self.state is BmcState.ACTIVE:
            self._sol_payloads(now)
        out, self._outbox = self._outbox, []
        return out

    def get_timer(self) -> float | None:
        if self.state is BmcState.ACTIVE:
            return self._sol_timer(self._deadline)
        return self._deadline

    def handle_timer(self, now: float) -> None:
        if self.state is BmcState.ACTIVE:
            self._sol_handle_timer(now)
        if self._deadline is not None and now >= self._deadline:
            if self.state is BmcState.ACTIVE:
                self._close(f"idle for {self.config.idle_timeout:g} s")
            elif self.state not in (BmcState.CLOSED, BmcState.FAILED):
                self._close("handshake not completed in time")

    # ------------------------------------------------------------------ receiving
    def _receive(self, data: bytes, now: float) -> None:
        if self.state in (BmcState.CLOSED, BmcState.FAILED):
            self._drop(f"datagram in state {self.state.value}")
            return
        rmcp_class, auth_type, payload_type, session_id = frame.peek(data)
        if rmcp_class != RmcpClass.IPMI or auth_type != AuthType.RMCP_PLUS:
            self._drop("not an RMCP+ packet")
            return
        ptype = payload_type & PAYLOAD_TYPE_MASK
        if session_id == 0:
            handler = _TRANSITIONS.get(self.state, {}).get(ptype)
            if handler is None:
                self._drop(f"payload type 0x{ptype:02x} while {self.state.value}")
                return
            packet = frame.decode_v20_session(data)
            if packet.payload_type & (PAYLOAD_AUTHENTICATED | PAYLOAD_ENCRYPTED):
                self._drop("pre-session message with security bits")
                return
            if self.state is not BmcState.ACTIVE:
                # a console still working through the handshake (retransmitting over a lossy link) keeps the
                # half-open session alive; a silent one lets it expire after handshake_timeout
                self._deadline = now + self.config.handshake_timeout
            getattr(self, handler)(packet.payload, now)
        elif self.state is not BmcState.ACTIVE or session_id != self.sid_c:
            self._drop("unknown session ID")
        else:
            opened = self._open(data)
            if opened is None:
                return
            self._deadline = now + self.config.idle_timeout
            ptype, payload = opened
            if ptype == PayloadType.IPMI:
                self._on_ipmi_request(payload, now)
            elif ptype == PayloadType.SOL:
                self._sol_receive(payload, now)
            else:
                self._drop(f"unsupported payload type 0x{ptype:02x} in session")

    def _answer_handshake(self, request: bytes, ptype: int, payload: bytes) -> None:
        datagram = frame.encode_v20_session(ptype, 0, 0, payload)
        self._last_handshake = (request, datagram)
        self._outbox.append(datagram)

    def _on_duplicate_handshake(self, payload: bytes, now: float) -> None:
        if self._last_handshake is not None and self._last_handshake[0] == payload:
            self._outbox.append(self._last_handshake[1])
        else:
            self._drop("handshake message out of order")

    def _on_open_session_rq(self, payload: bytes, now: float) -> None:
        rq = rakp.decode_open_session_rq(payload)
        if rq.sid_m == 0:
            self._drop("open session request with console session ID 0")
            return
        self.sid_m = rq.sid_m
        status, suite = self._match_suite(rq.auth, rq.integrity, rq.confidentiality)
        max_privilege = rq.max_privilege & PRIVILEGE_MASK
        if status == RmcpPlusStatus.NO_ERRORS and max_privilege > Privilege.OEM:
            status = RmcpPlusStatus.INVALID_ROLE
        if status != RmcpPlusStatus.NO_ERRORS or suite is None:
            self._answer_handshake(payload, PayloadType.OPEN_SESSION_RESPONSE, rakp.encode_open_session_rs(
                rakp.OpenSessionResponse(rq.message_tag, status, 0, rq.sid_m, 0, rq.auth, rq.integrity,
                                         rq.confidentiality)))
            self._fail_quietly(f"open session refused: status 0x{status:02x}")
            return
        self.suite = suite
        granted = max_privilege or Privilege.ADMINISTRATOR
        self._answer_handshake(payload, PayloadType.OPEN_SESSION_RESPONSE, rakp.encode_open_session_rs(
            rakp.OpenSessionResponse(rq.message_tag, RmcpPlusStatus.NO_ERRORS, granted, rq.sid_m, self.sid_c,
                                     suite.auth, suite.integrity, suite.confidentiality)))
        self.state = BmcState.OPEN_SESSION_RS_SENT

    def _match_suite(self, auth: int, integrity: int, confidentiality: int) -> tuple[int, CipherSuite | None]:
        offered = [CIPHER_SUITES[i] for i in sorted(self.config.cipher_suites) if i in CIPHER_SUITES]
        for suite in offered:
            if (suite.auth, suite.integrity, suite.confidentiality) == (auth, integrity, confidentiality):
                return RmcpPlusStatus.NO_ERRORS, suite
        if auth not in AuthAlgorithm.__members__.values() or all(s.auth != auth for s in offered):
            return RmcpPlusStatus.INVALID_AUTHENTICATION_ALGORITHM, None
        if integrity not in IntegrityAlgorithm.__members__.values() or all(s.integrity != integrity for s in offered):
            return RmcpPlusStatus.INVALID_INTEGRITY_ALGORITHM, None
        if confidentiality not in ConfidentialityAlgorithm.__members__.values() or all(
            s.confidentiality != confidentiality for s in offered
        ):
            return RmcpPlusStatus.INVALID_CONFIDENTIALITY_ALGORITHM, None
        return RmcpPlusStatus.NO_CIPHER_SUITE_MATCH, None

    def _on_rakp1(self, payload: bytes, now: float) -> None:
        rq = rakp.decode_rakp1(payload)
        if rq.sid_c != self.sid_c:
            self._drop("RAKP 1 for another managed system session ID")
            return
        privilege = rq.role & PRIVILEGE_MASK
        user = self.config.find_user(rq.username, rq.role)
        status = RmcpPlusStatus.NO_ERRORS
        if not Privilege.CALLBACK <= privilege <= Privilege.OEM:
            status = RmcpPlusStatus.INVALID_ROLE
        elif user is None:
            status = RmcpPlusStatus.UNAUTHORIZED_NAME
        elif privilege > user.max_privilege or privilege > self.config.suite_limit(self.suite.id):
            status = RmcpPlusStatus.UNAUTHORIZED_ROLE
        if status != RmcpPlusStatus.NO_ERRORS or user is None:
            self._answer_handshake(payload, PayloadType.RAKP_2, rakp.encode_rakp2(
                rakp.Rakp2(rq.message_tag, status, self.sid_m, b"", b"", b"")))
            self._fail_quietly(f"RAKP 1 refused: status 0x{status:02x}")
            return
        self.user = user
        self._role = rq.role
        self._username = rq.username
        self._r_m = rq.r_m
        self._r_c = self._rng(16)
        kuid = self._kuid()
        auth = self.suite.auth
        auth_code = rakp.rakp2_auth_code(
            auth, kuid, self.sid_m, self.sid_c, self._r_m, self._r_c, self.config.guid, rq.role, rq.username
        )
        quirks = self.config.quirks
        if "supermicro20" in quirks or ("sun20" in quirks and auth == AuthAlgorithm.RAKP_HMAC_SHA1):
            auth_code += b"\0"  # the length bug these BMCs have
        kg = rakp.pad_password(self.config.kg) if self.config.kg else kuid
        self._sik = rakp.session_integrity_key(auth, kg, self._r_m, self._r_c, rq.role, rq.username)
        self._answer_handshake(payload, PayloadType.RAKP_2, rakp.encode_rakp2(
            rakp.Rakp2(rq.message_tag, RmcpPlusStatus.NO_ERRORS, self.sid_m, self._r_c, self.config.guid, auth_code)))
        self.max_privilege = privilege
        self.state = BmcState.RAKP2_SENT

    def _on_rakp3(self, payload: bytes, now: float) -> None:
        rq = rakp.decode_rakp3(payload)
        if rq.sid_c != self.sid_c:
            self._drop("RAKP 3 for another managed system session ID")
            return
        if rq.status != RmcpPlusStatus.NO_ERRORS:
            self._fail_quietly(f"the console aborted the handshake: RAKP 3 status 0x{rq.status:02x}")
            return
        assert self.user is not None
        kuid = self._kuid()
        auth = self.suite.auth
        if "intel20" in self.config.quirks:  # RAKP 3 over the unpadded name and the bare privilege
            expected = rakp.rakp3_auth_code(
                auth, kuid, self._r_c, self.sid_m, self._role & PRIVILEGE_MASK, self._username.rstrip(b"\0")
            )
        else:
            expected = rakp.rakp3_auth_code(auth, kuid, self._r_c, self.sid_m, self._role, self._username)
        if not hmac.compare_digest(expected, rq.auth_code):
            self._answer_handshake(payload, PayloadType.RAKP_4, rakp.encode_rakp4(
                rakp.Rakp4(rq.message_tag, RmcpPlusStatus.INVALID_INTEGRITY_CHECK_VALUE, self.sid_m, b"")))
            self._fail_quietly("RAKP 3 HMAC does not verify (wrong password)")
            return
        icv_auth: int = auth
        if "intel20" in self.config.quirks:  # Intel hashes the ICV with the integrity algorithm's hash
            icv_auth = {0: 0, 1: 1, 2: 2, 4: 3}.get(self.suite.integrity, auth)
        icv = rakp.rakp4_icv(icv_auth, self._sik, self._r_m, self.sid_c, self.config.guid)
        if not icv and "integritycheckvalue" in self.config.quirks:
            icv = self._rng(12)  # an ICV where cipher suite 0 has none (Supermicro X8DTG/X8DTU)
        self._answer_handshake(payload, PayloadType.RAKP_4, rakp.encode_rakp4(
            rakp.Rakp4(rq.message_tag, RmcpPlusStatus.NO_ERRORS, self.sid_m, icv)))
        k1 = rakp.derive_k1(auth, self._sik)
        k2 = rakp.derive_k2(auth, self._sik)
        self._cipher = SessionCipher(self.suite.integrity, self.suite.confidentiality, k1, k2, kuid)
        # §13.14 / §22.18: an RMCP+ session starts at USER level (or lower if that is the maximum);
        # Set Session Privilege Level raises it up to the maximum negotiated in RAKP 1.
        self.privilege = min(self.max_privilege, Privilege.USER)
        self.state = BmcState.ACTIVE
        self._deadline = now + self.config.idle_timeout
        self._events.append(SessionEstablished(self.sid_m, self.sid_c, self.suite.id, self.max_privilege))

    def _on_ipmi_request(self, payload: bytes, now: float) -> None:
        rq = frame.decode_ipmi_request(payload)
        key = (rq.rq_seq, rq.netfn, rq.cmd, rq.data)
        if key in self._recent:
            cached = self._recent[key]
            if cached is None:
                self._drop("duplicate of a request being processed")
            else:  # the response was lost: send it again, do not execute the command twice
                self._outbox.append(self._seal(PayloadType.IPMI, cached))
            return
        self._recent[key] = None
        while len(self._recent) > RECENT_REQUESTS:
            self._recent.popitem(last=False)
        event = RequestReceived(rq.rq_seq, rq.netfn, rq.cmd, rq.data, rq.rq_addr, rq.rq_lun, rq.rs_addr, rq.rs_lun)
        if rq.netfn == NetFn.APP and rq.cmd == AppCmd.SET_SESSION_PRIVILEGE_LEVEL:
            self._set_session_privilege(event)
        elif rq.netfn == NetFn.APP and rq.cmd == AppCmd.CLOSE_SESSION:
            self._close_session(event)
        else:
            self._events.append(event)

    def _set_session_privilege(self, rq: RequestReceived) -> None:
        if len(rq.data) != 1:
            self.respond(rq, 0xC7)
            return
        requested = rq.data[0] & PRIVILEGE_MASK
        if requested == 0:  # "no change: just return present privilege level"
            self.respond(rq, 0, bytes([self.privilege]))
        elif requested > Privilege.OEM or requested < Privilege.CALLBACK:
            self.respond(rq, 0xCC)
        elif requested > self.max_privilege:
            self.respond(rq, CC_PRIVILEGE_EXCEEDS_LIMIT)
        else:
            self.privilege = requested
            self.respond(rq, 0, bytes([requested]))

    def _close_session(self, rq: RequestReceived) -> None:
        if len(rq.data) < 4:
            self.respond(rq, 0xC7)
            return
        if int.from_bytes(rq.data[:4], "little") != self.sid_c:
            self.respond(rq, CC_INVALID_SESSION_ID)
            return
        self.respond(rq, 0)
        self._close("closed by the console")

    # ------------------------------------------------------------------ helpers
    def _peer_session_id(self) -> int:
        return self.sid_m

    def _kuid(self) -> bytes:
        assert self.user is not None
        password = self.user.password
        if "intel20" in self.config.quirks and self.suite.auth == AuthAlgorithm.RAKP_HMAC_MD5:
            password = password[:16]
        return rakp.pad_password(password)

    def _close(self, reason: str) -> None:
        self.state = BmcState.CLOSED
        self._deadline = None
        self._events.append(SessionClosed(reason))

    def _fail_quietly(self, reason: str) -> None:
        """The handshake ended with an error status already sent; the owner forgets this session."""
        self.state = BmcState.FAILED
        self._deadline = None
        self._events.append(SessionFailed(AuthenticationError(reason)))
