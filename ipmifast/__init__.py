"""ipmifast: fast, trustworthy IPMI over LAN, from one BMC to a hundred thousand.

The public API of the protocol core; see README.md.
"""

from __future__ import annotations

from ipmifast.client import Bmc, Client, connect, run  # noqa: E402  (the API builds on the errors above)
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

__version__ = "0.1.0"

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
