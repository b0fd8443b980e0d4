"""Open Session / RAKP codecs, the RMCP+ key schedule and the cipher suite table.

Known answers: the RAKP 2 HMACs of hashcat mode 7300 / John the Ripper ``$rakp$`` and the CS3 / CS17 key
schedule of ../shared/vectors.md; handshake payloads captured from ipmitool 1.8.19 and FreeIPMI 1.6.10
against ipmi_sim 2.0.33 (tests/data/pcaps, user admin / ipmifast-admin). Codec tables are checked both ways
(h11's SIMPLE_CASES), hypothesis checks round trips and that decoders only ever raise DecodeError.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipmifast.errors import CipherSuiteUnavailable, DecodeError, LocalProtocolError
from ipmifast.proto import rakp
from ipmifast.proto.cipher_suites import CIPHER_SUITES, CipherSuite, get_cipher_suite
from ipmifast.proto.consts import AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm, RmcpPlusStatus
from ipmifast.proto.crypto import hmac_digest
from ipmifast.proto.rakp import (
    OpenSessionRequest,
    OpenSessionResponse,
    Rakp1,
    Rakp2,
    Rakp3,
    Rakp4,
)

SHA1 = AuthAlgorithm.RAKP_HMAC_SHA1
MD5 = AuthAlgorithm.RAKP_HMAC_MD5
SHA256 = AuthAlgorithm.RAKP_HMAC_SHA256


# ------------------------------------------------------------------------ RAKP 2 known answers (cracking tools)


def _split_rakp2_salt(salt: bytes) -> tuple[int, int, bytes, bytes, bytes, int, bytes]:
    """hashcat 7300 / JtR salt = SIDm ‖ SIDc ‖ Rm ‖ Rc ‖ GUIDc ‖ role ‖ ULen ‖ user, as on the wire."""
    assert len(salt) == 58 + salt[57]
    return (
        int.from_bytes(salt[0:4], "little"),
        int.from_bytes(salt[4:8], "little"),
        salt[8:24],
        salt[24:40],
        salt[40:56],
        salt[56],
        salt[58:],
    )


RAKP2_CRACKER_VECTORS = [
    # openwall/john src/rakp_fmt_plug.c tests[] (hashcat's mode 7300 example), password "hashcat"
    (
        "b7c2d6f13a43dce2e44ad120a9cd8a13d0ca23f0414275c0bbe1070d2d1299b1c04da0f1a0f1e4e2537300263a22000000"
        "00000000000000140768617368636174",
        b"hashcat",
        "472bdabe2d5d4bffd6add7b3ba79a291d104a9ef",
    ),
    # John the Ripper, user root, password calvin (a Dell iDRAC default)
    (
        "a4a3a2a03f0b000094272eb1ba576450b0d98ad10727a9fb0ab83616e099e8bf5f7366c9c03d36a3" + "0" * 32 + "1404726f6f74",
        b"calvin",
        "0ea27d6d5effaa996e5edc855b944e179a2f2434",
    ),
    (
        "c358d2a72f0c00001135f9b254c274629208b22f1166d94d2eba47f21093e9734355a33593da16f2" + "0" * 32 + "1404726f6f74",
        b"calvin",
        "41fce60acf2885f87fcafdf658d6f97db12639a9",
    ),
]


@pytest.mark.parametrize(("salt", "password", "expected"), RAKP2_CRACKER_VECTORS)
def test_rakp2_auth_code_cracker_vectors(salt: str, password: bytes, expected: str) -> None:
    fields = _split_rakp2_salt(bytes.fromhex(salt))
    # Kuid is the password zero-padded to 20 bytes; HMAC pads its key with zeros, so both give the same code
    assert rakp.rakp2_auth_code(SHA1, rakp.pad_password(password), *fields).hex() == expected
    assert rakp.rakp2_auth_code(SHA1, password, *fields).hex() == expected
    assert rakp.rakp2_auth_code(SHA1, b"wrong", *fields).hex() != expected


def test_hashcat_module_self_test_vector() -> None:
    """hashcat module_07300.c ST_HASH: an unstructured 158-byte salt, plain HMAC-SHA1 keyed with "hashcat"."""
    salt = bytes.fromhex(
        "3437343735333336383831353232323433383333303236303337333338363232303135383237333638363532373231343030"
        "3131313338383237343731383636323431333333353530303536333735333331333135303635333037383433343133303036"
        "3034363333323737303738353733363030323330383030343732383833323731343836323834343438383136363432343133"
        "3430383735323038"
    )
    assert len(salt) == 158
    assert hmac_digest(SHA1, b"hashcat", salt).hex() == "f4b376e25868751fc0264f573ff1fe50b65ce5a2"


# ---------------------------------------------------------------------- CS3 / CS17 key schedule (vectors.md)

KS_SID_M = 0xA4A3A2A1
KS_SID_C = 0x12345678
KS_R_M = bytes(range(0x00, 0x10))
KS_R_C = bytes(range(0x10, 0x20))
KS_GUID = bytes(range(0x20, 0x30))
KS_ROLE = 0x14
KS_USER = b"admin"
KS_KUID = rakp.pad_password(b"p4ssw0rd-ipmi!")

KEY_SCHEDULE = {
    SHA1: {
        "rakp2": "ce644fa9359f6c326266bcdce8757eefca6984f4",
        "rakp3": "073f4bad7ec1a0046ac35b6cf138569165f3afbf",
        "sik": "78e580ecd2a6b74f924896aa436ffdfae9067762",
        "k1": "aa9cc4092c5403d421b76da98bb91dbf2714e7f2",
        "k2": "4aa9e9d68223856bf7d50a27339fea87660f07e2",
        "icv": "4c043669d7f4f3e18f1c3abc",
    },
    SHA256: {
        "rakp2": "80035eee68177fbc967fcdf5448026009661e0c67d9dc64d6638cec5b1aae61d",
        "rakp3": "32ce5b383970b7930402454342d6fce33f30fa4bbc9143234819705a87f41925",
        "sik": "65006b5beec0eabea2ffd19ec2824152fb011c462662a29e3c28283643b313cd",
        "k1": "0ac59c944b6ccbbea877290af9023e4d3a09ad50469cd06fe57fd821383f7f7c",
        "k2": "3442d1109ce4b8923190e9590e8ec73ca5b9a577796fb5b94fda1bb97befd6e5",
        "icv": "77d0526e1f0e7f1d9e139d88809a6fb5",
    },
}


@pytest.mark.parametrize("auth", sorted(KEY_SCHEDULE))
def test_key_schedule_vectors(auth: int) -> None:
    expected = KEY_SCHEDULE[auth]
    rakp2 = rakp.rakp2_auth_code(auth, KS_KUID, KS_SID_M, KS_SID_C, KS_R_M, KS_R_C, KS_GUID, KS_ROLE, KS_USER)
    assert rakp2.hex() == expected["rakp2"]
    assert rakp.rakp3_auth_code(auth, KS_KUID, KS_R_C, KS_SID_M, KS_ROLE, KS_USER).hex() == expected["rakp3"]
    sik = rakp.session_integrity_key(auth, KS_KUID, KS_R_M, KS_R_C, KS_ROLE, KS_USER)
    assert sik.hex() == expected["sik"]
    assert rakp.derive_k1(auth, sik).hex() == expected["k1"]
    assert rakp.derive_k2(auth, sik).hex() == expected["k2"]
    assert rakp.rakp4_icv(auth, sik, KS_R_M, KS_SID_C, KS_GUID).hex() == expected["icv"]


def test_key_schedule_hmac_md5_lengths() -> None:
    """RAKP-HMAC-MD5: 16-byte codes and keys, untruncated RAKP 4 ICV (HMAC-MD5-128)."""
    sik = rakp.session_integrity_key(MD5, KS_KUID, KS_R_M, KS_R_C, KS_ROLE, KS_USER)
    assert sik == hmac_digest(MD5, KS_KUID, KS_R_M + KS_R_C + bytes((KS_ROLE, 5)) + KS_USER)
    assert len(sik) == len(rakp.derive_k1(MD5, sik)) == len(rakp.derive_k2(MD5, sik)) == 16
    assert rakp.derive_k1(MD5, sik) == hmac_digest(MD5, sik, b"\x01" * 20)
    assert rakp.rakp4_icv(MD5, sik, KS_R_M, KS_SID_C, KS_GUID) == hmac_digest(
        MD5, sik, KS_R_M + KS_SID_C.to_bytes(4, "little") + KS_GUID
    )


def test_kg_keys_the_sik_only() -> None:
    kg = rakp.pad_password(b"a BMC key")
    with_kg = rakp.session_integrity_key(SHA1, kg, KS_R_M, KS_R_C, KS_ROLE, KS_USER)
    assert with_kg != rakp.session_integrity_key(SHA1, KS_KUID, KS_R_M, KS_R_C, KS_ROLE, KS_USER)
    assert with_kg == hmac_digest(SHA1, kg, KS_R_M + KS_R_C + b"\x14\x05admin")


def test_rakp_none_has_no_codes_or_keys() -> None:
    none = AuthAlgorithm.RAKP_NONE
    assert rakp.rakp2_auth_code(none, KS_KUID, 1, 2, KS_R_M, KS_R_C, KS_GUID, KS_ROLE, KS_USER) == b""
    assert rakp.rakp3_auth_code(none, KS_KUID, KS_R_C, 1, KS_ROLE, KS_USER) == b""
    assert rakp.session_integrity_key(none, KS_KUID, KS_R_M, KS_R_C, KS_ROLE, KS_USER) == b""
    assert rakp.derive_k1(none, b"") == rakp.derive_k2(none, b"") == b""
    assert rakp.rakp4_icv(none, b"", KS_R_M, 2, KS_GUID) == b""


@pytest.mark.parametrize(
    "call",
    [
        lambda: rakp.rakp2_auth_code(4, KS_KUID, 1, 2, KS_R_M, KS_R_C, KS_GUID, KS_ROLE, KS_USER),
        lambda: rakp.rakp2_auth_code(SHA1, KS_KUID, 1 << 32, 2, KS_R_M, KS_R_C, KS_GUID, KS_ROLE, KS_USER),
        lambda: rakp.rakp2_auth_code(SHA1, KS_KUID, 1, 2, KS_R_M[:15], KS_R_C, KS_GUID, KS_ROLE, KS_USER),
        lambda: rakp.rakp2_auth_code(SHA1, KS_KUID, 1, 2, KS_R_M, KS_R_C, KS_GUID + b"x", KS_ROLE, KS_USER),
        lambda: rakp.rakp2_auth_code(SHA1, KS_KUID, 1, 2, KS_R_M, KS_R_C, KS_GUID, 0x100, KS_USER),
        lambda: rakp.rakp3_auth_code(SHA1, KS_KUID, KS_R_C, -1, KS_ROLE, KS_USER),
        lambda: rakp.rakp3_auth_code(SHA1, KS_KUID, KS_R_C, 1, KS_ROLE, b"u" * 17),
        lambda: rakp.session_integrity_key(SHA1, KS_KUID, KS_R_M, b"", KS_ROLE, KS_USER),
        lambda: rakp.rakp4_icv(SHA1, b"sik", KS_R_M, 1 << 32, KS_GUID),
        lambda: rakp.derive_k1(0x3F, b"sik"),
        lambda: rakp.pad_password(b"p" * 21),
        lambda: rakp.pad_password(b"p" * 17, 16),
    ],
)
def test_key_schedule_rejects_bad_arguments(call: Callable[[], object]) -> None:
    with pytest.raises(LocalProtocolError):
        call()


def test_pad_password() -> None:
    assert rakp.pad_password(b"admin") == b"admin" + bytes(15)
    assert rakp.pad_password(b"p" * 20) == b"p" * 20
    assert rakp.pad_password(b"") == bytes(20)
    assert rakp.pad_password(b"admin", 16) == b"admin" + bytes(11)


# ------------------------------------------------------------------------------------ codec tables

# Payloads from the reference captures: a-lanplus-c3-chassis-power (ipmitool <-> ipmi_sim), j-lanplus-c0 (cipher
# suite 0), n-freeipmi-c3 (FreeIPMI's random SIDm and tag), g2 (unknown user) and b (SHA-256 refused).
GUID_C = bytes.fromhex("69706d69666173747f000a01026f0001")  # "ipmifast" + 127.0.10.1 + port 623 + 1
R_M = bytes.fromhex("6e888a73566cf5909f6cec6741bcca55")
R_C = bytes.fromhex("cc50b269ae423827cd6b9cfcc01fc5fd")
SIMPLE_CASES: list[tuple[Any, Callable[[Any], bytes], Callable[[bytes], Any], str]] = [
    (
        OpenSessionRequest(0, 0, 0xA0A2A3A4, 1, 1, 1),
        rakp.encode_open_session_rq,
        rakp.decode_open_session_rq,
        "00000000a4a3a2a0000000080100000001000008010000000200000801000000",
    ),
    (
        OpenSessionRequest(0x36, 0, 0xDF93879B, 1, 1, 1),
        rakp.encode_open_session_rq,
        rakp.decode_open_session_rq,
        "360000009b8793df000000080100000001000008010000000200000801000000",
    ),
    (
        OpenSessionRequest(0, 0, 0xA0A2A3A4, 3, 4, 1),
        rakp.encode_open_session_rq,
        rakp.decode_open_session_rq,
        "00000000a4a3a2a0000000080300000001000008040000000200000801000000",
    ),
    (
        OpenSessionResponse(0, 0, 0, 0xA0A2A3A4, 2, 1, 1, 1),
        rakp.encode_open_session_rs,
        rakp.decode_open_session_rs,
        "00000000a4a3a2a002000000000000080100000001000008010000000200000801000000",
    ),
    (
        OpenSessionResponse(0, 0, 0, 0xA0A2A3A4, 0x504, 0, 0, 0),
        rakp.encode_open_session_rs,
        rakp.decode_open_session_rs,
        "00000000a4a3a2a004050000000000080000000001000008000000000200000800000000",
    ),
    (
        Rakp1(0, 2, R_M, 0x14, b"admin"),
        rakp.encode_rakp1,
        rakp.decode_rakp1,
        "0000000002000000" + R_M.hex() + "14000005" + b"admin".hex(),
    ),
    (
        Rakp1(0, 0x484, bytes.fromhex("c61d59ea6a76044c47656a4901e515a7"), 0x14, b"nosuchuser"),
        rakp.encode_rakp1,
        rakp.decode_rakp1,
        "0000000084040000c61d59ea6a76044c47656a4901e515a71400000a6e6f7375636875736572",
    ),
    (
        Rakp2(0, 0, 0xA0A2A3A4, R_C, GUID_C, bytes.fromhex("072f74171569dfc1ca62af44e7d362b868f0b4be")),
        rakp.encode_rakp2,
        rakp.decode_rakp2,
        "00000000a4a3a2a0" + R_C.hex() + GUID_C.hex() + "072f74171569dfc1ca62af44e7d362b868f0b4be",
    ),
    (
        # g2: status 0Dh (unauthorized name), and ipmi_sim still fills every field
        Rakp2(
            0,
            RmcpPlusStatus.UNAUTHORIZED_NAME,
            0xA0A2A3A4,
            bytes.fromhex("cd7147f9e77f4f536589a445be22d90e"),
            GUID_C,
            bytes.fromhex("f2fd7a13829a0bdbbc1ef409b10132f1a3626237"),
        ),
        rakp.encode_rakp2,
        rakp.decode_rakp2,
        "000d0000a4a3a2a0cd7147f9e77f4f536589a445be22d90e" + GUID_C.hex() + "f2fd7a13829a0bdbbc1ef409b10132f1a3626237",
    ),
    (
        Rakp2(0, 0, 0xA0A2A3A4, bytes.fromhex("707bda5f53376789a10448674221ed71"), GUID_C, b""),
        rakp.encode_rakp2,
        rakp.decode_rakp2,
        "00000000a4a3a2a0707bda5f53376789a10448674221ed71" + GUID_C.hex(),
    ),
    (
        Rakp3(0, 0, 2, bytes.fromhex("3f56330e72ac0d1dd73b5719849067ec892af059")),
        rakp.encode_rakp3,
        rakp.decode_rakp3,
        "00000000020000003f56330e72ac0d1dd73b5719849067ec892af059",
    ),
    (Rakp3(0, 0, 0x504, b""), rakp.encode_rakp3, rakp.decode_rakp3, "0000000004050000"),
    (
        Rakp4(0, 0, 0xA0A2A3A4, bytes.fromhex("7d5bcf19cae175eb01c88706")),
        rakp.encode_rakp4,
        rakp.decode_rakp4,
        "00000000a4a3a2a07d5bcf19cae175eb01c88706",
    ),
    (Rakp4(0, 0, 0xA0A2A3A4, b""), rakp.encode_rakp4, rakp.decode_rakp4, "00000000a4a3a2a0"),
]


@pytest.mark.parametrize(("structure", "encode", "decode", "hex_"), SIMPLE_CASES)
def test_codec_table(structure: Any, encode: Callable[[Any], bytes], decode: Callable[[bytes], Any], hex_: str) -> None:
    assert encode(structure).hex() == hex_
    assert decode(bytes.fromhex(hex_)) == structure


def test_captured_handshake_verifies() -> None:
    """The a-lanplus-c3 handshake: RAKP 2, RAKP 3 and RAKP 4 check out with admin / ipmifast-admin."""
    kuid = rakp.pad_password(b"ipmifast-admin")
    rakp2 = rakp.decode_rakp2(bytes.fromhex(SIMPLE_CASES[7][3]))
    assert rakp2.auth_code == rakp.rakp2_auth_code(SHA1, kuid, 0xA0A2A3A4, 2, R_M, R_C, GUID_C, 0x14, b"admin")
    assert rakp.decode_rakp3(bytes.fromhex(SIMPLE_CASES[10][3])).auth_code == rakp.rakp3_auth_code(
        SHA1, kuid, R_C, 0xA0A2A3A4, 0x14, b"admin"
    )
    sik = rakp.session_integrity_key(SHA1, kuid, R_M, R_C, 0x14, b"admin")
    icv = rakp.decode_rakp4(bytes.fromhex(SIMPLE_CASES[12][3])).auth_code
    assert icv == rakp.rakp4_icv(SHA1, sik, R_M, 2, GUID_C)
    # test_crypto.py's CAPTURE_C3_K1 / K2 come from here
    assert rakp.derive_k1(SHA1, sik).hex() == "5dc3dbbcface357306d28b6bbcb05a69197add15"
    assert rakp.derive_k2(SHA1, sik).hex() == "a4d5a0e0d6e9d2c584a1ae738f360458dfc1084a"


# ------------------------------------------------------------------------------- short error messages


@pytest.mark.parametrize(
    ("hex_", "expected"),
    [
        # b-lanplus-c17-rejected: ipmi_sim answers Open Session with tag and status only
        ("0004", OpenSessionResponse(0, RmcpPlusStatus.INVALID_AUTHENTICATION_ALGORITHM, 0, 0, 0, 0, 0, 0)),
        ("2a1104", OpenSessionResponse(0x2A, 0x11, 4, 0, 0, 0, 0, 0)),
        ("2a110400a4a3a2a0", OpenSessionResponse(0x2A, 0x11, 4, 0xA0A2A3A4, 0, 0, 0, 0)),
        ("2a110400a4a3a2a00200", OpenSessionResponse(0x2A, 0x11, 4, 0xA0A2A3A4, 0, 0, 0, 0)),
        ("2a110400a4a3a2a002000000", OpenSessionResponse(0x2A, 0x11, 4, 0xA0A2A3A4, 2, 0, 0, 0)),
        # full length with garbage algorithm payloads: an error needs none of them
        ("2a110400a4a3a2a002000000" + "ff" * 24, OpenSessionResponse(0x2A, 0x11, 4, 0xA0A2A3A4, 2, 0, 0, 0)),
    ],
)
def test_short_open_session_error_response(hex_: str, expected: OpenSessionResponse) -> None:
    assert rakp.decode_open_session_rs(bytes.fromhex(hex_)) == expected


@pytest.mark.parametrize(
    ("decode", "hex_", "expected"),
    [
        (rakp.decode_rakp2, "050d", Rakp2(5, 0x0D, 0, b"", b"", b"")),
        (rakp.decode_rakp2, "050d0000a4a3a2a0", Rakp2(5, 0x0D, 0xA0A2A3A4, b"", b"", b"")),
        (rakp.decode_rakp2, "050d0000a4a3a2a0" + "11" * 20, Rakp2(5, 0x0D, 0xA0A2A3A4, b"", b"", b"")),
        (rakp.decode_rakp3, "050f", Rakp3(5, 0x0F, 0, b"")),
        (rakp.decode_rakp4, "050f", Rakp4(5, 0x0F, 0, b"")),
        (rakp.decode_rakp4, "050f0000a4a3", Rakp4(5, 0x0F, 0, b"")),
        (rakp.decode_rakp4, "050f0000a4a3a2a0", Rakp4(5, 0x0F, 0xA0A2A3A4, b"")),
    ],
)
def test_short_rakp_error_messages(decode: Callable[[bytes], Any], hex_: str, expected: Any) -> None:
    assert decode(bytes.fromhex(hex_)) == expected


def test_short_error_messages_encode_short() -> None:
    assert rakp.encode_rakp2(Rakp2(5, 0x0D, 0xA0A2A3A4, b"", b"", b"")).hex() == "050d0000a4a3a2a0"
    assert rakp.encode_rakp4(Rakp4(5, 0x0F, 0xA0A2A3A4, b"")).hex() == "050f0000a4a3a2a0"
    with pytest.raises(LocalProtocolError):  # a success needs Rc and GUIDc
        rakp.encode_rakp2(Rakp2(5, 0, 0xA0A2A3A4, b"", b"", b""))


@pytest.mark.parametrize(
    ("decode", "hex_"),
    [
        (rakp.decode_open_session_rq, ""),
        (rakp.decode_open_session_rq, "00000000a4a3a2a0000000080100000001000008010000000200000801"),
        (rakp.decode_open_session_rq, "00000000a4a3a2a0010000080100000001000008010000000200000801000000"),
        (rakp.decode_open_session_rq, "00000000a4a3a2a0000000080100000002000008010000000100000801000000"),
        (rakp.decode_open_session_rs, ""),
        (rakp.decode_open_session_rs, "00"),
        (rakp.decode_open_session_rs, "0000"),  # success must be complete
        (rakp.decode_open_session_rs, "00000000a4a3a2a002000000"),
        (rakp.decode_open_session_rs, "00000000a4a3a2a002000000" + "ff" * 24),
        (rakp.decode_rakp1, "0000000002000000" + R_M.hex() + "140000"),
        (rakp.decode_rakp1, "0000000002000000" + R_M.hex() + "14000005" + b"admi".hex()),
        (rakp.decode_rakp1, "0000000002000000" + R_M.hex() + "14000011" + "41" * 17),
        (rakp.decode_rakp2, "00"),
        (rakp.decode_rakp2, "0000"),
        (rakp.decode_rakp2, "00000000a4a3a2a0" + R_C.hex()),
        (rakp.decode_rakp3, "0000000002"),
        (rakp.decode_rakp4, "00000000"),
        (rakp.decode_rakp4, "05"),
    ],
)
def test_decoders_reject_malformed(decode: Callable[[bytes], Any], hex_: str) -> None:
    with pytest.raises(DecodeError):
        decode(bytes.fromhex(hex_))


def test_rakp1_ignores_a_padded_user_name_field() -> None:
    """Some consoles send the 16-byte name field whole; only ULen bytes are the name."""
    padded = bytes.fromhex("0000000002000000" + R_M.hex() + "14000005") + b"admin".ljust(16, b"\0")
    assert rakp.decode_rakp1(padded) == Rakp1(0, 2, R_M, 0x14, b"admin")


@pytest.mark.parametrize(
    ("encode", "structure"),
    [
        (rakp.encode_open_session_rq, OpenSessionRequest(256, 4, 1, 1, 1, 1)),
        (rakp.encode_open_session_rq, OpenSessionRequest(0, 16, 1, 1, 1, 1)),
        (rakp.encode_open_session_rq, OpenSessionRequest(0, 4, 1 << 32, 1, 1, 1)),
        (rakp.encode_open_session_rq, OpenSessionRequest(0, 4, 1, 0x40, 1, 1)),
        (rakp.encode_open_session_rs, OpenSessionResponse(0, 0x100, 4, 1, 2, 1, 1, 1)),
        (rakp.encode_open_session_rs, OpenSessionResponse(0, 0, 4, 1, -2, 1, 1, 1)),
        (rakp.encode_rakp1, Rakp1(0, 2, R_M[:8], 0x14, b"admin")),
        (rakp.encode_rakp1, Rakp1(0, 2, R_M, 0x14, b"a" * 17)),
        (rakp.encode_rakp1, Rakp1(0, 2, R_M, 0x114, b"admin")),
        (rakp.encode_rakp2, Rakp2(0, 0, 1, R_C, GUID_C[:15], b"")),
        (rakp.encode_rakp3, Rakp3(0, 0, 1 << 32, b"")),
        (rakp.encode_rakp4, Rakp4(-1, 0, 1, b"")),
    ],
)
def test_encoders_reject_out_of_range(encode: Callable[[Any], bytes], structure: Any) -> None:
    with pytest.raises(LocalProtocolError):
        encode(structure)


# ------------------------------------------------------------------------------------------ hypothesis

u8 = st.integers(0, 0xFF)
u32 = st.integers(0, 0xFFFFFFFF)
algorithm = st.integers(0, 0x3F)
privilege = st.integers(0, 0x0F)
random16 = st.binary(min_size=16, max_size=16)
username = st.binary(max_size=16)
auth_code = st.sampled_from([0, 12, 16, 20, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))

STRUCTURES = st.one_of(
    st.builds(OpenSessionRequest, u8, privilege, u32, algorithm, algorithm, algorithm),
    st.builds(OpenSessionResponse, u8, u8, privilege, u32, u32, algorithm, algorithm, algorithm),
    st.builds(Rakp1, u8, u32, random16, u8, username),
    st.builds(Rakp2, u8, u8, u32, random16, random16, auth_code),
    st.builds(Rakp2, u8, st.integers(1, 0xFF), u32, st.just(b""), st.just(b""), st.just(b"")),
    st.builds(Rakp3, u8, u8, u32, auth_code),
    st.builds(Rakp4, u8, u8, u32, auth_code),
)
CODECS: dict[type, tuple[Callable[[Any], bytes], Callable[[bytes], Any]]] = {
    OpenSessionRequest: (rakp.encode_open_session_rq, rakp.decode_open_session_rq),
    OpenSessionResponse: (rakp.encode_open_session_rs, rakp.decode_open_session_rs),
    Rakp1: (rakp.encode_rakp1, rakp.decode_rakp1),
    Rakp2: (rakp.encode_rakp2, rakp.decode_rakp2),
    Rakp3: (rakp.encode_rakp3, rakp.decode_rakp3),
    Rakp4: (rakp.encode_rakp4, rakp.decode_rakp4),
}


@given(STRUCTURES)
def test_codec_round_trip(structure: Any) -> None:
    encode, decode = CODECS[type(structure)]
    data = encode(structure)
    assert decode(data) == structure
    assert encode(decode(data)) == data


@given(st.sampled_from(sorted(CODECS, key=lambda t: t.__name__)), st.binary(max_size=80))
def test_decoders_raise_only_decode_error(kind: type, data: bytes) -> None:
    encode, decode = CODECS[kind]
    try:
        decoded = decode(data)
    except DecodeError:
        return
    assert dataclasses.is_dataclass(decoded) and type(decoded) is kind


def test_structures_are_frozen() -> None:
    rq = OpenSessionRequest(0, 4, 1, 1, 1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rq.sid_m = 2  # type: ignore[misc]


# ---------------------------------------------------------------------------------------- cipher suites


def test_cipher_suite_table() -> None:
    """Table 22-20, without the xRC4 suites (4, 5, 9, 10, 13, 14)."""
    assert sorted(CIPHER_SUITES) == [0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17]
    a, i, c = AuthAlgorithm, IntegrityAlgorithm, ConfidentialityAlgorithm
    assert CIPHER_SUITES[0] == CipherSuite(0, a.RAKP_NONE, i.NONE, c.NONE)
    assert CIPHER_SUITES[3] == CipherSuite(3, a.RAKP_HMAC_SHA1, i.HMAC_SHA1_96, c.AES_CBC_128)
    assert CIPHER_SUITES[8] == CipherSuite(8, a.RAKP_HMAC_MD5, i.HMAC_MD5_128, c.AES_CBC_128)
    assert CIPHER_SUITES[11] == CipherSuite(11, a.RAKP_HMAC_MD5, i.MD5_128, c.NONE)
    assert CIPHER_SUITES[17] == CipherSuite(17, a.RAKP_HMAC_SHA256, i.HMAC_SHA256_128, c.AES_CBC_128)
    for suite_id, suite in CIPHER_SUITES.items():
        assert suite.id == suite_id
        # integrity and confidentiality only come with an authentication algorithm that makes keys
        assert suite.auth != a.RAKP_NONE or (suite.integrity, suite.confidentiality) == (i.NONE, c.NONE)
        if suite.integrity in (i.HMAC_SHA1_96, i.HMAC_MD5_128, i.HMAC_SHA256_128):
            digest = {i.HMAC_SHA1_96: a.RAKP_HMAC_SHA1, i.HMAC_MD5_128: a.RAKP_HMAC_MD5}
            assert digest.get(suite.integrity, a.RAKP_HMAC_SHA256) == suite.auth


@pytest.mark.parametrize("suite_id", [4, 5, 9, 10, 13, 14, 18, -1, 255, "3"])
def test_unsupported_cipher_suites(suite_id: Any) -> None:
    with pytest.raises(CipherSuiteUnavailable):
        get_cipher_suite(suite_id)


def test_get_cipher_suite() -> None:
    assert get_cipher_suite(17) is CIPHER_SUITES[17]
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_cipher_suite(3).id = 4  # type: ignore[misc]
