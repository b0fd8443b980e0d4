"""The ipmifast error hierarchy (STYLE.md §5).

Every failure a user can hit has a specific exception here. Packets that the
specification says to discard never raise: the sessions turn them into
``PacketDropped(reason)`` events and counters.
"""

from __future__ import annotations


class IpmiError(Exception):
    """Base class of every ipmifast error."""

    #: exit code the CLI uses for this error
    exit_code = 1


class ProtocolError(IpmiError):
    """The IPMI protocol was broken, by us or by the peer."""


class LocalProtocolError(ProtocolError):
    """The caller broke the protocol (request before ESTABLISHED, payload too long...)."""


class RemoteProtocolError(ProtocolError):
    """The peer broke the protocol in a way that ends the session."""


class DecodeError(IpmiError, ValueError):
    """A truncated or invalid field in bytes we were asked to decode."""


class IntegrityCheckFailed(DecodeError):
    """An AuthCode (integrity check value) did not verify."""


class AuthenticationError(IpmiError):
    """Session establishment failed for a reason the user must act on."""

    exit_code = 2


class RmcpPlusStatusError(AuthenticationError):
    """The BMC answered Open Session or a RAKP message with a non-zero status code."""

    def __init__(self, status: int, message: str | None = None) -> None:
        from ipmifast.proto.consts import rmcp_plus_status_text

        self.status = status
        text = message or rmcp_plus_status_text(status)
        super().__init__(f"BMC refused the session: {text} (RMCP+ status 0x{status:02x})")


class BadPasswordError(AuthenticationError):
    """The RAKP 2 / RAKP 4 HMAC did not verify: wrong password or wrong Kg."""


class CipherSuiteUnavailable(AuthenticationError):
    """The BMC does not offer the requested cipher suite (or we do not)."""


class PrivilegeUnavailable(AuthenticationError):
    """The requested privilege level cannot be granted to this user."""


class CompletionCodeError(IpmiError):
    """A response carried a non-zero completion code."""

    def __init__(self, netfn: int, cmd: int, cc: int) -> None:
        from ipmifast.cmds import command_for, completion_code_text

        self.netfn = netfn
        self.cmd = cmd
        self.cc = cc
        command = command_for(netfn & ~1, cmd)
        name = command.name if command is not None else f"netfn 0x{netfn:02x} cmd 0x{cmd:02x}"
        #: the specification's text for the code, the command-specific one first
        self.text = completion_code_text(netfn & ~1, cmd, cc)
        super().__init__(f"{name}: {self.text} (completion code 0x{cc:02x})")


class IpmiTimeout(IpmiError, TimeoutError):
    """No answer in time."""

    exit_code = 3


class ConnectionTimeout(IpmiTimeout):
    """The BMC did not answer session establishment."""


class SessionTimeout(IpmiTimeout):
    """An established session stopped answering."""


class HostNotFound(IpmiError):
    """A BMC host name that does not resolve."""

    exit_code = 68  # EX_NOHOST


class UsageError(IpmiError):
    """Bad input on the command line: host range, missing password, bad option."""

    exit_code = 64
