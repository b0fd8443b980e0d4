"""The client side of a cluster run: connect to the scheduler, submit one task per shard, yield results as shards
finish.

Faults: Dask re-runs a task whose worker died (``distributed.scheduler.allowed-failures`` times); a shard's results
reach the client only when the shard is done, so a re-run reports no host twice, and results of a shard are taken
once. A shard that cannot be done (its workers kept dying, the task failed on the worker) is reported host by host
with the reason; a destructive shard lost that way is reported from what its first try recorded (``work``).
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Iterator, Sequence
from contextlib import suppress
from typing import Any

from ipmifast.cluster.shards import Shard
from ipmifast.cluster.work import Job, claim_name, finish_lost, run_shard
from ipmifast.errors import IpmiError

#: the error kind of hosts whose shard the cluster could not run
CLUSTER = "cluster"


class ClusterError(IpmiError):
    """The cluster cannot run this: the scheduler is unreachable, no worker can take a segment, Dask missing."""

    exit_code = 69  # EX_UNAVAILABLE


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def connect(address: str, timeout: float = 10.0) -> Any:
    """A Dask client of the scheduler at ``address`` (``tcp://host:8786``), or ClusterError."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask distributed: pip install 'ipmifast[cluster]'") from None
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)  # Dask's own warnings are not the user's output
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    except ValueError as exc:
        raise ClusterError(f"--cluster {address!r}: {exc}") from None


def workers(client: Any, shards: bool = False) -> dict[str, dict[str, Any]]:
    """The scheduler's workers: address -> {"nthreads", "resources", "name"} (and "shards" they ran, asked of
    each worker, with ``shards``)."""
    info = client.scheduler_info(n_workers=-1)["workers"]
    found = {address: {"nthreads": w.get("nthreads", 1), "resources": dict(w.get("resources") or {}),
                       "name": w.get("name")} for address, w in info.items()}
    if shards and found:
        from ipmifast.cluster.work import shards_done

        for address, count in client.run(shards_done, on_error="return").items():
            if address in found:
                found[address]["shards"] = count if isinstance(count, int) else None
    return found


def wait_for_workers(client: Any, shards: Sequence[Shard[Any]], timeout: float) -> int:
    """Wait (up to ``timeout``) for a worker, and check every segment has one; the count of worker threads."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined the scheduler within {timeout:g} s "
                           "(start one: dask worker tcp://SCHEDULER:8786)") from None
    found = workers(client)
    for segment in sorted({s.segment for s in shards if s.segment is not None}):
        if not any(segment in w["resources"] for w in found.values()):
            raise ClusterError(f"no worker reaches segment {segment!r}: start one with "
                               f"dask worker tcp://SCHEDULER:8786 --resources {segment}=1")
    return sum(int(w["nthreads"]) for w in found.values())


def run_sharded(client: Any, job: Job, shards: Sequence[Shard[Any]]) -> Iterator[tuple[Shard[Any], list[Any]]]:
    """Every shard's results, as shards finish (each shard exactly once)."""
    from distributed import as_completed

    futures = {client.submit(run_shard, job, shard, key=job.key(shard), pure=False,
                             resources={shard.segment: 1} if shard.segment is not None else None): shard
               for shard in shards}
    taken: set[int] = set()
    try:
        for future in as_completed(list(futures), loop=client.loop):
            shard = futures[future]
            if shard.index in taken:
                continue
            taken.add(shard.index)
            yield shard, _results(client, job, shard, future)
    finally:
        client.cancel(list(futures), force=True)
        if job.destructive:
            for shard in shards:
                _forget_claim(client, job, shard)


def _results(client: Any, job: Job, shard: Shard[Any], future: Any) -> list[Any]:
    from distributed import KilledWorker

    try:
        return list(future.result())
    except KilledWorker:
        if job.destructive:
            return finish_lost(job, shard, _claim(client, job, shard))
        reason = "the workers that ran this host's shard died (Dask gave up re-running it)"
    except IpmiError as exc:  # the shard could not start on its worker (no password there, a word list missing)
        reason = str(exc)
    except Exception as exc:  # noqa: BLE001 - a failed task is reported host by host, never a traceback
        reason = f"the shard failed on its worker: {type(exc).__name__}: {exc}"
    return [job.failed(t, CLUSTER, reason) for t in shard.targets]


def _claim(client: Any, job: Job, shard: Shard[Any]) -> Any:
    from distributed import Variable

    try:
        return Variable(claim_name(job, shard), client=client).get(timeout=1)
    except TimeoutError:
        return pickle.dumps([])


def _forget_claim(client: Any, job: Job, shard: Shard[Any]) -> None:
    from distributed import Variable

    with suppress(Exception):
        Variable(claim_name(job, shard), client=client).delete()
