"""``--cluster tcp://SCHEDULER:8786``: fleet verbs, discovery and the audit over a Dask cluster, and ``ipmifast
cluster local|workers``.

The command line, output formats, progress and summary are those of a local run (``cli/fleet``, ``cli/discover``,
``cli/audit``); only where the hosts are worked on changes: in shards, on the cluster's workers
(``ipmifast/cluster``). Dask is imported here only, and only for a run with ``--cluster``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from typing import Any

from ipmifast.cli.args import UsageParser
from ipmifast.errors import IpmiError, UsageError

#: seconds to wait for the scheduler to answer and for a first worker to join (IPMIFAST_CLUSTER_TIMEOUT)
CONNECT_TIMEOUT = 10.0


def _connect_timeout() -> float:
    value = os.environ.get("IPMIFAST_CLUSTER_TIMEOUT")
    if value is None:
        return CONNECT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise UsageError(f"IPMIFAST_CLUSTER_TIMEOUT={value!r}: give a number of seconds")
    return seconds


def sharded(address: str, job: Any, targets: Sequence[Any], segment_of: Callable[[Any], str | None] | None,
            shard_size: int | None) -> Generator[Any, None, None]:
    """``job``'s results over ``targets`` run on the cluster at ``address``, as its shards finish."""
    from ipmifast.cluster import driver
    from ipmifast.cluster.shards import plan
    from ipmifast.cluster.shards import shard_size as default_size

    timeout = _connect_timeout()
    client = driver.connect(address, timeout)
    try:
        slots = driver.wait_for_workers(client, plan(targets, max(len(targets), 1), segment_of), timeout)
        shards = plan(targets, shard_size or default_size(len(targets), slots), segment_of)
        for _, results in driver.run_sharded(client, job, shards):
            yield from results
    finally:
        client.close()


def password_secret(password: bytes | None, worker_password: str | None) -> Any:
    from ipmifast.cluster.work import Secret

    return Secret.named(worker_password) if worker_password else Secret(password)


def fleet_outcomes(opts: Any, rest: list[str], targets: list[tuple[str, int]], password: bytes | None,
                   credentials: Any, fleet: dict[str, Any], emit: Callable[[Any, list[Any]], None]) -> list[Any]:
    """``cli/fleet``'s outcomes of ``rest`` over ``targets``, worked on by the cluster; ``emit`` per host."""
    from ipmifast.cli.fleet import destructive
    from ipmifast.cluster.driver import new_run_id
    from ipmifast.cluster.work import FleetJob

    job = FleetJob(new_run_id(), opts, rest, password_secret(password, fleet.get("worker_password")), credentials,
                   int(fleet.get("concurrency", 256)), fleet.get("rate"), destructive(rest))
    segment_of = (lambda t: credentials.segment(t[0])) if credentials is not None else None
    outcomes: list[Any] = []
    with closing(sharded(fleet["cluster"], job, targets, segment_of, fleet.get("shard_size"))) as results:
        for outcome in results:
            outcomes.append(outcome)
            emit(outcome, outcomes)
    return outcomes


def run_job(args: argparse.Namespace, make_job: Callable[[str], Any], targets: Sequence[Any],
            consume: Callable[[Any], None]) -> None:
    """discover/audit on the cluster: ``make_job(run_id)``'s reports over ``targets``, each to ``consume``."""
    from ipmifast.cluster.driver import new_run_id

    segment_of = segment_map(args.credentials, args.port, getattr(args, "force", False))
    with closing(sharded(args.cluster, make_job(new_run_id()), targets, segment_of, args.shard_size)) as results:
        for report in results:
            consume(report)


def segment_map(path: str | None, default_port: int, force: bool = False) -> Callable[[Any], str | None] | None:
    """The segment of a discovery/audit target from a credentials file's sixth column (by name, then address)."""
    if path is None:
        return None
    from ipmifast.cli.credentials import CredentialsFile

    rows = CredentialsFile(path, default_port, force)

    def segment_of(target: Any) -> str | None:
        names = [target[2]] if len(target) == 3 else []
        for name in [*names, target[0]]:
            segment = rows.segment(name)
            if segment is not None:
                return segment
        return None

    return segment_of


