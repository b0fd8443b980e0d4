"""The SOL quartet (IPMI v2.0 rev 1.1 §15.9, Tables 15-2 and 15-3), on both implementations.

Known answers are the clear-text SOL payloads (RMCP+ payload type 1, suite 1) of the test bed's capture
``e-sol-c1.pcap`` (``../shared/testbed/pcaps``, made by ``make-pcaps.sh``): ipmitool 1.8.19 ``-I lanplus -C 1 sol
activate`` driven by ``pty-run.py`` (Enter, ``hello``, ``uname``, Enter, ``~.``) against ipmi_sim 2.0.33 and its
``sol-console.py`` host. Each row names its frame; the bytes are those of the frame's ``data.data`` in
``e-sol-c1.tshark.json`` (tshark 4.0.17 does not dissect SOL bodies), checked against the pcap itself.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto import sol

from ..conftest import IMPLS, load_impl

PY = load_impl("sol", "py")
C = load_impl("sol", "c")
MODS = {"c": C, "py": PY}

# The impl fixture is function-scoped but constant across hypothesis examples.
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)

H = bytes.fromhex
NACK = 0x40
CTU = sol.SolStatus.CHARACTER_TRANSFER_UNAVAILABLE


@pytest.fixture
def m(impl: str) -> ModuleType:
    return MODS[impl]


# --- codec: known answers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    frame: int
    to_bmc: bool
    hex: str
    fields: tuple[int, int, int, int, bytes]


PROMPT = b"ipmifast-sim:~# "
# e-sol-c1.pcap, every SOL payload in capture order (frames 21-34; 1-20 are the session setup and Activate
# Payload, 35-38 Deactivate Payload and Close Session).
CAPTURE = [
    Row(21, True, "010000000d", (1, 0, 0, 0, b"\r")),  # console seq 1: Enter
    Row(22, False, "00010100", (0, 1, 1, 0, b"")),  # BMC ack-only: seq 1, 1 character
    # BMC seq 4 (ipmi_sim keeps its sequence across activations): echo + prompt
    Row(23, False, "040000000d0a" + PROMPT.hex(), (4, 0, 0, 0, b"\r\n" + PROMPT)),
    Row(24, True, "00041200", (0, 4, 0x12, 0, b"")),  # console ack-only: seq 4, 18 characters
    Row(25, True, "0200000068656c6c6f0d", (2, 0, 0, 0, b"hello\r")),
    Row(26, False, "00020600", (0, 2, 6, 0, b"")),
    Row(
        27,
        False,
        "05000000" + (b"hello\r\nhello from the host console\r\n" + PROMPT).hex(),
        (5, 0, 0, 0, b"hello\r\nhello from the host console\r\n" + PROMPT),
    ),
    Row(28, True, "00053400", (0, 5, 0x34, 0, b"")),
    Row(29, True, "03000000756e616d650d", (3, 0, 0, 0, b"uname\r")),
    Row(30, False, "00030600", (0, 3, 6, 0, b"")),
    Row(
        31,
        False,
        "06000000" + (b"uname\r\nLinux ipmifast-sim 6.1.0-sim x86_64\r\n" + PROMPT).hex(),
        (6, 0, 0, 0, b"uname\r\nLinux ipmifast-sim 6.1.0-sim x86_64\r\n" + PROMPT),
    ),
    Row(32, True, "00063c00", (0, 6, 0x3C, 0, b"")),
    Row(33, True, "040000000d", (4, 0, 0, 0, b"\r")),  # the "~." escape stays in ipmitool
    Row(34, False, "00040100", (0, 4, 1, 0, b"")),
]
ROWS = [pytest.param(r, id=f"frame{r.frame}") for r in CAPTURE]


def test_capture_rows_are_consistent() -> None:
    for r in CAPTURE:
        assert len(r.fields[4]) + 4 == len(H(r.hex))
    # every accepted count in the capture is the length of the packet it acknowledges
    sent = {(r.to_bmc, r.fields[0]): len(r.fields[4]) for r in CAPTURE if r.fields[0]}
    for r in CAPTURE:
        if r.fields[1]:
            assert r.fields[2] == sent[(not r.to_bmc, r.fields[1])]


@pytest.mark.parametrize("row", ROWS)
def test_decode_capture(m: ModuleType, row: Row) -> None:
    assert m.decode_sol(H(row.hex)) == row.fields


@pytest.mark.parametrize("row", ROWS)
def test_encode_capture(m: ModuleType, row: Row) -> None:
    assert m.encode_sol(*row.fields) == H(row.hex)


def test_flags_follow_the_spec_tables(m: ModuleType) -> None:
    op, st_ = m.SolOperation, m.SolStatus
    # Table 15-2, byte 4 (remote console to BMC)
    assert (op.NACK, op.RING_WOR, op.GENERATE_BREAK, op.CTS_PAUSE) == (0x40, 0x20, 0x10, 0x08)
    assert (op.DROP_DCD_DSR, op.FLUSH_INBOUND, op.FLUSH_OUTBOUND) == (0x04, 0x02, 0x01)
    # Table 15-3, byte 4 (BMC to remote console)
    assert (st_.NACK, st_.CHARACTER_TRANSFER_UNAVAILABLE, st_.SOL_DEACTIVATING) == (0x40, 0x20, 0x10)
    assert (st_.TRANSMIT_OVERRUN, st_.BREAK_DETECTED) == (0x08, 0x04)
    assert (m.SOL_HEADER_LEN, m.SOL_SEQ_MAX, m.SOL_MAX_ACCEPTED) == (4, 15, 255)


def test_selector_reexports_the_implementation() -> None:
    impl = {"c": C, "py": PY}[sol.__impl__]
    for name in sol.__all__:
        assert getattr(sol, name) is getattr(impl, name), name
    assert sorted(sol.__all__) == sorted(C.__all__) == sorted(PY.__all__)
    assert (C.__impl__, PY.__impl__) == ("c", "py")


# --- codec: errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [b"", b"\x01", b"\x01\x00", b"\x01\x00\x00"])
def test_decode_short_is_decode_error(m: ModuleType, payload: bytes) -> None:
    with pytest.raises(DecodeError, match="shorter than its 4-byte header"):
        m.decode_sol(payload)


def test_decode_ignores_reserved_bits(m: ModuleType) -> None:
    # bits 7:4 of bytes 1 and 2 are reserved (Table 15-2 / 15-3)
    assert m.decode_sol(H("f1f2fffe41")) == (1, 2, 0xFF, 0xFE, b"A")


def test_decode_needs_bytes(m: ModuleType) -> None:
    with pytest.raises(TypeError):
        m.decode_sol(bytearray(b"\x01\x00\x00\x00"))


@pytest.mark.parametrize(
    "args",
    [
        (16, 0, 0, 0, b""),
        (-1, 0, 0, 0, b""),
        (0, 16, 0, 0, b""),
        (0, -1, 0, 0, b""),
        (0, 0, 256, 0, b""),
        (0, 0, -1, 0, b""),
        (0, 0, 0, 256, b""),
        (0, 0, 0, -1, b""),
        (1 << 70, 0, 0, 0, b""),
        (1, 0, 0, 0, bytes(0xFFFF - 3)),
    ],
)
def test_encode_out_of_range_is_local_protocol_error(m: ModuleType, args: tuple[Any, ...]) -> None:
    with pytest.raises(LocalProtocolError):
        m.encode_sol(*args)


def test_encode_takes_any_bytes_like(m: ModuleType) -> None:
    assert m.encode_sol(1, 2, 3, 4, bytearray(b"ab")) == H("010203046162")
    assert m.encode_sol(1, 2, 3, 4, memoryview(b"ab")) == H("010203046162")
    assert m.encode_sol(1, 2, 3, 4, bytes(0xFFFF - 4))[4:] == bytes(0xFFFF - 4)


# --- codec: hypothesis --------------------------------------------------------------------------------------------

seqs = st.integers(0, 15)
u8 = st.integers(0, 0xFF)
fields = st.tuples(seqs, seqs, u8, u8, st.binary(max_size=300))


@fixture_ok
@given(f=fields)
def test_round_trip(m: ModuleType, f: tuple[int, int, int, int, bytes]) -> None:
    wire = m.encode_sol(*f)
    assert m.decode_sol(wire) == f
    assert wire == PY.encode_sol(*f) == C.encode_sol(*f)


def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # noqa: BLE001 - the comparison is the point
        return ("raise", type(exc))


@st.composite
def near_valid(draw: st.DrawFn) -> bytes:
    """A captured SOL payload, cut, with bytes changed or added."""
    wire = bytearray(H(draw(st.sampled_from(CAPTURE)).hex))
    for _ in range(draw(st.integers(0, 3))):
        if wire and draw(st.booleans()):
            wire[draw(st.integers(0, len(wire) - 1))] = draw(u8)
        else:
            wire.insert(draw(st.integers(0, len(wire))), draw(u8))
    return bytes(wire[: draw(st.integers(0, len(wire)))])


arbitrary = st.one_of(st.binary(max_size=40), near_valid())


@settings(deadline=None)
@given(payload=arbitrary)
def test_decode_c_equals_py(payload: bytes) -> None:
    assert _outcome(C.decode_sol, payload) == _outcome(PY.decode_sol, payload)


@settings(deadline=None)
@given(f=st.tuples(st.integers(-2, 17), st.integers(-2, 17), st.integers(-2, 257), st.integers(-2, 257)))
def test_encode_c_equals_py(f: tuple[int, int, int, int]) -> None:
    assert _outcome(C.encode_sol, *f, b"x") == _outcome(PY.encode_sol, *f, b"x")


# --- window: the capture, replayed --------------------------------------------------------------------------------


def test_console_window_replays_ipmitool_byte_for_byte(m: ModuleType) -> None:
    """Fed the BMC's payloads of e-sol-c1, a console window sends exactly what ipmitool sent."""
    w = m.SolWindow()
    typed = {21: b"\r", 25: b"hello\r", 29: b"uname\r", 33: b"\r"}
    shown = bytearray()
    t = 0.0
    for r in CAPTURE:
        t += 0.01
        if r.to_bmc:
            if r.frame in typed:
                w.send(typed[r.frame])
            assert w.payloads_to_send(t) == [H(r.hex)], r.frame
        else:
            w.receive(H(r.hex), t)
            shown += w.read()
            if r.fields[0] == 0:
                assert w.payloads_to_send(t) == []
    assert bytes(shown) == b"".join(r.fields[4] for r in CAPTURE if not r.to_bmc)
    assert (w.pending, w.retransmits, w.duplicates, w.dropped, w.failed) == (0, 0, 0, 0, False)
    assert w.get_timer() is None


