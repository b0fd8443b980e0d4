"""Known answers from real peers: the test bed's captures (tests/data/pcaps, README.md there).

ipmitool 1.8.19 and FreeIPMI 1.6.10 against OpenIPMI ipmi_sim 2.0.33, user admin / ipmifast-admin. From each
RMCP+ capture we take the handshake, check RAKP 2, RAKP 3 and RAKP 4 with the documented password, derive SIK,
K1 and K2, then verify every AuthCode and decrypt every payload to a well-formed IPMI message (or SOL payload),
with both implementations of the compiled modules. The IPMI 1.5 captures check every MD5 / straight-password
AuthCode.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ipmifast.errors import IntegrityCheckFailed
from ipmifast.proto import rakp
from ipmifast.proto.cipher_suites import CIPHER_SUITES
from ipmifast.proto.consts import PayloadType

from ..conftest import load_impl
from ..pcaps import Datagram, read_udp

PASSWORD = b"ipmifast-admin"


@dataclass
class Handshake:
    suite_id: int
    sid_m: int
    sid_c: int
    role: int
    username: bytes
    r_m: bytes
    r_c: bytes
    guid_c: bytes
    rakp2: bytes
    rakp3: bytes | None
    rakp4: bytes | None


def parse_handshake(datagrams: list[Datagram], frame_mod) -> Handshake:  # type: ignore[no-untyped-def]
    by_type: dict[int, bytes] = {}
    for d in datagrams:
        if d.payload[3] != 0x07 or d.payload[4] != 0x06:
            continue
        packet = frame_mod.decode_v20_session(d.payload)
        ptype = packet.payload_type & 0x3F
        if 0x10 <= ptype <= 0x15 and ptype not in by_type:
            by_type[ptype] = packet.payload
    osrq = rakp.decode_open_session_rq(by_type[PayloadType.OPEN_SESSION_REQUEST])
    osrs = rakp.decode_open_session_rs(by_type[PayloadType.OPEN_SESSION_RESPONSE])
    r1 = rakp.decode_rakp1(by_type[PayloadType.RAKP_1])
    r2 = rakp.decode_rakp2(by_type[PayloadType.RAKP_2])
    r3 = rakp.decode_rakp3(by_type[PayloadType.RAKP_3]) if PayloadType.RAKP_3 in by_type else None
    r4 = rakp.decode_rakp4(by_type[PayloadType.RAKP_4]) if PayloadType.RAKP_4 in by_type else None
    suite = next(
        s.id
        for s in CIPHER_SUITES.values()
        if (s.auth, s.integrity, s.confidentiality) == (osrs.auth, osrs.integrity, osrs.confidentiality)
    )
    assert osrs.sid_m == osrq.sid_m and r1.sid_c == osrs.sid_c and r2.sid_m == osrq.sid_m
    return Handshake(
        suite, osrq.sid_m, osrs.sid_c, r1.role, r1.username, r1.r_m, r2.r_c, r2.guid_c, r2.auth_code,
        r3.auth_code if r3 else None, r4.auth_code if r4 else None,
    )


RMCP_PLUS_CAPTURES = {
    "a-lanplus-c3-chassis-power.pcap": 3,
    "c-lanplus-c1-chassis-power.pcap": 1,
    "c-lanplus-c2-chassis-power.pcap": 2,
    "e-sol-c1.pcap": 1,
    "e-sol-c3.pcap": 3,
    "f-lanplus-c3-sdr-fru.pcap": 3,
    "f2-lanplus-c2-sdr-fru.pcap": 2,
    "m-freeipmi-c3-chassis-status.pcap": 3,
    "j-lanplus-c0-wrong-password-accepted.pcap": 0,
}


@pytest.mark.parametrize("name", sorted(RMCP_PLUS_CAPTURES))
def test_rmcp_plus_capture_verifies_and_decrypts(name: str, impl: str) -> None:
    frame_mod = load_impl("frame", impl)
    crypto_mod = load_impl("crypto", impl)
    sol_mod = load_impl("sol", impl)
    datagrams = read_udp(name)
    hs = parse_handshake(datagrams, frame_mod)
    assert hs.suite_id == RMCP_PLUS_CAPTURES[name]
    suite = CIPHER_SUITES[hs.suite_id]
    kuid = rakp.pad_password(PASSWORD)
    rakp2 = rakp.rakp2_auth_code(
        suite.auth, kuid, hs.sid_m, hs.sid_c, hs.r_m, hs.r_c, hs.guid_c, hs.role, hs.username
    )
    assert rakp2 == hs.rakp2
    sik = rakp.session_integrity_key(suite.auth, kuid, hs.r_m, hs.r_c, hs.role, hs.username)
    if hs.suite_id == 0:
        # j: ipmitool with a WRONG password; RAKP-none carries no HMAC at all, so the BMC let it in
        assert hs.rakp2 == b"" and hs.rakp3 == b"" and hs.rakp4 == b""
    else:
        assert hs.rakp3 == rakp.rakp3_auth_code(suite.auth, kuid, hs.r_c, hs.sid_m, hs.role, hs.username)
        assert hs.rakp4 == rakp.rakp4_icv(suite.auth, sik, hs.r_m, hs.sid_c, hs.guid_c)
    k1, k2 = rakp.derive_k1(suite.auth, sik), rakp.derive_k2(suite.auth, sik)
    cipher = crypto_mod.SessionCipher(suite.integrity, suite.confidentiality, k1, k2, kuid)
    ipmi_messages = sol_payloads = 0
    for d in datagrams:
        if d.payload[3] != 0x07 or d.payload[4] != 0x06:
            continue
        rmcp_class, _auth, ptype_byte, session_id = frame_mod.peek(d.payload)
        ptype = ptype_byte & 0x3F
        if ptype >= 0x10:
            assert session_id == 0
            continue
        assert session_id == (hs.sid_c if d.to_bmc else hs.sid_m)
        assert bool(ptype_byte & 0x40) == bool(suite.integrity)
        assert bool(ptype_byte & 0x80) == bool(suite.confidentiality)
        opened_ptype, opened_sid, seq, payload = cipher.open(d.payload)
        assert (opened_ptype, opened_sid) == (ptype_byte, session_id) and seq > 0
        if ptype == PayloadType.IPMI:
            if d.to_bmc:
                rq = frame_mod.decode_ipmi_request(payload)
                assert rq.rs_addr == 0x20 and rq.netfn % 2 == 0
            else:
                rs = frame_mod.decode_ipmi_response(payload)
                assert rs.rs_addr == 0x20 and rs.netfn % 2 == 1
            ipmi_messages += 1
        else:
            assert ptype == PayloadType.SOL
            sol_mod.decode_sol(payload)
            sol_payloads += 1
        if suite.integrity:  # a flipped bit anywhere after the RMCP header is caught
            tampered = bytearray(d.payload)
            tampered[-1] ^= 0x01
            with pytest.raises(IntegrityCheckFailed):
                cipher.open(bytes(tampered))
    assert ipmi_messages >= 4
    if name.startswith("e-sol"):
        assert sol_payloads >= 4


def test_wrong_password_capture_rakp2_verifies_only_with_the_real_password() -> None:
    # g: ipmitool -P wrong-password stopped after RAKP 2; the BMC computed RAKP 2 with the real password
    frame_mod = load_impl("frame", "c")
    hs = parse_handshake(read_udp("g-lanplus-c3-wrong-password.pcap"), frame_mod)
    suite = CIPHER_SUITES[hs.suite_id]
    args = (hs.sid_m, hs.sid_c, hs.r_m, hs.r_c, hs.guid_c, hs.role, hs.username)
    assert rakp.rakp2_auth_code(suite.auth, rakp.pad_password(PASSWORD), *args) == hs.rakp2
    assert rakp.rakp2_auth_code(suite.auth, rakp.pad_password(b"wrong-password"), *args) != hs.rakp2
    assert hs.rakp3 is None


def test_unknown_user_capture_rakp2_status() -> None:
    datagrams = read_udp("g2-lanplus-c3-unknown-user.pcap")
    frame_mod = load_impl("frame", "c")
    rakp2 = next(
        frame_mod.decode_v20_session(d.payload).payload
        for d in datagrams
        if not d.to_bmc and d.payload[4] == 0x06 and d.payload[5] & 0x3F == PayloadType.RAKP_2
    )
    assert rakp.decode_rakp2(rakp2).status == 0x0D


def test_sha256_refused_capture_status() -> None:
    datagrams = read_udp("b-lanplus-c17-rejected.pcap")
    frame_mod = load_impl("frame", "c")
    response = next(
        frame_mod.decode_v20_session(d.payload).payload
        for d in datagrams
        if not d.to_bmc and d.payload[4] == 0x06 and d.payload[5] & 0x3F == PayloadType.OPEN_SESSION_RESPONSE
    )
    assert rakp.decode_open_session_rs(response).status == 0x04  # invalid authentication algorithm


@pytest.mark.parametrize(
    "name,auth_type", [("d-lan15-md5-chassis-power.pcap", 2), ("l-lan15-weak-straight-password.pcap", 4)]
)
def test_ipmi15_capture_auth_codes(name: str, auth_type: int, impl: str) -> None:
    frame_mod = load_impl("frame", impl)
    crypto_mod = load_impl("crypto", impl)
    pw16 = PASSWORD.ljust(16, b"\0")
    checked = 0
    for d in read_udp(name):
        if d.payload[3] != 0x07:
            continue
        packet = frame_mod.decode_v15_session(d.payload)
        if packet.auth_type == 0:
            continue
        assert packet.auth_type == auth_type
        expected = crypto_mod.auth_code_v15(auth_type, pw16, packet.session_id, packet.msg, packet.session_seq)
        assert expected == packet.auth_code
        wrong = crypto_mod.auth_code_v15(auth_type, b"wrong".ljust(16, b"\0"), packet.session_id, packet.msg,
                                         packet.session_seq)
        assert wrong != packet.auth_code
        if d.to_bmc:
            frame_mod.decode_ipmi_request(packet.msg)
        else:
            frame_mod.decode_ipmi_response(packet.msg)
        checked += 1
    assert checked >= 10


def test_presence_ping_capture(impl: str) -> None:
    frame_mod = load_impl("frame", impl)
    datagrams = read_udp("h-rmcp-presence-ping.pcap")
    assert len(datagrams) == 4
    for d in datagrams:
        msg = frame_mod.decode_asf(d.payload)
        assert msg.message_type == (0x80 if d.to_bmc else 0x40)
        if not d.to_bmc:
            pong = frame_mod.decode_asf_pong_data(msg.data)
            assert pong.supported_entities & 0x80  # IPMI supported
