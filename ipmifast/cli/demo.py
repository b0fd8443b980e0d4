"""``ipmifast demo``: the main job.

By default, a fleet operation against the embedded simulator: N virtual BMCs start in this process on loopback
(127.77.0.0/16), and ``power status`` runs over all of them through the real engine (one socket, RMCP+ cipher
suite 17 sessions), with a summary grouped by result. ``--suites`` opens a session with every cipher suite between
the client core and the BMC core in memory; ``-H`` talks to a real BMC instead."""

from __future__ import annotations

import argparse
import os
import sys
import time

from ipmifast.errors import IpmiError, UsageError
from ipmifast.proto import crypto, frame, sol
from ipmifast.proto.bmc import BmcConfig, BmcSession, BmcUser
from ipmifast.proto.cipher_suites import CIPHER_SUITES
from ipmifast.proto.events import RequestReceived, ResponseReceived, SessionEstablished
from ipmifast.proto.session import ClientSession, SessionConfig

GET_DEVICE_ID_RS = bytes.fromhex("20810215020100794f0001010000000000")


def _in_memory(suite: int) -> tuple[int, float]:
    """Open a session with ``suite`` client↔BMC in memory and time Get Device ID round trips."""
    config = SessionConfig(username=b"admin", password=b"ipmifast", cipher_suite=suite)
    client = ClientSession(config, os.urandom)
    bmc = BmcSession(BmcConfig(guid=os.urandom(16), users=(BmcUser(b"admin", b"ipmifast"),)), 0x1234, os.urandom, 0.0)
    client.connect(0.0)
    datagrams = 0

    def pump() -> list[ResponseReceived | SessionEstablished]:
        nonlocal datagrams
        got: list[ResponseReceived | SessionEstablished] = []
        moved = True
        while moved:
            moved = False
            for d in client.datagrams_to_send(0.0):
                datagrams += 1
                moved = True
                bmc.receive_datagram(d, 0.0)
            while (ev := bmc.next_event()) is not None:
                if isinstance(ev, RequestReceived):
                    bmc.respond(ev, 0, GET_DEVICE_ID_RS)
            for d in bmc.datagrams_to_send(0.0):
                datagrams += 1
                moved = True
                client.receive_datagram(d, 0.0)
            while (cev := client.next_event()) is not None:
                if isinstance(cev, ResponseReceived | SessionEstablished):
                    got.append(cev)
        return got

    established = [e for e in pump() if isinstance(e, SessionEstablished)]
    if not established:
        raise IpmiError(f"cipher suite {suite}: in-memory session did not establish")
    handshake = datagrams
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        client.request(0x06, 0x01, b"", 0.0)
        pump()
    per_round_trip = (time.perf_counter() - start) / n
    return handshake, per_round_trip


async def _fleet(count: int, base: str, port: int, concurrency: int,
                 suite: int) -> tuple[dict[str, int], float, dict[str, int], float]:
    import asyncio

    import ipmifast
    from ipmifast.engine.discover import discover
    from ipmifast.engine.fleet import run_fleet
    from ipmifast.sim.fleet import Fleet

    async with Fleet(count=count, base=base, port=port, cipher_suites=frozenset({3, 17})) as fleet:
        async def power_status(address: tuple[str, int]) -> str:
            async with ipmifast.connect(address[0], port=address[1], username="admin", password="ipmifast",
                                        cipher_suite=suite, keepalive=None, reconnect=False) as bmc:
                return "on" if (await bmc.chassis_status()).power_on else "off"

        loop = asyncio.get_running_loop()
        start = loop.time()
        summary: dict[str, int] = {}
        async for result in run_fleet(fleet.addresses, power_status, concurrency=concurrency):
            key = result.value if result.ok and result.value else f"error: {result.kind}"
            summary[key] = summary.get(key, 0) + 1
        elapsed = loop.time() - start
        start = loop.time()
        found: dict[str, int] = {}
        async for host in discover(fleet.addresses):
            report = host.report()
            versions, auth = report.get("ipmi"), report.get("auth_types")
            key = f"IPMI {'/'.join(versions)}, auth {','.join(auth)}" if isinstance(versions, list) and isinstance(
                auth, list) else f"error: {report.get('error')}"
            found[key] = found.get(key, 0) + 1
        return summary, elapsed, found, loop.time() - start


