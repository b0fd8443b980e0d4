"""``sol activate``, ``sol deactivate``, ``sol looptest``: the interactive Serial-over-LAN console (IPMI v2.0 §15, §24).

Setup (``activate_sol``): Get Channel Info for the current channel (0Eh) gives the real LAN channel number, and
everything after it names that channel: Get Channel Payload Support is never sent for 0Eh (OpenIPMI's ipmi_sim
crashes on it, tests/data/testbed/README.md). Get SOL Configuration Parameters 1, 2 and 4 (§26.3, Table 26-5) give
enable, force encryption/authentication and the retry count and interval (7 x 500 ms when the BMC lacks them).
Activate Payload (§24.1) asks for payload instance 1 with encryption and authentication as the session's cipher
suite provides them; "payload already active" (80h) becomes Deactivate Payload and a second Activate Payload
with ``--force``.

The console (``Console``) is one ``selectors`` loop over standard input and the session's UDP socket, driving
the sans-IO ``ClientSession`` and its ``SolWindow``. ``EscapeParser`` (sans-IO) finds ipmitool's escapes in the
keystrokes: only right after a newline, ``~.`` disconnects, ``~B`` sends a break, ``~^Z`` suspends ipmifast,
``~w`` types ``stty rows R cols C`` with the terminal's size, ``~?`` prints help, ``~~`` sends one ``~`` (``-e CHAR``
changes ``~``). While idle, a Get Device ID every ``--keepalive`` seconds (15) keeps the session open and finds a
BMC that is gone. A terminal on standard input goes into raw mode, and is restored on
every way out (``~.``, end of input, errors, SIGINT/SIGTERM/SIGHUP, the BMC deactivating SOL or vanishing).
Without a terminal, standard input is sent as it comes and the console ends at its end, once the output has
been quiet for ``QUIET`` seconds.
"""

from __future__ import annotations

import enum
import os
import selectors
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ipmifast.cli.registry import OPTIONS, Output, usage, usage_error, verb
from ipmifast.errors import CompletionCodeError, IpmiError, SessionTimeout, UsageError

NETFN_APP = 0x06
NETFN_TRANSPORT = 0x0C
CMD_GET_DEVICE_ID = 0x01
CMD_GET_CHANNEL_INFO = 0x42
CMD_ACTIVATE_PAYLOAD = 0x48
CMD_DEACTIVATE_PAYLOAD = 0x49
CMD_GET_CHANNEL_PAYLOAD_SUPPORT = 0x4E
CMD_GET_SOL_CONFIGURATION = 0x22
CURRENT_CHANNEL = 0x0E
PAYLOAD_SOL = 1
SOL_INSTANCE = 1
#: Activate Payload completion codes (§24.1)
CC_ALREADY_ACTIVE = 0x80
CC_PAYLOAD_DISABLED = 0x81
CC_LIMIT_REACHED = 0x82
CC_WITH_ENCRYPTION = 0x83
CC_WITHOUT_ENCRYPTION = 0x84
CC_PARAMETER_NOT_SUPPORTED = 0x80  # Get SOL Configuration Parameters (§26.3)
CC_INVALID_COMMAND = 0xC1

#: what typical BMCs default to, and what a BMC without SOL parameter 4 gets (§26, Table 26-5)
DEFAULT_RETRY_COUNT = 7
DEFAULT_RETRY_INTERVAL = 0.5
#: a BMC that reports no usable payload size gets this many characters per packet (FreeIPMI's solpayloadsize)
DEFAULT_MAX_DATA = 200
#: keep-alive: a Get Device ID after this many seconds without traffic, as ipmitool's SOL keep-alive does
KEEPALIVE = 15.0
#: without a terminal, end this long after the last output once standard input has ended
QUIET = 1.0
#: stop reading standard input while this many characters wait for the BMC's acknowledgement (back-pressure)
MAX_PENDING = 16384
READ_SIZE = 4096

