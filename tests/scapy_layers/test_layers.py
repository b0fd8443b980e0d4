"""Each layer built from fields gives exact bytes, and dissecting those bytes gives the fields back
(``conf.debug_dissector = True``, conftest.py). The expected bytes come from the core's encoders
(ipmifast.proto.frame, rakp, sol, crypto), which tests/proto checks against real peers' captures."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scapy.config import conf
from scapy.layers.inet import IP, UDP
from scapy.packet import Packet, Raw

from ipmifast.proto import frame, rakp, sol
from ipmifast.proto.crypto import SessionCipher
from scapy_layers.all import (
    ASF,
    RAKP1,
    RAKP2,
    RAKP3,
    RAKP4,
    RMCP,
    RSP,
    SOL,
    ASFPresencePong,
    IntegrityTrailer,
    IPMIEncryptedPayload,
    IPMIRequest,
    IPMIResponse,
    IPMISession15,
    OpenSessionRequest,
    OpenSessionResponse,
    RMCPPlusSession,
    bind_port,
)
from scapy_layers.names import COMMAND_NAMES, command_name, netfn_name

RM = bytes(range(16))
RC = bytes(range(16, 32))
GUID = bytes(range(32, 48))
GET_AUTH_CAPS = frame.encode_ipmi_request(0x20, 0x06, 0, 0x81, 0, 0, 0x38, b"\x8e\x04")
GET_DEVICE_ID_RS = frame.encode_ipmi_response(0x81, 0x07, 0, 0x20, 5, 0, 0x01, 0x00, bytes.fromhex("2001"))

# (layer built from fields, the same datagram from the core's encoders)
SIMPLE_CASES: list[tuple[str, Packet, bytes]] = [
    ("presence ping", RMCP(rmcp_class=6) / ASF(message_type=0x80, message_tag=7), frame.encode_asf_ping(7)),
    ("presence pong", RMCP(rmcp_class=6) / ASF(message_type=0x40, message_tag=7) / ASFPresencePong(oem_iana=4542),
     frame.encode_asf_pong(7, oem_iana=4542)),
    ("v1.5 NONE request", RMCP() / IPMISession15() / IPMIRequest(netfn=6, cmd=0x38, data=b"\x8e\x04"),
     frame.encode_v15_session(0, 0, 0, b"", GET_AUTH_CAPS)),
    ("v1.5 MD5 response",
     RMCP() / IPMISession15(auth_type=2, session_seq=9, session_id=0x182, auth_code=RM)
     / IPMIResponse(netfn=7, cmd=1, rq_seq=5, data=bytes.fromhex("2001")),
     frame.encode_v15_session(2, 9, 0x182, RM, GET_DEVICE_ID_RS)),
    ("RMCP+ IPMI clear", RMCP() / RMCPPlusSession(session_id=0x82, session_seq=3) / IPMIRequest(netfn=6, cmd=0x38,
                                                                                               data=b"\x8e\x04"),
     frame.encode_v20_session(0x00, 0x82, 3, GET_AUTH_CAPS)),
    ("Open Session Request",
     RMCP() / RMCPPlusSession() / OpenSessionRequest(message_tag=1, max_privilege=4, sid_m=0xA0A2A3A4, auth=1,
                                                     integrity=1, confidentiality=1),
     frame.encode_v20_session(0x10, 0, 0, rakp.encode_open_session_rq(
         rakp.OpenSessionRequest(1, 4, 0xA0A2A3A4, 1, 1, 1)))),
    ("Open Session Response",
     RMCP() / RMCPPlusSession() / OpenSessionResponse(message_tag=1, status=0, max_privilege=4, sid_m=0xA0A2A3A4,
                                                      sid_c=0x202, auth=3, integrity=4, confidentiality=1),
     frame.encode_v20_session(0x11, 0, 0, rakp.encode_open_session_rs(
         rakp.OpenSessionResponse(1, 0, 4, 0xA0A2A3A4, 0x202, 3, 4, 1)))),
    ("RAKP 1", RMCP() / RMCPPlusSession() / RAKP1(message_tag=2, sid_c=0x202, r_m=RM, role=0x04, username=b"admin"),
     frame.encode_v20_session(0x12, 0, 0, rakp.encode_rakp1(rakp.Rakp1(2, 0x202, RM, 0x04, b"admin")))),
    ("RAKP 1 name-only", RMCP() / RMCPPlusSession() / RAKP1(sid_c=1, r_m=RM, name_only_lookup=1, role=2),
     frame.encode_v20_session(0x12, 0, 0, rakp.encode_rakp1(rakp.Rakp1(0, 1, RM, 0x12, b"")))),
    ("RAKP 2", RMCP() / RMCPPlusSession() / RAKP2(message_tag=2, sid_m=7, r_c=RC, guid_c=GUID, auth_code=b"\xaa" * 20),
     frame.encode_v20_session(0x13, 0, 0, rakp.encode_rakp2(rakp.Rakp2(2, 0, 7, RC, GUID, b"\xaa" * 20)))),
    ("RAKP 3", RMCP() / RMCPPlusSession() / RAKP3(message_tag=3, sid_c=0x202, auth_code=b"\xbb" * 32),
     frame.encode_v20_session(0x14, 0, 0, rakp.encode_rakp3(rakp.Rakp3(3, 0, 0x202, b"\xbb" * 32)))),
    ("RAKP 4", RMCP() / RMCPPlusSession() / RAKP4(message_tag=3, sid_m=7, auth_code=b"\xcc" * 12),
     frame.encode_v20_session(0x15, 0, 0, rakp.encode_rakp4(rakp.Rakp4(3, 0, 7, b"\xcc" * 12)))),
    ("SOL", RMCP() / RMCPPlusSession(payload_type=1, session_id=0x202, session_seq=9)
     / SOL(packet_seq=3, ack_seq=2, accepted=5, operation_status=0x40, data=b"hello"),
     frame.encode_v20_session(0x01, 0x202, 9, sol.encode_sol(3, 2, 5, 0x40, b"hello"))),
    ("OEM explicit", RMCP() / RMCPPlusSession(payload_type=2, oem_iana=0x0002A2, oem_payload_id=0x1234,
                                              session_id=5) / Raw(b"xyz"),
     frame.encode_v20_session(0x02, 5, 0, b"xyz", oem_iana=0x0002A2, oem_payload_id=0x1234)),
]


@pytest.mark.parametrize(("name", "layer", "wire"), SIMPLE_CASES, ids=[c[0] for c in SIMPLE_CASES])
def test_build_gives_the_exact_bytes(name: str, layer: Packet, wire: bytes) -> None:
    assert bytes(layer) == wire


@pytest.mark.parametrize(("name", "layer", "wire"), SIMPLE_CASES, ids=[c[0] for c in SIMPLE_CASES])
def test_dissect_gives_the_fields_back(name: str, layer: Packet, wire: bytes) -> None:
    dissected = RMCP(wire)
    built = RMCP(bytes(layer))
    assert dissected.layers() == layer.layers()
    for got, want in zip(_chain(dissected), _chain(built), strict=True):
        assert got.fields == want.fields, got.name
    assert bytes(dissected) == wire


def _chain(pkt: Packet) -> list[Packet]:
    out = []
    while pkt:
        out.append(pkt)
        pkt = pkt.payload
    return out


def test_fields_by_spec_name() -> None:
    rq = RMCP(SIMPLE_CASES[2][2])[IPMIRequest]
    assert (rq.rs_addr, rq.netfn, rq.rs_lun, rq.rq_addr, rq.rq_seq, rq.rq_lun, rq.cmd) == (0x20, 6, 0, 0x81, 0, 0,
                                                                                          0x38)
    assert rq.checksum1 == 0xC8 and rq.checksum2 == frame.ipmi_checksum(GET_AUTH_CAPS[3:-1])
    rs = RMCP(SIMPLE_CASES[3][2])
    assert rs[IPMISession15].auth_code == RM and rs[IPMISession15].msg_len == len(GET_DEVICE_ID_RS)
    assert (rs[IPMIResponse].rq_addr, rs[IPMIResponse].rs_addr, rs[IPMIResponse].cc) == (0x81, 0x20, 0)
    r1 = RMCP(SIMPLE_CASES[8][2])[RAKP1]
    assert (r1.name_only_lookup, r1.role, r1.username_len) == (1, 2, 0)
    oem = RMCP(SIMPLE_CASES[-1][2])[RMCPPlusSession]
    assert (oem.oem_iana, oem.oem_payload_id, oem.payload_len) == (0x0002A2, 0x1234, 3)


@pytest.mark.parametrize(("suite", "integrity", "confidentiality", "code_len"),
                         [(2, 1, 0, 12), (3, 1, 1, 12), (17, 4, 1, 16), (8, 2, 1, 16)])
def test_authenticated_and_encrypted_packets(suite: int, integrity: int, confidentiality: int,
                                             code_len: int) -> None:
    """The core seals; the layers dissect header, IV, ciphertext and trailer, and rebuild the same bytes."""
    cipher = SessionCipher(integrity, confidentiality, bytes(range(32)), bytes(range(32, 64)))
    iv = bytes(range(100, 116))
    wire = cipher.seal(0, 0x202, 7, GET_AUTH_CAPS, iv)
    pkt = RMCP(wire)
    session = pkt[RMCPPlusSession]
    assert (session.authenticated, session.encrypted, session.session_id, session.session_seq) == (
        1, confidentiality, 0x202, 7)
    trailer = pkt[IntegrityTrailer]
    assert len(trailer.auth_code) == code_len and trailer.next_header == 0x07
    assert trailer.pad_length == len(trailer.integrity_pad) and set(trailer.integrity_pad) <= {0xFF}
    assert bytes(trailer.auth_code) == wire[-code_len:]
    if confidentiality:
        assert pkt[IPMIEncryptedPayload].iv == iv
    else:
        assert pkt[IPMIRequest].cmd == 0x38
    assert bytes(pkt) == wire
    # built from fields, with the AuthCode the core computed: pad, pad length and payload length come out right
    inner = IPMIEncryptedPayload(iv=iv, data=session.payload.data) if confidentiality else IPMIRequest(
        netfn=6, cmd=0x38, data=b"\x8e\x04")
    built = (RMCP() / RMCPPlusSession(authenticated=1, encrypted=confidentiality, session_id=0x202, session_seq=7)
             / inner / IntegrityTrailer(auth_code=wire[-code_len:]))
    assert bytes(built) == wire


def test_secure_port_is_shown_not_decrypted() -> None:
    pkt = IP(bytes(IP(src="127.0.0.1", dst="127.0.0.2") / UDP(sport=40000, dport=664)
                   / RSP(session_id=0x11223344, sequence=5) / Raw(b"\x99" * 24)))
    assert pkt[RSP].session_id == 0x11223344 and pkt[RSP].sequence == 5 and pkt[Raw].load == b"\x99" * 24
    assert "not decrypted" in pkt[RSP].mysummary()


def test_udp_623_both_ways_and_a_non_standard_port() -> None:
    body = SIMPLE_CASES[0][2]
    for sport, dport in ((40000, 623), (623, 40000)):
        assert RMCP in IP(bytes(IP() / UDP(sport=sport, dport=dport) / Raw(body)))
    assert RMCP not in IP(bytes(IP() / UDP(sport=40000, dport=29623) / Raw(body)))
    bind_port(29623)
    assert ASF in IP(bytes(IP() / UDP(sport=40000, dport=29623) / Raw(body)))


def _ip(src: str, dst: str, sport: int, dport: int, wire: bytes) -> Packet:
    return IP(bytes(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(wire)))


@pytest.mark.parametrize(
    ("request_wire", "response_wire"),
    [
        (frame.encode_v15_session(0, 0, 0, b"", GET_AUTH_CAPS),
         frame.encode_v15_session(0, 0, 0, b"", frame.encode_ipmi_response(0x81, 7, 0, 0x20, 0, 0, 0x38, 0, b"\x01"))),
        (frame.encode_asf_ping(9), frame.encode_asf_pong(9)),
        (bytes(SIMPLE_CASES[5][1]), bytes(SIMPLE_CASES[6][1])),
        (frame.encode_v20_session(0x12, 0, 0, rakp.encode_rakp1(rakp.Rakp1(4, 1, RM, 4, b"a"))),
         frame.encode_v20_session(0x13, 0, 0, rakp.encode_rakp2(rakp.Rakp2(4, 0, 1, RC, GUID, b"x" * 20)))),
        (frame.encode_v20_session(0x14, 0, 0, rakp.encode_rakp3(rakp.Rakp3(5, 0, 1, b"y" * 20))),
         frame.encode_v20_session(0x15, 0, 0, rakp.encode_rakp4(rakp.Rakp4(5, 0, 1, b"z" * 12)))),
    ],
    ids=["ipmi", "asf", "open session", "rakp12", "rakp34"],
)
def test_answers_and_hashret_pair_requests_with_responses(request_wire: bytes, response_wire: bytes) -> None:
    rq = _ip("127.0.0.1", "127.0.10.1", 40000, 623, request_wire)
    rs = _ip("127.0.10.1", "127.0.0.1", 623, 40000, response_wire)
    assert rs.answers(rq) and not rq.answers(rs)
    assert rs.hashret() == rq.hashret()


def test_answers_needs_the_same_rq_seq_and_command() -> None:
    rq = _ip("127.0.0.1", "127.0.10.1", 40000, 623, frame.encode_v15_session(0, 0, 0, b"", GET_AUTH_CAPS))
    for seq, cmd in ((1, 0x38), (0, 0x39)):
        other = frame.encode_v15_session(0, 0, 0, b"", frame.encode_ipmi_response(0x81, 7, 0, 0x20, seq, 0, cmd, 0,
                                                                                   b""))
        assert not _ip("127.0.10.1", "127.0.0.1", 623, 40000, other).answers(rq)


def test_summaries_and_names() -> None:
    assert RMCP(SIMPLE_CASES[2][2])[IPMIRequest].mysummary() == (
        "IPMI Get Channel Authentication Capabilities rq rq_seq=0")
    assert "Get Device ID" in RMCP(SIMPLE_CASES[3][2])[IPMIResponse].mysummary()
    assert command_name(0x07, 0x01) == "Get Device ID" and command_name(0x0B, 0x23) == "Get SDR"
    assert command_name(0x2C, 0x00, 0x03) == "Get VSO Capabilities" and command_name(0x2C, 0x01, 0xDC) == (
        "Get DCMI Capabilities Info")
    assert command_name(0x30, 0x01) == "netfn 0x30 cmd 0x01"
    assert netfn_name(0x0D) == "Transport Response" and netfn_name(0x31) == "OEM Response"
    # Appendix G (Table G-1) and the ICMB bridge commands: 182 names over the 7 standard netfns
    assert len(COMMAND_NAMES) == 182 and {netfn for netfn, _ in COMMAND_NAMES} == {0, 2, 4, 6, 0x0A, 0x0C}
    assert command_name(0x0C, 0x22) == "Get SOL Configuration Parameters" and command_name(0x04, 0x2D) == (
        "Get Sensor Reading")


# ---------------------------------------------------------------------------------------------- hypothesis

u8, u32 = st.integers(0, 0xFF), st.integers(0, 0xFFFFFFFF)
six, two = st.integers(0, 0x3F), st.integers(0, 3)
data = st.binary(max_size=64)


@st.composite
def valid_datagrams(draw: Any) -> bytes:
    """Datagrams the core builds from arbitrary field values: every layer must dissect them."""
    kind = draw(st.sampled_from(["v15", "v20", "asf", "rakp", "sol", "sealed"]))
    msg = (frame.encode_ipmi_request(draw(u8), draw(six) & ~1, draw(two), draw(u8), draw(six), draw(two), draw(u8),
                                     draw(data)) if draw(st.booleans()) else
           frame.encode_ipmi_response(draw(u8), draw(six) | 1, draw(two), draw(u8), draw(six), draw(two), draw(u8),
                                      draw(u8), draw(data)))
    if kind == "v15":
        auth = draw(st.sampled_from([0, 1, 2, 4, 5]))
        return frame.encode_v15_session(auth, draw(u32), draw(u32), draw(st.binary(min_size=16, max_size=16))
                                        if auth else b"", msg)
    if kind == "v20":
        return frame.encode_v20_session(0, draw(u32), draw(u32), msg)
    if kind == "asf":
        return frame.encode_asf_pong(draw(u8), draw(u32), draw(u32), draw(u8), draw(u8)) if draw(
            st.booleans()) else frame.encode_asf_ping(draw(u8))
    if kind == "sol":
        return frame.encode_v20_session(1, draw(u32), draw(u32), sol.encode_sol(draw(st.integers(0, 15)), draw(
            st.integers(0, 15)), draw(u8), draw(u8) & 0x7F, draw(data)))
    if kind == "sealed":
        integrity, confidentiality = draw(st.sampled_from([(1, 0), (1, 1), (2, 1), (3, 0), (4, 1)]))
        cipher = SessionCipher(integrity, confidentiality, bytes(32), bytes(32), b"pw")
        return cipher.seal(draw(st.sampled_from([0, 1])), draw(u32), draw(u32), msg, bytes(16))
    which = draw(st.integers(0, 5))
    body = [
        rakp.encode_open_session_rq(rakp.OpenSessionRequest(draw(u8), draw(st.integers(0, 15)), draw(u32),
                                                            draw(six), draw(six), draw(six))),
        rakp.encode_open_session_rs(rakp.OpenSessionResponse(draw(u8), draw(u8), draw(st.integers(0, 15)),
                                                             draw(u32), draw(u32), draw(six), draw(six), draw(six))),
        rakp.encode_rakp1(rakp.Rakp1(draw(u8), draw(u32), RM, draw(u8), draw(st.binary(max_size=16)))),
        rakp.encode_rakp2(rakp.Rakp2(draw(u8), 0, draw(u32), RC, GUID, draw(st.binary(max_size=32)))),
        rakp.encode_rakp3(rakp.Rakp3(draw(u8), draw(u8), draw(u32), draw(st.binary(max_size=32)))),
        rakp.encode_rakp4(rakp.Rakp4(draw(u8), draw(u8), draw(u32), draw(st.binary(max_size=16)))),
    ][which]
    return frame.encode_v20_session(0x10 + which, 0, 0, body)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_datagrams())
def test_valid_frames_always_dissect_and_rebuild(wire: bytes) -> None:
    assert conf.debug_dissector
    pkt = RMCP(wire)
    assert Raw not in pkt or RMCPPlusSession in pkt and pkt[RMCPPlusSession].payload_type == 2
    assert bytes(pkt) == wire


def _alone(layer: Packet) -> bytes:
    """The bytes of one layer without what follows it (the integrity trailer)."""
    layer = layer.copy()
    layer.remove_payload()
    return bytes(layer)


@settings(max_examples=300, deadline=None)
@given(valid_datagrams())
def test_ipmi_messages_agree_with_the_core_decoder(wire: bytes) -> None:
    pkt = RMCP(wire)
    if IPMIRequest in pkt:
        rq, core = pkt[IPMIRequest], frame.decode_ipmi_request(_alone(pkt[IPMIRequest]))
        assert (rq.rs_addr, rq.netfn, rq.rs_lun, rq.rq_addr, rq.rq_seq, rq.rq_lun, rq.cmd, rq.data) == tuple(core)
    if IPMIResponse in pkt:
        rs, core_rs = pkt[IPMIResponse], frame.decode_ipmi_response(_alone(pkt[IPMIResponse]))
        assert (rs.rq_addr, rs.netfn, rs.rq_lun, rs.rs_addr, rs.rq_seq, rs.rs_lun, rs.cmd, rs.cc, rs.data) == tuple(
            core_rs)


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise_or_hang_without_debug(wire: bytes) -> None:
    conf.debug_dissector = False
    for first in (b"", b"\x06\x00\xff\x07", b"\x06\x00\xff\x07\x06", b"\x06\x00\xff\x06\x00\x00\x11\xbe"):
        payload = first + wire
        pkt = UDP(struct.pack(">HHHH", 40000, 623, 8 + len(payload), 0) + payload)
        pkt.summary()
        assert bytes(pkt)[8:] == payload


# ------------------------------------------------------------------------------------------ command bodies


def test_command_bodies_agree_with_the_core_codecs() -> None:
    """Bodies built from fields give the core's encodings (ipmifast.cmds.app), and dissect back."""
    from ipmifast.cmds import app
    from ipmifast.cmds._common import AuthTypes, PrivilegeLevel
    from scapy_layers.all import (
        CloseSessionRq,
        GetChannelAuthCapabilitiesRq,
        GetChannelAuthCapabilitiesRs,
        SetSessionPrivilegeLevelRq,
    )

    caps = app.ChannelAuthenticationCapabilities(
        channel=1, auth_types=AuthTypes.NONE | AuthTypes.PASSWORD, ipmi_v20_extended_available=True,
        kg_nonzero=True, per_message_authentication_disabled=False, user_level_authentication_disabled=True,
        non_null_usernames=False, null_usernames=True, anonymous_login=True, supports_ipmi_v15=False,
        supports_ipmi_v20=True, oem_id=4542, oem_auxiliary_data=7)
    layer = GetChannelAuthCapabilitiesRs(
        channel=1, auth_none=1, auth_password=1, auth_md5=0, kg_nonzero=1, user_level_authentication_disabled=1,
        non_null_usernames=0, null_usernames=1, anonymous_login=1, supports_ipmi_v15=0, oem_id=4542,
        oem_auxiliary_data=7)
    wire = app.encode_get_channel_authentication_capabilities_rs(caps)
    assert bytes(layer) == wire
    assert app.decode_get_channel_authentication_capabilities_rs(bytes(layer)) == caps
    assert GetChannelAuthCapabilitiesRs(wire).fields == {f.name: layer.getfieldval(f.name) for f in layer.fields_desc}
    assert bytes(GetChannelAuthCapabilitiesRq(channel=14, privilege=4)) == (
        app.encode_get_channel_authentication_capabilities_rq(14, PrivilegeLevel.ADMINISTRATOR, True))
    assert bytes(SetSessionPrivilegeLevelRq(privilege=3)) == app.encode_set_session_privilege_level_rq(
        PrivilegeLevel.OPERATOR)
    assert bytes(CloseSessionRq(session_id=0x182)) == app.encode_close_session_rq(0x182)
    assert bytes(CloseSessionRq(session_id=0, session_handle=5)) == app.encode_close_session_rq(0, 5)


