"""Hypothesis strategies for every command's typed request and response, keyed by ``Command.codec_name``.

A request strategy draws the dataclass ``decode_<cmd>_rq`` returns (None for commands without request data); a
response strategy draws what ``encode_<cmd>_rs`` takes (None for completion-code-only responses). Values are the
canonical ones: those an encoder accepts and a decoder gives back unchanged.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ipmifast.cmds import AuthTypes, PrivilegeLevel, SetInProgress
from ipmifast.cmds import app as a
from ipmifast.cmds import chassis as c
from ipmifast.cmds import transport as t
from ipmifast.cmds._common import format_mac

u4 = st.integers(0, 0x0F)
u6 = st.integers(0, 0x3F)
u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
user_id = st.integers(1, 0x3F)
privilege = st.sampled_from(PrivilegeLevel)
auth_types = st.integers(0, 0x3F).map(lambda v: AuthTypes(v & 0x37))
mac = st.binary(min_size=6, max_size=6).map(format_mac)
ipv4 = st.ip_addresses(v=4)
no_nul = st.lists(st.integers(1, 0xFF), max_size=16).map(bytes)
payload_type = st.integers(0, 0x3F)


user_payloads = st.builds(a.UserPayloadAccess, st.frozensets(st.integers(1, 7)), st.frozensets(st.integers(0x20, 0x27)))


def text(max_size: int) -> st.SearchStrategy[bytes]:
    return st.lists(st.integers(1, 0xFF), max_size=max_size).map(bytes)


def types_in(base: int) -> st.SearchStrategy[frozenset[int]]:
    return st.frozensets(st.integers(base, base + 15))


# --------------------------------------------------------------------------------------------------------- app

device_id = st.builds(
    a.DeviceId,
    device_id=u8,
    device_revision=u4,
    provides_sdrs=st.booleans(),
    device_available=st.booleans(),
    firmware_major=st.integers(0, 0x7F),
    firmware_minor=st.integers(0, 99),
    ipmi_version=st.tuples(u4, u4).map(lambda v: f"{v[0]}.{v[1]}"),
    additional_device_support=u8.map(a.DeviceSupport),
    manufacturer_id=st.integers(0, 0xFFFFF),
    product_id=u16,
    aux_firmware_revision=st.none() | st.binary(min_size=4, max_size=4),
)
guid = st.builds(a.Guid, st.binary(min_size=16, max_size=16))
timer_flags = st.integers(0, 0x3E).map(lambda v: a.TimerUseFlags(v & 0x3E))
watchdog_common = dict(
    timeout_action=st.sampled_from(a.TimeoutAction),
    pre_timeout_interrupt=st.sampled_from(a.PreTimeoutInterrupt),
    pre_timeout_interval=u8,
    initial_countdown=u16,
    dont_log=st.booleans(),
)
set_watchdog_rq = st.builds(
    a.SetWatchdogTimerRequest,
    timer_use=st.sampled_from([u for u in a.TimerUse if u != a.TimerUse.RESERVED]),
    expiration_flags_clear=timer_flags,
    dont_stop=st.booleans(),
    **watchdog_common,
)
watchdog_rs = st.builds(
    a.WatchdogTimer,
    timer_use=st.sampled_from(a.TimerUse),
    running=st.booleans(),
    expiration_flags=timer_flags,
    present_countdown=st.none() | u16,
    **watchdog_common,
)
auth_caps_rq = st.builds(
    a.GetChannelAuthenticationCapabilitiesRequest, channel=u4, privilege=privilege, ipmi_v20_extended=st.booleans()
)
auth_caps_rs = st.builds(
    a.ChannelAuthenticationCapabilities,
    channel=u8,
    auth_types=auth_types,
    ipmi_v20_extended_available=st.booleans(),
    kg_nonzero=st.booleans(),
    per_message_authentication_disabled=st.booleans(),
    user_level_authentication_disabled=st.booleans(),
    non_null_usernames=st.booleans(),
    null_usernames=st.booleans(),
    anonymous_login=st.booleans(),
    supports_ipmi_v15=st.booleans(),
    supports_ipmi_v20=st.booleans(),
    oem_id=st.integers(0, 0xFFFFFF),
    oem_auxiliary_data=u8,
)
session_privilege = st.sampled_from([p for p in PrivilegeLevel if p != PrivilegeLevel.NO_ACCESS])
close_session_rq = st.builds(a.CloseSessionRequest, session_id=st.integers(1, 0xFFFFFFFF)) | st.builds(
    a.CloseSessionRequest, session_id=st.just(0), session_handle=st.none() | u8
)
session_info_rq = (
    st.builds(a.GetSessionInfoRequest, session_index=u6)
    | st.builds(a.GetSessionInfoRequest, session_index=st.just(0xFE), session_handle=u8)
    | st.builds(a.GetSessionInfoRequest, session_index=st.just(0xFF), session_id=u32)
)
active_session = st.builds(
    a.ActiveSession,
    user_id=u6,
    privilege=privilege,
    session_protocol=u4,
    channel=u4,
    lan=st.builds(a.SessionLanInfo, console_ip=ipv4, console_mac=mac, console_port=u16),
    other_channel_data=st.just(b""),
) | st.builds(
    a.ActiveSession,
    user_id=u6,
    privilege=privilege,
    session_protocol=u4,
    channel=u4,
    lan=st.none(),
    other_channel_data=st.binary(max_size=20).filter(lambda b: len(b) != 12),
)
session_info_rs = st.builds(
    a.SessionInfo, session_handle=u8, session_slot_count=u6, active_session_count=u6, session=st.none() | active_session
)
access_mode = st.sampled_from(a.ChannelAccessMode)
set_channel_access_rq = st.builds(
    a.SetChannelAccessRequest,
    channel=u4,
    access_set=st.sampled_from(a.ChannelAccessSelector),
    access_mode=access_mode,
    alerting_disabled=st.booleans(),
    per_message_authentication_disabled=st.booleans(),
    user_level_authentication_disabled=st.booleans(),
    privilege_limit_set=st.sampled_from(a.ChannelAccessSelector),
    privilege_limit=privilege,
)
get_channel_access_rq = st.builds(
    a.GetChannelAccessRequest,
    channel=u4,
    access_type=st.sampled_from([a.ChannelAccessSelector.NON_VOLATILE, a.ChannelAccessSelector.VOLATILE]),
)
channel_access = st.builds(
    a.ChannelAccess,
    access_mode=access_mode,
    alerting_disabled=st.booleans(),
    per_message_authentication_disabled=st.booleans(),
    user_level_authentication_disabled=st.booleans(),
    privilege_limit=privilege,
)
channel_info = st.builds(
    a.ChannelInfo,
    channel=u4,
    medium_type=st.integers(0, 0x7F),
    protocol_type=st.integers(0, 0x1F),
    session_support=st.sampled_from(a.SessionSupport),
    active_session_count=u6,
    vendor_id=st.integers(0, 0xFFFFFF),
    auxiliary_info=st.binary(min_size=2, max_size=2),
)
set_user_access_rq = st.builds(
    a.SetUserAccessRequest,
    channel=u4,
    user_id=user_id,
    privilege_limit=privilege,
    change_access_bits=st.booleans(),
    callback_only=st.booleans(),
    link_authentication=st.booleans(),
    ipmi_messaging=st.booleans(),
    session_limit=st.none() | u4,
)
user_access = st.builds(
    a.UserAccess,
    max_user_ids=u6,
    enable_status=st.sampled_from(a.UserEnableStatus),
    enabled_user_ids=u6,
    fixed_name_user_ids=u6,
    callback_only=st.booleans(),
    link_authentication=st.booleans(),
    ipmi_messaging=st.booleans(),
    privilege_limit=privilege,
)


@st.composite
def set_user_password_rq(draw: st.DrawFn) -> a.SetUserPasswordRequest:
    size = draw(st.sampled_from([16, 20]))
    op = draw(st.sampled_from(a.PasswordOperation))
    password = draw(st.binary(max_size=size).filter(lambda b: not b.endswith(b"\x00")))
    return a.SetUserPasswordRequest(draw(user_id), op, password, size)


payload_activation = st.builds(
    a.PayloadActivation,
    auxiliary_data=st.binary(min_size=4, max_size=4),
    inbound_payload_size=u16,
    outbound_payload_size=u16,
    payload_udp_port=u16,
    payload_vlan_number=u16,
)
payload_rq: dict[str, Any] = dict(
    payload_type=payload_type, payload_instance=u4, auxiliary_data=st.binary(min_size=4, max_size=4)
)
cipher_suites_rq = st.builds(
    a.GetChannelCipherSuitesRequest,
    channel=u4,
    payload_type=payload_type,
    list_index=u6,
    list_by_cipher_suite=st.booleans(),
)
algorithms = st.lists(u6, max_size=3).map(tuple)
cipher_suite_record = st.builds(
    a.CipherSuiteRecord,
    cipher_suite_id=u8,
    authentication_algorithms=algorithms,
    integrity_algorithms=algorithms,
    confidentiality_algorithms=algorithms,
    oem_iana=st.none() | st.integers(0, 0xFFFFFF),
)

# ----------------------------------------------------------------------------------------------------- chassis

chassis_capabilities = st.builds(
    c.ChassisCapabilities,
    intrusion_sensor=st.booleans(),
    front_panel_lockout=st.booleans(),
    diagnostic_interrupt=st.booleans(),
    power_interlock=st.booleans(),
    fru_info_device_address=u8,
    sdr_device_address=u8,
    sel_device_address=u8,
    system_management_device_address=u8,
    bridge_device_address=st.none() | u8,
)
chassis_status = st.builds(
    c.ChassisStatus,
    power_on=st.booleans(),
    power_overload=st.booleans(),
    interlock=st.booleans(),
    power_fault=st.booleans(),
    power_control_fault=st.booleans(),
    restore_policy=st.sampled_from(c.PowerRestorePolicy),
    last_power_event=st.integers(0, 0x1F).map(c.LastPowerEvent),
    intrusion=st.booleans(),
    front_panel_lockout=st.booleans(),
    drive_fault=st.booleans(),
    cooling_fault=st.booleans(),
    identify_state=st.none() | st.sampled_from(c.ChassisIdentifyState),
    front_panel=st.none() | st.builds(c.FrontPanelButtons, *[st.booleans()] * 8),
)
identify_rq = (
    st.just(c.ChassisIdentifyRequest())
    | st.builds(c.ChassisIdentifyRequest, interval=u8)
    | st.builds(c.ChassisIdentifyRequest, interval=u8, force_on=st.booleans())
)
boot_initiators = st.integers(0, 0x1F).map(c.BootInitiators)
boot_flags = st.builds(
    c.BootFlags,
    boot_device=u4,
    boot_flags_valid=st.booleans(),
    persistent=st.booleans(),
    efi=st.booleans(),
    cmos_clear=st.booleans(),
    lock_keyboard=st.booleans(),
    screen_blank=st.booleans(),
    lock_out_reset_button=st.booleans(),
    lock_out_power_button=st.booleans(),
    firmware_verbosity=st.sampled_from(c.FirmwareVerbosity),
    force_progress_event_traps=st.booleans(),
    user_password_bypass=st.booleans(),
    lock_out_sleep_button=st.booleans(),
    console_redirection=st.sampled_from(c.ConsoleRedirection),
    bios_shared_mode_override=st.booleans(),
    bios_mux_control_override=st.integers(0, 7),
    device_instance=st.integers(0, 0x1F),
)
BOOT_VALUES: dict[int, st.SearchStrategy[Any]] = {
    0: st.sampled_from(SetInProgress),
    1: u8,
    2: st.builds(c.ServicePartitionScan, scan_requested=st.booleans(), discovered=st.booleans()),
    3: st.integers(0, 0x1F).map(c.BootFlagValidBitClearing),
    4: st.builds(c.BootInfoAcknowledge, write_mask=boot_initiators, acknowledged=boot_initiators),
    5: boot_flags,
    6: st.builds(c.BootInitiatorInfo, channel=u4, session_id=u32, boot_info_timestamp=u32),
    7: st.builds(c.BootInitiatorMailbox, set_selector=u8, block_data=st.binary(max_size=16)),
}


@st.composite
def boot_option(draw: st.DrawFn) -> tuple[int, Any]:
    parameter = draw(st.integers(0, 0x7F))
    value = draw(BOOT_VALUES.get(parameter, st.binary(max_size=20)))
    return parameter, value


# --------------------------------------------------------------------------------------------------- transport

LAN_VALUES: dict[int, st.SearchStrategy[Any]] = {
    0: st.sampled_from(SetInProgress),
    1: auth_types,
    2: st.builds(t.AuthTypeEnables, *[auth_types] * 5),
    3: ipv4,
    4: st.sampled_from(t.IpAddressSource),
    5: mac,
    6: ipv4,
    7: st.builds(t.Ipv4HeaderParameters, u8, st.integers(0, 7), st.integers(0, 7), u4),
    8: u16,
    9: u16,
    10: st.builds(t.BmcArpControl, st.booleans(), st.booleans()),
    11: u8,
    12: ipv4,
    13: mac,
    14: ipv4,
    15: mac,
    16: text(18),
    17: u4,
    20: st.builds(t.VlanId, st.integers(0, 0xFFF), st.booleans()),
    21: st.integers(0, 7),
    22: st.integers(0, 0x1F),
    23: st.lists(u8, max_size=16).map(tuple),
    24: st.lists(privilege, min_size=16, max_size=16).map(tuple),
}
SOL_VALUES: dict[int, st.SearchStrategy[Any]] = {
    0: st.sampled_from(SetInProgress),
    1: st.booleans(),
    2: st.builds(t.SolAuthentication, st.booleans(), st.booleans(), privilege),
    3: st.builds(t.SolCharacterParameters, u8, u8),
    4: st.builds(t.SolRetry, st.integers(0, 7), u8),
    5: st.sampled_from(t.SolBitRate),
    6: st.sampled_from(t.SolBitRate),
    7: u4,
    8: u16,
}


@st.composite
def parameter_value(draw: st.DrawFn, values: dict[int, st.SearchStrategy[Any]], raw_min: int = 0) -> tuple[int, Any]:
    """A (parameter, typed value) pair; parameters without a typed codec carry bytes (at least ``raw_min``)."""
    parameter = draw(u8)
    value = draw(values.get(parameter, st.binary(min_size=raw_min, max_size=24)))
    return parameter, value


def set_parameters_rq(cls: type, values: dict[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    return st.builds(lambda ch, pv: cls(ch, pv[0], pv[1]), u4, parameter_value(values))


def get_parameters_rq(cls: type) -> st.SearchStrategy[Any]:
    return st.builds(cls, channel=u4, parameter=u8, set_selector=u8, block_selector=u8, revision_only=st.booleans())


def get_parameters_rs(cls: type, values: dict[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    # a response with data needs at least one data byte to be told apart from a revision-only answer
    with_value = st.builds(lambda pv, rev: cls(pv[0], pv[1], rev), parameter_value(values, raw_min=1), u8)
    revision_only = st.builds(lambda p, rev: cls(p, None, rev), u8, u8)
    return with_value | revision_only


# ------------------------------------------------------------------------------------------------------ tables

NONE = st.none()

REQUESTS: dict[str, st.SearchStrategy[Any]] = {
    "get_device_id": NONE,
    "cold_reset": NONE,
    "warm_reset": NONE,
    "get_self_test_results": NONE,
    "get_device_guid": NONE,
    "reset_watchdog_timer": NONE,
    "set_watchdog_timer": set_watchdog_rq,
    "get_watchdog_timer": NONE,
    "get_system_guid": NONE,
    "get_channel_authentication_capabilities": auth_caps_rq,
    "set_session_privilege_level": st.builds(a.SetSessionPrivilegeLevelRequest, session_privilege),
    "close_session": close_session_rq,
    "get_session_info": session_info_rq,
    "set_channel_access": set_channel_access_rq,
    "get_channel_access": get_channel_access_rq,
    "get_channel_info": st.builds(a.GetChannelInfoRequest, u4),
    "set_user_access": set_user_access_rq,
    "get_user_access": st.builds(a.GetUserAccessRequest, u4, user_id),
    "set_user_name": st.builds(a.SetUserNameRequest, user_id, text(16)),
    "get_user_name": st.builds(a.GetUserNameRequest, user_id),
    "set_user_password": set_user_password_rq(),
    "activate_payload": st.builds(a.ActivatePayloadRequest, **payload_rq),
    "deactivate_payload": st.builds(a.DeactivatePayloadRequest, **payload_rq),
    "get_payload_activation_status": st.builds(a.GetPayloadActivationStatusRequest, payload_type),
    "set_user_payload_access": st.builds(
        a.SetUserPayloadAccessRequest, u4, user_id, st.sampled_from(a.UserPayloadOperation), user_payloads),
    "get_user_payload_access": st.builds(a.GetUserPayloadAccessRequest, u4, user_id),
    "get_channel_payload_support": st.builds(a.GetChannelPayloadSupportRequest, u4),
    "get_channel_cipher_suites": cipher_suites_rq,
    "get_chassis_capabilities": NONE,
    "get_chassis_status": NONE,
    "chassis_control": st.builds(c.ChassisControlRequest, st.sampled_from(c.ChassisControl)),
    "chassis_identify": identify_rq,
    "set_power_restore_policy": st.builds(c.SetPowerRestorePolicyRequest, st.sampled_from(c.PowerRestorePolicy)),
    "get_system_restart_cause": NONE,
    "set_system_boot_options": st.builds(
        lambda pv, locked: c.SetSystemBootOptionsRequest(pv[0], pv[1], locked), boot_option(), st.booleans()
    ),
    "get_system_boot_options": st.builds(c.GetSystemBootOptionsRequest, st.integers(0, 0x7F), u8, u8),
    "get_poh_counter": NONE,
    "set_lan_configuration_parameters": set_parameters_rq(t.SetLanConfigurationParametersRequest, LAN_VALUES),
    "get_lan_configuration_parameters": get_parameters_rq(t.GetLanConfigurationParametersRequest),
    "set_sol_configuration_parameters": set_parameters_rq(t.SetSolConfigurationParametersRequest, SOL_VALUES),
    "get_sol_configuration_parameters": get_parameters_rq(t.GetSolConfigurationParametersRequest),
}

RESPONSES: dict[str, st.SearchStrategy[Any]] = {
    "get_device_id": device_id,
    "cold_reset": NONE,
    "warm_reset": NONE,
    "get_self_test_results": st.builds(a.SelfTestResults, st.one_of(st.sampled_from(a.SelfTestResult), u8), u8),
    "get_device_guid": guid,
    "reset_watchdog_timer": NONE,
    "set_watchdog_timer": NONE,
    "get_watchdog_timer": watchdog_rs,
    "get_system_guid": guid,
    "get_channel_authentication_capabilities": auth_caps_rs,
    "set_session_privilege_level": st.builds(a.SessionPrivilegeLevel, privilege),
    "close_session": NONE,
    "get_session_info": session_info_rs,
    "set_channel_access": NONE,
    "get_channel_access": channel_access,
    "get_channel_info": channel_info,
    "set_user_access": NONE,
    "get_user_access": user_access,
    "set_user_name": NONE,
    "get_user_name": st.builds(a.UserName, text(16)),
    "set_user_password": NONE,
    "activate_payload": payload_activation,
    "deactivate_payload": NONE,
    "get_payload_activation_status": st.builds(a.PayloadActivationStatus, u4, st.frozensets(st.integers(1, 16))),
    "set_user_payload_access": NONE,
    "get_user_payload_access": user_payloads,
    "get_channel_payload_support": st.builds(a.ChannelPayloadSupport, types_in(0x00), types_in(0x10), types_in(0x20)),
    "get_channel_cipher_suites": st.builds(a.ChannelCipherSuites, u8, st.binary(max_size=16)),
    "get_chassis_capabilities": chassis_capabilities,
    "get_chassis_status": chassis_status,
    "chassis_control": NONE,
    "chassis_identify": NONE,
    "set_power_restore_policy": st.builds(c.PowerRestorePolicySupport, *[st.booleans()] * 3),
    "get_system_restart_cause": st.builds(c.SystemRestartCause, u4, u8),
    "set_system_boot_options": NONE,
    "get_system_boot_options": st.builds(
        lambda pv, locked, version: c.SystemBootOption(pv[0], pv[1], locked, version),
        boot_option(),
        st.booleans(),
        u4,
    ),
    "get_poh_counter": st.builds(c.PohCounter, u8, u32),
    "set_lan_configuration_parameters": NONE,
    "get_lan_configuration_parameters": get_parameters_rs(t.LanConfigurationParameter, LAN_VALUES),
    "set_sol_configuration_parameters": NONE,
    "get_sol_configuration_parameters": get_parameters_rs(t.SolConfigurationParameter, SOL_VALUES),
}
