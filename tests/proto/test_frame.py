"""The framing quartet (IPMI v2.0 rev 1.1 §13.1-13.8), on both implementations.

Known answers are real datagrams from the test bed's captures (``../shared/testbed/pcaps``: ipmitool 1.8.19,
rmcpping and FreeIPMI 1.6.10 against ipmi_sim 2.0.33); each row names its capture and frame number and its fields
are those tshark 4.0.17 decoded (the ``.tshark.json`` beside the capture). Rows marked "synthetic" have no capture
and were laid out by hand from the spec table they cite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipmifast import _impl
from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto import frame
from ipmifast.proto.records import AsfMessage, AsfPong, IpmiRequest, IpmiResponse, V15Packet, V20Packet

from ..conftest import load_impl

PY = load_impl("frame", "py")
C = load_impl("frame", "c")

# The impl fixture is function-scoped but constant across hypothesis examples.
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
six_bits = st.integers(0, 0x3F)
lun = st.integers(0, 3)


@dataclass(frozen=True)
class Case:
    """One codec table row: ``encode(module)`` gives ``hex`` (minus any trailer), ``decoder`` gives ``record``."""

    id: str
    hex: str
    decoder: str
    record: Any
    encode: Callable[[ModuleType], bytes]

    @property
    def wire(self) -> bytes:
        return bytes.fromhex(self.hex)


H = bytes.fromhex

DATAGRAMS = [
    # h-rmcp-presence-ping.pcap #1: rmcpping's Presence Ping, tag 3Ch
    Case(
        "asf-ping",
        "0600ff06000011be803c0000",
        "decode_asf",
        AsfMessage(0x80, 0x3C, b""),
        lambda f: f.encode_asf_ping(0x3C),
    ),
    # h-rmcp-presence-ping.pcap #2: ipmi_sim's Presence Pong (IANA 4542, IPMI supported, ASF 1.0)
    Case(
        "asf-pong",
        "0600ff06000011be403c0010000011be000000008100000000000000",
        "decode_asf",
        AsfMessage(0x40, 0x3C, H("000011be000000008100000000000000")),
        lambda f: f.encode_asf_pong(0x3C, oem_iana=4542),
    ),
    # l-lan15-weak-straight-password.pcap #1: ipmitool -I lan's Presence Ping, tag 0
    Case(
        "asf-ping-tag0",
        "0600ff06000011be80000000",
        "decode_asf",
        AsfMessage(0x80, 0x00, b""),
        lambda f: f.encode_asf_ping(0),
    ),
    # d-lan15-md5-chassis-power.pcap #3: Get Channel Authentication Capabilities, outside a session
    Case(
        "v15-none",
        "0600ff07000000000000000000092018c88104380e0431",
        "decode_v15_session",
        V15Packet(0, 0, 0, b"", H("2018c88104380e0431")),
        lambda f: f.encode_v15_session(0, 0, 0, b"", H("2018c88104380e0431")),
    ),
    # d-lan15-md5-chassis-power.pcap #7: Activate Session with its MD5 AuthCode, session ID 5
    Case(
        "v15-md5-activate",
        "0600ff070200000000050000009ec61dff3f148fd265d983b0dc5830cc1d2018c8810c3a02043dd63d5432c9691fe7220e01daa7"
        "a355c795a1116d",
        "decode_v15_session",
        V15Packet(
            2,
            0,
            5,
            H("9ec61dff3f148fd265d983b0dc5830cc"),
            H("2018c8810c3a02043dd63d5432c9691fe7220e01daa7a355c795a1116d"),
        ),
        lambda f: f.encode_v15_session(
            2,
            0,
            5,
            H("9ec61dff3f148fd265d983b0dc5830cc"),
            H("2018c8810c3a02043dd63d5432c9691fe7220e01daa7a355c795a1116d"),
        ),
    ),
    # d-lan15-md5-chassis-power.pcap #13: Get Device ID in the session (sequence ED22891Eh, session ID 182h)
    Case(
        "v15-md5-in-session",
        "0600ff07021e8922ed820100007e48dce514ac034f30f37ba44773a70a072018c881180166",
        "decode_v15_session",
        V15Packet(2, 0xED22891E, 0x182, H("7e48dce514ac034f30f37ba44773a70a"), H("2018c881180166")),
        lambda f: f.encode_v15_session(
            2, 0xED22891E, 0x182, H("7e48dce514ac034f30f37ba44773a70a"), H("2018c881180166")
        ),
    ),
    # l-lan15-weak-straight-password.pcap #19: Get Chassis Status, the password "ipmifast-admin" as AuthCode
    Case(
        "v15-password",
        "0600ff07047de420a60201000069706d69666173742d61646d696e0000072000e08124015a",
        "decode_v15_session",
        V15Packet(4, 0xA620E47D, 0x102, b"ipmifast-admin\x00\x00", H("2000e08124015a")),
        lambda f: f.encode_v15_session(4, 0xA620E47D, 0x102, b"ipmifast-admin\x00\x00", H("2000e08124015a")),
    ),
    # c-lanplus-c1-chassis-power.pcap #3: RMCP+ Open Session Request (payload type 10h), session ID 0
    Case(
        "v20-open-session",
        "0600ff0706100000000000000000200000000000a4a3a2a0000000080100000001000008000000000200000800000000",
        "decode_v20_session",
        V20Packet(0x10, 0, 0, 0, 0, H("00000000a4a3a2a0000000080100000001000008000000000200000800000000"), b""),
        lambda f: f.encode_v20_session(
            0x10, 0, 0, H("00000000a4a3a2a0000000080100000001000008000000000200000800000000")
        ),
    ),
    # c-lanplus-c1-chassis-power.pcap #9: Set Session Privilege Level, clear text, session ID 82h, sequence 3
    Case(
        "v20-ipmi-clear",
        "0600ff070600820000000300000008002018c881043b043c",
        "decode_v20_session",
        V20Packet(0x00, 0, 0, 0x82, 3, H("2018c881043b043c"), b""),
        lambda f: f.encode_v20_session(0x00, 0x82, 3, H("2018c881043b043c")),
    ),
    # c-lanplus-c2-chassis-power.pcap #9: the same, authenticated (bit 6): integrity pad FFFFh, pad length 2,
    # next header 07h and a 12-byte HMAC-SHA1-96 AuthCode after the payload
    Case(
        "v20-ipmi-authenticated",
        "0600ff070640020100000300000008002018c881043b043cffff0207acd4bf06626c898449fee513",
        "decode_v20_session",
        V20Packet(0x40, 0, 0, 0x102, 3, H("2018c881043b043c"), H("ffff0207acd4bf06626c898449fee513")),
        lambda f: f.encode_v20_session(0x40, 0x102, 3, H("2018c881043b043c")),
    ),
    # a-lanplus-c3-chassis-power.pcap #10: encrypted and authenticated response (C0h), console session ID
    # A0A2A3A4h (ipmitool's), IV and AES-CBC ciphertext as the payload
    Case(
        "v20-ipmi-encrypted",
        "0600ff0706c0a4a3a2a0010000002000c86c417be1f32c270066f7233aef35f69ed6fa6ab314e8ca3feecf9f4bd81bb0ffff0207f1"
        "5d1a868565ce099fb584a4",
        "decode_v20_session",
        V20Packet(
            0xC0,
            0,
            0,
            0xA0A2A3A4,
            1,
            H("c86c417be1f32c270066f7233aef35f69ed6fa6ab314e8ca3feecf9f4bd81bb0"),
            H("ffff0207f15d1a868565ce099fb584a4"),
        ),
        lambda f: f.encode_v20_session(
            0xC0, 0xA0A2A3A4, 1, H("c86c417be1f32c270066f7233aef35f69ed6fa6ab314e8ca3feecf9f4bd81bb0")
        ),
    ),
    # synthetic (Table 13-8): OEM explicit payload (02h), OEM IANA 0002A2h little-endian + reserved 00h,
    # OEM payload ID 1234h little-endian, session ID 12345678h, sequence 7, one payload byte
    Case(
        "v20-oem-explicit",
        "0600ff070602a2020000341278563412070000000100aa",
        "decode_v20_session",
        V20Packet(0x02, 0x0002A2, 0x1234, 0x12345678, 7, b"\xaa", b""),
        lambda f: f.encode_v20_session(0x02, 0x12345678, 7, b"\xaa", oem_iana=0x0002A2, oem_payload_id=0x1234),
    ),
]

MESSAGES = [
    # c-lanplus-c1-chassis-power.pcap #19: Get Chassis Status request (rq_seq 6)
    Case(
        "get-chassis-status-rq",
        "2000e081180166",
        "decode_ipmi_request",
        IpmiRequest(0x20, 0x00, 0, 0x81, 6, 0, 0x01, b""),
        lambda f: f.encode_ipmi_request(0x20, 0x00, 0, 0x81, 6, 0, 0x01, b""),
    ),
    # c-lanplus-c1-chassis-power.pcap #20: its response, power on
    Case(
        "get-chassis-status-rs",
        "81047b20180100010000c6",
        "decode_ipmi_response",
        IpmiResponse(0x81, 0x01, 0, 0x20, 6, 0, 0x01, 0x00, H("010000")),
        lambda f: f.encode_ipmi_response(0x81, 0x01, 0, 0x20, 6, 0, 0x01, 0x00, H("010000")),
    ),
    # d-lan15-md5-chassis-power.pcap #3: Get Channel Authentication Capabilities request (channel Eh, admin)
    Case(
        "auth-caps-rq",
        "2018c88104380e0431",
        "decode_ipmi_request",
        IpmiRequest(0x20, 0x06, 0, 0x81, 1, 0, 0x38, H("0e04")),
        lambda f: f.encode_ipmi_request(0x20, 0x06, 0, 0x81, 1, 0, 0x38, H("0e04")),
    ),
    # d-lan15-md5-chassis-power.pcap #4: its response
    Case(
        "auth-caps-rs",
        "811c6320043800010604000000000099",
        "decode_ipmi_response",
        IpmiResponse(0x81, 0x07, 0, 0x20, 1, 0, 0x38, 0x00, H("0106040000000000")),
        lambda f: f.encode_ipmi_response(0x81, 0x07, 0, 0x20, 1, 0, 0x38, 0x00, H("0106040000000000")),
    ),
    # c-lanplus-c1-chassis-power.pcap #12: ipmitool's HPM.x probe (group extension 2Ch, cmd 3Eh) refused with
    # C1h, no data: the shortest response
    Case(
        "hpm-probe-rs-c1",
        "81b4cb20083ec1d9",
        "decode_ipmi_response",
        IpmiResponse(0x81, 0x2D, 0, 0x20, 2, 0, 0x3E, 0xC1, b""),
        lambda f: f.encode_ipmi_response(0x81, 0x2D, 0, 0x20, 2, 0, 0x3E, 0xC1, b""),
    ),
    # c-lanplus-c1-chassis-power.pcap #11: its request (PICMG signature 00h, HPM ID 02h)
    Case(
        "hpm-probe-rq",
        "20b03081083e000237",
        "decode_ipmi_request",
        IpmiRequest(0x20, 0x2C, 0, 0x81, 2, 0, 0x3E, H("0002")),
        lambda f: f.encode_ipmi_request(0x20, 0x2C, 0, 0x81, 2, 0, 0x3E, H("0002")),
    ),
    # synthetic (§13.8): every LUN bit set, rq_seq 1Fh
    Case(
        "luns",
        "201bc5827f0103fb",
        "decode_ipmi_request",
        IpmiRequest(0x20, 0x06, 3, 0x82, 0x1F, 3, 0x01, H("03")),
        lambda f: f.encode_ipmi_request(0x20, 0x06, 3, 0x82, 0x1F, 3, 0x01, H("03")),
    ),
]

CASES = DATAGRAMS + MESSAGES


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """What a call did: ("ok", result) or ("raised", exception type)."""
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # the exception type is the result being compared
        return ("raised", type(exc))


def assert_decode_error(fn: Callable[..., Any], *args: Any) -> None:
    """``fn(*args)`` raises exactly DecodeError (not a subclass, not IndexError / struct.error...)."""
    with pytest.raises(DecodeError) as info:
        fn(*args)
    assert type(info.value) is DecodeError


# --- selector -------------------------------------------------------------------------------------------


def test_selector_loads_the_compiled_module() -> None:
    expected = "py" if _impl.PURE_PYTHON else "c"
    assert frame.__impl__ == expected
    assert C.__impl__ == "c"
    assert PY.__impl__ == "py"


def test_both_implementations_have_the_same_api() -> None:
    assert sorted(C.__all__) == sorted(PY.__all__)
    for name in PY.__all__:
        assert callable(getattr(C, name)) and callable(getattr(PY, name))
        assert getattr(frame, name) is getattr(frame._mod, name)
    assert set(PY.__all__) <= set(frame.__all__)


# --- codec table ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_codec_table_decode(impl: str, case: Case) -> None:
    f = load_impl("frame", impl)
    record = getattr(f, case.decoder)(case.wire)
    assert record == case.record
    assert type(record) is type(case.record)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_codec_table_encode(impl: str, case: Case) -> None:
    f = load_impl("frame", impl)
    trailer = getattr(case.record, "trailer", b"")
    assert case.encode(f) + trailer == case.wire


def test_pong_data(impl: str) -> None:
    # h-rmcp-presence-ping.pcap #2, the pong's 16 data bytes
    f = load_impl("frame", impl)
    assert f.decode_asf_pong_data(H("000011be000000008100000000000000")) == AsfPong(4542, 0, 0x81, 0)
    pong = f.encode_asf_pong(1, 0x01020304, 0x0A0B0C0D, 0x80, 0x03)
    assert f.decode_asf_pong_data(f.decode_asf(pong).data) == AsfPong(0x01020304, 0x0A0B0C0D, 0x80, 0x03)
    assert pong[12:22] == H("010203040a0b0c0d8003")


PEEKS = [
    ("asf-ping", (6, 0, 0, 0), 4),
    ("v15-none", (7, 0, 0, 0), 13),
    ("v15-md5-in-session", (7, 2, 0, 0x182), 13),
    ("v20-open-session", (7, 6, 0x10, 0), 10),
    ("v20-ipmi-authenticated", (7, 6, 0x40, 0x102), 10),
    ("v20-ipmi-encrypted", (7, 6, 0xC0, 0xA0A2A3A4), 10),
    ("v20-oem-explicit", (7, 6, 0x02, 0x12345678), 16),
]


@pytest.mark.parametrize(("case_id", "expected", "needed"), PEEKS, ids=[p[0] for p in PEEKS])
def test_peek(impl: str, case_id: str, expected: tuple[int, int, int, int], needed: int) -> None:
    f = load_impl("frame", impl)
    wire = next(c.wire for c in DATAGRAMS if c.id == case_id)
    assert f.peek(wire) == expected
    for k in range(len(wire)):
        if k < needed:
            assert_decode_error(f.peek, wire[:k])
        else:
            assert f.peek(wire[:k]) == expected


def test_peek_other_classes(impl: str) -> None:
    f = load_impl("frame", impl)
    # RMCP ACK of an ASF message (class 86h, Table 13-1): the class byte comes back as sent
    assert f.peek(H("0600ff86")) == (0x86, 0, 0, 0)
    assert f.peek(H("0600ff08")) == (0x08, 0, 0, 0)
    assert f.peek(H("0600ff87000000")) == (0x87, 0, 0, 0)
    assert_decode_error(f.peek, H("0700ff07060000000000"))


# --- IPMI v1.5 legacy pad (§13.6) ---------------------------------------------------------------------------


@pytest.mark.parametrize("length", [56, 84, 112, 128, 156])
@pytest.mark.parametrize("auth_type", [0, 2])
def test_v15_legacy_pad(impl: str, length: int, auth_type: int) -> None:
    f = load_impl("frame", impl)
    auth_code = b"" if auth_type == 0 else bytes(range(16))
    header = 14 + len(auth_code)
    for msg_len, padded in ((length - header, True), (length - header - 1, False), (length - header + 1, False)):
        msg = bytes(msg_len)
        wire = f.encode_v15_session(auth_type, 1, 2, auth_code, msg)
        assert len(wire) == header + msg_len + padded
        if padded:
            assert wire[-1] == 0
        assert f.decode_v15_session(wire) == V15Packet(auth_type, 1, 2, auth_code, msg)


# --- decode errors ------------------------------------------------------------------------------------------

DATAGRAM_DECODERS = ["peek", "decode_asf", "decode_v15_session", "decode_v20_session"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_truncated_at_every_length(impl: str, case: Case) -> None:
    f = load_impl("frame", impl)
    decoder = getattr(f, case.decoder)
    # bytes after the payload of an RMCP+ datagram are its trailer: cutting into them still decodes
    needed = len(case.wire) - len(getattr(case.record, "trailer", b""))
    for k in range(needed):
        assert_decode_error(decoder, case.wire[:k])
    for k in range(needed, len(case.wire)):
        assert decoder(case.wire[:k]).trailer == case.wire[needed:k]


@pytest.mark.parametrize("decoder", DATAGRAM_DECODERS)
@pytest.mark.parametrize("case", DATAGRAMS, ids=[c.id for c in DATAGRAMS])
def test_bad_rmcp_version(impl: str, decoder: str, case: Case) -> None:
    f = load_impl("frame", impl)
    for version in (0x00, 0x07, 0xFF):
        assert_decode_error(getattr(f, decoder), bytes((version,)) + case.wire[1:])


@pytest.mark.parametrize("case", DATAGRAMS, ids=[c.id for c in DATAGRAMS])
def test_wrong_rmcp_class(impl: str, case: Case) -> None:
    f = load_impl("frame", impl)
    for decoder in ("decode_asf", "decode_v15_session", "decode_v20_session"):
        if decoder != case.decoder:
            assert_decode_error(getattr(f, decoder), case.wire)
        for rmcp_class in (0x00, 0x08, case.wire[3] | 0x80):
            assert_decode_error(getattr(f, decoder), case.wire[:3] + bytes((rmcp_class,)) + case.wire[4:])


def test_session_format_mismatch(impl: str) -> None:
    f = load_impl("frame", impl)
    v15 = next(c.wire for c in DATAGRAMS if c.id == "v15-none")
    v20 = next(c.wire for c in DATAGRAMS if c.id == "v20-ipmi-clear")
    assert_decode_error(f.decode_v15_session, v20)  # auth type 06h is RMCP+
    assert_decode_error(f.decode_v20_session, v15)
    for auth_type in (0x03, 0x07, 0xFF):  # reserved authentication types (Table 13-3)
        assert_decode_error(f.decode_v15_session, v15[:4] + bytes((auth_type,)) + v15[5:])


def test_bad_asf_iana(impl: str) -> None:
    f = load_impl("frame", impl)
    ping = H("0600ff06000011be803c0000")
    assert_decode_error(f.decode_asf, ping[:4] + (4543).to_bytes(4, "big") + ping[8:])
    assert_decode_error(f.decode_asf, ping[:4] + (4542).to_bytes(4, "little") + ping[8:])


def test_length_fields_larger_than_data(impl: str) -> None:
    f = load_impl("frame", impl)
    by_id = {c.id: c.wire for c in DATAGRAMS}

    def bump(wire: bytes, at: int, delta: int = 1) -> bytes:
        return wire[:at] + bytes(((wire[at] + delta) & 0xFF,)) + wire[at + 1 :]

    assert_decode_error(f.decode_asf, bump(by_id["asf-pong"], 11))
    assert_decode_error(f.decode_asf, bump(by_id["asf-ping"], 11))
    assert_decode_error(f.decode_v15_session, bump(by_id["v15-none"], 13))
    assert_decode_error(f.decode_v15_session, bump(by_id["v15-md5-in-session"], 29))
    assert_decode_error(f.decode_v15_session, bump(by_id["v15-none"], 13, 0xFF - by_id["v15-none"][13]))
    clear = by_id["v20-ipmi-clear"]
    assert_decode_error(f.decode_v20_session, bump(clear, 14))
    assert_decode_error(f.decode_v20_session, bump(clear, 15))  # high byte of the little-endian length
    oem = by_id["v20-oem-explicit"]
    assert_decode_error(f.decode_v20_session, bump(oem, 20))
    for k in range(16, 22):  # long enough for a plain header, not for the OEM fields
        assert_decode_error(f.decode_v20_session, oem[:k])


def test_short_pong_data(impl: str) -> None:
    f = load_impl("frame", impl)
    data = H("000011be000000008100000000000000")
    for k in range(10):
        assert_decode_error(f.decode_asf_pong_data, data[:k])
    # the 6 reserved bytes are not required
    assert f.decode_asf_pong_data(data[:10]) == AsfPong(4542, 0, 0x81, 0)


@pytest.mark.parametrize("case", MESSAGES, ids=[c.id for c in MESSAGES])
def test_bad_checksums(impl: str, case: Case) -> None:
    f = load_impl("frame", impl)
    decoder = getattr(f, case.decoder)
    for at in (2, len(case.wire) - 1):  # checksum 1, checksum 2
        for delta in (1, 0x80, 0xFF):
            bad = case.wire[:at] + bytes(((case.wire[at] + delta) & 0xFF,)) + case.wire[at + 1 :]
            assert_decode_error(decoder, bad)
            if case.decoder == "decode_ipmi_response":
                # FreeIPMI's nochecksumcheck quirk: the fields are still decoded
                assert f.decode_ipmi_response(bad, False) == case.record
                assert f.decode_ipmi_response(bad, check_checksums=False) == case.record


def test_unchecked_response_still_needs_its_length(impl: str) -> None:
    f = load_impl("frame", impl)
    for k in range(8):
        assert_decode_error(f.decode_ipmi_response, bytes(k), False)


def test_ipmi_checksum(impl: str) -> None:
    f = load_impl("frame", impl)
    assert f.ipmi_checksum(b"") == 0
    assert f.ipmi_checksum(H("2018")) == 0xC8  # d-lan15-md5-chassis-power.pcap #3
    assert f.ipmi_checksum(H("81043b04")) == 0x3C  # c-lanplus-c1-chassis-power.pcap #9
    assert f.ipmi_checksum(bytes(1000)) == 0
    assert f.ipmi_checksum(b"\xff" * 1000) == (-0xFF * 1000) & 0xFF


# --- encoder arguments out of range ---------------------------------------------------------------------------

BIG = 2**64
BAD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("encode_asf_ping", (-1,), {}),
    ("encode_asf_ping", (0x100,), {}),
    ("encode_asf_ping", (BIG,), {}),
    ("encode_asf_pong", (0x100,), {}),
    ("encode_asf_pong", (0,), {"oem_iana": 2**32}),
    ("encode_asf_pong", (0,), {"oem_iana": -1}),
    ("encode_asf_pong", (0,), {"oem_defined": 2**32}),
    ("encode_asf_pong", (0,), {"supported_entities": 0x100}),
    ("encode_asf_pong", (0,), {"supported_interactions": -1}),
    ("encode_v15_session", (0x03, 0, 0, b"", b""), {}),  # reserved auth type
    ("encode_v15_session", (0x06, 0, 0, b"", b""), {}),  # RMCP+ is not a v1.5 auth type
    ("encode_v15_session", (0x100, 0, 0, b"", b""), {}),
    ("encode_v15_session", (-1, 0, 0, b"", b""), {}),
    ("encode_v15_session", (0, -1, 0, b"", b""), {}),
    ("encode_v15_session", (0, 2**32, 0, b"", b""), {}),
    ("encode_v15_session", (0, 0, 2**32, b"", b""), {}),
    ("encode_v15_session", (0, 0, BIG, b"", b""), {}),
    ("encode_v15_session", (0, 0, 0, bytes(16), b""), {}),  # AuthCode with auth type NONE
    ("encode_v15_session", (2, 0, 0, b"", b""), {}),  # MD5 without AuthCode
    ("encode_v15_session", (2, 0, 0, bytes(15), b""), {}),
    ("encode_v15_session", (4, 0, 0, bytes(17), b""), {}),
    ("encode_v15_session", (0, 0, 0, b"", bytes(256)), {}),  # one-byte message length
    ("encode_v20_session", (0x100, 0, 0, b""), {}),
    ("encode_v20_session", (-1, 0, 0, b""), {}),
    ("encode_v20_session", (0, 2**32, 0, b""), {}),
    ("encode_v20_session", (0, 0, -1, b""), {}),
    ("encode_v20_session", (0, 0, BIG, b""), {}),
    ("encode_v20_session", (0, 0, 0, bytes(0x10000)), {}),  # two-byte payload length
    ("encode_v20_session", (2, 0, 0, b""), {"oem_iana": 0x1000000}),  # 3-byte IANA
    ("encode_v20_session", (2, 0, 0, b""), {"oem_iana": -1}),
    ("encode_v20_session", (2, 0, 0, b""), {"oem_payload_id": 0x10000}),
    ("encode_v20_session", (0, 0, 0, b""), {"oem_iana": 1}),  # OEM fields without an OEM payload
    ("encode_v20_session", (0x40, 0, 0, b""), {"oem_payload_id": 1}),
    ("encode_ipmi_request", (0x100, 6, 0, 0x81, 0, 0, 1, b""), {}),
    ("encode_ipmi_request", (0x20, 0x40, 0, 0x81, 0, 0, 1, b""), {}),
    ("encode_ipmi_request", (0x20, 6, 4, 0x81, 0, 0, 1, b""), {}),
    ("encode_ipmi_request", (0x20, 6, 0, -1, 0, 0, 1, b""), {}),
    ("encode_ipmi_request", (0x20, 6, 0, 0x81, 0x40, 0, 1, b""), {}),
    ("encode_ipmi_request", (0x20, 6, 0, 0x81, 0, 4, 1, b""), {}),
    ("encode_ipmi_request", (0x20, 6, 0, 0x81, 0, 0, 0x100, b""), {}),
    ("encode_ipmi_request", (0x20, 6, 0, 0x81, BIG, 0, 1, b""), {}),
    ("encode_ipmi_response", (0x100, 7, 0, 0x20, 0, 0, 1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 0x40, 0, 0x20, 0, 0, 1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 7, -1, 0x20, 0, 0, 1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 7, 0, 0x100, 0, 0, 1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 7, 0, 0x20, -1, 0, 1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 7, 0, 0x20, 0, 4, 1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 7, 0, 0x20, 0, 0, -1, 0, b""), {}),
    ("encode_ipmi_response", (0x81, 7, 0, 0x20, 0, 0, 1, 0x100, b""), {}),
    ("encode_ipmi_response", (0x81, 7, 0, 0x20, 0, 0, 1, BIG, b""), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), BAD_CALLS, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_CALLS)])
def test_encoder_out_of_range(impl: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    f = load_impl("frame", impl)
    with pytest.raises(LocalProtocolError):
        getattr(f, name)(*args, **kwargs)


def test_encoders_refuse_floats(impl: str) -> None:
    # operator.index semantics in both implementations: 1.0 is not silently truncated to 1
    f = load_impl("frame", impl)
    with pytest.raises(TypeError):
        f.encode_asf_ping(1.0)
    with pytest.raises(TypeError):
        f.encode_ipmi_request(0x20, 6.0, 0, 0x81, 0, 0, 1, b"")
    assert f.encode_asf_ping(True) == f.encode_asf_ping(1)


def test_encoder_limits_are_inclusive(impl: str) -> None:
    f = load_impl("frame", impl)
    assert len(f.encode_v15_session(0, 2**32 - 1, 2**32 - 1, b"", bytes(255))) == 14 + 255
    wire = f.encode_v20_session(0xFF, 2**32 - 1, 2**32 - 1, bytes(0xFFFF))
    assert f.decode_v20_session(wire).payload == bytes(0xFFFF)
    wire = f.encode_v20_session(0x02, 0, 0, b"", oem_iana=0xFFFFFF, oem_payload_id=0xFFFF)
    assert f.decode_v20_session(wire)[:3] == (0x02, 0xFFFFFF, 0xFFFF)
    assert f.encode_ipmi_request(0xFF, 0x3F, 3, 0xFF, 0x3F, 3, 0xFF, b"")[:2] == H("ffff")


# --- hypothesis: round trips ------------------------------------------------------------------------------------


@fixture_ok
@given(tag=u8)
def test_roundtrip_asf_ping(impl: str, tag: int) -> None:
    f = load_impl("frame", impl)
    assert f.decode_asf(f.encode_asf_ping(tag)) == AsfMessage(0x80, tag, b"")
    assert f.peek(f.encode_asf_ping(tag)) == (6, 0, 0, 0)


@fixture_ok
@given(tag=u8, iana=u32, defined=u32, entities=u8, interactions=u8)
def test_roundtrip_asf_pong(impl: str, tag: int, iana: int, defined: int, entities: int, interactions: int) -> None:
    f = load_impl("frame", impl)
    wire = f.encode_asf_pong(tag, iana, defined, entities, interactions)
    message = f.decode_asf(wire)
    assert (message.message_type, message.message_tag, len(message.data)) == (0x40, tag, 16)
    assert f.decode_asf_pong_data(message.data) == AsfPong(iana, defined, entities, interactions)


v15_packets = st.builds(
    lambda auth_type, seq, sid, code, msg: V15Packet(auth_type, seq, sid, code if auth_type else b"", msg),
    st.sampled_from([0, 1, 2, 4, 5]),
    u32,
    u32,
    st.binary(min_size=16, max_size=16),
    st.binary(max_size=255),
)


@fixture_ok
@given(packet=v15_packets)
def test_roundtrip_v15(impl: str, packet: V15Packet) -> None:
    f = load_impl("frame", impl)
    wire = f.encode_v15_session(*packet)
    assert f.decode_v15_session(wire) == packet
    assert f.peek(wire) == (7, packet.auth_type, 0, packet.session_id)


v20_packets = st.one_of(
    st.builds(
        lambda ptype, sid, seq, payload: V20Packet(ptype, 0, 0, sid, seq, payload, b""),
        u8.filter(lambda t: t & 0x3F != 0x02),
        u32,
        u32,
        st.binary(max_size=1200),
    ),
    st.builds(
        lambda bits, iana, pid, sid, seq, payload: V20Packet(bits | 0x02, iana, pid, sid, seq, payload, b""),
        st.sampled_from([0x00, 0x40, 0x80, 0xC0]),
        st.integers(0, 0xFFFFFF),
        u16,
        u32,
        u32,
        st.binary(max_size=1200),
    ),
)


@fixture_ok
@given(packet=v20_packets, trailer=st.binary(max_size=40))
def test_roundtrip_v20(impl: str, packet: V20Packet, trailer: bytes) -> None:
    f = load_impl("frame", impl)
    wire = f.encode_v20_session(
        packet.payload_type,
        packet.session_id,
        packet.session_seq,
        packet.payload,
        packet.oem_iana,
        packet.oem_payload_id,
    )
    assert f.decode_v20_session(wire) == packet
    assert f.decode_v20_session(wire + trailer) == packet._replace(trailer=trailer)
    assert f.peek(wire) == (7, 6, packet.payload_type, packet.session_id)


requests = st.builds(IpmiRequest, u8, six_bits, lun, u8, six_bits, lun, u8, st.binary(max_size=300))
responses = st.builds(IpmiResponse, u8, six_bits, lun, u8, six_bits, lun, u8, u8, st.binary(max_size=300))


@fixture_ok
@given(request=requests)
def test_roundtrip_ipmi_request(impl: str, request: IpmiRequest) -> None:
    f = load_impl("frame", impl)
    msg = f.encode_ipmi_request(*request)
    assert len(msg) == 7 + len(request.data)
    assert f.decode_ipmi_request(msg) == request


@fixture_ok
@given(response=responses)
def test_roundtrip_ipmi_response(impl: str, response: IpmiResponse) -> None:
    f = load_impl("frame", impl)
    msg = f.encode_ipmi_response(*response)
    assert len(msg) == 8 + len(response.data)
    assert f.decode_ipmi_response(msg) == response


@fixture_ok
@given(data=st.binary(max_size=500))
def test_checksum_property(impl: str, data: bytes) -> None:
    f = load_impl("frame", impl)
    assert (sum(data) + f.ipmi_checksum(data)) % 256 == 0
    assert 0 <= f.ipmi_checksum(data) <= 0xFF


# --- hypothesis: C and Py agree ---------------------------------------------------------------------------------


@given(packet=v15_packets)
def test_same_bytes_v15(packet: V15Packet) -> None:
    assert C.encode_v15_session(*packet) == PY.encode_v15_session(*packet)


@given(packet=v20_packets)
def test_same_bytes_v20(packet: V20Packet) -> None:
    args = (packet.payload_type, packet.session_id, packet.session_seq, packet.payload)
    oem = (packet.oem_iana, packet.oem_payload_id)
    assert C.encode_v20_session(*args, *oem) == PY.encode_v20_session(*args, *oem)


@given(request=requests, response=responses)
def test_same_bytes_messages(request: IpmiRequest, response: IpmiResponse) -> None:
    assert C.encode_ipmi_request(*request) == PY.encode_ipmi_request(*request)
    assert C.encode_ipmi_response(*response) == PY.encode_ipmi_response(*response)


@given(tag=u8, iana=u32, defined=u32, entities=u8, interactions=u8)
def test_same_bytes_asf(tag: int, iana: int, defined: int, entities: int, interactions: int) -> None:
    assert C.encode_asf_ping(tag) == PY.encode_asf_ping(tag)
    assert C.encode_asf_pong(tag, iana, defined, entities, interactions) == PY.encode_asf_pong(
        tag, iana, defined, entities, interactions
    )


@st.composite
def near_valid(draw: st.DrawFn) -> bytes:
    """A captured datagram or message, cut, with bytes changed or added: reaches the deep checks."""
    wire = bytearray(draw(st.sampled_from(CASES)).wire)
    for _ in range(draw(st.integers(0, 3))):
        if wire and draw(st.booleans()):
            wire[draw(st.integers(0, len(wire) - 1))] = draw(u8)
        else:
            wire.insert(draw(st.integers(0, len(wire))), draw(u8))
    return bytes(wire[: draw(st.integers(0, len(wire)))])


arbitrary = st.one_of(st.binary(max_size=80), near_valid())

DECODERS: list[tuple[str, tuple[Any, ...]]] = [
    ("peek", ()),
    ("decode_asf", ()),
    ("decode_asf_pong_data", ()),
    ("decode_v15_session", ()),
    ("decode_v20_session", ()),
    ("decode_ipmi_request", ()),
    ("decode_ipmi_response", ()),
    ("decode_ipmi_response", (False,)),
    ("ipmi_checksum", ()),
]


@pytest.mark.parametrize(("name", "extra"), DECODERS, ids=[f"{d[0]}{d[1]}" for d in DECODERS])
@settings(max_examples=400)
@given(data=arbitrary)
def test_c_matches_py_on_arbitrary_bytes(name: str, extra: tuple[Any, ...], data: bytes) -> None:
    c_result = outcome(getattr(C, name), data, *extra)
    py_result = outcome(getattr(PY, name), data, *extra)
    assert c_result == py_result
    if c_result[0] == "ok":
        assert type(c_result[1]) is type(py_result[1])
    else:
        assert c_result[1] is DecodeError
