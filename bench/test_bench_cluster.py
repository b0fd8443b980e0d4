"""Fleet ``power status`` through a Dask cluster beside a local run, side by side in one run.

    python -m pytest bench/test_bench_cluster.py --benchmark-only -s

``ipmifast sim --count 10000`` runs in its own process pinned to CPU 0 (``bench/test_bench_sim.py``); a real
``dask scheduler`` and ``dask worker`` processes (``tests/cluster/conftest.py``) run on loopback, unpinned. Each
figure is the ``ipmifast`` command as a user runs it (interpreter start, connecting to the scheduler, every
session: open, Get Chassis Status, close), the best of ``ROUNDS``, the configurations taking turns in each round:

- ``local``: no ``--cluster``: one process, one engine;
- ``1 worker``: one worker process (4 threads: up to 4 shards at once, all on its one engine);
- ``2 workers``: two such worker processes;
- ``1 worker, shards of 64``: the same hosts in many small shards: the difference to ``1 worker`` divided by the
  difference in shard count is what one shard costs;
- ``1 host``: the fixed cost of a run, with and without the cluster.

Worker CPU per host is the user + system CPU the worker processes used (``/proc/PID/stat``) over the hosts.
This box has two cores and the simulator holds one of them: two workers here show what coordination costs, not
how throughput scales with machines (README: "Beyond one machine" gives the scaling model).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import DaskCluster

from .test_bench_sim import cpu_seconds, simulator, sizes

ROUNDS = 3
LOGIN = ["-I", "lanplus", "-C", "17", "-U", "admin", "-N", "1", "-R", "2"]


def _run(exe: str, hosts: str, password: str, port: int, *extra: str) -> tuple[float, float, int]:
    """Wall seconds, client CPU seconds and hosts answered of one ``ipmifast ... --json power status``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run([exe, *LOGIN, "-f", password, "-H", hosts, "-p", str(port), "--json", *extra, "power",
                          "status"], capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out.returncode == 0, out.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout.count('"ok": true') or out.stdout.count('"power"')  # fleet or one-host JSON


def _clusters(stack: ExitStack, directory: Path) -> dict[str, DaskCluster]:
    made = {}
    for name, port, workers in (("1 worker", 9990, 1), ("2 workers", 9992, 2)):
        path = directory / name.replace(" ", "-")
        path.mkdir()
        c = DaskCluster(path, port, workers=workers, threads=4)
        stack.callback(c.close)
        made[name] = c
    return made


@pytest.fixture()
def password(tmp_path: Path) -> str:
    path = tmp_path / "password"
    path.write_text("ipmifast\n")
    path.chmod(0o600)
    return str(path)


@pytest.mark.interop
def test_cluster_beside_a_local_run(benchmark: Any, tmp_path: Path, password: str) -> None:
    count = sizes(benchmark)["count"]
    figures: dict[str, str] = {}
    exe = str(Path(sys.executable).parent / "ipmifast")

    def measure() -> None:
        with simulator(count) as sim, ExitStack() as stack:
            addresses = sim.addresses()
            hosts_file = tmp_path / "hosts"
            hosts_file.write_text("".join(f"{a}\n" for a, _ in addresses))
            hosts, one = f"@{hosts_file}", addresses[0][0]
            clusters = _clusters(stack, tmp_path)
            small = -(-count // 64)
            configs: dict[str, tuple[str, list[str], list[int]]] = {
                "local": (hosts, [], []),
                "1 worker": (hosts, ["--cluster", clusters["1 worker"].address], _pids(clusters["1 worker"])),
                "2 workers": (hosts, ["--cluster", clusters["2 workers"].address], _pids(clusters["2 workers"])),
                "1 worker, shards of 64": (hosts, ["--cluster", clusters["1 worker"].address, "--shard-size", "64"],
                                           _pids(clusters["1 worker"])),
                "1 host, local": (one, [], []),
                "1 host, 1 worker": (one, ["--cluster", clusters["1 worker"].address], _pids(clusters["1 worker"])),
            }
            _run(exe, hosts, password, sim.port)  # the simulator builds each BMC's state once, outside the figures
            best: dict[str, tuple[float, float, float]] = {}
            for _ in range(ROUNDS):
                for name, (spec, extra, pids) in configs.items():
                    workers_before = sum(cpu_seconds(p) for p in pids)
                    wall, cpu, ok = _run(exe, spec, password, sim.port, *extra)
                    assert ok == (1 if spec == one else count), name
                    worker_cpu = sum(cpu_seconds(p) for p in pids) - workers_before
                    if name not in best or wall < best[name][0]:
                        best[name] = (wall, cpu, worker_cpu)
            for name, (wall, cpu, worker_cpu) in best.items():
                n = 1 if name.startswith("1 host") else count
                figures[name] = (f"{n} hosts in {wall:.3f} s: {n / wall:,.0f} hosts/s, client CPU "
                                 f"{cpu * 1e3 / n:.3f} ms/host" + (f", worker CPU {worker_cpu * 1e3 / n:.3f} ms/host"
                                                                   if configs[name][2] else ""))
            default_shards = -(-count // _default_shard(count, 4))
            if small > default_shards:
                per_shard = (best["1 worker, shards of 64"][0] - best["1 worker"][0]) / (small - default_shards)
                figures["cost of one more shard"] = f"{per_shard * 1e3:.2f} ms ({small} vs {default_shards} shards)"
            figures["cluster path overhead at one worker"] = (
                f"{best['1 worker'][0] / best['local'][0]:.2f}x the local run's time; fixed cost of a run "
                f"{(best['1 host, 1 worker'][0] - best['1 host, local'][0]) * 1e3:.0f} ms")

    benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(figures)
    print(f"\n[fleet power status over {count} simulated BMCs: local vs Dask cluster, best of {ROUNDS}]")
    for key, value in figures.items():
        print(f"  {key}: {value}")


def _pids(cluster: DaskCluster) -> list[int]:
    return [w.pid for w in cluster.workers]


def _default_shard(count: int, slots: int) -> int:
    from ipmifast.cluster.shards import shard_size

    return shard_size(count, slots)
