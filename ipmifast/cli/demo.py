"""``ipmifast demo``: RMCP+ sessions with every cipher suite, client core ↔ BMC core in memory, or with -H a real
BMC through the minimal blocking driver."""

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


def demo(args: argparse.Namespace) -> int:
    print(f"ipmifast core: framing={frame.__impl__} crypto={crypto.__impl__} sol={sol.__impl__}")
    if args.host:
        return _real_bmc(args)
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
    parser.add_argument("-C", dest="cipher_suite", type=int, default=3, help="cipher suite (default 3)")
    parser.add_argument("-N", dest="timeout", type=float, default=1.0, help="seconds per try (default 1)")
    parser.add_argument("-R", dest="retries", type=int, default=3, help="retransmits (default 3)")
    args = parser.parse_args(argv)
    try:
        return demo(args)
    except IpmiError as exc:
        where = f"{args.host}: " if args.host else ""
        print(f"ipmifast: {where}{exc}", file=sys.stderr)
        return exc.exit_code
