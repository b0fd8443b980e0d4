"""The state of one virtual BMC, as plain data: identity (§20), watchdog (§21), LAN channel 1 and its users (§22,
Table 23-4), SOL configuration (Table 26-5), chassis and boot options (§28, Table 28-14). ``sim/profiles.py`` builds
it; ``sim/handlers.py`` reads and changes it.

Configuration parameters are kept as the typed values of the ``cmds`` codecs, in fields named after their
parameter (``LanParameter.IP_ADDRESS`` → ``LanConfig.ip_address``), so that a handler reads or writes parameter
``p`` without a table of its own, and persistence stores each parameter as its wire encoding: the codec is the
serializer, and a file written by one version reads back through the same decoder the BMC's clients use.

Times (``now``, deadlines) are the fleet's monotonic clock; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Any, TypeVar

from ipmifast.cmds import app, chassis, transport
from ipmifast.cmds._common import AuthTypes, PrivilegeLevel, SetInProgress
from ipmifast.cmds.app import ChannelAccess, ChannelAccessMode, TimeoutAction, TimerUse, TimerUseFlags
from ipmifast.cmds.chassis import (
    BootFlags,
    BootFlagValidBitClearing,
    BootInitiatorInfo,
    BootInitiators,
    FrontPanelButtons,
    LastPowerEvent,
    PowerRestorePolicy,
    RestartCause,
    ServicePartitionScan,
)
from ipmifast.cmds.transport import (
    AuthTypeEnables,
    BmcArpControl,
    IpAddressSource,
    Ipv4HeaderParameters,
    LanParameter,
    SolAuthentication,
    SolBitRate,
    SolCharacterParameters,
    SolParameter,
    SolRetry,
    VlanId,
)
from ipmifast.proto.bmc import BmcConfig, BmcUser
from ipmifast.proto.bmc15 import Bmc15Config
from ipmifast.proto.cipher_suites import CIPHER_SUITES
from ipmifast.proto.consts import AuthType, Privilege

LAN_CHANNEL = 1
#: version of the persisted state format (``BmcState.to_persistent``)
PERSIST_VERSION = 1
#: power transitions kept for the SEL until ``sim/sensors.py`` logs them (the oldest go first)
POWER_EVENTS_MAX = 16
#: LAN parameters a Set answers 82h for (Table 23-4 marks them read-only, or changing them would need the listener
#: to move: the RMCP ports are where the fleet's socket is)
LAN_READ_ONLY = frozenset(
    {
        LanParameter.AUTHENTICATION_TYPE_SUPPORT,
        LanParameter.PRIMARY_RMCP_PORT,
        LanParameter.SECONDARY_RMCP_PORT,
        LanParameter.NUMBER_OF_DESTINATIONS,
        LanParameter.CIPHER_SUITE_ENTRY_SUPPORT,
        LanParameter.CIPHER_SUITE_ENTRIES,
    }
)
#: SOL parameters a Set answers 82h for: the payload channel and port are where the LAN channel is
SOL_READ_ONLY = frozenset({SolParameter.SOL_PAYLOAD_CHANNEL, SolParameter.SOL_PAYLOAD_PORT_NUMBER})
_AUTH_TYPE_BITS = {
    AuthTypes.NONE: AuthType.NONE,
    AuthTypes.MD2: AuthType.MD2,
    AuthTypes.MD5: AuthType.MD5,
    AuthTypes.PASSWORD: AuthType.PASSWORD,
}
_FLAG_FOR_USE = {
    TimerUse.BIOS_FRB2: TimerUseFlags.BIOS_FRB2,
    TimerUse.BIOS_POST: TimerUseFlags.BIOS_POST,
    TimerUse.OS_LOAD: TimerUseFlags.OS_LOAD,
    TimerUse.SMS_OS: TimerUseFlags.SMS_OS,
    TimerUse.OEM: TimerUseFlags.OEM,
}


def lan_field(parameter: int) -> str:
    """The ``LanConfig`` field of a LAN parameter."""
    return LanParameter(parameter).name.lower()


def sol_field(parameter: int) -> str:
    """The ``SolConfig`` field of a SOL parameter."""
    return SolParameter(parameter).name.lower()


# ------------------------------------------------------------------------------------------------------ users


def _payload_types(values: Any) -> frozenset[int]:
    types = frozenset(int(v) for v in values)
    if any(not (1 <= t <= 7 or 0x20 <= t <= 0x27) for t in types):
        raise ValueError(f"payload types {sorted(types)}: 1-7 and 20h-27h only")
    return types


@dataclass(slots=True)
class UserSlot:
    """One entry of the user table (§22.26-22.30). Slot 1 is the null user: its name is empty and fixed.

    ``privilege`` is the user's privilege limit on LAN channel 1 (NO_ACCESS for an unused slot);
    ``password_size`` is 20 when the password was set as an IPMI v2.0 20-byte password (such a user cannot open
    IPMI v1.5 sessions, whose AuthCodes hash 16 bytes); ``enable_status`` says how Set User Password last
    enabled or disabled the slot (Get User Access byte 2).
    """

    uid: int
    name: bytes = b""
    password: bytes = b""
    privilege: int = PrivilegeLevel.NO_ACCESS
    enabled: bool = False
    ipmi_messaging: bool = False
    link_auth: bool = False
    callback_only: bool = False
    password_size: int = 16
    enable_status: int = app.UserEnableStatus.UNSPECIFIED
    session_limit: int = 0
    #: payload types the user may activate (Set User Payload Access, §24.6): SOL (1) unless disabled; OEM 20h-27h
    payloads: frozenset[int] = frozenset({1})

    def can_log_in(self) -> bool:
        """Enabled, allowed IPMI messaging on the channel, with a privilege limit, and named (or the null user)."""
        return (
            self.enabled
            and self.ipmi_messaging
            and Privilege.CALLBACK <= self.privilege <= Privilege.OEM
            and (self.uid == 1 or self.name != b"")
        )

    def __repr__(self) -> str:  # never the password
        return f"UserSlot(uid={self.uid}, name={self.name!r}, privilege={self.privilege}, enabled={self.enabled})"


class _UnusedSlot(UserSlot):
    """An unused user slot as profiles build it: one read-only object per user ID for every BMC (most of a
    BMC's 16 slots are unused). ``BmcState.user(uid)``, the way to a slot that may change, gives the BMC a copy of
    its own first; changing the shared one raises instead of changing every BMC."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"unused user slot {self.uid} is shared: change it through BmcState.user({self.uid})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserSlot) and other == UserSlot(self.uid)

    __hash__ = None  # type: ignore[assignment]