def test_body_of_a_message() -> None:
    from scapy_layers.all import GetChannelAuthCapabilitiesRq

    rq = RMCP(SIMPLE_CASES[2][2])[IPMIRequest]
    assert isinstance(rq.body(), GetChannelAuthCapabilitiesRq) and rq.body().channel == 14
    error = RMCP(frame.encode_v15_session(0, 0, 0, b"", frame.encode_ipmi_response(0x81, 7, 0, 0x20, 0, 0, 0x38,
                                                                                    0xCC, b"")))[IPMIResponse]
    assert isinstance(error.body(), Raw)  # an error response has no body to decode
    # Get Device ID with 2 data bytes: too short for its body layer's fixed fields
    assert isinstance(RMCP(SIMPLE_CASES[3][2])[IPMIResponse].body(), Raw)


def _body_cases() -> list[tuple[str, Packet, bytes]]:
    """(body layer built from fields, its bytes): from the core's encoders where the core has one, else from
    the reference capture f2-lanplus-c2-sdr-fru.pcap (ipmi_sim's answers to ipmitool, frame numbers given)."""
    from ipmifast.cmds import app, chassis
    from ipmifast.records import fru, sdr
    from scapy_layers import cmds as c

    device = app.DeviceId(device_id=0x20, device_revision=1, provides_sdrs=True, device_available=True,
                          firmware_major=2, firmware_minor=15, ipmi_version="2.0",
                          additional_device_support=app.DeviceSupport.CHASSIS | app.DeviceSupport.SENSOR,
                          manufacturer_id=32473, product_id=0x0101, aux_firmware_revision=b"\x01\x02\x03\x04")
    status = chassis.ChassisStatus(power_on=True, interlock=True, restore_policy=chassis.PowerRestorePolicy.PREVIOUS,
                                   last_power_event=chassis.LastPowerEvent.POWER_ON_BY_IPMI, drive_fault=True,
                                   identify_state=chassis.ChassisIdentifyState.TEMPORARY_ON,
                                   front_panel=chassis.FrontPanelButtons(reset_disabled=True,
                                                                         reset_disable_allowed=True))
    sol_aux = app.encode_sol_activation(app.SolActivation(serial_alert_behavior=app.SerialAlertBehavior.DEFERRED,
                                                          deassert_handshake=True))
    return [
        ("Get Device ID rs", c.GetDeviceIdRs(device_id=0x20, provides_sdrs=1, device_revision=1, firmware_major=2,
                                             firmware_minor=0x15, ipmi_version=0x02, chassis=1, sensor=1,
                                             manufacturer_id=32473, product_id=0x0101,
                                             aux_firmware_revision=b"\x01\x02\x03\x04"),
         app.encode_get_device_id_rs(device)),
        ("Get Device ID rs without aux", c.GetDeviceIdRs(device_id=0x20, update_in_progress=1, ipmi_version=0x51),
         app.encode_get_device_id_rs(app.DeviceId(0x20, 0, False, False, 0, 0, "1.5", app.DeviceSupport(0), 0, 0))),
        ("Get Chassis Status rs", c.GetChassisStatusRs(
            power_on=1, interlock=1, restore_policy=1, last_power_on_by_ipmi=1, drive_fault=1, identify_supported=1,
            identify_state=1, reset_disable_allowed=1, reset_disabled=1), chassis.encode_get_chassis_status_rs(status)),
        ("Activate Payload rq", c.ActivatePayloadRq(encrypt=1, authenticate=1, serial_alert_behavior=1,
                                                    deassert_handshake=1),
         app.encode_activate_payload_rq(1, 1, sol_aux)),
        ("Activate Payload rs", c.ActivatePayloadRs(inbound_payload_size=255, outbound_payload_size=255,
                                                    payload_udp_port=623, payload_vlan_number=0xFFFF),
         app.encode_activate_payload_rs(app.PayloadActivation(b"\x00" * 4, 255, 255, 623, 0xFFFF))),
        ("Deactivate Payload rq", c.DeactivatePayloadRq(), app.encode_deactivate_payload_rq(1, 1)),
        ("Deactivate Payload rs", c.DeactivatePayloadRs(), app.encode_deactivate_payload_rs()),
        ("Get Sensor Reading rq", c.GetSensorReadingRq(sensor_number=9), sdr.encode_get_sensor_reading_rq(9)),
        ("Get Sensor Reading rs, threshold", c.GetSensorReadingRs(raw=45, state_1=1, state_4=1),
         sdr.encode_sensor_reading(sdr.SensorReading(raw=45, threshold_status=sdr.ThresholdMask(0x12)), True)),
        ("Get Sensor Reading rs, discrete", c.GetSensorReadingRs(raw=0, unavailable=1, state_0=1, reserved2=0,
                                                                 state_8=1, state_14=1),
         sdr.encode_sensor_reading(sdr.SensorReading(raw=0, unavailable=True, states=0x4101), False)),
        ("Get FRU Inventory Area Info rq", c.GetFruInventoryAreaInfoRq(fru_id=0),
         fru.encode_get_fru_inventory_area_info_rq(0)),
        ("Get FRU Inventory Area Info rs (f2 frame 120)", c.GetFruInventoryAreaInfoRs(area_size=256),
         bytes.fromhex("000100")),
        ("Read FRU Data rq", c.ReadFruDataRq(fru_id=0, offset=168, count=8), fru.encode_read_fru_data_rq(0, 168, 8)),
        ("Read FRU Data rs (f2 frame 122)", c.ReadFruDataRs(data=bytes.fromhex("01000105 0d0000ec")),
         bytes.fromhex("08010001050d0000ec")),
        ("Get SDR Repository Info rs (f2 frame 22)", c.GetSdrRepositoryInfoRs(
            record_count=13, free_space=65534, most_recent_addition=3064, reserve_supported=1),
         bytes.fromhex("510d00fefff80b00000000000002")),
        ("Reserve SDR Repository rs (f2 frame 24)", c.ReserveSdrRepositoryRs(reservation_id=3), bytes.fromhex("0300")),
        ("Get SDR rq", c.GetSdrRq(reservation_id=3, record_id=0, offset=0, bytes_to_read=5),
         sdr.encode_get_sdr_rq(3, 0, 0, 5)),
        ("Get SDR rs (f2 frame 26)", c.GetSdrRs(next_record_id=2, record_data=bytes.fromhex("0100511217")),
         bytes.fromhex("02000100511217")),
        ("Get HPM.x Capabilities rq", c.GetHpmxCapabilitiesRq(), bytes.fromhex("0002")),
        ("Get PICMG Properties rq", c.GetPicmgPropertiesRq(), b"\x00"),
        ("Get VSO Capabilities rq", c.GetVsoCapabilitiesRq(), b"\x03"),
    ]


