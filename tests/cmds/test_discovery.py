"""The discovery exchange (``ipmifast/cmds/discovery``): the probe datagrams against what ipmitool sends, the
answers ipmi_sim gave in the reference captures, and arbitrary bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipmifast.cmds import discovery
from ipmifast.cmds._common import AuthTypes
from ipmifast.proto import frame
from ipmifast.proto.consts import AuthType
from tests.pcaps import read_udp


def _first(name: str, to_bmc: bool, skip: int = 0) -> bytes:
    return [d.payload for d in read_udp(name) if d.to_bmc == to_bmc][skip]


def _with_rq_seq(datagram: bytes, rq_seq: int) -> bytes:
    """A captured v1.5-wrapped IPMI message with another rqSeq (checksum recomputed)."""
    packet = frame.decode_v15_session(datagram)
    if packet.msg[1] >> 2 & 1:  # netFn odd: a response
        rs = frame.decode_ipmi_response(packet.msg)
        msg = frame.encode_ipmi_response(rs.rq_addr, rs.netfn, rs.rq_lun, rs.rs_addr, rq_seq, rs.rs_lun, rs.cmd,
                                         rs.cc, rs.data)
    else:
        rq = frame.decode_ipmi_request(packet.msg)
        msg = frame.encode_ipmi_request(rq.rs_addr, rq.netfn, rq.rs_lun, rq.rq_addr, rq_seq, rq.rq_lun, rq.cmd, rq.data)
    return frame.encode_v15_session(packet.auth_type, packet.session_seq, packet.session_id, packet.auth_code, msg)


def test_probes_are_what_ipmitool_sends() -> None:
    ping, v20, v15 = discovery.encode_probes(message_tag=0)
    # ipmitool -I lan's Presence Ping (d-lan15-md5), byte for byte
    assert ping == _first("d-lan15-md5-chassis-power.pcap", True)
    # ipmitool -I lanplus asks the v2.0 form (a-lanplus-c3), ipmitool -I lan the v1.5 form (d-lan15-md5): the same
    # bytes but for the rqSeq
    assert v20 == _with_rq_seq(_first("a-lanplus-c3-chassis-power.pcap", True), discovery.RQ_SEQ_V20)
    assert v15 == _with_rq_seq(_first("d-lan15-md5-chassis-power.pcap", True, 1), discovery.RQ_SEQ_V15)
    for datagram in (v20, v15):
        packet = frame.decode_v15_session(datagram)
        assert (packet.auth_type, packet.session_seq, packet.session_id) == (AuthType.NONE, 0, 0)


def test_answers_ipmi_sim_gave() -> None:
    pong = discovery.decode_answer(_first("d-lan15-md5-chassis-power.pcap", False))
    assert pong == discovery.Pong(oem_iana=4542, supported_entities=0x81, supported_interactions=0) and pong.ipmi
    v20 = discovery.decode_answer(_with_rq_seq(_first("a-lanplus-c3-chassis-power.pcap", False),
                                               discovery.RQ_SEQ_V20))
    assert isinstance(v20, discovery.AuthCapsAnswer) and v20.v20_form and v20.cc == 0 and v20.caps is not None
    v15 = discovery.decode_answer(_with_rq_seq(_first("d-lan15-md5-chassis-power.pcap", False, 1),
                                               discovery.RQ_SEQ_V15))
    assert isinstance(v15, discovery.AuthCapsAnswer) and not v15.v20_form and v15.caps is not None
    found = discovery.Discovery().add(pong).add(v20).add(v15)
    assert found.complete and found.caps == v20.caps
    report = found.report()
    # tests/data/testbed/lan.conf: MD2 and MD5 at every level, per-message and user-level authentication on
    assert report["ipmi"] == ["1.5", "2.0"] and report["auth_types"] == ["md2", "md5"]
    assert v20.caps.auth_types == AuthTypes.MD2 | AuthTypes.MD5
    assert (report["per_message_auth"], report["user_level_auth"], report["kg"]) == (True, True, "default")
    assert (report["anonymous_login"], report["null_usernames"], report["non_null_usernames"]) == (False, False, True)
    assert discovery.Discovery().add(v15).report()["ipmi"] == ["1.5"]  # the v1.5 form tells no more


def test_not_answers() -> None:
    ipmitools = _first("a-lanplus-c3-chassis-power.pcap", False)  # its rqSeq is ipmitool's, not a probe's
    assert discovery.decode_answer(ipmitools) is None
    assert discovery.decode_answer(_first("a-lanplus-c3-chassis-power.pcap", False, 1)) is None  # RMCP+
    assert discovery.decode_answer(discovery.encode_probes()[0]) is None  # a ping is not a pong
    assert discovery.decode_answer(b"") is None


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=80))
def test_decode_answer_never_raises(data: bytes) -> None:
    discovery.decode_answer(data)
    discovery.decode_answer(b"\x06\x00\xff\x07\x00" + data)
    discovery.decode_answer(b"\x06\x00\xff\x06" + data)
