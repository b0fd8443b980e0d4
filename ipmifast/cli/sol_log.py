"""``ipmifast -H RANGE ... sol log --dir DIR [--duration SECONDS]``: record the serial consoles of many BMCs.

Every host gets an RMCP+ session and SOL payload instance 1, set up as ``sol activate`` sets it up
(``sol_console.activate_sol``: Get Channel Info, Get Channel Payload Support on the real channel, SOL parameters,
Activate Payload), and what its console prints is appended to ``DIR/<host>.log`` (``DIR/<host>_<port>.log`` when
one host is named with several ports) as whole lines, each prefixed with the UTC time its first character
arrived and written with one ``write`` on a file opened ``O_APPEND``: a line is on disk as soon as it is complete,
and a crash loses at most the line still being received. Markers (``[ipmifast: ...]``) record connections.

All consoles share one UDP socket and one loop (``selectors`` and a deadline heap) driving the sans-IO
``ClientSession`` of each host, as the engine does, with its own small state machine per host: a BMC that drops
the session, deactivates SOL (another console took it) or stops answering is reconnected with a growing delay
(1, 2, 5, then every 10 s); a wrong password or a BMC without SOL is "failed" and left alone. A status line
(connected / reconnecting / failed) is kept on stderr when it is a terminal; SIGINT, SIGTERM or ``--duration``
end the run: partial lines are written, SOL is deactivated and the sessions are closed.
"""

from __future__ import annotations

import heapq
import ipaddress
import os
import selectors
import signal
import socket
import sys
import time
from collections.abc import Callable, Coroutine, Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ipmifast.cli.hosts import expand
from ipmifast.cli.main import Options, need_password
from ipmifast.cli.sol_console import CMD_GET_DEVICE_ID, NETFN_APP, SolSetup, activate_sol
from ipmifast.errors import AuthenticationError, IpmiError, UsageError

#: a line longer than this is written in pieces (a console that never prints a newline)
MAX_LINE = 4096
KEEPALIVE = 15.0
BACKOFF = (1.0, 2.0, 5.0, 10.0)
STATUS_EVERY = 1.0


def _stamp(wall: float) -> bytes:
    return datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3].encode() + b"Z "


