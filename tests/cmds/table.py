"""Codec table rows (h11's SIMPLE_CASES): a typed value and its hex, checked both ways."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class Rq:
    """A request row: ``encode_<cmd>_rq(**fields(value))`` gives ``hex`` and ``decode_<cmd>_rq(hex)`` gives
    ``value`` (None for commands without request data)."""

    cmd: str
    value: Any
    hex: str
    source: str = "synthetic, laid out from the spec section the codec cites"


@dataclass(frozen=True)
class Rs:
    """A response row: ``encode_<cmd>_rs(value)`` gives ``hex`` and ``decode_<cmd>_rs(hex[, parameter])`` gives
    ``value``. ``parameter`` is for the Get LAN/SOL Configuration Parameters decoders."""

    cmd: str
    value: Any
    hex: str
    source: str = "synthetic, laid out from the spec section the codec cites"
    parameter: int | None = None


def kwargs(value: Any) -> dict[str, Any]:
    """A request dataclass as the keyword arguments of its encoder (shallow: nested dataclasses stay objects)."""
    assert is_dataclass(value)
    return {f.name: getattr(value, f.name) for f in fields(value)}


def encode_rq(module: ModuleType, cmd: str, value: Any) -> bytes:
    encoder = getattr(module, f"encode_{cmd}_rq")
    return bytes(encoder() if value is None else encoder(**kwargs(value)))


def decode_rq(module: ModuleType, cmd: str, data: bytes) -> Any:
    return getattr(module, f"decode_{cmd}_rq")(data)


def encode_rs(module: ModuleType, cmd: str, value: Any) -> bytes:
    encoder = getattr(module, f"encode_{cmd}_rs")
    return bytes(encoder() if value is None else encoder(value))


def decode_rs(module: ModuleType, cmd: str, data: bytes, parameter: int | None = None) -> Any:
    decoder = getattr(module, f"decode_{cmd}_rs")
    return decoder(data) if parameter is None else decoder(data, parameter)


def check_rq(module: ModuleType, row: Rq) -> None:
    wire = bytes.fromhex(row.hex)
    assert encode_rq(module, row.cmd, row.value).hex() == wire.hex()
    assert decode_rq(module, row.cmd, wire) == row.value


def check_rs(module: ModuleType, row: Rs) -> None:
    wire = bytes.fromhex(row.hex)
    assert encode_rs(module, row.cmd, row.value).hex() == wire.hex()
    assert decode_rs(module, row.cmd, wire, row.parameter) == row.value