BODY_CASES = _body_cases()


@pytest.mark.parametrize(("name", "layer", "wire"), BODY_CASES, ids=[c[0] for c in BODY_CASES])
def test_command_body_layers_both_ways(name: str, layer: Packet, wire: bytes) -> None:
    from tests.scapy_layers.oracle import present_fields

    assert bytes(layer) == wire
    dissected = layer.__class__(wire)
    assert not dissected.payload  # every byte is a field (conf.debug_dissector is on)
    assert present_fields(dissected) == present_fields(layer.__class__(bytes(layer)))
    assert bytes(dissected) == wire


def test_optional_trailing_fields_follow_the_bytes() -> None:
    from scapy_layers.cmds import GetChassisStatusRs, GetDeviceIdRs, GetSensorReadingRs
    from tests.scapy_layers.oracle import present_fields

    assert "aux_firmware_revision" not in present_fields(GetDeviceIdRs(bytes(11)))
    assert "aux_firmware_revision" in present_fields(GetDeviceIdRs(bytes(15)))
    assert "reset_disabled" not in present_fields(GetChassisStatusRs(bytes(3)))
    assert set(present_fields(GetSensorReadingRs(bytes(2)))) == {
        "raw", "event_messages_enabled", "scanning_enabled", "unavailable", "reserved1"}
    assert "state_7" in present_fields(GetSensorReadingRs(bytes(3)))
    assert "state_14" not in present_fields(GetSensorReadingRs(bytes(3)))
    assert "state_14" in present_fields(GetSensorReadingRs(bytes(4)))