class LineLog:
    """One console's log file: whole timestamped lines, one ``os.write`` each (sans buffering)."""

    def __init__(self, path: Path, wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        self.wall = wall
        self._line = bytearray()
        self._started = 0.0
        self.lines = 0
        self.bytes = 0

    def feed(self, data: bytes) -> None:
        self.bytes += len(data)
        start = 0
        while start < len(data):
            if not self._line:
                self._started = self.wall()
            end = data.find(b"\n", start)
            if end < 0:
                self._line += data[start:]
                if len(self._line) >= MAX_LINE:
                    self._write(bytes(self._line))
                return
            self._line += data[start:end]
            self._write(bytes(self._line))
            start = end + 1

    def marker(self, text: str) -> None:
        self.flush()
        self._started = self.wall()
        self._write(f"[ipmifast: {text}]".encode())

    def flush(self) -> None:
        if self._line:
            self._write(bytes(self._line))

    def _write(self, line: bytes) -> None:
        self._line.clear()
        if line.endswith(b"\r"):
            line = line[:-1]
        os.write(self.fd, _stamp(self._started) + line + b"\n")
        self.lines += 1

    def close(self) -> None:
        self.flush()
        os.close(self.fd)


class _Request:
    """What ``activate_sol`` awaits on ``_Setup.request``: the loop sends it and resumes the coroutine."""

    def __init__(self, netfn: int, cmd: int, data: bytes) -> None:
        self.netfn, self.cmd, self.data = netfn, cmd, data

    def __await__(self) -> Generator[_Request, Any, Any]:
        return (yield self)


class _Setup:
    """The ``bmc`` that ``activate_sol`` talks to: its requests become ``_Request`` yields."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, netfn: int, cmd: int, data: bytes = b"") -> _Request:
        return _Request(netfn, cmd, bytes(data))


class Console:
    """One host's session, SOL window and log, and where it is in its life."""

    def __init__(self, index: int, host: str, port: int, address: tuple[str, int], log: LineLog) -> None:
        self.index = index
        self.host, self.port, self.address = host, port, address
        self.log = log
        self.session: Any = None
        self.window: Any = None
        self.state = "waiting"  # waiting, connecting, setup, connected, closing, failed
        self.ever_connected = False
        self.attempts = 0
        self.retry_at = 0.0
        self.setup: Coroutine[Any, Any, SolSetup] | None = None
        self.setup_rq: int | None = None
        self.keepalive_rq: int | None = None
        self.last_traffic = 0.0
        self.error = ""
        self.auth_failed = False
        self.connections = 0

    @property
    def status(self) -> str:
        if self.state == "connected":
            return "connected"
        if self.state == "failed":
            return "failed"
        return "reconnecting" if self.ever_connected else "connecting"


class SolLogger:
    """The loop of the module docstring, over ``targets``."""

    def __init__(self, opts: Options, password: bytes, targets: list[tuple[str, int]], directory: Path,
                 concurrency: int = 256, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        from ipmifast.cli.oneshot import session_config
        from ipmifast.proto.session import SessionConfig

        config = session_config(opts, password)
        if not isinstance(config, SessionConfig):
            raise UsageError("sol log needs RMCP+ sessions: use -I lanplus")
        self.config = config
        self.clock = clock
        self.concurrency = concurrency
        per_host: dict[str, int] = {}
        for host, _ in targets:
            per_host[host] = per_host.get(host, 0) + 1
        self.consoles: list[Console] = []
        self.by_peer: dict[tuple[str, int], Console] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        for i, (host, port) in enumerate(targets):
            name = f"{host}_{port}.log" if per_host[host] > 1 else f"{host}.log"
            console = Console(i, host, port, (_address(host), port), LineLog(directory / name))
            self.consoles.append(console)
            self.by_peer[console.address] = console
        self._heap: list[tuple[float, int]] = []
        self._due: dict[int, float] = {}
        self._sid = int.from_bytes(os.urandom(3), "big") << 8
        self.stopping = False

    # ------------------------------------------------------------------ timers
    def _arm(self, c: Console) -> None:
        deadlines = []
        if c.session is not None:
            t = c.session.get_timer()
            if t is not None:
                deadlines.append(t)
            if c.state == "connected":
                deadlines.append(c.last_traffic + KEEPALIVE)
        if c.state == "waiting":
            deadlines.append(c.retry_at)
        if not deadlines:
            self._due.pop(c.index, None)
            return
        when = min(deadlines)
        if self._due.get(c.index) != when:
            self._due[c.index] = when
            heapq.heappush(self._heap, (when, c.index))

    # ------------------------------------------------------------------ per host
    def _start(self, c: Console, now: float) -> None:
        from ipmifast.proto.session import ClientSession

        self._sid = (self._sid + 1) & 0xFFFFFFFF or 1
        c.session = ClientSession(self.config, os.urandom)
        c.session.connect(now, self._sid)
        c.state = "connecting"
        c.attempts += 1
        c.last_traffic = now

    def _lost(self, c: Console, now: float, why: str, permanent: bool = False) -> None:
        if c.state == "connected":
            c.log.marker(f"SOL lost: {why}")
        c.error = why
        c.window = None
        c.setup = None
        if c.session is not None and c.state not in ("connecting",):
            try:
                c.session.close(now)
                self._send(c, now)
            except IpmiError:
                pass
        c.session = None
        if permanent or self.stopping:
            c.state = "failed" if permanent else "closed"
            return
        c.state = "waiting"
        c.retry_at = now + BACKOFF[min(c.attempts - 1, len(BACKOFF) - 1)] if c.attempts else now

    def _step_setup(self, c: Console, now: float, value: Any = None, error: BaseException | None = None) -> None:
        assert c.setup is not None
        try:
            request = c.setup.throw(error) if error is not None else c.setup.send(value)
        except StopIteration as done:
            setup: SolSetup = done.value
            from ipmifast.proto.sol import SolWindow

            c.window = SolWindow(setup.max_data, setup.retry_count, setup.retry_interval)
            c.session.attach_sol(c.window)
            c.setup = None
            c.state = "connected"
            c.ever_connected = True
            c.attempts = 0
            c.connections += 1
            c.last_traffic = now
            c.log.marker(f"SOL connected to {c.host}:{c.port} channel {setup.channel}")
            return
        except AuthenticationError as exc:
            c.auth_failed = True
            self._lost(c, now, str(exc), permanent=True)
            return
        except IpmiError as exc:
            permanent = "disabled" in str(exc) or "offers no SOL" in str(exc) or "needs an RMCP+" in str(exc)
            self._lost(c, now, str(exc), permanent=permanent)
            return
        c.setup_rq = c.session.request(request.netfn, request.cmd, request.data, now)

    def _events(self, c: Console, now: float) -> None:
        from ipmifast.proto.events import (
            RequestFailed,
            ResponseReceived,
            SessionClosed,
            SessionEstablished,
            SessionFailed,
            SolDataReceived,
        )

        session = c.session
        while session is not None and (event := session.next_event()) is not None:
            if isinstance(event, SolDataReceived):
                c.log.feed(event.data)
            elif isinstance(event, SessionEstablished):
                c.state = "setup"
                c.setup = activate_sol(_Setup(c.port), session, False)
                self._step_setup(c, now)
            elif isinstance(event, ResponseReceived):
                if event.rq_seq == c.setup_rq and c.setup is not None:
                    c.setup_rq = None
                    self._step_setup(c, now, event)
                elif event.rq_seq == c.keepalive_rq:
                    c.keepalive_rq = None
            elif isinstance(event, RequestFailed):
                if c.setup is not None and event.rq_seq == c.setup_rq:
                    self._step_setup(c, now, error=event.error)
                else:
                    self._lost(c, now, "the BMC stopped answering")
            elif isinstance(event, SessionFailed):
                c.auth_failed = isinstance(event.error, AuthenticationError)
                self._lost(c, now, str(event.error), permanent=c.auth_failed)
            elif isinstance(event, SessionClosed):
                self._lost(c, now, "session closed")
            session = c.session
        if c.state == "connected" and c.window is not None:
            if c.window.deactivated:
                self._lost(c, now, "the BMC deactivated SOL (another session may have taken it)")
            elif c.window.failed:
                self._lost(c, now, "the BMC stopped acknowledging SOL data")

    def _send(self, c: Console, now: float) -> None:
        if c.session is None:
            return
        for datagram in c.session.datagrams_to_send(now):
            try:
                self.sock.sendto(datagram, c.address)
            except BlockingIOError:
                pass  # a full send buffer: like a lost datagram, the session retries
            except OSError:
                pass

    def _service(self, c: Console, now: float) -> None:
        if c.state == "waiting" and now >= c.retry_at and not self.stopping:
            if self._busy() < self.concurrency:
                self._start(c, now)
            else:
                c.retry_at = now + 0.05
        if c.session is not None:
            t = c.session.get_timer()
            if t is not None and t <= now:
                c.session.handle_timer(now)
            if (c.state == "connected" and c.keepalive_rq is None and now - c.last_traffic >= KEEPALIVE):
                c.keepalive_rq = c.session.request(NETFN_APP, CMD_GET_DEVICE_ID, b"", now)
                c.last_traffic = now
            self._events(c, now)
            self._send(c, now)
        self._arm(c)

    def _busy(self) -> int:
        return sum(1 for c in self.consoles if c.state in ("connecting", "setup"))

    # ------------------------------------------------------------------ the loop
    def counts(self) -> dict[str, int]:
        out = {"connected": 0, "connecting": 0, "reconnecting": 0, "failed": 0}
        for c in self.consoles:
            out[c.status if c.status in out else "reconnecting"] += 1
        return out

    def run(self, duration: float | None, status: Callable[[str], None] | None = None) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.sock, selectors.EVENT_READ)
        start = now = self.clock()
        end = start + duration if duration is not None else None
        for c in self.consoles:
            c.retry_at = now
            self._arm(c)
        next_status = now
        try:
            while not self.stopping:
                now = self.clock()
                if end is not None and now >= end:
                    break
                while self._heap and self._heap[0][0] <= now:
                    when, index = heapq.heappop(self._heap)
                    if self._due.get(index) == when:
                        del self._due[index]
                        self._service(self.consoles[index], now)
                if status is not None and now >= next_status:
                    status(self.status_line())
                    next_status = now + STATUS_EVERY
                wake = [next_status] if status is not None else []
                if self._heap:
                    wake.append(self._heap[0][0])
                if end is not None:
                    wake.append(end)
                timeout = max(0.0, min(wake) - now) if wake else 1.0
                if selector.select(min(timeout, 1.0)):
                    self._receive()
        finally:
            selector.close()
            self.shutdown()

    def _receive(self) -> None:
        touched: dict[int, Console] = {}
        for _ in range(4096):
            try:
                data, peer = self.sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                break
            except ConnectionRefusedError:
                continue
            c = self.by_peer.get(peer[:2])
            if c is None or c.session is None:
                continue
            c.session.receive_datagram(data, self.clock())
            c.last_traffic = self.clock()
            touched[c.index] = c
        now = self.clock()
        for c in touched.values():
            self._events(c, now)
            self._send(c, now)
            self._arm(c)

    def status_line(self) -> str:
        n = self.counts()
        return (f"sol log: {len(self.consoles)} hosts, {n['connected']} connected, "
                f"{n['connecting'] + n['reconnecting']} reconnecting, {n['failed']} failed")  # fmt: skip

    def shutdown(self) -> None:
        """Deactivate SOL and close every session (one round, up to 2 s), then write partial lines."""
        from ipmifast.cmds import app

        self.stopping = True
        now = self.clock()
        waiting = []
        for c in self.consoles:
            if c.session is not None and c.state == "connected":
                c.session.detach_sol(now)
                try:
                    c.session.request(NETFN_APP, 0x49, app.encode_deactivate_payload_rq(1), now)
                    c.session.close(now)
                    waiting.append(c)
                except IpmiError:
                    pass
                self._send(c, now)
        end = now + 2.0
        while waiting and self.clock() < end:
            ready = selectors.DefaultSelector()
            ready.register(self.sock, selectors.EVENT_READ)
            got = ready.select(0.05)
            ready.close()
            if got:
                for _ in range(4096):
                    try:
                        data, peer = self.sock.recvfrom(65536)
                    except (BlockingIOError, InterruptedError, ConnectionRefusedError):
                        break
                    c2 = self.by_peer.get(peer[:2])
                    if c2 is not None and c2.session is not None:
                        c2.session.receive_datagram(data, self.clock())
            now = self.clock()
            for c in list(waiting):
                session = c.session
                t = session.get_timer()
                if t is not None and t <= now:
                    session.handle_timer(now)
                self._send(c, now)
                while (event := session.next_event()) is not None:
                    name = type(event).__name__
                    if name in ("SessionClosed", "SessionFailed"):
                        waiting.remove(c)
                        break
                    if name == "SolDataReceived":
                        c.log.feed(event.data)
        for c in self.consoles:
            if c.state == "connected":
                c.log.marker("SOL closed (sol log ended)")
            c.log.close()
        self.sock.close()


def _address(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return str(socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_DGRAM)[0][4][0])
    except (socket.gaierror, UnicodeError) as exc:
        from ipmifast.errors import HostNotFound

        raise HostNotFound(f"cannot resolve host name {host!r}: {getattr(exc, 'strerror', None) or exc}") from None


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run_sol_log(opts: Options, args: list[str]) -> int:
    """``sol log --dir DIR [--duration SECONDS]`` over the hosts of ``-H``."""
    directory: str | None = None
    duration: float | None = None
    i = 0
    while i < len(args):
        if args[i] in ("--dir", "--duration") and i + 1 < len(args):
            if args[i] == "--dir":
                directory = args[i + 1]
            else:
                try:
                    duration = float(args[i + 1])
                except ValueError:
                    raise UsageError(f"sol log --duration: {args[i + 1]!r} is not a number of seconds") from None
                if duration <= 0:
                    raise UsageError("sol log --duration must be positive")
            i += 2
        else:
            raise UsageError(f"sol log: unexpected argument {args[i]!r}; usage: sol log --dir DIR [--duration "
                             "SECONDS]")  # fmt: skip
    if directory is None:
        raise UsageError("sol log needs --dir DIR (one log file per console in it)")
    if opts.host is None:
        raise UsageError("no BMC given: use -H HOST or a range")
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the log directory {directory}: {exc.strerror}") from None
    targets = list(expand([opts.host], opts.port, opts.fleet.get("exclude", ())))
    password = need_password(opts)
    logger = SolLogger(opts, password, targets, path, opts.fleet.get("concurrency", 256))
    tty = sys.stderr.isatty()

    def status(text: str) -> None:
        sys.stderr.write("\r\x1b[K" + text)
        sys.stderr.flush()

    old = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        logger.run(duration, status if tty else None)
    except KeyboardInterrupt:
        pass
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    if tty:
        sys.stderr.write("\r\x1b[K")
    counts = {"connected": 0, "failed": 0}
    for c in logger.consoles:
        if c.state == "failed":
            counts["failed"] += 1
            print(f"ipmifast: {c.host}:{c.port}: {c.error}", file=sys.stderr)
        elif c.connections:
            counts["connected"] += 1
    total_lines = sum(c.log.lines for c in logger.consoles)
    total_bytes = sum(c.log.bytes for c in logger.consoles)
    print(f"sol log: {len(logger.consoles)} hosts, {counts['connected']} connected at some point, "
          f"{sum(c.connections for c in logger.consoles)} connections, {counts['failed']} failed; "
          f"{total_lines} lines, {total_bytes} bytes in {directory}", file=sys.stderr)  # fmt: skip
    if counts["connected"] == 0:  # nothing was recorded: the exit status of what went wrong
        return 2 if any(c.auth_failed for c in logger.consoles) else 3
    return 0