usage("sol", "sol info [CHANNEL] | sol set PARAMETER VALUE [CHANNEL] [noguard] | sol activate [--force] [-e CHAR] "
             "[--log FILE] [--reconnect] [--keepalive SECONDS] | sol deactivate | sol looptest [COUNT [INTERVAL_MS]] | "
             "sol log --dir DIR [--duration SECONDS]  (PARAMETER: set-in-progress, enabled, force-encryption, "
             "force-authentication, privilege-level, character-accumulate-level, character-send-threshold, "
             "retry-count, retry-interval, non-volatile-bit-rate, volatile-bit-rate)")


class SolDeactivated(IpmiError):
    """The BMC ended SOL: "SOL deactivating" in its status byte (Table 15-3), or Deactivate Payload elsewhere."""


class ConsoleInterrupted(IpmiError):
    """A signal ended the console; the exit status is 128 + the signal number, as a shell reports it."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"SOL console ended by {signal.Signals(signum).name}")
        self.exit_code = 128 + signum


# ================================================================================================ escapes


class Escape(enum.Enum):
    DATA = "data"
    BREAK = "break"
    HELP = "help"
    DISCONNECT = "disconnect"
    SUSPEND = "suspend"  # ~^Z: stop ipmifast (the shell's job control), terminal restored meanwhile
    SIZE = "size"  # ~w: type "stty rows R cols C" at the host's shell, with this terminal's size


@dataclass(frozen=True)
class Action:
    kind: Escape
    data: bytes = b""


#: the keys after the escape character that act here, besides "." (disconnect) and the escape character itself
_ESCAPES = {
    0x42: Escape.BREAK, 0x62: Escape.BREAK,  # "B", and "b" as FreeIPMI's &B is case-blind
    0x3F: Escape.HELP,  # "?"
    0x1A: Escape.SUSPEND,  # Ctrl-Z, as ipmitool's ~^Z
    0x77: Escape.SIZE,  # "w"
}


class EscapeParser:
    """Keystrokes in, console actions out (sans-IO): ssh's and ipmitool's escapes, recognised only as the first
    character after a newline (CR or LF) or at the very start. ``escape`` None disables them."""

    def __init__(self, escape: bytes | None = b"~") -> None:
        if escape is not None and len(escape) != 1:
            raise UsageError(f"the escape character must be one character, not {escape!r}")
        self.escape = escape
        self._line_start = True
        self._pending = False

    def feed(self, data: bytes) -> list[Action]:
        actions: list[Action] = []
        out = bytearray()
        if self.escape is None:
            return [Action(Escape.DATA, bytes(data))] if data else []
        esc = self.escape[0]
        for byte in data:
            if self._pending:
                self._pending = False
                if byte == 0x2E:  # "."
                    self._flush(actions, out)
                    actions.append(Action(Escape.DISCONNECT))
                    return actions
                if byte in _ESCAPES:
                    self._flush(actions, out)
                    actions.append(Action(_ESCAPES[byte]))
                    self._line_start = _ESCAPES[byte] is not Escape.BREAK  # after ~B the line is not at its start
                    continue
                if byte == esc:
                    out.append(esc)
                    self._line_start = False
                    continue
                out.append(esc)  # not an escape: both characters go to the host
            elif self._line_start and byte == esc:
                self._pending = True
                continue
            out.append(byte)
            self._line_start = byte in (0x0D, 0x0A)
        self._flush(actions, out)
        return actions

    @staticmethod
    def _flush(actions: list[Action], out: bytearray) -> None:
        if out:
            actions.append(Action(Escape.DATA, bytes(out)))
            out.clear()


def help_text(escape: bytes | None) -> str:
    e = (escape or b"~").decode("latin-1")
    return (f"Supported escape sequences (after a newline):\r\n"
            f"  {e}.  end the SOL console\r\n"
            f"  {e}B  send a break to the host\r\n"
            f"  {e}^Z suspend ipmifast (fg resumes it)\r\n"
            f"  {e}w  type 'stty rows R cols C' at the host's shell: this terminal's size\r\n"
            f"  {e}?  this help\r\n"
            f"  {e}{e}  send the escape character itself\r\n")  # fmt: skip


# ================================================================================================ setup


@dataclass(frozen=True)
class SolSetup:
    channel: int
    retry_count: int
    retry_interval: float
    max_data: int
    encrypt: bool
    authenticate: bool


async def _get(bmc: Any, netfn: int, cmd: int, data: bytes) -> Any:
    return await bmc.request(netfn, cmd, data)


async def lan_channel(bmc: Any) -> int:
    """The real number of the channel this session runs on (Get Channel Info for 0Eh, §22.24)."""
    response = await _get(bmc, NETFN_APP, CMD_GET_CHANNEL_INFO, bytes((CURRENT_CHANNEL,)))
    if response.cc or not response.data:
        raise CompletionCodeError(NETFN_APP, CMD_GET_CHANNEL_INFO, response.cc or 0xCC)
    return int(response.data[0] & 0x0F)


async def sol_parameters(bmc: Any, channel: int) -> tuple[bool, bool, int, float]:
    """(enabled, force encryption, retry count, retry interval) of SOL parameters 1, 2, 4 (Table 26-5); a
    parameter the BMC lacks (80h) keeps the default."""
    values: dict[int, bytes] = {}
    for parameter in (1, 2, 4):
        response = await _get(bmc, NETFN_TRANSPORT, CMD_GET_SOL_CONFIGURATION, bytes((channel, parameter, 0, 0)))
        if response.cc == CC_PARAMETER_NOT_SUPPORTED:
            continue
        if response.cc:
            raise CompletionCodeError(NETFN_TRANSPORT, CMD_GET_SOL_CONFIGURATION, response.cc)
        values[parameter] = bytes(response.data[1:])
    enabled = bool(values[1][0] & 1) if values.get(1) else True
    force_encryption = bool(values[2][0] & 0x80) if values.get(2) else False
    retry_count, retry_interval = DEFAULT_RETRY_COUNT, DEFAULT_RETRY_INTERVAL
    retry = values.get(4, b"")
    if len(retry) >= 2:
        retry_count = retry[0] & 0x07
        retry_interval = retry[1] * 0.01 if retry[1] else DEFAULT_RETRY_INTERVAL
    return enabled, force_encryption, retry_count, retry_interval


async def activate_sol(bmc: Any, session: Any, force: bool) -> SolSetup:
    """Run the setup of the module docstring; the session is ready for ``attach_sol``."""
    from ipmifast.cmds import app

    suite = getattr(session, "suite", None)
    if suite is None:
        raise UsageError("SOL needs an RMCP+ session: use -I lanplus")
    channel = await lan_channel(bmc)
    support = await _get(bmc, NETFN_APP, CMD_GET_CHANNEL_PAYLOAD_SUPPORT, bytes((channel,)))
    if support.cc == 0:
        if PAYLOAD_SOL not in app.decode_get_channel_payload_support_rs(bytes(support.data)).standard_payload_types:
            raise IpmiError(f"the BMC offers no SOL payload on channel {channel}")
    elif support.cc != CC_INVALID_COMMAND:
        raise CompletionCodeError(NETFN_APP, CMD_GET_CHANNEL_PAYLOAD_SUPPORT, support.cc)
    enabled, force_encryption, retry_count, retry_interval = await sol_parameters(bmc, channel)
    if not enabled:
        raise IpmiError(f"SOL is disabled on channel {channel} (enable it: ipmifast ... sol set enabled true "
                        f"{channel})")  # fmt: skip
    encrypt = bool(suite.confidentiality)
    authenticate = bool(suite.integrity)
    if force_encryption and not encrypt:
        raise IpmiError(f"the BMC forces SOL encryption on channel {channel}: use a cipher suite with "
                        "confidentiality (-C 3 or -C 17)")  # fmt: skip
    aux = app.encode_sol_activation(app.SolActivation(encrypt=encrypt, authenticate=authenticate,
                                                      serial_alert_behavior=app.SerialAlertBehavior.DEFERRED))
    request = app.encode_activate_payload_rq(PAYLOAD_SOL, SOL_INSTANCE, aux)
    response = await _get(bmc, NETFN_APP, CMD_ACTIVATE_PAYLOAD, request)
    if response.cc == CC_ALREADY_ACTIVE and force:
        await deactivate(bmc)
        response = await _get(bmc, NETFN_APP, CMD_ACTIVATE_PAYLOAD, request)
    if response.cc == CC_ALREADY_ACTIVE:
        raise IpmiError("SOL payload already active on another session: end it with 'sol deactivate', or take "
                        "it over with 'sol activate --force'")  # fmt: skip
    if response.cc:
        text = {CC_PAYLOAD_DISABLED: "SOL payload disabled for this user or channel",
                CC_LIMIT_REACHED: "SOL payload limit reached",
                CC_WITH_ENCRYPTION: "SOL cannot be activated with encryption",
                CC_WITHOUT_ENCRYPTION: "SOL cannot be activated without encryption"}.get(response.cc)
        error = CompletionCodeError(NETFN_APP, CMD_ACTIVATE_PAYLOAD, response.cc)
        if text:
            error.args = (f"Activate Payload: {text} (completion code 0x{response.cc:02x})",)
        raise error
    activation = app.decode_activate_payload_rs(bytes(response.data))
    size = activation.inbound_payload_size
    max_data = size - 4 if 16 <= size <= 259 else DEFAULT_MAX_DATA
    return SolSetup(channel, retry_count, retry_interval, max_data, encrypt, authenticate)


async def deactivate(bmc: Any) -> bool:
    """Deactivate Payload for SOL instance 1 (§24.2); False if it was not active (80h)."""
    from ipmifast.cmds import app

    response = await _get(bmc, NETFN_APP, CMD_DEACTIVATE_PAYLOAD, app.encode_deactivate_payload_rq(PAYLOAD_SOL))
    if response.cc == 0x80:
        return False
    if response.cc:
        raise CompletionCodeError(NETFN_APP, CMD_DEACTIVATE_PAYLOAD, response.cc)
    return True


# ================================================================================================ the loop


class Ended(enum.Enum):
    DISCONNECT = "disconnect"  # ~.
    EOF = "eof"  # standard input ended and the output drained
    DEACTIVATED = "deactivated"  # the BMC ended SOL
    LOST = "lost"  # the session died: no acknowledgement, keep-alive unanswered


class Console:
    """One SOL console over one established session with its window attached (``run`` until it ends)."""

    def __init__(self, client: Any, window: Any, parser: EscapeParser, stdin_fd: int, stdout_fd: int,
                 log: IO[bytes] | None = None, tty: bool = False, notice: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, keepalive: float = KEEPALIVE,
                 suspend: Callable[[], None] | None = None) -> None:  # fmt: skip
        self.client = client
        self.session = client.session
        self.window = window
        self.parser = parser
        self.stdin_fd = stdin_fd
        self.stdout_fd = stdout_fd
        self.log = log
        self.tty = tty
        self.notice = notice or (lambda text: None)
        self.clock = clock
        self.keepalive = keepalive
        self.suspend = suspend
        self.stdin_open = True
        self.received = 0
        self.sent = 0

    def run(self) -> Ended:
        from ipmifast.proto.events import RequestFailed, SessionClosed, SessionFailed, SolDataReceived

        sock = self.client.socket
        address = self.client.address
        selector = selectors.DefaultSelector()
        selector.register(sock, selectors.EVENT_READ, "sock")
        stdin_registered = False
        last_rx = last_traffic = self.clock()
        keepalive_rq: int | None = None
        try:
            while True:
                now = self.clock()
                # standard input: register while we can take it (back-pressure on the window)
                want_stdin = self.stdin_open and self.window.pending < MAX_PENDING
                if want_stdin and not stdin_registered:
                    selector.register(self.stdin_fd, selectors.EVENT_READ, "stdin")
                    stdin_registered = True
                elif not want_stdin and stdin_registered:
                    selector.unregister(self.stdin_fd)
                    stdin_registered = False
                for datagram in self.session.datagrams_to_send(now):
                    try:
                        sock.sendto(datagram, address)
                    except OSError:
                        pass  # like a lost datagram: the window retries, then fails
                while (event := self.session.next_event()) is not None:
                    if isinstance(event, SolDataReceived):
                        self._output(event.data)
                        last_rx = now
                    elif isinstance(event, RequestFailed) and event.rq_seq == keepalive_rq:
                        return Ended.LOST
                    elif isinstance(event, (SessionFailed, SessionClosed)):
                        return Ended.LOST
                    elif getattr(event, "rq_seq", None) == keepalive_rq:
                        keepalive_rq = None
                if self.window.deactivated:
                    return Ended.DEACTIVATED
                if self.window.failed:
                    return Ended.LOST
                if not self.stdin_open and self.window.pending == 0 and now - last_rx >= QUIET:
                    return Ended.EOF
                if keepalive_rq is None and now - last_traffic >= self.keepalive:
                    keepalive_rq = self.session.request(NETFN_APP, CMD_GET_DEVICE_ID, b"", now)
                    last_traffic = now
                    continue
                deadlines = [last_traffic + self.keepalive]
                timer = self.session.get_timer()
                if timer is not None:
                    deadlines.append(timer)
                if not self.stdin_open:
                    deadlines.append(last_rx + QUIET)
                wait = max(0.0, min(deadlines) - now)
                for key, _ in selector.select(wait):
                    if key.data == "sock":
                        if self._drain_socket(sock, address):
                            last_traffic = self.clock()
                    else:
                        disconnect = self._read_stdin()
                        if disconnect:
                            return Ended.DISCONNECT
                now = self.clock()
                timer = self.session.get_timer()
                if timer is not None and timer <= now:
                    self.session.handle_timer(now)
        finally:
            selector.close()

    def _drain_socket(self, sock: Any, address: Any) -> bool:
        got = False
        while True:
            try:
                data, peer = sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                return got
            except ConnectionRefusedError:  # ICMP port unreachable: the timers decide
                return got
            if peer[:2] == tuple(address):
                self.session.receive_datagram(data, self.clock())
                got = True

    def _read_stdin(self) -> bool:
        try:
            data = os.read(self.stdin_fd, READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:  # a pty whose other side closed
            data = b""
        if not data:
            self.stdin_open = False
            return False
        now = self.clock()
        for action in self.parser.feed(data):
            if action.kind is Escape.DATA:
                self.session.sol_send(action.data, now)
                self.sent += len(action.data)
            elif action.kind is Escape.BREAK:
                self.window.send_break()
                self.notice("[sent a break]")
            elif action.kind is Escape.HELP:
                self._write(self.stdout_fd, help_text(self.parser.escape).encode())
            elif action.kind is Escape.SUSPEND:
                if self.suspend is not None:
                    self.suspend()
            elif action.kind is Escape.SIZE:
                size = terminal_size(self.stdout_fd)
                if size is None:
                    self.notice("[no terminal: no size to give]")
                else:
                    self.session.sol_send(f"stty rows {size[0]} cols {size[1]}\r".encode(), self.clock())
            else:
                return True
        return False

    def _output(self, data: bytes) -> None:
        self.received += len(data)
        self._write(self.stdout_fd, data)
        if self.log is not None:
            self.log.write(data)
            self.log.flush()

    @staticmethod
    def _write(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(fd, view)
            except BlockingIOError:
                selectors.DefaultSelector().select(0.01)
                continue
            view = view[n:]


# ================================================================================================ terminal


class Terminal:
    """Raw mode on a terminal for as long as the console runs; restored on every way out, signals included."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.tty = os.isatty(fd)
        self._saved: list[Any] | None = None
        self._handlers: dict[int, Any] = {}

    def __enter__(self) -> Terminal:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._handlers[signum] = signal.signal(signum, self._signalled)
        if self.tty:
            import termios
            import tty

            self._saved = termios.tcgetattr(self.fd)
            tty.setraw(self.fd, termios.TCSAFLUSH)
        return self

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def __exit__(self, *exc: object) -> None:
        self.restore()
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)
        self._handlers.clear()

    @staticmethod
    def _signalled(signum: int, frame: Any) -> None:
        raise ConsoleInterrupted(signum)

    def suspend(self) -> None:
        """``~^Z``: the terminal as it was, this process stopped until the shell continues it, then raw again.
        (SIGSTOP, not SIGTSTP: a stop request the kernel would drop for an orphaned process group.)"""
        if not self.tty:
            return
        import termios
        import tty

        saved = self._saved
        self.restore()
        os.kill(os.getpid(), signal.SIGSTOP)
        if saved is not None:  # continued: raw again, keeping what was typed meanwhile (TCSANOW, no flush)
            self._saved = saved
            tty.setraw(self.fd, termios.TCSANOW)