def test_bmc_window_acknowledges_like_ipmi_sim(m: ModuleType) -> None:
    """Fed the console's payloads of e-sol-c1, a BMC window sends ipmi_sim's four ack-only packets."""
    w = m.SolWindow(bmc=True)
    acks = [r for r in CAPTURE if not r.to_bmc and r.fields[0] == 0]
    got = []
    for r in CAPTURE:
        if r.to_bmc:
            w.receive(H(r.hex), 0.0)
            got += w.payloads_to_send(0.0)
    assert got == [H(r.hex) for r in acks]
    assert w.read() == b"\rhello\runame\r\r"


# --- window: behaviour --------------------------------------------------------------------------------------------


def ack(seq: int, count: int, status: int = 0) -> bytes:
    return bytes((0, seq, count, status))


def data(seq: int, chars: bytes, ack_seq: int = 0, count: int = 0, status: int = 0) -> bytes:
    return bytes((seq, ack_seq, count, status)) + chars


def test_packets_carry_max_data_and_sequence_wraps_past_15(m: ModuleType) -> None:
    w = m.SolWindow(max_data=3)
    w.send(bytes(range(60)))
    sent = []
    for _ in range(20):
        (p,) = w.payloads_to_send(0.0)
        sent.append(p)
        assert w.payloads_to_send(0.0) == []  # stop-and-wait: one packet in flight
        w.receive(ack(p[0], len(p) - 4), 0.0)
    assert [p[0] for p in sent] == list(range(1, 16)) + [1, 2, 3, 4, 5]
    assert b"".join(p[4:] for p in sent) == bytes(range(60))
    assert all(len(p) == 7 for p in sent)
    assert w.pending == 0


