"""The Python API: ``async with ipmifast.connect(host, ...) as bmc`` and the synchronous ``ipmifast.Client``.

Every session of a process's event loop shares that loop's one engine ``Endpoint`` (one UDP socket, one timer),
so a script that opens 10,000 ``connect()`` at once uses one file descriptor.

Behaviour users of other tools asked for:
- no silent privilege fallback: ``privilege_fallback=True`` allows trying lower levels, and ``bmc.privilege``
  says which one was granted;
- a password longer than 16 bytes is an IPMI v2.0 20-byte password; longer than 20 is refused, never truncated;
- keep-alive for long-lived sessions (``keepalive`` seconds, default 30) and automatic re-establishment when the
  BMC dropped the session (``reconnect=True``; a request that was in flight is retried once on the new session
  only when it is idempotent: see ``IDEMPOTENT``).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from ipmifast.cmds import app, chassis, command_named, transport
from ipmifast.errors import (
    CompletionCodeError,
    HostNotFound,
    IpmiError,
    LocalProtocolError,
    PrivilegeUnavailable,
    SessionTimeout,
)
from ipmifast.proto.consts import AuthType, Privilege
from ipmifast.proto.events import ResponseReceived
from ipmifast.proto.session import SessionConfig
from ipmifast.proto.session15 import Session15Config

if TYPE_CHECKING:  # asyncio and the engine are imported when a session is opened (the CLI's one-shot path
    import asyncio  # borrows the typed commands without them)

    from ipmifast.engine.endpoint import Connection, Endpoint

T = TypeVar("T")

PRIVILEGES = {
    "callback": Privilege.CALLBACK,
    "user": Privilege.USER,
    "operator": Privilege.OPERATOR,
    "administrator": Privilege.ADMINISTRATOR,
    "admin": Privilege.ADMINISTRATOR,
    "oem": Privilege.OEM,
}

#: (netfn, cmd) of requests that may be sent again after a session was re-established (reads only)
IDEMPOTENT = frozenset(
    {
        (0x06, 0x01), (0x06, 0x08), (0x06, 0x37), (0x06, 0x38), (0x06, 0x42), (0x06, 0x44), (0x06, 0x25),
        (0x00, 0x00), (0x00, 0x01), (0x00, 0x09), (0x0C, 0x02), (0x0C, 0x22), (0x06, 0x46), (0x06, 0x43),
        (0x0A, 0x20), (0x0A, 0x23), (0x0A, 0x40), (0x0A, 0x43), (0x0A, 0x10), (0x0A, 0x11), (0x04, 0x2D),
    }
)

_CODEC_MODULES = {0x06: app, 0x00: chassis, 0x0C: transport}

POWER_ACTIONS = {
    "off": chassis.ChassisControl.POWER_DOWN,
    "on": chassis.ChassisControl.POWER_UP,
    "cycle": chassis.ChassisControl.POWER_CYCLE,
    "reset": chassis.ChassisControl.HARD_RESET,
    "diag": chassis.ChassisControl.DIAGNOSTIC_INTERRUPT,
    "soft": chassis.ChassisControl.SOFT_SHUTDOWN,
}

#: ipmitool's ``chassis bootdev`` names
BOOT_DEVICES = {
    "none": chassis.BootDevice.NO_OVERRIDE,
    "pxe": chassis.BootDevice.PXE,
    "disk": chassis.BootDevice.DISK,
    "safe": chassis.BootDevice.SAFE,
    "diag": chassis.BootDevice.DIAG,
    "cdrom": chassis.BootDevice.CDROM,
    "bios": chassis.BootDevice.BIOS,
    "floppy": chassis.BootDevice.REMOTE_FLOPPY,
}

_AF_INET, _AF_INET6 = socket.AF_INET, socket.AF_INET6
_endpoints: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, Endpoint]] = weakref.WeakKeyDictionary()
#: the last loop seen by ``default_endpoint`` and its endpoints (a fast path for the loop of a fleet run)
_last: tuple[Callable[[], object], dict[int, Endpoint]] = (lambda: None, {})
_creating: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


async def default_endpoint(host: str = "") -> Endpoint:
    """The running loop's shared engine endpoint for ``host``'s address family (one socket per family)."""
    import asyncio

    global _last
    loop = asyncio.get_running_loop()
    family = _AF_INET6 if ":" in host else _AF_INET
    last_loop, per_family = _last
    if last_loop() is not loop:  # a weak-keyed lookup makes a weak reference per call: only on a change of loop
        found = _endpoints.get(loop)
        if found is None:
            found = _endpoints[loop] = {}
        per_family = found
        _last = (weakref.ref(loop), per_family)
    endpoint = per_family.get(family)
    if endpoint is not None and endpoint.transport is not None:
        return endpoint
    from ipmifast.engine.endpoint import Endpoint

    async with _creating.setdefault(loop, asyncio.Lock()):  # concurrent first connects create ONE socket
        endpoint = per_family.get(family)
        if endpoint is None or endpoint.transport is None:
            endpoint = await Endpoint.create(("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0))
            per_family[family] = endpoint
        return endpoint


async def resolve(host: str, port: int) -> str:
    """The address of ``host`` (an IP address is returned as it is); ``HostNotFound`` if it does not resolve."""
    for family in (_AF_INET, _AF_INET6):  # inet_pton: 10x cheaper than ipaddress for the common case
        try:
            socket.inet_pton(family, host)
            return host
        except (OSError, ValueError, TypeError):
            pass
    try:
        ipaddress.ip_address(host)  # forms inet_pton refuses but Python accepts (IPv6 with a scope)
        return host
    except ValueError:
        pass
    import asyncio

    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostNotFound(f"cannot resolve host name {host!r}: {getattr(exc, 'strerror', None) or exc}") from None
    return str(infos[0][4][0])


def parse_privilege(privilege: str | int) -> int:
    """``"administrator"``, ``"ADMIN"``, ``4`` or ``Privilege.ADMINISTRATOR`` → 4."""
    if isinstance(privilege, str):
        try:
            return PRIVILEGES[privilege.lower()]
        except KeyError:
            raise LocalProtocolError(
                f"unknown privilege level {privilege!r}: use callback, user, operator, administrator or oem"
            ) from None
    if not Privilege.CALLBACK <= int(privilege) <= Privilege.OEM:
        raise LocalProtocolError(f"privilege level {privilege} is not 1-5")
    return int(privilege)


def _secret(value: str | bytes | None, what: str) -> bytes:
    if value is None:
        return b""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


class Bmc:
    """An open session to one BMC. Create with ``ipmifast.connect``."""

    def __init__(
        self, host: str, port: int, config: SessionConfig | Session15Config, endpoint: Endpoint, reconnect: bool
    ) -> None:
        self.host = host
        self.port = port
        self.config = config
        self.reconnect = reconnect
        self._endpoint = endpoint
        self._conn: Connection | None = None
        #: how many times the session was re-established after the BMC dropped it
        self.reconnects = 0

    def __repr__(self) -> str:
        return f"<Bmc {self.host}:{self.port} cipher suite {self.cipher_suite} privilege {self.privilege}>"

    @property
    def privilege(self) -> int:
        """The privilege level the BMC granted to this session."""
        return self._conn.session.privilege if self._conn is not None else 0

    @property
    def cipher_suite(self) -> int | None:
        """The RMCP+ cipher suite (None for an IPMI v1.5 session)."""
        return self.config.cipher_suite if isinstance(self.config, SessionConfig) else None

    async def _open(self) -> None:
        conn = self._endpoint.open(self.host, self.port, self.config)
        try:
            await conn.established
        except BaseException:
            if not conn.is_closed:
                await conn.close()
            raise
        self._conn = conn

    async def request(self, netfn: int, cmd: int, data: bytes = b"") -> ResponseReceived:
        """One request in this session; the response whatever its completion code."""
        conn = self._conn
        if conn is None:
            raise LocalProtocolError("the session is closed")
        if conn.is_closed:  # the keep-alive failed or the BMC closed the session
            if not self.reconnect:
                raise SessionTimeout(f"the session to {self.host} was lost")
            conn = await self._reopen(conn)
        try:
            return await conn.request(netfn, cmd, data)
        except SessionTimeout:
            if not self.reconnect:
                raise
        # no answer: the BMC may have dropped the session (reset, expiry). A new handshake tells: if it fails,
        # its error (ConnectionTimeout...) is the answer; if it works, reads are repeated, writes are not.
        conn = await self._reopen(conn)
        if (netfn, cmd) not in IDEMPOTENT:
            raise SessionTimeout(
                f"no answer from {self.host} to netfn 0x{netfn:02x} cmd 0x{cmd:02x}; the session was "
                "re-established but the command was not repeated (it may have taken effect)"
            )
        return await conn.request(netfn, cmd, data)

    async def _reopen(self, old: Connection) -> Connection:
        self._conn = None
        if not old.is_closed:
            import asyncio

            asyncio.ensure_future(old.close())  # best effort: frees the slot if the BMC still has it
        self.reconnects += 1
        await self._open()
        assert self._conn is not None
        return self._conn

    async def raw(self, netfn: int, cmd: int, data: bytes = b"") -> bytes:
        """Send a raw request; return the response data (after the completion code).

        Raises ``CompletionCodeError`` (with the spec's text) when the completion code is not zero.
        """
        response = await self.request(netfn, cmd, bytes(data))
        if response.cc:
            raise CompletionCodeError(netfn, cmd, response.cc)
        return response.data

    # ------------------------------------------------------------------ typed commands (ipmifast.cmds)
    async def command(self, name: str, *args: Any, decode_args: tuple[Any, ...] = (), **kwargs: Any) -> Any:
        """Any registered command by name (``"Get Device ID"``): encode the request from ``args``/``kwargs``
        with its ``cmds`` codec, send it, decode the response (``CompletionCodeError`` on a non-zero code)."""
        entry = command_named(name)
        module = _CODEC_MODULES[entry.netfn]
        request = getattr(module, f"encode_{entry.codec_name}_rq")(*args, **kwargs)
        data = await self.raw(entry.netfn, entry.cmd, request)
        return getattr(module, f"decode_{entry.codec_name}_rs")(data, *decode_args)

    async def get_device_id(self) -> app.DeviceId:
        """Get Device ID (§20.1): device, firmware, IPMI version, manufacturer and product."""
        result: app.DeviceId = await self.command("Get Device ID")
        return result

    async def get_device_guid(self) -> app.Guid:
        result: app.Guid = await self.command("Get Device GUID")
        return result

    async def get_system_guid(self) -> app.Guid:
        result: app.Guid = await self.command("Get System GUID")
        return result

    async def cold_reset(self) -> None:
        await self.command("Cold Reset")

    async def warm_reset(self) -> None:
        await self.command("Warm Reset")

    async def get_watchdog(self) -> app.WatchdogTimer:
        result: app.WatchdogTimer = await self.command("Get Watchdog Timer")
        return result

    async def set_watchdog(self, **request: Any) -> None:
        """Set Watchdog Timer (§21.6): the fields of ``cmds.app.encode_set_watchdog_timer_rq``."""
        await self.command("Set Watchdog Timer", **request)

    async def reset_watchdog(self) -> None:
        await self.command("Reset Watchdog Timer")

    async def get_channel_auth_capabilities(
        self, channel: int = 0x0E, privilege: int = Privilege.ADMINISTRATOR
    ) -> app.ChannelAuthenticationCapabilities:
        result: app.ChannelAuthenticationCapabilities = await self.command(
            "Get Channel Authentication Capabilities", channel, privilege
        )
        return result

    async def get_channel_info(self, channel: int = 0x0E) -> app.ChannelInfo:
        result: app.ChannelInfo = await self.command("Get Channel Info", channel)
        return result

    async def get_channel_access(self, channel: int, **request: Any) -> app.ChannelAccess:
        result: app.ChannelAccess = await self.command("Get Channel Access", channel, **request)
        return result

    async def set_channel_access(self, channel: int, **request: Any) -> None:
        await self.command("Set Channel Access", channel, **request)

    async def get_session_info(self, **request: Any) -> app.SessionInfo:
        result: app.SessionInfo = await self.command("Get Session Info", **request)
        return result

    async def set_session_privilege(self, privilege: int) -> int:
        """Set Session Privilege Level (§22.18); returns the level now in effect."""
        result = await self.command("Set Session Privilege Level", privilege)
        return int(result.privilege)

    async def chassis_status(self) -> chassis.ChassisStatus:
        """Get Chassis Status (§28.2): ``.power_on``, faults, restore policy, last power event, identify."""
        result: chassis.ChassisStatus = await self.command("Get Chassis Status")
        return result

    async def power(self, action: str) -> None:
        """Chassis Control (§28.3): ``"on"``, ``"off"``, ``"cycle"``, ``"reset"``, ``"diag"`` or ``"soft"``."""
        try:
            control = POWER_ACTIONS[action]
        except KeyError:
            raise LocalProtocolError(f"power action {action!r}: use {', '.join(POWER_ACTIONS)}") from None
        await self.command("Chassis Control", control)

    async def identify(self, interval: int | None = None, force: bool = False) -> None:
        """Chassis Identify (§28.5): the BMC's default 15 s, ``interval`` seconds (0: off), or ``force`` on."""
        if force:
            await self.command("Chassis Identify", 0, True)
        else:
            await self.command("Chassis Identify", interval)

    async def set_power_restore_policy(self, policy: chassis.PowerRestorePolicy) -> chassis.PowerRestorePolicySupport:
        result: chassis.PowerRestorePolicySupport = await self.command("Set Power Restore Policy", policy)
        return result

    async def set_bootdev(
        self, device: chassis.BootDevice | str, persistent: bool = False, efi: bool = False
    ) -> None:
        """Set System Boot Options parameter 5 (boot flags) as ``ipmitool chassis bootdev`` does."""
        if isinstance(device, str):
            try:
                device = BOOT_DEVICES[device]
            except KeyError:
                raise LocalProtocolError(f"boot device {device!r}: use {', '.join(BOOT_DEVICES)}") from None
        flags = chassis.BootFlags(boot_device=device, boot_flags_valid=True, persistent=persistent, efi=efi)
        await self.command("Set System Boot Options", chassis.BootOptionParameter.BOOT_FLAGS, flags)

    async def get_boot_option(self, parameter: int) -> chassis.SystemBootOption:
        result: chassis.SystemBootOption = await self.command("Get System Boot Options", parameter)
        return result

    async def get_lan_parameter(self, channel: int, parameter: int, set_selector: int = 0) -> Any:
        """Get LAN Configuration Parameters (§23.2): the typed value of ``parameter`` (``cmds.transport``)."""
        result = await self.command(
            "Get LAN Configuration Parameters", channel, parameter, set_selector, decode_args=(parameter,)
        )
        return result.value

    async def set_lan_parameter(self, channel: int, parameter: int, value: Any) -> None:
        await self.command("Set LAN Configuration Parameters", channel, parameter, value)

    async def get_sol_parameter(self, channel: int, parameter: int) -> Any:
        """Get SOL Configuration Parameters (§26.3): the typed value of ``parameter``."""
        result = await self.command(
            "Get SOL Configuration Parameters", channel, parameter, decode_args=(parameter,)
        )
        return result.value

    async def set_sol_parameter(self, channel: int, parameter: int, value: Any) -> None:
        await self.command("Set SOL Configuration Parameters", channel, parameter, value)

    async def get_user_access(self, channel: int, user_id: int) -> app.UserAccess:
        result: app.UserAccess = await self.command("Get User Access", channel, user_id)
        return result

    async def set_user_access(self, channel: int, user_id: int, privilege_limit: int, **request: Any) -> None:
        await self.command("Set User Access", channel, user_id, privilege_limit, **request)

    async def get_user_name(self, user_id: int) -> bytes:
        result = await self.command("Get User Name", user_id)
        return bytes(result.user_name)

    async def set_user_name(self, user_id: int, name: str | bytes) -> None:
        await self.command("Set User Name", user_id, _secret(name, "user name"))

    async def set_user_password(self, user_id: int, password: str | bytes, size: int | None = None) -> None:
        """Set User Password (§22.30): 16-byte form, or 20-byte when longer than 16 (or ``size=20``); never
        truncated."""
        secret = _secret(password, "password")
        size = size or (20 if len(secret) > 16 else 16)
        if len(secret) > size:
            raise LocalProtocolError(f"password of {len(secret)} bytes does not fit the {size}-byte form")
        await self.command("Set User Password", user_id, app.PasswordOperation.SET_PASSWORD, secret, size)

    async def test_user_password(self, user_id: int, password: str | bytes, size: int = 16) -> bool:
        """Set User Password "test password": True when it matches (completion code 80h says it does not)."""
        try:
            await self.command(
                "Set User Password", user_id, app.PasswordOperation.TEST_PASSWORD, _secret(password, "password"), size
            )
        except CompletionCodeError as exc:
            if exc.cc in (0x80, 0x81):
                return False
            raise
        return True

    async def enable_user(self, user_id: int, enabled: bool = True) -> None:
        operation = app.PasswordOperation.ENABLE_USER if enabled else app.PasswordOperation.DISABLE_USER
        await self.command("Set User Password", user_id, operation)

    async def close(self) -> None:
        """Close Session (retransmitted until answered)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    async def __aenter__(self) -> Bmc:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class _Connecting:
    """What ``connect()`` returns: await it, or use it as ``async with``."""

    def __init__(self, make: Callable[[], Awaitable[Bmc]]) -> None:
        self._make = make
        self._bmc: Bmc | None = None

    def __await__(self) -> Generator[Any, None, Bmc]:
        return self._make().__await__()

    async def __aenter__(self) -> Bmc:
        self._bmc = await self._make()
        return self._bmc

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bmc is not None:
            await self._bmc.close()


def connect(
    host: str,
    *,
    username: str | bytes = "",
    password: str | bytes | None = None,
    port: int = 623,
    cipher_suite: int = 3,
    privilege: str | int = "administrator",
    kg: str | bytes | None = None,
    interface: str = "lanplus",
    auth_type: str = "md5",
    quirks: Iterable[str] = (),
    timeout: float = 1.0,
    retries: int = 3,
    backoff: float = 1.0,
    privilege_fallback: bool = False,
    keepalive: float | None = 30.0,
    reconnect: bool = True,
    endpoint: Endpoint | None = None,
) -> _Connecting:
    """Open an IPMI session to ``host``: ``async with ipmifast.connect(host, username=..., password=...) as bmc``.

    ``timeout`` is per try and ``retries`` the retransmits after it (an unreachable BMC fails after
    ``timeout * (retries + 1)`` seconds with ``ConnectionTimeout``).
    """
    if interface not in ("lanplus", "lan"):
        raise LocalProtocolError(f"interface {interface!r}: use 'lanplus' (IPMI v2.0 RMCP+) or 'lan' (IPMI v1.5)")
    requested = parse_privilege(privilege)
    user, secret = _secret(username, "user name"), _secret(password, "password")
    if auth_type.upper() not in ("NONE", "MD2", "MD5", "PASSWORD"):
        raise LocalProtocolError(f"auth type {auth_type!r}: use none, md2, md5 or password")
    base = dict(
        username=user,
        password=secret,
        cipher_suite=cipher_suite,
        kg=_secret(kg, "Kg") or None,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        keepalive=keepalive,
        quirks=frozenset(quirks),
    )

    def make_config(level: int) -> SessionConfig | Session15Config:
        if interface == "lan":
            if kg is not None:
                raise LocalProtocolError("Kg (BMC key) exists only in IPMI v2.0: use interface='lanplus'")
            return Session15Config(
                username=user, password=secret, auth_type=AuthType[auth_type.upper()],
                privilege=level, timeout=timeout, retries=retries, quirks=frozenset(quirks),
            )
        return SessionConfig(privilege=level, **base)  # type: ignore[arg-type]

    async def make() -> Bmc:
        address = await resolve(host, port)
        ep = endpoint or await default_endpoint(address)
        levels = [requested]
        if privilege_fallback:
            levels += [p for p in (Privilege.OPERATOR, Privilege.USER) if p < requested]
        error: IpmiError | None = None
        for level in levels:
            config = make_config(level)
            bmc = Bmc(address, port, config, ep, reconnect)
            try:
                await bmc._open()
            except PrivilegeUnavailable as exc:
                error = exc
                continue
            return bmc
        assert error is not None
        raise error

    return _Connecting(make)


class Client:
    """Synchronous facade for scripts: ``with ipmifast.Client(host, username=..., password=...) as bmc:``.

    Has the same methods as ``Bmc``, as plain calls. It runs a private event loop in a background thread.
    """

    def __init__(self, host: str, **options: Any) -> None:
        from ipmifast.engine.loop import new_event_loop

        self._loop = new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"ipmifast {host}", daemon=True)
        self._thread.start()
        try:
            self._bmc: Bmc = self._run(connect(host, **options))
        except BaseException:
            self._stop()
            raise

    def _run(self, awaitable: Awaitable[T]) -> T:
        import asyncio

        async def wrapper() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapper(), self._loop).result()

    def __getattr__(self, name: str) -> Any:
        import asyncio

        attr = getattr(self._bmc, name)
        if not asyncio.iscoroutinefunction(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._run(attr(*args, **kwargs))

        call.__name__ = name
        call.__doc__ = attr.__doc__
        return call

    def close(self) -> None:
        try:
            self._run(self._bmc.close())
        finally:
            self._stop()

    def _stop(self) -> None:
        import asyncio

        async def shutdown() -> None:
            global _last
            for endpoint in _endpoints.pop(self._loop, {}).values():
                endpoint.close()
            if _last[0]() is self._loop:
                _last = (lambda: None, {})

        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result()
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` on the best event loop available (uvloop when installed)."""
    from ipmifast.engine.loop import run as run_loop

    return run_loop(main)
