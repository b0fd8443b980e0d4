"""ClientSession15 ↔ BmcSession15 (IPMI v1.5 LAN sessions) in memory, and against ipmitool's captured bytes.

Every authentication type and privilege, per-message authentication on and off, lossy links, specific failures,
the v1.5 receive window, each FreeIPMI workaround flag against a BMC that has the bug, and the test bed captures
(ipmitool 1.8.19 ↔ ipmi_sim 2.0.33, tests/data/pcaps): given the same random numbers, ClientSession15 sends exactly
ipmitool's datagrams, AuthCodes included, and accepts every answer of ipmi_sim.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipmifast.errors import (
    AuthenticationError,
    BadPasswordError,
    CipherSuiteUnavailable,
    ConnectionTimeout,
    LocalProtocolError,
    PrivilegeUnavailable,
    RemoteProtocolError,
    SessionTimeout,
)
from ipmifast.proto import frame
from ipmifast.proto.bmc import BmcUser
from ipmifast.proto.bmc15 import (
    Bmc15Config,
    BmcSession15,
    BmcState15,
    answer_presession,
    channel_auth_capabilities,
    is_session_challenge,
)
from ipmifast.proto.consts import AuthType
from ipmifast.proto.events import (
    PacketDropped,
    RequestFailed,
    RequestReceived,
    SessionClosed,
    SessionEstablished,
    SessionFailed,
)
from ipmifast.proto.replay import ReplayWindow
from ipmifast.proto.session15 import (
    KNOWN_QUIRKS15,
    NO_CIPHER_SUITE,
    ClientSession15,
    ClientState15,
    ReplayWindow15,
    Session15Config,
    handshake_error,
    wrap,
)

from ..pcaps import read_udp
from .harness15 import ANONYMOUS, COUNTER_CMD, COUNTER_NETFN, USERS, Link15, make_pair15, seeded_rng

NONE, MD2, MD5, PASSWORD = AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.PASSWORD
AUTH_TYPES = [NONE, MD2, MD5, PASSWORD]
PRIVILEGES = {
    1: (b"callback", b"ipmifast-cb"),
    2: (b"user", b"ipmifast-user"),
    3: (b"operator", b"ipmifast-oper"),
    4: (b"admin", b"ipmifast-admin"),
}


def establish(**kw: object) -> Link15:
    pair = make_pair15(**kw)  # type: ignore[arg-type]
    pair.run(pair.finished)
    return pair


def exchange(pair: Link15, n: int = 3) -> list[int]:
    """n counter requests; returns their execution numbers."""
    for i in range(n):
        pair.client.request(COUNTER_NETFN, COUNTER_CMD, bytes([i]), pair.now)
    pair.run(lambda: len(pair.responses()) + len(pair.failures()) >= n)
    assert not pair.failures(), pair.failures()
    return [int.from_bytes(r.data[:4], "little") for r in pair.responses()[-n:]]


def session_auth_types(datagrams: list[bytes], session_id: int) -> list[int]:
    """The authentication type of each datagram of the session (after Activate Session)."""
    packets = [frame.decode_v15_session(d) for d in datagrams]
    return [p.auth_type for p in packets if p.session_id == session_id]


# ---------------------------------------------------------------------------------------------- happy paths
@pytest.mark.parametrize("auth_type", AUTH_TYPES)
@pytest.mark.parametrize("privilege", sorted(PRIVILEGES))
def test_every_auth_type_and_privilege_establishes_and_exchanges(auth_type: int, privilege: int) -> None:
    user, password = PRIVILEGES[privilege]
    pair = establish(auth_type=auth_type, username=user, password=password, privilege=privilege)
    (ev,) = pair.of(SessionEstablished)
    assert isinstance(ev, SessionEstablished)
    assert ev.privilege == privilege and ev.cipher_suite == NO_CIPHER_SUITE and ev.sid_c == pair.client.session_id
    bmc = pair.bmc.active()
    assert bmc.privilege == privilege and bmc.session_id == pair.client.session_id and bmc.auth_type == auth_type
    assert exchange(pair, 5) == [1, 2, 3, 4, 5]
    # per-message authentication: every packet of the session, both ways, carries the session's AuthCode
    assert set(session_auth_types(pair.to_bmc, pair.client.session_id)) == {auth_type}
    assert set(session_auth_types(pair.to_client, pair.client.session_id)) == {auth_type}
    assert not pair.of(PacketDropped) and not bmc.drops
    pair.client.close(pair.now)
    pair.run(lambda: bool(pair.of(SessionClosed)))
    assert pair.client.state is ClientState15.CLOSED
    assert bmc.state is BmcState15.CLOSED
    assert any(isinstance(e, SessionClosed) for e in pair.bmc_events)


def test_straight_password_is_in_clear_text_on_the_wire() -> None:
    # the capture l-lan15-weak-straight-password.pcap shows the same: why the weak profile is weak
    pair = establish(auth_type=PASSWORD)
    exchange(pair, 1)
    codes = {frame.decode_v15_session(d).auth_code for d in pair.to_bmc + pair.to_client}
    assert codes == {b"", b"ipmifast-admin\0\0"}


def test_sixteen_byte_password_is_used_whole() -> None:
    assert establish(username=b"sixteen", password=b"sixteen-byte-pw!").of(SessionEstablished)
    assert isinstance(establish(username=b"sixteen", password=b"sixteen-byte-pw").error(), BadPasswordError)


def test_user_privilege_sends_no_set_session_privilege() -> None:
    pair = establish(username=b"user", password=b"ipmifast-user", privilege=2)
    cmds = [frame.decode_ipmi_request(frame.decode_v15_session(d).msg).cmd for d in pair.to_bmc]
    assert cmds == [0x38, 0x39, 0x3A]  # as ipmitool: USER is where a session starts


def test_activate_session_answer_lost_creates_no_second_session() -> None:
    pair = make_pair15()
    for _ in range(2):  # Auth Caps, Get Session Challenge
        pair.step()
    assert pair.client.state is ClientState15.ACTIVATE_SENT
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    pair.bmc.datagrams_to_send(pair.now)  # the BMC activated the session; its answer is lost
    pair.run(pair.finished)
    assert pair.of(SessionEstablished)
    assert [s.state for s in pair.bmc.sessions] == [BmcState15.ACTIVE]
    assert exchange(pair, 2) == [1, 2]


# ------------------------------------------------------------------------------ per-message authentication
def test_per_message_auth_disabled_session_runs_unauthenticated() -> None:
    pair = establish(per_message_auth=False)
    assert pair.client.per_message_auth is False
    assert exchange(pair) == [1, 2, 3]
    assert set(session_auth_types(pair.to_bmc, pair.client.session_id)) == {NONE}
    assert set(session_auth_types(pair.to_client, pair.client.session_id)) == {NONE}
    # only Activate Session and its answer carry the AuthCode
    activate = [frame.decode_v15_session(d) for d in pair.to_bmc if frame.decode_v15_session(d).auth_type == MD5]
    assert len(activate) == 1 and activate[0].session_seq == 0


def test_forcepermsg_authenticates_even_when_the_bmc_does_not_ask() -> None:
    pair = establish(per_message_auth=False, quirks=frozenset({"forcepermsg"}))
    assert exchange(pair) == [1, 2, 3]
    assert set(session_auth_types(pair.to_bmc, pair.client.session_id)) == {MD5}
    # the BMC answers in the request's authentication type
    assert set(session_auth_types(pair.to_client, pair.client.session_id)) == {MD5}


def test_unauthenticated_request_is_dropped_when_per_message_auth_is_on() -> None:
    pair = establish()
    bmc = pair.bmc.active()
    msg = frame.encode_ipmi_request(0x20, COUNTER_NETFN, 0, 0x81, 9, 0, COUNTER_CMD, b"")
    seq = pair.client._out_seq + 1
    bmc.receive_datagram(frame.encode_v15_session(NONE, seq, bmc.session_id, b"", msg), pair.now)
    assert bmc.drops == {"unauthenticated packet in a session with per-message authentication": 1}
    assert bmc.next_event() is not None and not any(isinstance(e, RequestReceived) for e in pair.bmc_events)


@pytest.mark.parametrize("user_level_auth", [True, False])
def test_user_level_authentication_disabled_allows_unauthenticated_user_traffic(user_level_auth: bool) -> None:
    pair = establish(username=b"user", password=b"ipmifast-user", privilege=2, user_level_auth=user_level_auth)
    assert pair.client.user_level_auth is user_level_auth
    bmc = pair.bmc.active()
    # the console's request without AuthCode (a number the client's next packet stays in the window behind)
    msg = frame.encode_ipmi_request(0x20, COUNTER_NETFN, 0, 0x81, 9, 0, COUNTER_CMD, b"u")
    bmc.receive_datagram(frame.encode_v15_session(NONE, pair.client._out_seq + 5, bmc.session_id, b"", msg), 0.0)
    assert bmc.drops == ({} if not user_level_auth else
                         {"unauthenticated packet in a session with per-message authentication": 1})
    # the BMC's answer without AuthCode
    pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    pair._bmc_application()
    answer = frame.decode_v15_session(pair.bmc.datagrams_to_send(pair.now)[-1])
    bare = frame.encode_v15_session(NONE, answer.session_seq, answer.session_id, b"", answer.msg)
    pair.client.receive_datagram(bare, pair.now)
    accepted = not pair.client.drops
    assert accepted is (not user_level_auth)


def test_user_level_authentication_disabled_does_not_cover_admin_sessions() -> None:
    pair = establish(user_level_auth=False)  # ADMINISTRATOR
    bmc = pair.bmc.active()
    msg = frame.encode_ipmi_request(0x20, COUNTER_NETFN, 0, 0x81, 9, 0, COUNTER_CMD, b"")
    bmc.receive_datagram(frame.encode_v15_session(NONE, pair.client._out_seq + 1, bmc.session_id, b"", msg), 0.0)
    assert bmc.drops == {"unauthenticated packet in a session with per-message authentication": 1}


# ---------------------------------------------------------------------------------------- specific failures
@pytest.mark.parametrize("auth_type", [MD2, MD5, PASSWORD])
def test_wrong_password_is_bad_password_error(auth_type: int) -> None:
    pair = establish(auth_type=auth_type, password=b"wrong-password")
    error = pair.error()
    assert isinstance(error, BadPasswordError) and "Activate Session" in str(error)
    assert pair.client.state is ClientState15.FAILED
    # the BMC discarded every try silently (as ipmi_sim does) and activated nothing
    (bmc,) = pair.bmc.sessions
    assert bmc.drops == {"AuthCode does not verify": 4} and bmc.state is not BmcState15.ACTIVE


def test_auth_type_none_checks_no_password_as_the_spec_says() -> None:
    # authentication type NONE authenticates nothing: why the weak profile is weak (capture k-...)
    assert establish(auth_type=NONE, password=b"wrong-password").of(SessionEstablished)


@pytest.mark.parametrize("user,password,privilege", [
    (b"user", b"ipmifast-user", 4),
    (b"user", b"ipmifast-user", 3),
    (b"operator", b"ipmifast-oper", 4),
    (b"callback", b"ipmifast-cb", 2),
])
def test_privilege_above_the_users_limit_is_privilege_unavailable(user: bytes, password: bytes, privilege: int) -> None:
    pair = establish(username=user, password=password, privilege=privilege)
    error = pair.error()
    assert isinstance(error, PrivilegeUnavailable)
    assert "exceeds user and/or channel privilege limit" in str(error) and "0x86" in str(error)


def test_set_session_privilege_refused_is_privilege_unavailable() -> None:
    assert isinstance(handshake_error(0x3B, 0x81), PrivilegeUnavailable)
    assert isinstance(handshake_error(0x3B, 0x80), PrivilegeUnavailable)
    assert not isinstance(handshake_error(0x3A, 0x81), PrivilegeUnavailable)  # no session slot


def test_unknown_user_is_an_authentication_error_with_the_spec_text() -> None:
    pair = establish(username=b"nosuchuser", password=b"x")
    error = pair.error()
    assert type(error) is AuthenticationError
    assert str(error) == "Get Session Challenge: invalid user name (completion code 0x81)"


def test_auth_type_the_bmc_does_not_offer_is_cipher_suite_unavailable() -> None:
    pair = establish(auth_type=PASSWORD, bmc_auth_types=frozenset({MD2, MD5}))
    error = pair.error()
    assert isinstance(error, CipherSuiteUnavailable)
    assert "PASSWORD" in str(error) and "offers: MD2, MD5" in str(error)
    assert not pair.bmc.sessions  # refused before any session challenge


def test_anonymous_login() -> None:
    users = (*USERS, ANONYMOUS)
    for auth_type in (NONE, MD5):
        pair = establish(auth_type=auth_type, username=b"", password=b"", users=users)
        assert pair.of(SessionEstablished) and exchange(pair, 1) == [1]
    # the same BMC without the anonymous user says so in Get Channel Authentication Capabilities
    pair = establish(auth_type=NONE, username=b"", password=b"")
    error = pair.error()
    assert type(error) is AuthenticationError and "anonymous login" in str(error)


def test_null_user_with_a_password() -> None:
    users = (*USERS, BmcUser(b"", b"null-secret", 4))
    assert establish(username=b"", password=b"null-secret", users=users).of(SessionEstablished)
    assert isinstance(establish(username=b"", password=b"wrong", users=users).error(), BadPasswordError)


def test_config_refuses_what_ipmi_v15_cannot_carry() -> None:
    with pytest.raises(LocalProtocolError, match="at most 16"):
        Session15Config(username=b"admin", password=b"x" * 17)
    with pytest.raises(LocalProtocolError, match="at most 16"):
        Session15Config(username=b"u" * 17)
    for bad in (AuthType.OEM, AuthType.RMCP_PLUS, 3):
        with pytest.raises(LocalProtocolError, match="authentication type"):
            Session15Config(auth_type=bad)
    with pytest.raises(LocalProtocolError, match="unknown workaround"):
        Session15Config(quirks=frozenset({"opensesspriv"}))  # an RMCP+ flag
    with pytest.raises(LocalProtocolError):
        Session15Config(privilege=6)


def test_secrets_are_not_in_reprs() -> None:
    assert "hunter2" not in repr(Session15Config(username=b"admin", password=b"hunter2-secret"))


def test_unanswered_handshake_times_out() -> None:
    client = ClientSession15(Session15Config(username=b"a", password=b"b", retries=2, timeout=1.0), seeded_rng(3))
    client.connect(0.0)
    sent = len(client.datagrams_to_send(0.0))
    now = 0.0
    while (t := client.get_timer()) is not None:
        now = t
        client.handle_timer(now)
        sent += len(client.datagrams_to_send(now))
    events = []
    while (ev := client.next_event()) is not None:
        events.append(ev)
    assert sent == 3 and now == 3.0
    assert isinstance(events[-1], SessionFailed) and isinstance(events[-1].error, ConnectionTimeout)


def test_unanswered_request_fails_but_session_survives() -> None:
    pair = establish()
    rq_seq = pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    lost, now = 0, pair.now
    seqs = []
    while (t := pair.client.get_timer()) is not None:  # the BMC never hears us
        for d in pair.client.datagrams_to_send(now):
            lost += 1
            seqs.append(frame.decode_v15_session(d).session_seq)
            assert frame.decode_ipmi_request(frame.decode_v15_session(d).msg).rq_seq == rq_seq
        now = t
        pair.client.handle_timer(now)
    events = []
    while (ev := pair.client.next_event()) is not None:
        events.append(ev)
    (failed,) = [e for e in events if isinstance(e, RequestFailed)]
    assert failed.rq_seq == rq_seq and isinstance(failed.error, SessionTimeout)
    assert lost == 4 and seqs == [seqs[0] + i for i in range(4)]  # new session sequence number, same rqSeq
    assert pair.client.established
    pair.now = now
    assert exchange(pair, 1)  # the BMC still accepts us: 4 numbers ahead is inside its window of 8


def test_request_before_established_is_a_local_protocol_error() -> None:
    client = ClientSession15(Session15Config(username=b"a", password=b"b"), seeded_rng(0))
    with pytest.raises(LocalProtocolError):
        client.request(0x06, 0x01, b"", 0.0)
    client.connect(0.0)
    with pytest.raises(LocalProtocolError):
        client.connect(0.0)
    pair = establish()
    with pytest.raises(LocalProtocolError, match="does not fit"):
        pair.client.request(0x06, 0x01, bytes(249), pair.now)


def test_close_retransmits_until_answered() -> None:
    pair = establish()
    pair.client.close(pair.now)
    assert len(pair.client.datagrams_to_send(pair.now)) == 1  # lost on the way to the BMC
    pair.run(lambda: bool(pair.of(SessionClosed)))
    assert any(isinstance(e, SessionClosed) and e.reason == "closed" for e in pair.client_events)


def test_close_answer_lost_is_answered_again_by_the_closed_bmc_session() -> None:
    pair = establish()
    pair.client.close(pair.now)
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    assert len(pair.bmc.datagrams_to_send(pair.now)) == 1  # the answer is lost
    assert pair.bmc.active().state is BmcState15.CLOSED
    pair.run(lambda: bool(pair.of(SessionClosed)))
    assert any(isinstance(e, SessionClosed) and e.reason == "closed" for e in pair.client_events)
    pair.now += 20
    pair.bmc.handle_timer(pair.now)
    assert not pair.bmc.routes  # the simulator forgets the session after the linger time


# ------------------------------------------------------------------------------- sequence numbers, window
def test_v15_window_is_eight_ahead() -> None:
    w = ReplayWindow15()
    w.anchor(1000)  # 1000 is the first acceptable number
    assert w.check(999) == "duplicate session sequence number"  # the anchor itself
    assert w.check(1007) is None  # 8 ahead of the anchor
    w = ReplayWindow15()
    w.anchor(1000)
    assert w.check(1008) == "session sequence number outside the receive window"  # 9 ahead


def test_v15_window_is_eight_behind() -> None:
    w = ReplayWindow15()
    w.anchor(101)
    assert w.check(108) is None  # highest 108: the anchor (100) is now 8 behind and counts as seen
    assert w.check(100) == "duplicate session sequence number"
    assert w.check(101) is None and w.check(101) == "duplicate session sequence number"  # 7 behind, once
    assert w.check(99) == "session sequence number outside the receive window"  # 9 behind


def test_v15_window_wraps_and_zero_is_an_ordinary_number() -> None:
    w = ReplayWindow15()
    w.anchor(2**32 - 2)
    assert w.check(2**32 - 2) is None and w.check(0) is None and w.check(2**32 - 1) is None
    assert w.check(2**32 - 8) is None  # 8 behind 0
    assert w.check(2**32 - 9) == "session sequence number outside the receive window"  # 9 behind


def test_rmcp_plus_window_is_unchanged() -> None:
    w = ReplayWindow()
    assert w.check(100) is None and w.check(85) is None and w.check(84) is not None  # 15 behind, not 16
    assert w.check(0) == "session sequence number 0 in an established session"


def test_replayed_answer_is_dropped() -> None:
    pair = establish()
    pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    pair._bmc_application()
    (answer,) = pair.bmc.datagrams_to_send(pair.now)
    pair.client.receive_datagram(answer, pair.now)
    pair.client.receive_datagram(answer, pair.now)  # replay
    events = []
    while (ev := pair.client.next_event()) is not None:
        events.append(ev)
    assert [type(e).__name__ for e in events] == ["ResponseReceived", "PacketDropped"]
    assert pair.client.drops == {"duplicate session sequence number": 1}


@pytest.mark.parametrize("auth_type", [MD2, MD5, PASSWORD])
def test_tampered_answer_is_dropped_by_reason(auth_type: int) -> None:
    pair = establish(auth_type=auth_type)
    pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    pair._bmc_application()
    (answer,) = pair.bmc.datagrams_to_send(pair.now)
    bad = bytearray(answer)
    bad[13] ^= 1  # the first byte of the AuthCode
    pair.client.receive_datagram(bytes(bad), pair.now)
    assert pair.client.drops == {"AuthCode does not verify": 1}
    pair.client.receive_datagram(answer, pair.now)
    assert len([e for e in iter(pair.client.next_event, None) if type(e).__name__ == "ResponseReceived"]) == 1


# --------------------------------------------------------------------------------------------- hypothesis
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    auth_type=st.sampled_from([NONE, MD5, PASSWORD]),
    per_message_auth=st.booleans(),
    drop=st.floats(0.0, 0.25),
    duplicate=st.floats(0.0, 0.3),
    reorder=st.floats(0.0, 0.5),
)
def test_lossy_link_requests_complete_exactly_once(
    seed: int, auth_type: int, per_message_auth: bool, drop: float, duplicate: float, reorder: float
) -> None:
    pair = make_pair15(auth_type=auth_type, seed=seed, retries=12, per_message_auth=per_message_auth, drop=drop,
                       duplicate=duplicate, reorder=reorder)
    pair.run(pair.finished)
    assert pair.of(SessionEstablished), pair.client_events[-3:]
    n = 12
    for i in range(n):
        pair.client.request(COUNTER_NETFN, COUNTER_CMD, bytes([i]), pair.now)
    pair.run(lambda: len(pair.responses()) + len(pair.failures()) == n)
    responses = pair.responses()
    assert not pair.failures()
    assert [r.data[4] for r in responses] == list(range(n))  # in order, each once
    assert [int.from_bytes(r.data[:4], "little") for r in responses] == list(range(1, n + 1))
    assert pair.executions == n  # executed exactly once on the BMC despite retransmits
    assert len([s for s in pair.bmc.sessions if s.state is BmcState15.ACTIVE]) == 1


def _framed(pair: Link15, garbage: bytes, auth_type: int, seq: int) -> bytes:
    header = bytes([6, 0, 0xFF, 7, auth_type]) + seq.to_bytes(4, "little")
    header += pair.client.session_id.to_bytes(4, "little") + (bytes(16) if auth_type else b"")
    return header + bytes([len(garbage) & 0xFF]) + garbage


@settings(max_examples=200, deadline=None)
@given(
    garbage=st.lists(st.binary(max_size=120), max_size=8),
    seqs=st.lists(st.integers(0, 2**32 - 1), min_size=8, max_size=8),
    auth_type=st.sampled_from([NONE, MD5]),
)
def test_arbitrary_bytes_never_raise_nor_break_an_established_session(
    garbage: list[bytes], seqs: list[int], auth_type: int
) -> None:
    pair = establish(auth_type=auth_type)
    for g in garbage:
        pair.client.receive_datagram(g, pair.now)
        pair.bmc.receive_datagram(g, pair.now)
        answer_presession(g, pair.bmc.config)
        is_session_challenge(g)
    # well-framed v1.5 headers around garbage, with the right session ID, both authentication types
    for g, seq in zip(garbage, seqs, strict=False):
        for at in (NONE, MD5):
            pair.client.receive_datagram(_framed(pair, g, at, seq), pair.now)
            pair.bmc.receive_datagram(_framed(pair, g, at, seq), pair.now)
    assert exchange(pair, 1)
    assert pair.client.established


@settings(max_examples=100, deadline=None)
@given(garbage=st.lists(st.binary(max_size=80), max_size=6))
def test_arbitrary_bytes_never_raise_during_the_handshake(garbage: list[bytes]) -> None:
    pair = make_pair15()
    for _ in range(3):
        for g in garbage:
            pair.client.receive_datagram(g, pair.now)
            pair.bmc.receive_datagram(g, pair.now)
        pair.step()
    pair.run(pair.finished)
    assert pair.of(SessionEstablished)


# ------------------------------------------------------------------------- workarounds (FreeIPMI's flags)
QUIRK_CASES: list[tuple[str, dict[str, object], type[BaseException]]] = [
    # (BMC bug = console flag, BMC settings, what a console without the flag gets)
    ("idzero", {}, SessionTimeout),  # Tyan S2882: session ID 0 in every session answer
    ("endianseq", {}, SessionTimeout),  # Sun ILOM: byte-swapped session sequence numbers
    ("noauthcodecheck", {}, BadPasswordError),  # Intel Windmill: AuthCodes nobody can verify
    ("forcepermsg", {}, SessionTimeout),  # IBM eServer 325: says per-message auth is off, requires it
    ("unexpectedauth", {"per_message_auth": False}, SessionTimeout),  # Dell PE 2850: authenticated answers anyway
    ("nochecksumcheck", {}, ConnectionTimeout),  # Supermicro X9: bad IPMI message checksums
    ("authcap", {}, AuthenticationError),  # Asus P5M2: capabilities misreported
]


def test_every_v15_flag_has_a_case() -> None:
    assert {case[0] for case in QUIRK_CASES} == KNOWN_QUIRKS15


@pytest.mark.parametrize("bug,bmc,without", QUIRK_CASES, ids=[c[0] for c in QUIRK_CASES])
def test_buggy_bmc_needs_its_workaround(bug: str, bmc: dict[str, object], without: type[BaseException]) -> None:
    failing = establish(bmc_quirks=frozenset({bug}), **bmc)
    assert isinstance(failing.error(), without), failing.error()  # what users of other tools hit
    working = establish(bmc_quirks=frozenset({bug}), quirks=frozenset({bug}), **bmc)
    assert working.of(SessionEstablished), working.client_events[-2:]
    assert exchange(working, 3) == [1, 2, 3]
    working.client.close(working.now)
    working.run(lambda: bool(working.of(SessionClosed)))
    assert any(isinstance(e, SessionClosed) and e.reason == "closed" for e in working.client_events)


def test_unexpectedauth_still_checks_the_authcode() -> None:
    pair = establish(per_message_auth=False, bmc_quirks=frozenset({"unexpectedauth"}),
                     quirks=frozenset({"unexpectedauth"}))
    pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    pair._bmc_application()
    (answer,) = pair.bmc.datagrams_to_send(pair.now)
    bad = bytearray(answer)
    bad[13] ^= 1
    pair.client.receive_datagram(bytes(bad), pair.now)
    assert pair.client.drops == {"AuthCode does not verify": 1}


def test_without_unexpectedauth_an_authcode_where_none_is_expected_is_dropped() -> None:
    pair = establish(per_message_auth=False, bmc_quirks=frozenset({"unexpectedauth"}))
    assert pair.client.drops.get("unexpected AuthCode with per-message authentication disabled", 0) >= 1


# ------------------------------------------------------------------------ real peers' bytes (test bed pcaps)
def _fixed_rng(chunks: list[bytes]) -> Callable[[int], bytes]:
    def rng(n: int) -> bytes:
        chunk = chunks.pop(0)
        assert len(chunk) == n
        return chunk

    return rng


CAPTURES = [
    # capture, ipmitool's options as a Session15Config
    ("d-lan15-md5-chassis-power.pcap", Session15Config(b"admin", b"ipmifast-admin", auth_type=MD5)),
    ("l-lan15-weak-straight-password.pcap", Session15Config(b"admin", b"ipmifast-admin", auth_type=PASSWORD)),
    ("k-lan15-weak-anonymous-none.pcap", Session15Config(b"", b"", auth_type=NONE)),
]


@pytest.mark.parametrize("name,config", CAPTURES, ids=[c[0] for c in CAPTURES])
def test_client_sends_exactly_ipmitools_datagrams(name: str, config: Session15Config) -> None:
    """ipmitool -I lan against ipmi_sim: with ipmitool's initial outbound sequence number as our only random draw,
    every datagram we send (handshake, AuthCodes, session sequence numbers, legacy pad) is ipmitool's, byte for
    byte, and every answer of ipmi_sim is accepted (including its reuse of that number for two packets)."""
    datagrams = [d for d in read_udp(name) if d.payload[3] == 0x07]  # without ipmitool's ASF ping
    to_bmc = [d.payload for d in datagrams if d.to_bmc]
    to_client = [d.payload for d in datagrams if not d.to_bmc]
    assert len(to_bmc) == len(to_client) >= 10
    activate = frame.decode_ipmi_request(frame.decode_v15_session(to_bmc[2]).msg)
    client = ClientSession15(config, _fixed_rng([activate.data[18:22]]))
    client.connect(0.0)
    responses = 0
    for ours_expected, theirs in zip(to_bmc, to_client, strict=True):
        out = client.datagrams_to_send(0.0)
        if not out:  # ipmitool's next command, from the capture
            rq = frame.decode_ipmi_request(frame.decode_v15_session(ours_expected).msg)
            if rq.cmd == 0x3C and rq.netfn == 0x06:
                client.close(0.0)
            else:
                client.request(rq.netfn, rq.cmd, rq.data, 0.0)
            out = client.datagrams_to_send(0.0)
        assert out == [ours_expected]
        client.receive_datagram(theirs, 0.0)
        for ev in iter(client.next_event, None):
            assert not isinstance(ev, (PacketDropped, SessionFailed)), ev
            responses += type(ev).__name__ == "ResponseReceived"
    assert client.state is ClientState15.CLOSED and not client.drops
    assert responses == len(to_bmc) - 5  # all but caps, challenge, activate, set privilege, close


@pytest.mark.parametrize("name,auth_types", [
    ("d-lan15-md5-chassis-power.pcap", frozenset({MD2, MD5})),  # lan.conf
    ("k-lan15-weak-anonymous-none.pcap", frozenset({NONE, MD2, MD5, PASSWORD})),  # lan-weak.conf
])
def test_presession_answer_is_ipmi_sims(name: str, auth_types: frozenset[int]) -> None:
    users = USERS + ((ANONYMOUS,) if NONE in auth_types else ())
    config = Bmc15Config(users=users, auth_types=auth_types)
    datagrams = [d.payload for d in read_udp(name) if d.payload[3] == 0x07]
    assert answer_presession(datagrams[0], config) == datagrams[1]
    assert is_session_challenge(datagrams[2]) and answer_presession(datagrams[2], config) is None


def test_bmc_handshake_answers_are_ipmi_sims() -> None:
    """BmcSession15 given ipmi_sim's random numbers answers ipmitool's handshake with ipmi_sim's bytes."""
    datagrams = [d.payload for d in read_udp("d-lan15-md5-chassis-power.pcap") if d.payload[3] == 0x07]
    challenge_rs = frame.decode_ipmi_response(frame.decode_v15_session(datagrams[3]).msg)
    activate_rs = frame.decode_ipmi_response(frame.decode_v15_session(datagrams[5]).msg)
    temp_sid = int.from_bytes(challenge_rs.data[:4], "little")
    sid = int.from_bytes(activate_rs.data[1:5], "little")
    rng = _fixed_rng([challenge_rs.data[4:20], activate_rs.data[5:9]])
    config = Bmc15Config(users=USERS, auth_types=frozenset({MD2, MD5}))
    bmc = BmcSession15(config, session_id=sid, temp_session_id=temp_sid, rng=rng, now=0.0)
    bmc.receive_datagram(datagrams[2], 0.0)
    assert bmc.datagrams_to_send(0.0) == [datagrams[3]]
    bmc.receive_datagram(datagrams[4], 0.0)
    assert bmc.datagrams_to_send(0.0) == [datagrams[5]]
    assert bmc.state is BmcState15.ACTIVE and bmc.max_privilege == 4


