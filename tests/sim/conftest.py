"""A simulated fleet running on its own event loop thread, for tests that drive it with real clients."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ipmifast.sim.fleet import Fleet
from tests.interop.conftest import require


class FleetThread:
    def __init__(self, **kw: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.fleet = Fleet(**kw)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> Fleet:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fleet.start(), self.loop).result(30)
        return self.fleet

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.fleet.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def sim() -> Iterator[Fleet]:
    """Three simulated BMCs on 127.88.0.1-3 port 9901, user admin / ipmifast."""
    with FleetThread(count=3, base="127.88.0.1", port=9901) as fleet:
        yield fleet


def ipmitool(fleet: Fleet, host: str, *args: str, user: str = "admin", password: str = "ipmifast") -> str:
    tool = require("ipmitool")
    out = subprocess.run(
        [tool, "-H", host, "-p", str(fleet.port), "-U", user, "-P", password, "-N", "1", "-R", "2", *args],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def freeipmi(tool: str, fleet: Fleet, host: str, *args: str) -> str:
    path = require(tool)
    out = subprocess.run(
        [path, "-h", f"{host}:{fleet.port}", "-u", "admin", "-p", "ipmifast", "-D", "LAN_2_0", *args],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout
