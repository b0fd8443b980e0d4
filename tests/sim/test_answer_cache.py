"""The simulator answers discovery's identical probes from a cache (ASF pong, pre-session Get Channel
Authentication Capabilities): the answers stay those of each BMC's current configuration."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ipmifast.engine.discover import discover
from ipmifast.engine.loop import run
from ipmifast.sim import bmc as sim_bmc
from ipmifast.sim.fleet import Fleet

pytestmark = pytest.mark.interop
PORT = 9931


def test_cached_answers_follow_each_bmcs_configuration() -> None:
    async def main() -> None:
        async with Fleet(count=2, base="127.131.0.1", port=PORT) as fleet:
            targets = [("127.131.0.1", PORT), ("127.131.0.2", PORT)]

            async def scan() -> dict[str, dict[str, object]]:
                return {r.host: r.report() async for r in discover(targets, timeout=0.5)}

            first = await scan()
            assert all(r["per_message_auth"] is True and r["rmcp_ping"] for r in first.values())
            assert any(value[0] is None for value in sim_bmc._ANSWERS.values())  # the pong is cached
            second = fleet.bmc("127.131.0.2")
            second.state.access = replace(second.state.access, per_message_authentication_disabled=True)
            second.reconfigure()
            again = await scan()
            assert again["127.131.0.1"]["per_message_auth"] is True
            assert again["127.131.0.2"]["per_message_auth"] is False
            assert again["127.131.0.1"] == first["127.131.0.1"]

    run(main())


def test_the_cache_is_bounded() -> None:
    sim_bmc._ANSWERS.clear()
    for i in range(sim_bmc._ANSWERS_MAX + 5):
        sim_bmc._remember(i.to_bytes(4, "little"), None, b"x")
    assert len(sim_bmc._ANSWERS) <= sim_bmc._ANSWERS_MAX