# ------------------------------------------------------------------------------------------ BMC side
def test_bmc_auth_caps_policy() -> None:
    config = Bmc15Config(users=USERS, auth_types=frozenset({MD5}), per_message_auth=False, user_level_auth=False,
                         manufacturer_id=32473, ipmi20=True)
    cc, data = channel_auth_capabilities(config, bytes([0x8E, 4]))  # with IPMI v2.0 data
    assert cc == 0 and data == bytes([1, 0x84, 0x1C, 0x03]) + (32473).to_bytes(3, "little") + b"\0"
    assert channel_auth_capabilities(config, bytes([0x0E, 5]))[0] == 0xCC  # above the channel limit
    assert channel_auth_capabilities(config, bytes([0x02, 4]))[0] == 0xCC  # another channel
    assert channel_auth_capabilities(config, bytes([0x0E]))[0] == 0xC7


def test_bmc_session_ids_must_be_distinct_and_non_zero() -> None:
    config = Bmc15Config(users=USERS)
    for sid, temp in ((0, 1), (1, 0), (2, 2)):
        with pytest.raises(LocalProtocolError):
            BmcSession15(config, session_id=sid, temp_session_id=temp, rng=seeded_rng(0), now=0.0)


def test_bmc_answers_other_presession_commands_with_d5() -> None:
    msg = frame.encode_ipmi_request(0x20, 0x06, 0, 0x81, 1, 0, 0x01, b"")  # Get Device ID without a session
    answer = answer_presession(frame.encode_v15_session(NONE, 0, 0, b"", msg), Bmc15Config())
    assert answer is not None
    assert frame.decode_ipmi_response(frame.decode_v15_session(answer).msg).cc == 0xD5


def test_bmc_idle_session_closes() -> None:
    pair = establish()
    bmc = pair.bmc.active()
    timer = bmc.get_timer()
    assert timer is not None
    bmc.handle_timer(timer)
    assert bmc.state is BmcState15.CLOSED
    assert any(isinstance(e, SessionClosed) for e in iter(bmc.next_event, None))


def test_wrap_matches_the_captures_authcodes() -> None:
    for d in read_udp("d-lan15-md5-chassis-power.pcap"):
        if d.payload[3] != 0x07:
            continue
        p = frame.decode_v15_session(d.payload)
        assert wrap(p.auth_type, b"ipmifast-admin" if p.auth_type else b"", p.session_seq, p.session_id,
                    p.msg) == d.payload


def test_session_id_zero_in_activate_session_is_refused() -> None:
    pair = make_pair15()
    for _ in range(2):  # Auth Caps, Get Session Challenge
        pair.step()
    pair.bmc.sessions[0].session_id = 0  # a BMC that assigns session ID 0
    pair.run(pair.finished)
    assert isinstance(pair.error(), RemoteProtocolError)
