"""The audit's probes of one BMC, through the engine's shared socket (``Endpoint``); nothing changes BMC state.

For each host that answered discovery (``engine.discover``), in this order:

1. Get Channel Cipher Suites outside a session (§22.15, allowed before a session): the suites offered.
2. For each user name: Open Session and RAKP 1 with a random password on a suite with an HMAC. RAKP 2 says
   whether the name exists (status 0Dh when not) and, when it does, carries HMAC_Kuid over values the console
   knows: the capture (``Rakp2Capture``). The client then aborts with RAKP 3 status 0Fh, which makes the BMC
   drop the half-open session at once (§13.22). No password is ever tried online.
3. The captures are checked offline (``crypto.crack_rakp2``, compiled) against the vendors' factory passwords for
   that name, the empty password and the word list.
4. Cipher suite 0 (RAKP-none: no HMAC at all) when listed: a login with a wrong password, for the user names
   known to exist; when it works, Get Device ID confirms the session, which is then closed.
5. The empty user name with an empty password (anonymous login), when the BMC says it allows it or the null
   user's HMAC verified with an empty password.
6. IPMI v1.5 authentication type NONE when listed: a login with a wrong password.
7. SOL parameters 1 and 2 (enabled, force encryption) in any session that worked: the auditor's own credentials
   (``-U``/``-P``), a found password, the anonymous or the cipher suite 0 session.

Every session opened is closed; every exchange has the audit's timeout and retries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ipmifast.audit.defaults import DEFAULT_USERS, tagged_factory_vendor, vendor_passwords
from ipmifast.audit.findings import Cracked, Evidence
from ipmifast.cmds import app, transport
from ipmifast.cmds._common import AuthTypes
from ipmifast.cmds.discovery import Discovery
from ipmifast.engine.endpoint import Connection, Endpoint
from ipmifast.errors import (
    BadPasswordError,
    CipherSuiteUnavailable,
    CompletionCodeError,
    ConnectionTimeout,
    IpmiError,
    PrivilegeUnavailable,
    RmcpPlusStatusError,
)
from ipmifast.proto import crypto
from ipmifast.proto.consts import AuthType, NetFn, Privilege, RmcpPlusStatus
from ipmifast.proto.rakp import Rakp2Capture
from ipmifast.proto.session import SessionConfig
from ipmifast.proto.session15 import Session15Config

#: suites tried for RAKP captures, in order (any suite with an HMAC works; these are the common ones)
RAKP_SUITES = (3, 17, 2, 1, 16, 15, 8, 7, 6, 12, 11)
_SOL_ENABLE, _SOL_AUTHENTICATION = 1, 2
_LAN_CHANNEL_NOW = 0x0E


@dataclass(frozen=True)
class AuditOptions:
    """What to try: user names, a word list (bytes, in file order), the auditor's own credentials."""

    users: Sequence[bytes] = DEFAULT_USERS
    words: Sequence[bytes] = ()
    username: bytes | None = None
    password: bytes | None = field(default=None, repr=False)  # never in a repr (a log line, a Dask task)
    timeout: float = 1.0
    retries: int = 1
    checks: frozenset[str] = field(default_factory=frozenset)  # empty: every check


def _wrong_password() -> bytes:
    return os.urandom(10).hex().encode()  # 20 bytes nobody set


async def list_cipher_suites(ep: Endpoint, host: str, port: int, timeout: float, retries: int) -> tuple[int, ...]:
    """The cipher suite IDs the BMC lists for IPMI payloads, outside a session (§22.15)."""
    data = b""
    for index in range(0x40):
        rq = app.encode_get_channel_cipher_suites_rq(_LAN_CHANNEL_NOW, 0, index, True)
        cc, rs = await ep.session_less(host, port, NetFn.APP, app.AppCommand.GET_CHANNEL_CIPHER_SUITES, rq,
                                       timeout=timeout, retries=retries)
        if cc:
            raise CompletionCodeError(NetFn.APP, app.AppCommand.GET_CHANNEL_CIPHER_SUITES, cc)
        block = app.decode_get_channel_cipher_suites_rs(rs).record_data
        data += block
        if len(block) < app.CIPHER_SUITE_RECORD_BLOCK:
            break
    return tuple(r.cipher_suite_id for r in app.decode_cipher_suite_records(data))


