"""The managed system (BMC) side of IPMI v1.5 LAN sessions, sans-IO (IPMI v2.0 §6.12, §13.6, §22.13-22.19).

Pre-session requests carry session ID 0, so they cannot be routed to a session: a simulator routes IPMI v1.5
datagrams (``frame.peek`` gives auth type != 06h) like this::

    _cls, _auth, _ptype, session_id = frame.peek(datagram)
    if session_id == 0:
        answer = answer_presession(datagram, config)        # Get Channel Authentication Capabilities, errors
        if answer is not None:
            send(answer)
        elif is_session_challenge(datagram):                 # one BmcSession15 per Get Session Challenge
            session = BmcSession15(config, session_id=..., temp_session_id=..., rng=rng, now=now)
            session.receive_datagram(datagram, now)
            table[peer, session.temp_session_id] = table[peer, session.session_id] = session
    else:
        table[peer, session_id].receive_datagram(datagram, now)   # Activate Session uses the temporary ID

The simulator picks both IDs, unique on its socket and non-zero (ipmi_sim uses odd temporary and even session
IDs). A session is forgotten when its state is CLOSED or FAILED and ``get_timer()`` is None: until then it answers
retransmitted Activate Session and Close Session requests from its cache. A retransmitted Get Session Challenge
creates a second half-open session that expires after ``handshake_timeout`` (ipmi_sim does the same).

``BmcSession15`` answers Get Session Challenge, Activate Session, Set Session Privilege Level and Close Session
itself and answers retransmitted requests from a cache (a lost answer never executes a command twice); every other
request becomes a ``RequestReceived`` event that the owner answers with ``respond()``. Packets whose AuthCode does
not verify are discarded silently, as ipmi_sim does (§22.17 has no completion code for a bad AuthCode): a console
with a wrong password sees no answer to Activate Session. Answers use the authentication type of their request.

``Bmc15Config.quirks`` EMULATES vendor bugs, each named after the FreeIPMI workaround flag a console needs against
it (the same names as ``session15.KNOWN_QUIRKS15``), for simulator profiles and the client's workaround tests.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from dataclasses import dataclass, field

from ipmifast.errors import AuthenticationError, DecodeError, LocalProtocolError
from ipmifast.proto import frame
from ipmifast.proto._base import Rng
from ipmifast.proto.bmc import CC_PRIVILEGE_EXCEEDS_LIMIT, RECENT_REQUESTS, BmcUser
from ipmifast.proto.consts import (
    MAX_USERNAME_LEN,
    PRIVILEGE_MASK,
    AppCmd,
    AuthType,
    NetFn,
    Privilege,
    RmcpClass,
)
from ipmifast.proto.events import RequestReceived, SessionClosed, SessionEstablished, SessionFailed
from ipmifast.proto.records import IpmiRequest, V15Packet
from ipmifast.proto.session15 import (
    ACTIVATE_RQ_LEN,
    AUTH_TYPES_V20_EXTENDED,
    CHALLENGE_LEN,
    CURRENT_CHANNEL,
    KNOWN_QUIRKS15,
    NO_CIPHER_SUITE,
    REQUEST_V20_DATA,
    STATUS_ANONYMOUS_LOGIN,
    STATUS_NON_NULL_USERS,
    STATUS_NULL_USERS,
    STATUS_PER_MESSAGE_AUTH_DISABLED,
    STATUS_USER_LEVEL_AUTH_DISABLED,
    V15_AUTH_TYPES,
    Session15Base,
    auth_code_ok,
    bswap32,
    wrap,
)

# Completion codes (Table 5-2 and the command-specific ones of §22.16-22.19)
CC_INVALID_DATA_FIELD = 0xCC
CC_REQUEST_DATA_LENGTH_INVALID = 0xC7
CC_NOT_SUPPORTED_IN_PRESENT_STATE = 0xD5
CC_INVALID_USER_NAME = 0x81  # Get Session Challenge
CC_NULL_USER_NOT_ENABLED = 0x82  # Get Session Challenge
CC_SEQUENCE_OUT_OF_RANGE = 0x84  # Activate Session
CC_ACTIVATE_PRIVILEGE_EXCEEDS_LIMIT = 0x86  # Activate Session
CC_INVALID_SESSION_ID = 0x87  # Close Session
#: ``Bmc15Config.users``: a user with this name is the null user (user 1); with an empty password, anonymous login
NULL_USER = b""


@dataclass(frozen=True)
class Bmc15Config:
    """What the BMC side of IPMI v1.5 sessions needs: users, enabled authentication types, channel policy."""

    users: tuple[BmcUser, ...] = ()
    #: authentication types enabled for every privilege (ipmi_sim's allowed_auths_*; its normal profile: MD2, MD5)
    auth_types: frozenset[int] = frozenset({AuthType.MD2, AuthType.MD5})
    #: False: packets after Activate Session may go without AuthCode (Get Channel Auth Caps says so)
    per_message_auth: bool = True
    #: False: USER-level traffic may go without AuthCode even with per-message authentication
    user_level_auth: bool = True
    channel: int = 1
    privilege_limit: int = Privilege.ADMINISTRATOR
    manufacturer_id: int = 0  # the OEM ID of Get Channel Auth Caps (0: none)
    #: the channel also takes RMCP+ sessions (reported when the console asks for IPMI v2.0 data)
    ipmi20: bool = False
    #: §22.19 / §6.12: a session with no traffic for this long is closed
    idle_timeout: float = 60.0
    #: a half-open handshake is forgotten after this long; a closed or failed session lingers this long
    handshake_timeout: float = 10.0
    #: vendor bugs to EMULATE, named after the console's FreeIPMI workaround flag (see the module docstring)
    quirks: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not set(self.auth_types) <= V15_AUTH_TYPES:
            raise LocalProtocolError("auth_types must be NONE, MD2, MD5 or PASSWORD")
        unknown = set(self.quirks) - KNOWN_QUIRKS15
        if unknown:
            raise LocalProtocolError(f"unknown BMC quirk(s): {', '.join(sorted(unknown))}")

    def find_user(self, name16: bytes) -> BmcUser | None:
        """Get Session Challenge user lookup: by the 16-byte NUL-padded name only (as ipmi_sim does)."""
        for user in self.users:
            if user.enabled and user.name.ljust(MAX_USERNAME_LEN, b"\0") == name16:
                return user
        return None

    def auth_status(self) -> int:
        """The authentication status byte of Get Channel Authentication Capabilities (§22.13)."""
        status = 0
        if not self.per_message_auth or "forcepermsg" in self.quirks:  # forcepermsg: misreported as disabled
            status |= STATUS_PER_MESSAGE_AUTH_DISABLED
        if not self.user_level_auth:
            status |= STATUS_USER_LEVEL_AUTH_DISABLED
        for user in self.users:
            if not user.enabled:
                continue
            if user.name != NULL_USER:
                status |= STATUS_NON_NULL_USERS
            elif user.password:
                status |= STATUS_NULL_USERS
            else:
                status |= STATUS_ANONYMOUS_LOGIN
        return status

    def __repr__(self) -> str:
        return (
            f"Bmc15Config(users={len(self.users)}, auth_types={sorted(self.auth_types)}, "
            f"per_message_auth={self.per_message_auth}, quirks={sorted(self.quirks)})"
        )


def _response(rq: IpmiRequest, cc: int, data: bytes, quirks: frozenset[str]) -> bytes:
    msg = frame.encode_ipmi_response(rq.rq_addr, rq.netfn | 1, rq.rq_lun, rq.rs_addr, rq.rq_seq, rq.rs_lun,
                                     rq.cmd, cc, data)
    if "nochecksumcheck" in quirks:  # Supermicro X9: the data checksum is wrong
        msg = msg[:-1] + bytes(((msg[-1] + 1) & 0xFF,))
    return msg


def _presession_request(datagram: bytes) -> IpmiRequest | None:
    """The IPMI request of a pre-session v1.5 datagram (session ID 0, no AuthCode), or None."""
    try:
        rmcp_class, auth_type, _ptype, session_id = frame.peek(datagram)
        if rmcp_class != RmcpClass.IPMI or auth_type != AuthType.NONE or session_id != 0:
            return None
        return frame.decode_ipmi_request(frame.decode_v15_session(datagram).msg)
    except DecodeError:
        return None


def is_session_challenge(datagram: bytes) -> bool:
    """Is this a pre-session Get Session Challenge request (the one that starts a ``BmcSession15``)?"""
    rq = _presession_request(datagram)
    return rq is not None and (rq.netfn, rq.cmd) == (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE)


def channel_auth_capabilities(config: Bmc15Config, data: bytes) -> tuple[int, bytes]:
    """(completion code, response data) of Get Channel Authentication Capabilities (§22.13)."""
    if len(data) < 2:
        return CC_REQUEST_DATA_LENGTH_INVALID, b""
    channel = data[0] & 0x0F
    if channel == CURRENT_CHANNEL:
        channel = config.channel
    privilege = data[1] & PRIVILEGE_MASK
    if channel != config.channel or not Privilege.CALLBACK <= privilege <= config.privilege_limit:
        return CC_INVALID_DATA_FIELD, b""
    v20 = bool(data[0] & REQUEST_V20_DATA)
    auth_types = 0
    for auth_type in config.auth_types:
        auth_types |= 1 << auth_type
    status = config.auth_status()
    if "authcap" in config.quirks:  # Asus P5M2-like: no user name kinds and no authentication types reported
        auth_types = 0
        status &= ~(STATUS_ANONYMOUS_LOGIN | STATUS_NULL_USERS | STATUS_NON_NULL_USERS)
    extended = 0
    if v20:
        auth_types |= AUTH_TYPES_V20_EXTENDED
        extended = 0x01 | (0x02 if config.ipmi20 else 0)
    oem = config.manufacturer_id.to_bytes(3, "little")
    return 0, bytes((channel, auth_types, status, extended)) + oem + b"\x00"


def answer_presession(datagram: bytes, config: Bmc15Config) -> bytes | None:
    """Answer a pre-session IPMI v1.5 request (session ID 0) without any session state.

    Get Channel Authentication Capabilities is answered; other commands get completion code D5h ("not supported in
    present state", as ipmi_sim answers). None for Get Session Challenge (it starts a ``BmcSession15``: see the
    module docstring) and for anything that is not a well-formed pre-session v1.5 request.
    """
    rq = _presession_request(datagram)
    if rq is None or (rq.netfn, rq.cmd) == (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE):
        return None
    if (rq.netfn, rq.cmd) == (NetFn.APP, AppCmd.GET_CHANNEL_AUTH_CAPABILITIES):
        cc, data = channel_auth_capabilities(config, rq.data)
    else:
        cc, data = CC_NOT_SUPPORTED_IN_PRESENT_STATE, b""
    return frame.encode_v15_session(AuthType.NONE, 0, 0, b"", _response(rq, cc, data, config.quirks))


class BmcState15(enum.Enum):
    """Named after what was last sent."""

    LISTEN = "listening"
    CHALLENGE_SENT = "session challenge sent"
    ACTIVE = "session activated"
    CLOSED = "closed"
    FAILED = "failed"


@dataclass
class _Answer:
    auth_type: int  # the request's, so the answer's
    msg: bytes | None = None  # None while the owner processes the request


class BmcSession15(Session15Base):
    """The BMC's half of one IPMI v1.5 session (sans-IO), from its Get Session Challenge on."""

    def __init__(self, config: Bmc15Config, session_id: int, temp_session_id: int, rng: Rng, now: float) -> None:
        super().__init__(rng)
        if not 0 < session_id <= 0xFFFFFFFF or not 0 < temp_session_id <= 0xFFFFFFFF:
            raise LocalProtocolError("session IDs must be non-zero 32-bit numbers")
        if session_id == temp_session_id:
            raise LocalProtocolError("the temporary and the session ID must differ")
        self.config = config
        self.session_id = session_id
        self.temp_session_id = temp_session_id
        self.state = BmcState15.LISTEN
        self.user: BmcUser | None = None
        self.auth_type: int = AuthType.NONE
        #: the maximum privilege of Activate Session, and the session's current operating privilege
        self.max_privilege = 0
        self.privilege = 0
        self._challenge = b""
        self._last_handshake: tuple[bytes, bytes] | None = None  # (request datagram, answer datagram)
        self._recent: OrderedDict[tuple[int, int, int, bytes], _Answer] = OrderedDict()
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
        if self.state is not BmcState15.ACTIVE:
            raise LocalProtocolError(f"respond() in state {self.state.value}")
        if not 0 <= cc <= 0xFF:
            raise LocalProtocolError(f"completion code {cc} is not a byte")
        key = (request.rq_seq, request.netfn, request.cmd, request.data)
        answer = self._recent.get(key)
        if answer is None or answer.msg is not None:
            raise LocalProtocolError("respond() to a request that is not waiting for an answer")
        rq = IpmiRequest(request.rs_addr, request.netfn, request.rs_lun, request.rq_addr, request.rq_seq,
                         request.rq_lun, request.cmd, request.data)
        answer.msg = _response(rq, cc, bytes(data), self.config.quirks)
        self._send(answer.msg, answer.auth_type)

    def datagrams_to_send(self, now: float) -> list[bytes]:
        out, self._outbox = self._outbox, []
        return out

    def get_timer(self) -> float | None:
        return self._deadline

    def handle_timer(self, now: float) -> None:
        if self._deadline is None or now < self._deadline:
            return
        if self.state is BmcState15.ACTIVE:
            self._close(f"idle for {self.config.idle_timeout:g} s")
        elif self.state in (BmcState15.LISTEN, BmcState15.CHALLENGE_SENT):
            self._close("handshake not completed in time")
        self._deadline = None

    # ------------------------------------------------------------------ receiving
    def _receive(self, data: bytes, now: float) -> None:
        rmcp_class, auth_type, _payload_type, session_id = frame.peek(data)
        if rmcp_class != RmcpClass.IPMI or auth_type == AuthType.RMCP_PLUS:
            self._drop("not an IPMI v1.5 packet")
            return
        if self._last_handshake is not None and self._last_handshake[0] == data:
            self._outbox.append(self._last_handshake[1])  # the answer was lost: the same answer again
            return
        packet = frame.decode_v15_session(data)
        if self.state is BmcState15.LISTEN and session_id == 0:
            self._on_presession(packet, data, now)
        elif self.state is BmcState15.CHALLENGE_SENT and session_id == self.temp_session_id:
            self._on_activate_session(packet, data, now)
        elif session_id == self.session_id and self.state in (BmcState15.ACTIVE, BmcState15.CLOSED):
            self._on_session_packet(packet, now)
        else:
            self._drop("unknown session ID")

    def _on_presession(self, packet: V15Packet, datagram: bytes, now: float) -> None:
        if packet.auth_type != AuthType.NONE:
            self._drop("pre-session request with an AuthCode")
            return
        rq = frame.decode_ipmi_request(packet.msg)
        if (rq.netfn, rq.cmd) != (NetFn.APP, AppCmd.GET_SESSION_CHALLENGE):
            self._drop("pre-session request other than Get Session Challenge")
            return
        cc, user = self._challenge_check(rq.data)
        if cc or user is None:
            self._answer_handshake(datagram, self._presession(_response(rq, cc, b"", self.config.quirks)))
            self._fail_quietly(f"Get Session Challenge refused: completion code 0x{cc:02x}", now)
            return
        self.user = user
        self.auth_type = rq.data[0] & 0x0F
        self._challenge = self._rng(CHALLENGE_LEN)
        answer = self.temp_session_id.to_bytes(4, "little") + self._challenge
        self._answer_handshake(datagram, self._presession(_response(rq, 0, answer, self.config.quirks)))
        self.state = BmcState15.CHALLENGE_SENT
        self._deadline = now + self.config.handshake_timeout

    def _challenge_check(self, data: bytes) -> tuple[int, BmcUser | None]:
        if len(data) < 1 + MAX_USERNAME_LEN:
            return CC_REQUEST_DATA_LENGTH_INVALID, None
        if data[0] & 0x0F not in self.config.auth_types:
            return CC_INVALID_DATA_FIELD, None
        name16 = bytes(data[1 : 1 + MAX_USERNAME_LEN])
        user = self.config.find_user(name16)
        if user is None:
            return (CC_NULL_USER_NOT_ENABLED if name16 == bytes(MAX_USERNAME_LEN) else CC_INVALID_USER_NAME), None
        return 0, user

    def _on_activate_session(self, packet: V15Packet, datagram: bytes, now: float) -> None:
        assert self.user is not None
        if packet.auth_type != self.auth_type:
            self._drop("Activate Session with another authentication type than challenged")
            return
        if not auth_code_ok(packet, self.user.password):
            self._drop("AuthCode does not verify")  # wrong password: discarded without an answer
            return
        rq = frame.decode_ipmi_request(packet.msg)
        if (rq.netfn, rq.cmd) != (NetFn.APP, AppCmd.ACTIVATE_SESSION):
            self._drop("only Activate Session may use the temporary session ID")
            return
        data = rq.data
        if len(data) < ACTIVATE_RQ_LEN:
            self._refuse_activation(rq, datagram, CC_REQUEST_DATA_LENGTH_INVALID, 0, now)
            return
        if data[0] & 0x0F != self.auth_type or data[2 : 2 + CHALLENGE_LEN] != self._challenge:
            self._drop("Activate Session with another challenge")  # ipmi_sim discards these too
            return
        outbound = int.from_bytes(data[2 + CHALLENGE_LEN : ACTIVATE_RQ_LEN], "little")
        privilege = data[1] & PRIVILEGE_MASK
        if outbound == 0:
            self._refuse_activation(rq, datagram, CC_SEQUENCE_OUT_OF_RANGE, 0, now)
            return
        if not Privilege.CALLBACK <= privilege <= Privilege.OEM:
            self._refuse_activation(rq, datagram, CC_INVALID_DATA_FIELD, outbound, now)
            return
        if privilege > self.user.max_privilege or privilege > self.config.privilege_limit:
            self._refuse_activation(rq, datagram, CC_ACTIVATE_PRIVILEGE_EXCEEDS_LIMIT, outbound, now)
            return
        inbound = self._random_nonzero_u32()
        per_message = self.config.per_message_auth and "forcepermsg" not in self.config.quirks
        remainder = self.auth_type if per_message else AuthType.NONE  # forcepermsg: NONE reported, yet required
        answer = (
            bytes((remainder,)) + self.session_id.to_bytes(4, "little") + inbound.to_bytes(4, "little")
            + bytes((privilege,))
        )
        # The answer carries the console's initial outbound sequence number; our session packets go on from there
        self._answer_handshake(datagram, self._activation_datagram(_response(rq, 0, answer, self.config.quirks),
                                                                   outbound))
        self._out_seq = outbound
        self._window.anchor(inbound)
        self.max_privilege = privilege
        self.privilege = min(privilege, Privilege.USER)
        self.state = BmcState15.ACTIVE
        self._deadline = now + self.config.idle_timeout
        self._events.append(SessionEstablished(0, self.session_id, NO_CIPHER_SUITE, privilege))

    def _refuse_activation(self, rq: IpmiRequest, datagram: bytes, cc: int, seq: int, now: float) -> None:
        # an authenticated request gets an authenticated error answer (ipmi_sim's "dummy session")
        self._answer_handshake(datagram, self._activation_datagram(_response(rq, cc, b"", self.config.quirks), seq))
        self._fail_quietly(f"Activate Session refused: completion code 0x{cc:02x}", now)

    def _activation_datagram(self, msg: bytes, seq: int) -> bytes:
        assert self.user is not None
        if "endianseq" in self.config.quirks:
            seq = bswap32(seq)
        return self._authenticated(self.auth_type, seq, self.temp_session_id, msg)

    def _on_session_packet(self, packet: V15Packet, now: float) -> None:
        reason = self._auth_reason(packet)
        if reason is not None:
            self._drop(reason)
            return
        rq = frame.decode_ipmi_request(packet.msg)
        reason = self._window.check(packet.session_seq)
        if reason is not None:
            self._drop(reason)
            return
        key = (rq.rq_seq, rq.netfn, rq.cmd, rq.data)
        cached = self._recent.get(key)
        if cached is not None:
            if cached.msg is None:
                self._drop("duplicate of a request being processed")
            else:  # the answer was lost: send it again, do not execute the command twice
                self._send(cached.msg, packet.auth_type)
            return
        if self.state is not BmcState15.ACTIVE:
            self._drop(f"request in state {self.state.value}")
            return
        self._deadline = now + self.config.idle_timeout
        self._recent[key] = _Answer(packet.auth_type)
        while len(self._recent) > RECENT_REQUESTS:
            self._recent.popitem(last=False)
        event = RequestReceived(rq.rq_seq, rq.netfn, rq.cmd, rq.data, rq.rq_addr, rq.rq_lun, rq.rs_addr, rq.rs_lun)
        if rq.netfn == NetFn.APP and rq.cmd == AppCmd.SET_SESSION_PRIVILEGE_LEVEL:
            self._set_session_privilege(event)
        elif rq.netfn == NetFn.APP and rq.cmd == AppCmd.CLOSE_SESSION:
            self._close_session(event, now)
        else:
            self._events.append(event)

    def _auth_reason(self, packet: V15Packet) -> str | None:
        assert self.user is not None
        if packet.auth_type == self.auth_type:
            return None if auth_code_ok(packet, self.user.password) else "AuthCode does not verify"
        if packet.auth_type != AuthType.NONE:
            return "authentication type differs from the session's"
        if not self.config.per_message_auth:
            return None
        if not self.config.user_level_auth and self.privilege <= Privilege.USER:
            return None
        return "unauthenticated packet in a session with per-message authentication"

    def _set_session_privilege(self, rq: RequestReceived) -> None:
        if len(rq.data) != 1:
            self.respond(rq, CC_REQUEST_DATA_LENGTH_INVALID)
            return
        requested = rq.data[0] & PRIVILEGE_MASK
        if requested == 0:  # "no change: just return present privilege level"
            self.respond(rq, 0, bytes((self.privilege,)))
        elif not Privilege.CALLBACK <= requested <= Privilege.OEM:
            self.respond(rq, CC_INVALID_DATA_FIELD)
        elif requested > self.max_privilege:
            self.respond(rq, CC_PRIVILEGE_EXCEEDS_LIMIT)
        else:
            self.privilege = requested
            self.respond(rq, 0, bytes((requested,)))

    def _close_session(self, rq: RequestReceived, now: float) -> None:
        if len(rq.data) < 4:
            self.respond(rq, CC_REQUEST_DATA_LENGTH_INVALID)
            return
        if int.from_bytes(rq.data[:4], "little") != self.session_id:
            self.respond(rq, CC_INVALID_SESSION_ID)
            return
        self.respond(rq, 0)
        self._close("closed by the console")
        self._deadline = now + self.config.handshake_timeout  # linger: answer a retransmitted Close Session

    # ------------------------------------------------------------------ sending
    def _send(self, msg: bytes, request_auth: int) -> None:
        # Dell PowerEdge 2850 (unexpectedauth): answers authenticated even when per-message auth is disabled
        auth_type = self.auth_type if "unexpectedauth" in self.config.quirks else request_auth
        seq = self._next_out_seq()
        if "endianseq" in self.config.quirks:  # Sun ILOM: the sequence number goes out big-endian
            seq = bswap32(seq)
        session_id = 0 if "idzero" in self.config.quirks else self.session_id  # Tyan S2882: session ID 0
        self._outbox.append(self._authenticated(auth_type, seq, session_id, msg))

    def _authenticated(self, auth_type: int, seq: int, session_id: int, msg: bytes) -> bytes:
        assert self.user is not None
        datagram = wrap(auth_type, self.user.password, seq, session_id, msg)
        if "noauthcodecheck" in self.config.quirks and auth_type != AuthType.NONE:
            # Intel Windmill-like: a hash nobody can reproduce (every AuthCode bit inverted)
            packet = frame.decode_v15_session(datagram)
            bad = bytes(b ^ 0xFF for b in packet.auth_code)
            datagram = frame.encode_v15_session(auth_type, seq, session_id, bad, msg)
        return datagram

    def _presession(self, msg: bytes) -> bytes:
        return frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg)

    def _answer_handshake(self, request: bytes, answer: bytes) -> None:
        self._last_handshake = (request, answer)
        self._outbox.append(answer)

    # ------------------------------------------------------------------ helpers
    def _close(self, reason: str) -> None:
        self.state = BmcState15.CLOSED
        self._deadline = None
        self._events.append(SessionClosed(reason))

    def _fail_quietly(self, reason: str, now: float) -> None:
        """The handshake ended with an error answer already sent; it lingers to repeat that answer, then is done."""
        self.state = BmcState15.FAILED
        self._deadline = now + self.config.handshake_timeout
        self._events.append(SessionFailed(AuthenticationError(reason)))
