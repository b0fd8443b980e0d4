"""Discovery over a whole range: one socket, one round trip per host, no session (``cmds/discovery`` says what is
sent and what the answers mean).

``discover(targets)`` keeps up to ``concurrency`` hosts in flight; each gets the three probe datagrams at once (in
one ``sendmmsg`` with the other hosts' of the same moment), and answers come in by the batch (``recvmmsg``). A host
is done when it has answered the ping and the capabilities (the v2.0 form, or both forms), or when its time runs
out (``timeout`` per try, ``retries`` resends of what is still unanswered): it is then reported with what it said,
or as not answering. ``rate`` caps the datagrams per second, so a scan does not flood a management network.
Results come out as hosts finish; datagrams from elsewhere and answers that are not answers are counted, never
raised.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field

from ipmifast.cmds.discovery import Discovery, decode_answer, encode_probes
from ipmifast.engine._mmsg_py import IP_PKTINFO
from ipmifast.engine.batch import send_batch
from ipmifast.engine.mmsg import recv_batch
from ipmifast.engine.sockets import enlarge_buffers

SOCKET_BUFFER = 8 * 1024 * 1024
PROBES = encode_probes()
Target = tuple[str, int]


@dataclass
class HostDiscovery:
    """One host's result: what it answered (``discovery.answered`` False: it did not answer at all)."""

    host: str
    port: int
    discovery: Discovery

    @property
    def ok(self) -> bool:
        return self.discovery.caps is not None

    def report(self) -> dict[str, object]:
        out: dict[str, object] = {"host": self.host, "port": self.port}
        if not self.discovery.answered:
            out["error"] = "timeout"
        elif self.discovery.caps is None:
            out["error"] = "no IPMI answer"  # a ping answered, or the capabilities refused
        out.update(self.discovery.report())
        return out


@dataclass
class _Probe:
    target: Target
    deadline: float
    tries: int = 1
    found: Discovery = field(default_factory=Discovery)

    def done(self) -> bool:
        d = self.found
        v20_ok = d.v20 is not None and d.v20.caps is not None
        return d.pong is not None and (v20_ok or (d.v20 is not None and d.v15 is not None))

    def missing(self) -> list[bytes]:
        d = self.found
        return [p for p, got in zip(PROBES, (d.pong, d.v20, d.v15), strict=True) if got is None]