class HostAudit:
    """The probes of one BMC; ``run()`` returns its ``Evidence``."""

    def __init__(self, ep: Endpoint, host: str, port: int, discovery: Discovery, options: AuditOptions) -> None:
        self.ep, self.host, self.port, self.options = ep, host, port, options
        self.evidence = Evidence(host, port, discovery)
        self._suite: int | None = None  # a suite with an HMAC the BMC accepted
        self._quirks: frozenset[str] = frozenset()  # the BMC bugs to work around (FreeIPMI's names)

    def _config(self, username: bytes, password: bytes, suite: int, privilege: int) -> SessionConfig:
        o = self.options
        return SessionConfig(username=username, password=password, cipher_suite=suite, privilege=privilege,
                             timeout=o.timeout, retries=o.retries, quirks=self._quirks)

    async def run(self) -> Evidence:
        e = self.evidence
        caps = e.discovery.caps if e.discovery is not None else None
        if caps is None:
            e.not_checked["audit"] = "no answer to Get Channel Authentication Capabilities"
            return e
        try:
            if caps.supports_ipmi_v20 or caps.ipmi_v20_extended_available:
                await self._v20()
            if caps.auth_types & AuthTypes.NONE:
                await self._v15_none()
            await self._sol()
        except ConnectionTimeout as exc:
            e.not_checked["audit"] = f"the BMC stopped answering: {exc}"
        return e

    # ------------------------------------------------------------------ IPMI v2.0
    async def _v20(self) -> None:
        e, o = self.evidence, self.options
        try:
            e.suites = await list_cipher_suites(self.ep, self.host, self.port, o.timeout, o.retries)
        except (IpmiError, OSError) as exc:
            e.not_checked["cipher suites"] = f"Get Channel Cipher Suites outside a session failed: {exc}"
        candidates = [s for s in RAKP_SUITES if e.suites is None or s in e.suites]
        names = list(dict.fromkeys(o.users))
        for quirks in (frozenset(), frozenset({"intel20"})):
            # Intel's RAKP bug (FreeIPMI's intel20): the BMC pads the user name to 16 bytes in the HMAC and says
            # every name is unknown otherwise; a second pass with the padded names finds them
            self._quirks = quirks
            e.unknown_users.clear()
            for name in names:
                capture = await self._capture(name, candidates)
                if capture is not None:
                    e.captures[name] = capture
                if not candidates:
                    e.not_checked["rakp"] = "the BMC accepted no cipher suite with an HMAC"
                    break
            if e.captures or len(e.unknown_users) < len(names):
                break
        self._crack()
        if e.suites is None or 0 in e.suites:
            await self._cipher_zero()
        caps = e.discovery.caps if e.discovery is not None else None
        empty = e.cracked.get(b"")
        if (caps is not None and caps.anonymous_login) or (empty is not None and not empty.password):
            await self._anonymous()

    async def _capture(self, name: bytes, candidates: list[int]) -> Rakp2Capture | None:
        """RAKP 2 for ``name``, or None when the name is unknown; suites the BMC refuses leave ``candidates``."""
        while candidates:
            suite = self._suite if self._suite is not None else candidates[0]
            outcome = await self._rakp(name, suite)
            if outcome != "suite refused":
                return outcome if isinstance(outcome, Rakp2Capture) else None
            candidates.remove(suite)
            self._suite = None
        return None

    async def _rakp(self, name: bytes, suite: int) -> Rakp2Capture | str | None:
        for privilege in (Privilege.ADMINISTRATOR, Privilege.USER):
            conn = self.ep.open(self.host, self.port, self._config(name, _wrong_password(), suite, privilege))
            try:
                await conn.established
            except BadPasswordError:
                self._suite = suite
                return conn.session.rakp2_capture  # type: ignore[union-attr]
            except PrivilegeUnavailable:
                continue  # a USER-only account: ask again at USER
            except CipherSuiteUnavailable:
                return "suite refused"
            except RmcpPlusStatusError as exc:
                if exc.status == RmcpPlusStatus.UNAUTHORIZED_NAME:
                    self._suite = suite
                    self.evidence.unknown_users.append(name)
                else:
                    self.evidence.not_checked[f"rakp {name!r}"] = str(exc)
                return None
            await conn.close()  # a random password worked: nothing to capture
            return None
        return None

    def _crack(self) -> None:
        """Factory passwords, the empty password and the word list against every capture, offline."""
        e, o = self.evidence, self.options
        for name, c in e.captures.items():
            defaults = vendor_passwords(name)
            words = [p for _, p in defaults] + [b""] + list(o.words)
            (index,) = crypto.crack_rakp2(c.auth, [c.salt], [c.code], words)
            if index < 0:
                vendor = tagged_factory_vendor(name)
                if vendor is not None:
                    e.factory_accounts[name] = vendor
                continue
            if index < len(defaults):
                e.cracked[name] = Cracked(name, defaults[index][1], vendor=defaults[index][0])
            elif index == len(defaults):
                e.cracked[name] = Cracked(name, b"")
            else:
                e.cracked[name] = Cracked(name, words[index], line=index - len(defaults))

    async def _login(self, config: SessionConfig | Session15Config) -> Connection | None:
        """A session that works (confirmed by Get Device ID), or None."""
        conn = self.ep.open(self.host, self.port, config)
        try:
            await conn.established
            response = await conn.request(NetFn.APP, app.AppCommand.GET_DEVICE_ID, b"")
        except (ConnectionTimeout, IpmiError):
            if not conn.is_closed:
                await conn.close()
            return None
        if response.cc:
            await conn.close()
            return None
        return conn

    def _known_users(self) -> list[bytes]:
        e = self.evidence
        known = list(e.captures) or [n for n in self.options.users if n not in e.unknown_users]
        if self.options.username is not None:
            known.insert(0, self.options.username)
        return list(dict.fromkeys(known))

    async def _cipher_zero(self) -> None:
        for name in self._known_users():
            for privilege in (Privilege.ADMINISTRATOR, Privilege.OPERATOR, Privilege.USER):
                conn = await self._login(self._config(name, _wrong_password(), 0, privilege))
                if conn is not None:
                    self.evidence.cipher_zero_login = (name, conn.session.privilege)
                    await self._read_sol(conn)
                    await conn.close()
                    return

    async def _anonymous(self) -> None:
        suite = self._suite if self._suite is not None else 3
        conn = await self._login(self._config(b"", b"", suite, Privilege.ADMINISTRATOR))
        if conn is None:
            conn = await self._login(self._config(b"", b"", suite, Privilege.USER))
        if conn is not None:
            self.evidence.anonymous_login = True
            await self._read_sol(conn)
            await conn.close()

    # ------------------------------------------------------------------ IPMI v1.5
    async def _v15_none(self) -> None:
        o = self.options
        names = self._known_users() or list(o.users)
        for name in names:
            config = Session15Config(username=name, password=_wrong_password()[:16], auth_type=AuthType.NONE,
                                     privilege=Privilege.ADMINISTRATOR, timeout=o.timeout, retries=o.retries)
            conn = await self._login(config)
            if conn is not None:
                self.evidence.v15_none_login = name
                await conn.close()
                return

    # ------------------------------------------------------------------ SOL
    async def _sol(self) -> None:
        e, o = self.evidence, self.options
        if e.sol is not None:
            return
        logins: list[tuple[bytes, bytes]] = []
        if o.username is not None and o.password is not None:
            logins.append((o.username, o.password))
        logins += [(c.username, c.password) for c in e.cracked.values()]
        suite = self._suite if self._suite is not None else 3
        for name, password in logins:
            conn = await self._login(self._config(name, password, suite, Privilege.USER))
            if conn is not None:
                await self._read_sol(conn)
                await conn.close()
                if e.sol is not None:
                    return
        if e.sol is None and "sol" not in e.not_checked:
            e.not_checked["sol"] = "no session to read the SOL configuration (give -U and -P to check it)"

    async def _read_sol(self, conn: Connection) -> None:
        e = self.evidence
        if e.sol is not None:
            return
        values = []
        for parameter in (_SOL_ENABLE, _SOL_AUTHENTICATION):
            rq = transport.encode_get_sol_configuration_parameters_rq(_LAN_CHANNEL_NOW, parameter)
            try:
                rs = await conn.request(NetFn.TRANSPORT, transport.TransportCommand.GET_SOL_CONFIGURATION_PARAMETERS,
                                        rq)
            except IpmiError as exc:
                e.not_checked["sol"] = f"Get SOL Configuration Parameters {parameter}: {exc}"
                return
            if rs.cc:
                e.not_checked["sol"] = (f"Get SOL Configuration Parameters {parameter}: completion code "
                                        f"0x{rs.cc:02x}")
                return
            values.append(transport.decode_get_sol_configuration_parameters_rs(rs.data, parameter).value)
        enabled, auth = values
        e.sol = (bool(enabled), bool(getattr(auth, "force_encryption", False)),
                 bool(getattr(auth, "force_authentication", False)))
        e.not_checked.pop("sol", None)


async def audit_hosts(ep: Endpoint, discovered: Iterable[tuple[str, int, Discovery]],
                      options: AuditOptions) -> list[Evidence]:
    """Audit hosts one after the other on ``ep`` (the fleet runner runs many ``HostAudit`` at once)."""
    return [await HostAudit(ep, host, port, d, options).run() for host, port, d in discovered]