def terminal_size(fd: int) -> tuple[int, int] | None:
    """(rows, columns) of the terminal on ``fd``, or None."""
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return None
    return (size.lines, size.columns) if size.lines and size.columns else None


def _notice(tty: bool) -> Callable[[str], None]:
    end = "\r\n" if tty else "\n"

    def notice(text: str) -> None:
        sys.stderr.write(text + end)
        sys.stderr.flush()

    return notice


# ================================================================================================ verbs


def _parse_activate(args: list[str]) -> tuple[bool, bytes | None, str | None, bool, float]:
    force = reconnect = False
    escape: bytes | None = b"~"
    log: str | None = None
    keepalive = KEEPALIVE
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--force":
            force = True
        elif arg == "--reconnect":
            reconnect = True
        elif arg in ("-e", "--log", "--keepalive"):
            if i + 1 >= len(args):
                raise usage_error("sol", f"activate {arg} needs a value")
            value = args[i + 1]
            i += 1
            if arg == "--log":
                log = value
            elif arg == "--keepalive":
                try:
                    keepalive = float(value)
                except ValueError:
                    keepalive = 0.0
                if not 0.1 <= keepalive <= 3600:
                    raise usage_error("sol", f"activate --keepalive: give seconds from 0.1 to 3600, not {value!r}")
            elif value == "none":
                escape = None
            elif len(value.encode()) != 1:
                raise usage_error("sol", f"activate -e: give one character (or none), not {value!r}")
            else:
                escape = value.encode()
        elif arg == "usesolkeepalive":  # ipmitool's spelling: ipmifast always keeps the session alive
            pass
        else:
            raise usage_error("sol", f"activate: unknown argument {arg!r}")
        i += 1
    return force, escape, log, reconnect, keepalive


