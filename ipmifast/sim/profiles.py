"""Simulator profiles: what kind of BMC each virtual BMC is, as data.

A ``Profile`` chooses the identity (Get Device ID, MAC vendor prefix), the factory users, the cipher suites and their
privilege levels, the IPMI v1.5 authentication types and per-message authentication, the vendor bugs to emulate
(named after the FreeIPMI workaround flag a client needs against them, ``BmcConfig.quirks``) and a few timings. The
simulator has no code branch per profile: ``build_state`` turns any profile into a ``BmcState``.

``default`` is secure: RMCP+ cipher suites 3 and 17 only, no null or anonymous user, and IPMI v1.5 with MD5 only
and per-message authentication. IPMI v1.5 stays on (MD5 only) because ``ipmitool -I lan`` and FreeIPMI's default
driver are what many sites still run, and MD5 challenge-response with per-message authentication does not give
the password away on the wire; ``ipmi20-only`` turns v1.5 off for a strict set-up. The weak profiles are the
configurations an auditor must find (``ipmifast audit`` reports exactly these; ``hardened`` has none when its user
names are not guessable): ``cipher0`` (suite 0: any password works), ``anonymous`` (null user name and
empty password at ADMINISTRATOR), ``null-user`` (null user name with a password), ``legacy15`` (IPMI v1.5 auth
NONE and straight password, per-message authentication off, the anonymous user) and the vendors' default
credentials (``supermicro-default`` ADMIN/ADMIN, ``dell-default`` root/calvin, ``hp-ilo`` Administrator and a
random 8-character password per BMC, as printed on an iLO's tag). ``intel20``, ``supermicro20`` and ``sun20``
emulate the RMCP+ bugs FreeIPMI's workaround flags of those names exist for.

The v1.5 session core takes one set of authentication types for every privilege level: the simulator enables the
union of LAN parameter 2's per-level sets (and Get Channel Authentication Capabilities reports that union).
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, replace

from ipmifast.cmds._common import AuthTypes, PrivilegeLevel
from ipmifast.cmds.chassis import FrontPanelButtons, PowerRestorePolicy, RestartCause
from ipmifast.cmds.transport import AuthTypeEnables, SolAuthentication, SolBitRate
from ipmifast.sim.state import BmcState, ChassisState, LanConfig, SolConfig, UserSlot, padded_levels, unused_slot

_A = PrivilegeLevel.ADMINISTRATOR
_ALL_V15 = AuthTypes.NONE | AuthTypes.MD2 | AuthTypes.MD5 | AuthTypes.PASSWORD
#: characters of a random factory password (iLO tags use upper-case letters and digits)
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class UserSpec:
    """A factory user: slot ``uid`` (1 is the null user, whose name is empty). ``password`` None: a random
    8-character password per BMC, derived from the fleet seed (``factory_password``)."""

    uid: int
    name: bytes
    password: bytes | None
    privilege: int = _A


@dataclass(frozen=True)
class Profile:
    """One kind of BMC. ``findings`` lists what an auditor should report about it (printed in the banner)."""

    name: str
    summary: str
    findings: tuple[str, ...] = ()
    # identity (Get Device ID, §20.1)
    manufacturer_id: int = 32473  # IANA's number for documentation
    product_id: int = 0x0101
    device_id: int = 0x20
    device_revision: int = 1
    firmware: tuple[int, int] = (1, 0)
    aux_firmware: bytes = b"\x00\x00\x00\x00"
    #: vendor prefix of the BMC MAC address; the other 3 bytes come from the seed and the BMC's index
    mac_oui: bytes = b"\x02\x00\x00"
    # users (§22.26-22.30)
    max_users: int = 16
    users: tuple[UserSpec, ...] = ()
    # RMCP+ (LAN parameters 23, 24)
    cipher_suites: tuple[int, ...] = (3, 17)
    #: the maximum privilege per cipher suite entry (None: ADMINISTRATOR for each)
    cipher_privileges: tuple[int, ...] | None = None
    kg: bytes | None = None
    # IPMI v1.5 (LAN parameters 1, 2; channel access)
    auth_type_support: AuthTypes = _ALL_V15
    #: authentication types enabled for callback, user, operator, administrator, OEM
    auth_type_enables: tuple[AuthTypes, AuthTypes, AuthTypes, AuthTypes, AuthTypes] = (AuthTypes.MD5,) * 5
    per_message_auth: bool = True
    user_level_auth: bool = True
    auth_caps_oem_id: int = 0
    # vendor bugs to emulate (FreeIPMI's flag names)
    quirks: frozenset[str] = frozenset()
    quirks15: frozenset[str] = frozenset()
    # sessions
    max_sessions: int = 32
    idle_timeout: float = 60.0
    # chassis
    soft_off_delay: float = 2.0
    cycle_delay: float = 1.0
    restore_policy: PowerRestorePolicy = PowerRestorePolicy.PREVIOUS
    # SOL (Table 26-5)
    sol_force_encryption: bool = True
    sol_force_authentication: bool = True
    sol_privilege: PrivilegeLevel = PrivilegeLevel.USER
    sol_bit_rate: SolBitRate = SolBitRate.BAUD_115200
    #: the host's serial console: the login prompt's host name
    host_name: str = "sim-host"


DEFAULT = Profile(
    name="default",
    summary="secure: RMCP+ cipher suites 3 and 17, no null user, IPMI v1.5 MD5 only with per-message auth",
)

_WEAK_V15 = (AuthTypes.NONE | AuthTypes.MD5 | AuthTypes.PASSWORD,) * 5

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        DEFAULT,
        replace(
            DEFAULT, name="ipmi20-only", summary="RMCP+ cipher suites 3 and 17 only; IPMI v1.5 disabled",
            auth_type_enables=(AuthTypes(0),) * 5,
        ),
        replace(
            DEFAULT, name="hardened",
            summary="RMCP+ cipher suite 17 only, IPMI v1.5 disabled, SOL encrypted (give it non-default user names)",
            cipher_suites=(17,), auth_type_enables=(AuthTypes(0),) * 5,
        ),
        replace(
            DEFAULT, name="cipher0",
            summary="cipher suite 0 accepted (no authentication: any password works)",
            findings=("RMCP+ cipher suite 0 enabled at ADMINISTRATOR: login with any password (CVE-2013-4782 class)",),
            cipher_suites=(0, 3, 17),
        ),
        replace(
            DEFAULT, name="anonymous",
            summary="null user (empty name and password) enabled at ADMINISTRATOR; IPMI v1.5 NONE allowed",
            findings=("anonymous login: user 1 with empty name and password at ADMINISTRATOR",
                      "IPMI v1.5 authentication type NONE enabled"),
            users=(UserSpec(1, b"", b""),),
            auth_type_enables=(AuthTypes.NONE | AuthTypes.MD5,) * 5,
        ),
        replace(
            DEFAULT, name="null-user",
            summary="null user name enabled (with password 'nullpass') at ADMINISTRATOR",
            findings=("null user name (user 1) enabled: user names need not be guessed",),
            users=(UserSpec(1, b"", b"nullpass"),),
        ),
        replace(
            DEFAULT, name="legacy15",
            summary="IPMI v1.5: auth NONE, straight password and MD5, per-message auth off, anonymous user",
            findings=("IPMI v1.5 authentication type NONE: any password accepted",
                      "IPMI v1.5 straight password authentication: the password crosses the network in clear",
                      "per-message authentication disabled: session packets are not authenticated",
                      "anonymous login: user 1 with empty name and password",
                      "SOL allowed without encryption"),
            users=(UserSpec(1, b"", b""),),
            auth_type_enables=_WEAK_V15,
            per_message_auth=False,
            sol_force_encryption=False,
        ),
        replace(
            DEFAULT, name="supermicro-default",
            summary="Supermicro X11-like BMC with the factory user ADMIN/ADMIN",
            findings=("vendor default credentials ADMIN / ADMIN", "IPMI v1.5 straight password authentication",
                      "weak cipher suites 1, 2, 6, 7, 8, 11, 12, 15, 16"),
            manufacturer_id=10876, product_id=0x1B0E, firmware=(1, 73), aux_firmware=b"\x00\x00\x00\x00",
            mac_oui=bytes.fromhex("0cc47a"), max_users=10,
            users=(UserSpec(2, b"ADMIN", b"ADMIN"),),
            cipher_suites=(1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17),
            auth_type_enables=(AuthTypes.MD2 | AuthTypes.MD5 | AuthTypes.PASSWORD,) * 5,
            host_name="supermicro-host",
        ),
        replace(
            DEFAULT, name="dell-default",
            summary="Dell iDRAC-like BMC with the factory user root/calvin",
            findings=("vendor default credentials root / calvin", "IPMI v1.5 straight password authentication",
                      "weak cipher suites 1, 2"),
            manufacturer_id=674, product_id=0x0100, firmware=(2, 83), mac_oui=bytes.fromhex("1866da"),
            users=(UserSpec(2, b"root", b"calvin"),),
            cipher_suites=(1, 2, 3, 17),
            auth_type_enables=(AuthTypes.MD5 | AuthTypes.PASSWORD,) * 5,
            host_name="poweredge",
        ),
        replace(
            DEFAULT, name="hp-ilo",
            summary="HPE iLO-like BMC: user Administrator with a random 8-character factory password per BMC",
            findings=("factory account Administrator still enabled (password from the tag)",
                      "weak cipher suites 1, 2"),
            manufacturer_id=11, product_id=0x2000, firmware=(2, 78), mac_oui=bytes.fromhex("9457a5"), max_users=12,
            users=(UserSpec(2, b"Administrator", None),),
            cipher_suites=(1, 2, 3),
            auth_type_enables=(AuthTypes(0),) * 5,
            host_name="proliant",
        ),
        replace(
            DEFAULT, name="intel20",
            summary="Intel SE7520AF2-like RMCP+ bugs: clients need FreeIPMI's -W intel20",
            findings=("weak cipher suites 1, 2, 6, 7, 8",),
            manufacturer_id=343, product_id=0x0028, cipher_suites=(1, 2, 3, 6, 7, 8),
            quirks=frozenset({"intel20"}),
        ),
        replace(
            DEFAULT, name="supermicro20",
            summary="Supermicro H8QME (Peppercon)-like RAKP 2 bug: clients need FreeIPMI's -W supermicro20",
            findings=("weak cipher suites 1, 2",),
            manufacturer_id=10876, product_id=0x0004, cipher_suites=(1, 2, 3), mac_oui=bytes.fromhex("003048"),
            quirks=frozenset({"supermicro20"}),
        ),
        replace(
            DEFAULT, name="sun20",
            summary="Sun Fire 4100 ILOM-like RAKP 2 bug: clients need FreeIPMI's -W sun20",
            findings=("weak cipher suites 1, 2",),
            manufacturer_id=42, product_id=0x4145, cipher_suites=(1, 2, 3), mac_oui=bytes.fromhex("00144f"),
            quirks=frozenset({"sun20"}),
        ),
    )
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; KeyError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile {name!r} (known: {', '.join(PROFILES)})") from None


def _digest(seed: int, index: int, what: str) -> bytes:
    return hashlib.sha256(f"ipmifast-sim:{seed}:{index}:{what}".encode()).digest()


def _guid(seed: int, index: int, what: str) -> bytes:
    """A random (version 4, RFC 4122 variant) GUID in the byte order IPMI sends it (§20.8: the RFC 4122 bytes
    reversed, as ``cmds.app.Guid.uuid`` reads them), so that ipmitool and FreeIPMI print it as a UUID."""
    raw = bytearray(_digest(seed, index, what)[:16])
    raw[6] = 0x40 | raw[6] & 0x0F
    raw[8] = 0x80 | raw[8] & 0x3F
    return bytes(raw[::-1])


def factory_password(seed: int, index: int, uid: int) -> bytes:
    """The random factory password of user ``uid`` on BMC ``index`` (stable for a seed)."""
    digest = _digest(seed, index, f"password:{uid}")
    return "".join(_PASSWORD_ALPHABET[b % len(_PASSWORD_ALPHABET)] for b in digest[:8]).encode()


def build_state(
    profile: Profile,
    index: int,
    seed: int,
    address: str,
    port: int,
    extra_users: tuple[tuple[bytes, bytes, int], ...] = (),
) -> BmcState:
    """The initial state of BMC number ``index`` at ``address``:``port``: the profile's factory users in their
    slots, then ``extra_users`` in the next free slots; GUIDs, MAC address and power-on hours from the seed."""
    guid = _guid(seed, index, "guid")
    system_guid = _guid(seed, index, "system-guid")
    mac_tail = _digest(seed, index, "mac")[:3]
    mac = ":".join(f"{b:02x}" for b in profile.mac_oui + mac_tail)
    users = [unused_slot(uid) for uid in range(1, profile.max_users + 1)]
    for spec in profile.users:
        password = spec.password if spec.password is not None else factory_password(seed, index, spec.uid)
        users[spec.uid - 1] = _slot(spec.uid, spec.name, password, spec.privilege)
    free = (u.uid for u in users if u.uid > 1 and not u.name)
    for name, password, privilege in extra_users:
        uid = 1 if name == b"" else next(free, None)  # an empty name is the null user
        if uid is None:
            raise ValueError(f"profile {profile.name} has {profile.max_users} user slots: too many users")
        users[uid - 1] = _slot(uid, name, password, privilege)
    ip = ipaddress.IPv4Address(address)
    gateway = ipaddress.IPv4Address((int(ip) & 0xFFFFFF00) | 0xFE)
    levels = profile.cipher_privileges or (_A,) * len(profile.cipher_suites)
    enables = profile.auth_type_enables
    lan = LanConfig(
        ip_address=ip,
        mac_address=mac,
        authentication_type_support=profile.auth_type_support,
        authentication_type_enables=AuthTypeEnables(*enables),
        default_gateway_address=gateway,
        default_gateway_mac_address="02:00:" + ":".join(f"{b:02x}" for b in gateway.packed),
        primary_rmcp_port=port,
        cipher_suite_entries=profile.cipher_suites,
        cipher_suite_privilege_levels=padded_levels(levels),
    )
    sol = SolConfig(
        sol_payload_port_number=port,
        sol_authentication=SolAuthentication(
            profile.sol_force_encryption, profile.sol_force_authentication, profile.sol_privilege
        ),
        sol_non_volatile_bit_rate=profile.sol_bit_rate,
        sol_volatile_bit_rate=profile.sol_bit_rate,
    )
    poh_hours = int.from_bytes(_digest(seed, index, "poh")[:4], "little") % 40000 + 100
    chassis = ChassisState(
        restore_policy=profile.restore_policy,
        restart_cause=RestartCause.RESTORE_PREVIOUS,
        soft_off_delay=profile.soft_off_delay,
        cycle_delay=profile.cycle_delay,
        poh_minutes=float(poh_hours * 60),
        front_panel=FrontPanelButtons(
            power_off_disable_allowed=True, reset_disable_allowed=True,
            diagnostic_interrupt_disable_allowed=True, standby_disable_allowed=True,
        ),
    )
    state = BmcState(
        guid=guid, system_guid=system_guid, lan=lan, sol=sol, users=users,
        device_id=profile.device_id, device_revision=profile.device_revision, firmware=profile.firmware,
        manufacturer_id=profile.manufacturer_id, product_id=profile.product_id, aux_firmware=profile.aux_firmware,
        kg=profile.kg, auth_caps_oem_id=profile.auth_caps_oem_id, quirks=profile.quirks, quirks15=profile.quirks15,
        max_sessions=profile.max_sessions, idle_timeout=profile.idle_timeout, chassis=chassis,
    )
    access = replace(
        state.access,
        per_message_authentication_disabled=not profile.per_message_auth,
        user_level_authentication_disabled=not profile.user_level_auth,
    )
    state.access = state.access_non_volatile = access
    return state


def _slot(uid: int, name: bytes, password: bytes, privilege: int) -> UserSlot:
    if len(name) > 16 or len(password) > 20:
        raise ValueError(f"user {name!r}: names have at most 16 bytes, passwords at most 20")
    return UserSlot(
        uid=uid, name=name, password=password, privilege=PrivilegeLevel(privilege), enabled=True,
        ipmi_messaging=True, password_size=20 if len(password) > 16 else 16,
    )
