"""``ipmifast -H RANGE ... sol log --dir DIR``: 50 simulated consoles recorded at once (UDP port 9909, its own
fleet), whole timestamped lines, reconnection after another session deactivates SOL, a status line on a terminal,
SIGINT, and SIGKILL mid-stream leaving no torn line."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipmifast.sim.fleet import Fleet
from tests.cli.conftest import EXECUTABLE
from tests.cli.test_sol_console import LOGIN, Pty
from tests.sim.conftest import FleetThread, on_loop

PORT = 9909
COUNT = 50
HOSTS = "127.89.2.[1-50]"
LINE = re.compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (.*)$")


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    with FleetThread(count=COUNT, base="127.89.2.1", port=PORT) as f:
        for i in range(COUNT):
            host = f"127.89.2.{i + 1}"
            on_loop(f, lambda h=host: f.bmc(h).power(True, f.bmc(h).clock(), "power-on"))
        yield f


def sol_log(directory: Path, *extra: str, hosts: str = HOSTS) -> list[str]:
    return [str(EXECUTABLE), "-H", hosts, "-p", str(PORT), *LOGIN, "sol", "log", "--dir", str(directory), *extra]


def active(fleet: Fleet, host: str) -> bool:
    return on_loop(fleet, lambda: fleet.bmc(host).sol_active()) is not None


def wait_for(check, timeout: float = 20.0) -> bool:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def host_prints(fleet: Fleet, host: str, data: bytes) -> None:
    """The host writes ``data`` on its serial port (what the BMC's SOL window carries to the console)."""

    def write() -> None:
        bmc = fleet.bmc(host)
        session, console = bmc.sol_active()
        console.send(data)
        bmc.sessions20.flush(session.sid_c, bmc.clock())

    on_loop(fleet, write)


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data.endswith(b"\n"), f"{path.name}: the last line is torn: {data[-80:]!r}"
    out = []
    for line in data[:-1].split(b"\n"):
        m = LINE.match(line)
        assert m, f"{path.name}: not a whole timestamped line: {line!r}"
        out.append(m.group(1))
    return out


def test_fifty_consoles_logged_with_a_reconnect(fleet: Fleet, tmp_path: Path) -> None:
    proc = subprocess.Popen(sol_log(tmp_path, "--duration", "12"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        hosts = [f"127.89.2.{i + 1}" for i in range(COUNT)]
        assert wait_for(lambda: all(active(fleet, h) for h in hosts)), "not every console came up"
        for i, host in enumerate(hosts):
            host_prints(fleet, host, f"\r\nhello from {host}\r\nline two {i}\r\n".encode())
        stolen = "127.89.2.7"
        out = subprocess.run([str(EXECUTABLE), "-H", stolen, "-p", str(PORT), *LOGIN, "sol", "deactivate"],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert wait_for(lambda: active(fleet, stolen), timeout=15), "the deactivated console did not come back"
        host_prints(fleet, stolen, b"\r\nafter the reconnect\r\n")
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"sol log: {COUNT} hosts, {COUNT} connected at some point, {COUNT + 1} connections, 0 failed" in err.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{h}.log" for h in hosts)
    for i, host in enumerate(hosts):
        lines = lines_of(tmp_path / f"{host}.log")
        assert lines[0] == f"[ipmifast: SOL connected to {host}:{PORT} channel 1]".encode()
        assert f"hello from {host}".encode() in lines and f"line two {i}".encode() in lines
        assert lines[-1] == b"[ipmifast: SOL closed (sol log ended)]"
    lines = lines_of(tmp_path / f"{stolen}.log")
    markers = [line for line in lines if line.startswith(b"[ipmifast:")]
    assert markers[1] == b"[ipmifast: SOL lost: the BMC deactivated SOL (another session may have taken it)]"
    assert markers[2].startswith(b"[ipmifast: SOL connected to")
    assert lines.index(b"after the reconnect") > lines.index(markers[2])
    assert wait_for(lambda: not any(active(fleet, h) for h in hosts))  # deactivated and closed at the end


def test_kill_mid_stream_leaves_no_torn_line(fleet: Fleet, tmp_path: Path) -> None:
    hosts = [f"127.89.2.{i}" for i in range(1, 6)]
    proc = subprocess.Popen(sol_log(tmp_path, hosts="127.89.2.[1-5]"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert wait_for(lambda: all(active(fleet, h) for h in hosts))
        for host in hosts:
            host_prints(fleet, host, b"\r\n" + b"".join(b"record %06d of the stream %s\r\n" % (n, b"x" * 60)
                                              for n in range(20000)))  # fmt: skip
        assert wait_for(lambda: sum(p.stat().st_size for p in tmp_path.iterdir()) > 300_000)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    for host in hosts:
        lines = lines_of(tmp_path / f"{host}.log")
        records = [line for line in lines if line.startswith(b"record ")]
        assert records, f"{host}: nothing was logged before the kill"
        for n, line in enumerate(records):  # every record whole, in order, none twice
            assert line == b"record %06d of the stream %s" % (n, b"x" * 60)


def test_status_line_on_a_terminal_and_sigint(fleet: Fleet, tmp_path: Path) -> None:
    p = Pty(sol_log(tmp_path, hosts="127.89.2.[10-11]"))
    try:
        p.expect(b"sol log: 2 hosts, 2 connected, 0 reconnecting, 0 failed")
        p.proc.send_signal(signal.SIGINT)
        assert p.wait() == 0
        p.expect(b"sol log: 2 hosts, 2 connected at some point, 2 connections, 0 failed")
    finally:
        p.close()
    assert wait_for(lambda: not active(fleet, "127.89.2.10") and not active(fleet, "127.89.2.11"))


def test_wrong_password_is_failed_not_retried(fleet: Fleet, tmp_path: Path) -> None:
    out = subprocess.run([str(EXECUTABLE), "-H", "127.89.2.[20-21]", "-p", str(PORT), "-U", "admin", "-P", "nope",
                          "sol", "log", "--dir", str(tmp_path), "--duration", "3"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 2
    assert "sol log: 2 hosts, 0 connected at some point, 0 connections, 2 failed" in out.stderr
    assert out.stderr.count("ipmifast: 127.89.2.2") == 2
