"""1 MiB each way over an RMCP+ session pair in memory (tests/proto/harness.py): ClientSession and BmcSession with
SOL windows attached, on a link that loses 10% of the datagrams in each direction, duplicates 5% and reorders
batches, on a fake clock. Each side receives exactly the other's bytes, once, in order (the session-level
counterpart of tests/cli/test_sol_console.py's lossy UDP relay)."""

from __future__ import annotations

import random
from types import ModuleType

import pytest

from ipmifast.proto import _sol_py, sol
from ipmifast.proto.events import SessionEstablished, SolDataReceived
from tests.proto.harness import make_pair

SIZE = 1 << 20


@pytest.mark.parametrize("impl", [sol, _sol_py], ids=["c", "py"])
def test_one_megabyte_each_way_under_loss(impl: ModuleType) -> None:
    assert sol.__impl__ == "c"
    link = make_pair(drop=0.10, duplicate=0.05, reorder=0.10, seed=11)
    link.run(link.finished)
    assert link.of(SessionEstablished)
    console = impl.SolWindow(251, 7, 0.5)
    bmc = impl.SolWindow(251, 7, 0.5, 0.01, bmc=True, rx_limit=4096)
    link.client.attach_sol(console)
    link.bmc.attach_sol(bmc)
    rng = random.Random(5)
    up, down = rng.randbytes(SIZE), rng.randbytes(SIZE)
    link.client.sol_send(up, link.now)
    bmc.send(down)
    got = {"console": bytearray(), "bmc": bytearray()}
    seen = {"console": 0, "bmc": 0}

    def done() -> bool:
        for side, events in (("console", link.client_events), ("bmc", link.bmc_events)):
            for event in events[seen[side]:]:
                if isinstance(event, SolDataReceived):
                    got[side] += event.data
            seen[side] = len(events)
        return len(got["console"]) >= SIZE and len(got["bmc"]) >= SIZE

    link.run(done, limit=100_000.0)
    assert not console.failed and not bmc.failed
    assert bytes(got["bmc"]) == up
    assert bytes(got["console"]) == down
    assert console.retransmits > 0 and bmc.retransmits > 0 and console.duplicates + bmc.duplicates > 0
    link.run(lambda: console.pending == 0 and bmc.pending == 0, limit=link.now + 60)
    assert console.pending == 0 and bmc.pending == 0
    retransmits = console.retransmits + bmc.retransmits
    print(f"{impl.__impl__}: {link.datagrams} datagrams, {retransmits} retransmits, {link.now:.1f} s of fake time")