def test_pending_counts_unacknowledged_characters(m: ModuleType) -> None:
    w = m.SolWindow(max_data=4)
    w.send(b"abcdef")
    assert w.pending == 6
    (p,) = w.payloads_to_send(0.0)
    assert p == data(1, b"abcd") and w.pending == 6
    w.receive(ack(1, 4), 0.1)
    assert w.pending == 2
    assert w.payloads_to_send(0.1) == [data(2, b"ef")]
    w.receive(ack(2, 2), 0.2)
    assert w.pending == 0


def test_duplicate_is_reacknowledged_not_delivered(m: ModuleType) -> None:
    w = m.SolWindow()
    w.receive(data(7, b"abc"), 0.0)
    assert w.payloads_to_send(0.0) == [ack(7, 3)]
    w.receive(data(7, b"abc"), 0.1)
    assert w.payloads_to_send(0.1) == [ack(7, 3)]
    assert w.read() == b"abc"
    assert w.duplicates == 1


def test_retry_with_appended_characters_delivers_only_those(m: ModuleType) -> None:
    """ipmi_sim, like other BMCs, adds the serial characters that arrived meanwhile to its retry."""
    w = m.SolWindow()
    w.receive(data(3, b"abc"), 0.0)
    w.receive(data(3, b"abcde"), 0.6)
    assert w.read() == b"abcde"
    assert w.payloads_to_send(0.6) == [ack(3, 5)]


