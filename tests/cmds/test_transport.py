"""Transport command codecs (IPMI v2.0 §23 LAN and §26 SOL configuration parameters): tables both ways, errors.

"ipmi_sim" rows are ipmi_sim 2.0.33's answers on a BMC at 127.77.0.1 (so its LAN values derive from that address,
as tests/data/testbed/lan-control.sh makes them); the raw requests quoted from VERIFIED.md are what ipmitool sent
(``ipmitool raw ...``) in the test bed's transcript.
"""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from ipmifast.cmds import AuthTypes, PrivilegeLevel, SetInProgress
from ipmifast.cmds import transport as t
from ipmifast.errors import DecodeError, LocalProtocolError

from .table import Rq, Rs, check_rq, check_rs

SIM = "ipmi_sim 2.0.33, probed over RMCP+ suite 3"
MD2_MD5 = AuthTypes.MD2 | AuthTypes.MD5
ADMIN = PrivilegeLevel.ADMINISTRATOR
LP = t.LanParameter
SP = t.SolParameter


def lan(parameter: int, value: object, hex_: str, source: str = SIM) -> Rs:
    return Rs(
        "get_lan_configuration_parameters", t.LanConfigurationParameter(parameter, value), hex_, source, parameter
    )


def sol(parameter: int, value: object, hex_: str, source: str = SIM) -> Rs:
    return Rs(
        "get_sol_configuration_parameters", t.SolConfigurationParameter(parameter, value), hex_, source, parameter
    )


SIMPLE_RS = [
    lan(LP.SET_IN_PROGRESS, SetInProgress.SET_COMPLETE, "1100"),
    lan(LP.AUTHENTICATION_TYPE_SUPPORT, AuthTypes.NONE | MD2_MD5 | AuthTypes.PASSWORD, "1117"),
    lan(LP.AUTHENTICATION_TYPE_ENABLES, t.AuthTypeEnables(MD2_MD5, MD2_MD5, MD2_MD5, MD2_MD5), "110606060600"),
    lan(LP.IP_ADDRESS, IPv4Address("127.77.0.1"), "117f4d0001"),
    lan(LP.IP_ADDRESS_SOURCE, t.IpAddressSource.STATIC, "1101"),
    lan(LP.MAC_ADDRESS, "02:00:7f:4d:00:01", "1102007f4d0001"),
    lan(LP.SUBNET_MASK, IPv4Address("255.255.255.0"), "11ffffff00"),
    lan(LP.IPV4_HEADER_PARAMETERS, t.Ipv4HeaderParameters(0, 0, 0, 0), "11000000", f"{SIM}: never set"),
    lan(LP.IPV4_HEADER_PARAMETERS, t.Ipv4HeaderParameters(), "11404010", "the spec's defaults"),
    lan(LP.PRIMARY_RMCP_PORT, 623, "116f02"),
    lan(LP.SECONDARY_RMCP_PORT, 664, "119802"),
    lan(LP.BMC_GENERATED_ARP_CONTROL, t.BmcArpControl(arp_responses=True), "1102"),
    lan(LP.GRATUITOUS_ARP_INTERVAL, 4, "1104"),
    lan(LP.DEFAULT_GATEWAY_ADDRESS, IPv4Address("127.77.0.254"), "117f4d00fe"),
    lan(LP.DEFAULT_GATEWAY_MAC_ADDRESS, "02:00:00:00:00:fe", "110200000000fe"),
    lan(LP.BACKUP_GATEWAY_ADDRESS, IPv4Address("0.0.0.0"), "1100000000"),
    lan(LP.BACKUP_GATEWAY_MAC_ADDRESS, "00:00:00:00:00:00", "11000000000000"),
    lan(LP.COMMUNITY_STRING, b"public", "11" + b"public".hex() + "00" * 12),
    lan(LP.NUMBER_OF_DESTINATIONS, 0, "1100"),
    lan(LP.VLAN_ID, t.VlanId(0, False), "110000"),
    lan(LP.VLAN_ID, t.VlanId(0x105, True), "110581", f"{SIM}: after Set 0581h"),
    lan(LP.VLAN_PRIORITY, 3, "1103"),
    lan(LP.CIPHER_SUITE_ENTRY_SUPPORT, 15, "110f"),
    lan(LP.CIPHER_SUITE_ENTRIES, tuple(range(1, 17)), "11000102030405060708090a0b0c0d0e0f10"),
    lan(LP.CIPHER_SUITE_PRIVILEGE_LEVELS, (ADMIN,) * 16, "1100" + "44" * 8),
    lan(
        LP.CIPHER_SUITE_PRIVILEGE_LEVELS,
        (PrivilegeLevel.USER, PrivilegeLevel.OPERATOR) + (ADMIN,) * 13 + (PrivilegeLevel.UNSPECIFIED,),
        "1100" + "32" + "44" * 6 + "04",
    ),
    lan(26, b"\x01\x02", "110102", "bad password threshold: no typed codec here, raw bytes"),
    Rs("get_lan_configuration_parameters", t.LanConfigurationParameter(3, None), "11", parameter=3),
    sol(SP.SET_IN_PROGRESS, SetInProgress.SET_COMPLETE, "1100"),
    sol(SP.SOL_ENABLE, True, "1101"),
    sol(SP.SOL_ENABLE, False, "1100"),
    sol(SP.SOL_AUTHENTICATION, t.SolAuthentication(True, True, PrivilegeLevel.USER), "11c2"),
    sol(SP.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD, t.SolCharacterParameters(12, 96), "110c60"),
    sol(SP.SOL_RETRY, t.SolRetry(7, 50), "110732"),
    sol(SP.SOL_NON_VOLATILE_BIT_RATE, t.SolBitRate.SERIAL_SETTING, "1100", f"{SIM}: IPMI-Over-Serial-Setting"),
    sol(SP.SOL_VOLATILE_BIT_RATE, t.SolBitRate.BAUD_115200, "110a"),
    sol(SP.SOL_PAYLOAD_CHANNEL, 1, "1101"),
    sol(SP.SOL_PAYLOAD_PORT_NUMBER, 623, "116f02"),
    sol(0xC0, b"\x99", "1199", "OEM parameter"),
]