@pytest.mark.parametrize(("netfn", "cmd", "data", "layer"), [
    (0x07, 0x01, bytes(15), "GetDeviceIdRs"), (0x06, 0x01, b"", "EmptyBody"),
    (0x01, 0x01, bytes(3), "GetChassisStatusRs"), (0x00, 0x01, b"", "EmptyBody"),
    (0x06, 0x48, bytes(6), "ActivatePayloadRq"), (0x07, 0x48, bytes(12), "ActivatePayloadRs"),
    (0x06, 0x49, bytes(6), "DeactivatePayloadRq"), (0x07, 0x49, b"", "DeactivatePayloadRs"),
    (0x04, 0x2D, b"\x01", "GetSensorReadingRq"), (0x05, 0x2D, bytes(4), "GetSensorReadingRs"),
    (0x0A, 0x10, b"\x00", "GetFruInventoryAreaInfoRq"), (0x0B, 0x10, bytes(3), "GetFruInventoryAreaInfoRs"),
    (0x0A, 0x11, bytes(4), "ReadFruDataRq"), (0x0B, 0x11, b"\x00", "ReadFruDataRs"),
    (0x0B, 0x20, bytes(14), "GetSdrRepositoryInfoRs"), (0x0B, 0x22, bytes(2), "ReserveSdrRepositoryRs"),
    (0x0A, 0x23, bytes(6), "GetSdrRq"), (0x0B, 0x23, bytes(7), "GetSdrRs"),
    (0x2C, 0x3E, b"\x00\x02", "GetHpmxCapabilitiesRq"), (0x2C, 0x00, b"\x00", "GetPicmgPropertiesRq"),
    (0x2C, 0x00, b"\x03", "GetVsoCapabilitiesRq"), (0x2C, 0x00, b"\xdc", "Raw"),
])
def test_body_dispatch_on_netfn_command_and_direction(netfn: int, cmd: int, data: bytes, layer: str) -> None:
    cls = IPMIResponse if netfn & 1 else IPMIRequest
    fields: dict[str, Any] = {"netfn": netfn, "cmd": cmd, "data": data}
    if cls is IPMIResponse:
        fields["cc"] = 0
    message = RMCP(bytes(RMCP() / IPMISession15() / cls(**fields)))[cls]
    assert type(message.body()).__name__ == layer


