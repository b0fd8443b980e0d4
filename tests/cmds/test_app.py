"""Application command codecs (IPMI v2.0 ch. 20-22, 24): codec tables both ways, decoder and encoder errors.

Rows marked "ipmi_sim" are the data bytes ipmi_sim 2.0.33 (the test bed's BMC, tests/data/testbed) answered over
RMCP+ to the request of that row, as probed with this package and as ipmitool printed them in VERIFIED.md; rows
from captures name the file of tests/data/pcaps and the frame. The others were laid out by hand from the spec.
"""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from ipmifast.cmds import AuthTypes, PrivilegeLevel
from ipmifast.cmds import app as a
from ipmifast.errors import DecodeError, LocalProtocolError
from ipmifast.proto.consts import AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm, PayloadType

from .table import Rq, Rs, check_rq, check_rs

ADMIN, OPERATOR, USER = PrivilegeLevel.ADMINISTRATOR, PrivilegeLevel.OPERATOR, PrivilegeLevel.USER
SIM = "ipmi_sim 2.0.33, probed over RMCP+ suite 3"
DS = a.DeviceSupport

SIMPLE_RQ = [
    Rq("get_device_id", None, ""),
    Rq("cold_reset", None, ""),
    Rq("warm_reset", None, ""),
    Rq("get_device_guid", None, ""),
    Rq("get_system_guid", None, ""),
    Rq("reset_watchdog_timer", None, ""),
    Rq("get_watchdog_timer", None, ""),
    Rq(
        "set_watchdog_timer",
        a.SetWatchdogTimerRequest(
            a.TimerUse.SMS_OS,
            a.TimeoutAction.HARD_RESET,
            100,
            expiration_flags_clear=a.TimerUseFlags.SMS_OS,
            dont_stop=True,
        ),
        "440100106400",
    ),
    Rq(
        "set_watchdog_timer",
        a.SetWatchdogTimerRequest(
            a.TimerUse.BIOS_FRB2,
            a.TimeoutAction.POWER_CYCLE,
            0x1234,
            a.PreTimeoutInterrupt.MESSAGING_INTERRUPT,
            30,
            a.TimerUseFlags.BIOS_FRB2 | a.TimerUseFlags.OEM,
            dont_log=True,
        ),
        "81331e223412",
    ),
    Rq(
        "get_channel_authentication_capabilities",
        a.GetChannelAuthenticationCapabilitiesRequest(0x0E, ADMIN, True),
        "8e04",
        "c-lanplus-c1-chassis-power frame 1 (ipmitool -I lanplus)",
    ),
    Rq(
        "get_channel_authentication_capabilities",
        a.GetChannelAuthenticationCapabilitiesRequest(0x0E, ADMIN, False),
        "0e04",
        "d-lan15-md5-chassis-power frame 3 (ipmitool -I lan)",
    ),
    Rq("set_session_privilege_level", a.SetSessionPrivilegeLevelRequest(ADMIN), "04", "c-lanplus-c1 frame 9"),
    Rq("set_session_privilege_level", a.SetSessionPrivilegeLevelRequest(PrivilegeLevel.UNSPECIFIED), "00"),
    Rq("close_session", a.CloseSessionRequest(0x82), "82000000", "c-lanplus-c1-chassis-power frame 23"),
    Rq("close_session", a.CloseSessionRequest(0, 5), "0000000005"),
    Rq("get_session_info", a.GetSessionInfoRequest(), "00"),
    Rq("get_session_info", a.GetSessionInfoRequest(3), "03"),
    Rq("get_session_info", a.GetSessionInfoRequest(0xFE, session_handle=2), "fe02"),
    Rq("get_session_info", a.GetSessionInfoRequest(0xFF, session_id=0x01020304), "ff04030201"),
    Rq(
        "set_channel_access",
        a.SetChannelAccessRequest(
            1,
            a.ChannelAccessSelector.VOLATILE,
            a.ChannelAccessMode.ALWAYS_AVAILABLE,
            privilege_limit_set=a.ChannelAccessSelector.VOLATILE,
            privilege_limit=ADMIN,
        ),
        "018284",
    ),
    Rq(
        "set_channel_access",
        a.SetChannelAccessRequest(
            2,
            a.ChannelAccessSelector.NON_VOLATILE,
            a.ChannelAccessMode.SHARED,
            alerting_disabled=True,
            per_message_authentication_disabled=True,
            user_level_authentication_disabled=True,
        ),
        "027b00",
    ),
    Rq("get_channel_access", a.GetChannelAccessRequest(1, a.ChannelAccessSelector.NON_VOLATILE), "0140"),
    Rq("get_channel_access", a.GetChannelAccessRequest(1), "0180"),
    Rq("get_channel_info", a.GetChannelInfoRequest(), "0e"),
    Rq("set_user_access", a.SetUserAccessRequest(1, 6, OPERATOR), "910603"),
    Rq(
        "set_user_access",
        a.SetUserAccessRequest(1, 6, USER, True, True, True, False, session_limit=2),
        "e1060202",
    ),
    Rq("set_user_access", a.SetUserAccessRequest(1, 5, PrivilegeLevel.NO_ACCESS, change_access_bits=False), "11050f"),
    Rq("get_user_access", a.GetUserAccessRequest(1, 2), "0102"),
    Rq("set_user_name", a.SetUserNameRequest(6, b"newuser"), "06" + b"newuser".hex() + "00" * 9),
    Rq("get_user_name", a.GetUserNameRequest(2), "02"),
    Rq(
        "set_user_password",
        a.SetUserPasswordRequest(4, a.PasswordOperation.SET_PASSWORD, b"new-pass-4"),
        "0402" + b"new-pass-4".hex() + "00" * 6,
    ),
    Rq(
        "set_user_password",
        a.SetUserPasswordRequest(4, a.PasswordOperation.TEST_PASSWORD, b"p" * 17, 20),
        "8403" + "70" * 17 + "00" * 3,
    ),
    Rq("set_user_password", a.SetUserPasswordRequest(6, a.PasswordOperation.ENABLE_USER), "0601"),
    Rq("set_user_password", a.SetUserPasswordRequest(6, a.PasswordOperation.DISABLE_USER, password_size=20), "8600"),
    Rq("set_user_password", a.SetUserPasswordRequest(1, a.PasswordOperation.SET_PASSWORD), "0102" + "00" * 16),
    Rq(
        "activate_payload",
        a.ActivatePayloadRequest(PayloadType.SOL, 1, bytes.fromhex("c6000000")),
        "0101c6000000",
        "e-sol-c1 frame 19 (ipmitool sol activate)",
    ),
    Rq(
        "deactivate_payload",
        a.DeactivatePayloadRequest(PayloadType.SOL, 1),
        "010100000000",
        "e-sol-c1 frame 35 (ipmitool, after ~.)",
    ),
    Rq("get_payload_activation_status", a.GetPayloadActivationStatusRequest(PayloadType.SOL), "01"),
    Rq("set_user_payload_access", a.SetUserPayloadAccessRequest(
        1, 2, a.UserPayloadOperation.DISABLE, a.UserPayloadAccess(frozenset({1}))), "014202000000",
        "ipmitool 1.8.19 'sol payload disable 1 2' (lib/ipmi_sol.c), against the simulator"),
    Rq("set_user_payload_access", a.SetUserPayloadAccessRequest(
        1, 3, a.UserPayloadOperation.ENABLE, a.UserPayloadAccess(frozenset({1}), frozenset({0x20, 0x27}))),
        "010302008100"),
    Rq("get_user_payload_access", a.GetUserPayloadAccessRequest(1, 2), "0102"),
    Rq("get_channel_payload_support", a.GetChannelPayloadSupportRequest(1), "01"),
    Rq("get_channel_cipher_suites", a.GetChannelCipherSuitesRequest(), "0e0080"),
    Rq("get_channel_cipher_suites", a.GetChannelCipherSuitesRequest(1, PayloadType.IPMI, 2, False), "010002"),
]