SIMPLE_RQ = [
    Rq("get_lan_configuration_parameters", t.GetLanConfigurationParametersRequest(1, 3), "01030000"),
    Rq(
        "get_lan_configuration_parameters", t.GetLanConfigurationParametersRequest(1, 3, revision_only=True), "81030000"
    ),
    Rq(
        "get_lan_configuration_parameters",
        t.GetLanConfigurationParametersRequest(1, LP.COMMUNITY_STRING),
        "01100000",
        "VERIFIED.md: ipmitool raw 0x0c 0x02 0x01 0x10 0x00 0x00",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.SUBNET_MASK, IPv4Address("255.255.0.0")),
        "0106ffff0000",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.BMC_GENERATED_ARP_CONTROL, t.BmcArpControl(True, True)),
        "010a03",
        "VERIFIED.md: ipmitool raw 0x0c 0x01 0x01 0x0a 0x03 (answered 80h)",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.GRATUITOUS_ARP_INTERVAL, 10),
        "010b0a",
        "VERIFIED.md: ipmitool raw 0x0c 0x01 0x01 0x0b 0x0a (answered 80h)",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(
            1, LP.AUTHENTICATION_TYPE_ENABLES, t.AuthTypeEnables(*[AuthTypes.MD5 | AuthTypes.PASSWORD] * 4)
        ),
        "01021414141400",
        "VERIFIED.md: ipmitool raw 0x0c 0x01 0x01 0x02 0x14 0x14 0x14 0x14 0x00 (answered 82h)",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS),
        "010001",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.MAC_ADDRESS, "02:00:00:00:00:77"),
        "0105020000000077",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.IP_ADDRESS_SOURCE, t.IpAddressSource.DHCP),
        "010402",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(
            1, LP.CIPHER_SUITE_PRIVILEGE_LEVELS, (ADMIN,) * 15 + (PrivilegeLevel.UNSPECIFIED,)
        ),
        "011800" + "44" * 7 + "04",
        "ipmitool lan set 1 cipher_privs aaaaaaaaaaaaaaa",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.COMMUNITY_STRING, b"private"),
        "0110" + b"private".hex() + "00" * 11,
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(1, LP.VLAN_ID, t.VlanId(5, True)),
        "01140580",
    ),
    Rq(
        "set_lan_configuration_parameters",
        t.SetLanConfigurationParametersRequest(2, 0xC0, b"oem"),
        "02c0" + b"oem".hex(),
    ),
    Rq("get_sol_configuration_parameters", t.GetSolConfigurationParametersRequest(1, SP.SOL_ENABLE), "01010000"),
    Rq(
        "set_sol_configuration_parameters",
        t.SetSolConfigurationParametersRequest(1, SP.SET_IN_PROGRESS, SetInProgress.COMMIT_WRITE),
        "010002",
        "VERIFIED.md: ipmitool raw 0x0c 0x21 0x01 0x00 0x02",
    ),
    Rq("set_sol_configuration_parameters", t.SetSolConfigurationParametersRequest(1, SP.SOL_ENABLE, True), "010101"),
    Rq(
        "set_sol_configuration_parameters",
        t.SetSolConfigurationParametersRequest(1, SP.SOL_AUTHENTICATION, t.SolAuthentication(True, False, ADMIN)),
        "010284",
    ),
    Rq(
        "set_sol_configuration_parameters",
        t.SetSolConfigurationParametersRequest(1, SP.SOL_VOLATILE_BIT_RATE, t.SolBitRate.BAUD_57600),
        "010609",
    ),
    Rq(
        "set_sol_configuration_parameters",
        t.SetSolConfigurationParametersRequest(1, SP.SOL_RETRY, t.SolRetry(3, 100)),
        "01040364",
    ),
]