_UNUSED: dict[int, UserSlot] = {}


def unused_slot(uid: int) -> UserSlot:
    """The shared read-only unused slot ``uid``."""
    slot = _UNUSED.get(uid)
    if slot is None:
        slot = object.__new__(_UnusedSlot)
        for name, value in ((f, getattr(UserSlot(uid), f)) for f in UserSlot.__dataclass_fields__):
            object.__setattr__(slot, name, value)
        _UNUSED[uid] = slot
    return slot


# ---------------------------------------------------------------------------------------------------- chassis


@dataclass(slots=True)
class BootOptions:
    """System boot options (Table 28-14), parameters 0-7."""

    set_in_progress: SetInProgress = SetInProgress.SET_COMPLETE
    set_in_progress_since: float = 0.0
    service_partition_selector: int = 0
    service_partition_scan: ServicePartitionScan = ServicePartitionScan()
    valid_bit_clearing: BootFlagValidBitClearing = BootFlagValidBitClearing(0)
    acknowledged: BootInitiators = BootInitiators(0)
    flags: BootFlags = BootFlags(boot_flags_valid=False)
    #: when the boot flags were last set (the BMC clears the valid bit 60 s later unless told not to)
    flags_set_at: float | None = None
    initiator: BootInitiatorInfo = BootInitiatorInfo(0, 0, 0)
    mailbox: dict[int, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class ChassisState:
    """Power, identify, restore policy and boot options (§28). A pending transition is (target power, when)."""

    power_on: bool = True
    pending: tuple[bool, float] | None = None
    #: the restart cause a pending power-up will report
    pending_cause: RestartCause | int = RestartCause.CHASSIS_CONTROL
    identify_until: float = 0.0
    identify_forced: bool = False
    restore_policy: PowerRestorePolicy = PowerRestorePolicy.PREVIOUS
    last_power_event: LastPowerEvent = LastPowerEvent(0)
    restart_cause: RestartCause | int = RestartCause.UNKNOWN
    restart_channel: int = 0
    power_overload: bool = False
    interlock: bool = False
    power_fault: bool = False
    power_control_fault: bool = False
    intrusion: bool = False
    front_panel_lockout: bool = False
    drive_fault: bool = False
    cooling_fault: bool = False
    front_panel: FrontPanelButtons | None = None
    #: seconds an OS takes to shut down after a soft-off request, and a power cycle keeps the power off
    soft_off_delay: float = 2.0
    cycle_delay: float = 1.0
    #: power-on minutes accumulated before ``powered_since`` (the POH counter, §28.14)
    poh_minutes: float = 0.0
    powered_since: float | None = None
    boot: BootOptions = field(default_factory=BootOptions)
    #: when the power last changed (the sensor model's temperatures follow it), and the (time, on) transitions
    #: the SEL has not logged yet
    power_changed_at: float = float("-inf")
    power_events: list[tuple[float, bool]] = field(default_factory=list)

    def set_power(self, on: bool, now: float) -> None:
        """Switch the power, keeping the power-on hours counter."""
        if on == self.power_on:
            return
        if on:
            self.powered_since = now
        else:
            if self.powered_since is not None:
                self.poh_minutes += max(0.0, now - self.powered_since) / 60.0
            self.powered_since = None
        self.power_on = on
        self.power_changed_at = now
        self.power_events.append((now, on))
        del self.power_events[:-POWER_EVENTS_MAX]

    def poh(self, now: float) -> int:
        """Power-on minutes at ``now``."""
        minutes = self.poh_minutes
        if self.power_on and self.powered_since is not None:
            minutes += max(0.0, now - self.powered_since) / 60.0
        return int(minutes)


@dataclass(slots=True)
class WatchdogState:
    """The BMC watchdog (§21). Countdowns are in 100 ms units; a running timer counts down from ``started_at``."""

    timer_use: TimerUse = TimerUse.SMS_OS
    dont_log: bool = False
    timeout_action: TimeoutAction = TimeoutAction.NO_ACTION
    pre_timeout_interrupt: app.PreTimeoutInterrupt = app.PreTimeoutInterrupt.NONE
    pre_timeout_interval: int = 0
    expiration_flags: TimerUseFlags = TimerUseFlags(0)
    initial_countdown: int = 0
    #: Set Watchdog Timer was received at least once (Reset Watchdog Timer answers 80h before that)
    initialized: bool = False
    running: bool = False
    started_at: float = 0.0
    stopped_countdown: int = 0

    def present(self, now: float) -> int:
        """The present countdown at ``now``."""
        if not self.running:
            return self.stopped_countdown
        return max(0, self.initial_countdown - int((now - self.started_at) * 10))

    def expires_at(self) -> float | None:
        return self.started_at + self.initial_countdown / 10 if self.running else None

    def start(self, now: float) -> None:
        self.running = True
        self.started_at = now

    def stop(self, now: float) -> None:
        self.stopped_countdown = self.present(now)
        self.running = False

    def expire(self) -> None:
        """The countdown reached 0: stop, and flag the timer use that expired."""
        self.running = False
        self.stopped_countdown = 0
        flag = _FLAG_FOR_USE.get(self.timer_use)
        if flag is not None:
            self.expiration_flags |= flag


# ------------------------------------------------------------------------------------------------ LAN and SOL


@dataclass(slots=True)
class LanConfig:
    """LAN channel 1 configuration (Table 23-4); one field per parameter, named after it.

    Parameter 22 (number of cipher suite entries) is ``len(cipher_suite_entries)``. ``cipher_suite_privilege_levels``
    has one nibble per entry of parameter 23 (16 in all); an entry whose level is UNSPECIFIED (ipmitool's "X") is
    not offered. ``set_in_progress_since`` lets a forgotten "set in progress" lapse (``SET_IN_PROGRESS_TIMEOUT``).
    """

    ip_address: IPv4Address
    mac_address: str
    set_in_progress: SetInProgress = SetInProgress.SET_COMPLETE
    set_in_progress_since: float = 0.0
    authentication_type_support: AuthTypes = AuthTypes.NONE | AuthTypes.MD2 | AuthTypes.MD5 | AuthTypes.PASSWORD
    authentication_type_enables: AuthTypeEnables = AuthTypeEnables()
    ip_address_source: IpAddressSource = IpAddressSource.STATIC
    subnet_mask: IPv4Address = IPv4Address("255.255.255.0")
    ipv4_header_parameters: Ipv4HeaderParameters = Ipv4HeaderParameters()
    primary_rmcp_port: int = 623
    secondary_rmcp_port: int = 664
    bmc_generated_arp_control: BmcArpControl = BmcArpControl(arp_responses=True)
    gratuitous_arp_interval: int = 3  # 0-based 500 ms units (Table 23-4): 2 s
    default_gateway_address: IPv4Address = IPv4Address("0.0.0.0")
    default_gateway_mac_address: str = "00:00:00:00:00:00"
    backup_gateway_address: IPv4Address = IPv4Address("0.0.0.0")
    backup_gateway_mac_address: str = "00:00:00:00:00:00"
    community_string: bytes = b"public"
    number_of_destinations: int = 0
    vlan_id: VlanId = VlanId()
    vlan_priority: int = 0
    cipher_suite_entries: tuple[int, ...] = (3, 17)
    cipher_suite_privilege_levels: tuple[PrivilegeLevel, ...] = ()

    def __post_init__(self) -> None:
        if not self.cipher_suite_privilege_levels:
            self.cipher_suite_privilege_levels = padded_levels(
                (PrivilegeLevel.ADMINISTRATOR,) * len(self.cipher_suite_entries)
            )

    @property
    def cipher_suite_entry_support(self) -> int:
        return len(self.cipher_suite_entries)

    def get(self, parameter: int) -> transport.LanValue:
        return getattr(self, lan_field(parameter))  # type: ignore[no-any-return]

    def offered_cipher_suites(self) -> frozenset[int]:
        """The suites a new RMCP+ session may use: listed in parameter 23, not marked unused in parameter 24, and
        implemented by the core."""
        levels = self.cipher_suite_privilege_levels
        return shared(frozenset(
            suite
            for i, suite in enumerate(self.cipher_suite_entries)
            if suite in CIPHER_SUITES and i < len(levels) and levels[i] != PrivilegeLevel.UNSPECIFIED
        ))

    def cipher_suite_limit(self, suite: int) -> int:
        """The maximum privilege parameter 24 allows with ``suite``."""
        for i, entry in enumerate(self.cipher_suite_entries):
            if entry == suite and i < len(self.cipher_suite_privilege_levels):
                return int(self.cipher_suite_privilege_levels[i])
        return PrivilegeLevel.UNSPECIFIED

    def enabled_auth_types(self, channel_limit: int) -> frozenset[int]:
        """IPMI v1.5 authentication types (Table 13-3 numbers) enabled at some level up to ``channel_limit``.

        The v1.5 session core takes one set for every privilege level, so the BMC accepts the union of the levels'
        enables; Get Channel Authentication Capabilities reports the same set (documented in profiles.py).
        """
        e = self.authentication_type_enables
        levels = (e.callback, e.user, e.operator, e.administrator, e.oem)
        bits = AuthTypes(0)
        for level, mask in enumerate(levels, start=1):
            if level <= channel_limit:
                bits |= mask
        bits &= self.authentication_type_support
        return shared(frozenset(number for flag, number in _AUTH_TYPE_BITS.items() if bits & flag))


#: one object for each value many BMCs hold alike (their users, suites, configurations): memory per BMC is what
#: differs between BMCs. Bounded: values that every BMC has of its own (random passwords) are not kept.
_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 4096
T = TypeVar("T")


def shared(value: T) -> T:
    """``value``, or an equal object already handed out (values are immutable: frozen dataclasses, tuples)."""
    found = _SHARED.get(value)
    if found is not None:
        return found  # type: ignore[no-any-return]
    if len(_SHARED) < _SHARED_MAX:
        _SHARED[value] = value
    return value


def padded_levels(levels: tuple[int, ...]) -> tuple[PrivilegeLevel, ...]:
    """Parameter 24's 16 entries from the levels of the suites in use (the rest UNSPECIFIED)."""
    out = [PrivilegeLevel(level) for level in levels[: transport.CIPHER_SUITE_ENTRY_MAX]]
    return shared(tuple(out + [PrivilegeLevel.UNSPECIFIED] * (transport.CIPHER_SUITE_ENTRY_MAX - len(out))))


@dataclass(slots=True)
class SolConfig:
    """SOL configuration (Table 26-5); one field per parameter, named after it."""

    sol_payload_port_number: int
    set_in_progress: SetInProgress = SetInProgress.SET_COMPLETE
    set_in_progress_since: float = 0.0
    sol_enable: bool = True
    sol_authentication: SolAuthentication = SolAuthentication(
        force_encryption=True, force_authentication=True, privilege=PrivilegeLevel.USER
    )
    character_accumulate_interval_and_send_threshold: SolCharacterParameters = SolCharacterParameters()
    sol_retry: SolRetry = SolRetry()
    sol_non_volatile_bit_rate: SolBitRate = SolBitRate.BAUD_115200
    sol_volatile_bit_rate: SolBitRate = SolBitRate.BAUD_115200
    sol_payload_channel: int = LAN_CHANNEL

    def get(self, parameter: int) -> transport.SolValue:
        return getattr(self, sol_field(parameter))  # type: ignore[no-any-return]


def default_channel_access() -> ChannelAccess:
    return ChannelAccess(
        access_mode=ChannelAccessMode.ALWAYS_AVAILABLE,
        alerting_disabled=False,
        per_message_authentication_disabled=False,
        user_level_authentication_disabled=False,
        privilege_limit=PrivilegeLevel.ADMINISTRATOR,
    )


# -------------------------------------------------------------------------------------------------------- BMC


@dataclass(slots=True)
class BmcState:
    """Everything a virtual BMC remembers. ``users[i]`` is user ID ``i + 1``."""

    guid: bytes
    lan: LanConfig
    sol: SolConfig
    system_guid: bytes = bytes(16)
    device_id: int = 0x20
    device_revision: int = 1
    firmware: tuple[int, int] = (1, 0)
    manufacturer_id: int = 32473  # IANA's number for documentation
    product_id: int = 0x0101
    aux_firmware: bytes = b"\x00\x00\x00\x00"
    users: list[UserSlot] = field(default_factory=list)
    #: Get Self Test Results bytes 2 and 3 (§20.4): passed
    self_test: tuple[int, int] = (0x55, 0x00)
    #: volatile (active) and non-volatile channel access of LAN channel 1 (§22.22-22.23)
    access: ChannelAccess = field(default_factory=default_channel_access)
    access_non_volatile: ChannelAccess = field(default_factory=default_channel_access)
    kg: bytes | None = None
    #: the OEM ID of Get Channel Authentication Capabilities
    auth_caps_oem_id: int = 0
    #: vendor bugs to emulate: RMCP+ (BmcConfig) and IPMI v1.5 (Bmc15Config), FreeIPMI's names
    quirks: frozenset[str] = frozenset()
    quirks15: frozenset[str] = frozenset()
    max_sessions: int = 32
    idle_timeout: float = 60.0
    chassis: ChassisState = field(default_factory=ChassisState)
    watchdog: WatchdogState = field(default_factory=WatchdogState)

    # -------------------------------------------------------------- users
    def user(self, uid: int) -> UserSlot | None:
        """Slot ``uid``, this BMC's own (so the caller may change it), or None."""
        if not 1 <= uid <= len(self.users):
            return None
        slot = self.users[uid - 1]
        if type(slot) is _UnusedSlot:
            slot = self.users[uid - 1] = UserSlot(uid)
        return slot

    def uid_of(self, name: bytes) -> int:
        """The user ID a session's user name logged in as (0 if none: the slot was renamed since)."""
        for slot in self.users:
            if slot.name == name and slot.can_log_in():
                return slot.uid
        return 0

    def channel_limit(self) -> int:
        limit = int(self.access.privilege_limit)
        return limit if Privilege.CALLBACK <= limit <= Privilege.OEM else Privilege.ADMINISTRATOR

    def bmc_users(self, v15: bool = False) -> tuple[BmcUser, ...]:
        """The users who may log in, privilege capped at the channel limit; none while the channel is disabled."""
        if self.access.access_mode == ChannelAccessMode.DISABLED:
            return ()
        limit = self.channel_limit()
        return shared(tuple(
            BmcUser(u.name, u.password, min(u.privilege, limit), True)
            for u in self.users
            if u.can_log_in() and not (v15 and u.password_size == 20)
        ))

    # -------------------------------------------------------------- session core configuration
    def bmc_config(self) -> BmcConfig:
        suites = self.lan.offered_cipher_suites()
        return BmcConfig(
            guid=self.guid, users=self.bmc_users(), cipher_suites=suites, kg=self.kg,
            idle_timeout=self.idle_timeout, quirks=self.quirks,
            suite_privileges=shared(tuple((s, self.lan.cipher_suite_limit(s)) for s in sorted(suites))),
        )

    def bmc15_config(self) -> Bmc15Config:
        return shared(Bmc15Config(
            users=self.bmc_users(v15=True),
            auth_types=self.lan.enabled_auth_types(self.channel_limit()),
            per_message_auth=not self.access.per_message_authentication_disabled,
            user_level_auth=not self.access.user_level_authentication_disabled,
            channel=LAN_CHANNEL,
            privilege_limit=self.channel_limit(),
            manufacturer_id=self.auth_caps_oem_id,
            ipmi20=bool(self.lan.offered_cipher_suites()),
            idle_timeout=self.idle_timeout,
            quirks=self.quirks15,
        ))

    # -------------------------------------------------------------- persistence
    def to_persistent(self) -> dict[str, Any]:
        """What survives a restart (power, restore policy, boot flags, users, channel access, LAN and SOL),
        JSON-ready, each configuration parameter as its wire encoding in hex."""
        c = self.chassis
        return {
            "version": PERSIST_VERSION,
            "chassis": {
                "power_on": c.pending[0] if c.pending is not None else c.power_on,
                "restore_policy": int(c.restore_policy),
                "boot_flags": chassis.encode_boot_option_value(chassis.BootOptionParameter.BOOT_FLAGS, c.boot.flags)
                .hex(),
                "poh_minutes": c.poh_minutes,
            },
            "users": [
                {
                    "uid": u.uid, "name": u.name.hex(), "password": u.password.hex(), "password_size": u.password_size,
                    "privilege": int(u.privilege), "enabled": u.enabled, "ipmi_messaging": u.ipmi_messaging,
                    "link_auth": u.link_auth, "callback_only": u.callback_only,
                    "enable_status": int(u.enable_status), "session_limit": u.session_limit,
                    "payloads": sorted(u.payloads),
                }
                for u in self.users
            ],
            "access": app.encode_get_channel_access_rs(self.access).hex(),
            "access_non_volatile": app.encode_get_channel_access_rs(self.access_non_volatile).hex(),
            "lan": {
                str(int(p)): transport.encode_lan_parameter(p, self.lan.get(p)).hex()
                for p in LanParameter
                if p not in (LanParameter.SET_IN_PROGRESS, LanParameter.CIPHER_SUITE_ENTRY_SUPPORT)
            },
            "sol": {
                str(int(p)): transport.encode_sol_parameter(p, self.sol.get(p)).hex()
                for p in SolParameter
                if p != SolParameter.SET_IN_PROGRESS
            },
        }

    def apply_persistent(self, saved: dict[str, Any], now: float) -> None:
        """Restore what ``to_persistent`` wrote. Everything is decoded before anything changes: a bad file raises
        ValueError (or DecodeError, a ValueError) and leaves the state as it was.

        The power state follows the restore policy, as when AC power returns: ALWAYS_OFF → off, ALWAYS_ON → on,
        PREVIOUS → as saved.
        """
        if not isinstance(saved, dict) or saved.get("version") != PERSIST_VERSION:
            raise ValueError("not an ipmifast simulator state file of version 1")
        ch = saved["chassis"]
        policy = PowerRestorePolicy(int(ch["restore_policy"]))
        boot_flags = chassis.decode_boot_option_value(
            chassis.BootOptionParameter.BOOT_FLAGS, bytes.fromhex(ch["boot_flags"])
        )
        if not isinstance(boot_flags, BootFlags):
            raise ValueError("boot flags do not decode")
        users = []
        for u in saved["users"]:
            password = bytes.fromhex(u["password"])
            size = int(u["password_size"])
            if size not in (16, 20) or len(password) > size:
                raise ValueError(f"user {u['uid']}: bad password size")
            users.append(
                UserSlot(
                    uid=int(u["uid"]), name=bytes.fromhex(u["name"])[:16], password=password,
                    privilege=PrivilegeLevel(int(u["privilege"])), enabled=bool(u["enabled"]),
                    ipmi_messaging=bool(u["ipmi_messaging"]), link_auth=bool(u["link_auth"]),
                    callback_only=bool(u["callback_only"]), password_size=size,
                    enable_status=app.UserEnableStatus(int(u["enable_status"])),
                    session_limit=int(u["session_limit"]) & 0x0F,
                    payloads=_payload_types(u.get("payloads", [1])),
                )
            )
        if [u.uid for u in users] != list(range(1, len(users) + 1)):
            raise ValueError("user IDs are not 1..N")
        access = app.decode_get_channel_access_rs(bytes.fromhex(saved["access"]))
        access_nv = app.decode_get_channel_access_rs(bytes.fromhex(saved["access_non_volatile"]))
        lan = {
            int(p): transport.decode_lan_parameter(int(p), bytes.fromhex(v)) for p, v in dict(saved["lan"]).items()
        }
        sol = {
            int(p): transport.decode_sol_parameter(int(p), bytes.fromhex(v)) for p, v in dict(saved["sol"]).items()
        }
        for p in lan:
            if p not in LanParameter._value2member_map_:
                raise ValueError(f"unknown LAN parameter {p}")
        for p in sol:
            if p not in SolParameter._value2member_map_:
                raise ValueError(f"unknown SOL parameter {p}")
        # decoded: apply
        c = self.chassis
        c.restore_policy = policy
        c.boot.flags = boot_flags
        c.poh_minutes = float(ch.get("poh_minutes", c.poh_minutes))
        power = {PowerRestorePolicy.ALWAYS_OFF: False, PowerRestorePolicy.ALWAYS_ON: True}.get(
            policy, bool(ch["power_on"])
        )
        c.pending = None
        c.power_on = not power
        c.powered_since = None
        c.set_power(power, now)
        if power:
            c.restart_cause = (
                RestartCause.ALWAYS_RESTORE if policy == PowerRestorePolicy.ALWAYS_ON else RestartCause.RESTORE_PREVIOUS
            )
        self.users = users
        self.access, self.access_non_volatile = access, access_nv
        for p, lan_value in lan.items():
            setattr(self.lan, lan_field(p), lan_value)
        for p, sol_value in sol.items():
            setattr(self.sol, sol_field(p), sol_value)