def test_packet_from_behind_the_window_is_ignored(m: ModuleType) -> None:
    """A copy of an older packet that the network delayed is neither delivered nor acknowledged."""
    w = m.SolWindow()
    w.receive(data(5, b"x"), 0.0)
    w.receive(data(6, b"y"), 0.0)
    assert w.payloads_to_send(0.0) == [ack(6, 1)]
    w.receive(data(5, b"x"), 0.1)
    w.receive(data(14, b"z"), 0.1)  # 7 behind 6 (modulo 15)
    assert w.payloads_to_send(0.1) == []
    assert (w.read(), w.duplicates) == (b"xy", 2)
    w.receive(data(13, b"!"), 0.2)  # 7 ahead of 6: a peer may skip sequence numbers
    assert w.read() == b"!"


def test_first_packet_may_have_any_sequence_number(m: ModuleType) -> None:
    w = m.SolWindow()
    w.receive(data(15, b"a"), 0.0)
    w.receive(data(1, b"b"), 0.0)
    assert w.read() == b"ab"


def test_ack_is_piggybacked_on_data(m: ModuleType) -> None:
    w = m.SolWindow()
    w.send(b"out")
    w.receive(data(2, b"in"), 0.0)
    assert w.payloads_to_send(0.0) == [data(1, b"out", ack_seq=2, count=2)]
    assert w.payloads_to_send(0.0) == []


def test_ack_of_another_sequence_number_is_ignored(m: ModuleType) -> None:
    w = m.SolWindow()
    w.send(b"abc")
    w.payloads_to_send(0.0)
    w.receive(ack(2, 3), 0.1)
    assert w.pending == 3
    w.receive(ack(1, 200), 0.1)  # more than sent: only what was sent is released
    assert w.pending == 0


def test_partial_acceptance_resends_the_rest_in_a_new_packet(m: ModuleType) -> None:
    w = m.SolWindow()
    w.send(b"0123456789")
    assert w.payloads_to_send(0.0) == [data(1, b"0123456789")]
    w.receive(ack(1, 4), 0.1)
    assert w.pending == 6
    assert w.payloads_to_send(0.1) == [data(2, b"456789")]
    assert w.retransmits == 0


def test_retry_is_identical_and_exhaustion_fails(m: ModuleType) -> None:
    w = m.SolWindow(retry_count=3, retry_interval=0.5)
    w.send(b"hi")
    (first,) = w.payloads_to_send(0.0)
    t = 0.0
    for n in range(3):
        assert w.get_timer() == t + 0.5
        w.handle_timer(t + 0.4)  # early: nothing happens
        assert w.payloads_to_send(t + 0.4) == []
        t += 0.5
        w.handle_timer(t)
        assert w.payloads_to_send(t) == [first]
        assert w.retransmits == n + 1
    assert not w.failed
    w.handle_timer(t + 0.5)
    assert w.failed
    assert (w.payloads_to_send(t + 0.5), w.get_timer()) == ([], None)
    w.receive(ack(1, 2), t + 0.6)  # too late: the window has stopped
    assert w.pending == 2
    with pytest.raises(LocalProtocolError):
        w.send(b"more")
    with pytest.raises(LocalProtocolError):
        w.send_break()


def test_ack_resets_the_retry_count(m: ModuleType) -> None:
    w = m.SolWindow(retry_count=1, retry_interval=0.5)
    w.send(b"a")
    t = 0.0
    for _ in range(5):
        (p,) = w.payloads_to_send(t)
        t += 0.5
        w.handle_timer(t)
        assert w.payloads_to_send(t) == [p]
        w.receive(ack(p[0], 1), t)
        w.send(b"b")
    assert not w.failed and w.retransmits == 5


def test_retry_carries_a_pending_ack(m: ModuleType) -> None:
    w = m.SolWindow()
    w.send(b"a")
    w.payloads_to_send(0.0)
    w.receive(data(9, b"zz"), 0.2)
    w.handle_timer(0.5)
    assert w.payloads_to_send(0.5) == [data(1, b"a", ack_seq=9, count=2)]