@pytest.mark.parametrize("row", SIMPLE_RQ, ids=lambda r: f"{r.cmd}-{r.hex}")
def test_request_table(row: Rq) -> None:
    check_rq(t, row)


@pytest.mark.parametrize("row", SIMPLE_RS, ids=lambda r: f"{r.cmd}-{r.parameter}-{r.hex}")
def test_response_table(row: Rs) -> None:
    check_rs(t, row)


def test_reserved_bits_real_bmcs_set_are_ignored() -> None:
    # ipmi_sim answers parameter 1 with 1Fh: bit 3 is reserved; ipmitool prints "NONE MD2 MD5 PASSWORD"
    got = t.decode_get_lan_configuration_parameters_rs(bytes.fromhex("111f"), LP.AUTHENTICATION_TYPE_SUPPORT)
    assert got.value == AuthTypes.NONE | AuthTypes.MD2 | AuthTypes.MD5 | AuthTypes.PASSWORD


@pytest.mark.parametrize(
    "parameter,hex_",
    [
        (LP.IP_ADDRESS, "117f4d00"),
        (LP.MAC_ADDRESS, "1102007f4d00"),
        (LP.IP_ADDRESS_SOURCE, "1109"),
        (LP.SET_IN_PROGRESS, "1103"),
        (LP.AUTHENTICATION_TYPE_ENABLES, "1106060606"),
        (LP.VLAN_ID, "1105"),
        (LP.CIPHER_SUITE_PRIVILEGE_LEVELS, "1100" + "44" * 7),
        (LP.CIPHER_SUITE_PRIVILEGE_LEVELS, "1100" + "44" * 7 + "64"),  # privilege 6 reserved
        (LP.IPV4_HEADER_PARAMETERS, "114040"),
        (LP.PRIMARY_RMCP_PORT, "116f"),
        (LP.SUBNET_MASK, ""),
    ],
)
def test_bad_lan_responses_raise_decode_error(parameter: int, hex_: str) -> None:
    with pytest.raises(DecodeError):
        t.decode_get_lan_configuration_parameters_rs(bytes.fromhex(hex_), parameter)