def _body_classes() -> list[type[Packet]]:
    from scapy_layers.cmds import BODIES, GROUP_EXTENSION_BODIES

    return sorted({*BODIES.values(), *GROUP_EXTENSION_BODIES.values()}, key=lambda c: c.__name__)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_body_classes()), st.binary(max_size=40))
def test_any_data_dissects_into_a_body_or_raw(cls: type[Packet], data: bytes) -> None:
    """Arbitrary data for any command: body() never raises (a body too short for its fixed fields is Raw), and a
    body layer rebuilt from its fields dissects to the same fields."""
    from scapy_layers.cmds import BODIES, GROUP_EXTENSION_BODIES
    from tests.scapy_layers.oracle import present_fields

    if cls in GROUP_EXTENSION_BODIES.values():
        (cmd, code), = [k for k, v in GROUP_EXTENSION_BODIES.items() if v is cls]
        netfn, is_rs, data = 0x2C, False, bytes((code,)) + data
    else:
        netfn, cmd, is_rs = next(k for k, v in BODIES.items() if v is cls)
    message = (IPMIResponse(netfn=netfn | 1, cmd=cmd, cc=0, data=data) if is_rs
               else IPMIRequest(netfn=netfn, cmd=cmd, data=data))
    body = RMCP(bytes(RMCP() / IPMISession15() / message))[IPMIResponse if is_rs else IPMIRequest].body()
    if isinstance(body, Raw):
        return
    assert isinstance(body, cls)
    fields = present_fields(body)
    rebuilt = cls(bytes(body))
    assert present_fields(rebuilt) == fields


