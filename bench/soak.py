"""Soak: the fleet engine against the simulator on a lossy, duplicating network, for a while.

    .venv/bin/python bench/soak.py --seconds 600        # the 10-minute run of the README
    (tests/engine/test_soak.py runs the same for 12 s in the test suite)

``ipmifast sim --count HOSTS --drop-rate 0.05 --duplicate-rate 0.05`` runs in its own process; this process runs
rounds of full sessions (RMCP+ cipher suite 17, Get Chassis Status, Close Session) over every host with the fleet
engine, until the time is up. Each round must account for every host (an answer, or an error it reports); after
each round the engine must hold no session and no pending request; the client's RSS is sampled after every round
and its growth after the warm-up rounds is reported. Prints one JSON object (the figures), exits 1 when a check
failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE, PORT = "127.135.0.1", 9960
WARM_UP_ROUNDS = 3


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_simulator(hosts: int, loss: float, duplicates: float, port: int) -> subprocess.Popen[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "ipmifast")
    proc = subprocess.Popen([exe, "sim", "--count", str(hosts), "--base", BASE, "--port", str(port), "--drop-rate",
                             str(loss), "--duplicate-rate", str(duplicates)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "stop with Ctrl-C" in line:
            return proc
    raise RuntimeError(f"the simulator did not start: {proc.stderr.read() if proc.stderr else ''}")


async def soak(seconds: float, hosts: list[str], port: int, concurrency: int) -> dict[str, Any]:
    import ipmifast
    from ipmifast.client import default_endpoint
    from ipmifast.engine.fleet import run_fleet

    async def status(host: str) -> bool:
        async with ipmifast.connect(host, port=port, username="admin", password="ipmifast", cipher_suite=17,
                                    timeout=0.5, retries=4, keepalive=None, reconnect=False) as bmc:
            return (await bmc.chassis_status()).power_on

    end = time.monotonic() + seconds
    rounds, sessions = 0, 0
    outcomes: Counter[str] = Counter()
    rss: list[float] = []
    problems: list[str] = []
    while time.monotonic() < end or rounds < WARM_UP_ROUNDS + 2:
        seen = Counter[str]()
        async for r in run_fleet(hosts, status, concurrency=concurrency):
            seen[r.target] += 1
            outcomes["ok" if r.ok and r.value is True else r.kind] += 1
            if r.ok and r.value is not True:
                problems.append(f"round {rounds}: {r.target} answered {r.value!r}")
        rounds += 1
        sessions += len(hosts)
        if set(seen) != set(hosts) or any(n != 1 for n in seen.values()):
            problems.append(f"round {rounds}: {len(seen)} of {len(hosts)} hosts reported, some twice")
        endpoint = await default_endpoint()
        if endpoint.sessions or endpoint._busy or endpoint._turns:
            problems.append(f"round {rounds}: {endpoint.sessions} sessions left in the engine")
        rss.append(rss_mib())
    endpoint = await default_endpoint()
    steady = rss[WARM_UP_ROUNDS - 1 :]
    return {
        "seconds": seconds, "hosts": len(hosts), "rounds": rounds, "sessions": sessions,
        "outcomes": dict(outcomes), "answered": outcomes["ok"] / sessions,
        "rss_mib_after_warm_up": round(steady[0], 1), "rss_mib_end": round(steady[-1], 1),
        "rss_mib_max": round(max(steady), 1), "rss_growth_mib": round(steady[-1] - steady[0], 1),
        "datagrams_unrouted": dict(endpoint.unrouted), "datagrams_dropped_by_sessions": dict(endpoint.dropped),
        "problems": problems[:20],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--hosts", type=int, default=1000)
    p.add_argument("--loss", type=float, default=0.05)
    p.add_argument("--duplicates", type=float, default=0.05)
    p.add_argument("--concurrency", type=int, default=256)
    p.add_argument("--port", type=int, default=PORT)
    args = p.parse_args(argv)
    from ipmifast.engine.loop import run

    sim = start_simulator(args.hosts, args.loss, args.duplicates, args.port)
    try:
        from ipmifast.sim.fleet import address_range

        hosts = list(address_range(BASE, args.hosts))
        figures = run(soak(args.seconds, hosts, args.port, args.concurrency))
    finally:
        sim.terminate()
        sim.wait(10)
    figures.update(loss=args.loss, duplicates=args.duplicates)
    print(json.dumps(figures))
    return 1 if figures["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
