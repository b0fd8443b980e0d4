"""The engine on real loopback sockets, with the in-memory BmcSession core behind ``BmcEndpoint``."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ipmifast.engine.endpoint import Endpoint
from ipmifast.engine.loop import new_event_loop, run
from ipmifast.engine.server import BmcEndpoint
from ipmifast.errors import BadPasswordError, ConnectionTimeout, LocalProtocolError
from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcUser
from ipmifast.proto.events import RequestReceived
from ipmifast.proto.session import SessionConfig

CONFIG = BmcConfig(guid=bytes(range(16)), users=(BmcUser(b"admin", b"ipmifast"),))
DEVICE_ID = bytes.fromhex("20810215020100794f0001010000000000")
PORT = 9700


def handler(session: BmcSession, rq: RequestReceived) -> tuple[int, bytes]:
    if (rq.netfn, rq.cmd) == (0x06, 0x01):
        return 0, DEVICE_ID
    if (rq.netfn, rq.cmd) == (0x2E, 0x01):  # echo, tagged with the BMC's session ID
        return 0, session.sid_c.to_bytes(4, "little") + rq.data
    return 0xC1, b""


def client_config(**kw: Any) -> SessionConfig:
    base: dict[str, Any] = dict(username=b"admin", password=b"ipmifast", cipher_suite=3, timeout=0.5, retries=6)
    base.update(kw)
    return SessionConfig(**base)


def address(i: int) -> str:
    return f"127.77.{1 + i // 250}.{1 + i % 250}"


class BmcFleetThread:
    """BmcEndpoints on their own event loop in a thread, so the client loop's timers can be counted alone."""

    def __init__(self, count: int, drop: float = 0.0, duplicate: float = 0.0) -> None:
        self.count = count
        self.drop = drop
        self.duplicate = duplicate
        self.loop = new_event_loop("asyncio")
        self.endpoints: list[BmcEndpoint] = []
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        finally:
            self._ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        rnd = random.Random(7)
        for i in range(self.count):
            ep = await BmcEndpoint.create(address(i), PORT, CONFIG, handler, max_sessions=4)
            if self.drop or self.duplicate:
                assert ep.transport is not None
                ep.transport = LossyTransport(ep.transport, rnd, self.drop, self.duplicate)  # type: ignore[assignment]
            self.endpoints.append(ep)

    def __enter__(self) -> BmcFleetThread:
        self._thread.start()
        assert self._ready.wait(60)
        assert len(self.endpoints) == self.count, "the BMC endpoints did not all start"
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            for ep in self.endpoints:
                ep.close()
            await asyncio.sleep(0.05)  # let the transports really close their sockets
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self.loop)
        self._thread.join(10)
        self.loop.close()


class LossyTransport:
    def __init__(self, inner: asyncio.DatagramTransport, rnd: random.Random, drop: float, duplicate: float) -> None:
        self.inner, self.rnd, self.drop, self.duplicate = inner, rnd, drop, duplicate

    def sendto(self, data: bytes, addr: Any) -> None:
        if self.rnd.random() < self.drop:
            return
        self.inner.sendto(data, addr)
        if self.rnd.random() < self.duplicate:
            self.inner.sendto(data, addr)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(params=["uvloop", "asyncio"])
def loop_kind(request: pytest.FixtureRequest) -> Iterator[str]:
    yield str(request.param)


async def one_session(endpoint: Endpoint, host: str, payload: bytes) -> bytes:
    conn = endpoint.open(host, PORT, client_config())
    await conn.established
    rs = await conn.request(0x2E, 0x01, payload)
    assert rs.cc == 0
    await conn.close()
    return rs.data


def test_one_session_on_a_real_socket(loop_kind: str) -> None:
    async def main() -> None:
        bmc = await BmcEndpoint.create("127.77.0.1", PORT, CONFIG, handler)
        endpoint = await Endpoint.create()
        try:
            conn = endpoint.open("127.77.0.1", PORT, client_config())
            established = await conn.established
            assert established.cipher_suite == 3 and established.privilege == 4
            rs = await conn.request(0x06, 0x01)
            assert rs.data == DEVICE_ID
            await conn.close()
            assert endpoint.sessions == 0 and not bmc.sessions  # both sides forgot the session
        finally:
            endpoint.close()
            bmc.close()

    run(main(), loop_kind)  # type: ignore[arg-type]