@given(st.binary(min_size=11, max_size=20), st.binary(min_size=3, max_size=6), st.binary(min_size=2, max_size=6))
def test_body_layers_agree_with_the_core_decoders(device: bytes, status: bytes, reading: bytes) -> None:
    """Get Device ID, Get Chassis Status, Get Sensor Reading: the layers' fields and the core's decoders read
    the same bits (where the core accepts the data)."""
    from ipmifast.cmds import app, chassis
    from ipmifast.errors import DecodeError
    from ipmifast.records import sdr
    from scapy_layers.cmds import GetChassisStatusRs, GetDeviceIdRs, GetSensorReadingRs

    d = GetDeviceIdRs(device)
    try:
        core = app.decode_get_device_id_rs(device)
    except DecodeError:  # a firmware minor revision that is not BCD
        pass
    else:
        assert (d.device_id, d.device_revision, bool(d.provides_sdrs), not d.update_in_progress, d.firmware_major,
                d.product_id) == (core.device_id, core.device_revision, core.provides_sdrs, core.device_available,
                                  core.firmware_major, core.product_id)
        assert d.manufacturer_id & 0x0FFFFF == core.manufacturer_id
        assert (d.aux_firmware_revision if len(device) >= 15 else None) == core.aux_firmware_revision
    c = GetChassisStatusRs(status)
    try:
        core_status = chassis.decode_get_chassis_status_rs(status)
    except DecodeError:  # an identify state the spec reserves
        pass
    else:
        assert (bool(c.power_on), bool(c.power_overload), bool(c.interlock), bool(c.power_fault),
                bool(c.power_control_fault), c.restore_policy, bool(c.intrusion), bool(c.front_panel_lockout),
                bool(c.drive_fault), bool(c.cooling_fault)) == (
            core_status.power_on, core_status.power_overload, core_status.interlock, core_status.power_fault,
            core_status.power_control_fault, core_status.restore_policy, core_status.intrusion,
            core_status.front_panel_lockout, core_status.drive_fault, core_status.cooling_fault)
        assert (core_status.front_panel is not None) == (len(status) > 3)
    r = GetSensorReadingRs(reading)
    core_reading = sdr.decode_sensor_reading(reading)
    states = sum(getattr(r, f"state_{n}") << n for n in range(15) if f"state_{n}" in r.fields)
    assert (r.raw, bool(r.event_messages_enabled), bool(r.scanning_enabled), bool(r.unavailable), states) == (
        core_reading.raw, core_reading.event_messages_enabled, core_reading.scanning_enabled,
        core_reading.unavailable, core_reading.states)