def add_options(p: argparse.ArgumentParser) -> None:
    """``--cluster``, ``--shard-size`` and ``--credentials`` (segments) for discover and audit."""
    p.add_argument("--cluster", metavar="ADDRESS", help="run on the Dask cluster whose scheduler is at ADDRESS "
                   "(tcp://host:8786); pip install 'ipmifast[cluster]'")
    p.add_argument("--shard-size", type=int, default=None, metavar="N",
                   help="with --cluster: hosts per task (default: about four shards per worker thread)")
    p.add_argument("--credentials", metavar="FILE", help="with --cluster: a credentials file whose sixth column "
                   "names each host's segment (the Dask worker resource that reaches it)")


def check_options(args: argparse.Namespace) -> None:
    if args.shard_size is not None and args.shard_size < 1:
        raise UsageError("--shard-size must be at least 1")
    if (args.shard_size is not None or args.credentials) and not args.cluster:
        raise UsageError("--shard-size and --credentials place shards on a cluster: give --cluster too")


# ``ipmifast cluster ...``

def _parser() -> argparse.ArgumentParser:
    p = UsageParser(prog="ipmifast cluster", description="A Dask cluster for --cluster runs.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    local = sub.add_parser("local", help="start a scheduler and N worker processes on this machine, until Ctrl-C",
                           description="Start a Dask scheduler and worker processes here, print the address for "
                           "--cluster, and run until interrupted.")
    local.add_argument("--workers", type=int, default=2, metavar="N", help="worker processes (default 2)")
    local.add_argument("--threads", type=int, default=4, metavar="N",
                       help="shards each worker runs at once, all on its one engine (default 4)")
    local.add_argument("--host", default="127.0.0.1", help="address the scheduler listens on (default 127.0.0.1)")
    local.add_argument("--port", type=int, default=8786, help="scheduler port (default 8786; 0: any free port)")
    local.add_argument("--resources", metavar="NAME=N,...", default="",
                       help="resources of every worker (segments they reach: site-a=1)")
    info = sub.add_parser("workers", help="list the workers of a scheduler, their threads and resources")
    info.add_argument("address", help="the scheduler: tcp://host:8786")
    return p


def _resources(spec: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, value = item.partition("=")
        try:
            out[name] = float(value)
        except ValueError:
            raise UsageError(f"--resources {item!r}: give NAME=NUMBER") from None
    return out


def _local(args: argparse.Namespace) -> int:
    if args.workers < 1 or args.threads < 1:
        raise UsageError("--workers and --threads must be at least 1")
    try:
        from distributed import LocalCluster
    except ImportError:
        raise UsageError("ipmifast cluster needs Dask distributed: pip install 'ipmifast[cluster]'") from None
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=args.threads, processes=True,
                               host=args.host, scheduler_port=args.port, dashboard_address=None,
                               resources=_resources(args.resources) or None)
    except OSError as exc:
        raise UsageError(f"cannot start the scheduler on {args.host}:{args.port}: {exc.strerror or exc}") from None
    with cluster:
        print(f"ipmifast: Dask scheduler {cluster.scheduler_address} with {args.workers} worker processes "
              f"({args.threads} threads each); run, e.g.:\n"
              f"  ipmifast -H 10.0.0.[1-254] -U admin -f PASSWORD_FILE --cluster {cluster.scheduler_address} "
              f"power status\nCtrl-C stops it.", flush=True)
        stop.wait()
        _retire_workers(cluster)
    return 0


def _retire_workers(cluster: Any, timeout: float = 10.0) -> None:
    """Stop the workers before the scheduler, so that none is left mid-heartbeat to a scheduler that closed (it
    would log a traceback)."""
    import time

    cluster.scale(0)
    deadline = time.monotonic() + timeout
    while cluster.scheduler_info.get("workers") and time.monotonic() < deadline:
        time.sleep(0.1)


def _workers(args: argparse.Namespace) -> int:
    from ipmifast.cluster import driver

    client = driver.connect(args.address, _connect_timeout())
    try:
        found = driver.workers(client, shards=True)
    finally:
        client.close()
    print(f"{len(found)} workers, {sum(int(w['nthreads']) for w in found.values())} threads")
    for address, w in sorted(found.items()):
        resources = ",".join(f"{k}={v:g}" for k, v in sorted(w["resources"].items())) or "-"
        shards = w.get("shards")
        print(f"  {address}  name {w['name']}  threads {w['nthreads']}  resources {resources}  "
              f"shards run {'?' if shards is None else shards}")
    return 0


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        return _local(args) if args.command == "local" else _workers(args)
    except IpmiError as exc:
        print(f"ipmifast: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
