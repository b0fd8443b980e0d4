"""One verb over many hosts: ``ipmifast -H 10.1.[0-3].[1-254] -U u -f pw power status``.

Every single-host verb is a coroutine over a session (``registry``); here it runs over the asyncio engine for each
host of the ``-H`` specification (``cli/hosts``), ``--concurrency`` sessions at a time, and the results are
printed as operators read them:

- by default, grouped by identical output, as FreeIPMI's ipmipower prints (``127.1.0.[1-5,7]: Chassis Power is
  on``; a many-line output under a ``----- hosts -----`` header), errors grouped by message, then a summary line
  on stderr with the count of each error class;
- ``--json``: one JSON object per host, streamed as hosts finish (JSON Lines);
- ``--csv``: ``host,port,status,output``, one row per host.

A progress line (hosts done, rate, ETA) goes to stderr when it is a terminal. Verbs that power hosts off, cycle or
reset them, or reset their BMCs, ask for confirmation on a terminal when more than one host is named (``--yes``
skips the question, and without a terminal it is required); ``--dry-run`` lists the hosts and does nothing.
The exit status is 0 when every host succeeded, otherwise that of the error class that failed the most hosts.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from ipmifast.cli.credentials import CredentialsFile
from ipmifast.cli.hosts import compress, count, expand
from ipmifast.cli.main import Options, jsonable, need_password
from ipmifast.errors import HostNotFound, IpmiError, UsageError

#: (group, first argument) of the verbs that change what the hosts run
DESTRUCTIVE = {("power", "off"), ("power", "cycle"), ("power", "reset"), ("power", "soft"), ("chassis", "power"),
               ("mc", "reset")}
_CHASSIS_POWER_SAFE = {"status", "on"}
#: error class -> exit status (README: exit codes)
EXIT = {"timeout": 3, "auth": 2, "cipher": 2, "privilege": 2, "completion-code": 1, "network": 1, "error": 1,
        "host not found": 68, "cluster": 69, "unknown": 1}


def destructive(rest: list[str]) -> bool:
    group, args = rest[0], rest[1:]
    if group == "chassis" and args[:1] == ["power"]:
        return len(args) > 1 and args[1] not in _CHASSIS_POWER_SAFE
    return bool(args) and (group, args[0]) in DESTRUCTIVE


@dataclass
class Outcome:
    host: str
    port: int
    lines: list[str] | None = None
    value: Any = None
    kind: str = "ok"
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def _confirm(rest: list[str], hosts: list[tuple[str, int]], yes: bool, err: TextIO) -> None:
    if yes:
        return
    what = " ".join(rest)
    names = compress(h for h, _ in hosts)
    if not sys.stdin.isatty():
        raise UsageError(f"'{what}' on {len(hosts)} hosts needs --yes when no terminal can confirm it "
                         f"(--dry-run lists them)")
    err.write(f"ipmifast: '{what}' on {len(hosts)} hosts: {names}\nContinue? [y/N] ")
    err.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise UsageError("not confirmed: nothing done")


class Progress:
    """``done/total hosts, rate/s, ETA`` on one rewritten stderr line, at most ten times a second."""

    def __init__(self, total: int, out: TextIO) -> None:
        self.total = total
        self.out = out
        self.start = time.monotonic()
        self.shown = 0.0
        self.enabled = out.isatty()

    def update(self, done: int, failed: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.shown < 0.1 and done < self.total):
            return
        self.shown = now
        rate = done / (now - self.start) if now > self.start else 0.0
        eta = (self.total - done) / rate if rate else 0.0
        self.out.write(f"\r  {done}/{self.total} hosts, {failed} failed, {rate:,.0f}/s, ETA {eta:.0f} s  ")
        self.out.flush()

    def end(self) -> None:
        if self.enabled:
            self.out.write("\r" + " " * 60 + "\r")
            self.out.flush()


async def _run(opts: Options, rest: list[str], targets: list[tuple[str, int]], password: bytes | None,
               concurrency: int, emit: Any, credentials: CredentialsFile | None = None,
               rate: float | None = None) -> list[Outcome]:
    import ipmifast
    from ipmifast.cli import registry
    from ipmifast.engine.fleet import classify, run_fleet

    group, fn, args = registry.find(rest)
    registry.OPTIONS.set(opts)

    async def one(target: tuple[str, int]) -> Any:
        host, port = target
        username, secret, suite = opts.username, password, opts.cipher_suite
        row = credentials.lookup(host) if credentials is not None else None
        if row is not None:
            username = row.username if row.username is not None else username
            secret = row.password if row.password is not None else secret
            suite = row.cipher_suite if row.cipher_suite is not None else suite
            port = row.port if row.port is not None and port == opts.port else port
        if secret is None:
            raise UsageError(f"{host}: no password: give -f, -E, -a or -P, or a row of --credentials naming it")
        async with ipmifast.connect(
            host, port=port, username=username, password=secret, cipher_suite=suite,
            privilege=opts.privilege, kg=opts.kg, interface=opts.interface, auth_type=opts.auth_type,
            quirks=opts.quirks, timeout=opts.timeout, retries=opts.retries, keepalive=None, reconnect=False,
        ) as bmc:
            return await fn(bmc, list(args))

    if rate is not None:
        from ipmifast.client import default_endpoint

        (await default_endpoint()).set_rate(rate)
    outcomes: list[Outcome] = []
    async for result in run_fleet(targets, one, concurrency=concurrency):
        host, port = result.target
        output, error = result.value, result.error
        if error is None and output is not None:
            outcome = Outcome(host, port, list(output.lines), output.value)
        else:
            kind = "host not found" if isinstance(error, HostNotFound) else classify(error or RuntimeError())
            outcome = Outcome(host, port, kind=kind, error=str(error))
        outcomes.append(outcome)
        emit(outcome, outcomes)
    return outcomes


def _name(host: str, port: int, default_port: int) -> str:
    return host if port == default_port else f"{host}:{port}"


def _grouped(outcomes: list[Outcome], default_port: int, out: TextIO) -> None:
    by_output: dict[tuple[str, ...], list[str]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for o in outcomes:
        name = _name(o.host, o.port, default_port)
        if o.ok:
            by_output[tuple(o.lines or ())].append(name)
        else:
            errors[o.error].append(name)
    for lines, names in sorted(by_output.items(), key=lambda item: -len(item[1])):
        if len(lines) == 1:
            out.write(f"{compress(names)}: {lines[0]}\n")
        else:
            out.write(f"----- {compress(names)} ({len(names)} host{'s' * (len(names) > 1)}) -----\n")
            out.write("".join(line + "\n" for line in lines))
    for message, names in sorted(errors.items(), key=lambda item: -len(item[1])):
        out.write(f"{compress(names)}: error: {message}\n")


def _json_line(o: Outcome) -> str:
    record: dict[str, Any] = {"host": o.host, "port": o.port}
    if o.ok:
        record.update(ok=True, value=jsonable(o.value), lines=o.lines)
    else:
        record.update(ok=False, error={"kind": o.kind, "message": o.error})
    return json.dumps(record)


def _csv_row(o: Outcome) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(
        [o.host, o.port, "ok" if o.ok else o.kind, " / ".join(o.lines or ()) if o.ok else o.error])
    return buf.getvalue()


def summary(outcomes: Iterable[Outcome], seconds: float) -> str:
    outcomes = list(outcomes)
    kinds = Counter(o.kind for o in outcomes if not o.ok)
    failed = sum(kinds.values())
    rate = len(outcomes) / seconds if seconds > 0 else 0.0
    detail = "".join(f", {n} {k}" for k, n in kinds.most_common())
    return (f"ipmifast: {len(outcomes)} hosts in {seconds:.2f} s ({rate:,.0f}/s): {len(outcomes) - failed} ok, "
            f"{failed} failed{detail}")


def run_fleet_verb(opts: Options, rest: list[str], fleet: dict[str, Any], out: TextIO | None = None,
                   err: TextIO | None = None) -> int:
    """Run ``rest`` (a verb and its arguments) over every host of ``opts.host``; the exit status."""
    from ipmifast.cli import registry

    out = out or sys.stdout
    err = err or sys.stderr
    if not rest:
        raise UsageError("no verb given (try: ipmifast -h)")
    registry.find(rest)  # an unknown verb is a usage error before anything is sent
    spec = opts.host or ""
    if count([spec], opts.port) == 0:
        raise UsageError("no hosts given")
    targets = list(expand([spec], opts.port, fleet.get("exclude", ())))
    if fleet.get("dry_run"):
        out.write(f"{len(targets)} hosts: {compress(_name(h, p, opts.port) for h, p in targets)}\n")
        return 0
    if destructive(rest) and len(targets) > 1:
        _confirm(rest, targets, bool(fleet.get("yes")), err)
    credentials = None
    if fleet.get("credentials"):
        credentials = CredentialsFile(fleet["credentials"], opts.port, opts.force_file)
    uncovered = credentials is None or any(getattr(credentials.lookup(h), "password", None) is None
                                           for h, _ in targets)
    password = need_password(opts) if uncovered and "worker_password" not in fleet else opts.password
    progress = Progress(len(targets), err)
    fmt = "json" if opts.json else fleet.get("format", "text")
    if fmt == "csv":
        out.write("host,port,status,output\n")

    failed = 0

    def emit(outcome: Outcome, so_far: list[Outcome]) -> None:
        nonlocal failed
        if fmt == "json":
            out.write(_json_line(outcome) + "\n")
            out.flush()
        elif fmt == "csv":
            out.write(_csv_row(outcome))
        failed += not outcome.ok  # counted as hosts finish: a sum over so_far here made a run quadratic
        progress.update(len(so_far), failed)

    from ipmifast.engine.loop import run as run_loop

    start = time.monotonic()
    try:
        if "cluster" in fleet:  # the same run, in shards on a Dask cluster's workers (cli/cluster.py)
            from ipmifast.cli.cluster import fleet_outcomes

            outcomes = fleet_outcomes(opts, rest, targets, password, credentials, fleet, emit)
        else:
            outcomes = run_loop(_run(opts, rest, targets, password, int(fleet.get("concurrency", 256)), emit,
                                     credentials, fleet.get("rate")))
    except IpmiError:
        progress.end()
        raise
    progress.end()
    if fmt == "text":  # hosts in the order they were given, however they finished (locally or on a cluster)
        position = {target: i for i, target in enumerate(targets)}
        _grouped(sorted(outcomes, key=lambda o: position.get((o.host, o.port), len(position))), opts.port, out)
    err.write(summary(outcomes, time.monotonic() - start) + "\n")
    failures = Counter(o.kind for o in outcomes if not o.ok)
    if not failures:
        return 0
    return EXIT.get(failures.most_common(1)[0][0], 1)