@pytest.mark.parametrize(
    "parameter,hex_",
    [(SP.SOL_RETRY, "1107"), (SP.SOL_VOLATILE_BIT_RATE, "1105"), (SP.SOL_AUTHENTICATION, "11c6"), (SP.SOL_ENABLE, "")],
)
def test_bad_sol_responses_raise_decode_error(parameter: int, hex_: str) -> None:
    with pytest.raises(DecodeError):
        t.decode_get_sol_configuration_parameters_rs(bytes.fromhex(hex_), parameter)


@pytest.mark.parametrize(
    "cmd,hex_",
    [
        ("get_lan_configuration_parameters", "010300"),
        ("set_lan_configuration_parameters", "01"),
        ("set_lan_configuration_parameters", "0106ffff00"),
        ("set_lan_configuration_parameters", "0106ffff000000"),
        ("set_lan_configuration_parameters", "0110" + "00" * 17),
        ("set_lan_configuration_parameters", "0117" + "00" * 18),
        ("get_sol_configuration_parameters", "0101000000"),
        ("set_sol_configuration_parameters", "0101"),
        ("set_sol_configuration_parameters", "01010100"),
        ("set_sol_configuration_parameters", "010503"),  # bit rate 3 reserved
    ],
)
def test_malformed_requests_raise_decode_error(cmd: str, hex_: str) -> None:
    with pytest.raises(DecodeError):
        getattr(t, f"decode_{cmd}_rq")(bytes.fromhex(hex_))


@pytest.mark.parametrize(
    "parameter,value",
    [
        (LP.IP_ADDRESS, "127.0.0.1"),
        (LP.MAC_ADDRESS, "02:00:7f"),
        (LP.MAC_ADDRESS, "zz:00:00:00:00:00"),
        (LP.SET_IN_PROGRESS, True),
        (LP.SET_IN_PROGRESS, 3),
        (LP.IP_ADDRESS_SOURCE, 9),
        (LP.VLAN_ID, t.VlanId(4096, True)),
        (LP.VLAN_PRIORITY, 8),
        (LP.COMMUNITY_STRING, b"x" * 19),
        (LP.CIPHER_SUITE_ENTRIES, tuple(range(17))),
        (LP.CIPHER_SUITE_PRIVILEGE_LEVELS, (ADMIN,) * 15),
        (LP.IPV4_HEADER_PARAMETERS, t.Ipv4HeaderParameters(flags=8)),
        (LP.AUTHENTICATION_TYPE_SUPPORT, 0x08),
        (LP.PRIMARY_RMCP_PORT, 65536),
        (0xC0, 5),
    ],
)
def test_lan_encoder_refuses_bad_values(parameter: int, value: object) -> None:
    with pytest.raises(LocalProtocolError):
        t.encode_set_lan_configuration_parameters_rq(1, parameter, value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "parameter,value",
    [
        (SP.SOL_ENABLE, 1),
        (SP.SOL_VOLATILE_BIT_RATE, True),
        (SP.SOL_VOLATILE_BIT_RATE, 3),
        (SP.SOL_RETRY, t.SolRetry(8, 0)),
        (SP.SOL_AUTHENTICATION, t.SolAuthentication(privilege=9)),  # type: ignore[arg-type]
        (SP.SOL_PAYLOAD_CHANNEL, 16),
        (SP.SET_IN_PROGRESS, b"\x00"),
    ],
)
def test_sol_encoder_refuses_bad_values(parameter: int, value: object) -> None:
    with pytest.raises(LocalProtocolError):
        t.encode_set_sol_configuration_parameters_rq(1, parameter, value)  # type: ignore[arg-type]


def test_get_parameters_encoders_check_ranges() -> None:
    with pytest.raises(LocalProtocolError):
        t.encode_get_lan_configuration_parameters_rq(16, 3)
    with pytest.raises(LocalProtocolError):
        t.encode_get_sol_configuration_parameters_rq(1, 256)
