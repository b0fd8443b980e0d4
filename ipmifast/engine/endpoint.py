"""One UDP socket multiplexing any number of RMCP+ sessions to any number of BMCs (asyncio).

Demultiplexing (STYLE.md §2): every RMCP+ packet a BMC sends us carries OUR session ID (SIDm), either in the
session header (established sessions) or at offset 4 of the Open Session Response / RAKP 2 / RAKP 4 payload
(Tables 13-10, 13-12, 13-14). SIDm is unique per socket, so one dict lookup finds the session; the source address
must match too. Timers: one ``DeadlineHeap`` and one armed ``loop.call_at`` for all sessions.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from ipmifast.engine.batch import send_batch
from ipmifast.engine.entropy import RandomPool
from ipmifast.engine.sockets import enlarge_buffers
from ipmifast.engine.timers import LoopTimer
from ipmifast.errors import ConnectionTimeout, IpmiError, LocalProtocolError, SessionTimeout
from ipmifast.proto import frame
from ipmifast.proto.consts import AuthType, RmcpClass
from ipmifast.proto.events import (
    RequestFailed,
    ResponseReceived,
    SessionClosed,
    SessionEstablished,
    SessionFailed,
    SolDataReceived,
)
from ipmifast.proto.session import ClientSession, SessionConfig
from ipmifast.proto.session15 import ClientSession15, Session15Config

AnySession = ClientSession | ClientSession15

#: offset of the console session ID inside a pre-session datagram: RMCP (4) + RMCP+ header (12) + 4
PRE_SESSION_SID_M_AT = 20
SOCKET_BUFFER = 4 * 1024 * 1024

Address = tuple[str, int]
#: rsAddr of the BMC and rqAddr of a remote console (software ID 81h), §13.8
_BMC_ADDR, _CONSOLE_ADDR = 0x20, 0x81


class Connection:
    """One RMCP+ session on an ``Endpoint``: await ``established``, ``request()`` and ``close()``."""

    __slots__ = (
        "endpoint", "session", "addr", "session_id", "established", "_closed", "_closed_reason", "_waiters",
        "on_sol_data", "__weakref__",
    )

    def __init__(self, endpoint: Endpoint, session: AnySession, addr: Address, session_id: int) -> None:
        loop = endpoint.loop
        self.endpoint = endpoint
        self.session = session
        self.addr = addr
        #: our SIDm, unique on the endpoint's socket
        self.session_id = session_id
        self.established: asyncio.Future[SessionEstablished] = loop.create_future()
        #: why the session ended, once it did (``closed`` makes a future of it only for those who wait)
        self._closed_reason: str | None = None
        self._closed: asyncio.Future[str] | None = None
        self._waiters: dict[int, asyncio.Future[ResponseReceived]] = {}
        self.on_sol_data: Callable[[bytes], None] | None = None

    @property
    def is_closed(self) -> bool:
        return self._closed_reason is not None

    @property
    def closed(self) -> asyncio.Future[str]:
        """Done, with the reason, when the session has ended (made on first use: most sessions are never awaited)."""
        if self._closed is None:
            self._closed = self.endpoint.loop.create_future()
            if self._closed_reason is not None:
                self._closed.set_result(self._closed_reason)
        return self._closed

    @property
    def host(self) -> str:
        return self.addr[0]

    async def request(self, netfn: int, cmd: int, data: bytes = b"") -> ResponseReceived:
        """Send one request in this session (serialised behind earlier ones) and wait for its response."""
        await self.established
        if self._closed_reason is not None:
            raise LocalProtocolError("request() on a closed session")
        endpoint = self.endpoint
        await endpoint._acquire(self.addr)
        try:
            if self._closed_reason is not None:
                raise LocalProtocolError("request() on a closed session")
            rq_seq = self.session.request(netfn, cmd, data, endpoint.now())
            waiter: asyncio.Future[ResponseReceived] = endpoint.loop.create_future()
            self._waiters[rq_seq] = waiter
            endpoint.service(self)
            return await waiter
        finally:
            endpoint._release(self.addr)

    async def close(self) -> None:
        """Close Session, retransmitted until answered (or the retries are spent); then forget the session."""
        if self._closed_reason is None:
            self.session.close(self.endpoint.now())
            self.endpoint.service(self)
        await asyncio.shield(self.closed)

    def sol_send(self, data: bytes) -> None:
        if not isinstance(self.session, ClientSession):
            raise LocalProtocolError("Serial-over-LAN needs an IPMI v2.0 (lanplus) session")
        self.session.sol_send(data, self.endpoint.now())
        self.endpoint.service(self)

    # called by the endpoint with the session's events
    def _dispatch(self) -> None:
        session = self.session
        while (event := session.next_event()) is not None:
            if isinstance(event, ResponseReceived | RequestFailed):
                waiter = self._waiters.pop(event.rq_seq, None)
                if waiter is not None and not waiter.done():
                    if isinstance(event, ResponseReceived):
                        waiter.set_result(event)
                    else:
                        waiter.set_exception(event.error)
            elif isinstance(event, SessionEstablished):
                if not self.established.done():
                    self.established.set_result(event)
                self.endpoint._handshake_over(self)
            elif isinstance(event, SolDataReceived):
                if self.on_sol_data is not None:
                    self.on_sol_data(event.data)
            elif isinstance(event, SessionFailed):
                self._finish(event.error, "failed")
            elif isinstance(event, SessionClosed):
                self._finish(SessionTimeout(f"session closed: {event.reason}"), event.reason)
            # PacketDropped: counted in session.drops

    def _finish(self, error: IpmiError, reason: str) -> None:
        if not self.established.done():
            self.established.set_exception(error)
            self.established.exception()  # retrieved: nobody may be awaiting it any more
        for waiter in self._waiters.values():
            if not waiter.done():
                waiter.set_exception(error)
        self._waiters.clear()
        if self._closed_reason is None:
            self._closed_reason = reason
            if self._closed is not None:
                self._closed.set_result(reason)
        self.endpoint.forget(self)


class Endpoint(asyncio.DatagramProtocol):
    """The engine's socket: create with ``await Endpoint.create()``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        rng: Callable[[int], bytes] | None = None,
        max_handshakes: int = 512,
        max_inflight_per_bmc: int = 1,
    ) -> None:
        self.loop = loop
        #: random bytes for session IDs, Rm and IVs (default: the OS CSPRNG, drawn in blocks)
        self.rng: Callable[[int], bytes] = rng if rng is not None else RandomPool()
        #: requests in flight to one BMC address across all its sessions (within a session they are always
        #: serialised); many BMCs mishandle concurrent requests, so the default is one
        self.max_inflight_per_bmc = max_inflight_per_bmc
        #: requests in flight per BMC address, and the requests waiting for a turn (only while there are some):
        #: plain counters, not a Semaphore per BMC (an engine holding 100,000 sessions saves 17 MB)
        self._busy: dict[Address, int] = {}
        self._turns: dict[Address, deque[asyncio.Future[None]]] = {}
        #: at most this many sessions in their handshake at once; more wait their turn (a burst of RAKP at
        #: 10,000 BMCs would otherwise overflow socket buffers and time out by itself)
        self.max_handshakes = max_handshakes
        self._handshaking: set[Connection] = set()
        self._waiting: deque[Connection] = deque()
        #: IPMI v1.5 sessions by BMC address (their session IDs are the BMC's, so demux needs the address)
        self._v15_at: dict[Address, list[Connection]] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self._by_sid: dict[int, Connection] = {}
        self._timers: LoopTimer[int] = LoopTimer(loop, self._on_timer)
        #: datagrams no session took, by reason
        self.unrouted: Counter[str] = Counter()
        #: datagrams the sessions dropped (replays, AuthCode mismatches, malformed...), by reason, summed as each
        #: session ends
        self.dropped: Counter[str] = Counter()
        self.datagrams_sent = 0
        #: datagrams produced in this loop iteration, sent together by ``_flush``; sendmmsg calls made
        self._batch_out: list[bytes] = []
        self._batch_to: list[Address] = []
        self.batches = 0
        self.datagrams_received = 0
        #: session-less exchanges (``session_less``): the one awaited per BMC address, and their queues
        self._session_less: dict[Address, tuple[int, int, int, asyncio.Future[tuple[int, bytes]]]] = {}
        self._session_less_locks: dict[Address, tuple[asyncio.Lock, int]] = {}
        self._rq_seq = 0
        #: the datagram rate cap (``set_rate``): None, or datagrams per second with a token bucket
        self.max_rate: float | None = None
        self._burst, self._tokens, self._refilled = 1, 0.0, 0.0
        #: times the cap held datagrams back
        self.rate_waits = 0

    @classmethod
    async def create(
        cls,
        local_addr: Address = ("0.0.0.0", 0),
        rng: Callable[[int], bytes] | None = None,
        max_handshakes: int = 512,
        max_inflight_per_bmc: int = 1,
    ) -> Endpoint:
        loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in local_addr[0] else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        enlarge_buffers(sock, SOCKET_BUFFER)
        sock.bind(local_addr)
        sock.setblocking(False)
        _, protocol = await loop.create_datagram_endpoint(
            lambda: cls(loop, rng, max_handshakes, max_inflight_per_bmc), sock=sock
        )
        return protocol

    def now(self) -> float:
        return self.loop.time()

    @property
    def sessions(self) -> int:
        return len(self._by_sid)

    def open(self, host: str, port: int, config: SessionConfig | Session15Config) -> Connection:
        """Start a session to ``host:port`` (await ``connection.established``): RMCP+ for a ``SessionConfig``,
        IPMI v1.5 for a ``Session15Config``."""
        if self.transport is None:
            raise LocalProtocolError("the endpoint is closed")
        session: AnySession
        if isinstance(config, Session15Config):
            session = ClientSession15(config, self.rng)
        else:
            session = ClientSession(config, self.rng)
        while True:
            sid_m = int.from_bytes(self.rng(4), "little")
            if sid_m and sid_m not in self._by_sid:
                break
        conn = Connection(self, session, (host, port), sid_m)
        self._by_sid[sid_m] = conn
        if isinstance(session, ClientSession15):
            self._v15_at.setdefault(conn.addr, []).append(conn)
        if self._may_start(conn):
            self._start(conn)
        else:
            self._waiting.append(conn)
        return conn

    def _may_start(self, conn: Connection) -> bool:
        if len(self._handshaking) >= self.max_handshakes:
            return False
        if isinstance(conn.session, ClientSession15):
            # IPMI v1.5 pre-session answers carry session ID 0: one v1.5 handshake per BMC at a time
            return not any(c in self._handshaking for c in self._v15_at.get(conn.addr, ()))
        return True

    def _start(self, conn: Connection) -> None:
        self._handshaking.add(conn)
        conn.session.connect(self.now(), sid_m=conn.session_id)
        self.service(conn)

    def _handshake_over(self, conn: Connection) -> None:
        self._handshaking.discard(conn)
        if not self._waiting or len(self._handshaking) >= self.max_handshakes:
            return
        still: deque[Connection] = deque()
        while self._waiting:
            waiting = self._waiting.popleft()
            if self._by_sid.get(waiting.session_id) is not waiting:
                continue
            if self._may_start(waiting):
                self._start(waiting)
            else:
                still.append(waiting)
                if len(self._handshaking) >= self.max_handshakes:
                    break
        still.extend(self._waiting)
        self._waiting = still

    def forget(self, conn: Connection) -> None:
        sid_m = conn.session_id
        if self._by_sid.get(sid_m) is conn:
            del self._by_sid[sid_m]
            drops = conn.session.drops
            if drops:
                self.dropped.update(drops)
            self._timers.set(sid_m, None)
            at = self._v15_at.get(conn.addr)
            if at is not None and conn in at:
                at.remove(conn)
                if not at:
                    del self._v15_at[conn.addr]
        if conn in self._handshaking:
            self._handshake_over(conn)

    async def _acquire(self, addr: Address) -> None:
        """Wait for a turn to have a request in flight to ``addr`` (at most ``max_inflight_per_bmc`` at once)."""
        busy = self._busy.get(addr, 0)
        if busy < self.max_inflight_per_bmc and addr not in self._turns:
            self._busy[addr] = busy + 1
            return
        turn: asyncio.Future[None] = self.loop.create_future()
        self._turns.setdefault(addr, deque()).append(turn)
        try:
            await turn  # ``_release`` hands its place over: ``_busy`` already counts this request
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release(addr)  # given a turn, then cancelled: pass it on
            else:
                waiting = self._turns.get(addr)
                if waiting is not None and turn in waiting:
                    waiting.remove(turn)
                    if not waiting:
                        del self._turns[addr]
            raise

    def _release(self, addr: Address) -> None:
        waiting = self._turns.get(addr)
        while waiting:
            turn = waiting.popleft()
            if not turn.done():
                if not waiting:
                    del self._turns[addr]
                turn.set_result(None)
                return
        self._turns.pop(addr, None)
        busy = self._busy[addr] - 1
        if busy:
            self._busy[addr] = busy
        else:
            del self._busy[addr]

    @property
    def timer_arms(self) -> int:
        """How many times the endpoint's one loop timer was (re)armed."""
        return self._timers.arms

    def close(self) -> None:
        self._timers.cancel()
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    # ------------------------------------------------------------------ asyncio.DatagramProtocol
    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        for conn in list(self._by_sid.values()):
            conn._finish(SessionTimeout("the engine's socket was closed"), "socket closed")

    def error_received(self, exc: Exception) -> None:
        # ICMP errors (port unreachable...) on a connectionless socket: the sessions' timers decide
        self.unrouted[f"socket error {exc.__class__.__name__}"] += 1

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.datagrams_received += 1
        try:
            rmcp_class, auth_type, _ptype, sid = frame.peek(data)
        except IpmiError:
            self.unrouted["not RMCP"] += 1
            return
        if rmcp_class != RmcpClass.IPMI:
            self.unrouted["not an IPMI message"] += 1
            return
        if auth_type != AuthType.RMCP_PLUS:
            self._v15_received(data, (addr[0], addr[1]), sid)
            return
        if sid == 0:
            if len(data) < PRE_SESSION_SID_M_AT + 4:
                # a short error answer (ipmi_sim's Open Session Response to an unsupported suite is 2 bytes of
                # payload): it carries no SIDm, so it goes to the one handshake with that BMC, if there is one
                peer = (addr[0], addr[1])
                candidates = [c for c in self._handshaking if c.addr == peer and isinstance(c.session, ClientSession)]
                if len(candidates) != 1:
                    self.unrouted["short pre-session packet"] += 1
                    return
                sid = candidates[0].session_id
            else:
                sid = int.from_bytes(data[PRE_SESSION_SID_M_AT : PRE_SESSION_SID_M_AT + 4], "little")
        conn = self._by_sid.get(sid)
        if conn is None:
            self.unrouted["unknown session ID"] += 1
            return
        if (addr[0], addr[1]) != conn.addr:
            self.unrouted["session ID from another address"] += 1
            return
        conn.session.receive_datagram(data, self.loop.time())
        self.service(conn)

    def _v15_received(self, data: bytes, addr: Address, sid: int) -> None:
        target = None
        for conn in self._v15_at.get(addr, ()):
            session = conn.session
            assert isinstance(session, ClientSession15)
            if sid == 0 and conn in self._handshaking or sid != 0 and sid in (
                session.session_id, session.temp_session_id
            ):
                target = conn
                break
        at = self._v15_at.get(addr, [])
        if target is None and sid == 0 and len(at) == 1:
            target = at[0]  # a BMC that answers with session ID 0 (the session decides: FreeIPMI's idzero)
        if target is None:
            if sid == 0 and self._session_less_answer(data, addr):
                return
            self.unrouted["IPMI v1.5 packet for no session"] += 1
            return
        target.session.receive_datagram(data, self.loop.time())
        self.service(target)

    # ------------------------------------------------------------------ session-less requests
    async def session_less(self, host: str, port: int, netfn: int, cmd: int, data: bytes = b"", *,
                           timeout: float = 1.0, retries: int = 1) -> tuple[int, bytes]:
        """One session-less request (a command the spec allows before a session, e.g. Get Channel Cipher Suites,
        §22.15) in the IPMI v1.5 wrapper with session ID 0; returns the completion code and response data.

        One such exchange per BMC address at a time (later ones wait); ``ConnectionTimeout`` when unanswered after
        ``retries`` resends."""
        addr = (host, port)
        lock, users = self._session_less_locks.get(addr) or (asyncio.Lock(), 0)
        self._session_less_locks[addr] = (lock, users + 1)
        try:
            async with lock:
                self._rq_seq = (self._rq_seq + 1) & 0x3F
                rq_seq = self._rq_seq
                msg = frame.encode_ipmi_request(_BMC_ADDR, netfn, 0, _CONSOLE_ADDR, rq_seq, 0, cmd, bytes(data))
                datagram = frame.encode_v15_session(AuthType.NONE, 0, 0, b"", msg)
                for _ in range(retries + 1):
                    future: asyncio.Future[tuple[int, bytes]] = self.loop.create_future()
                    self._session_less[addr] = (netfn | 1, cmd, rq_seq, future)
                    if self.transport is None:
                        raise LocalProtocolError("the endpoint is closed")
                    if not self._batch_out:
                        self.loop.call_soon(self._flush)
                    self._batch_out.append(datagram)  # through the batch, so the rate cap counts it
                    self._batch_to.append(addr)
                    try:
                        return await asyncio.wait_for(future, timeout)
                    except TimeoutError:
                        continue
                    finally:
                        self._session_less.pop(addr, None)
                raise ConnectionTimeout(
                    f"no answer from {host}:{port} to netfn 0x{netfn:02x} cmd 0x{cmd:02x} outside a session "
                    f"after {retries + 1} tries"
                )
        finally:
            lock, users = self._session_less_locks[addr]
            if users > 1:
                self._session_less_locks[addr] = (lock, users - 1)
            else:
                del self._session_less_locks[addr]

    def _session_less_answer(self, data: bytes, addr: Address) -> bool:
        waiting = self._session_less.get(addr)
        if waiting is None:
            return False
        netfn, cmd, rq_seq, future = waiting
        try:
            rs = frame.decode_ipmi_response(frame.decode_v15_session(data).msg)
        except IpmiError:
            return False
        if (rs.netfn, rs.cmd, rs.rq_seq) != (netfn, cmd, rq_seq) or future.done():
            return False
        future.set_result((rs.cc, rs.data))
        return True

    # ------------------------------------------------------------------ pumping
    def service(self, conn: Connection) -> None:
        """Send what the session has to send, dispatch its events, and update its deadline."""
        session = conn.session
        transport = self.transport
        datagrams = session.datagrams_to_send(self.loop.time())
        if transport is not None and datagrams:
            if not self._batch_out:
                self.loop.call_soon(self._flush)
            for datagram in datagrams:
                self._batch_out.append(datagram)
                self._batch_to.append(conn.addr)
        conn._dispatch()
        if self._by_sid.get(conn.session_id) is conn:
            self._timers.set(conn.session_id, session.get_timer())

    def set_rate(self, datagrams_per_second: float | None, burst: int = 32) -> None:
        """Cap what the socket sends at ``datagrams_per_second`` (a token bucket of ``burst`` datagrams), so a fleet
        run does not flood a management network; None removes the cap. Datagrams over the cap wait their turn in
        order (a session's timeout should exceed that wait: lower the concurrency with the rate)."""
        if datagrams_per_second is not None and datagrams_per_second <= 0:
            raise LocalProtocolError("the datagram rate must be positive")
        self.max_rate = datagrams_per_second
        self._burst = max(1, burst)
        self._tokens = float(self._burst)
        self._refilled = self.loop.time()

    def _take(self, datagrams: list[bytes], addresses: list[Address]) -> tuple[list[bytes], list[Address]]:
        """The datagrams the rate cap lets out now; the rest go back to the queue with a flush scheduled."""
        assert self.max_rate is not None
        now = self.loop.time()
        self._tokens = min(float(self._burst), self._tokens + (now - self._refilled) * self.max_rate)
        self._refilled = now
        n = min(len(datagrams), int(self._tokens))
        self._tokens -= n
        if n < len(datagrams):
            self._batch_out, self._batch_to = datagrams[n:], addresses[n:]
            self.loop.call_later((1.0 - self._tokens) / self.max_rate, self._flush)
            self.rate_waits += 1
        return datagrams[:n], addresses[:n]

    def _flush(self) -> None:
        """Send what this loop iteration produced: one ``sendmmsg`` for the lot when the socket's buffer is empty
        (Linux), the transport's own buffered ``sendto`` for anything left."""
        datagrams, addresses = self._batch_out, self._batch_to
        self._batch_out, self._batch_to = [], []
        if self.max_rate is not None and datagrams:
            datagrams, addresses = self._take(datagrams, addresses)
        transport = self.transport
        if transport is None or not datagrams:
            return
        sent = 0
        sock = transport.get_extra_info("socket")
        buffered = getattr(transport, "get_write_buffer_size", lambda: 1)()  # both asyncio and uvloop have it
        if sock is not None and buffered == 0:
            try:
                sent = send_batch(sock.fileno(), datagrams, addresses)
                self.batches += 1
            except (OSError, ValueError):
                sent = 0  # e.g. a host name instead of an address: the transport resolves and reports
        for i in range(sent, len(datagrams)):
            transport.sendto(datagrams[i], addresses[i])
        self.datagrams_sent += len(datagrams)

    def _on_timer(self, sid_m: int, now: float) -> None:
        conn = self._by_sid.get(sid_m)
        if conn is not None:
            conn.session.handle_timer(now)
            self.service(conn)