def test_nack_holds_until_the_interval_then_probes(m: ModuleType) -> None:
    w = m.SolWindow(retry_interval=0.5)
    w.send(b"abcdef")
    w.payloads_to_send(0.0)
    w.receive(ack(1, 2, NACK), 0.1)
    assert w.pending == 4
    assert w.payloads_to_send(0.1) == []
    assert w.get_timer() == pytest.approx(0.6)
    w.handle_timer(0.6)
    assert w.payloads_to_send(0.6) == [data(2, b"cdef")]
    assert w.retransmits == 0 and not w.failed


def test_nack_ends_when_the_peer_clears(m: ModuleType) -> None:
    w = m.SolWindow()
    w.send(b"abcdef")
    w.payloads_to_send(0.0)
    w.receive(ack(1, 0, NACK), 0.1)
    w.receive(data(4, b"x", status=NACK), 0.2)  # still full
    assert w.payloads_to_send(0.2) == [ack(4, 1)]
    w.receive(bytes(4), 0.3)  # "ready again": no ACK, NACK clear
    assert w.payloads_to_send(0.3) == [data(2, b"abcdef")]


def test_character_transfer_unavailable_holds_the_console(m: ModuleType) -> None:
    w = m.SolWindow()
    w.receive(bytes((0, 0, 0, CTU)), 0.0)
    w.send(b"a")
    assert w.payloads_to_send(0.0) == []
    assert w.peer_status == CTU
    w.receive(bytes(4), 0.1)
    assert w.payloads_to_send(0.1) == [data(1, b"a")]


def test_bmc_without_transfer_nacks_everything(m: ModuleType) -> None:
    bmc = m.SolWindow(bmc=True)
    bmc.set_status(CTU)
    bmc.receive(data(1, b"abc"), 0.0)
    assert bmc.read() == b""
    assert bmc.payloads_to_send(0.0) == [ack(1, 0, CTU | NACK)]
    bmc.set_status(0)  # the host is back: tell the console
    assert bmc.payloads_to_send(0.1) == [bytes(4)]
    assert bmc.payloads_to_send(0.1) == []
    bmc.receive(data(2, b"abc"), 0.2)
    assert bmc.read() == b"abc"


def test_receive_limit_nacks_then_resumes(m: ModuleType) -> None:
    """A reader that does not keep up: the window takes what fits, NACKs, and says when room is back."""
    console = m.SolWindow()
    bmc = m.SolWindow(bmc=True, rx_limit=4)
    console.send(b"0123456789")
    t = 0.0
    (p,) = console.payloads_to_send(t)
    bmc.receive(p, t)
    (a,) = bmc.payloads_to_send(t)
    assert a == ack(1, 4, NACK)
    console.receive(a, t)
    assert console.payloads_to_send(t) == []  # held
    assert bmc.read() == b"0123"
    (ready,) = bmc.payloads_to_send(t)
    assert ready == bytes(4)
    console.receive(ready, t)
    (p,) = console.payloads_to_send(t)
    assert p == data(2, b"456789")
    bmc.receive(p, t)
    assert bmc.payloads_to_send(t) == [ack(2, 4, NACK)]
    bmc.receive(p, t)  # a duplicate does not sneak past the limit later either
    assert bmc.read() == b"4567"
    assert bmc.payloads_to_send(t) == [ack(2, 4)]
    bmc.receive(p, t)
    assert bmc.read() == b""


def test_ack_delay_accumulates_characters(m: ModuleType) -> None:
    w = m.SolWindow(ack_delay=0.1, max_data=8)
    w.send(b"a")
    assert w.payloads_to_send(0.0) == []
    assert w.get_timer() == pytest.approx(0.1)
    w.send(b"b")
    assert w.payloads_to_send(0.05) == []
    assert w.payloads_to_send(0.1) == [data(1, b"ab")]
    w.send(b"12345678")  # a full packet goes out at once (character send threshold)
    w.receive(ack(1, 2), 0.11)
    assert w.payloads_to_send(0.11) == [data(2, b"12345678")]


def test_ack_delay_lets_the_echo_carry_the_ack(m: ModuleType) -> None:
    w = m.SolWindow(ack_delay=0.05, bmc=True)
    w.receive(data(1, b"k"), 0.0)
    assert w.payloads_to_send(0.0) == []
    assert w.get_timer() == pytest.approx(0.05)
    w.send(b"k")  # the host echoes the character
    assert w.payloads_to_send(0.01) == []
    assert w.payloads_to_send(0.05) == [data(1, b"k", ack_seq=1, count=1)]


