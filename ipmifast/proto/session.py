"""The remote console side of an RMCP+ session, sans-IO (IPMI v2.0 §13.14-13.28, §22.19).

``ClientSession`` turns bytes into events and requests into bytes. It never touches a socket, a clock or a random
source: the caller passes ``now`` (seconds, any monotonic origin) and an ``rng(n) -> bytes``.

Handshake (Figure 13-10): Open Session Request → Response, RAKP 1 → RAKP 2, RAKP 3 → RAKP 4, then Set Session
Privilege Level (App 3Bh) as ipmitool does, because many BMCs start a session at USER privilege whatever RAKP 1
asked. Requests inside a session are serialised (one in flight; many BMCs corrupt concurrent requests) and
retransmitted with a new session sequence number and the same rqSeq; responses are matched on rqSeq, netFn and
cmd. Close Session is retransmitted until answered so that BMC session slots are not leaked.

Every transition is in the ``_HANDSHAKE`` table and the ``_on_*`` handlers below it.
"""

from __future__ import annotations

import enum
import hmac
from dataclasses import dataclass, field

from ipmifast.errors import (
    AuthenticationError,
    BadPasswordError,
    CipherSuiteUnavailable,
    ConnectionTimeout,
    DecodeError,
    LocalProtocolError,
    PrivilegeUnavailable,
    RemoteProtocolError,
    RmcpPlusStatusError,
    SessionTimeout,
)
from ipmifast.proto import frame, rakp
from ipmifast.proto._base import Rng, SessionBase
from ipmifast.proto._requests import Pending, RequestQueue
from ipmifast.proto.cipher_suites import CipherSuite, get_cipher_suite
from ipmifast.proto.consts import (
    BMC_SLAVE_ADDR,
    NAME_ONLY_LOOKUP,
    PAYLOAD_AUTHENTICATED,
    PAYLOAD_ENCRYPTED,
    PAYLOAD_TYPE_MASK,
    PRIVILEGE_MASK,
    REMOTE_SWID,
    AppCmd,
    AuthAlgorithm,
    AuthType,
    NetFn,
    PayloadType,
    Privilege,
    RmcpClass,
    RmcpPlusStatus,
    rmcp_plus_status_text,
)
from ipmifast.proto.crypto import SessionCipher
from ipmifast.proto.events import (
    RequestFailed,
    ResponseReceived,
    SessionClosed,
    SessionEstablished,
)
from ipmifast.proto.sol import SolWindow

#: Workaround flags understood by the RMCP+ session, named as FreeIPMI names them (``-W``; quirks.md).
KNOWN_QUIRKS = frozenset(
    {
        "authcap",  # skip the pre-session capability checks (used by the engine's Get Channel Auth Caps probe)
        "nochecksumcheck",  # do not verify IPMI message checksums in responses (Supermicro X9)
        "integritycheckvalue",  # cipher suite 0: accept a non-empty RAKP 4 integrity check value (Supermicro X8)
        "opensesspriv",  # always in effect: the privilege is sent in Open Session too (OpenIPMI, Sun, Supermicro)
        "intel20",  # Intel SE7520AF2: NUL-padded 16-byte user name in RAKP; HMAC-MD5 keys from a password cut to
        #             16 bytes; RAKP 4 ICV hashed with the integrity algorithm; Open Session privilege echoed
        "supermicro20",  # Supermicro H8QME (Peppercon): RAKP 2 auth code one byte too long
        "sun20",  # Sun Fire 4100 / ILOM: RAKP 2 HMAC-SHA1 auth code one byte too long; implies opensesspriv
    }
)

#: RAKP 2 auth code length per authentication algorithm, for the supermicro20/sun20 trimming
_AUTH_CODE_LEN = {0: 0, 1: 20, 2: 16, 3: 32}
#: intel20: the hash an Intel BMC uses for the RAKP 4 ICV, by integrity algorithm (FreeIPMI ipmiconsole_checks.c)
_INTEL20_ICV_AUTH = {0: 0, 1: 1, 2: 2, 4: 3}