SIMPLE_RS = [
    Rs(
        "get_device_id",
        a.DeviceId(
            device_id=0x20,
            device_revision=1,
            provides_sdrs=False,
            device_available=True,
            firmware_major=2,
            firmware_minor=15,
            ipmi_version="2.0",
            additional_device_support=DS.SENSOR
            | DS.SDR_REPOSITORY
            | DS.SEL
            | DS.FRU_INVENTORY
            | DS.IPMB_EVENT_RECEIVER
            | DS.CHASSIS,
            manufacturer_id=32473,
            product_id=0x0101,
            aux_firmware_revision=b"\x00\x00\x00\x00",
        ),
        "20010215029fd97e00010100000000",
        "c-lanplus-c1-chassis-power frame 14",
    ),
    Rs(
        "get_device_id",
        a.DeviceId(0x20, 1, True, False, 0x12, 34, "1.5", DS.SENSOR | DS.SEL | DS.CHASSIS, 674, 0x0100),
        "208192345185a202000001",
    ),
    Rs("get_device_guid", a.Guid(bytes(range(16))), "000102030405060708090a0b0c0d0e0f"),
    Rs(
        "get_system_guid",
        a.Guid(bytes.fromhex("69706d69666173747f000a01026f0001")),
        "69706d69666173747f000a01026f0001",
        "VERIFIED.md: ipmitool mc guid on 127.0.10.1:623",
    ),
    Rs(
        "get_watchdog_timer",
        a.WatchdogTimer(
            a.TimerUse.SMS_OS,
            True,
            True,
            a.TimeoutAction.POWER_CYCLE,
            a.PreTimeoutInterrupt.NMI,
            10,
            a.TimerUseFlags.SMS_OS | a.TimerUseFlags.OS_LOAD,
            600,
            599,
        ),
        "c4230a1858025702",
    ),
    Rs(
        "get_watchdog_timer",
        a.WatchdogTimer(
            a.TimerUse.RESERVED,
            False,
            False,
            a.TimeoutAction.NO_ACTION,
            a.PreTimeoutInterrupt.NONE,
            0,
            a.TimerUseFlags(0),
            0,
        ),
        "000000000000",
        f"{SIM}: no present countdown",
    ),
    Rs(
        "get_channel_authentication_capabilities",
        a.ChannelAuthenticationCapabilities(
            channel=1,
            auth_types=AuthTypes.MD2 | AuthTypes.MD5,
            ipmi_v20_extended_available=True,
            kg_nonzero=False,
            per_message_authentication_disabled=False,
            user_level_authentication_disabled=False,
            non_null_usernames=True,
            null_usernames=False,
            anonymous_login=False,
            supports_ipmi_v15=True,
            supports_ipmi_v20=True,
        ),
        "0186040300000000",
        "c-lanplus-c1-chassis-power frame 2 (v2.0 extended form)",
    ),
    Rs(
        "get_channel_authentication_capabilities",
        a.ChannelAuthenticationCapabilities(
            1, AuthTypes.MD2 | AuthTypes.MD5, False, False, False, False, True, False, False, False, False
        ),
        "0106040000000000",
        "d-lan15-md5-chassis-power frame 4 (IPMI v1.5 form)",
    ),
    Rs(
        "get_channel_authentication_capabilities",
        a.ChannelAuthenticationCapabilities(
            1,
            AuthTypes.NONE | AuthTypes.PASSWORD | AuthTypes.OEM,
            True,
            True,
            True,
            True,
            True,
            True,
            True,
            False,
            True,
            0x0002A2,
            0x42,
        ),
        "01b13f02a2020042",
    ),
    Rs("set_session_privilege_level", a.SessionPrivilegeLevel(ADMIN), "04", "c-lanplus-c1-chassis-power frame 10"),
    Rs("close_session", None, "", "c-lanplus-c1-chassis-power frame 24"),
    Rs(
        "get_session_info",
        a.SessionInfo(1, 63, 1, a.ActiveSession(2, ADMIN, a.SessionProtocol.IPMI_V20, 1)),
        "013f01020411",
        f"{SIM}: this session, no LAN data",
    ),
    Rs("get_session_info", a.SessionInfo(0, 63, 1), "003f01", f"{SIM}: session index 20h"),
    Rs(
        "get_session_info",
        a.SessionInfo(
            1,
            63,
            1,
            a.ActiveSession(
                2,
                ADMIN,
                a.SessionProtocol.IPMI_V20,
                1,
                a.SessionLanInfo(IPv4Address("10.0.0.5"), "00:11:22:33:44:55", 0xC0DE),
            ),
        ),
        "013f010204110a000005001122334455dec0",
    ),
    Rs(
        "get_session_info",
        a.SessionInfo(
            4, 8, 2, a.ActiveSession(3, OPERATOR, a.SessionProtocol.IPMI_V15, 2, other_channel_data=b"\x01\x02")
        ),
        "0408020303020102",
    ),
    Rs(
        "get_channel_access",
        a.ChannelAccess(a.ChannelAccessMode.ALWAYS_AVAILABLE, False, False, False, ADMIN),
        "0204",
        f"{SIM}: channel 1",
    ),
    Rs("get_channel_access", a.ChannelAccess(a.ChannelAccessMode.SHARED, True, True, True, OPERATOR), "3b03"),
    Rs(
        "get_channel_info",
        a.ChannelInfo(
            1, a.ChannelMediumType.LAN_802_3, a.ChannelProtocolType.IPMB, a.SessionSupport.MULTI_SESSION, 1, 7154
        ),
        "01040181f21b000000",
        f"{SIM}: channel 1",
    ),
    Rs(
        "get_channel_info",
        a.ChannelInfo(
            0x0F,
            a.ChannelMediumType.SYSTEM_INTERFACE,
            a.ChannelProtocolType.KCS,
            a.SessionSupport.SESSION_LESS,
            0,
            7154,
            b"\x01\x02",
        ),
        "0f0c0500f21b000102",
    ),
    Rs(
        "get_user_access",
        a.UserAccess(63, a.UserEnableStatus.UNSPECIFIED, 3, 0, False, False, True, ADMIN),
        "3f030014",
        f"{SIM}: user 2 (admin)",
    ),
    Rs(
        "get_user_access",
        a.UserAccess(63, a.UserEnableStatus.UNSPECIFIED, 3, 0, False, False, False, PrivilegeLevel.UNSPECIFIED),
        "3f030000",
        f"{SIM}: user 5, never configured",
    ),
    Rs("get_user_access", a.UserAccess(63, a.UserEnableStatus.ENABLED, 3, 1, True, True, False, USER), "3f430162"),
    Rs("get_user_name", a.UserName(b"admin"), "61646d696e" + "00" * 11, f"{SIM}: user 2"),
    Rs("get_user_name", a.UserName(b""), "00" * 16, f"{SIM}: user 5"),
    Rs(
        "activate_payload",
        a.PayloadActivation(b"\x00\x00\x00\x00", 32, 0x4000, 623, a.NO_VLAN),
        "00000000200000406f02ffff",
        "e-sol-c1 frame 20 (ipmi_sim's outbound size 4000h, sic)",
    ),
    Rs("deactivate_payload", None, ""),
    Rs("get_payload_activation_status", a.PayloadActivationStatus(1, frozenset({1})), "010100", f"{SIM}: SOL active"),
    Rs("get_payload_activation_status", a.PayloadActivationStatus(15, frozenset({1, 3, 16})), "0f0580"),
    Rs("get_user_payload_access", a.UserPayloadAccess(frozenset({1})), "02000000"),
    Rs("get_user_payload_access", a.UserPayloadAccess(frozenset(), frozenset({0x21})), "00000200"),
    Rs("get_self_test_results", a.SelfTestResults(a.SelfTestResult.NO_ERROR), "5500", "§20.4: passed"),
    Rs("get_self_test_results", a.SelfTestResults(a.SelfTestResult.CORRUPTED_OR_INACCESSIBLE, 0x48), "5748",
       "§20.4: cannot access the SDR repository, SDR repository empty"),
    Rs(
        "get_channel_payload_support",
        a.ChannelPayloadSupport(frozenset({1, 2})),
        "0600000000000000",
        f"{SIM}: channel 1 with SOL (it counts bit 1 as IPMI, sic)",
    ),
    Rs(
        "get_channel_payload_support",
        a.ChannelPayloadSupport(frozenset({0, 1}), frozenset(range(0x10, 0x16)), frozenset({0x20})),
        "03003f0001000000",
    ),
    Rs(
        "get_channel_cipher_suites",
        a.ChannelCipherSuites(1, bytes.fromhex("c000004080c001014080c002014180c0")),
        "01c000004080c001014080c002014180c0",
        f"{SIM}: list index 0",
    ),
    Rs("get_channel_cipher_suites", a.ChannelCipherSuites(1), "01", f"{SIM}: list index 5, past the end"),
]


