"""The remote console side of an IPMI v1.5 LAN session, sans-IO (ipmitool's ``-I lan``, FreeIPMI's ``-D LAN``).

IPMI v2.0 rev 1.1: the v1.5 session wrapper (§13.6, Table 13-4), AuthCodes (§22.17.1), session sequence numbers and
the receive window (§6.12.13), and the commands Get Channel Authentication Capabilities (§22.13), Get Session
Challenge (§22.16), Activate Session (§22.17), Set Session Privilege Level (§22.18) and Close Session (§22.19).

``ClientSession15`` has the shape of the RMCP+ ``ClientSession``: the caller passes ``now`` and an ``rng``, feeds
datagrams in, pumps datagrams and events out. Handshake: Get Channel Authentication Capabilities (channel 0Eh, the
requested privilege, session ID 0, no AuthCode) → the requested authentication type must be enabled → Get Session
Challenge (authentication type, 16-byte user name) → Activate Session with the temporary session ID, sequence
number 0 and the AuthCode, carrying the challenge and our initial outbound sequence number → from then on the
session ID and the initial inbound sequence number the BMC assigned → Set Session Privilege Level → established.

Per-message authentication: every packet after activation carries the session's AuthCode unless Get Channel
Authentication Capabilities says per-message authentication is disabled and the Activate Session response gives
NONE as the "authentication type for the remainder of the session" (a non-NONE type there turns it back on, as
FreeIPMI reads that field). Then requests go out with authentication type NONE and NONE answers are expected.
When the BMC reports user-level authentication disabled, unauthenticated answers are also accepted while the
session runs at USER privilege or below (our requests stay authenticated: a BMC always accepts those).

Interpretations (the spec leaves these open; ipmitool, FreeIPMI and ipmi_sim were read to settle them):

- Receive window (§6.12.13): a packet is accepted once, up to 8 numbers ahead of or behind the highest accepted
  (FreeIPMI, ipmipower and ipmi_sim use 8 both ways). It starts just below our initial outbound sequence number:
  BMCs answer Activate Session with that number (ipmi_sim then reuses it for its first session packet, other BMCs
  go on from the next one), so the Activate Session answer itself is not counted. Every retransmit takes a new
  number, so more than 8 packets lost in a row in one direction stall the session: our window rejects the BMC's
  answers, or the BMC's (ipmi_sim's too) rejects our requests. Requests then fail with ``RequestFailed``; the
  caller opens a new session. FreeIPMI has the same window; ipmitool checks none but meets the BMC's.
- A wrong password is invisible on the wire: a BMC silently discards an Activate Session whose AuthCode does not
  verify (ipmi_sim does; §22.17 has no completion code for it). An Activate Session unanswered after every
  retransmit therefore fails with ``BadPasswordError`` (FreeIPMI's "password verification timeout") unless the
  authentication type is NONE.
- Requests are serialised and retransmitted with a new session sequence number and the same rqSeq; the handshake
  requests are retransmitted unchanged (their sequence number is 0). Close Session is retransmitted until answered.
- IPMI v1.5 has no console session ID: ``connect(now, sid_m)`` only records ``sid_m`` as the engine's own tag,
  reported back in ``SessionEstablished.sid_m``; ``cipher_suite`` is ``NO_CIPHER_SUITE`` (-1) there. An engine
  demultiplexes v1.5 sessions by peer address: pre-session answers carry session ID 0.

Vendor workarounds are FreeIPMI's flags (``Session15Config.quirks``, quirks.md), never heuristics.
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
    SessionTimeout,
)
from ipmifast.proto import crypto, frame
from ipmifast.proto._base import Rng
from ipmifast.proto._requests import Pending, RequestQueue
from ipmifast.proto.consts import (
    BMC_SLAVE_ADDR,
    MAX_USERNAME_LEN,
    PRIVILEGE_MASK,
    REMOTE_SWID,
    V15_PASSWORD_LEN,
    AppCmd,
    AuthType,
    NetFn,
    Privilege,
    RmcpClass,
    completion_code_text,
)
from ipmifast.proto.events import (
    Event,
    PacketDropped,
    RequestFailed,
    ResponseReceived,
    SessionClosed,
    SessionEstablished,
)
from ipmifast.proto.records import IpmiResponse, V15Packet
from ipmifast.proto.replay import SEQ_MOD, ReplayWindow, next_seq

#: Workaround flags of the v1.5 session, FreeIPMI's names (``-W``; quirks.md, FreeIPMI's workaround man page).
KNOWN_QUIRKS15 = frozenset(
    {
        "authcap",  # skip the user name and authentication type checks on Get Channel Auth Caps (Asus, Intel, Sun)
        "idzero",  # accept session ID 0 in the BMC's session packets (Tyan S2882 / M3289)
        "forcepermsg",  # per-message authentication whatever the BMC advertises (IBM eServer 325)
        "unexpectedauth",  # per-message auth disabled, yet answers carry the session AuthCode: check it (Dell PE 2850)
        "endianseq",  # the BMC's session sequence numbers are byte-swapped (Sun ILOM 1.0/2.0)
        "noauthcodecheck",  # do not verify the BMC's AuthCodes (Xyratex, Intel/Quanta/Wiwynn Windmill)
        "nochecksumcheck",  # do not verify IPMI message checksums in answers (Supermicro X9)
    }
)

#: IPMI v1.5 session authentication types this implementation speaks (Table 13-3; OEM is vendor-defined)
V15_AUTH_TYPES = frozenset({AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.PASSWORD})
#: ``SessionEstablished.cipher_suite`` of an IPMI v1.5 session: v1.5 has no cipher suites
NO_CIPHER_SUITE = -1
#: Get Channel Authentication Capabilities: "retrieve information for the channel this request was issued on"
CURRENT_CHANNEL = 0x0E
CHALLENGE_LEN = 16  # Get Session Challenge response, challenge string (§22.16)

# Get Channel Authentication Capabilities response data after the completion code (§22.13)
CAPS_CHANNEL = 0
CAPS_AUTH_TYPES = 1  # bit n set: authentication type n supported; bit 7: IPMI v2.0 extended capabilities
CAPS_STATUS = 2
CAPS_EXTENDED = 3  # bit 1: IPMI v2.0 connections, bit 0: IPMI v1.5 connections (only with bit 7 of the request)
CAPS_V15_LEN = 8  # channel, auth types, status, extended, OEM ID (3), OEM auxiliary data
AUTH_TYPES_V20_EXTENDED = 0x80
STATUS_KG_SET = 0x20
STATUS_PER_MESSAGE_AUTH_DISABLED = 0x10
STATUS_USER_LEVEL_AUTH_DISABLED = 0x08
STATUS_NON_NULL_USERS = 0x04
STATUS_NULL_USERS = 0x02
STATUS_ANONYMOUS_LOGIN = 0x01
REQUEST_V20_DATA = 0x80  # request byte 1, bit 7: "get IPMI v2.0+ extended data"

# Activate Session request and response data (§22.17)
ACTIVATE_RQ_LEN = 2 + CHALLENGE_LEN + 4  # auth type, max privilege, challenge, initial outbound sequence number
ACTIVATE_RS_LEN = 10  # auth type for the remainder, session ID, initial inbound sequence number, max privilege
_MIN_ANSWER_LEN: dict[int, int] = {
    AppCmd.GET_CHANNEL_AUTH_CAPABILITIES: CAPS_STATUS + 1,
    AppCmd.GET_SESSION_CHALLENGE: 4 + CHALLENGE_LEN,
    AppCmd.ACTIVATE_SESSION: ACTIVATE_RS_LEN,
}
#: an IPMI v1.5 session wrapper carries at most 255 message bytes; a request message has 7 besides its data
MAX_REQUEST_DATA = 0xFF - 7

#: Command-specific completion codes of the session commands (§22.16-22.19), the spec's text
SESSION_CC_TEXT: dict[int, dict[int, str]] = {
    AppCmd.GET_SESSION_CHALLENGE: {
        0x81: "invalid user name",
        0x82: "null user name (user 1) not enabled",
    },
    AppCmd.ACTIVATE_SESSION: {
        0x81: "no session slot available (the BMC cannot accept any more sessions)",
        0x82: "no slot available for the given user (the limit of sessions for this user name is reached)",
        0x83: "no slot available to support the user due to maximum privilege capability",
        0x84: "session sequence number out of range",
        0x85: "invalid session ID in request",
        0x86: "requested maximum privilege level exceeds user and/or channel privilege limit",
    },
    AppCmd.SET_SESSION_PRIVILEGE_LEVEL: {
        0x80: "requested level not available for this user",
        0x81: "requested level exceeds user and/or channel privilege limit",
        0x82: "cannot disable user level authentication",
    },
    AppCmd.CLOSE_SESSION: {
        0x87: "invalid session ID in request",
        0x88: "invalid session handle in request",
    },
}
_COMMAND_NAMES: dict[int, str] = {
    AppCmd.GET_CHANNEL_AUTH_CAPABILITIES: "Get Channel Authentication Capabilities",
    AppCmd.GET_SESSION_CHALLENGE: "Get Session Challenge",
    AppCmd.ACTIVATE_SESSION: "Activate Session",
    AppCmd.SET_SESSION_PRIVILEGE_LEVEL: "Set Session Privilege Level",
    AppCmd.CLOSE_SESSION: "Close Session",
}
_PRIVILEGE_ERRORS = frozenset({(AppCmd.ACTIVATE_SESSION, 0x86), (AppCmd.SET_SESSION_PRIVILEGE_LEVEL, 0x80),
                               (AppCmd.SET_SESSION_PRIVILEGE_LEVEL, 0x81)})


def session_cc_text(cmd: int, cc: int) -> str:
    """The spec's text for completion code ``cc`` of session command ``cmd`` (command-specific ones first)."""
    return SESSION_CC_TEXT.get(cmd, {}).get(cc) or completion_code_text(cc)