_STATUS_ERRORS: dict[int, type[AuthenticationError]] = {
    RmcpPlusStatus.INVALID_AUTHENTICATION_ALGORITHM: CipherSuiteUnavailable,
    RmcpPlusStatus.INVALID_INTEGRITY_ALGORITHM: CipherSuiteUnavailable,
    RmcpPlusStatus.INVALID_CONFIDENTIALITY_ALGORITHM: CipherSuiteUnavailable,
    RmcpPlusStatus.NO_CIPHER_SUITE_MATCH: CipherSuiteUnavailable,
    RmcpPlusStatus.NO_MATCHING_AUTHENTICATION_PAYLOAD: CipherSuiteUnavailable,
    RmcpPlusStatus.NO_MATCHING_INTEGRITY_PAYLOAD: CipherSuiteUnavailable,
    RmcpPlusStatus.INVALID_ROLE: PrivilegeUnavailable,
    RmcpPlusStatus.UNAUTHORIZED_ROLE: PrivilegeUnavailable,
    RmcpPlusStatus.INSUFFICIENT_RESOURCES_FOR_ROLE: PrivilegeUnavailable,
}


def status_error(status: int, what: str) -> AuthenticationError:
    """The specific exception for a non-zero RMCP+ status code in ``what`` (Table 13-15)."""
    text = f"{what}: {rmcp_plus_status_text(status)} (RMCP+ status 0x{status:02x})"
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        return RmcpPlusStatusError(status, f"{what}: {rmcp_plus_status_text(status)}")
    return cls(text)


@dataclass(frozen=True)
class SessionConfig:
    """What the remote console needs to open an RMCP+ session.

    ``password`` longer than 16 bytes is used as a 20-byte IPMI v2.0 password; longer than 20 is refused, never
    truncated. ``kg`` is the BMC key (Kg) when the BMC has one set ("two-key" login), else the user key is used.
    """

    username: bytes = b""
    password: bytes = b""
    cipher_suite: int = 3
    privilege: int = Privilege.ADMINISTRATOR
    kg: bytes | None = None
    name_only_lookup: bool = True
    timeout: float = 1.0  # seconds for the first try
    retries: int = 3  # retransmits after the first try
    backoff: float = 1.0  # each retransmit waits this many times longer than the try before
    set_privilege: bool = True
    #: send a keep-alive (Get Device ID, as ipmitool does) after this many idle seconds, so the BMC does not
    #: expire a long-lived session (its idle timeout is typically 60 s); None: never
    keepalive: float | None = None
    quirks: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if isinstance(self.username, str) or isinstance(self.password, str):
            raise LocalProtocolError("username and password must be bytes")
        if len(self.username) > 16:
            raise LocalProtocolError(f"user name is {len(self.username)} bytes; IPMI allows at most 16")
        if len(self.password) > 20:
            raise LocalProtocolError(
                f"password is {len(self.password)} bytes; IPMI v2.0 allows at most 20 (it is never truncated)"
            )
        if self.kg is not None and len(self.kg) > 20:
            raise LocalProtocolError(f"Kg is {len(self.kg)} bytes; IPMI v2.0 allows at most 20")
        if not Privilege.CALLBACK <= self.privilege <= Privilege.OEM:
            raise LocalProtocolError(f"privilege level {self.privilege} is not 1-5")
        if self.timeout <= 0 or self.retries < 0 or self.backoff < 1.0:
            raise LocalProtocolError("timeout must be positive, retries not negative and backoff at least 1")
        if self.keepalive is not None and self.keepalive <= 0:
            raise LocalProtocolError("keepalive must be a positive number of seconds (or None)")
        unknown = set(self.quirks) - KNOWN_QUIRKS
        if unknown:
            raise LocalProtocolError(f"unknown workaround flag(s): {', '.join(sorted(unknown))}")

    def __repr__(self) -> str:  # never show secrets
        return (
            f"SessionConfig(username={self.username!r}, password=<{len(self.password)} bytes>, "
            f"cipher_suite={self.cipher_suite}, privilege={self.privilege}, kg={'<set>' if self.kg else None}, "
            f"quirks={sorted(self.quirks)})"
        )


class ClientState(enum.Enum):
    """Named after what was last sent (STYLE.md §2)."""

    IDLE = "idle"
    OPEN_SESSION_SENT = "open session request sent"
    RAKP1_SENT = "RAKP 1 sent"
    RAKP3_SENT = "RAKP 3 sent"
    SET_PRIVILEGE_SENT = "set session privilege level sent"
    ESTABLISHED = "established"
    CLOSE_SENT = "close session sent"
    CLOSED = "closed"
    FAILED = "failed"


