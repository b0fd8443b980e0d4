"""ClientSession ↔ BmcSession in memory: every cipher suite and privilege, lossy links, specific failures."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipmifast.errors import (
    BadPasswordError,
    CipherSuiteUnavailable,
    ConnectionTimeout,
    LocalProtocolError,
    PrivilegeUnavailable,
    RmcpPlusStatusError,
    SessionTimeout,
)
from ipmifast.proto import crypto
from ipmifast.proto.bmc import BmcState
from ipmifast.proto.cipher_suites import CIPHER_SUITES
from ipmifast.proto.events import (
    PacketDropped,
    RequestFailed,
    SessionClosed,
    SessionEstablished,
    SessionFailed,
)
from ipmifast.proto.session import ClientSession, ClientState, SessionConfig

from .harness import COUNTER_CMD, COUNTER_NETFN, make_pair, seeded_rng

SUITES = sorted(CIPHER_SUITES)
PRIVILEGES = {2: (b"user", b"ipmifast-user"), 3: (b"operator", b"ipmifast-oper"), 4: (b"admin", b"ipmifast-admin")}


def establish(**kw: object):  # type: ignore[no-untyped-def]
    pair = make_pair(**kw)  # type: ignore[arg-type]
    pair.run(pair.finished)
    return pair


def test_supported_suites_are_the_issue_list() -> None:
    assert SUITES == [0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17]


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("privilege", sorted(PRIVILEGES))
def test_every_suite_and_privilege_establishes_and_exchanges(suite: int, privilege: int) -> None:
    user, password = PRIVILEGES[privilege]
    pair = establish(cipher_suite=suite, username=user, password=password, privilege=privilege)
    established = pair.of(SessionEstablished)
    assert established, pair.client_events
    ev = established[0]
    assert isinstance(ev, SessionEstablished)
    assert ev.cipher_suite == suite and ev.privilege == privilege
    assert pair.bmc.privilege == privilege  # Set Session Privilege Level took effect on the BMC
    rq_seqs = [pair.client.request(COUNTER_NETFN, COUNTER_CMD, bytes([i]), pair.now) for i in range(5)]
    pair.run(lambda: len(pair.responses()) == 5)
    got = pair.responses()
    assert [r.rq_seq for r in got] == rq_seqs
    assert [int.from_bytes(r.data[:4], "little") for r in got] == [1, 2, 3, 4, 5]
    assert [r.data[4] for r in got] == [0, 1, 2, 3, 4]
    assert not pair.of(PacketDropped)
    pair.client.close(pair.now)
    pair.run(lambda: bool(pair.of(SessionClosed)))
    assert pair.client.state is ClientState.CLOSED
    assert any(isinstance(e, SessionClosed) for e in pair.bmc_events)


@pytest.mark.parametrize("suite", [0, 3, 17])
def test_wire_security_bits_follow_the_suite(suite: int) -> None:
    pair = establish(cipher_suite=suite)
    pair.client.request(0x06, 0x01, b"", pair.now)
    (datagram,) = pair.client.datagrams_to_send(pair.now)
    payload_type = datagram[5]
    s = CIPHER_SUITES[suite]
    assert bool(payload_type & 0x80) == bool(s.confidentiality)
    assert bool(payload_type & 0x40) == bool(s.integrity)


@pytest.mark.parametrize("suite", [1, 3, 17])
def test_wrong_password_is_bad_password_error(suite: int) -> None:
    pair = establish(cipher_suite=suite, password=b"wrong-password")
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, BadPasswordError)
    assert pair.client.state is ClientState.FAILED


@pytest.mark.parametrize("suite", [1, 3, 17])
def test_wrong_password_keeps_the_rakp2_capture_and_aborts_the_handshake(suite: int) -> None:
    # what ipmifast audit relies on: the RAKP 2 HMAC arrives before any password check, and it verifies offline
    # with the right password; RAKP 3 with an error status makes the BMC drop its half-open session at once
    pair = establish(cipher_suite=suite, password=b"wrong-password")
    capture = pair.client.rakp2_capture
    assert capture is not None and capture.username == b"admin" and capture.auth == CIPHER_SUITES[suite].auth
    found = crypto.crack_rakp2(capture.auth, [capture.salt], [capture.code], [b"nope", b"ipmifast-admin"])
    assert found == [1]
    assert pair.bmc.state is BmcState.RAKP2_SENT
    pair.step()  # the client's last datagram, RAKP 3 with status 0Fh, reaches the BMC
    assert pair.bmc.state is BmcState.FAILED
    assert capture.hash_line().split(":")[1] == capture.code.hex()
    assert capture.hashcat_mode == {1: 7300, 3: 7300, 17: None}[suite]
    assert capture.john_line() == f"$rakp${capture.salt.hex()}${capture.code.hex()}"
    assert b"ipmifast-admin" not in repr(capture).encode()


def test_suite_zero_accepts_any_password_as_the_spec_says() -> None:
    # RAKP-none has no HMAC: that is why the security audit flags cipher suite 0 (testbed pcap j-...)
    pair = establish(cipher_suite=0, password=b"wrong-password")
    assert pair.of(SessionEstablished)


def test_unsupported_cipher_suite_on_the_bmc() -> None:
    pair = establish(cipher_suite=17, bmc_suites=frozenset({3}))
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, CipherSuiteUnavailable)
    assert "0x04" in str(failed.error) or "algorithm" in str(failed.error)


def test_cipher_suite_we_do_not_implement_is_refused_locally() -> None:
    with pytest.raises(CipherSuiteUnavailable):
        ClientSession(SessionConfig(username=b"a", password=b"b", cipher_suite=4), seeded_rng(0))


def test_missing_privilege_is_privilege_unavailable() -> None:
    pair = establish(username=b"user", password=b"ipmifast-user", privilege=4)
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, PrivilegeUnavailable)


def test_unknown_user_is_an_rmcp_plus_status_error() -> None:
    pair = establish(username=b"nosuchuser", password=b"x")
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, RmcpPlusStatusError)
    assert failed.error.status == 0x0D


def test_twenty_byte_password_is_used_whole() -> None:
    pair = establish(username=b"long", password=b"twenty-byte-password")
    assert pair.of(SessionEstablished)
    # the same password cut to 16 bytes is a different IPMI v2.0 key
    pair = establish(username=b"long", password=b"twenty-byte-pass")
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, BadPasswordError)


def test_password_longer_than_twenty_bytes_is_refused_not_truncated() -> None:
    with pytest.raises(LocalProtocolError, match="at most 20"):
        SessionConfig(username=b"admin", password=b"x" * 21)


def test_kg_two_key_login() -> None:
    kg = b"bmc-key-0123456789ab"
    assert establish(kg=kg, bmc_kg=kg).of(SessionEstablished)
    pair = establish(kg=b"another-key", bmc_kg=kg)
    (failed,) = pair.of(SessionFailed)
    assert isinstance(failed, SessionFailed) and isinstance(failed.error, BadPasswordError)


def test_secrets_are_not_in_reprs() -> None:
    config = SessionConfig(username=b"admin", password=b"hunter2-secret", kg=b"kg-secret")
    assert b"hunter2".decode() not in repr(config) and "kg-secret" not in repr(config)


def test_unanswered_handshake_times_out() -> None:
    client = ClientSession(SessionConfig(username=b"a", password=b"b", retries=2, timeout=1.0), seeded_rng(3))
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
    lost = 0
    now = pair.now
    while (t := pair.client.get_timer()) is not None:  # the BMC never hears us
        lost += len(pair.client.datagrams_to_send(now))
        now = t
        pair.client.handle_timer(now)
    events = []
    while (ev := pair.client.next_event()) is not None:
        events.append(ev)
    (failed,) = [e for e in events if isinstance(e, RequestFailed)]
    assert failed.rq_seq == rq_seq and isinstance(failed.error, SessionTimeout)
    assert lost == 4  # first try + 3 retransmits
    assert pair.client.established


def test_request_before_established_is_a_local_protocol_error() -> None:
    client = ClientSession(SessionConfig(username=b"a", password=b"b"), seeded_rng(0))
    with pytest.raises(LocalProtocolError):
        client.request(0x06, 0x01, b"", 0.0)
    client.connect(0.0)
    with pytest.raises(LocalProtocolError):
        client.connect(0.0)


def test_close_retransmits_until_answered() -> None:
    pair = make_pair()
    pair.run(pair.finished)
    pair.client.close(pair.now)
    first = pair.client.datagrams_to_send(pair.now)  # lost
    assert len(first) == 1
    pair.run(lambda: bool(pair.of(SessionClosed)))
    assert any(isinstance(e, SessionClosed) and e.reason == "closed" for e in pair.client_events)
    assert any(isinstance(e, SessionClosed) for e in pair.bmc_events)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    suite=st.sampled_from([0, 1, 3, 17]),
    drop=st.floats(0.0, 0.3),
    duplicate=st.floats(0.0, 0.3),
    reorder=st.floats(0.0, 0.5),
)
def test_lossy_link_requests_complete_exactly_once(
    seed: int, suite: int, drop: float, duplicate: float, reorder: float
) -> None:
    pair = make_pair(cipher_suite=suite, seed=seed, retries=12, drop=drop, duplicate=duplicate, reorder=reorder)
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


@settings(max_examples=200, deadline=None)
@given(garbage=st.lists(st.binary(max_size=120), max_size=8))
def test_arbitrary_bytes_never_raise_nor_break_an_established_session(garbage: list[bytes]) -> None:
    pair = establish(cipher_suite=3)
    for g in garbage:
        pair.client.receive_datagram(g, pair.now)
        pair.bmc.receive_datagram(g, pair.now)
    # also: well-framed RMCP+ headers around garbage, with the right session IDs
    for g in garbage:
        header = bytes([6, 0, 0xFF, 7, 6, 0xC0]) + pair.client.sid_m.to_bytes(4, "little") + bytes(4)
        pair.client.receive_datagram(header + len(g).to_bytes(2, "little") + g, pair.now)
    pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    pair.run(lambda: bool(pair.responses()))
    assert len(pair.responses()) == 1
    assert pair.client.established


def test_replayed_response_is_dropped() -> None:
    pair = establish(cipher_suite=3)
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


def test_tampered_packet_is_dropped_by_reason() -> None:
    pair = establish(cipher_suite=3)
    pair.client.request(COUNTER_NETFN, COUNTER_CMD, b"", pair.now)
    pair.bmc.receive_datagram(pair.client.datagrams_to_send(pair.now)[0], pair.now)
    pair._bmc_application()
    (answer,) = pair.bmc.datagrams_to_send(pair.now)
    bad = bytearray(answer)
    bad[20] ^= 1
    pair.client.receive_datagram(bytes(bad), pair.now)
    assert pair.client.drops == {"AuthCode does not verify": 1}
    pair.client.receive_datagram(answer, pair.now)
    assert pair.client.next_event() is not None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    suite=st.sampled_from([1, 3, 17]),
    drop=st.floats(0.0, 0.2),
    duplicate=st.floats(0.0, 0.2),
    reorder=st.floats(0.0, 0.5),
    chunks=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=6),
)
def test_sol_through_the_sessions_delivers_every_byte_once_in_order(
    seed: int, suite: int, drop: float, duplicate: float, reorder: float, chunks: list[bytes]
) -> None:
    from ipmifast.proto.events import SolDataReceived
    from ipmifast.proto.sol import SolWindow

    pair = make_pair(cipher_suite=suite, seed=seed, retries=12)
    pair.run(pair.finished)
    assert pair.of(SessionEstablished)
    pair.drop, pair.duplicate, pair.reorder = drop, duplicate, reorder
    pair.client.attach_sol(SolWindow(retry_count=50, retry_interval=0.5))
    pair.bmc.attach_sol(SolWindow(retry_count=50, retry_interval=0.5, bmc=True))
    sent = b"".join(chunks)
    for chunk in chunks:
        pair.client.sol_send(chunk, pair.now)
        pair.bmc.sol_send(chunk[::-1], pair.now)
    echoed = b"".join(c[::-1] for c in chunks)

    def received(events: list) -> bytes:  # type: ignore[type-arg]
        return b"".join(e.data for e in events if isinstance(e, SolDataReceived))

    pair.run(lambda: received(pair.client_events) == echoed and received(pair.bmc_events) == sent, limit=3000)
    assert received(pair.bmc_events) == sent
    assert received(pair.client_events) == echoed


def test_name_only_lookup_off_uses_username_and_privilege() -> None:
    pair = make_pair()
    pair.client.config = SessionConfig(username=b"admin", password=b"ipmifast-admin", name_only_lookup=False)
    pair.run(pair.finished)
    # the role byte of RAKP 1 carries bit 4 = 0 and the BMC finds the user by name and privilege
    assert pair.of(SessionEstablished)


def test_keepalive_keeps_an_idle_session_alive_past_the_bmc_idle_timeout() -> None:
    from ipmifast.proto.bmc import BmcConfig, BmcSession
    from ipmifast.proto.session import ClientSession

    from .harness import GUID, USERS, Link

    def pair(keepalive: float | None) -> Link:
        client = ClientSession(SessionConfig(username=b"admin", password=b"ipmifast-admin", keepalive=keepalive),
                               seeded_rng(5))
        bmc = BmcSession(BmcConfig(guid=GUID, users=USERS, idle_timeout=60.0), 0x99, seeded_rng(6), 0.0)
        link = Link(client, bmc)
        client.connect(0.0)
        link.run(link.finished)
        assert link.of(SessionEstablished)
        return link

    kept = pair(keepalive=30.0)
    kept.run(lambda: kept.now > 600, limit=700)  # ten idle minutes
    assert kept.client.established and kept.bmc.state.name == "ACTIVE"
    assert kept.executions == 0  # keep-alives (Get Device ID) are the session's own, not the application's
    kept.client.request(COUNTER_NETFN, COUNTER_CMD, b"", kept.now)
    kept.run(lambda: bool(kept.responses()))
    assert kept.responses()

    idle = pair(keepalive=None)
    idle.run(lambda: any(isinstance(e, SessionClosed) for e in idle.bmc_events), limit=700)
    assert idle.bmc.state.name == "CLOSED"  # the BMC expired it after 60 s


def test_backoff_spaces_retransmits() -> None:
    client = ClientSession(
        SessionConfig(username=b"a", password=b"b", retries=3, timeout=1.0, backoff=2.0), seeded_rng(3)
    )
    client.connect(0.0)
    sends = [0.0] if client.datagrams_to_send(0.0) else []
    now = 0.0
    while (t := client.get_timer()) is not None:
        now = t
        client.handle_timer(now)
        if client.datagrams_to_send(now):
            sends.append(now)
    assert sends == [0.0, 1.0, 3.0, 7.0]  # waits of 1, 2, 4 s, then 8 s before giving up
    assert now == 15.0 == client.total_timeout()
    with pytest.raises(LocalProtocolError):
        SessionConfig(backoff=0.5)


def test_lossy_handshake_regression_seed_20168() -> None:
    # found by hypothesis in CI: 25 % loss made the handshake outlast the BMC's 10 s half-open expiry while the
    # console was still retransmitting; the BMC now counts handshake activity as life
    pair = make_pair(cipher_suite=0, seed=20168, retries=12, drop=0.25)
    pair.run(pair.finished)
    assert pair.of(SessionEstablished), pair.client_events[-3:]
