"""``ipmifast discover RANGE...``: which hosts speak IPMI, which versions, and how they let consoles in, from one
round trip per host and no session (``engine/discover``).

Output: a table and a summary, or ``--json``: one JSON object per host (JSON Lines) as hosts finish. Exit status
0 once the scan ran (hosts that do not answer are results, not errors), 64 on bad input.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TextIO

from ipmifast.cli.args import UsageParser
from ipmifast.cli.hosts import expand
from ipmifast.errors import IpmiError, UsageError

COLUMNS = ("host", "ipmi", "auth types", "per-msg", "user-lvl", "anonymous", "null user", "kg", "oem")


def _parser() -> argparse.ArgumentParser:
    p = UsageParser(
        prog="ipmifast discover", description="Find IPMI BMCs: ASF Presence Ping and Get Channel Authentication "
        "Capabilities (IPMI v2.0 and v1.5 forms), one round trip per host, no session, nothing changed.")
    p.add_argument("hosts", nargs="+", metavar="RANGE",
                   help="hosts: 10.1.[0-3].[1-254], node[001-200], 10.1.0.0/22, a,b,c, @FILE, HOST:PORT[-PORT]")
    p.add_argument("-x", "--exclude", action="append", default=[], metavar="RANGE", help="hosts to leave out")
    p.add_argument("-p", "--port", type=int, default=623, help="UDP port where a RANGE names none (default 623)")
    p.add_argument("--json", action="store_true", help="one JSON object per host (JSON Lines), as hosts finish")
    p.add_argument("-N", "--timeout", type=float, default=1.0, metavar="SECONDS",
                   help="seconds per try (default 1)")
    p.add_argument("-R", "--retries", type=int, default=1, help="resends of what is unanswered (default 1)")
    p.add_argument("--concurrency", type=int, default=1024, help="hosts in flight at once (default 1024)")
    p.add_argument("--rate", type=float, default=None, metavar="PPS",
                   help="at most this many datagrams per second (default: no cap)")
    from ipmifast.cli.cluster import add_options

    add_options(p)
    return p


def _numeric(targets: Iterable[tuple[str, int]]) -> Iterator[tuple[str, int] | tuple[str, int, str]]:
    """Numeric IPv4 targets as they are; names resolved (the name kept for the report), or reported unresolved."""
    for host, port in targets:
        try:
            ipaddress.IPv4Address(host)
            yield host, port
            continue
        except ValueError:
            pass
        if re.fullmatch(r"[\d.]+", host):  # 10.1.0.256: a range past 255, not a name to look up
            yield host, port, "not an IPv4 address"
            continue
        try:
            address = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)[0][4][0]
        except (socket.gaierror, UnicodeError, IndexError):
            yield host, port, "host name does not resolve"
            continue
        yield str(address), port, host


async def _scan(args: argparse.Namespace, targets: list[tuple[str, int] | tuple[str, int, str]]) -> AsyncIterator[
        dict[str, object]]:
    from ipmifast.engine.discover import discover

    names: dict[tuple[str, int], list[str]] = {}
    probe: list[tuple[str, int]] = []
    for t in targets:
        if len(t) == 3 and t[2] in ("host name does not resolve", "not an IPv4 address"):
            yield {"host": t[0], "port": t[1], "error": t[2]}
            continue
        key = (t[0], t[1])
        if key not in names:
            probe.append(key)
        names.setdefault(key, []).append(t[2] if len(t) == 3 else t[0])
    async for result in discover(probe, timeout=args.timeout, retries=args.retries, concurrency=args.concurrency,
                                 rate=args.rate):
        report = result.report()
        for name in names[(result.host, result.port)]:
            out = dict(report)
            if name != result.host:
                out["host"], out["address"] = name, result.host
            yield out


def _row(r: dict[str, object]) -> list[str]:
    if "error" in r and r.get("ipmi") is None:
        return [str(r["host"]), str(r["error"])] + [""] * (len(COLUMNS) - 2)

    def yes(key: str) -> str:
        return "yes" if r.get(key) else "no"

    auth = r.get("auth_types") or []
    versions = r.get("ipmi") or []
    assert isinstance(auth, list) and isinstance(versions, list)
    return [str(r["host"]), ",".join(versions), ",".join(auth) or "-", yes("per_message_auth"),
            yes("user_level_auth"), yes("anonymous_login"), yes("null_usernames"), str(r.get("kg") or "-"),
            str(r.get("oem_id") or "-")]


def _summary(reports: list[dict[str, object]], seconds: float) -> list[str]:
    answered = [r for r in reports if r.get("ipmi")]
    kinds: Counter[str] = Counter()
    for r in answered:
        versions = r["ipmi"]
        assert isinstance(versions, list)
        kinds["IPMI 2.0" if "2.0" in versions else "IPMI 1.5 only"] += 1
        for key, label in (("anonymous_login", "anonymous login enabled"), ("null_usernames", "null user names")):
            if r.get(key):
                kinds[label] += 1
        auth = r.get("auth_types") or []
        assert isinstance(auth, list)
        if "none" in auth:
            kinds["IPMI 1.5 authentication NONE"] += 1
        if "password" in auth:
            kinds["IPMI 1.5 straight password"] += 1
    errors = Counter(str(r["error"]) for r in reports if not r.get("ipmi"))
    rate = len(reports) / seconds if seconds > 0 else 0.0
    lines = [f"{len(reports)} hosts in {seconds:.2f} s ({rate:,.0f}/s): {len(answered)} answered IPMI"
             + "".join(f", {n} {e}" for e, n in sorted(errors.items()))]
    lines += [f"  {label}: {n}" for label, n in sorted(kinds.items())]
    return lines


def run(args: argparse.Namespace, out: TextIO) -> int:
    targets = list(_numeric(expand(args.hosts, args.port, args.exclude)))
    from ipmifast.engine.loop import run as run_loop

    reports: list[dict[str, object]] = []
    start = time.perf_counter()

    def consume(report: dict[str, object]) -> None:
        reports.append(report)
        if args.json:
            out.write(json.dumps(report) + "\n")
            out.flush()

    async def main() -> None:
        async for report in _scan(args, targets):
            consume(report)

    if args.cluster:  # the same scan, in shards on a Dask cluster's workers (cli/cluster.py)
        from ipmifast.cli.cluster import run_job
        from ipmifast.cluster.work import DiscoverJob

        run_job(args, lambda run_id: DiscoverJob(run_id, args), targets, consume)
    else:
        run_loop(main())
    elapsed = time.perf_counter() - start
    if not args.json:
        rows = [list(COLUMNS)] + [_row(r) for r in sorted(reports, key=lambda r: _sort_key(str(r["host"])))]
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
        for row in rows:
            out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n")
        out.write("\n".join(_summary(reports, elapsed)) + "\n")
    return 0


def _sort_key(host: str) -> tuple[int, object]:
    try:
        return 0, int(ipaddress.IPv4Address(host))
    except ValueError:
        return 1, host


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.timeout <= 0 or args.retries < 0 or args.concurrency < 1 or (args.rate is not None and args.rate <= 0):
            raise UsageError("--timeout and --rate must be positive, --retries at least 0, --concurrency at least 1")
        from ipmifast.cli.cluster import check_options

        check_options(args)
        return run(args, sys.stdout)
    except IpmiError as exc:
        print(f"ipmifast: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
