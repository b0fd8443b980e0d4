"""ipmifast: fast, trustworthy IPMI over LAN, from one BMC to a hundred thousand.

The public API of the protocol core; see README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipmifast.errors import (
    AuthenticationError,
    BadPasswordError,
    CipherSuiteUnavailable,
    CompletionCodeError,
    ConnectionTimeout,
    DecodeError,
    HostNotFound,
    IntegrityCheckFailed,
    IpmiError,
    IpmiTimeout,
    LocalProtocolError,
    PrivilegeUnavailable,
    ProtocolError,
    RemoteProtocolError,
    RmcpPlusStatusError,
    SessionTimeout,
    UsageError,
)

if TYPE_CHECKING:
    from ipmifast.client import Bmc, Client, connect, run

__version__ = "0.1.0"

#: the client API is imported on first use, so that ``import ipmifast.<module>`` (the CLI's one-shot path, the
#: sans-IO core) does not pay for asyncio and the engine
_LAZY = {"Bmc", "Client", "connect", "run"}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module("ipmifast.client"), name)
        globals()[name] = value
        return value
    if name in ("cli", "client", "cmds", "engine", "proto", "records", "sim"):
        return importlib.import_module(f"ipmifast.{name}")
    raise AttributeError(f"module 'ipmifast' has no attribute {name!r}")

__all__ = [
    "AuthenticationError",
    "Bmc",
    "Client",
    "connect",
    "run",
    "BadPasswordError",
    "CipherSuiteUnavailable",
    "CompletionCodeError",
    "ConnectionTimeout",
    "DecodeError",
    "HostNotFound",
    "IntegrityCheckFailed",
    "IpmiError",
    "IpmiTimeout",
    "LocalProtocolError",
    "PrivilegeUnavailable",
    "ProtocolError",
    "RemoteProtocolError",
    "RmcpPlusStatusError",
    "SessionTimeout",
    "UsageError",
    "__version__",
]
