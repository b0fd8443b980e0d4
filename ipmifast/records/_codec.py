"""Building blocks of the record codecs: length and range checks, the packed text encodings, zero checksums.

Text encodings shared by SDR ID strings (IPMI v2.0 §43.15) and FRU type/length fields (Platform Management FRU
Information Storage Definition v1.0 rev 1.3, §13):

- BCD plus: two characters per byte, high nibble first, digits and ``" -.:,_"`` for Ah-Fh (§43.15; the FRU
  specification reserves Dh-Fh, ipmitool decodes them with the SDR table as we do).
- 6-bit packed ASCII: four characters per three bytes, least significant bits first, each character
  ``code + 20h`` (so only space to underscore, upper case). A final partial group of 1 or 2 bytes holds 1 or 2
  characters (8 or 16 bits: whole 6-bit characters only), as FreeIPMI decodes it.
- 8-bit: Latin-1, one character per byte, which also keeps any byte string intact.

Decoders raise ``DecodeError``; encoders raise ``LocalProtocolError`` on values the format cannot carry.
"""

from __future__ import annotations

from ipmifast.errors import DecodeError, LocalProtocolError

BCD_PLUS_CHARS = "0123456789 -.:,_"


def need(data: bytes, length: int, what: str) -> None:
    """Raise DecodeError unless ``data`` holds at least ``length`` bytes."""
    if len(data) < length:
        raise DecodeError(f"{what}: {len(data)} bytes, at least {length} expected")


def check_range(name: str, value: int, low: int, high: int) -> int:
    """``value`` if it is an int in ``low..high``, else LocalProtocolError (encoders' argument check)."""
    if not isinstance(value, int) or isinstance(value, bool) and high > 1:
        raise LocalProtocolError(f"{name} must be an integer, not {type(value).__name__}")
    if not low <= value <= high:
        raise LocalProtocolError(f"{name} {value} out of range {low}..{high}")
    return int(value)


def to_signed(value: int, bits: int) -> int:
    """Two's complement value of a ``bits``-wide field."""
    sign = 1 << (bits - 1)
    return (value & (sign - 1)) - (value & sign)


def from_signed(name: str, value: int, bits: int) -> int:
    """The ``bits``-wide two's complement field for ``value`` (LocalProtocolError when it does not fit)."""
    limit = 1 << (bits - 1)
    return check_range(name, value, -limit, limit - 1) & ((1 << bits) - 1)


def zero_checksum(data: bytes) -> int:
    """The byte that makes ``data`` plus itself sum to zero modulo 256 (FRU specification §8, §16.2)."""
    return -sum(data) & 0xFF


# -- packed text --------------------------------------------------------------------------------------------------


def decode_bcd_plus(data: bytes) -> str:
    """BCD plus: two characters per byte, high nibble first."""
    return "".join(BCD_PLUS_CHARS[b >> 4] + BCD_PLUS_CHARS[b & 0x0F] for b in data)


def encode_bcd_plus(text: str) -> bytes:
    """BCD plus; an odd number of characters is padded with a space (Ah)."""
    try:
        codes = [BCD_PLUS_CHARS.index(c) for c in text]
    except ValueError:
        raise LocalProtocolError(f"{text!r} has characters BCD plus cannot carry ({BCD_PLUS_CHARS!r})") from None
    if len(codes) % 2:
        codes.append(BCD_PLUS_CHARS.index(" "))
    return bytes((codes[i] << 4) | codes[i + 1] for i in range(0, len(codes), 2))


def decode_ascii6(data: bytes) -> str:
    """6-bit packed ASCII: whole 6-bit characters only (3 bytes: 4 characters, 2 bytes: 2, 1 byte: 1)."""
    bits = int.from_bytes(data, "little")
    count = len(data) * 8 // 6
    return "".join(chr(((bits >> (6 * i)) & 0x3F) + 0x20) for i in range(count))


def encode_ascii6(text: str) -> bytes:
    """6-bit packed ASCII in the fewest bytes that hold every character (``len * 6`` bits rounded up)."""
    bits = 0
    for i, c in enumerate(text):
        code = ord(c) - 0x20
        if not 0 <= code <= 0x3F:
            raise LocalProtocolError(f"{c!r} cannot be carried by 6-bit packed ASCII (space to underscore only)")
        bits |= code << (6 * i)
    return bits.to_bytes((len(text) * 6 + 7) // 8, "little")


def decode_latin1(data: bytes) -> str:
    """8-bit ASCII + Latin-1: one character per byte (any byte string decodes, and encodes back the same)."""
    return data.decode("latin-1")


def encode_latin1(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        raise LocalProtocolError(f"{text!r} has characters outside Latin-1") from None