@pytest.mark.parametrize("row", SIMPLE_RQ, ids=lambda r: f"{r.cmd}-{r.hex or 'empty'}")
def test_request_table(row: Rq) -> None:
    check_rq(a, row)


@pytest.mark.parametrize("row", SIMPLE_RS, ids=lambda r: f"{r.cmd}-{r.hex or 'empty'}")
def test_response_table(row: Rs) -> None:
    check_rs(a, row)


def test_device_id_views() -> None:
    d = a.decode_get_device_id_rs(bytes.fromhex("20010215029fd97e000101"))  # no auxiliary firmware revision
    assert d.firmware_revision == "2.15" and d.aux_firmware_revision is None
    assert a.encode_get_device_id_rs(d).hex() == "20010215029fd97e000101"
    assert a.Guid(bytes.fromhex("69706d69666173747f000a01026f0001")).uuid == "01006f02-010a-007f-7473-6166696d7069"


# ipmi_sim 2.0.33's answers to Get Channel Cipher Suites (list by cipher suite), list indexes 0-4
SIM_CIPHER_RECORDS = bytes.fromhex(
    "c000004080c001014080c002014180c0"
    "03014181c004014182c005014183c006"
    "024080c007024280c008024281c00902"
    "4282c00a024283c00b024380c00c0243"
    "81c00d024382c00e024383"
)