def _blocking_client(bmc: Any) -> Any:
    client = getattr(bmc, "client", None)
    if client is None or not hasattr(client, "socket"):
        raise UsageError("sol activate talks to one BMC: give -H one host")
    return client


def _attach(bmc: Any, client: Any, setup: SolSetup) -> Any:
    from ipmifast.proto.sol import SolWindow

    window = SolWindow(setup.max_data, setup.retry_count, setup.retry_interval)
    client.session.attach_sol(window)
    return window


def _new_session(bmc: Any) -> tuple[Any, Any]:
    """A second OneShot-like pair for ``--reconnect``: (bmc, client) over a new session."""
    from ipmifast.cli.oneshot import OneShot

    opts = OPTIONS.get()
    fresh = OneShot(opts, opts.password or b"")
    fresh.__enter__()
    return fresh, fresh.client


@verb("sol", "activate")
async def sol_activate(bmc: Any, args: list[str]) -> Output:
    force, escape, log_path, reconnect, keepalive = _parse_activate(args)
    client = _blocking_client(bmc)
    parser = EscapeParser(escape)
    log = open(log_path, "ab") if log_path else None  # noqa: SIM115 - closed below
    stdin_fd, stdout_fd = sys.stdin.fileno(), sys.stdout.fileno()
    sys.stdout.flush()
    current: Any = bmc
    extra: list[Any] = []
    try:
        with Terminal(stdin_fd) as terminal:
            notice = _notice(terminal.tty)
            setup = await activate_sol(current, client.session, force)
            while True:
                window = _attach(current, client, setup)
                notice(f"[SOL session operational on channel {setup.channel}. Use "
                       f"{(escape or b'~').decode('latin-1')}? for help]")  # fmt: skip
                console = Console(client, window, parser, stdin_fd, stdout_fd, log, terminal.tty, notice,
                                  keepalive=keepalive, suspend=terminal.suspend)
                ended = console.run()
                if ended in (Ended.DISCONNECT, Ended.EOF):
                    client.session.detach_sol(time.monotonic())
                    try:
                        run_deactivate(current)
                    except IpmiError:
                        pass
                    if terminal.tty:
                        notice("[SOL session closed]")
                    return Output()
                if ended is Ended.DEACTIVATED:
                    message = "SOL payload deactivated by the BMC (another session may have taken it)"
                else:
                    message = "SOL session lost: the BMC stopped answering"
                if not reconnect:
                    terminal.restore()
                    if ended is Ended.DEACTIVATED:
                        raise SolDeactivated(message)
                    raise SessionTimeout(message)
                notice(f"[{message}; reconnecting]")
                current, client, setup = _reconnect(current, extra, notice)
    finally:
        for other in extra:
            other.__exit__(None, None, None)
        if log is not None:
            log.close()