def handshake_error(cmd: int, cc: int) -> AuthenticationError:
    """The specific exception for a non-zero completion code of a session command (§22.13-22.19)."""
    text = f"{_COMMAND_NAMES.get(cmd, f'command 0x{cmd:02x}')}: {session_cc_text(cmd, cc)} (completion code 0x{cc:02x})"
    if (cmd, cc) in _PRIVILEGE_ERRORS:
        return PrivilegeUnavailable(text)
    return AuthenticationError(text)


def auth_type_name(auth_type: int) -> str:
    """``MD5``, ``PASSWORD``... for messages."""
    try:
        return AuthType(auth_type).name
    except ValueError:
        return f"0x{auth_type:02x}"


def privilege_name(privilege: int) -> str:
    try:
        return Privilege(privilege).name
    except ValueError:
        return f"0x{privilege:02x}"


def wrap(auth_type: int, password: bytes, session_seq: int, session_id: int, msg: bytes) -> bytes:
    """An IPMI v1.5 session datagram with the AuthCode of ``auth_type`` over the header fields as sent."""
    code = crypto.auth_code_v15(auth_type, password, session_id, msg, session_seq)
    return frame.encode_v15_session(auth_type, session_seq, session_id, code, msg)


def auth_code_ok(packet: V15Packet, password: bytes) -> bool:
    """Does the packet's AuthCode verify for its own authentication type (constant time; NONE always does)?"""
    if packet.auth_type not in V15_AUTH_TYPES:
        return False
    expected = crypto.auth_code_v15(packet.auth_type, password, packet.session_id, packet.msg, packet.session_seq)
    return hmac.compare_digest(expected, packet.auth_code)