def test_cipher_suite_records_of_ipmi_sim() -> None:
    records = a.decode_cipher_suite_records(SIM_CIPHER_RECORDS)
    assert [r.cipher_suite_id for r in records] == list(range(15))
    assert records[3] == a.CipherSuiteRecord(
        3, (AuthAlgorithm.RAKP_HMAC_SHA1,), (IntegrityAlgorithm.HMAC_SHA1_96,), (ConfidentialityAlgorithm.AES_CBC_128,)
    )
    assert records[11] == a.CipherSuiteRecord(
        11, (AuthAlgorithm.RAKP_HMAC_MD5,), (IntegrityAlgorithm.MD5_128,), (ConfidentialityAlgorithm.NONE,)
    )
    assert records[14].confidentiality_algorithms == (ConfidentialityAlgorithm.XRC4_40,)
    assert a.encode_cipher_suite_records(records) == SIM_CIPHER_RECORDS


def test_oem_cipher_suite_record_and_oem_algorithms() -> None:
    data = bytes.fromhex("c105a2020001417081")  # OEM suite 5 of IANA 674, OEM integrity algorithm 30h
    (record,) = a.decode_cipher_suite_records(data)
    assert record == a.CipherSuiteRecord(5, (1,), (1, 0x30), (1,), oem_iana=674)
    assert record.integrity_algorithms[1] == 0x30 and not isinstance(record.integrity_algorithms[1], IntegrityAlgorithm)
    assert a.encode_cipher_suite_records([record]) == data