def _reconnect(old: Any, extra: list[Any], notice: Callable[[str], None]) -> tuple[Any, Any, SolSetup]:
    """A new session and SOL activation, tried every 2 s until it works (signals end it)."""
    from ipmifast.cli.oneshot import run_sync

    try:
        old.client.session.detach_sol(time.monotonic())
    except Exception:  # noqa: BLE001 - the old session is being abandoned, whatever state it is in
        pass
    while True:
        try:
            fresh, client = _new_session(old)
        except IpmiError as exc:
            notice(f"[reconnect failed: {exc}; retrying]")
            time.sleep(2.0)
            continue
        extra.append(fresh)
        try:
            setup = run_sync(activate_sol(fresh, client.session, False))
        except IpmiError as exc:
            notice(f"[reconnect failed: {exc}; retrying]")
            time.sleep(2.0)
            continue
        notice("[reconnected]")
        return fresh, client, setup


def run_deactivate(bmc: Any) -> bool:
    from ipmifast.cli.oneshot import run_sync

    return run_sync(deactivate(bmc))


@verb("sol", "deactivate")
async def sol_deactivate(bmc: Any, args: list[str]) -> Output:
    if args and args != ["instance=1"]:
        raise usage_error("sol", "deactivate takes no arguments")
    if await deactivate(bmc):
        return Output([], {"deactivated": True})
    return Output(["Info: SOL payload already de-activated"], {"deactivated": False})


