"""Well-known factory accounts of BMC vendors, and the user names an audit tries by default.

Only published defaults are listed (vendor manuals and the public lists auditors use). A password of None is a
random per-unit factory password (printed on the unit's tag): the account's presence is the finding.
"""

from __future__ import annotations

#: (vendor, user name, factory password or None)
VENDOR_DEFAULTS: tuple[tuple[str, bytes, bytes | None], ...] = (
    ("Supermicro", b"ADMIN", b"ADMIN"),
    ("Dell iDRAC", b"root", b"calvin"),
    ("IBM IMM / Lenovo XCC", b"USERID", b"PASSW0RD"),
    ("Fujitsu iRMC", b"admin", b"admin"),
    ("Oracle/Sun ILOM", b"root", b"changeme"),
    ("Cisco CIMC", b"admin", b"password"),
    ("ASRock Rack / ASUS ASMB", b"admin", b"admin"),
    ("HPE iLO", b"Administrator", None),
)

#: user names tried when ``-U`` gives none: the null user first, then the factory accounts and common names
DEFAULT_USERS: tuple[bytes, ...] = (b"", b"ADMIN", b"admin", b"root", b"Administrator", b"USERID", b"operator",
                                    b"user", b"guest")


def vendor_passwords(username: bytes) -> list[tuple[str, bytes]]:
    """The (vendor, password) factory defaults for a user name."""
    return [(vendor, password) for vendor, name, password in VENDOR_DEFAULTS if name == username and password]


def tagged_factory_vendor(username: bytes) -> str | None:
    """The vendor whose factory account of this name has a per-unit random password (on the unit's tag), or None.
    (Names like ``admin`` are too common to call a factory account unless their default password matches.)"""
    for vendor, name, password in VENDOR_DEFAULTS:
        if name == username and password is None:
            return vendor
    return None
