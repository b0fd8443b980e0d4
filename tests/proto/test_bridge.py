"""Bridged requests (IPMI v2.0 §6.12, §22.6 Get Message, §22.7 Send Message).

``bridge`` builds with the selected ``frame``; every output is parsed back with both framing implementations.
No capture in the test bed bridges (ipmi_sim has no IPMB behind it), so the known answers were laid out by hand from
Table 22-10 and the byte order ipmitool 1.8.19 (``src/plugins/lan/lan.c``) uses for ``-b/-t`` and ``-B/-T``;
each checksum is worked out in the comment beside it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto import bridge
from ipmifast.proto.bridge import ReceivedMessage, Tracking
from ipmifast.proto.records import IpmiRequest, IpmiResponse

from ..conftest import load_impl

H = bytes.fromhex
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

# ipmitool -b 0 -t 0x72 raw 6 1 (Get Device ID on the controller at 72h, IPMB channel 0), rq_seq 5:
#   40                 track request (01b << 6) | channel 0
#   72 18 76           rsSA 72h, netFn 06h << 2 | LUN 0, checksum -(72h + 18h) = 76h
#   20 14 01 cb        rqSA 20h (the BMC), rqSeq 5 << 2, cmd 01h, checksum -(20h + 14h + 01h) = CBh
SINGLE = H("40721876201401cb")
# The Send Message request around it: rsSA 20h, App, checksum C8h, rqSA 81h, rqSeq 5, cmd 34h, the data above,
# checksum -(81h + 14h + 34h + 40h + 72h + 18h + 76h + 20h + 14h + 01h + CBh) = -(309h) = F7h
SINGLE_OUTER = H("2018c881143440721876201401cbf7")
# ipmitool -B 7 -T 0x82 -b 0 -t 0x72: a Send Message to the transit controller 82h on channel 7 carries the above:
#   47                 track request | channel 7
#   82 18 66           rsSA 82h, App, checksum -(82h + 18h) = 66h
#   20 14 34 40        rqSA 20h, rqSeq 5, Send Message, track request | channel 0
#   72 18 76 20 14 01 cb   the single-bridged message
#   58                 checksum -(20h + 14h + 34h + 40h + 72h + 18h + 76h + 20h + 14h + 01h + CBh) = -(2A8h) = 58h
DOUBLE = H("4782186620143440721876201401cb58")


def test_single_bridge_known_answer() -> None:
    assert bridge.encode_send_message_rq(0, 0x72, 0x06, 0x01, b"", 5) == SINGLE


def test_single_bridge_outer_message(impl: str) -> None:
    f = load_impl("frame", impl)
    outer = f.encode_ipmi_request(0x20, 0x06, 0, 0x81, 5, 0, 0x34, bridge.encode_send_message_rq(0, 0x72, 6, 1, b"", 5))
    assert outer == SINGLE_OUTER
    assert f.decode_ipmi_request(outer) == IpmiRequest(0x20, 0x06, 0, 0x81, 5, 0, 0x34, SINGLE)
    assert f.decode_ipmi_request(SINGLE[1:]) == IpmiRequest(0x72, 0x06, 0, 0x20, 5, 0, 0x01, b"")


def test_double_bridge_known_answer(impl: str) -> None:
    f = load_impl("frame", impl)
    data = bridge.encode_send_message_rq(0, 0x72, 0x06, 0x01, b"", 5, transit_channel=7, transit_addr=0x82)
    assert data == DOUBLE
    transit = f.decode_ipmi_request(data[1:])
    assert transit == IpmiRequest(0x82, 0x06, 0, 0x20, 5, 0, 0x34, H("40") + SINGLE[1:])
    assert f.decode_ipmi_request(transit.data[1:]) == IpmiRequest(0x72, 0x06, 0, 0x20, 5, 0, 0x01, b"")


def test_options_reach_the_wire(impl: str) -> None:
    f = load_impl("frame", impl)
    data = bridge.encode_send_message_rq(
        0x0B, 0xB0, 0x0A, 0x10, b"\x01\x02", 0x3F, target_lun=2, rq_addr=0x81, rq_lun=1, tracking=Tracking.NONE
    )
    assert data[0] == 0x0B
    assert f.decode_ipmi_request(data[1:]) == IpmiRequest(0xB0, 0x0A, 2, 0x81, 0x3F, 1, 0x10, b"\x01\x02")
    assert bridge.encode_send_message_rq(5, 0x72, 6, 1, b"", 0, tracking=Tracking.SEND_RAW)[0] == 0x85


addr = st.integers(0, 0xFF)
six_bits = st.integers(0, 0x3F)


@fixture_ok
@given(
    channel=st.integers(0, 15),
    target=addr,
    netfn=six_bits,
    cmd=addr,
    data=st.binary(max_size=64),
    seq=six_bits,
    lun=st.integers(0, 3),
    transit=st.none() | st.tuples(st.integers(0, 15), addr),
)
def test_roundtrip(
    impl: str,
    channel: int,
    target: int,
    netfn: int,
    cmd: int,
    data: bytes,
    seq: int,
    lun: int,
    transit: tuple[int, int] | None,
) -> None:
    f = load_impl("frame", impl)
    transit_channel, transit_addr = transit if transit else (None, None)
    wire = bridge.encode_send_message_rq(
        channel, target, netfn, cmd, data, seq, lun, transit_channel=transit_channel, transit_addr=transit_addr
    )
    if transit:
        assert wire[0] == 0x40 | transit[0]
        outer = f.decode_ipmi_request(wire[1:])
        assert (outer.rs_addr, outer.netfn, outer.cmd, outer.rq_seq) == (transit[1], 0x06, 0x34, seq)
        wire = outer.data
    assert wire[0] == 0x40 | channel
    assert f.decode_ipmi_request(wire[1:]) == IpmiRequest(target, netfn, lun, 0x20, seq, 0, cmd, data)


BAD = [
    {"channel": 16},
    {"channel": -1},
    {"target_addr": 0x100},
    {"netfn": 0x40},
    {"cmd": 0x100},
    {"rq_seq": 0x40},
    {"target_lun": 4},
    {"rq_addr": 0x100},
    {"rq_lun": 4},
    {"tracking": 3},
    {"transit_channel": 7},
    {"transit_addr": 0x82},
    {"transit_channel": 16, "transit_addr": 0x82},
    {"transit_channel": 7, "transit_addr": 0x100},
]


@pytest.mark.parametrize("bad", BAD, ids=[",".join(b) + str(i) for i, b in enumerate(BAD)])
def test_out_of_range(bad: dict[str, int]) -> None:
    args = {"channel": 0, "target_addr": 0x72, "netfn": 6, "cmd": 1, "data": b"", "rq_seq": 0} | bad
    with pytest.raises(LocalProtocolError):
        bridge.encode_send_message_rq(**args)  # type: ignore[arg-type]


# The target's Get Device ID response to the single-bridged request, as it comes back on the IPMB:
#   20 1c c4           rqSA 20h, netFn 07h << 2, checksum -(20h + 1Ch) = C4h
#   72 14 01 00        rsSA 72h, rqSeq 5, cmd 01h, completion code 00h
#   12 34              (data)
#   33                 checksum -(72h + 14h + 01h + 00h + 12h + 34h) = -(CDh) = 33h
INNER_RS = H("201cc472140100123433")
INNER = IpmiResponse(0x20, 0x07, 0, 0x72, 5, 0, 0x01, 0x00, H("1234"))


def test_send_message_rs_embedded(impl: str) -> None:
    f = load_impl("frame", impl)
    # The BMC's Send Message response with the target's response embedded in its data
    outer = f.decode_ipmi_response(f.encode_ipmi_response(0x81, 0x07, 0, 0x20, 5, 0, 0x34, 0x00, INNER_RS))
    assert outer.data == INNER_RS
    assert bridge.decode_send_message_rs(outer.data) == INNER
    assert f.decode_ipmi_response(INNER_RS) == INNER


def test_send_message_rs_double(impl: str) -> None:
    f = load_impl("frame", impl)
    transit_rs = f.encode_ipmi_response(0x20, 0x07, 0, 0x82, 5, 0, 0x34, 0x00, INNER_RS)
    middle = bridge.decode_send_message_rs(transit_rs)
    assert middle is not None and (middle.rs_addr, middle.cmd, middle.cc) == (0x82, 0x34, 0)
    assert bridge.decode_send_message_rs(middle.data) == INNER


def test_send_message_rs_without_embedded_response() -> None:
    assert bridge.decode_send_message_rs(b"") is None


def test_send_message_rs_errors() -> None:
    for k in range(1, len(INNER_RS)):
        with pytest.raises(DecodeError):
            bridge.decode_send_message_rs(INNER_RS[:k])
    bad = INNER_RS[:-1] + b"\x00"
    with pytest.raises(DecodeError):
        bridge.decode_send_message_rs(bad)
    assert bridge.decode_send_message_rs(bad, check_checksums=False) == INNER


# Get Message (§22.6) after the completion code: channel byte 40h (privilege 4 = administrator, channel 0),
# then the IPMB response above without its first byte (rqSA 20h, which checksum C4h still covers).
GET_MESSAGE = H("401cc472140100123433")


def test_get_message_rs(impl: str) -> None:
    f = load_impl("frame", impl)
    received = bridge.decode_get_message_rs(GET_MESSAGE)
    assert received == ReceivedMessage(0, 4, INNER)
    assert f.encode_ipmi_response(*received.response) == INNER_RS
    # channel byte 27h: privilege 2 (user), channel 7
    other = bridge.decode_get_message_rs(H("271cc472140100123433"), rq_addr=0x20)
    assert (other.channel, other.privilege) == (7, 2)


def test_get_message_rs_errors() -> None:
    for k in range(len(GET_MESSAGE)):
        with pytest.raises(DecodeError):
            bridge.decode_get_message_rs(GET_MESSAGE[:k])
    with pytest.raises(DecodeError):
        bridge.decode_get_message_rs(GET_MESSAGE, rq_addr=0x22)  # checksum 1 then fails
    assert bridge.decode_get_message_rs(GET_MESSAGE, rq_addr=0x22, check_checksums=False).response.rq_addr == 0x22
    with pytest.raises(LocalProtocolError):
        bridge.decode_get_message_rs(GET_MESSAGE, rq_addr=0x100)


@given(
    channel=st.integers(0, 15),
    privilege=st.integers(0, 15),
    response=st.builds(
        IpmiResponse,
        st.just(0x20),
        six_bits,
        st.integers(0, 3),
        addr,
        six_bits,
        st.integers(0, 3),
        addr,
        addr,
        st.binary(max_size=40),
    ),
)
def test_get_message_roundtrip(channel: int, privilege: int, response: IpmiResponse) -> None:
    msg = load_impl("frame", "c").encode_ipmi_response(*response)
    received = bridge.decode_get_message_rs(bytes((privilege << 4 | channel,)) + msg[1:])
    assert received == ReceivedMessage(channel, privilege, response)
    assert load_impl("frame", "py").encode_ipmi_response(*received.response) == msg