def test_sol_activation_data() -> None:
    value = a.SolActivation(True, True, False, a.SerialAlertBehavior.DEFERRED, True)
    assert a.encode_sol_activation(value).hex() == "c6000000"  # e-sol-c1 frame 19, ipmitool sol activate
    assert a.decode_sol_activation(bytes.fromhex("c6000000")) == value
    assert a.encode_sol_activation(a.SolActivation()).hex() == "c0000000"


@pytest.mark.parametrize(
    "cmd,hex_",
    [
        ("get_device_id", "20010215029fd97e0001"),  # 10 bytes
        ("get_device_id", "2001021a029fd97e000101"),  # firmware minor 1Ah is not BCD
        ("get_watchdog_timer", "0000000000"),
        ("get_watchdog_timer", "070000000000"),  # timer use 7 reserved
        ("get_watchdog_timer", "000400000000"),  # timeout action 4 reserved
        ("get_channel_authentication_capabilities", "01860403000000"),
        ("set_session_privilege_level", ""),
        ("set_session_privilege_level", "06"),
        ("get_session_info", "013f"),
        ("get_session_info", "013f0102"),
        ("get_session_info", "013f01020611"),  # privilege 6 reserved
        ("get_channel_access", "02"),
        ("get_channel_access", "0504"),  # access mode 5 reserved
        ("get_channel_info", "01040181f21b0000"),
        ("get_user_access", "3f03"),
        ("get_user_access", "3fc30014"),  # enable status 11b reserved
        ("get_user_name", "61646d696e"),
        ("activate_payload", "00000000200000406f02ff"),
        ("get_payload_activation_status", "0101"),
        ("get_channel_payload_support", "0600"),
        ("get_channel_cipher_suites", ""),
        ("get_device_guid", "0001020304"),
    ],
)
def test_truncated_or_reserved_responses_raise_decode_error(cmd: str, hex_: str) -> None:
    with pytest.raises(DecodeError):
        getattr(a, f"decode_{cmd}_rs")(bytes.fromhex(hex_))


