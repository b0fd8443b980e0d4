"""Real messages from the test bed's captures (tests/data/pcaps, ipmitool 1.8.19 against ipmi_sim 2.0.33),
decoded with the command codecs and re-encoded to the same bytes.

The clear-text captures: c-lanplus-c1-chassis-power (RMCP+ suite 1, no integrity, no encryption),
c-lanplus-c2-chassis-power and f2-lanplus-c2-sdr-fru (suite 2, clear text with an integrity trailer),
d-lan15-md5-chassis-power (IPMI v1.5, MD5), k-lan15-weak-anonymous-none (IPMI v1.5 without authentication, weak
profile) and e-sol-c1 (SOL over suite 1). Frame numbers are tshark's.
"""

from __future__ import annotations

import pytest

from ipmifast.cmds import AuthTypes, PrivilegeLevel, app, chassis, command_for
from ipmifast.cmds.app import DeviceSupport as DS
from ipmifast.proto.consts import NetFn, PayloadType

from .captures import message, messages
from .table import decode_rq, decode_rs, encode_rq, encode_rs

CLEAR_TEXT = (
    "c-lanplus-c1-chassis-power",
    "c-lanplus-c2-chassis-power",
    "f2-lanplus-c2-sdr-fru",
    "d-lan15-md5-chassis-power",
    "k-lan15-weak-anonymous-none",
    "e-sol-c1",
)
MODULES = {NetFn.APP: app, NetFn.CHASSIS: chassis}

# the test bed's MC (tests/data/testbed/bmc.emu), as every capture's Get Device ID answer carries it
TESTBED_DEVICE_ID = app.DeviceId(
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
)


@pytest.mark.parametrize("capture", CLEAR_TEXT)
def test_every_known_message_decodes_and_re_encodes(capture: str) -> None:
    """Each clear-text request and successful response of a registered command round-trips byte for byte."""
    seen = 0
    for m in messages(capture):
        command = command_for(m.netfn, m.cmd)
        if command is None or command.netfn not in MODULES or (m.is_response and m.cc):
            continue
        module, name = MODULES[command.netfn], command.codec_name
        if m.is_response:
            value = decode_rs(module, name, m.data)
            assert encode_rs(module, name, value) == m.data, (capture, m.frame)
        else:
            value = decode_rq(module, name, m.data)
            assert encode_rq(module, name, value) == m.data, (capture, m.frame)
        seen += 1
    assert seen >= 6


@pytest.mark.parametrize(
    "capture,frames",
    [
        ("c-lanplus-c1-chassis-power", (14,)),
        ("c-lanplus-c2-chassis-power", (14,)),
        ("f2-lanplus-c2-sdr-fru", (14, 20, 118, 142)),
        ("d-lan15-md5-chassis-power", (14,)),
        ("e-sol-c1", (14,)),
    ],
)
def test_get_device_id(capture: str, frames: tuple[int, ...]) -> None:
    for frame in frames:
        m = message(capture, frame)
        assert (m.netfn, m.cmd, m.cc) == (NetFn.APP | 1, 0x01, 0)
        assert app.decode_get_device_id_rs(m.data) == TESTBED_DEVICE_ID
    assert TESTBED_DEVICE_ID.firmware_revision == "2.15"


@pytest.mark.parametrize("capture", ["c-lanplus-c1-chassis-power", "c-lanplus-c2-chassis-power"])
def test_get_chassis_status(capture: str) -> None:
    # ipmitool's "exec chassis-power.cmds": chassis status then power status, both Get Chassis Status (3 bytes:
    # ipmi_sim omits the optional front panel byte); a new test-bed BMC is powered on
    for frame in (20, 22):
        status = chassis.decode_get_chassis_status_rs(message(capture, frame).data)
        assert status == chassis.ChassisStatus(power_on=True)
        assert status.front_panel is None and status.identify_state is None
        assert status.restore_policy == chassis.PowerRestorePolicy.ALWAYS_OFF  # ipmitool: "always-off"


def test_channel_authentication_capabilities_forms() -> None:
    rq = app.decode_get_channel_authentication_capabilities_rq(message("c-lanplus-c1-chassis-power", 1).data)
    assert rq == app.GetChannelAuthenticationCapabilitiesRequest(0x0E, PrivilegeLevel.ADMINISTRATOR, True)
    v20 = app.decode_get_channel_authentication_capabilities_rs(message("c-lanplus-c1-chassis-power", 2).data)
    assert v20.ipmi_v20_extended_available and v20.supports_ipmi_v15 and v20.supports_ipmi_v20
    assert v20.auth_types == AuthTypes.MD2 | AuthTypes.MD5  # lan.conf: allowed_auths_admin md2 md5
    v15 = app.decode_get_channel_authentication_capabilities_rs(message("d-lan15-md5-chassis-power", 4).data)
    assert not v15.ipmi_v20_extended_available and not v15.supports_ipmi_v20
    weak = app.decode_get_channel_authentication_capabilities_rs(message("k-lan15-weak-anonymous-none", 4).data)
    assert weak.auth_types == AuthTypes.NONE | AuthTypes.MD2 | AuthTypes.MD5 | AuthTypes.PASSWORD
    assert weak.anonymous_login and weak.non_null_usernames and not weak.null_usernames


def test_session_commands() -> None:
    c1 = "c-lanplus-c1-chassis-power"
    assert app.decode_set_session_privilege_level_rq(message(c1, 9).data).privilege == PrivilegeLevel.ADMINISTRATOR
    assert app.decode_set_session_privilege_level_rs(message(c1, 10).data).privilege == PrivilegeLevel.ADMINISTRATOR
    # Close Session carries the BMC's session ID (0x82 in c1, 0x382 in f2)
    assert app.decode_close_session_rq(message(c1, 23).data) == app.CloseSessionRequest(0x82)
    assert app.decode_close_session_rq(message("f2-lanplus-c2-sdr-fru", 177).data) == app.CloseSessionRequest(0x382)


def test_sol_payload_activation() -> None:
    rq = app.decode_activate_payload_rq(message("e-sol-c1", 19).data)
    assert rq.payload_type == PayloadType.SOL and rq.payload_instance == 1
    assert app.decode_sol_activation(rq.auxiliary_data) == app.SolActivation(
        encrypt=True, authenticate=True, serial_alert_behavior=app.SerialAlertBehavior.DEFERRED, deassert_handshake=True
    )
    rs = app.decode_activate_payload_rs(message("e-sol-c1", 20).data)
    # the BMC's port (623) and no VLAN; ipmi_sim's outbound size 4000h is why FreeIPMI needs -W solpayloadsize
    assert (rs.payload_udp_port, rs.payload_vlan_number) == (623, app.NO_VLAN)
    assert (rs.inbound_payload_size, rs.outbound_payload_size) == (32, 0x4000)
    assert app.decode_deactivate_payload_rq(message("e-sol-c1", 35).data) == app.DeactivatePayloadRequest(
        PayloadType.SOL, 1
    )