#: Pre-session transitions: state → (payload type expected, handler name)
_HANDSHAKE: dict[ClientState, tuple[int, str]] = {
    ClientState.OPEN_SESSION_SENT: (PayloadType.OPEN_SESSION_RESPONSE, "_on_open_session_rs"),
    ClientState.RAKP1_SENT: (PayloadType.RAKP_2, "_on_rakp2"),
    ClientState.RAKP3_SENT: (PayloadType.RAKP_4, "_on_rakp4"),
}

_SESSION_STATES = frozenset({ClientState.SET_PRIVILEGE_SENT, ClientState.ESTABLISHED, ClientState.CLOSE_SENT})


class ClientSession(SessionBase, RequestQueue):
    """One RMCP+ session from a remote console to a BMC (sans-IO)."""

    __slots__ = (
        "config", "suite", "state", "sid_m", "sid_c", "privilege", "rakp2_capture", "_tag", "_r_m", "_r_c", "_guid_c",
        "_sik", "_kuid", "_username", "_rq_seq", "_queue", "_inflight", "_handshake_payload", "_handshake_tries",
        "_deadline", "_last_activity", "_check_checksums",
    )
    _FAILED = ClientState.FAILED
    _CLOSED = ClientState.CLOSED

    def __init__(self, config: SessionConfig, rng: Rng) -> None:
        super().__init__(rng)
        self.config = config
        self.suite: CipherSuite = get_cipher_suite(config.cipher_suite)
        self.state = ClientState.IDLE
        self.sid_m = 0
        self.sid_c = 0
        self.privilege = 0
        self._tag = 0
        self._r_m = b""
        self._r_c = b""
        self._guid_c = b""
        self._sik = b""
        #: the RAKP 2 auth code and its inputs when it did not verify (wrong password: ``ipmifast audit``)
        self.rakp2_capture: rakp.Rakp2Capture | None = None
        quirks = config.quirks
        password = config.password
        if "intel20" in quirks and self.suite.auth == AuthAlgorithm.RAKP_HMAC_MD5:
            password = password[:16]  # the BMC keys HMAC-MD5 with at most 16 bytes of password
        self._kuid = rakp.pad_password(password)
        # the user name as it goes in RAKP 1 and in every HMAC (intel20: NUL-padded to 16 bytes)
        self._username = config.username.ljust(16, b"\0") if "intel20" in quirks else config.username
        self._rq_seq = 0
        self._queue: list[Pending] = []
        self._inflight: Pending | None = None
        self._handshake_payload: tuple[int, bytes] | None = None
        self._handshake_tries = 0
        self._deadline: float | None = None
        self._last_activity = 0.0
        self._check_checksums = "nochecksumcheck" not in config.quirks

    # ------------------------------------------------------------------ public API (STYLE.md §2)
    def connect(self, now: float, sid_m: int | None = None) -> None:
        """Start the handshake: queue the Open Session Request.

        ``sid_m`` is our (remote console) session ID; an engine multiplexing many sessions on one socket passes
        one that is unique on that socket. By default it is drawn from the rng.
        """
        if self.state is not ClientState.IDLE:
            raise LocalProtocolError(f"connect() in state {self.state.value}")
        if sid_m is not None and not 0 < sid_m <= 0xFFFFFFFF:
            raise LocalProtocolError("the remote console session ID must be a non-zero 32-bit number")
        self.sid_m = sid_m if sid_m is not None else self._random_nonzero_u32()
        self._tag = self._rng(1)[0]
        # The requested privilege goes in Open Session as well as RAKP 1 (as ipmitool does): BMCs that key
        # the session on the Open Session privilege (FreeIPMI's "opensesspriv": OpenIPMI, Sun, Supermicro) and
        # BMCs that use RAKP 1's both work, so that flag is accepted and is always in effect.
        privilege = self.config.privilege
        payload = rakp.encode_open_session_rq(
            rakp.OpenSessionRequest(
                message_tag=self._tag,
                max_privilege=privilege,
                sid_m=self.sid_m,
                auth=self.suite.auth,
                integrity=self.suite.integrity,
                confidentiality=self.suite.confidentiality,
            )
        )
        self._send_handshake(PayloadType.OPEN_SESSION_REQUEST, payload, now)
        self.state = ClientState.OPEN_SESSION_SENT

    def request(self, netfn: int, cmd: int, data: bytes, now: float) -> int:
        """Queue an IPMI request; returns its rqSeq. Requests go out one at a time, in order."""
        if self.state is not ClientState.ESTABLISHED:
            raise LocalProtocolError(f"request() in state {self.state.value}; wait for SessionEstablished")
        if not 0 <= netfn <= 0x3F or netfn & 1 or not 0 <= cmd <= 0xFF:
            raise LocalProtocolError(f"netfn 0x{netfn:02x} / cmd 0x{cmd:02x} is not a request")
        if len(data) > 0xFFFF - 64:
            raise LocalProtocolError(f"request data of {len(data)} bytes does not fit in one IPMI message")
        return self._enqueue(netfn, cmd, bytes(data), now, internal=False)

    def close(self, now: float) -> None:
        """Send Close Session (App 3Ch), retransmitted until answered or the retries are spent."""
        if self.state in (ClientState.CLOSED, ClientState.FAILED, ClientState.CLOSE_SENT):
            return
        if self.state not in _SESSION_STATES:
            # nothing to close on the BMC yet (or only a half-open RAKP session that it will expire)
            self._finish(SessionClosed("closed before the session was established"))
            return
        for pending in self._queue:
            self._events.append(
                RequestFailed(pending.rq_seq, pending.netfn, pending.cmd, LocalProtocolError("session closed"))
            )
        self._queue.clear()
        if self._inflight is not None and not self._inflight.internal:
            p = self._inflight
            self._events.append(RequestFailed(p.rq_seq, p.netfn, p.cmd, LocalProtocolError("session closed")))
        self._inflight = None
        self.state = ClientState.CLOSE_SENT
        self._enqueue(NetFn.APP, AppCmd.CLOSE_SESSION, self.sid_c.to_bytes(4, "little"), now, internal=True)

    def attach_sol(self, window: SolWindow) -> None:
        """Carry Serial-over-LAN payloads (type 01h) of this session through ``window``."""
        if self.state is not ClientState.ESTABLISHED:
            raise LocalProtocolError("attach_sol() needs an established session")
        self._sol = window

    def sol_send(self, data: bytes, now: float) -> None:
        """Queue console characters for the BMC (needs ``attach_sol``)."""
        if self._sol is None:
            raise LocalProtocolError("sol_send() without an attached SOL window")
        self._sol.send(data)

    def receive_datagram(self, data: bytes, now: float) -> None:
        """Process one UDP payload from the BMC. Never raises on peer bytes."""
        try:
            self._receive(bytes(data), now)
        except (DecodeError, IndexError, ValueError, KeyError) as exc:  # defence in depth: peer bytes never raise
            self._drop(f"malformed packet ({exc.__class__.__name__})")

    def datagrams_to_send(self, now: float) -> list[bytes]:
        """Datagrams to put on the wire now, in order."""
        if self.state is ClientState.ESTABLISHED:
            self._sol_payloads(now)
        out, self._outbox = self._outbox, []
        return out

    def get_timer(self) -> float | None:
        """When ``handle_timer`` must next be called (None: no timer)."""
        if self.state is ClientState.ESTABLISHED:
            return self._sol_timer(self._keepalive_timer())
        return self._deadline

    def _keepalive_timer(self) -> float | None:
        keepalive = self.config.keepalive
        if keepalive is None or self._inflight is not None or self._queue:
            return self._deadline
        return self._last_activity + keepalive

    def handle_timer(self, now: float) -> None:
        """Retransmit or give up, as the deadline says."""
        if self.state is ClientState.ESTABLISHED:
            self._sol_handle_timer(now)
            keepalive = self.config.keepalive
            if (
                keepalive is not None and self._inflight is None and not self._queue
                and now >= self._last_activity + keepalive
            ):
                self._enqueue(NetFn.APP, AppCmd.GET_DEVICE_ID, b"", now, internal=True)
                return
        if self._deadline is None or now < self._deadline:
            return
        if self.state in _HANDSHAKE:
            if self._handshake_tries > self.config.retries:
                self._fail(ConnectionTimeout(f"no answer to the {self.state.value.split(' sent')[0]} "
                                             f"after {self._handshake_tries} tries"))
                return
            assert self._handshake_payload is not None
            self._send_handshake(*self._handshake_payload, now)
        elif self._inflight is not None:
            if self._inflight.tries > self.config.retries:
                self._timeout_inflight(now)
            else:
                self._transmit_inflight(now)
        else:
            self._deadline = None

    def _peer_session_id(self) -> int:
        return self.sid_c

    @property
    def established(self) -> bool:
        return self.state is ClientState.ESTABLISHED

    # ------------------------------------------------------------------ receiving
    def _receive(self, data: bytes, now: float) -> None:
        if self.state in (ClientState.IDLE, ClientState.CLOSED, ClientState.FAILED):
            self._drop(f"datagram in state {self.state.value}")
            return
        rmcp_class, auth_type, payload_type, session_id = frame.peek(data)
        if rmcp_class != RmcpClass.IPMI:
            self._drop("not an IPMI-class RMCP message")
            return
        if auth_type != AuthType.RMCP_PLUS:
            self._drop("IPMI v1.5 packet in an RMCP+ session")
            return
        ptype = payload_type & PAYLOAD_TYPE_MASK
        if self.state in _HANDSHAKE:
            self._receive_handshake(data, ptype, session_id, now)
        elif session_id != self.sid_m:
            self._drop("unknown session ID")
        else:
            self._receive_session(data, now)

    def _receive_handshake(self, data: bytes, ptype: int, session_id: int, now: float) -> None:
        expected, handler = _HANDSHAKE[self.state]
        if ptype != expected:
            self._drop(f"payload type 0x{ptype:02x} while {self.state.value}")
            return
        packet = frame.decode_v20_session(data)
        if packet.session_id != 0 or packet.payload_type & (PAYLOAD_AUTHENTICATED | PAYLOAD_ENCRYPTED):
            self._drop("pre-session message with a session ID or security bits")
            return
        getattr(self, handler)(packet.payload, now)

    def _on_open_session_rs(self, payload: bytes, now: float) -> None:
        rs = rakp.decode_open_session_rs(payload)
        if rs.message_tag != self._tag:
            self._drop("open session response with another message tag")
            return
        if rs.status != RmcpPlusStatus.NO_ERRORS:
            self._fail(status_error(rs.status, "open session"))
            return
        if rs.sid_m != self.sid_m:
            self._drop("open session response for another console session ID")
            return
        if (rs.auth, rs.integrity, rs.confidentiality) != (
            self.suite.auth,
            self.suite.integrity,
            self.suite.confidentiality,
        ):
            self._fail(CipherSuiteUnavailable(
                f"BMC answered cipher suite {self.suite.id} with other algorithms "
                f"(auth {rs.auth}, integrity {rs.integrity}, confidentiality {rs.confidentiality})"
            ))
            return
        if rs.sid_c == 0:
            self._fail(RemoteProtocolError("BMC assigned managed system session ID 0"))
            return
        if "intel20" in self.config.quirks and rs.max_privilege != self.config.privilege:
            self._fail(PrivilegeUnavailable(
                f"the BMC offers privilege {rs.max_privilege}, not the {self.config.privilege} requested"
            ))
            return
        self.sid_c = rs.sid_c
        self._r_m = self._rng(16)
        self._tag = (self._tag + 1) & 0xFF
        payload = rakp.encode_rakp1(
            rakp.Rakp1(self._tag, self.sid_c, self._r_m, self._role(), self._username)
        )
        self._handshake_tries = 0
        self._send_handshake(PayloadType.RAKP_1, payload, now)
        self.state = ClientState.RAKP1_SENT

    def _on_rakp2(self, payload: bytes, now: float) -> None:
        rs = rakp.decode_rakp2(payload)
        if rs.message_tag != self._tag:
            self._drop("RAKP 2 with another message tag")
            return
        if rs.status != RmcpPlusStatus.NO_ERRORS:
            self._fail(status_error(rs.status, "RAKP 2"))
            return
        if rs.sid_m != self.sid_m:
            self._drop("RAKP 2 for another console session ID")
            return
        auth = self.suite.auth
        expected = rakp.rakp2_auth_code(
            auth, self._kuid, self.sid_m, self.sid_c, self._r_m, rs.r_c, rs.guid_c, self._role(), self._username
        )
        auth_code = rs.auth_code
        quirks = self.config.quirks
        if ("supermicro20" in quirks or ("sun20" in quirks and auth == AuthAlgorithm.RAKP_HMAC_SHA1)) and len(
            auth_code
        ) == _AUTH_CODE_LEN[auth] + 1:
            auth_code = auth_code[:-1]  # the BMC sends one byte too many
        if not _equal(expected, auth_code):
            self.rakp2_capture = rakp.Rakp2Capture(
                auth, self.sid_m, self.sid_c, self._r_m, rs.r_c, rs.guid_c, self._role(), self._username, rs.auth_code
            )
            # RAKP 3 with an error status (§13.22) tells the BMC to drop the half-open session at once
            abort = rakp.Rakp3(self._tag, RmcpPlusStatus.INVALID_INTEGRITY_CHECK_VALUE, self.sid_c, b"")
            self._outbox.append(frame.encode_v20_session(PayloadType.RAKP_3, 0, 0, rakp.encode_rakp3(abort)))
            self._fail(BadPasswordError(
                "RAKP 2 HMAC does not verify: wrong password for this user (or wrong user name with name-only lookup)"
            ))
            return
        self._r_c = rs.r_c
        self._guid_c = rs.guid_c
        kg = rakp.pad_password(self.config.kg) if self.config.kg else self._kuid
        self._sik = rakp.session_integrity_key(auth, kg, self._r_m, self._r_c, self._role(), self._username)
        if "intel20" in self.config.quirks:
            # Intel computes RAKP 3 over the unpadded name and the bare privilege (FreeIPMI 1.6.10 does the same)
            auth_code = rakp.rakp3_auth_code(
                auth, self._kuid, self._r_c, self.sid_m, self._role() & PRIVILEGE_MASK, self.config.username
            )
        else:
            auth_code = rakp.rakp3_auth_code(auth, self._kuid, self._r_c, self.sid_m, self._role(), self._username)
        payload = rakp.encode_rakp3(rakp.Rakp3(self._tag, RmcpPlusStatus.NO_ERRORS, self.sid_c, auth_code))
        self._handshake_tries = 0
        self._send_handshake(PayloadType.RAKP_3, payload, now)
        self.state = ClientState.RAKP3_SENT

    def _on_rakp4(self, payload: bytes, now: float) -> None:
        rs = rakp.decode_rakp4(payload)
        if rs.message_tag != self._tag:
            self._drop("RAKP 4 with another message tag")
            return
        if rs.status != RmcpPlusStatus.NO_ERRORS:
            if rs.status == RmcpPlusStatus.INVALID_INTEGRITY_CHECK_VALUE:
                self._fail(BadPasswordError(
                    "the BMC rejected RAKP 3: wrong password (or wrong Kg) for this user (RMCP+ status 0x0f)"
                ))
            else:
                self._fail(status_error(rs.status, "RAKP 4"))
            return
        if rs.sid_m != self.sid_m:
            self._drop("RAKP 4 for another console session ID")
            return
        auth = self.suite.auth
        icv_auth: int = auth
        if "intel20" in self.config.quirks:
            if self.suite.integrity not in _INTEL20_ICV_AUTH:
                self._fail(CipherSuiteUnavailable("intel20: RAKP 4 of this BMC with MD5-128 integrity is unknown"))
                return
            icv_auth = _INTEL20_ICV_AUTH[self.suite.integrity]
        expected = rakp.rakp4_icv(icv_auth, self._sik, self._r_m, self.sid_c, self._guid_c)
        if auth == AuthAlgorithm.RAKP_NONE and "integritycheckvalue" in self.config.quirks:
            expected = rs.auth_code  # the BMC sends an ICV where the spec says none; ignore its value
        if not _equal(expected, rs.auth_code):
            self._fail(BadPasswordError("RAKP 4 integrity check value does not verify: wrong Kg (BMC key)"))
            return
        k1 = rakp.derive_k1(auth, self._sik)
        k2 = rakp.derive_k2(auth, self._sik)
        self._cipher = SessionCipher(self.suite.integrity, self.suite.confidentiality, k1, k2, self._kuid)
        self._sik = self._r_m = self._r_c = self._kuid = b""  # the handshake's secrets are not kept past it
        self._handshake_payload = None
        self._deadline = None
        self.privilege = self.config.privilege
        if self.config.set_privilege and self.config.privilege > Privilege.USER:
            self.state = ClientState.SET_PRIVILEGE_SENT
            self._enqueue(
                NetFn.APP, AppCmd.SET_SESSION_PRIVILEGE_LEVEL, bytes([self.config.privilege]), now, internal=True
            )
        else:
            self._establish(now)

    def _receive_session(self, data: bytes, now: float) -> None:
        opened = self._open(data)
        if opened is None:
            return
        ptype, payload = opened
        if ptype == PayloadType.IPMI:
            self._on_ipmi_response(payload, now)
        elif ptype == PayloadType.SOL:
            self._sol_receive(payload, now)
        else:
            self._drop(f"unexpected payload type 0x{ptype:02x} in session")

    def _on_ipmi_response(self, payload: bytes, now: float) -> None:
        answer = self._answers(frame.decode_ipmi_response(payload, self._check_checksums))
        p = self._inflight
        if answer is None or p is None:
            return
        rs = answer
        self._inflight = None
        self._deadline = None
        self._last_activity = now
        if p.internal:
            self._on_internal_response(p, rs.cc, rs.data, now)
        else:
            self._events.append(ResponseReceived(p.rq_seq, p.netfn, p.cmd, rs.cc, rs.data))
        self._pump(now)

    def _on_internal_response(self, p: Pending, cc: int, data: bytes, now: float) -> None:
        if p.cmd == AppCmd.SET_SESSION_PRIVILEGE_LEVEL:
            if cc != 0:
                self._fail(PrivilegeUnavailable(
                    f"the BMC refused privilege level {Privilege(self.config.privilege).name} "
                    f"(Set Session Privilege Level completion code 0x{cc:02x})"
                ))
                return
            if data:
                self.privilege = data[0] & 0x0F
            self._establish(now)
        elif p.cmd == AppCmd.CLOSE_SESSION:
            self._finish(SessionClosed("closed"))

    # ------------------------------------------------------------------ sending
    def _enqueue(self, netfn: int, cmd: int, data: bytes, now: float, internal: bool) -> int:
        self._rq_seq = (self._rq_seq + 1) & 0x3F
        pending = Pending(self._rq_seq, netfn, cmd, data, internal=internal)
        if internal:
            self._queue.insert(0, pending)
        else:
            self._queue.append(pending)
        self._pump(now)
        return pending.rq_seq

    def _pump(self, now: float) -> None:
        if self._inflight is None and self._queue and self.state in _SESSION_STATES:
            self._inflight = self._queue.pop(0)
            self._transmit_inflight(now)

    def _transmit_inflight(self, now: float) -> None:
        p = self._inflight
        assert p is not None
        msg = frame.encode_ipmi_request(BMC_SLAVE_ADDR, p.netfn, 0, REMOTE_SWID, p.rq_seq, 0, p.cmd, p.data)
        self._outbox.append(self._seal(PayloadType.IPMI, msg))
        p.tries += 1
        self._deadline = now + self._try_timeout(p.tries)
        self._last_activity = now

    def _timeout_inflight(self, now: float) -> None:
        p = self._inflight
        assert p is not None
        self._inflight = None
        self._deadline = None
        error = SessionTimeout(f"no response to netfn 0x{p.netfn:02x} cmd 0x{p.cmd:02x} after {p.tries} tries")
        if p.internal and p.cmd == AppCmd.CLOSE_SESSION:
            self._finish(SessionClosed("close session not answered"))
        elif p.internal:
            self._fail(error)
        else:
            self._events.append(RequestFailed(p.rq_seq, p.netfn, p.cmd, error))
            self._pump(now)

    def _send_handshake(self, ptype: int, payload: bytes, now: float) -> None:
        self._handshake_payload = (ptype, payload)
        self._handshake_tries += 1
        self._outbox.append(frame.encode_v20_session(ptype, 0, 0, payload))
        self._deadline = now + self._try_timeout(self._handshake_tries)

    # ------------------------------------------------------------------ helpers
    def _try_timeout(self, tries: int) -> float:
        return self.config.timeout * self.config.backoff ** (tries - 1)

    def total_timeout(self) -> float:
        """How long one exchange can take before it fails: every try with its backoff."""
        return sum(self._try_timeout(t) for t in range(1, self.config.retries + 2))

    def _role(self) -> int:
        return self.config.privilege | (NAME_ONLY_LOOKUP if self.config.name_only_lookup else 0)

    def _random_nonzero_u32(self) -> int:
        while True:
            value = int.from_bytes(self._rng(4), "little")
            if value:
                return value

    def _establish(self, now: float) -> None:
        self._last_activity = now
        self.state = ClientState.ESTABLISHED
        self._events.append(SessionEstablished(self.sid_m, self.sid_c, self.suite.id, self.privilege))



def _equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)