def test_ack_delay_sends_a_lone_ack_in_time(m: ModuleType) -> None:
    w = m.SolWindow(ack_delay=0.05)
    w.receive(data(1, b"k"), 0.0)
    w.handle_timer(0.05)
    assert w.payloads_to_send(0.05) == [ack(1, 1)]
    assert w.get_timer() is None


def test_break_goes_alone_between_the_characters(m: ModuleType) -> None:
    console = m.SolWindow()
    bmc = m.SolWindow(bmc=True)
    console.send(b"ab")
    console.send_break()
    console.send(b"c")
    got = []
    for _ in range(3):
        (p,) = console.payloads_to_send(0.0)
        got.append(p)
        bmc.receive(p, 0.0)
        bmc.receive(p, 0.0)  # a duplicate break is not a second break
        (a,) = bmc.payloads_to_send(0.0)
        console.receive(a, 0.0)
    assert got == [data(1, b"ab"), data(2, b"", status=0x10), data(3, b"c")]
    assert (bmc.read(), bmc.breaks, console.pending) == (b"abc", 1, 0)
    assert console.payloads_to_send(0.0) == [] and console.get_timer() is None


def test_bmc_break_is_break_detected(m: ModuleType) -> None:
    bmc = m.SolWindow(bmc=True)
    bmc.send_break()
    (p,) = bmc.payloads_to_send(0.0)
    assert p == data(1, b"", status=0x04)
    console = m.SolWindow()
    console.receive(p, 0.0)
    assert console.breaks == 1


def test_peer_status_and_deactivation(m: ModuleType) -> None:
    w = m.SolWindow()
    w.receive(bytes((0, 0, 0, m.SolStatus.TRANSMIT_OVERRUN)), 0.0)
    assert (w.peer_status, w.deactivated) == (0x08, False)
    w.receive(bytes((0, 0, 0, m.SolStatus.SOL_DEACTIVATING)), 0.1)
    w.receive(bytes(4), 0.2)
    assert (w.peer_status, w.deactivated) == (0, True)
    # on the BMC side the same bit is the console's "generate break", not a deactivation
    b = m.SolWindow(bmc=True)
    b.receive(bytes((0, 0, 0, 0x10)), 0.0)
    assert not b.deactivated


def test_level_bits_ride_on_every_packet(m: ModuleType) -> None:
    w = m.SolWindow()
    w.set_status(m.SolOperation.CTS_PAUSE | m.SolOperation.DROP_DCD_DSR)
    w.receive(data(1, b"x"), 0.0)
    assert w.payloads_to_send(0.0) == [bytes((0, 1, 1, 0x0C))]
    w.send(b"y")
    assert w.payloads_to_send(0.0) == [data(1, b"y", status=0x0C)]


@pytest.mark.parametrize(
    ("bmc", "bits"),
    [(False, 0x40), (False, 0x20 | 0x10), (False, 0x01), (True, 0x40), (True, 0x04), (True, 0x01)],
)
def test_set_status_refuses_window_and_one_shot_bits(m: ModuleType, bmc: bool, bits: int) -> None:
    w = m.SolWindow(bmc=bmc)
    with pytest.raises(LocalProtocolError):
        w.set_status(bits)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_data": 0},
        {"max_data": 256},
        {"retry_count": -1},
        {"retry_interval": 0.0},
        {"ack_delay": -0.1},
        {"rx_limit": 0},
    ],
)
def test_bad_configuration_is_local_protocol_error(m: ModuleType, kwargs: dict[str, Any]) -> None:
    with pytest.raises(LocalProtocolError):
        m.SolWindow(**kwargs)


def test_malformed_payload_is_counted_not_raised(m: ModuleType) -> None:
    w = m.SolWindow()
    for bad in (b"", b"\x01", b"\x01\x02\x03"):
        w.receive(bad, 0.0)
    assert w.dropped == 3
    assert w.payloads_to_send(0.0) == [] and w.read() == b""


def test_ack_only_packet_characters_are_ignored(m: ModuleType) -> None:
    w = m.SolWindow()
    w.receive(data(0, b"junk"), 0.0)
    assert (w.read(), w.payloads_to_send(0.0)) == (b"", [])


def test_bytes_like_send_and_bytes_only_receive(m: ModuleType) -> None:
    w = m.SolWindow()
    w.send(bytearray(b"a"))
    w.send(memoryview(b"b"))
    assert w.payloads_to_send(0.0) == [data(1, b"ab")]
    with pytest.raises(TypeError):
        w.receive(bytearray(4), 0.0)
    with pytest.raises(TypeError):
        w.send("text")