def bswap32(value: int) -> int:
    """The 32-bit value with its bytes in the other order (FreeIPMI's ``endianseq``)."""
    return int.from_bytes(value.to_bytes(4, "little"), "big")


class ReplayWindow15(ReplayWindow):
    """The IPMI v1.5 receive window (§6.12.13): each number once, up to ``AHEAD`` above or ``BEHIND`` below the
    highest accepted. Unlike RMCP+ (``ReplayWindow``, 16 behind), v1.5 peers track 8 numbers each way, and 0 is an
    ordinary number after a wrap. ``anchor()`` before use: the first acceptable number is known from Activate
    Session."""

    __slots__ = ()
    BEHIND = 8
    AHEAD = 8

    def anchor(self, first: int) -> None:
        """Make ``first`` (and up to ``AHEAD - 1`` numbers after it) the acceptable next numbers."""
        self.highest = (first - 1) % SEQ_MOD
        self._seen = 1

    def check(self, seq: int) -> str | None:
        """Return ``None`` if ``seq`` is acceptable (and record it), else the drop reason."""
        delta = (seq - self.highest) % SEQ_MOD
        if delta == 0:
            return "duplicate session sequence number"
        if delta <= self.AHEAD:
            self._seen = ((self._seen << delta) | 1) & ((1 << (self.BEHIND + 1)) - 1)
            self.highest = seq
            return None
        behind = SEQ_MOD - delta
        if behind > self.BEHIND:
            return "session sequence number outside the receive window"
        bit = 1 << behind
        if self._seen & bit:
            return "duplicate session sequence number"
        self._seen |= bit
        return None


