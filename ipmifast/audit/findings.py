"""What a security audit of one BMC found, from what it observed (pure: no sockets, no clock).

``Evidence`` is what the audit's probes observed (``ipmifast.audit.probe`` gathers it; tests build it by hand);
``findings(evidence)`` turns it into ``Finding`` records, each with a severity, the evidence in one line and the
remediation. Every finding is something seen, never inferred from a vendor name alone: cipher suite 0 is a finding
when a login with a wrong password worked, a default password when the BMC's own RAKP 2 HMAC verified with it.

The catalogue (``CATALOGUE``) is the list of everything the audit can report; docs/audit.md explains each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ipmifast.cmds._common import AuthTypes
from ipmifast.cmds.discovery import Discovery
from ipmifast.proto.rakp import Rakp2Capture

SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Kind:
    """One kind of finding: its identifier, severity, title and remediation."""

    id: str
    severity: str
    title: str
    remediation: str


CATALOGUE: dict[str, Kind] = {
    k.id: k
    for k in (
        Kind("cipher-zero", "critical", "RMCP+ cipher suite 0 accepted: login without a valid password",
             "remove cipher suite 0 from the LAN channel's cipher suite privilege table (LAN parameter 24: "
             "ipmitool lan set 1 cipher_privs XXX...) or update the firmware"),
        Kind("v15-auth-none", "critical", "IPMI v1.5 authentication type NONE accepted: login without a password",
             "disable authentication type NONE for every privilege level (LAN parameter 2: "
             "ipmitool lan set 1 auth ADMIN MD5)"),
        Kind("anonymous-login", "critical", "anonymous login (null user name, empty password) enabled",
             "disable user 1 or give it a strong password (ipmitool user disable 1)"),
        Kind("default-credentials", "critical", "vendor default credentials accepted",
             "change the factory password (ipmitool user set password UID) and rotate it per BMC"),
        Kind("weak-password", "high", "a password was found in the word list (offline, from the RAKP 2 HMAC)",
             "set a long random password (up to 20 bytes) for this user"),
        Kind("v15-straight-password", "high", "IPMI v1.5 straight password authentication enabled: the password "
             "crosses the network in clear", "disable authentication type PASSWORD (LAN parameter 2)"),
        Kind("v15-per-message-auth-off", "medium", "IPMI v1.5 per-message authentication disabled: session "
             "packets after activation carry no AuthCode and can be forged",
             "enable per-message authentication (ipmitool lan set 1 access on; channel access settings)"),
        Kind("v15-user-level-auth-off", "medium", "IPMI v1.5 user-level authentication disabled: USER-privilege "
             "commands are not authenticated", "enable user-level authentication (channel access settings)"),
        Kind("null-user-name", "medium", "null user name enabled: logins need no user name to be guessed",
             "disable user 1 (ipmitool user disable 1)"),
        Kind("rakp-hmac-disclosure", "medium", "RAKP 2 hands out an HMAC of the password for each valid user name "
             "(IPMI v2.0 design flaw): the passwords can be tested offline",
             "use non-default user names and long random passwords; reach BMCs only from an isolated management "
             "network (the flaw cannot be switched off)"),
        Kind("weak-cipher-suites", "medium", "weak RMCP+ cipher suites enabled",
             "offer only cipher suites 3 and 17 (LAN parameter 24, cipher suite privilege levels)"),
        Kind("sol-unencrypted", "medium", "Serial-over-LAN allowed without encryption",
             "force SOL encryption and authentication (ipmitool sol set force-encryption true; "
             "sol set force-authentication true)"),
        Kind("factory-account", "low", "a vendor factory account is present (its default password did not match)",
             "rename or disable factory accounts after provisioning"),
    )
}

#: why a suite is weak (Table 22-20; 3 and 17 are the ones to keep)
WEAK_SUITES: dict[int, str] = {
    1: "no integrity, no encryption", 2: "no encryption", 4: "xRC4-128", 5: "xRC4-40", 6: "MD5, no integrity or "
    "encryption", 7: "MD5, no encryption", 8: "MD5", 9: "MD5, xRC4-128", 10: "MD5, xRC4-40", 11: "MD5, no "
    "encryption", 12: "MD5", 13: "MD5, xRC4-128", 14: "MD5, xRC4-40", 15: "no integrity, no encryption",
    16: "no encryption", 18: "xRC4-128", 19: "xRC4-40",
}


@dataclass(frozen=True)
class Finding:
    """One finding on one BMC."""

    host: str
    port: int
    kind: str
    evidence: str

    @property
    def severity(self) -> str:
        return CATALOGUE[self.kind].severity

    @property
    def title(self) -> str:
        return CATALOGUE[self.kind].title

    @property
    def remediation(self) -> str:
        return CATALOGUE[self.kind].remediation

    def report(self) -> dict[str, object]:
        return {"host": self.host, "port": self.port, "finding": self.kind, "severity": self.severity,
                "title": self.title, "evidence": self.evidence, "remediation": self.remediation}


@dataclass(frozen=True)
class Cracked:
    """A password found for a captured user: from the vendor defaults (``vendor`` set) or the word list."""

    username: bytes
    password: bytes
    vendor: str | None = None
    line: int | None = None  # 1-based line of the word list


@dataclass
class Evidence:
    """What the probes of one BMC observed (None / empty: not observed, or not tried)."""

    host: str
    port: int
    discovery: Discovery | None = None
    #: cipher suites the BMC lists (Get Channel Cipher Suites, outside a session); None: it would not say
    suites: tuple[int, ...] | None = None
    #: (user name, privilege granted) of a cipher suite 0 login with a wrong password
    cipher_zero_login: tuple[bytes, int] | None = None
    #: user name of an IPMI v1.5 auth-type-NONE login with a wrong password
    v15_none_login: bytes | None = None
    #: the RMCP+ session with an empty user name and password worked
    anonymous_login: bool = False
    #: RAKP 2 captures by user name (the auth code and its inputs)
    captures: dict[bytes, Rakp2Capture] = field(default_factory=dict)
    #: user names the BMC said it does not know (RAKP 2 status 0Dh)
    unknown_users: list[bytes] = field(default_factory=list)
    cracked: dict[bytes, Cracked] = field(default_factory=dict)
    #: vendor factory accounts present whose default password did not match: user name -> vendor
    factory_accounts: dict[bytes, str] = field(default_factory=dict)
    #: SOL configuration read in a session: (enabled, force encryption, force authentication)
    sol: tuple[bool, bool, bool] | None = None
    #: why a check could not run (check name -> reason): reported, never a finding
    not_checked: dict[str, str] = field(default_factory=dict)


def _user(name: bytes) -> str:
    return repr(name.decode("latin-1")) if name else "the null user (empty name)"


def findings(e: Evidence) -> list[Finding]:
    """The findings the evidence shows, most severe first."""
    out: list[Finding] = []

    def add(kind: str, evidence: str) -> None:
        out.append(Finding(e.host, e.port, kind, evidence))

    caps = e.discovery.caps if e.discovery is not None else None
    if e.cipher_zero_login is not None:
        user, privilege = e.cipher_zero_login
        add("cipher-zero", f"cipher suite 0 session as {_user(user)} at privilege {privilege} with a wrong password")
    if e.v15_none_login is not None:
        add("v15-auth-none", f"IPMI v1.5 session (auth type NONE) as {_user(e.v15_none_login)} with a wrong password")
    elif caps is not None and caps.auth_types & AuthTypes.NONE:
        add("v15-auth-none", "Get Channel Authentication Capabilities lists NONE at ADMINISTRATOR (no login tried: "
            "no user name known)")
    empty = e.cracked.get(b"")
    anonymous_rakp = empty is not None and not empty.password
    anonymous_caps = caps is not None and caps.anonymous_login
    anonymous = e.anonymous_login or anonymous_caps or anonymous_rakp
    if e.anonymous_login:
        add("anonymous-login", "RMCP+ session with an empty user name and password")
    elif anonymous_rakp:
        add("anonymous-login", "the null user's RAKP 2 HMAC verifies with an empty password")
    elif anonymous_caps:
        add("anonymous-login", "Get Channel Authentication Capabilities: anonymous login enabled")
    for name, c in sorted(e.cracked.items()):
        if not name and not c.password:
            continue  # anonymous login, above
        if c.vendor is not None:
            add("default-credentials", f"user {_user(name)} has the {c.vendor} factory password (RAKP 2 HMAC verified "
                "offline)")
        else:
            add("weak-password", f"user {_user(name)}: password is line {c.line} of the word list (RAKP 2 HMAC)")
    if caps is not None:
        if caps.auth_types & AuthTypes.PASSWORD:
            add("v15-straight-password", "Get Channel Authentication Capabilities lists PASSWORD at ADMINISTRATOR")
        if caps.auth_types and caps.per_message_authentication_disabled:
            add("v15-per-message-auth-off", "Get Channel Authentication Capabilities: per-message authentication "
                "disabled")
        if caps.auth_types and caps.user_level_authentication_disabled:
            add("v15-user-level-auth-off", "Get Channel Authentication Capabilities: user-level authentication "
                "disabled")
    null_user = caps is not None and caps.null_usernames or b"" in e.captures
    if null_user and not anonymous:
        add("null-user-name", "RAKP 2 answered for the empty user name" if b"" in e.captures else
            "Get Channel Authentication Capabilities: null user names enabled")
    if e.captures:
        names = ", ".join(_user(n) for n in sorted(e.captures))
        add("rakp-hmac-disclosure", f"RAKP 2 HMAC captured without a password for {names}")
    if e.suites is not None:
        weak = [s for s in e.suites if s in WEAK_SUITES]
        if weak:
            add("weak-cipher-suites", "offered: " + ", ".join(f"{s} ({WEAK_SUITES[s]})" for s in weak))
    if e.sol is not None:
        enabled, encryption, _authentication = e.sol
        if enabled and not encryption:
            add("sol-unencrypted", "SOL enabled and SOL parameter 2 does not force encryption")
    for name, vendor in sorted(e.factory_accounts.items()):
        if name not in e.cracked:
            add("factory-account", f"{vendor} factory user {_user(name)} exists (RAKP 2 answered)")
    out.sort(key=lambda f: SEVERITIES.index(f.severity))
    return out