# --- window: two peers over a lossy link ---------------------------------------------------------------------------

LATENCY = 0.05
RETRY_INTERVAL = 0.5
RETRY_COUNT = 12
# Extra delay on one leg: small enough that a round trip never outlasts RETRY_INTERVAL (so only losses cause
# retries) and that no copy lags more than a few packets behind (a 4-bit sequence number cannot tell further).
DELAYS = (0.01, 0.04, 0.15)
FATES = st.sampled_from(["ok", "drop", "dup", "delay", "dup-delay"])
BREAK = None


@dataclass
class Link:
    fates: list[str]
    delays: list[float]
    budget: int  # losses allowed in all: below the retry budget, nothing can fail
    queue: list[tuple[float, int, str, bytes]] = field(default_factory=list)
    n: int = 0
    lost: int = 0
    nacks: int = 0

    def put(self, t: float, dst: str, payload: bytes) -> None:
        if payload[1] and payload[3] & NACK:
            self.nacks += 1
        fate = self.fates.pop() if self.fates else "ok"
        extra = self.delays.pop() if self.delays else DELAYS[-1]
        if fate == "drop" and self.lost < self.budget:
            self.lost += 1
            return
        when = [t + LATENCY]
        if fate == "delay":
            when = [t + LATENCY + extra]
        elif fate == "dup":
            when = [t + LATENCY, t + LATENCY]
        elif fate == "dup-delay":
            when = [t + LATENCY, t + LATENCY + extra]
        for w in when:
            self.n += 1
            heapq.heappush(self.queue, (w, self.n, dst, payload))


def chunk_list(items: list[bytes | None]) -> tuple[bytes, int]:
    return b"".join(c for c in items if c is not None), sum(c is None for c in items)


streams = st.lists(st.one_of(st.binary(min_size=1, max_size=90), st.just(BREAK)), max_size=12)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=300)
@given(
    a_chunks=streams,
    b_chunks=streams,
    fates=st.lists(FATES, max_size=80),
    delays=st.lists(st.sampled_from(DELAYS), max_size=80),
    max_a=st.integers(1, 255),
    max_b=st.integers(1, 255),
    ack_delay=st.sampled_from([0.0, 0.0, 0.03]),
    rx_limit=st.sampled_from([None, 1, 3, 8, 40]),
    read_every=st.sampled_from([1, 2, 5]),
)
def test_two_windows_deliver_exactly_what_was_sent(
    m: ModuleType,
    a_chunks: list[bytes | None],
    b_chunks: list[bytes | None],
    fates: list[str],
    delays: list[float],
    max_a: int,
    max_b: int,
    ack_delay: float,
    rx_limit: int | None,
    read_every: int,
) -> None:
    """Console and BMC back to back: loss (below the retry budget), duplication and reordering, both directions,
    breaks, a slow reader on the BMC side: each side delivers exactly the peer's bytes, in order, once."""
    win = {
        "a": m.SolWindow(max_a, RETRY_COUNT, RETRY_INTERVAL, ack_delay),
        "b": m.SolWindow(max_b, RETRY_COUNT, RETRY_INTERVAL, ack_delay, bmc=True, rx_limit=rx_limit),
    }
    todo = {"a": list(a_chunks), "b": list(b_chunks)}
    got = {"a": bytearray(), "b": bytearray()}
    link = Link(list(fates), list(delays), budget=RETRY_COUNT)
    t = 0.0
    for step in range(20000):
        for side in ("a", "b"):
            if todo[side]:
                chunk = todo[side].pop(0)
                if chunk is BREAK:
                    win[side].send_break()
                else:
                    win[side].send(chunk)
        for side, peer in (("a", "b"), ("b", "a")):
            for payload in win[side].payloads_to_send(t):
                link.put(t, peer, payload)
        timers = [x for x in (win["a"].get_timer(), win["b"].get_timer()) if x is not None]
        if link.queue:
            timers.append(link.queue[0][0])
        if todo["a"] or todo["b"]:
            timers.append(t + 0.02)
        if not timers:
            break
        t = max(t, min(timers))
        while link.queue and link.queue[0][0] <= t:
            _, _, dst, payload = heapq.heappop(link.queue)
            win[dst].receive(payload, t)
        for side in ("a", "b"):
            timer = win[side].get_timer()
            if timer is not None and timer <= t:
                win[side].handle_timer(t)
        got["a"] += win["a"].read()
        if step % read_every == 0:  # a slow reader on the BMC side
            got["b"] += win["b"].read()
    else:
        pytest.fail("the link never went quiet")
    got["b"] += win["b"].read()
    a_bytes, a_breaks = chunk_list(a_chunks)
    b_bytes, b_breaks = chunk_list(b_chunks)
    assert bytes(got["b"]) == a_bytes
    assert bytes(got["a"]) == b_bytes
    assert (win["b"].breaks, win["a"].breaks) == (a_breaks, b_breaks)
    for w in win.values():
        assert not w.failed
        assert w.pending == 0 and w.dropped == 0
    event(f"lost {min(link.lost, 3)}+")
    event(f"NACKs {min(link.nacks, 3)}+")
    event(f"retransmits {min(win['a'].retransmits + win['b'].retransmits, 3)}+")
    event(f"duplicates {min(win['a'].duplicates + win['b'].duplicates, 3)}+")