def demo(args: argparse.Namespace) -> int:
    print(f"ipmifast core: framing={frame.__impl__} crypto={crypto.__impl__} sol={sol.__impl__}")
    if args.host:
        return _real_bmc(args)
    if not args.suites:
        from ipmifast.engine.loop import run

        print(f"embedded simulator: {args.count} virtual BMCs on {args.base}+ port {args.sim_port}, user admin, "
              f"cipher suite {args.cipher_suite}; running 'power status' and 'discover' over all of them")
        summary, elapsed, found, scan = run(
            _fleet(args.count, args.base, args.sim_port, args.concurrency, args.cipher_suite))
        for key, n in sorted(summary.items()):
            print(f"  {key}: {n} BMCs")
        sessions = sum(summary.values())
        print(f"{sessions} sessions (open + Get Chassis Status + close) in {elapsed:.2f} s: "
              f"{sessions / elapsed:.0f} sessions/s, concurrency {args.concurrency}")
        print("discover (Presence Ping + Get Channel Authentication Capabilities, no session):")
        for key, n in sorted(found.items()):
            print(f"  {key}: {n} BMCs")
        hosts = sum(found.values())
        print(f"{hosts} hosts discovered in {scan:.2f} s: {hosts / scan:.0f} hosts/s")
        return 0 if set(summary) <= {"on", "off"} and not any(k.startswith("error") for k in found) else 1
    print("in-memory RMCP+ sessions, remote console core <-> BMC core (no BMC given with -H)")
    print(f"{'suite':>5}  {'auth':<18} {'integrity':<16} {'confidentiality':<16} {'handshake':>9}  Get Device ID")
    for suite_id, suite in sorted(CIPHER_SUITES.items()):
        handshake, rtt = _in_memory(suite_id)
        print(
            f"{suite_id:>5}  {suite.auth.name:<18} {suite.integrity.name:<16} {suite.confidentiality.name:<16} "
            f"{handshake:>4} pkts  {rtt * 1e6:6.1f} us per request+response, both ends"
        )
    return 0


def _real_bmc(args: argparse.Namespace) -> int:
    from ipmifast.engine.blocking import BlockingClient

    password = args.password
    if password is None:
        password = os.environ.get("IPMI_PASSWORD")
    if password is None:
        raise UsageError("no password: give -P PASSWORD or set IPMI_PASSWORD with -E")
    config = SessionConfig(
        username=args.user.encode(),
        password=password.encode(),
        cipher_suite=args.cipher_suite,
        privilege=4,
        timeout=args.timeout,
        retries=args.retries,
    )
    with BlockingClient(args.host, config, port=args.port) as bmc:
        data = bmc.call(0x06, 0x01)
        print(f"{args.host}:{args.port} cipher suite {args.cipher_suite}: session established")
        manufacturer = int.from_bytes(data[6:9], "little")
        product = int.from_bytes(data[9:11], "little")
        print(
            f"  Device ID {data[0]:#04x}, firmware {data[2] & 0x7F}.{data[3]:02x}, "
            f"IPMI {data[4] & 0xF}.{data[4] >> 4}, manufacturer {manufacturer}, product {product:#06x}"
        )
        status = bmc.call(0x00, 0x01)
        print(f"  Chassis power is {'on' if status[0] & 1 else 'off'}")
    return 0




def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ipmifast demo", description=__doc__)
    parser.add_argument("-H", dest="host", help="BMC address (default: in-memory BMC core)")
    parser.add_argument("-p", dest="port", type=int, default=623, help="UDP port (default 623)")
    parser.add_argument("-U", dest="user", default="admin", help="user name (default admin)")
    parser.add_argument("-P", dest="password", help="password (or IPMI_PASSWORD in the environment)")
    parser.add_argument("-C", dest="cipher_suite", type=int, default=17, help="cipher suite (default 17)")
    parser.add_argument("--count", type=int, default=1000, help="simulated BMCs (default 1000)")
    parser.add_argument("--base", default="127.77.0.1", help="first simulated BMC address (default 127.77.0.1)")
    parser.add_argument("--sim-port", dest="sim_port", type=int, default=9623,
                        help="simulated BMCs' UDP port (default 9623)")
    parser.add_argument("--concurrency", type=int, default=256, help="sessions at once (default 256)")
    parser.add_argument("--suites", action="store_true", help="in-memory sessions with every cipher suite instead")
    parser.add_argument("-N", dest="timeout", type=float, default=1.0, help="seconds per try (default 1)")
    parser.add_argument("-R", dest="retries", type=int, default=3, help="retransmits (default 3)")
    args = parser.parse_args(argv)
    try:
        return demo(args)
    except IpmiError as exc:
        where = f"{args.host}: " if args.host else ""
        print(f"ipmifast: {where}{exc}", file=sys.stderr)
        return exc.exit_code
