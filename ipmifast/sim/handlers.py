"""Command handlers of the virtual BMC: (netfn, cmd) → handler(context, request data) → (cc, response data).

Each handler decodes its request with the ``cmds`` codec (a malformed request raises DecodeError, which the
dispatcher turns into C7h or CCh), acts on the BMC's state (``sim/state.py``), and encodes its response with the
codecs the client decodes with. The dispatcher (``VirtualBmc._handle``) has already checked the privilege Table G-1
requires (``cmds.COMMANDS``) and settled the state's timed transitions at ``ctx.now``.

Chapters: §20 (device), §21 (watchdog), §22 (channels, sessions, users), §22.15 (cipher suites), §24 (payloads),
§28 (chassis, Table 28-14 boot options), §23.1-23.2 (LAN configuration, Table 23-4), §26.2-26.3 (SOL configuration,
Table 26-5). Other modules (SDR, SEL, FRU) register more handlers with ``@handles``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any, NamedTuple

from ipmifast.cmds import app, chassis, transport
from ipmifast.cmds._common import PrivilegeLevel, SetInProgress
from ipmifast.cmds.app import (
    CURRENT_CHANNEL,
    AppCommand,
    ChannelAccessSelector,
    DeviceSupport,
    PasswordOperation,
    UserEnableStatus,
)
from ipmifast.cmds.chassis import (
    BootOptionParameter,
    ChassisCommand,
    ChassisControl,
    ChassisIdentifyState,
    LastPowerEvent,
    PowerRestorePolicy,
    RestartCause,
)
from ipmifast.cmds.transport import LanParameter, SolParameter, TransportCommand
from ipmifast.proto.bmc import BmcSession
from ipmifast.proto.bmc15 import BmcSession15, channel_auth_capabilities
from ipmifast.proto.cipher_suites import CIPHER_SUITES
from ipmifast.proto.consts import CompletionCode, NetFn, PayloadType, Privilege
from ipmifast.proto.sol import SolStatus
from ipmifast.sim.console import SOL_PAYLOAD_SIZE, HostConsole
from ipmifast.sim.state import LAN_CHANNEL, LAN_READ_ONLY, SOL_READ_ONLY, lan_field, sol_field

if TYPE_CHECKING:
    from ipmifast.sim.bmc import VirtualBmc

CC = CompletionCode
#: command-specific completion codes (§23.1, §26.2, §28.12; §21.5; §22.30; §24.1-24.2)
CC_PARAMETER_NOT_SUPPORTED = 0x80
CC_SET_IN_PROGRESS = 0x81
CC_READ_ONLY = 0x82
CC_WATCHDOG_NOT_INITIALIZED = 0x80
CC_PASSWORD_MISMATCH = 0x80
CC_PASSWORD_SIZE = 0x81
CC_PAYLOAD_ALREADY_ACTIVE = 0x80
CC_PAYLOAD_DISABLED = 0x81
CC_PAYLOAD_WITH_ENCRYPTION = 0x83
CC_PAYLOAD_WITHOUT_ENCRYPTION = 0x84
CC_PAYLOAD_ALREADY_DEACTIVATED = 0x80
CC_CHANNEL_SESSION_LESS = 0x82  # Get/Set Channel Access on a session-less channel

IDENTIFY_DEFAULT_INTERVAL = 15  # §28.5: "default = 15 seconds"
#: a "set in progress" nobody completes lapses after this long (ipmi_sim's never does: its limitation 7)
SET_IN_PROGRESS_TIMEOUT = 60.0
#: §28.12 (Table 28-14 parameter 3): the valid bit clears 60 s after the boot flags were set, unless a Chassis
#: Control command came first or parameter 3 says not to
BOOT_FLAGS_TIMEOUT = 60.0
IPMI_VENDOR_ID = 7154  # §22.24: IPMI's IANA number, for IPMI-defined channel protocols
SYSTEM_INTERFACE = 0x0F
IPMB_CHANNEL = 0x00
_SESSION_SETUP_PAYLOADS = frozenset(range(0x10, 0x16))

Result = tuple[int, bytes]


class Context(NamedTuple):
    """One request: the BMC, the session it came on (None before a session: Table G-1's session-less commands),
    and the fleet clock's time. (A tuple, not a dataclass: one is made per request.)"""

    bmc: VirtualBmc
    session: BmcSession | BmcSession15 | None
    now: float


Handler = Callable[[Context, bytes], Result]
HANDLERS: dict[tuple[int, int], Handler] = {}


def handles(netfn: int, cmd: int) -> Callable[[Handler], Handler]:
    """Register a handler for ``(netfn, cmd)`` (a request NetFn)."""

    def register(fn: Handler) -> Handler:
        HANDLERS[(int(netfn), int(cmd))] = fn
        return fn

    return register


def _lan_channel(channel: int) -> bool:
    return channel in (LAN_CHANNEL, CURRENT_CHANNEL)


def _ok(data: bytes = b"") -> Result:
    return 0, data


def _encoded(ctx: Context, name: str, key: tuple[Any, ...], encode: Callable[[], bytes]) -> bytes:
    """The response data ``encode()`` gives, encoded again only when ``key`` (every state value it reads) differs
    from the last time: monitoring polls the same few commands, and their answers change far less often."""
    cached = ctx.bmc.extensions.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    data = encode()
    ctx.bmc.extensions[name] = (key, data)
    return data


# ============================================================================================== §20 device


_DEVICE_SUPPORT = (DeviceSupport.SENSOR | DeviceSupport.SDR_REPOSITORY | DeviceSupport.SEL | DeviceSupport.FRU_INVENTORY
                   | DeviceSupport.IPMB_EVENT_RECEIVER | DeviceSupport.CHASSIS)


@handles(NetFn.APP, AppCommand.GET_DEVICE_ID)
def get_device_id(ctx: Context, data: bytes) -> Result:
    app.decode_get_device_id_rq(data)
    s = ctx.bmc.state
    key = (s.device_id, s.device_revision, s.firmware, s.manufacturer_id, s.product_id, s.aux_firmware)
    return _ok(_encoded(ctx, "device_id", key, lambda: app.encode_get_device_id_rs(
        app.DeviceId(
            device_id=s.device_id, device_revision=s.device_revision, provides_sdrs=False,
            device_available=True, firmware_major=s.firmware[0], firmware_minor=s.firmware[1],
            ipmi_version="2.0", additional_device_support=_DEVICE_SUPPORT, manufacturer_id=s.manufacturer_id,
            product_id=s.product_id, aux_firmware_revision=s.aux_firmware,
        )
    )))


@handles(NetFn.APP, AppCommand.GET_SELF_TEST_RESULTS)
def get_self_test_results(ctx: Context, data: bytes) -> Result:
    app.decode_get_self_test_results_rq(data)
    result, detail = ctx.bmc.state.self_test
    return _ok(app.encode_get_self_test_results_rs(app.SelfTestResults(result, detail)))


@handles(NetFn.APP, AppCommand.COLD_RESET)
def cold_reset(ctx: Context, data: bytes) -> Result:
    """§20.2: the BMC restarts: volatile settings go back to their non-volatile values, sessions end (after this
    answer), the watchdog stops. The host is not touched."""
    app.decode_cold_reset_rq(data)
    ctx.bmc.request_reset(ctx.now, cold=True)
    return _ok(app.encode_cold_reset_rs())


@handles(NetFn.APP, AppCommand.WARM_RESET)
def warm_reset(ctx: Context, data: bytes) -> Result:
    """§20.3: like a cold reset, but volatile settings are kept."""
    app.decode_warm_reset_rq(data)
    ctx.bmc.request_reset(ctx.now, cold=False)
    return _ok(app.encode_warm_reset_rs())


@handles(NetFn.APP, AppCommand.GET_DEVICE_GUID)
def get_device_guid(ctx: Context, data: bytes) -> Result:
    app.decode_get_device_guid_rq(data)
    return _ok(app.encode_get_device_guid_rs(app.Guid(ctx.bmc.state.guid)))


@handles(NetFn.APP, AppCommand.GET_SYSTEM_GUID)
def get_system_guid(ctx: Context, data: bytes) -> Result:
    app.decode_get_system_guid_rq(data)
    return _ok(app.encode_get_system_guid_rs(app.Guid(ctx.bmc.state.system_guid)))


# ============================================================================================ §21 watchdog


@handles(NetFn.APP, AppCommand.RESET_WATCHDOG_TIMER)
def reset_watchdog_timer(ctx: Context, data: bytes) -> Result:
    app.decode_reset_watchdog_timer_rq(data)
    w = ctx.bmc.state.watchdog
    if not w.initialized:
        return CC_WATCHDOG_NOT_INITIALIZED, b""
    w.start(ctx.now)
    ctx.bmc.timers_changed()
    return _ok(app.encode_reset_watchdog_timer_rs())


@handles(NetFn.APP, AppCommand.SET_WATCHDOG_TIMER)
def set_watchdog_timer(ctx: Context, data: bytes) -> Result:
    rq = app.decode_set_watchdog_timer_rq(data)
    w = ctx.bmc.state.watchdog
    was_running = w.running
    w.timer_use = rq.timer_use
    w.timeout_action = rq.timeout_action
    w.pre_timeout_interrupt = rq.pre_timeout_interrupt
    w.pre_timeout_interval = rq.pre_timeout_interval
    w.dont_log = rq.dont_log
    w.expiration_flags &= ~rq.expiration_flags_clear
    w.initial_countdown = rq.initial_countdown
    w.initialized = True
    if was_running and rq.dont_stop:  # "the countdown is set to the given value and continues from there"
        w.start(ctx.now)
    else:
        w.running = False
        w.stopped_countdown = rq.initial_countdown
    ctx.bmc.timers_changed()
    return _ok(app.encode_set_watchdog_timer_rs())


@handles(NetFn.APP, AppCommand.GET_WATCHDOG_TIMER)
def get_watchdog_timer(ctx: Context, data: bytes) -> Result:
    app.decode_get_watchdog_timer_rq(data)
    w = ctx.bmc.state.watchdog
    return _ok(
        app.encode_get_watchdog_timer_rs(
            app.WatchdogTimer(
                timer_use=w.timer_use, dont_log=w.dont_log, running=w.running, timeout_action=w.timeout_action,
                pre_timeout_interrupt=w.pre_timeout_interrupt, pre_timeout_interval=w.pre_timeout_interval,
                expiration_flags=w.expiration_flags, initial_countdown=w.initial_countdown,
                present_countdown=w.present(ctx.now),
            )
        )
    )


# ============================================================================== §22 channels and sessions


@handles(NetFn.APP, AppCommand.GET_CHANNEL_AUTHENTICATION_CAPABILITIES)
def get_channel_authentication_capabilities(ctx: Context, data: bytes) -> Result:
    """§22.13, answered in a session exactly as before one (the v1.5 core answers the pre-session request)."""
    app.decode_get_channel_authentication_capabilities_rq(data)
    return channel_auth_capabilities(ctx.bmc.sessions15.config, data)


@handles(NetFn.APP, AppCommand.GET_SESSION_INFO)
def get_session_info(ctx: Context, data: bytes) -> Result:
    rq = app.decode_get_session_info_rq(data)
    bmc = ctx.bmc
    active = bmc.active_sessions()
    found = None
    if rq.session_index == app.SESSION_INDEX_CURRENT:
        found = next((i for i, a in enumerate(active) if a.session is ctx.session), None)
    elif rq.session_index == app.SESSION_INDEX_BY_HANDLE:
        handle = rq.session_handle or 0
        found = handle - 1 if 1 <= handle <= len(active) else None
    elif rq.session_index == app.SESSION_INDEX_BY_ID:
        found = next((i for i, a in enumerate(active) if a.session_id == rq.session_id), None)
    elif 1 <= rq.session_index <= len(active):
        found = rq.session_index - 1
    slots = min(bmc.state.max_sessions, 0x3F)
    if found is None:
        return _ok(app.encode_get_session_info_rs(app.SessionInfo(0, slots, min(len(active), 0x3F))))
    a = active[found]
    info = app.ActiveSession(
        user_id=bmc.state.uid_of(a.user_name),
        privilege=PrivilegeLevel(a.session.privilege),
        session_protocol=app.SessionProtocol.IPMI_V20 if isinstance(a.session, BmcSession) else
        app.SessionProtocol.IPMI_V15,
        channel=LAN_CHANNEL,
        lan=app.SessionLanInfo(IPv4Address(a.address[0]), "00:00:00:00:00:00", a.address[1]),
    )
    return _ok(app.encode_get_session_info_rs(app.SessionInfo(found + 1, slots, min(len(active), 0x3F), info)))


@handles(NetFn.APP, AppCommand.GET_CHANNEL_INFO)
def get_channel_info(ctx: Context, data: bytes) -> Result:
    channel = app.decode_get_channel_info_rq(data).channel
    if _lan_channel(channel):
        info = app.ChannelInfo(
            LAN_CHANNEL, app.ChannelMediumType.LAN_802_3, app.ChannelProtocolType.IPMB,
            app.SessionSupport.MULTI_SESSION, min(len(ctx.bmc.active_sessions()), 0x3F), IPMI_VENDOR_ID,
        )
    elif channel == IPMB_CHANNEL:
        info = app.ChannelInfo(
            IPMB_CHANNEL, app.ChannelMediumType.IPMB, app.ChannelProtocolType.IPMB, app.SessionSupport.SESSION_LESS,
            0, IPMI_VENDOR_ID,
        )
    elif channel == SYSTEM_INTERFACE:
        info = app.ChannelInfo(
            SYSTEM_INTERFACE, app.ChannelMediumType.SYSTEM_INTERFACE, app.ChannelProtocolType.KCS,
            app.SessionSupport.SESSION_LESS, 0, IPMI_VENDOR_ID, b"\xff\xff",
        )
    else:
        return CC.INVALID_DATA_FIELD, b""
    return _ok(app.encode_get_channel_info_rs(info))


@handles(NetFn.APP, AppCommand.GET_CHANNEL_ACCESS)
def get_channel_access(ctx: Context, data: bytes) -> Result:
    rq = app.decode_get_channel_access_rq(data)
    if rq.channel in (IPMB_CHANNEL, SYSTEM_INTERFACE):
        return CC_CHANNEL_SESSION_LESS, b""
    if not _lan_channel(rq.channel):
        return CC.INVALID_DATA_FIELD, b""
    s = ctx.bmc.state
    access = s.access if rq.access_type == ChannelAccessSelector.VOLATILE else s.access_non_volatile
    return _ok(app.encode_get_channel_access_rs(access))


@handles(NetFn.APP, AppCommand.SET_CHANNEL_ACCESS)
def set_channel_access(ctx: Context, data: bytes) -> Result:
    rq = app.decode_set_channel_access_rq(data)
    if rq.channel in (IPMB_CHANNEL, SYSTEM_INTERFACE):
        return CC_CHANNEL_SESSION_LESS, b""
    if not _lan_channel(rq.channel):
        return CC.INVALID_DATA_FIELD, b""
    if rq.privilege_limit_set != ChannelAccessSelector.DONT_SET and not (
        Privilege.CALLBACK <= rq.privilege_limit <= Privilege.OEM
    ):
        return CC.INVALID_DATA_FIELD, b""
    s = ctx.bmc.state
    for selector, attr in ((ChannelAccessSelector.VOLATILE, "access"),
                           (ChannelAccessSelector.NON_VOLATILE, "access_non_volatile")):
        access = getattr(s, attr)
        if rq.access_set == selector:
            access = replace(
                access, access_mode=rq.access_mode, alerting_disabled=rq.alerting_disabled,
                per_message_authentication_disabled=rq.per_message_authentication_disabled,
                user_level_authentication_disabled=rq.user_level_authentication_disabled,
            )
        if rq.privilege_limit_set == selector:
            access = replace(access, privilege_limit=rq.privilege_limit)
        setattr(s, attr, access)
    ctx.bmc.reconfigure()
    ctx.bmc.changed()
    return _ok(app.encode_set_channel_access_rs())


# ============================================================================================= §22 users


@handles(NetFn.APP, AppCommand.GET_USER_ACCESS)
def get_user_access(ctx: Context, data: bytes) -> Result:
    rq = app.decode_get_user_access_rq(data)
    s = ctx.bmc.state
    user = s.user(rq.user_id)
    if not _lan_channel(rq.channel) or user is None:
        return CC.INVALID_DATA_FIELD, b""
    return _ok(
        app.encode_get_user_access_rs(
            app.UserAccess(
                max_user_ids=len(s.users),
                enable_status=UserEnableStatus(user.enable_status),
                enabled_user_ids=sum(1 for u in s.users if u.enabled),
                fixed_name_user_ids=1,  # the null user
                callback_only=user.callback_only,
                link_authentication=user.link_auth,
                ipmi_messaging=user.ipmi_messaging,
                privilege_limit=PrivilegeLevel(user.privilege),
            )
        )
    )


@handles(NetFn.APP, AppCommand.SET_USER_ACCESS)
def set_user_access(ctx: Context, data: bytes) -> Result:
    rq = app.decode_set_user_access_rq(data)
    user = ctx.bmc.state.user(rq.user_id)
    level = rq.privilege_limit
    if not _lan_channel(rq.channel) or user is None:
        return CC.INVALID_DATA_FIELD, b""
    if not (Privilege.CALLBACK <= level <= Privilege.OEM or level == PrivilegeLevel.NO_ACCESS):
        return CC.INVALID_DATA_FIELD, b""
    if rq.change_access_bits:
        user.callback_only = rq.callback_only
        user.link_auth = rq.link_authentication
        user.ipmi_messaging = rq.ipmi_messaging
    user.privilege = level
    if rq.session_limit is not None:
        user.session_limit = rq.session_limit
    ctx.bmc.reconfigure()
    ctx.bmc.changed()
    return _ok(app.encode_set_user_access_rs())


@handles(NetFn.APP, AppCommand.GET_USER_NAME)
def get_user_name(ctx: Context, data: bytes) -> Result:
    user = ctx.bmc.state.user(app.decode_get_user_name_rq(data).user_id)
    if user is None:
        return CC.INVALID_DATA_FIELD, b""
    return _ok(app.encode_get_user_name_rs(app.UserName(user.name)))


@handles(NetFn.APP, AppCommand.SET_USER_NAME)
def set_user_name(ctx: Context, data: bytes) -> Result:
    rq = app.decode_set_user_name_rq(data)
    user = ctx.bmc.state.user(rq.user_id)
    if user is None or user.uid == 1:  # user 1's name is fixed (null)
        return CC.INVALID_DATA_FIELD, b""
    user.name = rq.user_name
    ctx.bmc.reconfigure()
    ctx.bmc.changed()
    return _ok(app.encode_set_user_name_rs())


@handles(NetFn.APP, AppCommand.SET_USER_PASSWORD)
def set_user_password(ctx: Context, data: bytes) -> Result:
    rq = app.decode_set_user_password_rq(data)
    user = ctx.bmc.state.user(rq.user_id)
    if user is None:
        return CC.INVALID_DATA_FIELD, b""
    op = rq.operation
    if op == PasswordOperation.TEST_PASSWORD:
        if rq.password_size != user.password_size:
            return CC_PASSWORD_SIZE, b""
        return (0 if rq.password == user.password else CC_PASSWORD_MISMATCH), b""
    if op == PasswordOperation.SET_PASSWORD:
        user.password = rq.password
        user.password_size = rq.password_size
    elif op == PasswordOperation.ENABLE_USER:
        user.enabled = True
        user.enable_status = UserEnableStatus.ENABLED
    else:
        user.enabled = False
        user.enable_status = UserEnableStatus.DISABLED
    ctx.bmc.reconfigure()
    ctx.bmc.changed()
    return _ok(app.encode_set_user_password_rs())


# ========================================================================================== §24 payloads


@handles(NetFn.APP, AppCommand.ACTIVATE_PAYLOAD)
def activate_payload(ctx: Context, data: bytes) -> Result:
    rq = app.decode_activate_payload_rq(data)
    if rq.payload_type != PayloadType.SOL or rq.payload_instance != 1:
        return CC.INVALID_DATA_FIELD, b""
    session = ctx.session
    if not isinstance(session, BmcSession):
        return CC.NOT_SUPPORTED_IN_PRESENT_STATE, b""  # payloads need an RMCP+ session
    bmc = ctx.bmc
    sol = bmc.state.sol
    if not sol.sol_enable:
        return CC_PAYLOAD_DISABLED, b""
    if session.privilege < sol.sol_authentication.privilege:
        return CC.INSUFFICIENT_PRIVILEGE, b""
    slot = bmc.state.user(bmc.state.uid_of(session.user.name if session.user else b""))
    if slot is None or PayloadType.SOL not in slot.payloads:  # Set User Payload Access disabled it (§24.6)
        return CC.INSUFFICIENT_PRIVILEGE, b""
    if bmc.sol_active() is not None:
        return CC_PAYLOAD_ALREADY_ACTIVE, b""
    aux = app.decode_sol_activation(rq.auxiliary_data)
    encrypted = bool(session.suite.confidentiality)
    if aux.encrypt and not encrypted:
        return CC_PAYLOAD_WITH_ENCRYPTION, b""
    if sol.sol_authentication.force_encryption and not (aux.encrypt and encrypted):
        return CC_PAYLOAD_WITHOUT_ENCRYPTION, b""
    if (aux.authenticate or sol.sol_authentication.force_authentication) and not session.suite.integrity:
        return CC.INVALID_DATA_FIELD, b""
    chars = sol.character_accumulate_interval_and_send_threshold
    retry = sol.sol_retry
    console = HostConsole(
        bmc.host_shell, powered=bmc.state.chassis.power_on, retry_count=retry.retry_count,
        retry_interval=max(retry.retry_interval, 1) * 0.01, ack_delay=chars.accumulate_interval * 0.005,
    )
    session.attach_sol(console)
    bmc.sol_attach(session, console)
    return _ok(
        app.encode_activate_payload_rs(
            app.PayloadActivation(b"\x00\x00\x00\x00", SOL_PAYLOAD_SIZE, SOL_PAYLOAD_SIZE,
                                  sol.sol_payload_port_number)
        )
    )


@handles(NetFn.APP, AppCommand.DEACTIVATE_PAYLOAD)
def deactivate_payload(ctx: Context, data: bytes) -> Result:
    rq = app.decode_deactivate_payload_rq(data)
    if rq.payload_type != PayloadType.SOL or rq.payload_instance != 1:
        return CC.INVALID_DATA_FIELD, b""
    if not ctx.bmc.state.sol.sol_enable:
        return CC_PAYLOAD_DISABLED, b""
    active = ctx.bmc.sol_active()
    if active is None:
        return CC_PAYLOAD_ALREADY_DEACTIVATED, b""
    session, console = active
    console.set_status(SolStatus.SOL_DEACTIVATING)  # tells the console of that session, if it is another one
    console.powered = False
    session.detach_sol(ctx.now)
    ctx.bmc.sol_detach()
    if session is not ctx.session:  # the notice goes out on that session, after this answer
        ctx.bmc.schedule(ctx.now, lambda: ctx.bmc.sessions20.flush(session.sid_c, ctx.bmc.clock()))
    return _ok(app.encode_deactivate_payload_rs())


@handles(NetFn.APP, AppCommand.GET_PAYLOAD_ACTIVATION_STATUS)
def get_payload_activation_status(ctx: Context, data: bytes) -> Result:
    ptype = app.decode_get_payload_activation_status_rq(data).payload_type
    if ptype != PayloadType.SOL:
        return CC.INVALID_DATA_FIELD, b""
    active = frozenset({1}) if ctx.bmc.sol_active() is not None else frozenset()
    return _ok(app.encode_get_payload_activation_status_rs(app.PayloadActivationStatus(1, active)))


@handles(NetFn.APP, AppCommand.SET_USER_PAYLOAD_ACCESS)
def set_user_payload_access(ctx: Context, data: bytes) -> Result:
    rq = app.decode_set_user_payload_access_rq(data)
    user = ctx.bmc.state.user(rq.user_id)
    if not _lan_channel(rq.channel) or user is None:
        return CC.INVALID_DATA_FIELD, b""
    listed = rq.payloads.standard | rq.payloads.oem
    if rq.operation == app.UserPayloadOperation.ENABLE:
        user.payloads = user.payloads | listed
    else:
        user.payloads = user.payloads - listed
    ctx.bmc.changed()
    return _ok(app.encode_set_user_payload_access_rs())


@handles(NetFn.APP, AppCommand.GET_USER_PAYLOAD_ACCESS)
def get_user_payload_access(ctx: Context, data: bytes) -> Result:
    rq = app.decode_get_user_payload_access_rq(data)
    user = ctx.bmc.state.user(rq.user_id)
    if not _lan_channel(rq.channel) or user is None:
        return CC.INVALID_DATA_FIELD, b""
    return _ok(app.encode_get_user_payload_access_rs(app.UserPayloadAccess(
        frozenset(t for t in user.payloads if t < 0x20), frozenset(t for t in user.payloads if t >= 0x20))))


@handles(NetFn.APP, AppCommand.GET_CHANNEL_PAYLOAD_SUPPORT)
def get_channel_payload_support(ctx: Context, data: bytes) -> Result:
    if not _lan_channel(app.decode_get_channel_payload_support_rq(data).channel):
        return CC.INVALID_DATA_FIELD, b""
    return _ok(
        app.encode_get_channel_payload_support_rs(
            app.ChannelPayloadSupport(frozenset({PayloadType.IPMI, PayloadType.SOL}), _SESSION_SETUP_PAYLOADS)
        )
    )


@handles(NetFn.APP, AppCommand.GET_CHANNEL_CIPHER_SUITES)
def get_channel_cipher_suites(ctx: Context, data: bytes) -> Result:
    """§22.15: the suites of LAN parameter 23 that are offered, as records; or, without "list by cipher suite",
    each supported algorithm once (tagged as in a record, without start-of-record bytes)."""
    rq = app.decode_get_channel_cipher_suites_rq(data)
    if not _lan_channel(rq.channel) or rq.payload_type not in (PayloadType.IPMI, PayloadType.SOL):
        return CC.INVALID_DATA_FIELD, b""
    offered = ctx.bmc.state.lan.offered_cipher_suites()
    suites = [CIPHER_SUITES[i] for i in ctx.bmc.state.lan.cipher_suite_entries if i in offered]
    records = app.encode_cipher_suite_records(
        [app.CipherSuiteRecord(s.id, (s.auth,), (s.integrity,), (s.confidentiality,)) for s in suites]
    )
    if not rq.list_by_cipher_suite:
        algorithms: list[int] = []
        for s in suites:
            for tagged in (s.auth, 0x40 | s.integrity, 0x80 | s.confidentiality):
                if tagged not in algorithms:
                    algorithms.append(tagged)
        records = bytes(algorithms)
    start = rq.list_index * app.CIPHER_SUITE_RECORD_BLOCK
    block = records[start : start + app.CIPHER_SUITE_RECORD_BLOCK]
    return _ok(app.encode_get_channel_cipher_suites_rs(app.ChannelCipherSuites(LAN_CHANNEL, block)))


# ============================================================================================ §28 chassis


@handles(NetFn.CHASSIS, ChassisCommand.GET_CHASSIS_CAPABILITIES)
def get_chassis_capabilities(ctx: Context, data: bytes) -> Result:
    chassis.decode_get_chassis_capabilities_rq(data)
    return _ok(
        chassis.encode_get_chassis_capabilities_rs(
            chassis.ChassisCapabilities(
                intrusion_sensor=True, front_panel_lockout=True, diagnostic_interrupt=True, power_interlock=False,
                fru_info_device_address=0x20, sdr_device_address=0x20, sel_device_address=0x20,
                system_management_device_address=0x20,
            )
        )
    )


@handles(NetFn.CHASSIS, ChassisCommand.GET_CHASSIS_STATUS)
def get_chassis_status(ctx: Context, data: bytes) -> Result:
    chassis.decode_get_chassis_status_rq(data)
    c = ctx.bmc.state.chassis
    identify = ChassisIdentifyState.OFF
    if c.identify_forced:
        identify = ChassisIdentifyState.INDEFINITE_ON
    elif ctx.now < c.identify_until:
        identify = ChassisIdentifyState.TEMPORARY_ON
    key = (c.power_on, c.power_overload, c.interlock, c.power_fault, c.power_control_fault, c.restore_policy,
           c.last_power_event, c.intrusion, c.front_panel_lockout, c.drive_fault, c.cooling_fault, identify,
           c.front_panel)
    return _ok(_encoded(ctx, "chassis_status", key, lambda: chassis.encode_get_chassis_status_rs(
        chassis.ChassisStatus(
            power_on=c.power_on, power_overload=c.power_overload, interlock=c.interlock,
            power_fault=c.power_fault, power_control_fault=c.power_control_fault,
            restore_policy=c.restore_policy, last_power_event=c.last_power_event, intrusion=c.intrusion,
            front_panel_lockout=c.front_panel_lockout, drive_fault=c.drive_fault, cooling_fault=c.cooling_fault,
            identify_state=identify, front_panel=c.front_panel,
        )
    )))


@handles(NetFn.CHASSIS, ChassisCommand.CHASSIS_CONTROL)
def chassis_control(ctx: Context, data: bytes) -> Result:
    """§28.3. Power up/down and reset act at once; a soft shutdown leaves the power on for ``soft_off_delay``
    (the OS shutting down), a power cycle keeps it off for ``cycle_delay``. Cycle and reset need the power on
    (D5h otherwise, as most BMCs answer)."""
    control = chassis.decode_chassis_control_rq(data).control
    bmc = ctx.bmc
    c = bmc.state.chassis
    now = ctx.now
    c.boot.flags_set_at = None  # a Chassis Control command stops the boot flags' 60 s timeout
    if control == ChassisControl.POWER_DOWN:
        c.pending = None
        bmc.power(False, now, "power-off")
    elif control == ChassisControl.POWER_UP:
        c.pending = None
        if not c.power_on:
            c.last_power_event = LastPowerEvent.POWER_ON_BY_IPMI
            bmc.power(True, now, "power-on", RestartCause.CHASSIS_CONTROL)
    elif control == ChassisControl.SOFT_SHUTDOWN:
        if c.power_on and c.pending is None:
            c.pending = (False, now + c.soft_off_delay)
            bmc.event("soft-off", now)
    elif control == ChassisControl.POWER_CYCLE:
        if not c.power_on:
            return CC.NOT_SUPPORTED_IN_PRESENT_STATE, b""
        bmc.power(False, now, "power-cycle")
        c.pending = (True, now + c.cycle_delay)
        c.last_power_event = LastPowerEvent.POWER_ON_BY_IPMI
    elif control == ChassisControl.HARD_RESET:
        if not c.power_on:
            return CC.NOT_SUPPORTED_IN_PRESENT_STATE, b""
        bmc.reset_host(now, RestartCause.CHASSIS_CONTROL)
    else:  # diagnostic interrupt: an NMI the host logs; nothing for the BMC to keep
        if not c.power_on:
            return CC.NOT_SUPPORTED_IN_PRESENT_STATE, b""
        bmc.event("diagnostic-interrupt", now)
    bmc.timers_changed()
    bmc.changed()
    return _ok(chassis.encode_chassis_control_rs())


@handles(NetFn.CHASSIS, ChassisCommand.CHASSIS_IDENTIFY)
def chassis_identify(ctx: Context, data: bytes) -> Result:
    rq = chassis.decode_chassis_identify_rq(data)
    c = ctx.bmc.state.chassis
    if rq.force_on:
        c.identify_forced = True
    else:
        c.identify_forced = False
        interval = IDENTIFY_DEFAULT_INTERVAL if rq.interval is None else rq.interval
        c.identify_until = ctx.now + interval
    return _ok(chassis.encode_chassis_identify_rs())


@handles(NetFn.CHASSIS, ChassisCommand.SET_POWER_RESTORE_POLICY)
def set_power_restore_policy(ctx: Context, data: bytes) -> Result:
    policy = chassis.decode_set_power_restore_policy_rq(data).policy
    if policy != PowerRestorePolicy.NO_CHANGE:
        ctx.bmc.state.chassis.restore_policy = policy
        ctx.bmc.changed()
    return _ok(chassis.encode_set_power_restore_policy_rs(chassis.PowerRestorePolicySupport(True, True, True)))


@handles(NetFn.CHASSIS, ChassisCommand.GET_SYSTEM_RESTART_CAUSE)
def get_system_restart_cause(ctx: Context, data: bytes) -> Result:
    chassis.decode_get_system_restart_cause_rq(data)
    c = ctx.bmc.state.chassis
    return _ok(chassis.encode_get_system_restart_cause_rs(chassis.SystemRestartCause(c.restart_cause,
                                                                                      c.restart_channel)))


@handles(NetFn.CHASSIS, ChassisCommand.GET_POH_COUNTER)
def get_poh_counter(ctx: Context, data: bytes) -> Result:
    chassis.decode_get_poh_counter_rq(data)
    hours = ctx.bmc.state.chassis.poh(ctx.now) // 60
    return _ok(chassis.encode_get_poh_counter_rs(chassis.PohCounter(60, hours)))


def _set_in_progress(current: SetInProgress, since: float, value: int, now: float) -> tuple[int, SetInProgress]:
    """Parameter 0 of LAN, SOL and boot option configuration: (completion code, new value). Setting "set in
    progress" while it is in progress is 81h (another party claimed the parameters), unless that claim lapsed;
    "commit write" commits at once (writes take effect as written) and completes."""
    lapsed = now - since > SET_IN_PROGRESS_TIMEOUT
    if value == SetInProgress.SET_IN_PROGRESS and current == SetInProgress.SET_IN_PROGRESS and not lapsed:
        return CC_SET_IN_PROGRESS, current
    if value == SetInProgress.COMMIT_WRITE:
        return 0, SetInProgress.SET_COMPLETE
    return 0, SetInProgress(value)


@handles(NetFn.CHASSIS, ChassisCommand.SET_SYSTEM_BOOT_OPTIONS)
def set_system_boot_options(ctx: Context, data: bytes) -> Result:
    rq = chassis.decode_set_system_boot_options_rq(data)
    boot = ctx.bmc.state.chassis.boot
    p, value = rq.parameter, rq.value
    if p > BootOptionParameter.BOOT_INITIATOR_MAILBOX:
        return CC_PARAMETER_NOT_SUPPORTED, b""
    if p == BootOptionParameter.SET_IN_PROGRESS and isinstance(value, int):
        cc, new = _set_in_progress(boot.set_in_progress, boot.set_in_progress_since, value, ctx.now)
        if new != boot.set_in_progress:
            boot.set_in_progress_since = ctx.now
        boot.set_in_progress = new
        return cc, b""
    if p == BootOptionParameter.SERVICE_PARTITION_SELECTOR and isinstance(value, int):
        boot.service_partition_selector = value
    elif isinstance(value, chassis.ServicePartitionScan):
        boot.service_partition_scan = value
    elif p == BootOptionParameter.BOOT_FLAG_VALID_BIT_CLEARING and isinstance(value, int):
        boot.valid_bit_clearing = chassis.BootFlagValidBitClearing(value)
    elif isinstance(value, chassis.BootInfoAcknowledge):
        mask = value.write_mask
        boot.acknowledged = chassis.BootInitiators((boot.acknowledged & ~mask) | (value.acknowledged & mask))
    elif isinstance(value, chassis.BootFlags):
        boot.flags = value
        boot.flags_set_at = ctx.now if value.boot_flags_valid else None
        ctx.bmc.changed()
        ctx.bmc.timers_changed()
    elif isinstance(value, chassis.BootInitiatorInfo):
        boot.initiator = value
    elif isinstance(value, chassis.BootInitiatorMailbox):
        boot.mailbox[value.set_selector] = value.block_data.ljust(16, b"\x00")
    else:
        return CC.INVALID_DATA_FIELD, b""
    return _ok(chassis.encode_set_system_boot_options_rs())


@handles(NetFn.CHASSIS, ChassisCommand.GET_SYSTEM_BOOT_OPTIONS)
def get_system_boot_options(ctx: Context, data: bytes) -> Result:
    rq = chassis.decode_get_system_boot_options_rq(data)
    boot = ctx.bmc.state.chassis.boot
    p = rq.parameter
    value: chassis.BootOptionValue
    if p == BootOptionParameter.SET_IN_PROGRESS:
        value = boot.set_in_progress
    elif p == BootOptionParameter.SERVICE_PARTITION_SELECTOR:
        value = boot.service_partition_selector
    elif p == BootOptionParameter.SERVICE_PARTITION_SCAN:
        value = boot.service_partition_scan
    elif p == BootOptionParameter.BOOT_FLAG_VALID_BIT_CLEARING:
        value = boot.valid_bit_clearing
    elif p == BootOptionParameter.BOOT_INFO_ACKNOWLEDGE:
        value = chassis.BootInfoAcknowledge(chassis.BootInitiators(0), boot.acknowledged)
    elif p == BootOptionParameter.BOOT_FLAGS:
        value = boot.flags
    elif p == BootOptionParameter.BOOT_INITIATOR_INFO:
        value = boot.initiator
    elif p == BootOptionParameter.BOOT_INITIATOR_MAILBOX:
        value = chassis.BootInitiatorMailbox(rq.set_selector, boot.mailbox.get(rq.set_selector, bytes(16)))
    else:
        return CC_PARAMETER_NOT_SUPPORTED, b""
    return _ok(chassis.encode_get_system_boot_options_rs(chassis.SystemBootOption(p, value)))


# ============================================================================= §23 LAN, §26 SOL configuration


def _lan_check(ctx: Context, p: int, value: transport.LanValue) -> int:
    """Completion code of writing ``value`` to LAN parameter ``p`` (0: acceptable)."""
    lan = ctx.bmc.state.lan
    if p == LanParameter.AUTHENTICATION_TYPE_ENABLES and isinstance(value, transport.AuthTypeEnables):
        levels = (value.callback, value.user, value.operator, value.administrator, value.oem)
        if any(level & ~lan.authentication_type_support for level in levels):
            return CC.INVALID_DATA_FIELD
    if p == LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS and isinstance(value, tuple):
        if any(not PrivilegeLevel.UNSPECIFIED <= level <= PrivilegeLevel.OEM for level in value):
            return CC.INVALID_DATA_FIELD
    return 0


@handles(NetFn.TRANSPORT, TransportCommand.SET_LAN_CONFIGURATION_PARAMETERS)
def set_lan_configuration_parameters(ctx: Context, data: bytes) -> Result:
    if len(data) >= 2 and data[1] not in LanParameter._value2member_map_:
        return CC_PARAMETER_NOT_SUPPORTED, b""  # before decoding: unknown parameters have no length rule
    rq = transport.decode_set_lan_configuration_parameters_rq(data)
    if not _lan_channel(rq.channel):
        return CC.INVALID_DATA_FIELD, b""
    lan = ctx.bmc.state.lan
    p, value = rq.parameter, rq.value
    if p == LanParameter.SET_IN_PROGRESS and isinstance(value, int):
        cc, new = _set_in_progress(lan.set_in_progress, lan.set_in_progress_since, value, ctx.now)
        if new != lan.set_in_progress:
            lan.set_in_progress_since = ctx.now
        lan.set_in_progress = new
        return cc, b""
    if p in LAN_READ_ONLY:
        return CC_READ_ONLY, b""
    cc = _lan_check(ctx, p, value)
    if cc:
        return cc, b""
    setattr(lan, lan_field(p), value)
    if p in (LanParameter.AUTHENTICATION_TYPE_ENABLES, LanParameter.CIPHER_SUITE_PRIVILEGE_LEVELS):
        ctx.bmc.reconfigure()
    ctx.bmc.changed()
    return _ok(transport.encode_set_lan_configuration_parameters_rs())


@handles(NetFn.TRANSPORT, TransportCommand.GET_LAN_CONFIGURATION_PARAMETERS)
def get_lan_configuration_parameters(ctx: Context, data: bytes) -> Result:
    rq = transport.decode_get_lan_configuration_parameters_rq(data)
    if not _lan_channel(rq.channel):
        return CC.INVALID_DATA_FIELD, b""
    if rq.revision_only:
        value = None
    elif rq.parameter in LanParameter._value2member_map_:
        value = ctx.bmc.state.lan.get(rq.parameter)
    else:
        return CC_PARAMETER_NOT_SUPPORTED, b""
    return _ok(
        transport.encode_get_lan_configuration_parameters_rs(transport.LanConfigurationParameter(rq.parameter, value))
    )


@handles(NetFn.TRANSPORT, TransportCommand.SET_SOL_CONFIGURATION_PARAMETERS)
def set_sol_configuration_parameters(ctx: Context, data: bytes) -> Result:
    if len(data) >= 2 and data[1] not in SolParameter._value2member_map_:
        return CC_PARAMETER_NOT_SUPPORTED, b""
    rq = transport.decode_set_sol_configuration_parameters_rq(data)
    if not _lan_channel(rq.channel):
        return CC.INVALID_DATA_FIELD, b""
    sol = ctx.bmc.state.sol
    p, value = rq.parameter, rq.value
    if p == SolParameter.SET_IN_PROGRESS and isinstance(value, int):
        cc, new = _set_in_progress(sol.set_in_progress, sol.set_in_progress_since, value, ctx.now)
        if new != sol.set_in_progress:
            sol.set_in_progress_since = ctx.now
        sol.set_in_progress = new
        return cc, b""
    if p in SOL_READ_ONLY:
        return CC_READ_ONLY, b""
    if isinstance(value, transport.SolAuthentication) and not (
        Privilege.USER <= value.privilege <= Privilege.OEM
    ):
        return CC.INVALID_DATA_FIELD, b""
    if isinstance(value, transport.SolCharacterParameters) and value.accumulate_interval == 0:
        return CC.INVALID_DATA_FIELD, b""  # 1-based: 0 is reserved
    setattr(sol, sol_field(p), value)
    ctx.bmc.changed()
    return _ok(transport.encode_set_sol_configuration_parameters_rs())


@handles(NetFn.TRANSPORT, TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS)
def get_sol_configuration_parameters(ctx: Context, data: bytes) -> Result:
    rq = transport.decode_get_sol_configuration_parameters_rq(data)
    if not _lan_channel(rq.channel):
        return CC.INVALID_DATA_FIELD, b""
    if rq.revision_only:
        value = None
    elif rq.parameter in SolParameter._value2member_map_:
        value = ctx.bmc.state.sol.get(rq.parameter)
    else:
        return CC_PARAMETER_NOT_SUPPORTED, b""
    return _ok(
        transport.encode_get_sol_configuration_parameters_rs(transport.SolConfigurationParameter(rq.parameter, value))
    )


__all__ = ["HANDLERS", "Context", "Handler", "handles"]