def test_link_losses_beyond_the_retry_budget_fail(m: ModuleType) -> None:
    w = m.SolWindow(retry_count=2, retry_interval=0.5)
    w.send(b"lost")
    t = 0.0
    sent = 0
    while not w.failed and t < 10:
        sent += len(w.payloads_to_send(t))
        timer = w.get_timer()
        assert timer is not None
        t = timer
        w.handle_timer(t)
    assert w.failed and sent == 3 and w.retransmits == 2


# --- C and Py agree on anything a peer or a caller can do ----------------------------------------------------------

sol_payloads = st.one_of(
    arbitrary,
    st.builds(
        lambda s, a, c, f, d: bytes((s, a, c, f)) + d,
        st.integers(0, 15),
        st.integers(0, 15),
        st.integers(0, 12),
        st.sampled_from([0, 0x04, 0x10, 0x20, 0x40, 0x60]),
        st.binary(max_size=12),
    ),
)
steps = st.sampled_from([0.0, 0.0, 0.01, 0.05, 0.3, 0.5, 0.7])
ops = st.one_of(
    st.tuples(st.just("receive"), sol_payloads, steps),
    st.tuples(st.just("send"), st.binary(max_size=20)),
    st.tuples(st.just("break")),
    st.tuples(st.just("read")),
    st.tuples(st.just("pump"), steps),
    st.tuples(st.just("timer"), steps),
    st.tuples(st.just("status"), st.sampled_from([0, 0x08, 0x20, 0x28])),
)


def _snapshot(w: Any) -> tuple[Any, ...]:
    return (
        w.pending,
        w.failed,
        w.peer_status,
        w.deactivated,
        w.breaks,
        w.retransmits,
        w.duplicates,
        w.dropped,
        w.get_timer(),
        w.max_data,
    )


def _apply(w: Any, op: tuple[Any, ...], now: float) -> Any:
    kind = op[0]
    if kind == "receive":
        return w.receive(op[1], now)
    if kind == "send":
        return w.send(op[1])
    if kind == "break":
        return w.send_break()
    if kind == "read":
        return w.read()
    if kind == "pump":
        return w.payloads_to_send(now)
    if kind == "timer":
        return w.handle_timer(now)
    return w.set_status(op[1])


@settings(deadline=None, max_examples=300)
@given(
    bmc=st.booleans(),
    max_data=st.integers(1, 8),
    retry_count=st.integers(0, 3),
    ack_delay=st.sampled_from([0.0, 0.05]),
    rx_limit=st.one_of(st.none(), st.integers(1, 10)),
    script=st.lists(ops, max_size=60),
)
def test_window_c_equals_py(
    bmc: bool, max_data: int, retry_count: int, ack_delay: float, rx_limit: int | None, script: list[Any]
) -> None:
    args = (max_data, retry_count, 0.5, ack_delay)
    c, p = C.SolWindow(*args, bmc=bmc, rx_limit=rx_limit), PY.SolWindow(*args, bmc=bmc, rx_limit=rx_limit)
    now = 0.0
    for op in script:
        if op[0] in ("receive", "pump", "timer"):
            now += op[-1]
        assert _outcome(_apply, c, op, now) == _outcome(_apply, p, op, now), op
        assert _snapshot(c) == _snapshot(p), op


@pytest.mark.parametrize("impl_name", IMPLS)
@settings(deadline=None)
@given(payloads=st.lists(sol_payloads, max_size=30))
def test_receive_never_raises(impl_name: str, payloads: list[bytes]) -> None:
    w = MODS[impl_name].SolWindow()
    for i, payload in enumerate(payloads):
        w.receive(payload, i * 0.1)
        w.payloads_to_send(i * 0.1)
        w.read()