@verb("sol", "looptest")
async def sol_looptest(bmc: Any, args: list[str]) -> Output:
    """ipmitool's ``sol looptest [COUNT [INTERVAL_MS]]``: activate and deactivate SOL COUNT times, INTERVAL_MS
    apart, reading what the host sends in between."""
    try:
        count = int(args[0]) if args else 1
        interval = int(args[1]) / 1000 if len(args) > 1 else 0.5
    except ValueError:
        raise usage_error("sol", "looptest [COUNT [INTERVAL_MS]] takes numbers") from None
    if count < 1 or interval < 0 or len(args) > 2:
        raise usage_error("sol", "looptest [COUNT [INTERVAL_MS]]: COUNT at least 1")
    client = _blocking_client(bmc)
    from ipmifast.proto.events import SolDataReceived

    lines = []
    results = []
    for i in range(1, count + 1):
        setup = await activate_sol(bmc, client.session, False)
        _attach(bmc, client, setup)
        client.session.sol_send(b"\r", time.monotonic())
        received = 0
        end = time.monotonic() + max(interval, 0.2)
        while time.monotonic() < end:
            await bmc.request(NETFN_APP, CMD_GET_DEVICE_ID, b"")  # carries the SOL traffic in between
            received += sum(len(e.data) for e in client.events if isinstance(e, SolDataReceived))
            client.events.clear()
            time.sleep(0.05)
        client.session.detach_sol(time.monotonic())
        await deactivate(bmc)
        lines.append(f"SOL looptest {i}/{count}: activated on channel {setup.channel}, {received} bytes from the "
                     "host, deactivated")  # fmt: skip
        results.append({"channel": setup.channel, "received": received})
    return Output(lines, results)
