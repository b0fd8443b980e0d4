"""A simulated fleet running on its own event loop thread, for tests that drive it with real clients, and helpers
that run those clients (a missing one fails the test with an install hint: ``require``)."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from ipmifast.sim.fleet import Fleet
from tests.interop.conftest import require

T = TypeVar("T")
TIMEOUT = 60
#: how the interop tests log in with ipmitool: RMCP+ with cipher suites 3 and 17, and IPMI v1.5 with MD5
INTERFACES = {
    "lanplus-C3": ["-I", "lanplus", "-C", "3"],
    "lanplus-C17": ["-I", "lanplus", "-C", "17"],
    "lan-MD5": ["-I", "lan", "-A", "MD5"],
}


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


def on_loop(fleet: Fleet, fn: Callable[[], T]) -> T:
    """Run ``fn`` on the fleet's event loop thread (to read or change BMC state without racing it)."""
    assert fleet.loop is not None

    async def call() -> T:
        return fn()

    return asyncio.run_coroutine_threadsafe(call(), fleet.loop).result(30)


@pytest.fixture(scope="module")
def sim() -> Iterator[Fleet]:
    """Three simulated BMCs on 127.88.0.1-3 port 9901, user admin / ipmifast."""
    with FleetThread(count=3, base="127.88.0.1", port=9901) as fleet:
        yield fleet


def pings(address: str, port: int, timeout: float = 0.5) -> bool:
    """Does ``address``:``port`` answer an RMCP/ASF presence ping (what ``rmcp_ping`` sends) within ``timeout``?"""
    import socket

    from ipmifast.proto import frame

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(frame.encode_asf_ping(7), (address, port))
        try:
            data, peer = sock.recvfrom(512)
        except TimeoutError:
            return False
        return peer == (address, port) and frame.decode_asf(data).message_type == 0x40


def run_ipmitool(fleet: Fleet, host: str, *args: str, user: str = "admin", password: str = "ipmifast",
                 port: int | None = None, retries: str = "2") -> subprocess.CompletedProcess[str]:
    tool = require("ipmitool")
    return subprocess.run(
        [tool, "-H", host, "-p", str(port or fleet.port), "-U", user, "-P", password, "-N", "1", "-R", retries,
         *args],
        capture_output=True, text=True, timeout=TIMEOUT,
    )


def ipmitool(fleet: Fleet, host: str, *args: str, user: str = "admin", password: str = "ipmifast",
             port: int | None = None) -> str:
    out = run_ipmitool(fleet, host, *args, user=user, password=password, port=port)
    assert out.returncode == 0, out.stderr
    return out.stdout


def run_freeipmi(tool: str, fleet: Fleet, host: str, *args: str, user: str = "admin", password: str = "ipmifast",
                 driver: str = "LAN_2_0", port: int | None = None) -> subprocess.CompletedProcess[str]:
    path = require(tool)
    return subprocess.run(
        [path, "-h", f"{host}:{port or fleet.port}", "-u", user, "-p", password, "-D", driver, *args],
        capture_output=True, text=True, timeout=TIMEOUT,
    )


def freeipmi(tool: str, fleet: Fleet, host: str, *args: str, user: str = "admin", password: str = "ipmifast",
             driver: str = "LAN_2_0", port: int | None = None) -> str:
    out = run_freeipmi(tool, fleet, host, *args, user=user, password=password, driver=driver, port=port)
    assert out.returncode == 0, out.stderr
    return out.stdout
