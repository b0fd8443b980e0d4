"""Where the fleet engine's client time goes: a py-spy profile of full sessions over a simulated fleet.

    .venv/bin/py-spy record -r 1000 -f raw -o /tmp/fleet.raw -- .venv/bin/python bench/profile_fleet.py
    .venv/bin/python bench/profile_fleet.py --summarize /tmp/fleet.raw

The first command runs what ``bench/test_bench_fleet.py`` measures for ipmifast (``ipmifast sim --count 10000`` in
its own process on CPU 0, then ``ROUNDS`` fleet runs of full sessions, cipher suite 17, Get Chassis Status, from
CPU 1) under py-spy; the second groups the samples by layer and lists the functions with the most time of their
own. Only samples of the fleet runs count (the set-up and the warm-up discovery are left out).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: layer -> frames that mark it (first match from the innermost frame outwards)
LAYERS = (
    ("compiled crypto / framing (C)", ("_crypto_c", "_frame_c", "_batch_c", "_mmsg_c")),
    ("sans-IO session core (ipmifast/proto)", ("ipmifast/proto/",)),
    ("commands (ipmifast/cmds)", ("ipmifast/cmds/",)),
    ("engine: endpoint, timers, batching (ipmifast/engine)", ("ipmifast/engine/",)),
    ("client API: connect, Bmc, typed commands (ipmifast/client.py)", ("ipmifast/client.py",)),
    ("asyncio / uvloop event loop, socket calls", ("asyncio/", "uvloop", "Runner.run")),
)


def run_rounds(rounds: int) -> None:
    from bench.test_bench_fleet import PORT, ipmifast_fleet
    from bench.test_bench_sim import client_on_its_core, simulator
    from ipmifast.engine.discover import discover
    from ipmifast.engine.loop import run as run_loop

    with simulator(10_000, PORT) as sim, client_on_its_core():
        hosts = [a for a, _ in sim.addresses()]

        async def warm() -> int:
            return sum([r.ok async for r in discover([(h, PORT) for h in hosts], timeout=1.0, retries=2)])

        assert run_loop(warm()) == len(hosts)
        for _ in range(rounds):
            cpu, start = time.process_time(), time.perf_counter()
            assert ipmifast_fleet(hosts) == len(hosts)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(f"{len(hosts)} hosts in {wall:.2f} s, client CPU {cpu * 1e3 / len(hosts):.3f} ms per host")


def summarize(raw: str) -> None:
    layers: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in open(raw):
        stack, _, count = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        if not any("ipmifast_fleet" in f for f in frames):
            continue  # set-up, warm-up
        n = int(count)
        total += n
        own[re.sub(r":\d+\)", ")", frames[-1])] += n
        for name, marks in LAYERS:
            if any(m in frames[-1] for m in marks):
                layers[name] += n
                break
        else:
            layers["other Python (the bench's coroutine, run_fleet)"] += n
    print(f"{total} samples of the fleet runs\n\n| layer | share of client time |\n| --- | --- |")
    for name, n in layers.most_common():
        print(f"| {name} | {n * 100 / total:.1f}% |")
    print("\n| function (own time) | share |\n| --- | --- |")
    for name, n in own.most_common(12):
        print(f"| `{name}` | {n * 100 / total:.1f}% |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summarize":
        summarize(sys.argv[2])
    else:
        run_rounds(int(os.environ.get("ROUNDS", "4")))
