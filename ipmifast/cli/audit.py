"""``ipmifast audit RANGE...``: the security findings of every BMC in a range, with evidence and remediation.

Discovery first (one round trip per host, ``engine/discover``), then the probes of ``ipmifast.audit.probe`` on the
hosts that answered, many at once on one socket. Nothing changes BMC state: every session opened is closed, no
password is tried online (default and word-list passwords are checked offline against the RAKP 2 HMAC).

Output: a table of findings and a summary, or ``--json``: one JSON object per host (JSON Lines) with its findings,
the RAKP hashes captured and the checks that could not run. ``--hashes FILE`` writes the HMAC-SHA1 captures for
``hashcat -m 7300 --username FILE``. Exit status 0 once the audit ran, or with ``--fail-on SEVERITY`` 1 when a
finding at or above that severity was found; 64 on bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from typing import TextIO

from ipmifast.cli.args import UsageParser
from ipmifast.cli.discover import _numeric, _sort_key
from ipmifast.cli.hosts import expand, split_list
from ipmifast.errors import IpmiError, UsageError


def _parser() -> argparse.ArgumentParser:
    p = UsageParser(
        prog="ipmifast audit", description="Security audit of BMCs: cipher suite 0, anonymous and null users, IPMI "
        "v1.5 NONE/straight password, RAKP HMAC disclosure (hashcat lines), offline word-list and vendor-default "
        "checks, weak cipher suites, SOL without encryption. Nothing on the BMCs is changed.")
    p.add_argument("hosts", nargs="+", metavar="RANGE",
                   help="hosts: 10.1.[0-3].[1-254], node[001-200], 10.1.0.0/22, a,b,c, @FILE, HOST:PORT[-PORT]")
    p.add_argument("-x", "--exclude", action="append", default=[], metavar="RANGE", help="hosts to leave out")
    p.add_argument("-p", "--port", type=int, default=623, help="UDP port where a RANGE names none (default 623)")
    p.add_argument("-U", "--users", action="append", default=[], metavar="NAMES",
                   help="user names to try (comma list or @FILE; default: the null user and common factory names)")
    p.add_argument("-w", "--wordlist", metavar="FILE", help="passwords to check offline against the RAKP hashes")
    p.add_argument("-P", dest="password", metavar="PASSWORD",
                   help="the password of the first -U user, to read settings (SOL) in a session (visible to others)")
    p.add_argument("-f", dest="password_file", metavar="FILE", help="read that password from FILE (first line)")
    p.add_argument("-E", dest="password_env", action="store_true", help="read that password from IPMI_PASSWORD")
    p.add_argument("-F", dest="force", action="store_true", help="use a password file others can read")
    p.add_argument("--json", action="store_true", help="one JSON object per host (JSON Lines), as hosts finish")
    p.add_argument("--hashes", metavar="FILE", help="write the RAKP hashes for hashcat --username: FILE for -m 7300 "
                   "(HMAC-SHA1), FILE.7350 for -m 7350 (HMAC-MD5)")
    p.add_argument("--fail-on", choices=("critical", "high", "medium", "low"), metavar="SEVERITY",
                   help="exit 1 when a finding at or above SEVERITY (critical, high, medium, low) was found")
    p.add_argument("-N", "--timeout", type=float, default=1.0, metavar="SECONDS", help="seconds per try (default 1)")
    p.add_argument("-R", "--retries", type=int, default=1, help="resends of what is unanswered (default 1)")
    p.add_argument("--concurrency", type=int, default=64, help="hosts audited at once (default 64)")
    p.add_argument("--rate", type=float, default=None, metavar="PPS",
                   help="at most this many discovery datagrams per second (default: no cap)")
    from ipmifast.cli.cluster import add_options

    add_options(p)
    p.add_argument("--worker-password", metavar="env:VAR|file:PATH",
                   help="with --cluster: the first -U user's password, read on each worker")
    return p


def _read_lines(path: str, what: str) -> list[bytes]:
    try:
        with open(path, "rb") as f:
            return [line.rstrip(b"\r\n") for line in f]
    except OSError as exc:
        raise UsageError(f"cannot read the {what} {path}: {exc.strerror}") from None


def _users(specs: list[str]) -> list[bytes] | None:
    if not specs:
        return None
    names: list[bytes] = []
    for spec in specs:
        if spec.startswith("@"):
            names += [n for n in _read_lines(spec[1:], "user list") if n.strip()]
        else:
            names += [n.encode() for n in (split_list(spec) if spec else [""])]
    for n in names:
        if len(n) > 16:
            raise UsageError(f"user name {n.decode('latin-1')!r} is longer than 16 bytes (IPMI allows at most 16)")
    return names


def _password(args: argparse.Namespace) -> bytes | None:
    from ipmifast.cli.main import _read_password_file

    if args.password_file is not None:
        return _read_password_file(args.password_file, args.force)
    if args.password_env:
        value = os.environ.get("IPMI_PASSWORD")
        if value is None:
            raise UsageError("-E: IPMI_PASSWORD is not set")
        return value.encode()
    if args.password is not None:
        print("ipmifast: warning: -P shows the password to other users of this machine; use -f or -E",
              file=sys.stderr)
        return str(args.password).encode()
    return None


async def _audit(args: argparse.Namespace, targets: list[tuple[str, int] | tuple[str, int, str]],
                 options: object) -> AsyncIterator[dict[str, object]]:
    from ipmifast.audit.findings import findings
    from ipmifast.audit.probe import AuditOptions, HostAudit
    from ipmifast.engine.discover import HostDiscovery, discover
    from ipmifast.engine.endpoint import Endpoint
    from ipmifast.engine.fleet import run_fleet

    assert isinstance(options, AuditOptions)
    probe: list[tuple[str, int]] = []
    for t in targets:
        if len(t) == 3 and t[2] in ("host name does not resolve", "not an IPv4 address"):
            yield {"host": t[0], "port": t[1], "error": t[2]}
        else:
            probe.append((t[0], t[1]))
    answered: list[HostDiscovery] = []
    async for d in discover(dict.fromkeys(probe), timeout=args.timeout, retries=args.retries, rate=args.rate):
        if d.discovery.caps is None:
            yield {"host": d.host, "port": d.port, "error": "timeout" if not d.discovery.answered else "no IPMI answer"}
        else:
            answered.append(d)
    ep = await Endpoint.create()
    try:
        async def one(d: HostDiscovery) -> dict[str, object]:
            e = await HostAudit(ep, d.host, d.port, d.discovery, options).run()
            return {
                "host": d.host, "port": d.port,
                "findings": [f.report() for f in findings(e)],
                "hashes": [{"user": name.decode("latin-1"), "hashcat_mode": c.hashcat_mode,
                            "hash": c.hash_line(), "john": c.john_line()} for name, c in e.captures.items()],
                "unknown_users": [n.decode("latin-1") for n in e.unknown_users],
                "cipher_suites": list(e.suites) if e.suites is not None else None,
                "not_checked": e.not_checked,
            }

        async for result in run_fleet(answered, one, concurrency=args.concurrency):
            if result.error is not None:
                yield {"host": result.target.host, "port": result.target.port, "error": str(result.error)}
            else:
                assert result.value is not None
                yield result.value
    finally:
        ep.close()


def _table(reports: list[dict[str, object]], default_port: int, out: TextIO) -> None:
    """Hosts with the same findings (and evidence) together, as ipmipower groups identical answers."""
    from ipmifast.cli.hosts import compress

    groups: dict[tuple[tuple[str, str, str], ...], list[str]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for r in sorted(reports, key=lambda r: (_sort_key(str(r["host"])), r["port"])):
        name = str(r["host"]) if r["port"] == default_port else f"{r['host']}:{r['port']}"
        if "error" in r:
            errors[str(r["error"])].append(name)
            continue
        found = r["findings"]
        assert isinstance(found, list)
        groups[tuple((f["severity"], f["finding"], f["evidence"]) for f in found)].append(name)
    for rows, names in sorted(groups.items(), key=lambda item: -len(item[1])):
        out.write(f"----- {compress(names)} ({len(names)} host{'s' * (len(names) > 1)}) -----\n")
        if not rows:
            out.write("no findings\n")
        width = max((len(f) for _, f, _ in rows), default=0)
        for severity, finding, evidence in rows:
            out.write(f"{severity:<8}  {finding:<{width}}  {evidence}\n")
    for message, names in sorted(errors.items(), key=lambda item: -len(item[1])):
        out.write(f"{compress(names)}: not audited: {message}\n")


def _summary(reports: list[dict[str, object]], seconds: float) -> list[str]:
    audited = [r for r in reports if "error" not in r]
    by_kind: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    remediation: dict[str, str] = {}
    for r in audited:
        found = r["findings"]
        assert isinstance(found, list)
        for f in found:
            by_kind[f["finding"]] += 1
            by_severity[f["severity"]] += 1
            remediation[f["finding"]] = f["remediation"]
    clean = sum(1 for r in audited if not r["findings"])
    errors = Counter(str(r["error"]) for r in reports if "error" in r)
    lines = [f"{len(reports)} hosts in {seconds:.2f} s: {len(audited)} audited, {clean} without findings"
             + "".join(f", {n} {e}" for e, n in sorted(errors.items()))]
    if by_severity:
        lines.append("findings: " + ", ".join(f"{by_severity[s]} {s}" for s in ("critical", "high", "medium", "low")
                                               if by_severity[s]))
    from ipmifast.audit.findings import CATALOGUE, SEVERITIES

    for kind in sorted(by_kind, key=lambda k: (SEVERITIES.index(CATALOGUE[k].severity), k)):
        lines.append(f"  {kind} ({CATALOGUE[kind].severity}): {by_kind[kind]} hosts; fix: {remediation[kind]}")
    return lines


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ipmifast.audit.defaults import DEFAULT_USERS
    from ipmifast.audit.findings import SEVERITIES
    from ipmifast.audit.probe import AuditOptions
    from ipmifast.engine.loop import run as run_loop

    users = _users(args.users)
    if (args.password is not None or args.password_file or args.password_env) and not users:
        raise UsageError("-P/-f/-E give the password of the first -U user: give -U too")
    if args.worker_password and not users:
        raise UsageError("--worker-password is the password of the first -U user: give -U too")
    password = _password(args)
    # on a cluster the word list is read by the workers, from the same path
    words = _read_lines(args.wordlist, "word list") if args.wordlist and not args.cluster else []
    options = AuditOptions(users=users or DEFAULT_USERS, words=words,
                           username=users[0] if (password or args.worker_password) and users else None,
                           password=password, timeout=args.timeout, retries=args.retries)
    targets = list(_numeric(expand(args.hosts, args.port, args.exclude)))
    hash_files: dict[int, TextIO] = {}

    def hash_file(mode: int) -> TextIO:
        if mode not in hash_files:
            path = args.hashes if mode == 7300 else f"{args.hashes}.{mode}"
            try:
                hash_files[mode] = open(path, "w", encoding="latin-1")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise UsageError(f"cannot write the hash file {path}: {exc.strerror}") from None
        return hash_files[mode]

    if args.hashes:
        hash_file(7300)
    reports: list[dict[str, object]] = []
    start = time.perf_counter()

    def consume(report: dict[str, object]) -> None:
        reports.append(report)
        if args.json:
            out.write(json.dumps(report) + "\n")
            out.flush()
        if args.hashes:
            for h in report.get("hashes", []):  # type: ignore[attr-defined]
                if h["hashcat_mode"] is not None:
                    hash_file(h["hashcat_mode"]).write(f"{report['host']}/{h['user'].replace(':', '?')}:{h['hash']}\n")

    async def main() -> None:
        async for report in _audit(args, targets, options):
            consume(report)

    try:
        if args.cluster:  # the same audit, in shards on a Dask cluster's workers (cli/cluster.py)
            from ipmifast.cli.cluster import password_secret, run_job
            from ipmifast.cluster.work import AuditJob

            plain = argparse.Namespace(**{**vars(args), "password": None, "password_file": None})
            secret = password_secret(password, args.worker_password)
            wordlist = os.path.abspath(args.wordlist) if args.wordlist else None
            run_job(args, lambda run_id: AuditJob(run_id, plain, options, secret, wordlist), targets, consume)
        else:
            run_loop(main())
    finally:
        for f in hash_files.values():
            f.close()
    elapsed = time.perf_counter() - start
    if not args.json:
        _table(reports, args.port, out)
        out.write("\n".join(_summary(reports, elapsed)) + "\n")
    if args.fail_on:
        worst = SEVERITIES.index(args.fail_on)
        for r in reports:
            for f in r.get("findings", []):  # type: ignore[attr-defined]
                if SEVERITIES.index(f["severity"]) <= worst:
                    return 1
    return 0


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.timeout <= 0 or args.retries < 0 or args.concurrency < 1 or (args.rate is not None and args.rate <= 0):
            raise UsageError("--timeout and --rate must be positive, --retries at least 0, --concurrency at least 1")
        from ipmifast.cli.cluster import check_options

        check_options(args)
        if args.worker_password:
            if not args.cluster:
                raise UsageError("--worker-password is read on a cluster's workers: give --cluster too")
            from ipmifast.cluster.work import Secret

            Secret.named(args.worker_password)
        return run(args, sys.stdout)
    except IpmiError as exc:
        print(f"ipmifast: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
