"""Building blocks shared by the command codecs: length checks, bit fields, enumerations used by several chapters.

Sans-IO like the rest of ``cmds/``: no sockets, clocks or random sources. Decoders raise ``DecodeError`` on
truncated or invalid peer data, encoders raise ``LocalProtocolError`` on out-of-range arguments.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag
from typing import TypeVar

from ipmifast.errors import DecodeError, LocalProtocolError

E = TypeVar("E", bound=IntEnum)


class PrivilegeLevel(IntEnum):
    """Privilege level values as commands carry them (IPMI v2.0 §6.8, Table 6-1; Table 22-28 for NO_ACCESS).

    ``UNSPECIFIED`` is the value 0h: "no change, return present level" in Set Session Privilege Level, "reserved"
    elsewhere, and what ipmi_sim reports as the limit of user slots it never configured. The values compare equal
    to ``ipmifast.proto.consts.Privilege`` members.
    """

    UNSPECIFIED = 0x0
    CALLBACK = 0x1
    USER = 0x2
    OPERATOR = 0x3
    ADMINISTRATOR = 0x4
    OEM = 0x5
    NO_ACCESS = 0xF


class SetInProgress(IntEnum):
    """The "set in progress" parameter 0 of LAN, SOL and boot option configuration (Table 23-4, 26-5, 28-14)."""

    SET_COMPLETE = 0
    SET_IN_PROGRESS = 1
    COMMIT_WRITE = 2


class AuthTypes(IntFlag):
    """IPMI v1.5 authentication type bit mask (Table 22-15 byte 2, Table 23-4 parameters 1 and 2)."""

    NONE = 0x01
    MD2 = 0x02
    MD5 = 0x04
    PASSWORD = 0x10  # "straight password / key"
    OEM = 0x20


AUTH_TYPES_MASK = 0x37


# -- decoding -----------------------------------------------------------------------------------------------------


def need(data: bytes, length: int, what: str) -> None:
    """Raise DecodeError unless ``data`` holds at least ``length`` bytes."""
    if len(data) < length:
        raise DecodeError(f"{what}: {len(data)} bytes, at least {length} expected")


def exactly(data: bytes, lengths: tuple[int, ...], what: str) -> None:
    """Raise DecodeError unless ``len(data)`` is one of ``lengths`` (requests: the BMC answers C7h otherwise)."""
    if len(data) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        raise DecodeError(f"{what}: {len(data)} bytes, {expected} expected")


def strict(cls: type[E], value: int, what: str) -> E:
    """The member of ``cls`` for ``value``; a value the spec reserves is a DecodeError."""
    try:
        return cls(value)
    except ValueError:
        raise DecodeError(f"{what}: reserved value 0x{value:02x}") from None


def lenient(cls: type[E], value: int) -> E | int:
    """The member of ``cls`` for ``value``, or the plain int for reserved and OEM ranges (kept, not guessed)."""
    try:
        return cls(value)
    except ValueError:
        return value


def no_data(data: bytes, what: str) -> None:
    """Requests without data bytes: anything else is a length error."""
    if data:
        raise DecodeError(f"{what}: {len(data)} unexpected data bytes")


def cstring(field: bytes) -> bytes:
    """A NUL-padded fixed-length string field, up to its first NUL."""
    return field.split(b"\x00", 1)[0]


def format_mac(raw: bytes) -> str:
    """``02:00:7f:00:0a:01``: MAC addresses are carried MS byte first (Table 23-4)."""
    return ":".join(f"{b:02x}" for b in raw)


# -- encoding -----------------------------------------------------------------------------------------------------


def check_int(name: str, value: int, low: int, high: int) -> int:
    """``value`` as a plain int, LocalProtocolError unless ``low <= value <= high``."""
    if type(value) is int and low <= value <= high:  # the common case, first: every encoder calls this
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise LocalProtocolError(f"{name} must be an integer, not {type(value).__name__}")
    if not low <= value <= high:
        raise LocalProtocolError(f"{name} {value} out of range {low}..{high}")
    return int(value)


def check_bits(name: str, value: int, bits: int) -> int:
    """An unsigned field of ``bits`` bits."""
    return check_int(name, value, 0, (1 << bits) - 1)


def check_enum(name: str, value: int, cls: type[IntEnum], bits: int) -> int:
    """An enumerated field: a member of ``cls`` (or its int) that fits in ``bits`` bits."""
    v = check_bits(name, value, bits)
    if v not in cls._value2member_map_:
        raise LocalProtocolError(f"{name} 0x{v:02x} is not a {cls.__name__}")
    return v


def check_bytes(name: str, value: bytes, max_len: int, min_len: int = 0) -> bytes:
    """A byte string of bounded length."""
    if not isinstance(value, (bytes, bytearray)):
        raise LocalProtocolError(f"{name} must be bytes, not {type(value).__name__}")
    if not min_len <= len(value) <= max_len:
        raise LocalProtocolError(f"{name} is {len(value)} bytes, {min_len}..{max_len} allowed")
    return bytes(value)


def padded(name: str, value: bytes, size: int) -> bytes:
    """A NUL-padded fixed-length string field. A value with a NUL could not be read back, so it is refused."""
    raw = check_bytes(name, value, size)
    if b"\x00" in raw:
        raise LocalProtocolError(f"{name} must not contain NUL bytes (the field is NUL-padded)")
    return raw.ljust(size, b"\x00")


def parse_mac(name: str, value: str) -> bytes:
    """``"02:00:7f:00:0a:01"`` (or ``-`` separated) to 6 bytes."""
    if not isinstance(value, str):
        raise LocalProtocolError(f"{name} must be a string like 02:00:7f:00:0a:01")
    parts = value.replace("-", ":").split(":")
    try:
        if len(parts) != 6 or any(not 1 <= len(p) <= 2 for p in parts):
            raise ValueError
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise LocalProtocolError(f"{name} {value!r} is not a MAC address like 02:00:7f:00:0a:01") from None


def flag(value: bool, bit: int) -> int:
    """``1 << bit`` when ``value`` is true."""
    return (1 << bit) if value else 0


def check_flags(name: str, value: int, cls: type[IntFlag], mask: int) -> int:
    """A bit-mask field: only the bits ``mask`` allows."""
    v = check_bits(name, int(value), 8 if mask <= 0xFF else 16)
    if v & ~mask:
        raise LocalProtocolError(f"{name} 0x{v:02x} sets bits outside the {cls.__name__} mask 0x{mask:02x}")
    return v
