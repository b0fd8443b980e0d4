"""One invocation, one host, one session: the command line's blocking path.

ipmitool is run in shell loops, so a new ``ipmifast`` process must be cheap: this path drives the sans-IO
session on one blocking UDP socket (``engine.blocking.BlockingClient``) and never imports asyncio, the engine or
the command codecs it does not need. The verbs are the same coroutines the fleet runner awaits over
``ipmifast.connect``; here every await completes at once, so ``run_sync`` drives them without an event loop.

Bridging (``-b CHANNEL -t TARGET``, ipmitool's single bridging): every request goes to the target inside a Send
Message with "track request" (IPMI v2.0 §6.12, §22.7); the session hands back the target's answer
(``proto/_requests.py``) and ``request`` returns it as if the target had answered directly.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from ipmifast.cli.main import Options
from ipmifast.engine.blocking import BlockingClient
from ipmifast.errors import CompletionCodeError, DecodeError, HostNotFound, LocalProtocolError, UsageError
from ipmifast.proto.consts import BMC_SLAVE_ADDR, AppCmd, AuthType, NetFn, Privilege
from ipmifast.proto.events import ResponseReceived
from ipmifast.proto.session import SessionConfig
from ipmifast.proto.session15 import Session15Config

T = TypeVar("T")

_PRIVILEGES = {"callback": Privilege.CALLBACK, "user": Privilege.USER, "operator": Privilege.OPERATOR,
               "administrator": Privilege.ADMINISTRATOR, "admin": Privilege.ADMINISTRATOR, "oem": Privilege.OEM}
_SEQ_MASK = 0x3F
#: Send Message completion codes (IPMI v2.0 §22.7, Table 22-10)
_SEND_MESSAGE_CC = {0x80: "invalid session handle", 0x81: "lost arbitration", 0x82: "bus error", 0x83: "NAK on write"}


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine whose awaits all complete at once (a verb over ``OneShot``)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("a verb waited for something other than the BMC")


def session_config(opts: Options, password: bytes) -> SessionConfig | Session15Config:
    """The session ``opts`` asks for: RMCP+ (``-I lanplus``) or IPMI v1.5 (``-I lan``)."""
    privilege = _PRIVILEGES.get(opts.privilege)
    if privilege is None:
        raise UsageError(f"unknown privilege level {opts.privilege!r} (-L): use CALLBACK, USER, OPERATOR or "
                         "ADMINISTRATOR")  # fmt: skip
    try:
        return _config(opts, password, privilege)
    except LocalProtocolError as exc:  # what the user typed cannot make a session (-W name, password length...)
        raise UsageError(str(exc)) from None


def _config(opts: Options, password: bytes, privilege: int) -> SessionConfig | Session15Config:
    user = opts.username.encode()
    if opts.interface == "lan":
        if opts.kg is not None:
            raise UsageError("Kg (-k/-y) exists only in IPMI v2.0: use -I lanplus")
        if opts.auth_type.upper() not in AuthType.__members__:
            raise UsageError(f"authentication type {opts.auth_type!r} (-A): use NONE, PASSWORD, MD2 or MD5")
        return Session15Config(username=user, password=password, auth_type=AuthType[opts.auth_type.upper()],
                               privilege=privilege, timeout=opts.timeout, retries=opts.retries,
                               quirks=opts.quirks)  # fmt: skip
    return SessionConfig(username=user, password=password, cipher_suite=opts.cipher_suite, privilege=privilege,
                         kg=opts.kg or None, timeout=opts.timeout, retries=opts.retries, quirks=opts.quirks)


class OneShot:
    """``with OneShot(opts, password) as bmc: run_sync(verb(bmc, args))``.

    Has what verbs use of ``client.Bmc``: ``host``, ``port``, ``request``, ``raw`` and, borrowed from ``Bmc`` on
    first use, its typed commands (``chassis_status``, ``get_device_id``...), which only call ``raw``.
    """

    def __init__(self, opts: Options, password: bytes) -> None:
        host = opts.host or ""
        config = session_config(opts, password)
        try:
            self._client = BlockingClient(host, config, port=opts.port)
        except (socket.gaierror, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise HostNotFound(f"cannot resolve host name {host!r}: {reason}") from None
        self.host = str(self._client.address[0])
        self.port = opts.port
        target = opts.target_addr
        self.bridge = None if target is None or target == BMC_SLAVE_ADDR else (opts.target_channel, target)
        self._bridged_seq = 0

    @property
    def client(self) -> BlockingClient:
        """The blocking session driver (the SOL console runs its own loop on its socket)."""
        return self._client

    def __enter__(self) -> OneShot:
        self._client.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._client.close()

    async def request(self, netfn: int, cmd: int, data: bytes = b"") -> ResponseReceived:
        """One request (to the bridged target with ``-t``); the response whatever its completion code."""
        if self.bridge is None:
            return self._client.request(netfn, cmd, bytes(data))
        from ipmifast.proto import bridge

        channel, target = self.bridge
        self._bridged_seq = (self._bridged_seq + 1) & _SEQ_MASK
        wrapped = bridge.encode_send_message_rq(channel, target, netfn, cmd, bytes(data), self._bridged_seq)
        sent = self._client.request(NetFn.APP, AppCmd.SEND_MESSAGE, wrapped)
        if sent.cc:
            error = CompletionCodeError(NetFn.APP, AppCmd.SEND_MESSAGE, sent.cc)
            text = _SEND_MESSAGE_CC.get(sent.cc, error.text)
            error.args = (f"bridging to 0x{target:02x} on channel {channel}: Send Message: {text} "
                          f"(completion code 0x{sent.cc:02x})",)  # fmt: skip
            raise error
        answer = bridge.decode_send_message_rs(sent.data)
        if answer is None:
            raise DecodeError(f"Send Message to 0x{target:02x}: the BMC returned no bridged answer")
        return ResponseReceived(sent.rq_seq, netfn, cmd, answer.cc, answer.data)

    async def raw(self, netfn: int, cmd: int, data: bytes = b"") -> bytes:
        """The response data; ``CompletionCodeError`` (with the spec's text) on a non-zero completion code."""
        response = await self.request(netfn, cmd, data)
        if response.cc:
            raise CompletionCodeError(netfn, cmd, response.cc)
        return response.data

    async def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        from ipmifast import client

        method = getattr(client.Bmc, name, None)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)
        return method.__get__(self)