class Session15Base:
    """What both ends of an IPMI v1.5 session share: events, drop counters, the window, outbound numbers."""

    def __init__(self, rng: Rng) -> None:
        self._rng = rng
        self._outbox: list[bytes] = []
        self._events: list[Event] = []  # a list: an empty deque costs 760 bytes per session
        self._window = ReplayWindow15()
        self._out_seq = 0
        #: counters of dropped datagrams by reason (STYLE.md §5)
        self.drops: dict[str, int] = {}

    def next_event(self) -> Event | None:
        """The next event, or None."""
        return self._events.pop(0) if self._events else None

    def _drop(self, reason: str) -> None:
        self.drops[reason] = self.drops.get(reason, 0) + 1
        self._events.append(PacketDropped(reason))

    def _next_out_seq(self) -> int:
        self._out_seq = next_seq(self._out_seq)
        return self._out_seq

    def _random_nonzero_u32(self) -> int:
        while True:
            value = int.from_bytes(self._rng(4), "little")
            if value:
                return value


@dataclass(frozen=True)
class Session15Config:
    """What the remote console needs to open an IPMI v1.5 session.

    ``password`` is at most 16 bytes (IPMI v1.5 passwords are 16 bytes, zero-padded); a longer one is refused, never
    truncated. An empty ``username`` is the null user (user 1); with an empty password too it is anonymous login.
    ``auth_type`` is NONE, MD2, MD5 or PASSWORD ("straight password": the password in clear in every packet).
    """

    username: bytes = b""
    password: bytes = b""
    auth_type: int = AuthType.MD5
    privilege: int = Privilege.ADMINISTRATOR
    timeout: float = 1.0  # per try
    retries: int = 3  # retransmits after the first try
    set_privilege: bool = True
    quirks: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not isinstance(self.username, bytes) or not isinstance(self.password, bytes):
            raise LocalProtocolError("username and password must be bytes")
        if len(self.username) > MAX_USERNAME_LEN:
            raise LocalProtocolError(f"user name is {len(self.username)} bytes; IPMI allows at most 16")
        if len(self.password) > V15_PASSWORD_LEN:
            raise LocalProtocolError(
                f"password is {len(self.password)} bytes; IPMI v1.5 allows at most 16 (it is never truncated)"
            )
        if self.auth_type not in V15_AUTH_TYPES:
            raise LocalProtocolError(
                f"authentication type {self.auth_type} is not one of NONE (0), MD2 (1), MD5 (2), PASSWORD (4)"
            )
        if not Privilege.CALLBACK <= self.privilege <= Privilege.OEM:
            raise LocalProtocolError(f"privilege level {self.privilege} is not 1-5")
        if self.timeout <= 0 or self.retries < 0:
            raise LocalProtocolError("timeout must be positive and retries not negative")
        unknown = set(self.quirks) - KNOWN_QUIRKS15
        if unknown:
            raise LocalProtocolError(f"unknown workaround flag(s): {', '.join(sorted(unknown))}")

    def __repr__(self) -> str:  # never show secrets
        return (
            f"Session15Config(username={self.username!r}, password=<{len(self.password)} bytes>, "
            f"auth_type={auth_type_name(self.auth_type)}, privilege={self.privilege}, quirks={sorted(self.quirks)})"
        )


class ClientState15(enum.Enum):
    """Named after what was last sent (STYLE.md §2)."""

    IDLE = "idle"
    AUTH_CAPS_SENT = "get channel authentication capabilities sent"
    CHALLENGE_SENT = "get session challenge sent"
    ACTIVATE_SENT = "activate session sent"
    SET_PRIVILEGE_SENT = "set session privilege level sent"
    ESTABLISHED = "established"
    CLOSE_SENT = "close session sent"
    CLOSED = "closed"
    FAILED = "failed"