class Prober:
    """The socket and the hosts in flight; ``run`` yields results."""

    def __init__(self, timeout: float, retries: int, concurrency: int, rate: float | None) -> None:
        if timeout <= 0 or retries < 0 or concurrency < 1 or (rate is not None and rate <= 0):
            raise ValueError("timeout and rate must be positive, retries >= 0, concurrency >= 1")
        self.timeout = timeout
        self.retries = retries
        self.concurrency = concurrency
        self.rate = rate
        self.dropped: Counter[str] = Counter()
        self.sent = 0
        self._inflight: dict[Target, _Probe] = {}
        self._deadlines: deque[tuple[float, _Probe]] = deque()  # in deadline order: every try lasts ``timeout``
        self._done: list[HostDiscovery] = []
        #: hosts finished lately: their remaining answers (the v1.5 form after the v2.0 one) are late, not stray
        self._finished: OrderedDict[Target, None] = OrderedDict()
        self._wake = asyncio.Event()
        self._tokens = 0.0
        self._token_time = 0.0

    async def run(self, targets: Iterable[Target]) -> AsyncIterator[HostDiscovery]:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            enlarge_buffers(sock, SOCKET_BUFFER)
            sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)  # recv_batch reports it; harmless here
            sock.bind(("0.0.0.0", 0))
            sock.setblocking(False)
            fd = sock.fileno()
            loop.add_reader(fd, self._readable, fd, loop)
            pending: Iterator[Target] = iter(targets)
            exhausted = False
            self._token_time = loop.time()
            while True:
                now = loop.time()
                self._expire(now, fd)
                if not exhausted:
                    exhausted = self._start(pending, now, fd)
                if self._done:
                    done, self._done = self._done, []
                    for result in done:
                        yield result
                    continue
                if exhausted and not self._inflight:
                    return
                self._wake.clear()
                wait = self._next_wake(now, exhausted)
                try:
                    await asyncio.wait_for(self._wake.wait(), wait)
                except TimeoutError:
                    pass
        finally:
            try:
                loop.remove_reader(sock.fileno())
            except (ValueError, OSError):
                pass
            sock.close()

    # ------------------------------------------------------------------ sending
    def _allowance(self, now: float, packets: int) -> bool:
        if self.rate is None:
            return True
        self._tokens = min(self.rate, self._tokens + (now - self._token_time) * self.rate)  # a 1 s burst at most
        self._token_time = now
        if self._tokens < packets:
            return False
        self._tokens -= packets
        return True

    def _start(self, pending: Iterator[Target], now: float, fd: int) -> bool:
        """Start hosts while there is room and allowance; True once every target has been started."""
        datagrams: list[bytes] = []
        addresses: list[Target] = []
        exhausted = False
        while len(self._inflight) < self.concurrency and self._allowance(now, len(PROBES)):
            target = next(pending, None)
            if target is None:
                exhausted = True
                break
            if target in self._inflight:
                self.dropped["duplicate target"] += 1
                continue
            probe = _Probe(target, now + self.timeout)
            self._inflight[target] = probe
            self._deadlines.append((probe.deadline, probe))
            datagrams += PROBES
            addresses += [target] * len(PROBES)
        self._send(fd, datagrams, addresses)
        return exhausted

    def _send(self, fd: int, datagrams: list[bytes], addresses: list[Target]) -> None:
        if not datagrams:
            return
        try:
            sent = send_batch(fd, datagrams, addresses)
        except OSError:
            sent = 0
        self.sent += sent
        if sent < len(datagrams):
            self.dropped["socket buffer full"] += len(datagrams) - sent  # the next try resends them

    def _next_wake(self, now: float, exhausted: bool) -> float:
        wait = self._deadlines[0][0] - now if self._deadlines else self.timeout
        if not exhausted and len(self._inflight) < self.concurrency and self.rate is not None:
            wait = min(wait, len(PROBES) / self.rate)
        return max(wait, 0.0)

    # ------------------------------------------------------------------ receiving and time
    def _readable(self, fd: int, loop: asyncio.AbstractEventLoop) -> None:
        for _ in range(16):
            batch = recv_batch(fd, 64)
            for data, _dst, src in batch:
                probe = self._inflight.get(src)
                if probe is None:
                    late = src in self._finished
                    self.dropped["answer after the host was done" if late else "not from a host in flight"] += 1
                    continue
                answer = decode_answer(data)
                if answer is None:
                    self.dropped["not a probe answer"] += 1
                    continue
                probe.found = probe.found.add(answer)
                if probe.done():
                    self._finish(probe)
            if len(batch) < 64:
                break

    def _finish(self, probe: _Probe) -> None:
        del self._inflight[probe.target]
        self._finished[probe.target] = None
        if len(self._finished) > 4 * self.concurrency:
            self._finished.popitem(last=False)
        self._done.append(HostDiscovery(probe.target[0], probe.target[1], probe.found))
        self._wake.set()

    def _expire(self, now: float, fd: int) -> None:
        datagrams: list[bytes] = []
        addresses: list[Target] = []
        while self._deadlines and self._deadlines[0][0] <= now:
            deadline, probe = self._deadlines.popleft()
            if self._inflight.get(probe.target) is not probe or probe.deadline != deadline:
                continue  # finished, or retried since
            if probe.tries > self.retries:
                self._finish(probe)
                continue
            probe.tries += 1
            probe.deadline = now + self.timeout
            self._deadlines.append((probe.deadline, probe))
            missing = probe.missing()
            datagrams += missing
            addresses += [probe.target] * len(missing)
        self._send(fd, datagrams, addresses)


async def discover(targets: Iterable[Target], *, timeout: float = 1.0, retries: int = 1, concurrency: int = 1024,
                   rate: float | None = None) -> AsyncIterator[HostDiscovery]:
    """Probe every ``(address, port)`` (numeric IPv4 addresses); yield a ``HostDiscovery`` per host as it finishes."""
    prober = Prober(timeout, retries, concurrency, rate)
    async for result in prober.run(targets):
        yield result
