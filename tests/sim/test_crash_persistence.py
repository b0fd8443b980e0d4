"""``ipmifast sim --state-dir``: killed (SIGKILL) at random moments while it writes state, never a torn file.

30 BMCs have their power switched on and off as fast as the engine can while the simulator is killed and
restarted 8 times. After each kill every state file is whole JSON, the simulator starts again on them, and the
temporary files the killed process left are removed (ipmifast/sim/persist.py ``StateStore._remove_stale``)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.interop
BASE, PORT, COUNT = "127.136.0.1", 9935, 30
EXE = Path(sys.executable).parent / "ipmifast"


def start(state: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([str(EXE), "sim", "--count", str(COUNT), "--base", BASE, "--port", str(PORT),
                             "--state-dir", str(state)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "stop with Ctrl-C" in line:
            return proc
    raise AssertionError(f"the simulator did not start: {proc.stderr.read() if proc.stderr else ''}")


def toggle_power(stop: threading.Event) -> None:
    """Power every BMC off and on again, over and over (each change is a state write)."""
    import ipmifast
    from ipmifast.engine.fleet import run_fleet
    from ipmifast.engine.loop import run
    from ipmifast.sim.fleet import address_range

    hosts = list(address_range(BASE, COUNT))

    async def flip(host: str) -> None:
        async with ipmifast.connect(host, port=PORT, username="admin", password="ipmifast", timeout=0.2,
                                    retries=1, keepalive=None, reconnect=False) as bmc:
            for action in ("off", "on"):
                await bmc.raw(0x00, 0x02, b"\x00" if action == "off" else b"\x01")

    async def main() -> None:
        while not stop.is_set():
            async for _ in run_fleet(hosts, flip, concurrency=COUNT):
                pass

    run(main())


def test_kill_at_any_moment_leaves_whole_files(tmp_path: Path) -> None:
    rng = random.Random(5)
    stop = threading.Event()
    loader = threading.Thread(target=toggle_power, args=(stop,), daemon=True)
    proc = start(tmp_path)
    loader.start()
    try:
        for _kill in range(8):
            time.sleep(rng.uniform(0.3, 1.2))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            files = sorted(tmp_path.glob("bmc-*.json"))
            assert files, "nothing was written before the kill"
            for f in files:
                state = json.loads(f.read_bytes())  # whole JSON, never half of a write
                assert isinstance(state, dict) and state
            proc = start(tmp_path)
            assert not list(tmp_path.glob(".bmc-*.tmp")), "the restart did not remove the killed run's temp files"
    finally:
        stop.set()
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        loader.join(15)
    assert proc.returncode == 0
    assert len(list(tmp_path.glob("bmc-*.json"))) == COUNT  # every BMC was written at least once


def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    from ipmifast.sim.persist import StateStore

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".bmc-127.0.0.1-623.json.{dead.stdout.strip()}.tmp"
    live = tmp_path / f".bmc-127.0.0.2-623.json.{os.getpid()}.tmp"
    stale.write_text("{half")
    live.write_text("{being written")
    store = StateStore(tmp_path)
    assert store.stale_removed == 1 and not stale.exists() and live.exists()