@pytest.mark.parametrize(
    "cmd,hex_",
    [
        ("get_device_id", "00"),
        ("get_channel_authentication_capabilities", "8e"),
        ("get_channel_authentication_capabilities", "8e0406"),
        ("set_watchdog_timer", "0001001064"),
        ("set_watchdog_timer", "000100106400"),  # timer use 0 reserved
        ("close_session", "8200"),
        ("close_session", "0100000005"),  # handle with a non-zero session ID
        ("get_session_info", "fe"),
        ("get_session_info", "ff010203"),
        ("get_session_info", "40"),
        ("get_channel_access", "0100"),  # access type 00b reserved
        ("set_user_access", "910003"),  # user ID 0
        ("set_user_name", "06616263"),
        ("set_user_password", "0402" + "00" * 15),
        ("set_user_password", "8402" + "00" * 16),  # 20-byte flag with 16 bytes
        ("set_user_password", "0601" + "00" * 3),
        ("activate_payload", "0101c60000"),
        ("get_channel_cipher_suites", "0e00"),
    ],
)
def test_malformed_requests_raise_decode_error(cmd: str, hex_: str) -> None:
    with pytest.raises(DecodeError):
        getattr(a, f"decode_{cmd}_rq")(bytes.fromhex(hex_))


@pytest.mark.parametrize(
    "call",
    [
        lambda: a.encode_set_user_name_rq(6, b"x" * 17),
        lambda: a.encode_set_user_name_rq(6, b"a\x00b"),
        lambda: a.encode_set_user_name_rq(0, b"zero"),
        lambda: a.encode_get_user_name_rq(True),
        lambda: a.encode_set_user_password_rq(4, a.PasswordOperation.SET_PASSWORD, b"x" * 17),
        lambda: a.encode_set_user_password_rq(4, a.PasswordOperation.SET_PASSWORD, b"pw", 18),
        lambda: a.encode_set_user_password_rq(4, a.PasswordOperation.SET_PASSWORD, b"pw\x00"),
        lambda: a.encode_close_session_rq(5, 1),
        lambda: a.encode_get_session_info_rq(0xFE),
        lambda: a.encode_get_session_info_rq(0x40),
        lambda: a.encode_get_session_info_rq(0, session_id=1),
        lambda: a.encode_get_channel_access_rq(1, a.ChannelAccessSelector.DONT_SET),
        lambda: a.encode_set_session_privilege_level_rq(PrivilegeLevel.NO_ACCESS),
        lambda: a.encode_set_session_privilege_level_rq(7),  # type: ignore[arg-type]
        lambda: a.encode_set_watchdog_timer_rq(a.TimerUse.RESERVED, a.TimeoutAction.NO_ACTION, 10),
        lambda: a.encode_set_watchdog_timer_rq(a.TimerUse.OEM, a.TimeoutAction.NO_ACTION, 70000),
        lambda: a.encode_set_watchdog_timer_rq(a.TimerUse.OEM, 5, 10),  # type: ignore[arg-type]
        lambda: a.encode_get_channel_info_rq(16),
        lambda: a.encode_activate_payload_rq(PayloadType.SOL, 1, b"\x00"),
        lambda: a.encode_get_channel_cipher_suites_rq(list_index=64),
        lambda: a.encode_get_device_id_rs(
            a.DeviceId(0x20, 1, False, True, 2, 100, "2.0", DS(0), 1, 1)  # firmware minor is 2 BCD digits
        ),
        lambda: a.encode_get_device_id_rs(a.DeviceId(0x20, 1, False, True, 2, 15, "two", DS(0), 1, 1)),
        lambda: a.encode_get_device_id_rs(a.DeviceId(0x20, 1, False, True, 2, 15, "2.0", DS(0), 1 << 20, 1)),
        lambda: a.encode_get_payload_activation_status_rs(a.PayloadActivationStatus(1, frozenset({17}))),
        lambda: a.encode_get_session_info_rs(
            a.SessionInfo(1, 1, 1, a.ActiveSession(1, USER, 1, 1, other_channel_data=bytes(12)))
        ),
        lambda: a.encode_cipher_suite_records([a.CipherSuiteRecord(1, (0x40,), (), ())]),
    ],
)
def test_encoders_refuse_out_of_range_arguments(call: object) -> None:
    with pytest.raises(LocalProtocolError):
        call()  # type: ignore[operator]


@pytest.mark.parametrize("data", ["01", "c0", "c105a202", "c001014080ff"])
def test_bad_cipher_suite_records(data: str) -> None:
    with pytest.raises(DecodeError):
        a.decode_cipher_suite_records(bytes.fromhex(data))
