"""The state of one virtual BMC: identity, users, channel settings, chassis. Plain data, built from a profile."""

from __future__ import annotations

from dataclasses import dataclass, field

from ipmifast.proto.bmc import BmcConfig, BmcUser
from ipmifast.proto.bmc15 import Bmc15Config
from ipmifast.proto.consts import AuthType, Privilege


@dataclass
class UserSlot:
    """One entry of the BMC's user table (§22.26-22.30); slot 1 is the null user."""

    uid: int
    name: bytes
    password: bytes
    privilege: int = Privilege.ADMINISTRATOR
    enabled: bool = True
    ipmi_messaging: bool = True
    link_auth: bool = False
    callback_only: bool = False

    def __repr__(self) -> str:
        return f"UserSlot(uid={self.uid}, name={self.name!r}, privilege={self.privilege}, enabled={self.enabled})"


@dataclass
class ChassisState:
    power_on: bool = True
    #: (target power state, when it takes effect): soft off and power cycle take a moment, as real servers do
    pending: tuple[bool, float] | None = None
    identify_until: float = 0.0
    identify_forced: bool = False


@dataclass
class BmcState:
    """Everything a virtual BMC remembers."""

    guid: bytes
    device_id: int = 0x20
    device_revision: int = 1
    firmware: tuple[int, int] = (1, 0)
    manufacturer_id: int = 32473  # IANA's number for documentation
    product_id: int = 0x0001
    aux_firmware: bytes = b"\x00\x00\x00\x00"
    users: list[UserSlot] = field(default_factory=list)
    cipher_suites: frozenset[int] = frozenset({3, 17})
    auth_types15: frozenset[int] = frozenset({AuthType.MD5})
    per_message_auth: bool = True
    max_sessions: int = 64
    quirks: frozenset[str] = frozenset()
    chassis: ChassisState = field(default_factory=ChassisState)

    def bmc_users(self) -> tuple[BmcUser, ...]:
        return tuple(
            BmcUser(u.name, u.password, u.privilege, u.enabled and u.ipmi_messaging) for u in self.users
        )

    def bmc_config(self) -> BmcConfig:
        return BmcConfig(
            guid=self.guid, users=self.bmc_users(), cipher_suites=self.cipher_suites,
            quirks=self.quirks & {"intel20", "supermicro20", "sun20", "integritycheckvalue"},
        )

    def bmc15_config(self) -> Bmc15Config:
        return Bmc15Config(
            users=self.bmc_users(), auth_types=self.auth_types15, per_message_auth=self.per_message_auth,
            ipmi20=bool(self.cipher_suites), manufacturer_id=0,
        )