def test_thousand_concurrent_sessions_to_thousand_addresses_one_timer(loop_kind: str) -> None:
    n = 1000
    with BmcFleetThread(n):

        async def main() -> None:
            loop = asyncio.get_running_loop()
            endpoint = await Endpoint.create()
            max_scheduled = 0
            stop = False

            async def watch() -> None:  # how many timers the client loop holds while 1000 sessions run
                nonlocal max_scheduled
                while not stop:
                    max_scheduled = max(max_scheduled, len(getattr(loop, "_scheduled", [])))
                    await asyncio.sleep(0.01)

            watcher = asyncio.ensure_future(watch())
            try:
                results = await asyncio.gather(
                    *(one_session(endpoint, address(i), i.to_bytes(2, "little")) for i in range(n))
                )
            finally:
                stop = True
                await watcher
                endpoint.close()
            assert [int.from_bytes(r[4:6], "little") for r in results] == list(range(n))
            assert len({r[:4] for r in results}) == n  # n distinct BMC sessions
            assert endpoint.sessions == 0
            assert sum(endpoint.unrouted.values()) == 0
            if loop_kind == "asyncio":  # uvloop keeps its timers in C: the engine's own count says the same
                assert max_scheduled <= 3  # the engine's ONE timer + the watcher's sleep (+ one being cancelled)
            assert endpoint.timer_arms < 20 * n

        run(main(), loop_kind)  # type: ignore[arg-type]


def test_loss_and_duplication_are_survived() -> None:
    n = 100
    with BmcFleetThread(n, drop=0.15, duplicate=0.15):

        async def main() -> None:
            endpoint = await Endpoint.create()
            try:
                results = await asyncio.gather(
                    *(one_session(endpoint, address(i), i.to_bytes(2, "little")) for i in range(n))
                )
            finally:
                endpoint.close()
            assert [int.from_bytes(r[4:6], "little") for r in results] == list(range(n))

        run(main(), "asyncio")


def test_unreachable_bmc_fails_fast_with_connection_timeout() -> None:
    async def main() -> float:
        endpoint = await Endpoint.create()
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            conn = endpoint.open("127.77.250.250", PORT, client_config(timeout=0.2, retries=2))
            with pytest.raises(ConnectionTimeout):
                await conn.established
        finally:
            endpoint.close()
        return loop.time() - start

    elapsed = run(main(), "asyncio")
    assert 0.6 <= elapsed < 2.0  # three tries of 0.2 s, not ipmitool's fixed seconds per host


def test_wrong_password_is_bad_password_error() -> None:
    async def main() -> None:
        bmc = await BmcEndpoint.create("127.77.0.2", PORT, CONFIG, handler)
        endpoint = await Endpoint.create()
        try:
            conn = endpoint.open("127.77.0.2", PORT, client_config(password=b"wrong"))
            with pytest.raises(BadPasswordError):
                await conn.established
            assert endpoint.sessions == 0
        finally:
            endpoint.close()
            bmc.close()

    run(main(), "asyncio")


def test_handshake_cap_queues_the_rest() -> None:
    n = 60
    with BmcFleetThread(n):

        async def main() -> None:
            endpoint = await Endpoint.create(max_handshakes=8)
            most = 0
            original = endpoint._start

            def counting_start(conn):  # type: ignore[no-untyped-def]
                nonlocal most
                original(conn)
                most = max(most, len(endpoint._handshaking))

            endpoint._start = counting_start  # type: ignore[method-assign]
            try:
                results = await asyncio.gather(
                    *(one_session(endpoint, address(i), i.to_bytes(2, "little")) for i in range(n))
                )
            finally:
                endpoint.close()
            assert len(results) == n
            assert most == 8  # never more than the cap in the handshake at once, and the cap was used

        run(main(), "asyncio")


