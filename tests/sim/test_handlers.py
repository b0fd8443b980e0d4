"""The virtual BMC's command handlers, driven in memory by the real client core (no sockets, a fake clock): every
answer decoded with the client-side codec and checked against the simulated state."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from ipmifast.cmds import app, chassis, transport
from ipmifast.cmds._common import AuthTypes, PrivilegeLevel, SetInProgress
from ipmifast.cmds.app import AppCommand
from ipmifast.cmds.chassis import ChassisCommand, ChassisControl
from ipmifast.cmds.transport import LanParameter, SolParameter, TransportCommand
from ipmifast.errors import PrivilegeUnavailable
from ipmifast.proto import frame
from ipmifast.proto.consts import AuthType, NetFn, PayloadType
from ipmifast.sim import handlers
from ipmifast.sim.handlers import HANDLERS

from .memory import MemoryBmc, MemoryClient

APP, CHASSIS, TRANSPORT = NetFn.APP, NetFn.CHASSIS, NetFn.TRANSPORT


@pytest.fixture
def mem() -> MemoryBmc:
    return MemoryBmc()


@pytest.fixture
def admin(mem: MemoryBmc) -> MemoryClient:
    client = mem.session()
    assert client.established
    return client


def lan_get(c: MemoryClient, p: int) -> transport.LanValue | None:
    data = c.ok(TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS,
                transport.encode_get_lan_configuration_parameters_rq(1, p))
    return transport.decode_get_lan_configuration_parameters_rs(data, p).value


def lan_set(c: MemoryClient, p: int, value: transport.LanValue, channel: int = 1) -> int:
    return c.call(TRANSPORT, TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS,
                  transport.encode_set_lan_configuration_parameters_rq(channel, p, value))[0]


def sol_get(c: MemoryClient, p: int) -> transport.SolValue | None:
    data = c.ok(TRANSPORT, TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS,
                transport.encode_get_sol_configuration_parameters_rq(1, p))
    return transport.decode_get_sol_configuration_parameters_rs(data, p).value


def sol_set(c: MemoryClient, p: int, value: transport.SolValue) -> int:
    return c.call(TRANSPORT, TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS,
                  transport.encode_set_sol_configuration_parameters_rq(1, p, value))[0]


def control(c: MemoryClient, what: ChassisControl) -> int:
    return c.call(CHASSIS, ChassisCommand.CHASSIS_CONTROL, chassis.encode_chassis_control_rq(what))[0]


def status(c: MemoryClient) -> chassis.ChassisStatus:
    return chassis.decode_get_chassis_status_rs(c.ok(CHASSIS, ChassisCommand.GET_CHASSIS_STATUS))


# ---------------------------------------------------------------------------------------------------- dispatch


def test_every_app_chassis_transport_command_of_the_registry_has_a_handler() -> None:
    from ipmifast.cmds import COMMANDS

    core = {AppCommand.SET_SESSION_PRIVILEGE_LEVEL, AppCommand.CLOSE_SESSION}  # answered by the session core
    missing = [c.name for c in COMMANDS if c.cmd not in core and (int(c.netfn), c.cmd) not in HANDLERS]
    assert missing == []


def test_device_id_and_guids_come_from_the_state(mem: MemoryBmc, admin: MemoryClient) -> None:
    s = mem.state
    device = app.decode_get_device_id_rs(admin.ok(APP, AppCommand.GET_DEVICE_ID))
    assert (device.manufacturer_id, device.product_id, device.firmware_major, device.firmware_minor) == (
        s.manufacturer_id, s.product_id, *s.firmware)
    assert device.aux_firmware_revision == s.aux_firmware and device.ipmi_version == "2.0"
    assert admin.ok(APP, AppCommand.GET_DEVICE_GUID) == s.guid
    assert admin.ok(APP, AppCommand.GET_SYSTEM_GUID) == s.system_guid
    assert s.guid != s.system_guid


def test_unknown_command_malformed_data_and_handler_bugs_get_completion_codes(
    mem: MemoryBmc, admin: MemoryClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert admin.call(0x2E, 0x77)[0] == 0xC1
    assert admin.call(APP, AppCommand.GET_DEVICE_ID, b"\x00")[0] == 0xC7  # Get Device ID takes no data
    assert admin.call(CHASSIS, ChassisCommand.CHASSIS_CONTROL, b"\x0f")[0] == 0xCC  # reserved control value

    def broken(ctx: handlers.Context, data: bytes) -> tuple[int, bytes]:
        raise ZeroDivisionError

    monkeypatch.setitem(HANDLERS, (int(APP), int(AppCommand.GET_DEVICE_GUID)), broken)
    assert admin.call(APP, AppCommand.GET_DEVICE_GUID)[0] == 0xFF
    assert mem.bmc.internal_errors == 1
    assert admin.call(APP, AppCommand.GET_DEVICE_ID)[0] == 0  # the BMC goes on


def test_privileges_follow_table_g1_and_the_cipher_suite_limit(mem: MemoryBmc) -> None:
    user = mem.session(privilege=2)
    assert user.established
    assert control(user, ChassisControl.POWER_UP) == 0xD4  # Chassis Control needs OPERATOR
    assert user.call(APP, AppCommand.GET_DEVICE_ID)[0] == 0
    operator = mem.session(privilege=3)
    assert control(operator, ChassisControl.POWER_UP) == 0
    assert lan_set(operator, LanParameter.COMMUNITY_STRING, b"x") == 0xD4  # Set LAN needs ADMINISTRATOR
    admin = mem.session()
    levels = list(mem.state.lan.cipher_suite_privilege_levels)
    levels[0] = PrivilegeLevel.USER  # suite 3 (entry 0) capped at USER
    assert lan_set(admin, LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS, tuple(levels)) == 0
    assert control(admin, ChassisControl.POWER_UP) == 0xD4  # a session opened before: capped per command
    assert control(mem.session(cipher_suite=17), ChassisControl.POWER_UP) == 0
    # a new session may not ask for more than its suite allows: RAKP 2 says "unauthorized role" (09h)
    refused = mem.session(cipher_suite=3)
    assert not refused.established and refused.failed is not None
    error = refused.failed.error
    assert isinstance(error, PrivilegeUnavailable) and "unauthorized role" in str(error), error
    assert mem.session(cipher_suite=3, privilege=2).established
    assert mem.session(cipher_suite=17, privilege=4).established


# ---------------------------------------------------------------------------------------------------- chassis


def test_soft_off_takes_the_delay_and_cycle_comes_back_on(mem: MemoryBmc, admin: MemoryClient) -> None:
    c = mem.state.chassis
    assert c.power_on
    assert control(admin, ChassisControl.SOFT_SHUTDOWN) == 0
    assert status(admin).power_on  # the OS is shutting down
    mem.loop.advance(c.soft_off_delay - 0.1)
    assert c.power_on
    mem.loop.advance(0.2)  # the fleet's wake-up, no request needed
    assert not c.power_on and not status(admin).power_on
    assert control(admin, ChassisControl.POWER_CYCLE) == 0xD5  # cycling needs the power on
    assert control(admin, ChassisControl.POWER_UP) == 0
    assert status(admin).last_power_event == chassis.LastPowerEvent.POWER_ON_BY_IPMI
    assert control(admin, ChassisControl.POWER_CYCLE) == 0
    assert not c.power_on
    mem.loop.advance(c.cycle_delay + 0.01)
    assert c.power_on
    cause = chassis.decode_get_system_restart_cause_rs(admin.ok(CHASSIS, ChassisCommand.GET_SYSTEM_RESTART_CAUSE))
    assert (cause.restart_cause, cause.channel) == (chassis.RestartCause.CHASSIS_CONTROL, 1)
    assert control(admin, ChassisControl.HARD_RESET) == 0
    assert control(admin, ChassisControl.DIAGNOSTIC_INTERRUPT) == 0
    assert control(admin, ChassisControl.POWER_DOWN) == 0 and not c.power_on


def test_power_events_reach_the_listeners(mem: MemoryBmc, admin: MemoryClient) -> None:
    seen: list[str] = []
    mem.bmc.listeners.append(lambda bmc, kind, now: seen.append(kind))
    control(admin, ChassisControl.POWER_DOWN)
    control(admin, ChassisControl.POWER_UP)
    control(admin, ChassisControl.SOFT_SHUTDOWN)
    mem.loop.advance(5)
    assert seen == ["power-off", "power-on", "soft-off", "power-off"]


def test_chassis_status_reports_every_bit_of_the_state(mem: MemoryBmc, admin: MemoryClient) -> None:
    c = mem.state.chassis
    c.power_overload = c.interlock = c.power_fault = c.power_control_fault = True
    c.intrusion = c.front_panel_lockout = c.drive_fault = c.cooling_fault = True
    c.restore_policy = chassis.PowerRestorePolicy.ALWAYS_ON
    s = status(admin)
    assert (s.power_overload, s.interlock, s.power_fault, s.power_control_fault) == (True,) * 4
    assert (s.intrusion, s.front_panel_lockout, s.drive_fault, s.cooling_fault) == (True,) * 4
    assert s.restore_policy == chassis.PowerRestorePolicy.ALWAYS_ON
    assert s.front_panel == c.front_panel


def test_identify_times_out_and_force_stays_on(mem: MemoryBmc, admin: MemoryClient) -> None:
    admin.ok(CHASSIS, ChassisCommand.CHASSIS_IDENTIFY)
    assert status(admin).identify_state == chassis.ChassisIdentifyState.TEMPORARY_ON
    mem.loop.advance(handlers.IDENTIFY_DEFAULT_INTERVAL + 0.1)
    assert status(admin).identify_state == chassis.ChassisIdentifyState.OFF
    admin.ok(CHASSIS, ChassisCommand.CHASSIS_IDENTIFY, chassis.encode_chassis_identify_rq(0, True))
    mem.loop.advance(3600)
    admin = mem.session()  # the old one expired (60 s idle timeout)
    assert status(admin).identify_state == chassis.ChassisIdentifyState.INDEFINITE_ON
    admin.ok(CHASSIS, ChassisCommand.CHASSIS_IDENTIFY, chassis.encode_chassis_identify_rq(0))
    assert status(admin).identify_state == chassis.ChassisIdentifyState.OFF


def test_restore_policy_and_poh_counter(mem: MemoryBmc, admin: MemoryClient) -> None:
    rs = admin.ok(CHASSIS, ChassisCommand.SET_POWER_RESTORE_POLICY,
                  chassis.encode_set_power_restore_policy_rq(chassis.PowerRestorePolicy.NO_CHANGE))
    assert chassis.decode_set_power_restore_policy_rs(rs) == chassis.PowerRestorePolicySupport(True, True, True)
    assert mem.state.chassis.restore_policy == chassis.PowerRestorePolicy.PREVIOUS
    admin.ok(CHASSIS, ChassisCommand.SET_POWER_RESTORE_POLICY,
             chassis.encode_set_power_restore_policy_rq(chassis.PowerRestorePolicy.ALWAYS_OFF))
    assert mem.state.chassis.restore_policy == chassis.PowerRestorePolicy.ALWAYS_OFF
    before = chassis.decode_get_poh_counter_rs(admin.ok(CHASSIS, ChassisCommand.GET_POH_COUNTER))
    mem.loop.advance(2 * 3600)
    after = chassis.decode_get_poh_counter_rs(mem.session().ok(CHASSIS, ChassisCommand.GET_POH_COUNTER))
    assert after.minutes - before.minutes in (120, 180)  # whole hours
    caps = mem.session().ok(CHASSIS, ChassisCommand.GET_CHASSIS_CAPABILITIES)
    assert chassis.decode_get_chassis_capabilities_rs(caps).sdr_device_address == 0x20


def boot_get(c: MemoryClient, p: int, selector: int = 0) -> chassis.SystemBootOption:
    return chassis.decode_get_system_boot_options_rs(
        c.ok(CHASSIS, ChassisCommand.GET_SYSTEM_BOOT_OPTIONS, chassis.encode_get_system_boot_options_rq(p, selector)))


def boot_set(c: MemoryClient, p: int, value: chassis.BootOptionValue) -> int:
    return c.call(CHASSIS, ChassisCommand.SET_SYSTEM_BOOT_OPTIONS,
                  chassis.encode_set_system_boot_options_rq(p, value))[0]


def test_boot_flags_valid_bit_timeout_next_boot_and_persistent(mem: MemoryBmc, admin: MemoryClient) -> None:
    P = chassis.BootOptionParameter
    pxe = chassis.BootFlags(boot_device=chassis.BootDevice.PXE, efi=True)
    assert boot_set(admin, P.BOOT_FLAGS, pxe) == 0
    assert boot_get(admin, P.BOOT_FLAGS).value == pxe
    mem.loop.advance(handlers.BOOT_FLAGS_TIMEOUT + 1)  # no Chassis Control within 60 s: the valid bit clears
    admin = mem.session()  # the old one expired
    flags = boot_get(admin, P.BOOT_FLAGS).value
    assert isinstance(flags, chassis.BootFlags) and not flags.boot_flags_valid and flags.efi
    boot_set(admin, P.BOOT_FLAGS, pxe)
    control(admin, ChassisControl.POWER_DOWN)  # a Chassis Control command stops the timeout
    mem.loop.advance(handlers.BOOT_FLAGS_TIMEOUT + 1)
    assert mem.state.chassis.boot.flags.boot_flags_valid
    admin = mem.session()
    control(admin, ChassisControl.POWER_UP)  # the boot uses the one-time flags
    assert not mem.state.chassis.boot.flags.boot_flags_valid
    persistent = chassis.BootFlags(boot_device=chassis.BootDevice.DISK, persistent=True)
    boot_set(admin, P.BOOT_FLAGS, persistent)
    control(admin, ChassisControl.HARD_RESET)
    assert mem.state.chassis.boot.flags == persistent


def test_boot_options_other_parameters(admin: MemoryClient) -> None:
    P = chassis.BootOptionParameter
    assert boot_set(admin, P.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS) == 0
    assert boot_set(admin, P.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS) == 0x81
    assert boot_set(admin, P.SET_IN_PROGRESS, SetInProgress.SET_COMPLETE) == 0
    assert boot_set(admin, P.SERVICE_PARTITION_SELECTOR, 7) == 0 and boot_get(admin, 1).value == 7
    clearing = chassis.BootFlagValidBitClearing.TIMEOUT | chassis.BootFlagValidBitClearing.PEF
    assert boot_set(admin, P.BOOT_FLAG_VALID_BIT_CLEARING, clearing) == 0 and boot_get(admin, 3).value == clearing
    B = chassis.BootInitiators
    boot_set(admin, P.BOOT_INFO_ACKNOWLEDGE, chassis.BootInfoAcknowledge(B.BIOS_POST | B.SMS, B.BIOS_POST))
    ack = boot_get(admin, P.BOOT_INFO_ACKNOWLEDGE).value
    assert isinstance(ack, chassis.BootInfoAcknowledge) and ack.acknowledged == B.BIOS_POST
    boot_set(admin, P.BOOT_INITIATOR_MAILBOX, chassis.BootInitiatorMailbox(2, b"hello"))
    box = boot_get(admin, P.BOOT_INITIATOR_MAILBOX, 2).value
    assert isinstance(box, chassis.BootInitiatorMailbox) and box.block_data == b"hello".ljust(16, b"\0")
    info = chassis.BootInitiatorInfo(1, 0x1234, 99)
    assert boot_set(admin, P.BOOT_INITIATOR_INFO, info) == 0 and boot_get(admin, 6).value == info
    assert admin.call(CHASSIS, ChassisCommand.GET_SYSTEM_BOOT_OPTIONS, bytes((0x60, 0, 0)))[0] == 0x80


# ---------------------------------------------------------------------------------------------------- watchdog


def test_watchdog_counts_down_with_the_clock_and_acts(mem: MemoryBmc, admin: MemoryClient) -> None:
    W = app
    assert admin.call(APP, AppCommand.RESET_WATCHDOG_TIMER)[0] == 0x80  # never set: not initialized
    admin.ok(APP, AppCommand.SET_WATCHDOG_TIMER, app.encode_set_watchdog_timer_rq(
        W.TimerUse.SMS_OS, W.TimeoutAction.POWER_DOWN, 100, pre_timeout_interval=2))
    timer = app.decode_get_watchdog_timer_rs(admin.ok(APP, AppCommand.GET_WATCHDOG_TIMER))
    assert (timer.running, timer.present_countdown, timer.initial_countdown) == (False, 100, 100)
    admin.ok(APP, AppCommand.RESET_WATCHDOG_TIMER)
    mem.loop.advance(4)
    timer = app.decode_get_watchdog_timer_rs(admin.ok(APP, AppCommand.GET_WATCHDOG_TIMER))
    assert timer.running and timer.present_countdown == 60
    admin.ok(APP, AppCommand.RESET_WATCHDOG_TIMER)  # kicked: 10 s from now
    mem.loop.advance(9.9)
    assert mem.state.chassis.power_on
    mem.loop.advance(0.2)
    assert not mem.state.chassis.power_on  # the timeout action, without any request
    timer = app.decode_get_watchdog_timer_rs(admin.ok(APP, AppCommand.GET_WATCHDOG_TIMER))
    assert not timer.running and timer.present_countdown == 0
    assert timer.expiration_flags == W.TimerUseFlags.SMS_OS
    admin.ok(APP, AppCommand.SET_WATCHDOG_TIMER, app.encode_set_watchdog_timer_rq(
        W.TimerUse.OS_LOAD, W.TimeoutAction.HARD_RESET, 10, expiration_flags_clear=W.TimerUseFlags.SMS_OS))
    control(admin, ChassisControl.POWER_UP)
    admin.ok(APP, AppCommand.RESET_WATCHDOG_TIMER)
    mem.loop.advance(1.1)
    cause = chassis.decode_get_system_restart_cause_rs(admin.ok(CHASSIS, ChassisCommand.GET_SYSTEM_RESTART_CAUSE))
    assert cause.restart_cause == chassis.RestartCause.WATCHDOG
    timer = app.decode_get_watchdog_timer_rs(admin.ok(APP, AppCommand.GET_WATCHDOG_TIMER))
    assert timer.expiration_flags == W.TimerUseFlags.OS_LOAD


def test_watchdog_dont_stop_restarts_a_running_countdown(mem: MemoryBmc, admin: MemoryClient) -> None:
    W = app
    admin.ok(APP, AppCommand.SET_WATCHDOG_TIMER, app.encode_set_watchdog_timer_rq(
        W.TimerUse.SMS_OS, W.TimeoutAction.NO_ACTION, 300))
    admin.ok(APP, AppCommand.RESET_WATCHDOG_TIMER)
    mem.loop.advance(5)
    admin.ok(APP, AppCommand.SET_WATCHDOG_TIMER, app.encode_set_watchdog_timer_rq(
        W.TimerUse.SMS_OS, W.TimeoutAction.NO_ACTION, 200, dont_stop=True))
    timer = app.decode_get_watchdog_timer_rs(admin.ok(APP, AppCommand.GET_WATCHDOG_TIMER))
    assert timer.running and timer.present_countdown == 200
    admin.ok(APP, AppCommand.SET_WATCHDOG_TIMER, app.encode_set_watchdog_timer_rq(
        W.TimerUse.SMS_OS, W.TimeoutAction.NO_ACTION, 200))
    assert not app.decode_get_watchdog_timer_rs(admin.ok(APP, AppCommand.GET_WATCHDOG_TIMER)).running


# ---------------------------------------------------------------------------------------- channels, sessions


def test_channel_info_for_lan_ipmb_system_interface_and_others(admin: MemoryClient) -> None:
    lan = app.decode_get_channel_info_rs(admin.ok(APP, AppCommand.GET_CHANNEL_INFO, b"\x0e"))
    assert (lan.channel, lan.medium_type, lan.session_support, lan.active_session_count) == (
        1, app.ChannelMediumType.LAN_802_3, app.SessionSupport.MULTI_SESSION, 1)
    assert app.decode_get_channel_info_rs(admin.ok(APP, AppCommand.GET_CHANNEL_INFO, b"\x00")).medium_type == 1
    kcs = app.decode_get_channel_info_rs(admin.ok(APP, AppCommand.GET_CHANNEL_INFO, b"\x0f"))
    assert kcs.protocol_type == app.ChannelProtocolType.KCS
    assert admin.call(APP, AppCommand.GET_CHANNEL_INFO, b"\x02")[0] == 0xCC
    assert admin.call(APP, AppCommand.GET_CHANNEL_ACCESS, b"\x0f\x80")[0] == 0x82


def test_channel_access_reconfigures_the_v15_core_and_can_lock_the_channel(mem: MemoryBmc,
                                                                           admin: MemoryClient) -> None:
    S = app.ChannelAccessSelector
    admin.ok(APP, AppCommand.SET_CHANNEL_ACCESS, app.encode_set_channel_access_rq(
        1, S.VOLATILE, app.ChannelAccessMode.ALWAYS_AVAILABLE, per_message_authentication_disabled=True,
        privilege_limit_set=S.VOLATILE, privilege_limit=PrivilegeLevel.OPERATOR))
    volatile = app.decode_get_channel_access_rs(admin.ok(APP, AppCommand.GET_CHANNEL_ACCESS, b"\x01\x80"))
    assert volatile.per_message_authentication_disabled and volatile.privilege_limit == PrivilegeLevel.OPERATOR
    nv = app.decode_get_channel_access_rs(admin.ok(APP, AppCommand.GET_CHANNEL_ACCESS, b"\x01\x40"))
    assert not nv.per_message_authentication_disabled
    assert mem.bmc.sessions15.config.per_message_auth is False
    assert mem.session(privilege=4).failed is not None  # ADMINISTRATOR is above the channel limit now
    assert mem.session(privilege=3).established
    admin.ok(APP, AppCommand.SET_CHANNEL_ACCESS, app.encode_set_channel_access_rq(
        1, S.VOLATILE, app.ChannelAccessMode.DISABLED))
    assert mem.session(privilege=3).failed is not None  # LAN channel disabled: no new sessions
    assert admin.call(APP, AppCommand.GET_DEVICE_ID)[0] == 0  # the open one goes on


def test_session_info_current_by_handle_by_id_and_index(mem: MemoryBmc, admin: MemoryClient) -> None:
    v15 = mem.session15()
    assert v15.established
    info = app.decode_get_session_info_rs(admin.ok(APP, AppCommand.GET_SESSION_INFO, b"\x00"))
    assert info.active_session_count == 2 and info.session_slot_count == mem.state.max_sessions
    assert info.session is not None and info.session.session_protocol == app.SessionProtocol.IPMI_V20
    assert info.session.user_id == 2 and info.session.lan is not None
    assert info.session.lan.console_ip == IPv4Address("127.0.0.1") and info.session.lan.console_port == 40000
    other = app.decode_get_session_info_rs(admin.ok(APP, AppCommand.GET_SESSION_INFO, b"\x02"))
    assert other.session is not None and other.session.session_protocol == app.SessionProtocol.IPMI_V15
    by_handle = app.decode_get_session_info_rs(
        admin.ok(APP, AppCommand.GET_SESSION_INFO, app.encode_get_session_info_rq(0xFE, session_handle=2)))
    assert by_handle == other
    sid = mem.bmc.active_sessions()[1].session_id
    by_id = app.decode_get_session_info_rs(
        admin.ok(APP, AppCommand.GET_SESSION_INFO, app.encode_get_session_info_rq(0xFF, session_id=sid)))
    assert by_id == other
    none = app.decode_get_session_info_rs(admin.ok(APP, AppCommand.GET_SESSION_INFO, b"\x09"))
    assert none.session is None and none.session_handle == 0


def test_channel_auth_capabilities_in_session_match_the_pre_session_answer(mem: MemoryBmc,
                                                                          admin: MemoryClient) -> None:
    rq = app.encode_get_channel_authentication_capabilities_rq()
    in_session = app.decode_get_channel_authentication_capabilities_rs(
        admin.ok(APP, AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES, rq))
    msg = frame.encode_ipmi_request(0x20, APP, 0, 0x81, 5, 0, 0x38, rq)
    (answer,) = mem.send(frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg))
    response = frame.decode_ipmi_response(frame.decode_v15_session(answer).msg)
    assert app.decode_get_channel_authentication_capabilities_rs(response.data) == in_session
    assert in_session.auth_types == AuthTypes.MD5 and in_session.supports_ipmi_v20
    assert in_session.non_null_usernames and not in_session.anonymous_login and not in_session.null_usernames


@pytest.mark.parametrize("v20_format", [True, False])
def test_session_less_commands_are_answered_before_a_session(mem: MemoryBmc, v20_format: bool) -> None:
    """Table G-1: Get Channel Cipher Suites and Get System GUID need no session (ipmitool -I lanplus without -C
    asks the cipher suites in RMCP+ format with session ID 0)."""

    def ask(cmd: int, data: bytes) -> tuple[int, bytes]:
        msg = frame.encode_ipmi_request(0x20, APP, 0, 0x81, 7, 0, cmd, data)
        if v20_format:
            (answer,) = mem.send(frame.encode_v20_session(PayloadType.IPMI, 0, 0, msg))
            rs = frame.decode_ipmi_response(frame.decode_v20_session(answer).payload)
        else:
            (answer,) = mem.send(frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg))
            rs = frame.decode_ipmi_response(frame.decode_v15_session(answer).msg)
        return rs.cc, rs.data

    records = b""
    for index in range(4):
        cc, data = ask(AppCommand.GET_CHANNEL_CIPHER_SUITES, app.encode_get_channel_cipher_suites_rq(0x0E, 0, index))
        block = app.decode_get_channel_cipher_suites_rs(data)
        assert cc == 0 and block.channel == 1
        records += block.record_data
        if len(block.record_data) < 16:
            break
    suites = app.decode_cipher_suite_records(records)
    assert [r.cipher_suite_id for r in suites] == [3, 17]
    assert ask(AppCommand.GET_SYSTEM_GUID, b"") == (0, mem.state.system_guid)
    assert mem.send(frame.encode_v20_session(
        PayloadType.IPMI, 0, 0, frame.encode_ipmi_request(0x20, CHASSIS, 0, 0x81, 8, 0, 0x02, b"\x00"))) == []
    assert mem.state.chassis.power_on  # a session command without a session: never executed


def test_cipher_suites_list_by_algorithm_and_channel_checks(admin: MemoryClient) -> None:
    data = admin.ok(APP, AppCommand.GET_CHANNEL_CIPHER_SUITES,
                    app.encode_get_channel_cipher_suites_rq(1, 0, 0, list_by_cipher_suite=False))
    assert app.decode_get_channel_cipher_suites_rs(data).record_data == bytes((0x01, 0x41, 0x81, 0x03, 0x44))
    assert admin.call(APP, AppCommand.GET_CHANNEL_CIPHER_SUITES, bytes((2, 0, 0x80)))[0] == 0xCC


# ---------------------------------------------------------------------------------------------------- users


def user_access(c: MemoryClient, uid: int) -> app.UserAccess:
    return app.decode_get_user_access_rs(c.ok(APP, AppCommand.GET_USER_ACCESS, app.encode_get_user_access_rq(1, uid)))


def test_user_table_name_password_access_and_login(mem: MemoryBmc, admin: MemoryClient) -> None:
    access = user_access(admin, 2)
    assert (access.max_user_ids, access.enabled_user_ids, access.privilege_limit) == (16, 1, 4)
    assert app.decode_get_user_name_rs(admin.ok(APP, AppCommand.GET_USER_NAME, b"\x02")).user_name == b"admin"
    admin.ok(APP, AppCommand.SET_USER_NAME, app.encode_set_user_name_rq(5, b"ops"))
    admin.ok(APP, AppCommand.SET_USER_PASSWORD, app.encode_set_user_password_rq(
        5, app.PasswordOperation.SET_PASSWORD, b"a-twenty-byte-secret", 20))
    admin.ok(APP, AppCommand.SET_USER_ACCESS, app.encode_set_user_access_rq(1, 5, PrivilegeLevel.OPERATOR))
    assert mem.session(b"ops", b"a-twenty-byte-secret", privilege=3).failed is not None  # not enabled yet
    admin.ok(APP, AppCommand.SET_USER_PASSWORD, app.encode_set_user_password_rq(5, app.PasswordOperation.ENABLE_USER))
    ops = mem.session(b"ops", b"a-twenty-byte-secret", privilege=3)
    assert ops.established
    assert mem.session(b"ops", b"a-twenty-byte-secret", privilege=4).failed is not None  # above its limit
    assert mem.session15(b"ops", b"a-twenty-byte-secret"[:16], privilege=3).failed is not None  # 20-byte: v2.0 only
    assert user_access(admin, 5).enable_status == app.UserEnableStatus.ENABLED
    test = app.PasswordOperation.TEST_PASSWORD
    assert admin.call(APP, AppCommand.SET_USER_PASSWORD,
                      app.encode_set_user_password_rq(5, test, b"a-twenty-byte-secret", 20))[0] == 0
    assert admin.call(APP, AppCommand.SET_USER_PASSWORD,
                      app.encode_set_user_password_rq(5, test, b"wrong", 20))[0] == 0x80
    assert admin.call(APP, AppCommand.SET_USER_PASSWORD,
                      app.encode_set_user_password_rq(5, test, b"wrong", 16))[0] == 0x81
    admin.ok(APP, AppCommand.SET_USER_PASSWORD, app.encode_set_user_password_rq(5, app.PasswordOperation.DISABLE_USER))
    assert mem.session(b"ops", b"a-twenty-byte-secret", privilege=3).failed is not None
    assert user_access(admin, 5).enable_status == app.UserEnableStatus.DISABLED
    assert mem.changes >= 5


def test_user_table_limits(admin: MemoryClient) -> None:
    assert admin.call(APP, AppCommand.SET_USER_NAME, app.encode_set_user_name_rq(1, b"x"))[0] == 0xCC  # fixed
    assert admin.call(APP, AppCommand.GET_USER_NAME, b"\x11")[0] == 0xCC  # slot 17 of 16
    assert admin.call(APP, AppCommand.GET_USER_ACCESS, b"\x02\x02")[0] == 0xCC  # channel 2
    assert admin.call(APP, AppCommand.SET_USER_ACCESS, bytes((0x91, 3, 0x0E)))[0] == 0xCC  # reserved level


# -------------------------------------------------------------------------------------------------- LAN, SOL

LAN_VALUES: list[tuple[int, transport.LanValue]] = [
    (LanParameter.AUTHENTICATION_TYPE_ENABLES, transport.AuthTypeEnables(*(AuthTypes.MD5 | AuthTypes.MD2,) * 5)),
    (LanParameter.IP_ADDRESS, IPv4Address("10.0.0.5")),
    (LanParameter.IP_ADDRESS_SOURCE, transport.IpAddressSource.DHCP),
    (LanParameter.MAC_ADDRESS, "02:aa:bb:cc:dd:ee"),
    (LanParameter.SUBNET_MASK, IPv4Address("255.255.0.0")),
    (LanParameter.IPV4_HEADER_PARAMETERS, transport.Ipv4HeaderParameters(0x20)),
    (LanParameter.BMC_GENERATED_ARP_CONTROL, transport.BmcArpControl(True, True)),
    (LanParameter.GRATUITOUS_ARP_INTERVAL, 20),
    (LanParameter.DEFAULT_GATEWAY_ADDRESS, IPv4Address("10.0.0.1")),
    (LanParameter.DEFAULT_GATEWAY_MAC_ADDRESS, "02:00:00:00:00:01"),
    (LanParameter.BACKUP_GATEWAY_ADDRESS, IPv4Address("10.0.0.2")),
    (LanParameter.BACKUP_GATEWAY_MAC_ADDRESS, "02:00:00:00:00:02"),
    (LanParameter.COMMUNITY_STRING, b"private"),
    (LanParameter.VLAN_ID, transport.VlanId(42, True)),
    (LanParameter.VLAN_PRIORITY, 5),
]


@pytest.mark.parametrize(("parameter", "value"), LAN_VALUES, ids=[LanParameter(p).name for p, _ in LAN_VALUES])
def test_lan_parameters_round_trip(mem: MemoryBmc, admin: MemoryClient, parameter: int,
                                   value: transport.LanValue) -> None:
    assert lan_set(admin, parameter, value) == 0
    assert lan_get(admin, parameter) == value == mem.state.lan.get(parameter)
    assert lan_get(admin, LanParameter.PRIMARY_RMCP_PORT) == 623
    assert lan_get(admin, LanParameter.CIPHER_SUITE_ENTRY_SUPPORT) == 2
    assert lan_get(admin, LanParameter.CIPHER_SUITE_ENTRIES) == (3, 17)


def test_lan_read_only_unsupported_and_invalid(admin: MemoryClient) -> None:
    assert lan_set(admin, LanParameter.AUTHENTICATION_TYPE_SUPPORT, AuthTypes.MD5) == 0x82
    assert lan_set(admin, LanParameter.PRIMARY_RMCP_PORT, 624) == 0x82
    assert lan_set(admin, LanParameter.CIPHER_SUITE_ENTRIES, (0, 3)) == 0x82
    assert admin.call(TRANSPORT, TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS, bytes((1, 0xC0, 1)))[0] == 0x80
    assert admin.call(TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS, bytes((1, 0xC0, 0, 0)))[0] == 0x80
    assert lan_set(admin, LanParameter.COMMUNITY_STRING, b"x", channel=2) == 0xCC
    bad = transport.AuthTypeEnables(AuthTypes.OEM)  # not in parameter 1
    assert lan_set(admin, LanParameter.AUTHENTICATION_TYPE_ENABLES, bad) == 0xCC
    revision = admin.ok(TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS, bytes((0x81, 3, 0, 0)))
    assert revision == bytes((transport.PARAMETER_REVISION,))


def test_set_in_progress_rules(mem: MemoryBmc, admin: MemoryClient) -> None:
    P = LanParameter.SET_IN_PROGRESS
    assert lan_set(admin, P, SetInProgress.SET_IN_PROGRESS) == 0
    other = mem.session(peer=("127.0.0.1", 40001))
    assert lan_set(other, P, SetInProgress.SET_IN_PROGRESS) == 0x81  # claimed by someone else
    assert lan_set(other, LanParameter.COMMUNITY_STRING, b"still-writable") == 0  # only parameter 0 is guarded
    assert lan_set(admin, P, SetInProgress.COMMIT_WRITE) == 0
    assert lan_get(admin, P) == SetInProgress.SET_COMPLETE
    assert lan_set(admin, P, SetInProgress.SET_IN_PROGRESS) == 0
    mem.loop.advance(handlers.SET_IN_PROGRESS_TIMEOUT + 1)  # forgotten: the claim lapses
    admin = mem.session()
    assert lan_set(admin, P, SetInProgress.SET_IN_PROGRESS) == 0
    assert sol_set(admin, SolParameter.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS) == 0
    assert sol_set(admin, SolParameter.SET_IN_PROGRESS, SetInProgress.SET_IN_PROGRESS) == 0x81
    assert sol_set(admin, SolParameter.SET_IN_PROGRESS, SetInProgress.SET_COMPLETE) == 0


def test_auth_type_enables_and_cipher_privileges_reconfigure_sessions(mem: MemoryBmc, admin: MemoryClient) -> None:
    none_md5 = transport.AuthTypeEnables(*(AuthTypes.NONE | AuthTypes.MD5,) * 5)
    assert mem.session15(auth_type=AuthType.NONE).failed is not None
    assert lan_set(admin, LanParameter.AUTHENTICATION_TYPE_ENABLES, none_md5) == 0
    assert mem.session15(auth_type=AuthType.NONE).established
    levels = (PrivilegeLevel.ADMINISTRATOR, PrivilegeLevel.UNSPECIFIED) + (PrivilegeLevel.UNSPECIFIED,) * 14
    assert lan_set(admin, LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS, levels) == 0  # suite 17 unused
    assert mem.session(cipher_suite=17).failed is not None
    assert mem.session(cipher_suite=3).established
    assert lan_set(admin, LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS, (PrivilegeLevel.NO_ACCESS,) * 16) != 0


SOL_VALUES: list[tuple[int, transport.SolValue]] = [
    (SolParameter.SOL_ENABLE, False),
    (SolParameter.SOL_AUTHENTICATION, transport.SolAuthentication(True, False, PrivilegeLevel.OPERATOR)),
    (SolParameter.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD, transport.SolCharacterParameters(20, 50)),
    (SolParameter.SOL_RETRY, transport.SolRetry(3, 100)),
    (SolParameter.SOL_NON_VOLATILE_BIT_RATE, transport.SolBitRate.BAUD_9600),
    (SolParameter.SOL_VOLATILE_BIT_RATE, transport.SolBitRate.BAUD_57600),
]


@pytest.mark.parametrize(("parameter", "value"), SOL_VALUES, ids=[SolParameter(p).name for p, _ in SOL_VALUES])
def test_sol_parameters_round_trip(mem: MemoryBmc, admin: MemoryClient, parameter: int,
                                   value: transport.SolValue) -> None:
    assert sol_set(admin, parameter, value) == 0
    assert sol_get(admin, parameter) == value == mem.state.sol.get(parameter)


def test_sol_read_only_and_invalid(admin: MemoryClient) -> None:
    assert sol_get(admin, SolParameter.SOL_PAYLOAD_PORT_NUMBER) == 623
    assert sol_get(admin, SolParameter.SOL_PAYLOAD_CHANNEL) == 1
    assert sol_set(admin, SolParameter.SOL_PAYLOAD_PORT_NUMBER, 700) == 0x82
    assert sol_set(admin, SolParameter.SOL_PAYLOAD_CHANNEL, 2) == 0x82
    assert sol_set(admin, SolParameter.CHARACTER_ACCUMULATE_INTERVAL_AND_SEND_THRESHOLD,
                   transport.SolCharacterParameters(0, 1)) == 0xCC
    assert sol_set(admin, SolParameter.SOL_AUTHENTICATION,
                   transport.SolAuthentication(privilege=PrivilegeLevel.CALLBACK)) == 0xCC
    assert admin.call(TRANSPORT, TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS, bytes((1, 0x40, 0, 0)))[0] == 0x80


# ---------------------------------------------------------------------------------------------------- payloads


def activate(c: MemoryClient, encrypt: bool = True, authenticate: bool = True) -> tuple[int, bytes]:
    aux = app.encode_sol_activation(app.SolActivation(encrypt=encrypt, authenticate=authenticate))
    return c.call(APP, AppCommand.ACTIVATE_PAYLOAD, app.encode_activate_payload_rq(PayloadType.SOL, 1, aux))


def test_sol_activation_console_echo_and_deactivation(mem: MemoryBmc, admin: MemoryClient) -> None:
    support = app.decode_get_channel_payload_support_rs(admin.ok(APP, AppCommand.GET_CHANNEL_PAYLOAD_SUPPORT, b"\x01"))
    assert support.standard_payload_types == frozenset({0, 1})
    window = admin.attach_sol()
    cc, data = activate(admin)
    assert cc == 0
    rs = app.decode_activate_payload_rs(data)
    assert (rs.payload_udp_port, rs.inbound_payload_size, rs.payload_vlan_number) == (623, 255, 0xFFFF)
    admin.advance(0.5)
    assert admin.sol.endswith(b"sim-host login: ")
    del admin.sol[:]
    admin.client.sol_send(b"root\r", mem.loop.now)
    admin.advance(0.5)
    assert admin.sol == b"root\r\nPassword: "
    assert mem.bmc.sol_active() is not None and mem.bmc.sol_active()[1].received == bytearray(b"root\r")
    status = app.decode_get_payload_activation_status_rs(
        admin.ok(APP, AppCommand.GET_PAYLOAD_ACTIVATION_STATUS, b"\x01"))
    assert status == app.PayloadActivationStatus(1, frozenset({1}))
    other = mem.session(peer=("127.0.0.1", 40002))
    assert activate(other)[0] == 0x80  # already active
    assert other.call(APP, AppCommand.DEACTIVATE_PAYLOAD, app.encode_deactivate_payload_rq(PayloadType.SOL))[0] == 0
    admin.pump()
    assert window.deactivated  # the BMC told the console whose SOL it was: status "SOL deactivating" (Table 15-3)
    server = next(iter(mem.bmc.sessions20.sessions.values()))[0]
    dropped = server.drops.get("SOL payload while SOL is not active", 0)
    admin.client.sol_send(b"ls\r", mem.loop.now)
    admin.advance(0.2)
    assert server.drops["SOL payload while SOL is not active"] > dropped  # no longer carried: dropped, counted
    assert admin.sol == b"root\r\nPassword: "  # and nothing echoed
    assert other.call(APP, AppCommand.DEACTIVATE_PAYLOAD, app.encode_deactivate_payload_rq(PayloadType.SOL))[0] == 0x80
    assert activate(other)[0] == 0
    other.client.close(mem.loop.now)
    other.pump()
    assert mem.bmc.sol_active() is None  # it ended with its session
    assert activate(admin)[0] == 0


def test_sol_activation_policy(mem: MemoryBmc) -> None:
    plain = mem.session(cipher_suite=17)
    assert activate(plain, encrypt=False)[0] == 0x84  # force encryption
    user = mem.session(privilege=2)
    assert sol_set(mem.session(), SolParameter.SOL_AUTHENTICATION,
                   transport.SolAuthentication(False, False, PrivilegeLevel.OPERATOR)) == 0
    assert activate(user)[0] == 0xD4
    assert activate(plain, encrypt=False)[0] == 0
    assert sol_set(mem.session(), SolParameter.SOL_ENABLE, False) == 0
    assert activate(mem.session())[0] == 0x81
    assert mem.session15().call(APP, AppCommand.GET_PAYLOAD_ACTIVATION_STATUS, b"\x01")[0] == 0


def test_sol_needs_encryption_the_session_has(mem: MemoryBmc) -> None:
    mem.state.lan.cipher_suite_entries = (1, 3)
    mem.bmc.reconfigure()
    no_crypto = mem.session(cipher_suite=1)
    assert no_crypto.established
    assert activate(no_crypto, encrypt=True)[0] == 0x83  # asks for encryption its session cannot do
    assert activate(no_crypto, encrypt=False, authenticate=False)[0] == 0x84


def test_user_payload_access_gates_sol_activation(mem: MemoryBmc, admin: MemoryClient) -> None:
    def payloads(uid: int) -> app.UserPayloadAccess:
        return app.decode_get_user_payload_access_rs(
            admin.ok(APP, AppCommand.GET_USER_PAYLOAD_ACCESS, app.encode_get_user_payload_access_rq(1, uid)))

    def set_access(uid: int, operation: app.UserPayloadOperation, types: frozenset[int], channel: int = 1) -> int:
        standard = frozenset(t for t in types if t < 0x20)
        oem = frozenset(t for t in types if t >= 0x20)
        rq = app.encode_set_user_payload_access_rq(channel, uid, operation, app.UserPayloadAccess(standard, oem))
        return admin.call(APP, AppCommand.SET_USER_PAYLOAD_ACCESS, rq)[0]

    assert payloads(2) == app.UserPayloadAccess(frozenset({1}))
    assert set_access(2, app.UserPayloadOperation.DISABLE, frozenset({1})) == 0
    assert payloads(2) == app.UserPayloadAccess()
    assert mem.changes > 0  # persisted with the user
    assert activate(admin)[0] == 0xD4  # the user may not activate SOL any more
    assert set_access(2, app.UserPayloadOperation.ENABLE, frozenset({1, 0x22})) == 0
    assert payloads(2) == app.UserPayloadAccess(frozenset({1}), frozenset({0x22}))
    assert activate(admin)[0] == 0
    assert set_access(2, app.UserPayloadOperation.ENABLE, frozenset({1}), channel=5) == 0xCC  # not a LAN channel
    assert admin.call(APP, AppCommand.GET_USER_PAYLOAD_ACCESS, b"\x01\x3f")[0] == 0xCC  # no such user
    assert admin.call(APP, AppCommand.SET_USER_PAYLOAD_ACCESS, b"\x01\xc2\x02\x00\x00\x00")[0] == 0xCC  # 11b
    assert admin.call(APP, AppCommand.SET_USER_PAYLOAD_ACCESS, b"\x01\x02")[0] == 0xC7
    operator = mem.session(privilege=3)
    assert operator.call(APP, AppCommand.SET_USER_PAYLOAD_ACCESS, b"\x01\x42\x02\x00\x00\x00")[0] == 0xD4


def test_get_self_test_results(mem: MemoryBmc, admin: MemoryClient) -> None:
    data = admin.ok(APP, AppCommand.GET_SELF_TEST_RESULTS)
    assert app.decode_get_self_test_results_rs(data) == app.SelfTestResults(app.SelfTestResult.NO_ERROR, 0)
    mem.state.self_test = (0x57, 0x48)
    result = app.decode_get_self_test_results_rs(admin.ok(APP, AppCommand.GET_SELF_TEST_RESULTS))
    failure = app.SelfTestFailure
    assert result.failures == failure.CANNOT_ACCESS_SDR_REPOSITORY | failure.SDR_REPOSITORY_EMPTY
    assert admin.call(APP, AppCommand.GET_SELF_TEST_RESULTS, b"\x00")[0] == 0xC7


# ---------------------------------------------------------------------------------------------------- resets


def test_cold_reset_ends_sessions_after_answering_and_restores_volatile_settings(mem: MemoryBmc,
                                                                                 admin: MemoryClient) -> None:
    S = app.ChannelAccessSelector
    admin.ok(APP, AppCommand.SET_CHANNEL_ACCESS, app.encode_set_channel_access_rq(
        1, S.VOLATILE, app.ChannelAccessMode.ALWAYS_AVAILABLE, alerting_disabled=True))
    assert mem.state.access.alerting_disabled
    assert admin.call(APP, AppCommand.COLD_RESET) == (0, b"")
    assert mem.bmc.active_sessions() == []
    assert not mem.state.access.alerting_disabled
    assert mem.session().established  # the BMC is back


def test_idle_timeout_counts_from_the_last_packet(mem: MemoryBmc) -> None:
    """§22.19: a session closes after the idle timeout without traffic; every packet restarts the count (the
    table's wake-up is not moved per packet, set_no_later: the early wake-up finds it still busy)."""
    client = mem.session()
    for _ in range(6):  # three minutes, a request every 30 s: alive throughout
        mem.loop.advance(30)
        assert client.call(APP, AppCommand.GET_DEVICE_ID)[0] == 0
        assert len(mem.bmc.sessions20.sessions) == 1
    mem.loop.advance(59)
    assert len(mem.bmc.sessions20.sessions) == 1
    mem.loop.advance(2)  # 61 s after the last request
    assert len(mem.bmc.sessions20.sessions) == 0


def test_closed_v15_sessions_free_their_slot_at_once(mem: MemoryBmc) -> None:
    """A closed IPMI v1.5 session lingers to answer a retransmitted Close Session, but holds no slot: a console
    opening and closing sessions faster than they linger is never refused, and the table stays bounded."""
    limit = mem.state.max_sessions
    for _ in range(limit + 8):
        client = mem.session15()
        assert client.established
        assert client.call(APP, AppCommand.GET_DEVICE_ID)[0] == 0
        client.client.close(mem.loop.now)
        client.pump()
    assert mem.bmc.sessions15.dropped["session table full"] == 0
    assert len({id(s) for s, _ in mem.bmc.sessions15.sessions.values()}) <= limit
    mem.loop.advance(mem.bmc.sessions15.config.idle_timeout)
    assert mem.bmc.sessions15.sessions == {}
