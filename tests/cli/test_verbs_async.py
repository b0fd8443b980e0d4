"""The verbs are the same coroutines over the asyncio client (``ipmifast.connect``, what a fleet run awaits) as
over the one-shot CLI path: the same lines for the same BMC (ipmi_sim)."""

from __future__ import annotations

from pathlib import Path

import pytest

import ipmifast
from ipmifast.cli import registry
from tests.interop.conftest import SimBmc

from .conftest import ipmi_sim_fixture
from .conftest import ipmifast as run_cli

pytestmark = pytest.mark.interop

bmc = ipmi_sim_fixture(19)
VERBS = [("power", "status"), ("chassis", "status"), ("mc", "info"), ("sdr", "elist"), ("sel", "list"),
         ("fru", "print"), ("sensor", "list"), ("lan", "print", "1"), ("user", "list", "1")]  # fmt: skip


async def over_the_async_client(sim: SimBmc, verbs: list[tuple[str, ...]]) -> list[list[str]]:
    async with ipmifast.connect(sim.addr, port=sim.port, username="admin", password="ipmifast-admin") as session:
        outputs = []
        for verb in verbs:
            _group, fn, args = registry.find(list(verb))
            outputs.append((await fn(session, args)).lines)
        return outputs


def test_same_lines_over_the_async_client(bmc: SimBmc, password_file: Path) -> None:
    awaited = ipmifast.run(over_the_async_client(bmc, VERBS))
    for verb, lines in zip(VERBS, awaited, strict=True):
        cli = run_cli("-H", bmc.addr, "-p", str(bmc.port), "-U", "admin", "-f", str(password_file), *verb)
        assert cli.returncode == 0, cli.stderr
        assert "\n".join(lines) + "\n" == cli.stdout, verb