def test_session_less_requests_share_the_socket_and_time_out_cleanly() -> None:
    # Get Channel Cipher Suites outside a session (what ipmifast audit asks first), against the simulator's BMC;
    # a silent address raises ConnectionTimeout after its tries, and leaves nothing pending
    from ipmifast.cmds import app
    from ipmifast.sim.fleet import Fleet

    async def main() -> None:
        async with Fleet(count=2, base="127.77.3.1", port=PORT + 3):
            endpoint = await Endpoint.create()
            try:
                rq = app.encode_get_channel_cipher_suites_rq(0x0E, 0, 0, True)
                answers = await asyncio.gather(*(
                    endpoint.session_less(host, PORT + 3, 0x06, 0x54, rq, timeout=0.5) for host in
                    ("127.77.3.1", "127.77.3.2", "127.77.3.1")))
                for cc, data in answers:
                    records = app.decode_cipher_suite_records(app.decode_get_channel_cipher_suites_rs(data).record_data)
                    assert cc == 0 and [r.cipher_suite_id for r in records] == [3, 17]
                with pytest.raises(ConnectionTimeout, match="after 2 tries"):
                    await endpoint.session_less("127.77.3.9", PORT + 3, 0x06, 0x54, rq, timeout=0.1, retries=1)
                assert endpoint._session_less == {} and endpoint._session_less_locks == {}
            finally:
                endpoint.close()

    run(main())


def test_the_rate_cap_holds_datagrams_back_in_order() -> None:
    # --rate: at most N datagrams per second leave the socket (token bucket of `burst`); every session still
    # completes. Checked by the send times the endpoint records, not by a speed expectation.
    from ipmifast.sim.fleet import Fleet

    async def main() -> None:
        async with Fleet(count=10, base="127.77.4.1", port=PORT + 4):
            endpoint = await Endpoint.create()
            sent: list[float] = []
            flush = endpoint._flush

            def recording_flush() -> None:
                before = endpoint.datagrams_sent
                flush()
                sent.extend([endpoint.loop.time()] * (endpoint.datagrams_sent - before))

            endpoint._flush = recording_flush  # type: ignore[method-assign]
            endpoint.set_rate(200.0, burst=8)
            try:
                conns = [endpoint.open(f"127.77.4.{i}", PORT + 4, SessionConfig(
                    username=b"admin", password=b"ipmifast", timeout=2.0)) for i in range(1, 11)]
                await asyncio.gather(*(c.established for c in conns))
                await asyncio.gather(*(c.close() for c in conns))
            finally:
                endpoint.close()
            assert len(sent) >= 40 and endpoint.rate_waits > 0
            for i in range(len(sent)):  # any window of 1/rate*k seconds holds at most k + burst datagrams
                later = [t for t in sent[i:] if t - sent[i] < 0.1]
                assert len(later) <= 20 + 8 + 1

    run(main())


def test_a_rate_must_be_positive() -> None:
    async def main() -> None:
        endpoint = await Endpoint.create()
        try:
            with pytest.raises(LocalProtocolError):
                endpoint.set_rate(0)
        finally:
            endpoint.close()

    run(main())


@pytest.mark.parametrize("cap", [1, 2])
def test_requests_in_flight_per_bmc_are_capped_across_sessions(cap: int) -> None:
    # many BMCs mishandle concurrent requests: at most `cap` in flight to one address, whatever the sessions;
    # cancelled waiters give their turn back, and nothing is left counted at the end
    from ipmifast.sim.fleet import Fleet

    async def main() -> None:
        async with Fleet(count=1, base="127.77.5.1", port=PORT + 5):
            endpoint = await Endpoint.create(max_inflight_per_bmc=cap)
            try:
                conns = [endpoint.open("127.77.5.1", PORT + 5, SessionConfig(
                    username=b"admin", password=b"ipmifast")) for _ in range(3)]
                await asyncio.gather(*(c.established for c in conns))
                seen: list[int] = []
                service = endpoint.service

                def watching(conn: Any) -> None:
                    seen.append(sum(len(c._waiters) for c in conns))
                    service(conn)

                endpoint.service = watching  # type: ignore[method-assign]
                tasks = [asyncio.ensure_future(c.request(0x06, 0x01)) for c in conns for _ in range(4)]
                await asyncio.sleep(0)
                tasks[5].cancel()
                tasks[11].cancel()
                done = await asyncio.gather(*tasks, return_exceptions=True)
                assert sum(isinstance(d, asyncio.CancelledError) for d in done) == 2
                assert all(d.cc == 0 for d in done if not isinstance(d, BaseException))
                assert max(seen) == cap
                assert endpoint._busy == {} and endpoint._turns == {}
                endpoint.service = service  # type: ignore[method-assign]
                await asyncio.gather(*(c.close() for c in conns))
            finally:
                endpoint.close()

    run(main())