#: Handshake transitions: state → (command whose answer moves it on, handler name)
_HANDSHAKE: dict[ClientState15, tuple[int, str]] = {
    ClientState15.AUTH_CAPS_SENT: (AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, "_on_auth_caps"),
    ClientState15.CHALLENGE_SENT: (AppCmd.GET_SESSION_CHALLENGE, "_on_challenge"),
    ClientState15.ACTIVATE_SENT: (AppCmd.ACTIVATE_SESSION, "_on_activate"),
}
#: sent outside any session: session ID 0, sequence number 0, no AuthCode
_PRESESSION_STATES = frozenset({ClientState15.AUTH_CAPS_SENT, ClientState15.CHALLENGE_SENT})
_SESSION_STATES = frozenset({ClientState15.SET_PRIVILEGE_SENT, ClientState15.ESTABLISHED, ClientState15.CLOSE_SENT})
_DEAD_STATES = frozenset({ClientState15.IDLE, ClientState15.CLOSED, ClientState15.FAILED})


class ClientSession15(Session15Base, RequestQueue):
    """One IPMI v1.5 session from a remote console to a BMC (sans-IO)."""

    _FAILED = ClientState15.FAILED
    _CLOSED = ClientState15.CLOSED

    def __init__(self, config: Session15Config, rng: Rng) -> None:
        super().__init__(rng)
        self.config = config
        self.state = ClientState15.IDLE
        #: the engine's tag for this session (not on the wire: v1.5 has no console session ID)
        self.sid_m = 0
        self.session_id = 0
        self.temp_session_id = 0
        #: the session's authentication type (Activate Session) and the one on our packets after activation
        self.auth_type = config.auth_type
        self.per_message_auth = True
        self.user_level_auth = True
        #: the session's operating privilege level
        self.privilege = 0
        self._tx_auth: int = AuthType.NONE
        self._challenge = b""
        self._initial_outbound = 0
        self._rq_seq = 0
        self._queue: list[Pending] = []
        self._inflight: Pending | None = None
        self._deadline: float | None = None
        self._quirks = config.quirks
        self._check_checksums = "nochecksumcheck" not in config.quirks

    # ------------------------------------------------------------------ public API (STYLE.md §2)
    def connect(self, now: float, sid_m: int | None = None) -> None:
        """Start the handshake: queue Get Channel Authentication Capabilities.

        ``sid_m`` is only the engine's tag for this session (reported in ``SessionEstablished.sid_m``): IPMI v1.5
        has no console session ID, the BMC assigns the only one.
        """
        if self.state is not ClientState15.IDLE:
            raise LocalProtocolError(f"connect() in state {self.state.value}")
        if sid_m is not None and not 0 < sid_m <= 0xFFFFFFFF:
            raise LocalProtocolError("the session tag must be a non-zero 32-bit number")
        self.sid_m = sid_m or 0
        self.state = ClientState15.AUTH_CAPS_SENT
        self._enqueue(
            NetFn.APP, AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, bytes((CURRENT_CHANNEL, self.config.privilege)), now,
            internal=True,
        )

    def request(self, netfn: int, cmd: int, data: bytes, now: float) -> int:
        """Queue an IPMI request; returns its rqSeq. Requests go out one at a time, in order."""
        if self.state is not ClientState15.ESTABLISHED:
            raise LocalProtocolError(f"request() in state {self.state.value}; wait for SessionEstablished")
        if not 0 <= netfn <= 0x3F or netfn & 1 or not 0 <= cmd <= 0xFF:
            raise LocalProtocolError(f"netfn 0x{netfn:02x} / cmd 0x{cmd:02x} is not a request")
        if len(data) > MAX_REQUEST_DATA:
            raise LocalProtocolError(
                f"request data of {len(data)} bytes does not fit in an IPMI v1.5 message (at most {MAX_REQUEST_DATA})"
            )
        return self._enqueue(netfn, cmd, bytes(data), now, internal=False)

    def close(self, now: float) -> None:
        """Send Close Session (App 3Ch), retransmitted until answered or the retries are spent."""
        if self.state in (ClientState15.CLOSED, ClientState15.FAILED, ClientState15.CLOSE_SENT):
            return
        if self.state not in _SESSION_STATES:
            # nothing to close on the BMC yet (a BMC forgets an unused challenge or unactivated session by itself)
            self._finish(SessionClosed("closed before the session was established"))
            return
        self._abandon(LocalProtocolError("session closed"))
        self.state = ClientState15.CLOSE_SENT
        self._enqueue(NetFn.APP, AppCmd.CLOSE_SESSION, self.session_id.to_bytes(4, "little"), now, internal=True)

    def receive_datagram(self, data: bytes, now: float) -> None:
        """Process one UDP payload from the BMC. Never raises on peer bytes."""
        try:
            self._receive(bytes(data), now)
        except (DecodeError, IndexError, ValueError, KeyError) as exc:  # defence in depth: peer bytes never raise
            self._drop(f"malformed packet ({exc.__class__.__name__})")

    def datagrams_to_send(self, now: float) -> list[bytes]:
        """Datagrams to put on the wire now, in order."""
        out, self._outbox = self._outbox, []
        return out

    def get_timer(self) -> float | None:
        """When ``handle_timer`` must next be called (None: no timer)."""
        return self._deadline

    def handle_timer(self, now: float) -> None:
        """Retransmit or give up, as the deadline says."""
        if self._deadline is None or now < self._deadline:
            return
        if self._inflight is None:
            self._deadline = None
        elif self._inflight.tries > self.config.retries:
            self._timeout_inflight(now)
        else:
            self._transmit_inflight(now)

    @property
    def sid_c(self) -> int:
        """The session ID the BMC assigned (the RMCP+ session's name for it)."""
        return self.session_id

    @property
    def established(self) -> bool:
        return self.state is ClientState15.ESTABLISHED

    # ------------------------------------------------------------------ receiving
    def _receive(self, data: bytes, now: float) -> None:
        if self.state in _DEAD_STATES:
            self._drop(f"datagram in state {self.state.value}")
            return
        rmcp_class, auth_type, _payload_type, _session_id = frame.peek(data)
        if rmcp_class != RmcpClass.IPMI:
            self._drop("not an IPMI-class RMCP message")
            return
        if auth_type == AuthType.RMCP_PLUS:
            self._drop("RMCP+ packet in an IPMI v1.5 session")
            return
        packet = frame.decode_v15_session(data)
        if self.state in _PRESESSION_STATES:
            if packet.session_id != 0 or packet.auth_type != AuthType.NONE:
                self._drop("pre-session answer with a session ID or an AuthCode")
                return
        elif self.state is ClientState15.ACTIVATE_SENT:
            if not self._session_id_ok(packet.session_id, self.temp_session_id):
                self._drop("unknown session ID")
                return
            reason = self._activate_auth_reason(packet)
            if reason is not None:
                self._drop(reason)
                return
        else:
            if not self._session_id_ok(packet.session_id, self.session_id):
                self._drop("unknown session ID")
                return
            reason = self._session_auth_reason(packet)
            if reason is not None:
                self._drop(reason)
                return
        rs = frame.decode_ipmi_response(packet.msg, self._check_checksums)
        if self.state in _SESSION_STATES:
            # the window is advanced only by well-formed, authenticated answers
            seq = bswap32(packet.session_seq) if "endianseq" in self._quirks else packet.session_seq
            reason = self._window.check(seq)
            if reason is not None:
                self._drop(reason)
                return
        self._on_response(rs, now)

    def _session_id_ok(self, received: int, expected: int) -> bool:
        return received == expected or (received == 0 and "idzero" in self._quirks)

    def _activate_auth_reason(self, packet: V15Packet) -> str | None:
        if "noauthcodecheck" in self._quirks:
            return None
        if packet.auth_type != self.auth_type:
            return "authentication type differs from the session's"
        if not auth_code_ok(packet, self.config.password):
            return "AuthCode does not verify"
        return None

    def _session_auth_reason(self, packet: V15Packet) -> str | None:
        if "noauthcodecheck" in self._quirks:
            return None
        expected = self.auth_type if self.per_message_auth else AuthType.NONE
        if packet.auth_type == expected or (
            # Dell PowerEdge 2850 (unexpectedauth): per-message authentication disabled, answers authenticated anyway
            packet.auth_type == self.auth_type and "unexpectedauth" in self._quirks
        ):
            return None if auth_code_ok(packet, self.config.password) else "AuthCode does not verify"
        if packet.auth_type == AuthType.NONE:
            if not self.user_level_auth and self.privilege <= Privilege.USER:
                return None  # "user level authentication disabled": USER-level traffic may go unauthenticated
            return "unauthenticated packet in a session with per-message authentication"
        if expected == AuthType.NONE and packet.auth_type == self.auth_type:
            return "unexpected AuthCode with per-message authentication disabled"
        return "authentication type differs from the session's"

    def _on_response(self, received: IpmiResponse, now: float) -> None:
        answer = self._answers(received)
        p = self._inflight
        if answer is None or p is None:
            return
        rs = answer
        if self.state in _HANDSHAKE and rs.cc == 0 and len(rs.data) < _MIN_ANSWER_LEN[p.cmd]:
            self._drop("truncated answer to a session command")  # retransmitted: the timer decides
            return
        self._inflight = None
        self._deadline = None
        if self.state in _HANDSHAKE:
            cmd, handler = _HANDSHAKE[self.state]
            if cmd == p.cmd:
                getattr(self, handler)(rs.cc, rs.data, now)
        elif p.internal:
            self._on_internal_response(p, rs.cc, rs.data)
        else:
            self._events.append(ResponseReceived(p.rq_seq, p.netfn, p.cmd, rs.cc, rs.data))
        self._pump(now)

    def _on_auth_caps(self, cc: int, data: bytes, now: float) -> None:
        if cc:
            self._fail(handshake_error(AppCmd.GET_CHANNEL_AUTH_CAPABILITIES, cc))
            return
        auth_types, status = data[CAPS_AUTH_TYPES], data[CAPS_STATUS]
        if "authcap" not in self._quirks:
            error = self._check_capabilities(auth_types, status)
            if error is not None:
                self._fail(error)
                return
        self.per_message_auth = "forcepermsg" in self._quirks or not status & STATUS_PER_MESSAGE_AUTH_DISABLED
        self.user_level_auth = not status & STATUS_USER_LEVEL_AUTH_DISABLED
        self.state = ClientState15.CHALLENGE_SENT
        name = self.config.username.ljust(MAX_USERNAME_LEN, b"\0")
        self._enqueue(NetFn.APP, AppCmd.GET_SESSION_CHALLENGE, bytes((self.auth_type,)) + name, now, internal=True)

    def _check_capabilities(self, auth_types: int, status: int) -> AuthenticationError | None:
        """FreeIPMI's early checks (skipped with ``authcap``): user name kind, then authentication type."""
        username, password = self.config.username, self.config.password
        if not username and not password:
            if not status & STATUS_ANONYMOUS_LOGIN:
                return AuthenticationError("the BMC does not allow anonymous login (empty user name and password)")
        elif not username:
            if not status & STATUS_NULL_USERS:
                return AuthenticationError("the BMC does not allow the null user name (user 1)")
        elif not status & STATUS_NON_NULL_USERS:
            return AuthenticationError("the BMC allows no non-null user names on this channel")
        if not auth_types & (1 << self.auth_type):
            offered = [auth_type_name(t) for t in sorted(V15_AUTH_TYPES | {AuthType.OEM}) if auth_types & (1 << t)]
            return CipherSuiteUnavailable(
                f"the BMC does not offer IPMI v1.5 authentication type {auth_type_name(self.auth_type)} at "
                f"privilege {privilege_name(self.config.privilege)} (it offers: {', '.join(offered) or 'none'})"
            )
        return None

    def _on_challenge(self, cc: int, data: bytes, now: float) -> None:
        if cc:
            self._fail(handshake_error(AppCmd.GET_SESSION_CHALLENGE, cc))
            return
        temp_session_id = int.from_bytes(data[0:4], "little")
        if temp_session_id == 0:
            self._fail(RemoteProtocolError("the BMC gave temporary session ID 0 in Get Session Challenge"))
            return
        self.temp_session_id = temp_session_id
        self._challenge = bytes(data[4 : 4 + CHALLENGE_LEN])
        self._initial_outbound = self._random_nonzero_u32()
        self.state = ClientState15.ACTIVATE_SENT
        payload = (
            bytes((self.auth_type, self.config.privilege))
            + self._challenge
            + self._initial_outbound.to_bytes(4, "little")
        )
        self._enqueue(NetFn.APP, AppCmd.ACTIVATE_SESSION, payload, now, internal=True)

    def _on_activate(self, cc: int, data: bytes, now: float) -> None:
        if cc:
            self._fail(handshake_error(AppCmd.ACTIVATE_SESSION, cc))
            return
        remainder = data[0] & 0x0F
        session_id = int.from_bytes(data[1:5], "little")
        inbound = int.from_bytes(data[5:9], "little")
        granted = data[9] & PRIVILEGE_MASK
        if remainder not in (AuthType.NONE, self.auth_type):
            self._fail(RemoteProtocolError(
                f"the BMC activated the session with authentication type {auth_type_name(remainder)}, "
                f"not the {auth_type_name(self.auth_type)} requested"
            ))
            return
        if session_id == 0 and "idzero" not in self._quirks:
            self._fail(RemoteProtocolError("the BMC assigned session ID 0 in Activate Session"))
            return
        if granted and granted < self.config.privilege:
            self._fail(PrivilegeUnavailable(
                f"the BMC activated the session at privilege {privilege_name(granted)}, "
                f"not the {privilege_name(self.config.privilege)} requested"
            ))
            return
        if remainder != AuthType.NONE:
            self.per_message_auth = True  # "authentication type for the remainder of the session"
        self.session_id = session_id
        self._tx_auth = self.auth_type if self.per_message_auth else AuthType.NONE
        # our first session packet carries the initial inbound sequence number (ipmitool: 0 means 1)
        self._out_seq = ((inbound or 1) - 1) % SEQ_MOD
        self._window.anchor(self._initial_outbound)
        self.privilege = min(self.config.privilege, Privilege.USER)
        if self.config.set_privilege and self.config.privilege > Privilege.USER:
            self.state = ClientState15.SET_PRIVILEGE_SENT
            self._enqueue(
                NetFn.APP, AppCmd.SET_SESSION_PRIVILEGE_LEVEL, bytes((self.config.privilege,)), now, internal=True
            )
        else:
            self._establish()

    def _on_internal_response(self, p: Pending, cc: int, data: bytes) -> None:
        if p.cmd == AppCmd.SET_SESSION_PRIVILEGE_LEVEL:
            if cc != 0:
                error = handshake_error(AppCmd.SET_SESSION_PRIVILEGE_LEVEL, cc)
                self._fail(PrivilegeUnavailable(
                    f"the BMC refused privilege level {privilege_name(self.config.privilege)}: {error}"
                ))
                return
            self.privilege = data[0] & PRIVILEGE_MASK if data else self.config.privilege
            self._establish()
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
        if self._inflight is None and self._queue and self.state not in _DEAD_STATES:
            self._inflight = self._queue.pop(0)
            self._transmit_inflight(now)

    def _transmit_inflight(self, now: float) -> None:
        p = self._inflight
        assert p is not None
        msg = frame.encode_ipmi_request(BMC_SLAVE_ADDR, p.netfn, 0, REMOTE_SWID, p.rq_seq, 0, p.cmd, p.data)
        if self.state in _PRESESSION_STATES:
            datagram = frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg)
        elif self.state is ClientState15.ACTIVATE_SENT:
            datagram = wrap(self.auth_type, self.config.password, 0, self.temp_session_id, msg)
        else:
            datagram = wrap(self._tx_auth, self.config.password, self._next_out_seq(), self.session_id, msg)
        self._outbox.append(datagram)
        p.tries += 1
        self._deadline = now + self.config.timeout

    def _timeout_inflight(self, now: float) -> None:
        p = self._inflight
        assert p is not None
        self._inflight = None
        self._deadline = None
        what = _COMMAND_NAMES.get(p.cmd, f"netfn 0x{p.netfn:02x} cmd 0x{p.cmd:02x}")
        if self.state is ClientState15.ACTIVATE_SENT and self.auth_type != AuthType.NONE:
            self._fail(BadPasswordError(
                f"no answer to Activate Session after {p.tries} tries: wrong password (a BMC silently discards an "
                f"Activate Session whose {auth_type_name(self.auth_type)} AuthCode does not verify)"
            ))
        elif self.state in _HANDSHAKE:
            self._fail(ConnectionTimeout(f"no answer to {what} after {p.tries} tries"))
        elif p.internal and p.cmd == AppCmd.CLOSE_SESSION:
            self._finish(SessionClosed("close session not answered"))
        elif p.internal:
            self._fail(SessionTimeout(f"no answer to {what} after {p.tries} tries"))
        else:
            error = SessionTimeout(f"no response to {what} after {p.tries} tries")
            self._events.append(RequestFailed(p.rq_seq, p.netfn, p.cmd, error))
            self._pump(now)

    # ------------------------------------------------------------------ helpers
    def _establish(self) -> None:
        self.state = ClientState15.ESTABLISHED
        self._events.append(SessionEstablished(self.sid_m, self.session_id, NO_CIPHER_SUITE, self.privilege))
